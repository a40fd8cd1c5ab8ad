"""What a count task looks like to the worker counting it, and to the supervisor reviewing it.

The worker's view is blind: it names the bin, the item (for an item count), the items a
recount is to count again and what this worker has counted so far, and NEVER a quantity the
ledger holds (no system quantity, no variance, no value): a counter who sees what to expect
counts what they expect. The supervisor's view has everything: every line of both attempts
with the ledger's quantity when it was entered, the variance, its value and fate, who counted
and when, and whether approving needs a manager.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..extensions import db
from . import view_sql as sql
from .approval_rules import needs_manager
from .models import OPEN_STATUSES, CountTask
from .task_rows import TaskNotFound
from .variance_rules import APPROVAL, CENT, RECOUNT, pending_value

_CT = CountTask.__table__
_MONEY4 = Decimal("0.0001")


@dataclass(frozen=True)
class Ref:
    id: int
    code: str


@dataclass(frozen=True)
class BinRef:
    id: int
    code: str
    barcode: str | None


@dataclass(frozen=True)
class UserRef:
    id: int
    username: str


@dataclass(frozen=True)
class ItemBarcode:
    code: str
    quantity: int  # base units one scan of it counts


@dataclass(frozen=True)
class ItemRef:
    id: int
    sku: str
    name: str
    barcodes: list[ItemBarcode]


@dataclass(frozen=True)
class RecountItem:
    item: ItemRef
    lot: Ref | None


@dataclass(frozen=True)
class CountedLine:
    item: ItemRef
    lot: Ref | None
    counted_qty: int
    unexpected: bool


@dataclass(frozen=True)
class WorkerView:
    id: int
    status: str
    attempt: int
    reason: str
    warehouse: Ref
    location: BinRef
    item: ItemRef | None
    recount_items: list[RecountItem]
    counted: list[CountedLine]
    assigned_to: UserRef | None


@dataclass(frozen=True)
class ReviewLine:
    attempt: int
    item: ItemRef
    lot: Ref | None
    counted_qty: int
    system_qty: int
    variance: int
    unit_value: Decimal | None
    variance_value: Decimal | None
    abc_class: str
    within_tolerance: bool
    unexpected: bool
    outcome: str
    counted_by: UserRef | None
    counted_at: datetime


@dataclass(frozen=True)
class SupervisorView(WorkerView):
    lines: list[ReviewLine]
    needs_manager: bool
    pending_value: Decimal
    counted_by: UserRef | None
    counted_at: datetime | None
    recounted_by: UserRef | None
    recounted_at: datetime | None
    decided_by: UserRef | None
    decided_at: datetime | None
    decision_reason: str | None
    decision_note: str | None
    posting_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class TaskSummary:
    id: int
    status: str
    attempt: int
    reason: str
    warehouse: Ref
    location: BinRef
    item: ItemRef | None
    assigned_to: UserRef | None
    counted_by: UserRef | None
    created_at: datetime


# --- reading ---------------------------------------------------------------------------------


@dataclass
class _Refs:
    """Items, bin barcodes and users of a set of tasks, each read once."""

    items: dict[int, ItemRef]
    bins: dict[int, str]
    users: dict[int, UserRef]

    def user(self, user_id: int | None) -> UserRef | None:
        return None if user_id is None else self.users.get(int(user_id))

    def item(self, item_id: int | None) -> ItemRef | None:
        return None if item_id is None else self.items[int(item_id)]


def _refs(tasks: Sequence[Any], lines: Sequence[Any]) -> _Refs:
    conn = db.session.connection()
    item_ids = sorted(
        {int(t.item_id) for t in tasks if t.item_id} | {int(ln.item_id) for ln in lines}
    )
    codes: dict[int, list[ItemBarcode]] = defaultdict(list)
    items: dict[int, ItemRef] = {}
    if item_ids:
        for item_id, qty, code in conn.execute(sql.ITEM_CODES, {"ids": item_ids}):
            codes[int(item_id)].append(ItemBarcode(str(code), int(qty)))
        for r in conn.execute(sql.ITEMS, {"ids": item_ids}):
            items[int(r.id)] = ItemRef(int(r.id), str(r.sku), str(r.name), codes[int(r.id)])
    bins: dict[int, str] = {}
    bin_ids = sorted({int(t.location_id) for t in tasks})
    if bin_ids:
        for loc_id, code in conn.execute(sql.BIN_CODES, {"ids": bin_ids}):
            bins.setdefault(int(loc_id), str(code))
    user_ids: set[int] = {int(ln.counted_by) for ln in lines if ln.counted_by is not None}
    for t in tasks:
        for col in ("assigned_to", "counted_by", "recounted_by", "decided_by"):
            if getattr(t, col) is not None:
                user_ids.add(int(getattr(t, col)))
    users = {}
    if user_ids:
        users = {
            int(r.id): UserRef(int(r.id), str(r.username))
            for r in conn.execute(sql.USERS, {"ids": sorted(user_ids)})
        }
    return _Refs(items, bins, users)


def _task_rows(task_ids: Iterable[int]) -> list[Any]:
    ids = list(task_ids)
    rows = [db.session.execute(sql.TASK_BY_ID, {"id": i}).first() for i in ids]
    missing = [i for i, r in zip(ids, rows, strict=True) if r is None]
    if missing:
        raise TaskNotFound("no such count task", {"task_id": missing[0]})
    return rows


def _lot(row: Any) -> Ref | None:
    return None if row.lot_id is None else Ref(int(row.lot_id), str(row.lot_code))


def _money(value: Any, places: Decimal = CENT) -> Decimal | None:
    # SQLite hands NUMERIC back through float: the stored scale is what the rules made.
    return None if value is None else Decimal(value).quantize(places)


def _recount_lines(task: Any, lines: Sequence[Any]) -> list[Any]:
    """The first count's lines a recount counts again (the counter is told the items)."""
    recount = [ln for ln in lines if ln.attempt == 1 and ln.outcome == RECOUNT]
    if int(task.attempt) == 2:
        recount += [ln for ln in lines if ln.attempt == 1 and ln.outcome == "superseded"]
    return recount


