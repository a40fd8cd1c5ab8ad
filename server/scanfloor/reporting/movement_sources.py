"""The source document behind a movement and the approvals recorded for it (movement_detail.py
builds the drill-down of one movement from it). Reading only.

Every use case names its document on the posting (source_type, source_id). Per type, what
the app records is read back as it is, never inferred:
- purchase_order (receiving): the PO and its supplier; the receipt of this posting; the PO's
  approval; an over-receipt a supervisor approved on the receipt line of this posting.
- return (returns receipt and inspection; return_inspection by an inspection's id): the RMA
  and its order; the inspection of this posting (inspector, disposition, reason, note).
- count_task (counting): the task; who counted, who recounted and who decided a variance the
  recount confirmed, when, and the decision's reason code and note.
- manual (the movements API): the manager who posted it; movement (a reversal): the
  manager who reversed the movement named.
- pick_line / pick_task / order_line / order / carton / shipment / putaway / replenishment /
  seed: the document and the orders it serves; nothing is approved in those workflows.
A document that is no longer found (or an id that is not a number) keeps its type and id
with a label that says so.

A page is (console endpoint, argument, value): the API turns it into the console's URL, so
this module knows the console's page names but not its URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..allocation.models import Order, OrderLine
from ..catalog.models import Container, Location
from ..counting.models import CountTask
from ..extensions import db
from ..packing.models import Carton
from ..picking.models import PickLine, PickTask
from ..purchasing.models import PurchaseOrder, Supplier
from ..receiving.models import Receipt, ReceiptLine
from ..replenishment.models import ReplenishmentTask
from ..returns.models import ReturnAuthorisation, ReturnInspection
from ..shipping.models import Carrier, Shipment

MAX_RELATED = 20
_MAX_ID = 2**63 - 1

Page = tuple[str, str, int]  # console endpoint, its argument's name, the value


@dataclass(frozen=True)
class DocRef:
    type: str
    id: str | None
    label: str
    page: Page | None = None


@dataclass(frozen=True)
class Step:
    """One approval (or sign-off) recorded for the source document; `by_id` a user id."""

    step: str
    what: str
    by_id: int | None
    at: datetime | None
    reason_code: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Found:
    """What a source type's reader found: the document, documents it relates to, steps."""

    doc: DocRef
    related: list[DocRef] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class Origin:
    """The movement's facts a reader needs."""

    source_type: str
    source_id: str | None
    posting_id: int
    actor_id: int | None
    recorded_at: datetime
    reason_code: str | None


def number(source_id: str | None) -> int | None:
    """A source id as a row id, or None when it is not one (ids are ASCII digits)."""
    if not source_id or not (source_id.isascii() and source_id.isdigit()) or len(source_id) > 19:
        return None
    value = int(source_id)
    return value if 0 < value <= _MAX_ID else None


def _one(query: Any) -> Any:
    return db.session.execute(query).first()


def _missing(o: Origin, what: str, why: str = "no longer found") -> Found:
    return Found(DocRef(o.source_type, o.source_id, f"{what} {o.source_id or ''} ({why})"))


def _order_ref(order_id: int, external_id: str | None) -> DocRef:
    label = f"Order {external_id}" if external_id else f"Order {order_id}"
    return DocRef("order", str(order_id), label, ("console_alloc.order", "order_id", order_id))


def _orders(order_ids: list[int]) -> list[DocRef]:
    if not order_ids:
        return []
    rows = db.session.execute(
        select(Order.id, Order.external_id)
        .where(Order.id.in_(order_ids[:MAX_RELATED]))
        .order_by(Order.id)
    )
    return [_order_ref(int(i), ext) for i, ext in rows]


# ---- receiving ---------------------------------------------------------------------------


