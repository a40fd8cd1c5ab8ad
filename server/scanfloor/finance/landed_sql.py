"""Landed costs' statements: which receipts exist, the receipt movements of receipts (each
receipt line's posting, the movements of its item from VENDOR: one, or two when damaged
units went to quarantine) with what they were valued at and the supplier's case terms, and
the charges' own rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from ..catalog.models import Item, Location
from ..ledger.models import Movement
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine
from ..purchasing.terms_models import SupplierItem
from ..receiving.models import Receipt, ReceiptLine
from .document_models import CostAdjustment, LandedCost, LandedCostReceipt
from .landed_rules import SpreadLine
from .money import times
from .valuation_models import MovementValue

_R, _RL, _M = Receipt.__table__, ReceiptLine.__table__, Movement.__table__
_PO, _POL, _SI = PurchaseOrder.__table__, PurchaseOrderLine.__table__, SupplierItem.__table__
_MV, _I, _L = MovementValue.__table__, Item.__table__, Location.__table__
_LC, _LCR, _CA = LandedCost.__table__, LandedCostReceipt.__table__, CostAdjustment.__table__

_VENDOR = select(_L.c.id).where(_L.c.code == "VENDOR").scalar_subquery()
_EXISTING = select(_R.c.id).where(_R.c.id.in_(bindparam("ids", expanding=True)))
_MOVEMENTS = (
    select(
        _RL.c.receipt_id, _RL.c.id.label("receipt_line_id"), _M.c.id.label("movement_id"),
        _M.c.item_id, _I.c.sku, _M.c.quantity, _MV.c.to_place_id, _MV.c.value,
        # The movement's cost is the functional one (converted at receipt for a foreign PO).
        func.coalesce(_M.c.unit_cost, _POL.c.unit_cost).label("unit_cost"),
        _SI.c.case_weight_kg, _SI.c.case_volume_m3, _SI.c.case_pack,
    )
    .select_from(
        _RL.join(_M, and_(_M.c.posting_id == _RL.c.posting_id, _M.c.item_id == _RL.c.item_id,
                          _M.c.from_location_id == _VENDOR))
        .join(_I, _I.c.id == _M.c.item_id)
        .join(_POL, _POL.c.id == _RL.c.po_line_id)
        .join(_PO, _PO.c.id == _POL.c.po_id)
        .outerjoin(_SI, and_(_SI.c.supplier_id == _PO.c.supplier_id,
                             _SI.c.item_id == _RL.c.item_id))
        .outerjoin(_MV, _MV.c.movement_id == _M.c.id)
    )
    .where(_RL.c.receipt_id.in_(bindparam("ids", expanding=True)))
    .order_by(_RL.c.receipt_id, _RL.c.id, _M.c.id)
)  # fmt: skip
_INSERT_CHARGE = insert(_LC).returning(_LC.c.id)
_INSERT_RECEIPTS = insert(_LCR)
_SET_ENTRY = update(_LC).where(_LC.c.id == bindparam("k_id")).values(entry_id=bindparam("entry"))


@dataclass(frozen=True)
class ReceiptMovement:
    """A movement a receipt line brought in from VENDOR, and what a charge is spread by."""

    receipt_id: int
    receipt_line_id: int
    movement_id: int
    item_id: int
    sku: str
    quantity: int
    place_id: int | None  # the valued place it entered (None: received before valuation)
    value: Decimal  # its movement value; unvalued: units x the PO line's unit cost
    case_weight_kg: Decimal | None
    case_volume_m3: Decimal | None
    case_pack: int

    def spread_line(self) -> SpreadLine:
        return SpreadLine(self.movement_id, self.quantity, self.value, self.case_weight_kg,
                          self.case_volume_m3, self.case_pack)  # fmt: skip


def existing_receipts(conn: Connection, ids: Sequence[int]) -> set[int]:
    return {int(i) for i in conn.execute(_EXISTING, {"ids": list(ids)}).scalars()}


def receipt_movements(conn: Connection, ids: Sequence[int], q: Decimal) -> list[ReceiptMovement]:
    """The receipt movements of the receipts `ids`, by receipt, receipt line and movement."""
    out = []
    for r in conn.execute(_MOVEMENTS, {"ids": list(ids)}):
        quantity = int(r.quantity)
        value = times(quantity, Decimal(r.unit_cost), q) if r.value is None else _dec(r.value, q)
        out.append(
            ReceiptMovement(
                int(r.receipt_id), int(r.receipt_line_id), int(r.movement_id), int(r.item_id),
                str(r.sku), quantity, None if r.to_place_id is None else int(r.to_place_id),
                value, _opt(r.case_weight_kg), _opt(r.case_volume_m3),
                int(r.case_pack or 1),
            )
        )  # fmt: skip
    return out


def insert_charge(conn: Connection, row: dict[str, object], receipt_ids: Sequence[int]) -> int:
    """The charge's row (its entry named later) and the receipts it was entered against."""
    charge_id = int(conn.execute(_INSERT_CHARGE, row).scalar_one())
    conn.execute(_INSERT_RECEIPTS, [{"landed_cost_id": charge_id, "receipt_id": r}
                                    for r in receipt_ids])  # fmt: skip
    return charge_id


def set_entry(conn: Connection, charge_id: int, entry_id: int | None) -> None:
    conn.execute(_SET_ENTRY, {"k_id": charge_id, "entry": entry_id})


def _dec(value: object, q: Decimal) -> Decimal:
    # SQLite's NUMERIC may come back as a float: through its text, then to the quantum.
    return Decimal(str(value)).quantize(q)


def _opt(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
