"""The demo's purchasing history written as it happened, inside the demo seed's transaction.

The history is in the past, so it cannot go through the use cases a person would use now:
receiving stamps today's business date on a receipt, and approving or sending a PO stamps
today and queues a message to the supplier. So the seed writes the history's documents
itself (POs sent on their day, receipts on theirs) and posts every unit through the one
ledger writer with the day it moved (`occurred_at`): opening stock, each receipt into the
slot's reserve bin (the putaway step is not replayed), one shipment posting a day to
CUSTOMER and the restocked customer returns (CUSTOMER -> returns area -> the bin). The
demand, lead time and supplier performance queries then read what a real history leaves.
A PO is in its supplier's currency; a foreign one's receipts convert at the rate of their
day as receiving's do (finance/fx_service.py: its rates are seeded before the history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import insert, select

from ..extensions import db
from ..finance.fx_rules import functional_cost
from ..finance.fx_service import receipt_conversion
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
from ..purchasing.rules import approver_needed, po_value
from ..receiving.models import Receipt, ReceiptLine
from .purchasing_plan import Flow, HistoryPlan, PoPlan

SOURCE = ("seed", "purchasing-history")
OPENING_HOUR, ORDER_HOUR, RECEIPT_HOUR, RETURN_HOUR, SHIP_HOUR = 7, 10, 9, 11, 15


@dataclass(frozen=True)
class SlotItem:
    """The catalog item a slot was given, where it sits and what it costs."""

    item_id: int
    sku: str
    case: int  # base units in its case (1 when it has no case pack)
    unit_cost: Decimal  # the preferred supplier's
    face_bin: int | None  # its pick-face bin (holding the base demo stock)
    face_code: str | None
    face_qty: int
    reserve_bin: int | None  # the storage bin its history's stock lives in
    supplier_sku: str | None


@dataclass(frozen=True)
class Places:
    warehouse: int
    vendor: int
    customer: int
    returns: int
    manager: int | None
    supervisor: int | None
    receiver: int | None
    suppliers: dict[str, int]  # the demo suppliers' ids by code


@dataclass(frozen=True)
class _Event:
    at: datetime
    order: int  # same instant: openings, receipts, returns, shipments
    write: Callable[[], None]


def _at(today: date, day: int, hour: int) -> datetime:
    return datetime.combine(today + timedelta(days=day), time(hour), tzinfo=UTC)


def write_history(
    plan: HistoryPlan, items: Sequence[SlotItem], places: Places, today: date
) -> dict[str, int]:
    """Write the plan (see the module): PO documents, then every posting in time order.
    Returns the PO ids by number."""
    currencies = _currencies(places)
    po_ids = _insert_pos(plan.purchase_orders, items, places, today, currencies)
    events: list[_Event] = []
    if plan.opening:
        when = _at(today, plan.opening[0].day, OPENING_HOUR)
        lines = tuple(
            MovementLine(
                item_id=items[f.slot].item_id,
                quantity=f.quantity,
                from_location_id=places.vendor,
                to_location_id=_bin(items[f.slot]),
                unit_cost=items[f.slot].unit_cost,
                reason_code="opening_stock",
            )
            for f in plan.opening
        )
        events.append(_Event(when, 0, _poster("receipt", lines, when)))
    for po in plan.purchase_orders:
        if po.arrived_on is not None:
            when = _at(today, po.arrived_on, RECEIPT_HOUR)
            receiver = _receiver(po, po_ids[po.number], items, places, when, currencies)
            events.append(_Event(when, 1, receiver))
    for day, flows in _by_day(plan.returns).items():
        when = _at(today, day, RETURN_HOUR)
        lines = tuple(
            line
            for slot, qty in flows
            for line in (
                MovementLine(items[slot].item_id, qty, places.customer, places.returns),
                MovementLine(
                    items[slot].item_id,
                    qty,
                    places.returns,
                    _bin(items[slot]),
                    reason_code="return_restock",
                ),
            )
        )
        events.append(_Event(when, 2, _poster("return", lines, when)))
    for day, flows in _by_day(plan.shipments).items():
        when = _at(today, day, SHIP_HOUR)
        lines = tuple(
            MovementLine(items[slot].item_id, qty, _bin(items[slot]), places.customer)
            for slot, qty in flows
        )
        events.append(_Event(when, 3, _poster("ship", lines, when)))
    for event in sorted(events, key=lambda e: (e.at, e.order)):
        event.write()
    return po_ids


def _bin(item: SlotItem) -> int:
    assert item.reserve_bin is not None, f"{item.sku} has a history but no reserve bin"
    return item.reserve_bin


def _by_day(flows: Sequence[Flow]) -> dict[int, list[tuple[int, int]]]:
    days: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for f in flows:
        days[f.day].append((f.slot, f.quantity))
    return dict(sorted(days.items()))


def _post(
    kind: str,
    lines: tuple[MovementLine, ...],
    when: datetime,
    source_type: str,
    source_id: str,
    actor_id: int | None = None,
) -> int:
    return post(
        PostingRequest(
            movement_type=kind,
            lines=lines,
            actor_id=actor_id,
            source_type=source_type,
            source_id=source_id,
            occurred_at=when,
        )
    ).posting_id


def _poster(kind: str, lines: tuple[MovementLine, ...], when: datetime) -> Callable[[], None]:
    def write() -> None:
        _post(kind, lines, when, *SOURCE)

    return write


def _currencies(places: Places) -> dict[str, str]:
    """The demo suppliers' currencies by code (their POs are in it)."""
    ids = {v: k for k, v in places.suppliers.items()}
    rows = db.session.execute(
        select(Supplier.id, Supplier.currency).where(Supplier.id.in_(list(ids)))
    ).all()
    return {ids[int(i)]: str(c) for i, c in rows}


