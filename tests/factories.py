"""Small builders for reference data in integration tests (ORM, committed)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select

from scanfloor.catalog.models import Item, Location, Lot, PackLevel
from scanfloor.extensions import db

_seq = itertools.count(1)


def virtual(code: str) -> Location:
    loc = db.session.scalar(select(Location).where(Location.code == code))
    assert loc is not None, code
    return loc


def make_item(sku: str | None = None, **kw: Any) -> Item:
    n = next(_seq)
    sku = sku or f"SKU-{n:05d}"
    item = Item(sku=sku, sku_key=sku.casefold(), name=kw.pop("name", f"Item {n}"), **kw)
    item.packs.append(PackLevel(level="each", quantity=1))
    db.session.add(item)
    db.session.commit()
    return item


def make_bin(code: str | None = None, **kw: Any) -> Location:
    code = code or f"BIN-{next(_seq):05d}"
    kw.setdefault("type", "storage")
    kw.setdefault("sellable", kw["type"] in ("storage", "pick_face"))
    loc = Location(code=code, name=code, level="bin", **kw)
    db.session.add(loc)
    db.session.commit()
    return loc


def make_lot(item: Item, code: str) -> Lot:
    lot = Lot(item_id=item.id, code=code)
    db.session.add(lot)
    db.session.commit()
    return lot


def receive(item: Item, loc: Location, qty: int, key: str | None = None) -> Any:
    """Put stock in a bin the way a receipt does: through the one writer."""
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    return post(
        PostingRequest(
            movement_type="receipt",
            lines=(
                MovementLine(
                    item_id=item.id,
                    quantity=qty,
                    from_location_id=virtual("VENDOR").id,
                    to_location_id=loc.id,
                ),
            ),
            idempotency_key=key,
        )
    )


def make_supplier(code: str | None = None, tolerance: str = "0") -> Any:
    from scanfloor.purchasing.suppliers_service import create_supplier

    code = code or f"SUP-{next(_seq):05d}"
    return create_supplier(code=code, name=f"Supplier {code}", over_receipt_tolerance_pct=tolerance)


def make_po(
    supplier: Any, lines: list[tuple[Any, ...]], *, blind: bool = False, opened: bool = True
) -> Any:
    """A purchase order through the purchasing service; lines are (item, ordered[, cost])."""
    from scanfloor.purchasing.orders_service import (
        LineSpec,
        create_purchase_order,
        open_purchase_order,
    )

    po = create_purchase_order(
        number=f"PO-{next(_seq):05d}",
        supplier=supplier.code,
        blind_receipt=blind,
        lines=[
            LineSpec(item_id=ln[0].id, quantity=ln[1], unit_cost=ln[2] if len(ln) > 2 else "1.50")
            for ln in lines
        ],
    )
    return open_purchase_order(po.id) if opened else po


def ledger_snapshot() -> tuple[int, list[tuple[Any, ...]]]:
    """Movement count and every balance row: a refused request must leave both as they were."""
    from scanfloor.ledger.models import Balance, Movement

    db.session.rollback()
    count = db.session.scalar(select(db.func.count()).select_from(Movement))
    rows = db.session.execute(
        select(
            Balance.item_id,
            Balance.location_id,
            Balance.lot_id,
            Balance.container_id,
            Balance.quantity,
        ).order_by(Balance.id)
    ).all()
    return int(count or 0), [tuple(r) for r in rows]


def make_warehouse(code: str | None = None) -> Location:
    """A warehouse location (its own warehouse_id, as the catalog service makes them)."""
    code = code or f"WH-{next(_seq):05d}"
    wh = Location(code=code, name=code, level="warehouse", type="warehouse")
    db.session.add(wh)
    db.session.flush()
    wh.warehouse_id = wh.id
    db.session.commit()
    return wh


def make_bin_in(warehouse: Location, code: str | None = None, **kw: Any) -> Location:
    """A bin inside a warehouse (sellable storage unless told otherwise)."""
    return make_bin(code, parent_id=warehouse.id, warehouse_id=warehouse.id, **kw)
