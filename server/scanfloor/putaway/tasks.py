"""Putaway tasks, derived from the ledger: every non-zero balance at a dock or staging
location is a task, except that a container (LPN) there is one task that moves whole.

Nothing is stored: a task exists while its stock waits, and its id names what holds the
stock ("b-<balance id>" for loose stock, "c-<container id>" for an LPN).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime

from sqlalchemy import select

from ..catalog.models import Item, Location, Lot
from ..errors import NotFound, TaskStale, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from . import queries
from .queries import InboundLine, ItemBarcode
from .rules import (
    LOOSE,
    LPN,
    BadTaskId,
    BinCandidate,
    LoadLine,
    NoBinAvailable,
    Suggestion,
    age_minutes,
    item_zone,
    parse_task_id,
    suggest_bin_for_load,
    task_id,
)

MAX_LIST = 200


@dataclass(frozen=True)
class Ref:
    id: int
    code: str


@dataclass(frozen=True)
class ItemRef:
    id: int
    sku: str
    name: str


@dataclass(frozen=True)
class BinRef:
    id: int
    code: str
    barcode: str | None
    rule: str


@dataclass(frozen=True)
class ContentLine:
    item_id: int
    sku: str
    name: str
    lot_id: int | None
    lot_code: str | None
    quantity: int


@dataclass(frozen=True)
class Task:
    id: str
    kind: str
    number: int
    item: ItemRef | None
    lot: Ref | None
    container: Ref | None
    quantity: int
    from_location: Ref
    warehouse_id: int | None
    waiting_since: datetime | None
    age_minutes: int | None
    contents: tuple[ContentLine, ...]
    lines: tuple[InboundLine, ...]
    suggested_location: BinRef | None = None


@dataclass(frozen=True)
class TaskDetail(Task):
    """A task with what a scanner needs to check scans offline."""

    barcodes: list[str] = field(default_factory=list)
    item_barcodes: list[ItemBarcode] = field(default_factory=list)
    container_barcode: str | None = None


@dataclass(frozen=True)
class TaskList:
    tasks: list[Task]


@dataclass(frozen=True)
class DockSummary:
    location: Ref
    open_tasks: int
    units_waiting: int
    oldest_age_minutes: int | None


@dataclass(frozen=True)
class QueueSummary:
    warehouse_id: int | None
    open_tasks: int
    units_waiting: int
    oldest_age_minutes: int | None
    by_dock: list[DockSummary] = field(default_factory=list)


@dataclass(frozen=True)
class SuggestAnswer:
    item_id: int
    lot_id: int | None
    quantity: int
    warehouse_id: int
    suggested_location: BinRef | None


def _oldest(values: Iterable[datetime | None]) -> datetime | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def _task(kind: str, number: int, lines: Sequence[InboundLine], now: datetime) -> Task:
    first = lines[0]
    items = {ln.item_id for ln in lines}
    lots = {ln.lot_id for ln in lines}
    since = _oldest(ln.since for ln in lines)
    return Task(
        id=task_id(kind, number),
        kind=kind,
        number=number,
        item=ItemRef(first.item_id, first.sku, first.name) if len(items) == 1 else None,
        lot=(
            Ref(first.lot_id, first.lot_code or "")
            if len(lots) == 1 and first.lot_id is not None and len(items) == 1
            else None
        ),
        container=(
            Ref(first.container_id, first.container_code or "")
            if first.container_id is not None
            else None
        ),
        quantity=sum(ln.quantity for ln in lines),
        from_location=Ref(first.location_id, first.location_code),
        warehouse_id=first.warehouse_id,
        waiting_since=since,
        age_minutes=age_minutes(since, now),
        contents=tuple(
            ContentLine(ln.item_id, ln.sku, ln.name, ln.lot_id, ln.lot_code, ln.quantity)
            for ln in lines
        ),
        lines=tuple(lines),
    )


def build_tasks(lines: Sequence[InboundLine], now: datetime) -> list[Task]:
    """Loose balances one task each; a container's balances one task together."""
    tasks: list[Task] = []
    held: dict[int, list[InboundLine]] = defaultdict(list)
    for ln in lines:
        if ln.container_id is None:
            tasks.append(_task(LOOSE, ln.balance_id, [ln], now))
        else:
            held[ln.container_id].append(ln)
    tasks += [_task(LPN, cid, group, now) for cid, group in held.items()]
    return sorted(tasks, key=_queue_order)


def _queue_order(t: Task) -> tuple[bool, datetime, str, int]:
    # Oldest first; stock of unknown age (no arrival found) last, then by id for stability.
    return (t.waiting_since is None, t.waiting_since or datetime.min, t.kind, t.number)


@dataclass(frozen=True)
class _Context:
    bins: list[BinCandidate]
    zones: dict[int, int]


def _context(warehouse_id: int, item_ids: Iterable[int]) -> _Context:
    ids = set(item_ids)
    return _Context(
        queries.bin_candidates(warehouse_id, ids), queries.attribute_zones(warehouse_id, ids)
    )


def _suggest(load: Sequence[LoadLine], ctx: _Context) -> Suggestion | None:
    # A mixed load is zoned by its biggest line.
    main = max(load, key=lambda ln: (ln.quantity, -ln.item_id))
    zone = item_zone(main.item_id, ctx.bins, ctx.zones.get(main.item_id))
    try:
        return suggest_bin_for_load(load, ctx.bins, zone)
    except NoBinAvailable:
        return None