def _purchase_order(o: Origin, po_id: int) -> Found:
    po = _one(
        select(PurchaseOrder.id, PurchaseOrder.number, PurchaseOrder.approved_by,
               PurchaseOrder.approved_at, Supplier.name)
        .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
        .where(PurchaseOrder.id == po_id)
    )  # fmt: skip
    if po is None:
        return _missing(o, "Purchase order")
    doc = DocRef(
        "purchase_order", o.source_id, f"Purchase order {po.number} from {po.name}",
        ("console_po.purchase_order", "po_id", int(po.id)),
    )  # fmt: skip
    steps = []
    if po.approved_by is not None:
        steps.append(Step("po_approved", "Purchase order approved", po.approved_by, po.approved_at))
    lines = db.session.execute(
        select(ReceiptLine.id, ReceiptLine.variance, ReceiptLine.approved_by,
               ReceiptLine.created_at, Receipt.id.label("receipt_id"), Receipt.business_date)
        .join(Receipt, Receipt.id == ReceiptLine.receipt_id)
        .where(ReceiptLine.posting_id == o.posting_id)
        .order_by(ReceiptLine.id)
    ).all()  # fmt: skip
    related = []
    for receipt_id in dict.fromkeys(int(ln.receipt_id) for ln in lines):
        day = next(ln.business_date for ln in lines if int(ln.receipt_id) == receipt_id)
        related.append(DocRef("receipt", str(receipt_id), f"Receipt {receipt_id} of {day}"))
    for ln in lines:
        if ln.approved_by is not None:
            units = int(ln.variance or 0)
            what = (f"Over-receipt approved: {units} unit{'' if units == 1 else 's'} beyond the "
                    f"order (receipt line {ln.id})")  # fmt: skip
            steps.append(Step("over_receipt_approved", what, ln.approved_by, ln.created_at))
    return Found(doc, related, steps)


# ---- returns -----------------------------------------------------------------------------


def _inspection_step(i: Any) -> Step:
    units = int(i.quantity)
    what = (f"Inspected: {units} unit{'' if units == 1 else 's'}, disposition "
            f"{i.disposition}, credit {i.credit}")  # fmt: skip
    return Step("inspected", what, i.inspected_by, i.inspected_at, i.reason_code, i.note)


_INSPECTION = select(
    ReturnInspection.id, ReturnInspection.rma_id, ReturnInspection.quantity,
    ReturnInspection.disposition, ReturnInspection.credit, ReturnInspection.reason_code,
    ReturnInspection.note, ReturnInspection.inspected_by, ReturnInspection.inspected_at,
).order_by(ReturnInspection.id)  # fmt: skip


def _rma(o: Origin, rma_id: int, inspections: list[Any]) -> Found:
    rma = _one(
        select(ReturnAuthorisation.id, ReturnAuthorisation.external_id,
               ReturnAuthorisation.order_id, Order.external_id.label("order_ref"))
        .outerjoin(Order, Order.id == ReturnAuthorisation.order_id)
        .where(ReturnAuthorisation.id == rma_id)
    )  # fmt: skip
    if rma is None:
        return _missing(o, "Return")
    name = f"Return {rma.external_id}" if rma.external_id else f"Return {rma.id}"
    label = name + (": inspection" if inspections else ": receipt")
    doc = DocRef(o.source_type, o.source_id, label,
                 ("console_returns.return_detail", "rma_id", int(rma.id)))  # fmt: skip
    related = [_order_ref(int(rma.order_id), rma.order_ref)] if rma.order_id else []
    return Found(doc, related, [_inspection_step(i) for i in inspections])


def _return(o: Origin, rma_id: int) -> Found:
    inspections = db.session.execute(
        _INSPECTION.where(ReturnInspection.posting_id == o.posting_id)
    ).all()
    return _rma(o, rma_id, list(inspections))


def _return_inspection(o: Origin, inspection_id: int) -> Found:
    found = db.session.execute(_INSPECTION.where(ReturnInspection.id == inspection_id)).all()
    if not found:
        return _missing(o, "Return inspection")
    return _rma(o, int(found[0].rma_id), list(found))


