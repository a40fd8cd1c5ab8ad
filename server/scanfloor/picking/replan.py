"""Reserved units of a line already in an open wave get pick lines: planned at the commit,
inside the transaction that reserved them (docs/decisions/0014).

The release plans the units reserved when an order enters a wave; a wave candidate is an
order in no open wave of the warehouse (0013). Units reserved for a line AFTER its order
entered the wave — a backorder served while the order is in its wave, units reserved
again after a reconcile cut (reconcile.py) — would otherwise wait for the wave to close.
So, for the lines allocation names as reserved again in this transaction
(allocation/lost_reservations.note_reserved; never a line reserved at capture, so a
transaction that only captures orders costs nothing here), per line, warehouse and lot
(a line still partly allocated too: it is in the wave already, and its status stays
waiting, so allocation goes on serving the rest, which is planned as it comes):

    unplanned = its active reserved units there, in an open wave of that warehouse
                less what its open pick lines there still plan (wave_candidates.unplanned)

The bins are chosen as a release chooses them (wave_candidates.load_stock, bin_rules):
sellable loose stock less what open pick lines already plan from each bin, the reserved lot
(FEFO lots first for a line reserved without one), fewest bins. What the bins cover becomes
ONE new open task per order and wave, in that order's wave (claimable like any task,
its lines in walk order, picked into the order's tote: wave_orders keeps its slot), with
the priority of the order's other tasks there. What they cannot cover stays reserved and
unplanned, and a floor exception (kind "pick_plan_unplanned") tells the supervisor. A line
`allocated` again becomes `released` (`picking` if part of it is picked already), as a
release would make it, with its history and the order's status.

It runs after reconcile.py's cut in the same before_commit hook, so the bins' planned
units are counted after the cut.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection

from ..allocation.channel_loader import load_channels
from ..allocation.engine import load_orders
from ..allocation.models import OrderLine, Reservation
from ..allocation.order_history import Actor, Transition, record, set_lines, set_orders
from ..allocation.reserve import follow_order_status
from ..database import in_write_transaction
from ..floor_events import announce_floor_change
from .bin_rules import plan_takes, take
from .models import FloorException, PickLine, PickTask, Wave, WaveOrder
from .path_rules import Bin, path_length, serpentine_by
from .wave_candidates import OPEN_WAVE, Need, Stock, load_stock, stocks_for, unplanned

KIND = "pick_plan_unplanned"
SOURCE_TYPE = "order_line"
NOTE = "reserved again while in a wave: planned"
NO_DEADLINE = 10**10  # as wave_service: a task with no ship-by claims after every dated one

_R = Reservation.__table__
_OL = OrderLine.__table__
_WO = WaveOrder.__table__
_W = Wave.__table__
_T = PickTask.__table__
_PL = PickLine.__table__
_FE = FloorException.__table__

# Active reserved units of these lines in a warehouse where their order is in an open wave.
_IN_OPEN_WAVE = (
    select(
        _R.c.order_line_id,
        _R.c.warehouse_id,
        _R.c.lot_id,
        func.sum(_R.c.quantity).label("quantity"),
        func.min(_R.c.id).label("reservation_id"),
        _OL.c.item_id,
        _OL.c.order_id,
        _WO.c.wave_id,
    )
    .join(_OL, _OL.c.id == _R.c.order_line_id)
    .join(_WO, and_(_WO.c.order_id == _OL.c.order_id, _WO.c.open.is_(True)))
    .join(
        _W,
        and_(
            _W.c.id == _WO.c.wave_id,
            _W.c.warehouse_id == _R.c.warehouse_id,
            _W.c.status.in_(OPEN_WAVE),
        ),
    )
    .where(
        _R.c.order_line_id.in_(bindparam("ids", expanding=True)),
        _R.c.status == "active",
        _OL.c.status != "cancelled",
    )
    .group_by(
        _R.c.order_line_id,
        _R.c.warehouse_id,
        _R.c.lot_id,
        _OL.c.item_id,
        _OL.c.order_id,
        _WO.c.wave_id,
    )
    .order_by(_OL.c.order_id, _R.c.order_line_id, _R.c.lot_id)
)
# The priority of the orders' tasks already in those waves.
_PRIORITY = (
    select(_PL.c.wave_id, _PL.c.order_id, func.min(_T.c.priority))
    .join(_T, _T.c.id == _PL.c.task_id)
    .where(
        _PL.c.wave_id.in_(bindparam("waves", expanding=True)),
        _PL.c.order_id.in_(bindparam("orders", expanding=True)),
    )
    .group_by(_PL.c.wave_id, _PL.c.order_id)
)


@dataclass
class _Group:
    """The new pick lines of one order in one wave of one warehouse."""

    wave_id: int
    warehouse_id: int
    order_id: int
    lines: list[tuple[Need, Bin, int | None, int]] = field(default_factory=list)


@dataclass
class Replanned:
    task_ids: list[int]
    line_ids: list[int]  # order lines given new pick lines
    unplanned: list[dict[str, Any]]


def plan_reserved_again(conn: Connection, line_ids: Iterable[int], now: datetime) -> Replanned:
    """Inside the caller's transaction: plan these order lines' reserved units that no open
    pick line plans, where their order is in an open wave (module docstring)."""
    ids = sorted(set(line_ids))
    done = Replanned([], [], [])
    if not ids:
        return done
    rows = conn.execute(_IN_OPEN_WAVE, {"ids": ids}).all()
    if not rows:
        return done
    wave_of = {(int(r.warehouse_id), int(r.order_id)): int(r.wave_id) for r in rows}
    order_of = {int(r.order_line_id): int(r.order_id) for r in rows}
    needs_by_wh: dict[int, list[Need]] = defaultdict(list)
    for r in rows:
        needs_by_wh[int(r.warehouse_id)].append(
            Need(
                int(r.order_line_id),
                int(r.item_id),
                r.lot_id,
                int(r.quantity),
                int(r.reservation_id),
            )
        )
    groups: dict[tuple[int, int], _Group] = {}
    for wh, needs in sorted(needs_by_wh.items()):
        left = unplanned(conn, wh, needs)
        if not left:
            continue
        stock = load_stock(conn, wh, {n.item_id for n in left})
        for n in left:
            order_id = order_of[n.line_id]
            key = (wh, order_id)
            group = groups.setdefault(key, _Group(wave_of[key], wh, order_id))
            missing = _place(stock, n, group)
            if missing:
                done.unplanned.append(
                    {
                        "warehouse_id": wh,
                        "order_id": order_id,
                        "wave_id": wave_of[key],
                        "order_line_id": n.line_id,
                        "item_id": n.item_id,
                        "lot_id": n.lot_id,
                        "reserved_unplanned": n.quantity,
                        "planned": n.quantity - missing,
                        "unplanned": missing,
                    }
                )
    planned = [g for g in groups.values() if g.lines]
    if planned:
        done.task_ids = _write_tasks(conn, planned, now)
        done.line_ids = sorted({need.line_id for g in planned for need, *_ in g.lines})
        _mark_released(conn, done.line_ids, sorted({g.order_id for g in planned}), now)
    for miss in done.unplanned:
        _record(conn, miss, now)
    if in_write_transaction():
        for wh in sorted({g.warehouse_id for g in planned}):
            announce_floor_change(wh, "to_pick")
            announce_floor_change(wh, "waves")
        for wh in sorted({int(m["warehouse_id"]) for m in done.unplanned}):
            announce_floor_change(wh, "exceptions")
    return done


def _place(stock: Stock, n: Need, group: _Group) -> int:
    """Plan what the bins hold of this need onto the group; returns the units left over."""
    stocks = stocks_for(stock, n)
    can = min(n.quantity, sum(max(0, s.free) for s in stocks))
    takes = plan_takes(stocks, can) or []
    take(stocks, takes)
    for t in takes:
        group.lines.append((n, stock.bins[t.location_id], t.lot_id, t.quantity))
    return n.quantity - sum(t.quantity for t in takes)


def _write_tasks(conn: Connection, groups: list[_Group], now: datetime) -> list[int]:
    priority = {
        (int(w), int(o)): int(p)
        for w, o, p in conn.execute(
            _PRIORITY,
            {
                "waves": sorted({g.wave_id for g in groups}),
                "orders": sorted({g.order_id for g in groups}),
            },
        )
    }
    task_ids: list[int] = []
    for g in sorted(groups, key=lambda g: (g.warehouse_id, g.wave_id, g.order_id)):
        walked = serpentine_by(g.lines, lambda ln: ln[1])
        bins = [b for _n, b, _lot, _q in walked]
        task_id = conn.execute(
            _T.insert().returning(_T.c.id),
            {
                "wave_id": g.wave_id,
                "warehouse_id": g.warehouse_id,
                "zone_id": None,
                "status": "open",
                "priority": priority.get((g.wave_id, g.order_id), NO_DEADLINE),
                "path_length": path_length(bins),
                "created_at": now,
            },
        ).scalar_one()
        conn.execute(
            _PL.insert(),
            [
                {
                    "task_id": task_id,
                    "wave_id": g.wave_id,
                    "order_id": g.order_id,
                    "order_line_id": need.line_id,
                    "reservation_id": need.reservation_id,
                    "item_id": need.item_id,
                    "lot_id": lot_id,
                    "location_id": b.location_id,
                    "seq": seq,
                    "quantity": qty,
                    "picked_qty": 0,
                    "short_qty": 0,
                    "status": "open",
                }
                for seq, (need, b, lot_id, qty) in enumerate(walked, start=1)
            ],
        )
        task_ids.append(int(task_id))
    return task_ids


def _mark_released(
    conn: Connection, line_ids: list[int], order_ids: list[int], now: datetime
) -> None:
    """Lines `allocated` again go to `released` (`picking` when part is picked), as a release
    makes them, with their history, the order's status and its channel's webhook. Not
    allocation's restate: that notes an ATS change, and the feed has been written already
    by this point of the commit (a status change moves no ATS)."""
    wanted = set(line_ids)
    orders = load_orders(conn, order_ids)
    rows: list[tuple[int, int, int, str]] = []
    order_rows: list[tuple[int, str]] = []
    transitions: list[Transition] = []
    hooked = load_channels(conn, {o.channel_id for o in orders})
    for o in orders:
        for ln in o.lines:
            if ln.id in wanted and ln.status == "allocated":
                status = "picking" if ln.consumed else "released"
                rows.append((ln.id, ln.reserved, ln.consumed, status))
                transitions.append(Transition(o.id, ln.id, ln.status, status, NOTE))
                ln.status = status
        follow_order_status(conn, o, hooked, order_rows, transitions, NOTE, now)
    if rows:
        set_lines(conn, rows)
    if order_rows:
        set_orders(conn, order_rows, now)
    if transitions:
        record(conn, transitions, Actor(), now)


def _record(conn: Connection, miss: dict[str, Any], now: datetime) -> None:
    conn.execute(
        _FE.insert(),
        {
            "kind": KIND,
            "warehouse_id": miss["warehouse_id"],
            "location_id": None,
            "item_id": miss["item_id"],
            "order_id": miss["order_id"],
            "actor_id": None,
            "device_id": None,
            "source_type": SOURCE_TYPE,
            "source_id": str(miss["order_line_id"]),
            "details": {
                **miss,
                "why": "units were reserved for a line already in an open wave, and the "
                "warehouse's pickable bins (less what open pick lines plan) cannot cover them: "
                "they stay reserved and unplanned until stock is put in a bin",
            },
            "at": now,
        },
    )