def load_of(task: Task) -> list[LoadLine]:
    return [LoadLine(ln.item_id, ln.lot_id, ln.quantity) for ln in task.lines]


def suggestion_for(task: Task) -> Suggestion | None:
    """Where the rules send this task's stock now (None: no bin can take it)."""
    if task.warehouse_id is None:
        return None
    return _suggest(load_of(task), _context(task.warehouse_id, (ln.item_id for ln in task.lines)))


def _with_suggestions(tasks: list[Task]) -> list[Task]:
    by_wh: dict[int, list[Task]] = defaultdict(list)
    for t in tasks:
        if t.warehouse_id is not None:
            by_wh[t.warehouse_id].append(t)
    found: dict[str, Suggestion] = {}
    for wh, group in by_wh.items():
        ctx = _context(wh, (ln.item_id for t in group for ln in t.lines))
        for t in group:
            s = _suggest(load_of(t), ctx)
            if s is not None:
                found[t.id] = s
    codes = queries.location_barcodes({s.bin_id for s in found.values()})
    return [
        replace(
            t,
            suggested_location=(
                BinRef(s.bin_id, s.code, codes.get(s.bin_id), s.rule)
                if (s := found.get(t.id))
                else None
            ),
        )
        for t in tasks
    ]


def list_tasks(*, warehouse_id: int | None = None, limit: int = 50) -> TaskList:
    """Open putaway tasks, oldest first, each with the bin the rules suggest."""
    if not 1 <= limit <= MAX_LIST:
        raise ValidationFailed(f"limit is 1-{MAX_LIST}", {"limit": limit})
    tasks = build_tasks(queries.inbound_lines(warehouse_id=warehouse_id), utcnow())
    return TaskList(_with_suggestions(tasks[:limit]))


def load_task(raw_id: str) -> Task:
    """The task as it stands now: NotFound if it never existed, TaskStale if its stock has
    left the dock (put away or moved meanwhile)."""
    try:
        kind, number = parse_task_id(raw_id)
    except BadTaskId as exc:
        raise NotFound(str(exc), {"task_id": raw_id}) from exc
    if kind == LOOSE:
        lines = [ln for ln in queries.inbound_lines(balance_id=number) if ln.container_id is None]
        table = "balances"
    else:
        lines = queries.inbound_lines(container_id=number)
        table = "containers"
    if not lines:
        if not queries.exists(table, number):
            raise NotFound("no such putaway task", {"task_id": raw_id})
        raise TaskStale(
            "this stock is no longer waiting to be put away (moved meanwhile)",
            {"task_id": raw_id},
        )
    return _task(kind, number, lines, utcnow())


def get_task(raw_id: str) -> TaskDetail:
    """One task with its suggestion and every barcode a scanner may check offline."""
    task = _with_suggestions([load_task(raw_id)])[0]
    barcodes = queries.item_barcodes({ln.item_id for ln in task.lines})
    container = None if task.container is None else queries.container_barcode(task.container.id)
    return TaskDetail(
        **{f.name: getattr(task, f.name) for f in fields(Task)},
        barcodes=list(dict.fromkeys(b.code for b in barcodes)),
        item_barcodes=barcodes,
        container_barcode=container,
    )


def queue_summary(*, warehouse_id: int | None = None) -> QueueSummary:
    """How much waits at the docks and since when, in total and per dock."""
    now = utcnow()
    tasks = build_tasks(queries.inbound_lines(warehouse_id=warehouse_id), now)
    per_dock: dict[int, list[Task]] = defaultdict(list)
    for t in tasks:
        per_dock[t.from_location.id].append(t)

    def oldest(group: list[Task]) -> int | None:
        return age_minutes(_oldest(t.waiting_since for t in group), now)

    docks = [
        DockSummary(
            location=group[0].from_location,
            open_tasks=len(group),
            units_waiting=sum(t.quantity for t in group),
            oldest_age_minutes=oldest(group),
        )
        for group in per_dock.values()
    ]
    docks.sort(key=lambda d: d.location.code)
    return QueueSummary(
        warehouse_id=warehouse_id,
        open_tasks=len(tasks),
        units_waiting=sum(t.quantity for t in tasks),
        oldest_age_minutes=oldest(tasks),
        by_dock=docks,
    )


def suggest_location(
    *, item_id: int, quantity: int, warehouse_id: int, lot_id: int | None = None
) -> SuggestAnswer:
    """Where the rules would put `quantity` of an item (and lot) in a warehouse."""
    if db.session.scalar(select(Item.id).where(Item.id == item_id)) is None:
        raise NotFound("item not found", {"item_id": item_id})
    if lot_id is not None:
        owner = db.session.scalar(select(Lot.item_id).where(Lot.id == lot_id))
        if owner != item_id:
            raise ValidationFailed(
                "lot does not belong to this item", {"lot_id": lot_id, "item_id": item_id}
            )
    level = db.session.scalar(select(Location.level).where(Location.id == warehouse_id))
    if level != "warehouse":
        raise NotFound("warehouse not found", {"warehouse_id": warehouse_id})
    s = _suggest([LoadLine(item_id, lot_id, quantity)], _context(warehouse_id, [item_id]))
    suggested = None
    if s is not None:
        barcode = queries.location_barcodes([s.bin_id]).get(s.bin_id)
        suggested = BinRef(s.bin_id, s.code, barcode, s.rule)
    return SuggestAnswer(item_id, lot_id, quantity, warehouse_id, suggested)