# ---- counting ----------------------------------------------------------------------------


def _count_task(o: Origin, task_id: int) -> Found:
    t = _one(
        select(CountTask, Location.code).join(Location, Location.id == CountTask.location_id)
        .where(CountTask.id == task_id)
    )  # fmt: skip
    if t is None:
        return _missing(o, "Count task")
    task, code = t
    doc = DocRef("count_task", o.source_id,
                 f"Count task {task.id} at {code} ({task.reason.replace('_', ' ')})")  # fmt: skip
    steps = []
    if task.counted_by is not None:
        steps.append(Step("counted", "Counted", task.counted_by, task.counted_at))
    if task.recounted_by is not None:
        steps.append(Step("recounted", "Recounted by a second person", task.recounted_by,
                          task.recounted_at))  # fmt: skip
    if task.decided_by is not None:
        approved = task.status == "counted"
        steps.append(Step(
            "variance_approved" if approved else "variance_rejected",
            "Variance approved" if approved else "Variance rejected",
            task.decided_by, task.decided_at, task.decision_reason, task.decision_note,
        ))  # fmt: skip
    return Found(doc, [], steps)


# ---- the movements API -------------------------------------------------------------------


def _manual(o: Origin) -> Found:
    ref = f" (reference {o.source_id})" if o.source_id else ""
    doc = DocRef("manual", o.source_id, f"Manual posting{ref}")
    if o.actor_id is None:  # posted by the app itself (a seed): nobody to name
        return Found(doc)
    return Found(doc, [], [Step("posted_manually", "Posted by hand", o.actor_id, o.recorded_at)])


def _movement(o: Origin, movement_id: int) -> Found:
    doc = DocRef("movement", o.source_id, f"Movement {movement_id}",
                 ("console.movement", "movement_id", movement_id))  # fmt: skip
    if o.actor_id is None:
        return Found(doc)
    step = Step("reversal_posted", f"Reversal of movement {movement_id} posted", o.actor_id,
                o.recorded_at, o.reason_code)  # fmt: skip
    return Found(doc, [], [step])


# ---- outbound ----------------------------------------------------------------------------


def _pick_line(o: Origin, line_id: int) -> Found:
    ln = _one(select(PickLine.id, PickLine.wave_id, PickLine.task_id, PickLine.order_id)
              .where(PickLine.id == line_id))  # fmt: skip
    if ln is None:
        return _missing(o, "Pick line")
    doc = DocRef("pick_line", o.source_id,
                 f"Pick line {ln.id} of pick task {ln.task_id}, wave {ln.wave_id}")  # fmt: skip
    return Found(doc, _orders([int(ln.order_id)]))


def _pick_task(o: Origin, task_id: int) -> Found:
    task = _one(select(PickTask.id, PickTask.wave_id).where(PickTask.id == task_id))
    if task is None:
        return _missing(o, "Pick task")
    doc = DocRef("pick_task", o.source_id, f"Pick task {task.id} of wave {task.wave_id}")
    return Found(doc, _orders_where(PickLine.order_id, PickLine.task_id == task_id))


def _orders_where(order_id: Any, condition: Any) -> list[DocRef]:
    """The orders (up to MAX_RELATED, in id order) of the rows meeting the condition."""
    ids = db.session.scalars(
        select(order_id).where(condition).distinct().order_by(order_id).limit(MAX_RELATED)
    ).all()
    return _orders([int(i) for i in ids])


def _order(o: Origin, order_id: int) -> Found:
    row = _one(select(Order.id, Order.external_id).where(Order.id == order_id))
    if row is None:
        return _missing(o, "Order")
    return Found(_order_ref(int(row.id), row.external_id))