def _insert_pos(
    pos: Sequence[PoPlan],
    items: Sequence[SlotItem],
    places: Places,
    today: date,
    currencies: dict[str, str],
) -> dict[str, int]:
    """The PO rows with their stamps (created, approved and sent on the order day; closed
    when the plan closed them) and their lines' received totals."""
    if not pos:
        return {}
    threshold = Decimal(current_app.config.get("SCANFLOOR_PO_MANAGER_VALUE", "10000"))
    rows = []
    for po in pos:
        ordered = _at(today, po.ordered_on, ORDER_HOUR)
        value = po_value((ln.ordered, items[ln.slot].unit_cost) for ln in po.lines)
        approver = (
            places.manager if approver_needed(value, threshold) == "manager" else places.supervisor
        )
        rows.append(
            {
                "number": po.number,
                "supplier_id": places.suppliers[po.supplier],
                "state": po.state,
                "blind_receipt": False,
                "expected_date": today + timedelta(days=po.expected_on),
                "created_by": places.supervisor,
                "created_at": ordered - timedelta(hours=2),
                "opened_at": None,
                "closed_at": None
                if po.closed_on is None
                else _at(today, po.closed_on, ORDER_HOUR + 6),
                "warehouse_id": places.warehouse,
                "currency": currencies[po.supplier],
                "revision": 0,
                "approved_by": approver,
                "approved_at": ordered - timedelta(hours=1),
                "sent_by": approver,
                "sent_at": ordered,
            }
        )
    ids = list(
        db.session.scalars(
            insert(PurchaseOrder).returning(PurchaseOrder.id, sort_by_parameter_order=True),
            rows,
        ).all()
    )
    db.session.execute(
        insert(PurchaseOrderLine),
        [
            {
                "po_id": po_id,
                "line_no": n,
                "item_id": items[ln.slot].item_id,
                "ordered": ln.ordered,
                "received": ln.received,
                "damaged": 0,
                "unit_cost": items[ln.slot].unit_cost,
                "expected_date": None,
                "supplier_sku": items[ln.slot].supplier_sku,
            }
            for po, po_id in zip(pos, ids, strict=True)
            for n, ln in enumerate(po.lines, start=1)
        ],
    )
    return {po.number: po_id for po, po_id in zip(pos, ids, strict=True)}


def _receiver(
    po: PoPlan,
    po_id: int,
    items: Sequence[SlotItem],
    places: Places,
    when: datetime,
    currencies: dict[str, str],
) -> Callable[[], None]:
    """Receive what the plan says arrived: one posting Vendor -> reserve bins, one receipt
    document of that day with a line per PO line, as receiving would have written them
    (a foreign PO's costs converted at the day's rate, recorded on the lines)."""

    def receive() -> None:
        fx = receipt_conversion(db.session.connection(), currencies[po.supplier], when.date())
        arrived = [(n, ln) for n, ln in enumerate(po.lines, start=1) if ln.received]
        moves = tuple(
            MovementLine(
                item_id=items[ln.slot].item_id,
                quantity=ln.received,
                from_location_id=places.vendor,
                to_location_id=_bin(items[ln.slot]),
                unit_cost=functional_cost(fx, items[ln.slot].unit_cost),
            )
            for _, ln in arrived
        )
        posting = _post(
            "receipt", moves, when, "purchase_order", str(po_id), actor_id=places.receiver
        )
        receipt_id = db.session.execute(
            insert(Receipt).returning(Receipt.id),
            [
                {
                    "po_id": po_id,
                    "actor_id": places.receiver,
                    "device_id": None,
                    "business_date": when.date(),
                    "started_at": when,
                    "last_at": when + timedelta(minutes=5 * len(arrived)),
                }
            ],
        ).scalar_one()
        line_ids = _po_line_ids(po_id)
        db.session.execute(
            insert(ReceiptLine),
            [
                {
                    "receipt_id": receipt_id,
                    "po_line_id": line_ids[n],
                    "item_id": items[ln.slot].item_id,
                    "quantity": ln.received,
                    "damaged_quantity": 0,
                    "variance": max(0, ln.received - ln.ordered),
                    "location_id": _bin(items[ln.slot]),
                    "posting_id": posting,
                    "currency": None if fx is None else fx.currency,
                    "exchange_rate": None if fx is None else fx.rate,
                    "created_at": when,
                }
                for n, ln in arrived
            ],
        )

    return receive


def _po_line_ids(po_id: int) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(PurchaseOrderLine.line_no, PurchaseOrderLine.id).where(
                PurchaseOrderLine.po_id == po_id
            )
        ).all()
    )
