"""The board of one warehouse, computed from the tables (nothing is stored): its queues with
counts and the age of the oldest item (returns to inspect and count approvals among them),
the open waves' progress, the exceptions, each picker's rate over the last hour and the
latest postings.

`board_for(warehouse_id, sections)` computes only the sections asked for, so the live
coalescer recomputes what a change touched and no more (realtime/board.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..access.rules import sees_every_warehouse
from ..access.service import assigned, find_warehouse, user_may_see
from ..catalog.models import Location
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..putaway import queries as putaway_queries
from ..putaway.tasks import build_tasks
from ..timeutil import as_utc, utcnow
from . import queries as q
from .feed import FeedEntry, recent_feed

QUEUES = (
    "to_receive", "to_put_away", "waves", "to_pick", "to_pack", "to_ship", "exceptions",
    "to_inspect", "count_approvals", "replenishment", "low_stock",
)  # fmt: skip
SECTIONS = (*QUEUES, "workers", "feed")
EXCEPTIONS_SHOWN = 50
RATE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Queue:
    """One tile: how many are waiting (`count`, in the queue's own unit), how many units,
    and since when the oldest has waited. `detail` holds the queue's other figures."""

    name: str
    count: int
    units: int
    oldest_since: datetime | None
    oldest_age_minutes: int | None
    detail: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class WaveProgress:
    id: int
    status: str
    mode: str
    released_at: datetime
    orders: int
    lines_total: int
    lines_done: int
    units_total: int
    units_picked: int


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class FloorIssue:
    id: int
    kind: str
    at: datetime
    who: Person | None
    device_id: str | None
    location_code: str | None
    sku: str | None
    order_external_id: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class Exceptions:
    open: int
    oldest_age_minutes: int | None
    items: list[FloorIssue]
    count_tasks: int
    count_tasks_by_reason: dict[str, int]


@dataclass(frozen=True)
class WorkerRate:
    """Picks out of this warehouse's bins into a real location (a tote, never a short
    pick's write-off to INV-ADJ) over the last hour: lines (movement rows) and units,
    which over a one-hour window are the per-hour rates."""

    who: Person | None
    lines_per_hour: int
    units_per_hour: int
    last_at: datetime


@dataclass(frozen=True)
class WarehouseRef:
    id: int
    code: str
    name: str


@dataclass
class Board:
    warehouse: WarehouseRef
    at: datetime
    sections: list[str]
    queues: dict[str, Queue] = field(default_factory=dict)
    waves: list[WaveProgress] | None = None
    exceptions: Exceptions | None = None
    workers: list[WorkerRate] | None = None
    feed: list[FeedEntry] | None = None
    # Only on GET /board: the warehouses this user may open the board for.
    warehouses: list[WarehouseRef] | None = None


def _age(since: datetime | None, now: datetime) -> int | None:
    if since is None:
        return None
    return max(0, int((now - as_utc(since)).total_seconds() // 60))


def _queue(
    name: str, count: int, units: int, since: datetime | None, now: datetime, **detail: int
) -> Queue:
    return Queue(name, int(count), int(units), since and as_utc(since), _age(since, now), detail)


def _oldest(*stamps: datetime | None) -> datetime | None:
    found = [as_utc(s) for s in stamps if s is not None]
    return min(found) if found else None


def _person(user_id: int | None, username: str | None, name: str | None) -> Person | None:
    return None if user_id is None else Person(user_id, username or "", name or username or "")


def _to_receive(conn: Any, wh: int, now: datetime) -> Queue:
    r = q.one(conn, q.TO_RECEIVE, wh=wh)
    return _queue("to_receive", r.lines, r.units, r.since, now, purchase_orders=int(r.orders))


def _to_put_away(_conn: Any, wh: int, now: datetime) -> Queue:
    tasks = build_tasks(putaway_queries.inbound_lines(warehouse_id=wh), now)
    since = _oldest(*(t.waiting_since for t in tasks))
    return _queue("to_put_away", len(tasks), sum(t.quantity for t in tasks), since, now)


def _waves(conn: Any, wh: int, now: datetime) -> tuple[Queue, list[WaveProgress]]:
    found = [
        WaveProgress(
            r.id,
            r.status,
            r.mode,
            as_utc(r.released_at),
            int(r.order_count),
            int(r.lines_total),
            int(r.lines_done),
            int(r.units_total),
            int(r.units_picked),
        )
        for r in q.rows(conn, q.WAVES, wh=wh)
    ]
    since = _oldest(*(w.released_at for w in found))
    units = sum(w.units_total - w.units_picked for w in found)
    picking = sum(1 for w in found if w.status == "picking")
    return _queue("waves", len(found), units, since, now, picking=picking), found


def _to_pick(conn: Any, wh: int, now: datetime) -> Queue:
    tasks = {r.status: r for r in q.rows(conn, q.PICK_TASKS, wh=wh)}
    lines = q.one(conn, q.PICK_LINES, wh=wh)
    since = _oldest(*(r.since for r in tasks.values()))
    open_, claimed = tasks.get("open"), tasks.get("claimed")
    return _queue(
        "to_pick", lines.lines, lines.units, since, now,
        tasks_open=int(open_.n) if open_ else 0, tasks_claimed=int(claimed.n) if claimed else 0,
    )  # fmt: skip


def _to_pack(conn: Any, wh: int, now: datetime) -> Queue:
    orders, since = q.ready_to_pack(conn, wh)
    totes = q.one(conn, q.TOTES_AT_PACK, wh=wh)
    cartons = int(conn.execute(q.OPEN_CARTONS, {"wh": wh}).scalar_one())
    return _queue(
        "to_pack", orders, totes.units, since, now, totes=int(totes.totes), open_cartons=cartons
    )


def _to_ship(conn: Any, wh: int, now: datetime) -> Queue:
    c = q.one(conn, q.TO_SHIP, wh=wh)
    s = q.one(conn, q.OPEN_SHIPMENTS, wh=wh)
    return _queue(
        "to_ship", c.cartons, c.cartons, _oldest(c.since, s.since), now,
        on_open_shipments=int(c.on_shipments), open_shipments=int(s.n),
    )  # fmt: skip


def _to_inspect(_conn: Any, wh: int, now: datetime) -> Queue:
    # count: returns (RMAs) with units awaiting inspection; units: those units; the age is
    # the oldest such return's arrival (returned stock not yet sellable again).
    rmas, units, since = q.to_inspect(wh)
    return _queue("to_inspect", rmas, units, since, now)


def _count_approvals(_conn: Any, wh: int, now: datetime) -> Queue:
    # count: tasks whose recount confirmed a variance beyond tolerance, waiting for a
    # supervisor or manager; the open and recount tasks are the work still before it.
    tasks, since, needs_manager, open_, recount = q.count_approvals(wh)
    return _queue(
        "count_approvals", tasks, 0, since, now,
        needs_manager=needs_manager, open=open_, recount=recount,
    )  # fmt: skip


def _replenishment(conn: Any, wh: int, now: datetime) -> Queue:
    # count: live replenishment tasks (open and claimed); units: still to move to the faces.
    open_, claimed, units, since = q.replenishment_queue(conn, wh)
    return _queue("replenishment", open_ + claimed, units, since, now, open=open_, claimed=claimed)


def _low_stock(conn: Any, wh: int, now: datetime) -> Queue:
    # count: pick faces below min plus items at or below their reorder min (or out with
    # demand waiting); an alert, not a queue of work, so it has no age.
    faces, items = q.low_stock_counts(conn, wh)
    return _queue("low_stock", faces + items, 0, None, now, pick_faces=faces, items=items)


def _exceptions(conn: Any, wh: int, now: datetime) -> tuple[Queue, Exceptions]:
    head = q.one(conn, q.OPEN_EXCEPTIONS, wh=wh)
    items = [
        FloorIssue(
            r.id,
            r.kind,
            as_utc(r.at),
            _person(r.actor_id, r.username, r.display_name),
            r.device_id,
            r.location_code,
            r.sku,
            r.external_id,
            dict(r.details or {}),
        )
        for r in q.rows(conn, q.LATEST_EXCEPTIONS, wh=wh, limit=EXCEPTIONS_SHOWN)
    ]
    counts = q.rows(conn, q.OPEN_COUNTS, wh=wh)
    by_reason = {r.reason: int(r.n) for r in counts}
    count_since = _oldest(*(r.since for r in counts))
    since = _oldest(head.since, count_since)
    total = int(head.n) + sum(by_reason.values())
    queue = _queue(
        "exceptions", total, 0, since, now,
        floor=int(head.n), count_tasks=sum(by_reason.values()),
    )  # fmt: skip
    found = Exceptions(
        int(head.n), _age(head.since, now), items, sum(by_reason.values()), by_reason
    )
    return queue, found


def _workers(conn: Any, wh: int, now: datetime) -> list[WorkerRate]:
    return [
        WorkerRate(
            _person(r.actor_id, r.username, r.display_name),
            int(r.lines),
            int(r.units or 0),
            as_utc(r.last_at),
        )
        for r in q.rows(conn, q.WORKER_RATES, wh=wh, since=now - RATE_WINDOW)
    ]


def warehouse_ref(warehouse_id: int) -> WarehouseRef:
    row = db.session.connection().execute(q.WAREHOUSE, {"wh": warehouse_id}).first()
    if row is None:
        raise NotFound("no such warehouse", {"warehouse": warehouse_id})
    return WarehouseRef(row.id, row.code, row.name)


def board_for(warehouse_id: int, sections: Collection[str] | None = None) -> Board:
    """The board of a warehouse (every section, or only those named), read in one
    snapshot-free pass of grouped queries; it writes nothing."""
    wanted = [s for s in SECTIONS if sections is None or s in sections]
    unknown = set(sections or ()) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown board sections: {sorted(unknown)}")
    now = utcnow()
    board = Board(warehouse_ref(warehouse_id), now, wanted)
    conn = db.session.connection()
    simple = {"to_receive": _to_receive, "to_put_away": _to_put_away, "to_pick": _to_pick,
              "to_pack": _to_pack, "to_ship": _to_ship, "to_inspect": _to_inspect,
              "count_approvals": _count_approvals, "replenishment": _replenishment,
              "low_stock": _low_stock}  # fmt: skip
    for name in wanted:
        if name in simple:
            board.queues[name] = simple[name](conn, warehouse_id, now)
        elif name == "waves":
            board.queues[name], board.waves = _waves(conn, warehouse_id, now)
        elif name == "exceptions":
            board.queues[name], board.exceptions = _exceptions(conn, warehouse_id, now)
        elif name == "workers":
            board.workers = _workers(conn, warehouse_id, now)
        elif name == "feed":
            board.feed = recent_feed(conn, warehouse_id)
    return board


def visible_warehouses(user_id: int, role: str) -> list[WarehouseRef]:
    """The warehouses a user may see (access/rules.py), by code."""
    stmt = select(Location.id, Location.code, Location.name).where(Location.level == "warehouse")
    if not sees_every_warehouse(role):
        mine = assigned(db.session.connection(), [user_id])[user_id]
        stmt = stmt.where(Location.id.in_(sorted(mine) or [0]))
    rows = db.session.execute(stmt.order_by(Location.code)).all()
    return [WarehouseRef(r.id, r.code, r.name) for r in rows]


def open_board(ref: int | str | None, *, user_id: int, role: str) -> Board:
    """The whole board of a warehouse the user may see (the first of theirs when `ref` is
    None), with the list of the warehouses they may see."""
    mine = visible_warehouses(user_id, role)
    if ref is None:
        if not mine:
            raise Forbidden("no warehouse is assigned to you: a manager assigns them", {})
        warehouse_id = mine[0].id
    else:
        found = find_warehouse(ref)
        if found is None:
            raise NotFound("no such warehouse", {"warehouse": ref})
        if not user_may_see(user_id, role, found.id):
            raise Forbidden(
                "you may not see this warehouse", {"warehouse_id": found.id, "code": found.code}
            )
        warehouse_id = found.id
    board = board_for(warehouse_id)
    board.warehouses = mine
    return board