def _order_line(o: Origin, line_id: int) -> Found:
    row = _one(
        select(OrderLine.line_no, Order.id, Order.external_id)
        .join(Order, Order.id == OrderLine.order_id).where(OrderLine.id == line_id)
    )  # fmt: skip
    if row is None:
        return _missing(o, "Order line")
    order = _order_ref(int(row.id), row.external_id)
    doc = DocRef("order_line", o.source_id, f"{order.label}, line {row.line_no}", order.page)
    return Found(doc)


def _carton(o: Origin, carton_id: int) -> Found:
    row = _one(
        select(Carton.id, Carton.seq, Carton.order_id, Carton.shipment_id, Container.code)
        .join(Container, Container.id == Carton.container_id).where(Carton.id == carton_id)
    )  # fmt: skip
    if row is None:
        return _missing(o, "Carton")
    doc = DocRef("carton", o.source_id, f"Carton {row.code} (carton {row.seq} of its order)")
    related = _orders([int(row.order_id)])
    if row.shipment_id is not None:
        related.append(DocRef("shipment", str(row.shipment_id), f"Shipment {row.shipment_id}"))
    return Found(doc, related)


def _shipment(o: Origin, shipment_id: int) -> Found:
    row = _one(
        select(Shipment.id, Shipment.service, Carrier.code)
        .join(Carrier, Carrier.id == Shipment.carrier_id).where(Shipment.id == shipment_id)
    )  # fmt: skip
    if row is None:
        return _missing(o, "Shipment")
    doc = DocRef("shipment", o.source_id, f"Shipment {row.id} ({row.code} {row.service})")
    return Found(doc, _orders_where(Carton.order_id, Carton.shipment_id == shipment_id))


# ---- inbound and replenishment -----------------------------------------------------------


def _putaway(o: Origin) -> Found:
    return Found(DocRef("putaway", o.source_id, f"Putaway task {o.source_id}"))


def _replenishment(o: Origin, task_id: int) -> Found:
    row = _one(
        select(ReplenishmentTask.id, Location.code)
        .join(Location, Location.id == ReplenishmentTask.to_location_id)
        .where(ReplenishmentTask.id == task_id)
    )  # fmt: skip
    if row is None:
        return _missing(o, "Replenishment task")
    return Found(DocRef("replenishment", o.source_id, f"Replenishment task {row.id} to {row.code}"))


def _seed(o: Origin) -> Found:
    return Found(DocRef("seed", o.source_id, f"Seeded by the demo ({o.source_id})"))


# Types whose id is a row id: (reader, what a missing one is called).
_BY_ID: dict[str, tuple[Callable[[Origin, int], Found], str]] = {
    "purchase_order": (_purchase_order, "Purchase order"),
    "return": (_return, "Return"),
    "return_inspection": (_return_inspection, "Return inspection"),
    "count_task": (_count_task, "Count task"),
    "movement": (_movement, "Movement"),
    "pick_line": (_pick_line, "Pick line"),
    "pick_task": (_pick_task, "Pick task"),
    "order": (_order, "Order"),
    "order_line": (_order_line, "Order line"),
    "carton": (_carton, "Carton"),
    "shipment": (_shipment, "Shipment"),
    "replenishment": (_replenishment, "Replenishment task"),
}
_BY_TEXT: dict[str, Callable[[Origin], Found]] = {
    "manual": _manual,
    "putaway": _putaway,
    "seed": _seed,
}


def find_source(o: Origin) -> Found:
    """The document named by the movement's source, its related documents and approvals."""
    if o.source_type in _BY_TEXT:
        return _BY_TEXT[o.source_type](o)
    if o.source_type in _BY_ID:
        reader, what = _BY_ID[o.source_type]
        row_id = number(o.source_id)
        return _missing(o, what, "not an id") if row_id is None else reader(o, row_id)
    label = f"{o.source_type.replace('_', ' ').capitalize()} {o.source_id or ''}".strip()
    return Found(DocRef(o.source_type, o.source_id, label))