def _worker_fields(task: Any, lines: Sequence[Any], refs: _Refs) -> dict[str, Any]:
    attempt = int(task.attempt)
    recount = _recount_lines(task, lines)
    return {
        "id": int(task.id),
        "status": str(task.status),
        "attempt": attempt,
        "reason": str(task.reason),
        "warehouse": Ref(int(task.warehouse_id), str(task.warehouse_code)),
        "location": BinRef(
            int(task.location_id), str(task.location_code), refs.bins.get(int(task.location_id))
        ),
        "item": refs.item(task.item_id),
        "recount_items": [
            RecountItem(refs.items[int(ln.item_id)], _lot(ln))
            for ln in sorted(recount, key=lambda r: (int(r.item_id), int(r.lot_key)))
        ],
        "counted": [
            CountedLine(
                refs.items[int(ln.item_id)], _lot(ln), int(ln.counted_qty), bool(ln.unexpected)
            )
            for ln in lines
            if ln.attempt == attempt
        ],
        "assigned_to": refs.user(task.assigned_to),
    }


def _review_line(ln: Any, refs: _Refs) -> ReviewLine:
    return ReviewLine(
        attempt=int(ln.attempt),
        item=refs.items[int(ln.item_id)],
        lot=_lot(ln),
        counted_qty=int(ln.counted_qty),
        system_qty=int(ln.system_qty),
        variance=int(ln.variance),
        unit_value=_money(ln.unit_value, _MONEY4),
        variance_value=_money(ln.variance_value),
        abc_class=str(ln.abc_class),
        within_tolerance=bool(ln.within_tolerance),
        unexpected=bool(ln.unexpected),
        outcome=str(ln.outcome),
        counted_by=refs.user(ln.counted_by),
        counted_at=ln.counted_at,
    )


def _lines_of(task_ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    if task_ids:
        for ln in db.session.connection().execute(sql.LINES, {"ids": task_ids}):
            out[int(ln.task_id)].append(ln)
    return out


def worker_view(task_id: int) -> WorkerView:
    """One task as the counter sees it: blind."""
    conn = db.session.connection()
    task = conn.execute(sql.WORKER_TASK, {"id": task_id}).first()
    if task is None:
        raise TaskNotFound("no such count task", {"task_id": task_id})
    return worker_view_of(conn, task)


def worker_view_of(conn: Connection, task: Any) -> WorkerView:
    """The worker's view of a task row read by WORKER_TASK (a command may lock it and read
    more beside it), its lines as they are now on this connection (inside the writing
    transaction: what it wrote)."""
    lines = conn.execute(sql.WORKER_LINES, {"task": task.id}).all()
    items = {
        int(ln.item_id): ItemRef(int(ln.item_id), str(ln.sku), str(ln.name), []) for ln in lines
    }
    # Barcodes only where the view shows them: the item to count, the items to recount.
    shown = {int(ln.item_id) for ln in _recount_lines(task, lines)}
    if task.item_id is not None:
        shown.add(int(task.item_id))
    if shown:
        codes: dict[int, list[ItemBarcode]] = defaultdict(list)
        for r in conn.execute(sql.ITEMS_WITH_CODES, {"ids": sorted(shown)}):
            if r.code is not None:
                codes[int(r.id)].append(ItemBarcode(str(r.code), int(r.quantity)))
            items[int(r.id)] = ItemRef(int(r.id), str(r.sku), str(r.name), codes[int(r.id)])
    users = {}
    if task.assigned_to is not None:
        users[int(task.assigned_to)] = UserRef(int(task.assigned_to), str(task.holder_name))
    bins = {} if task.bin_barcode is None else {int(task.location_id): str(task.bin_barcode)}
    return WorkerView(**_worker_fields(task, lines, _Refs(items, bins, users)))


def manager_value() -> Decimal:
    return Decimal(current_app.config["SCANFLOOR_COUNT_MANAGER_VALUE"])


def supervisor_views(task_ids: list[int]) -> list[SupervisorView]:
    """Tasks as a supervisor reviews them, in the order asked."""
    tasks = _task_rows(task_ids)
    by_task = _lines_of(task_ids)
    refs = _refs(tasks, [ln for lines in by_task.values() for ln in lines])
    threshold = manager_value()
    views = []
    for task in tasks:
        lines = by_task[int(task.id)]
        pending = pending_value(_money(ln.variance_value) for ln in lines if ln.outcome == APPROVAL)
        views.append(
            SupervisorView(
                **_worker_fields(task, lines, refs),
                lines=[_review_line(ln, refs) for ln in lines],
                needs_manager=needs_manager(pending, threshold),
                pending_value=pending,
                counted_by=refs.user(task.counted_by),
                counted_at=task.counted_at,
                recounted_by=refs.user(task.recounted_by),
                recounted_at=task.recounted_at,
                decided_by=refs.user(task.decided_by),
                decided_at=task.decided_at,
                decision_reason=task.decision_reason,
                decision_note=task.decision_note,
                posting_id=None if task.posting_id is None else int(task.posting_id),
                created_at=task.created_at,
            )
        )
    return views


def supervisor_view(task_id: int) -> SupervisorView:
    return supervisor_views([task_id])[0]


def task_summaries(warehouse_id: int, status: str | None = None) -> list[TaskSummary]:
    """A warehouse's count tasks of one status (None: every task still in doubt), oldest
    first."""
    statuses = OPEN_STATUSES if status is None else (status,)
    q = sql.TASK.where(_CT.c.warehouse_id == warehouse_id, _CT.c.status.in_(statuses)).order_by(
        _CT.c.created_at, _CT.c.id
    )
    tasks = db.session.execute(q).all()
    refs = _refs(tasks, [])
    return [
        TaskSummary(
            id=int(t.id),
            status=str(t.status),
            attempt=int(t.attempt),
            reason=str(t.reason),
            warehouse=Ref(int(t.warehouse_id), str(t.warehouse_code)),
            location=BinRef(
                int(t.location_id), str(t.location_code), refs.bins.get(int(t.location_id))
            ),
            item=refs.item(t.item_id),
            assigned_to=refs.user(t.assigned_to),
            counted_by=refs.user(t.counted_by),
            created_at=t.created_at,
        )
        for t in tasks
    ]


def approval_ids(warehouse_id: int) -> list[int]:
    """Tasks waiting for a decision, the longest waiting first."""
    q = (
        select(_CT.c.id)
        .where(_CT.c.warehouse_id == warehouse_id, _CT.c.status == "approval")
        .order_by(_CT.c.recounted_at, _CT.c.id)
    )
    return [int(i) for i in db.session.scalars(q)]
