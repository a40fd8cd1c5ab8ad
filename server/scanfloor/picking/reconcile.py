"""Pick lines never plan units that are no longer reserved: checked as each transaction
commits, inside it (docs/decisions/0014).

Allocation may take reserved units away from a line already released into a wave: a
shortfall release when sellable stock fell (a short's write-off, a manual adjustment,
a count) or a line cancelled or lowered (allocation/changes_service.py). It names those
lines for the transaction (allocation/lost_reservations.py). At the commit, AFTER
allocation has settled (its before_commit listener is inserted first; this one is
appended when the app is built, picking.init_app), for each named line, warehouse and
reserved lot (None: a line reserved without lots):

    planned  = what its open pick lines there still plan (quantity - picked - short)
    reserved = its active reserved units there (and of that lot)

Where planned > reserved, the excess comes off its open pick lines: first those whose bin
no longer holds what they plan, then the last on the walk. `pick_lines.quantity` is fixed
(a partial pick splits nothing), so a line is cancelled, and when only part of it is
excess a new open line for the rest takes its place at the same step of the walk. A floor
exception (kind "pick_plan_reduced") tells the supervisor which lines went and why; a task
(and wave) left with no open line closes; a wave order of an order now cancelled with no
tote bound is closed. A transaction that named no line costs nothing here; one that did
costs one indexed read of the lines' open pick lines when none are planned.

The same hook then plans units reserved again for lines already in an open wave
(replan.py), after the cut.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..allocation.lost_reservations import take_lost, take_reserved
from ..allocation.models import Order, Reservation
from ..database import in_write_transaction
from ..floor_events import announce_floor_change
from ..ledger.models import Balance
from ..timeutil import utcnow
from .models import FloorException, PickLine, PickTask, WaveOrder
from .queries import refresh_task_status
from .replan import plan_reserved_again

KIND = "pick_plan_reduced"
SOURCE_TYPE = "order_line"

_L = PickLine.__table__
_T = PickTask.__table__
_R = Reservation.__table__
_B = Balance.__table__
_O = Order.__table__
_WO = WaveOrder.__table__
_FE = FloorException.__table__

_OPEN_LINES = (
    select(
        _L.c.id,
        _L.c.task_id,
        _L.c.wave_id,
        _L.c.order_id,
        _L.c.order_line_id,
        _L.c.reservation_id,
        _L.c.item_id,
        _L.c.lot_id,
        _L.c.location_id,
        _L.c.seq,
        _L.c.quantity,
        _L.c.picked_qty,
        _L.c.short_qty,
        _T.c.warehouse_id,
        _R.c.lot_id.label("reserved_lot_id"),
    )
    .join(_T, _T.c.id == _L.c.task_id)
    .outerjoin(_R, _R.c.id == _L.c.reservation_id)
    .where(_L.c.order_line_id.in_(bindparam("ids", expanding=True)), _L.c.status == "open")
    .order_by(_L.c.id)
)
_RESERVED = (
    select(_R.c.order_line_id, _R.c.warehouse_id, _R.c.lot_id, func.sum(_R.c.quantity))
    .where(_R.c.order_line_id.in_(bindparam("ids", expanding=True)), _R.c.status == "active")
    .group_by(_R.c.order_line_id, _R.c.warehouse_id, _R.c.lot_id)
)
_LOOSE = (
    select(_B.c.location_id, _B.c.item_id, _B.c.lot_id, func.sum(_B.c.quantity))
    .where(
        _B.c.location_id.in_(bindparam("locs", expanding=True)),
        _B.c.item_id.in_(bindparam("items", expanding=True)),
        _B.c.container_id.is_(None),
    )
    .group_by(_B.c.location_id, _B.c.item_id, _B.c.lot_id)
)
_CANCEL = (
    update(_L).where(_L.c.id == bindparam("b_id"), _L.c.status == "open").values(status="cancelled")
)
_CANCELLED_ORDERS = select(_O.c.id).where(
    _O.c.id.in_(bindparam("ids", expanding=True)), _O.c.status == "cancelled"
)
_CLOSE_WAVE_ORDERS = (
    update(_WO)
    .where(
        _WO.c.order_id.in_(bindparam("ids", expanding=True)),
        _WO.c.open.is_(True),
        _WO.c.tote_container_id.is_(None),
    )
    .values(open=False)
)

Key = tuple[int, int, int | None]  # (order line, warehouse, reserved lot)


@dataclass
class _Cut:
    """What one (line, warehouse, lot) lost: the pick lines cancelled and added."""

    key: Key
    row: Any
    planned: int
    reserved: int
    cancelled: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)


def _remaining(row: Any) -> int:
    return int(row.quantity) - int(row.picked_qty) - int(row.short_qty)


def _reserved(conn: Connection, line_ids: list[int]) -> dict[Key, int]:
    held: dict[Key, int] = defaultdict(int)
    for line, wh, lot, qty in conn.execute(_RESERVED, {"ids": line_ids}):
        held[(int(line), int(wh), lot)] += int(qty or 0)
    return held


def _reserved_for(held: dict[Key, int], key: Key) -> int:
    """A pick line bound to a reservation without a lot takes any of the line's rows in its
    warehouse; one bound to a lot only that lot's."""
    line, wh, lot = key
    if lot is not None:
        return held.get(key, 0)
    return sum(q for (ln, w, _lot), q in held.items() if ln == line and w == wh)


def _bin_short(conn: Connection, rows: list[Any]) -> set[int]:
    """Pick lines whose bin holds less (loose, of their item and lot) than they plan."""
    loose = {
        (int(loc), int(item), lot): int(q or 0)
        for loc, item, lot, q in conn.execute(
            _LOOSE,
            {
                "locs": sorted({int(r.location_id) for r in rows}),
                "items": sorted({int(r.item_id) for r in rows}),
            },
        )
    }
    return {
        int(r.id)
        for r in rows
        if loose.get((int(r.location_id), int(r.item_id), r.lot_id), 0) < _remaining(r)
    }


def _cut(conn: Connection, cut: _Cut, rows: list[Any], excess: int, empty: set[int]) -> None:
    """Take `excess` planned units off these open pick lines (module docstring's order)."""
    for r in sorted(rows, key=lambda r: (int(r.id) not in empty, -int(r.seq), -int(r.id))):
        if excess <= 0:
            return
        left = _remaining(r)
        take = min(excess, left)
        conn.execute(_CANCEL, {"b_id": int(r.id)})
        cut.cancelled.append(int(r.id))
        excess -= take
        if take < left:
            new_id = conn.execute(
                _L.insert().returning(_L.c.id),
                {
                    "task_id": int(r.task_id),
                    "wave_id": int(r.wave_id),
                    "order_id": int(r.order_id),
                    "order_line_id": int(r.order_line_id),
                    "reservation_id": r.reservation_id,
                    "item_id": int(r.item_id),
                    "lot_id": r.lot_id,
                    "location_id": int(r.location_id),
                    "seq": int(r.seq),
                    "quantity": left - take,
                    "picked_qty": 0,
                    "short_qty": 0,
                    "status": "open",
                },
            ).scalar_one()
            cut.added.append(int(new_id))


def _record(conn: Connection, cut: _Cut, now: datetime) -> None:
    line, wh, lot = cut.key
    conn.execute(
        _FE.insert(),
        {
            "kind": KIND,
            "warehouse_id": wh,
            "location_id": int(cut.row.location_id),
            "item_id": int(cut.row.item_id),
            "order_id": int(cut.row.order_id),
            "actor_id": None,
            "device_id": None,
            "source_type": SOURCE_TYPE,
            "source_id": str(line),
            "details": {
                "order_line_id": line,
                "reserved_lot_id": lot,
                "planned": cut.planned,
                "reserved": cut.reserved,
                "units_removed": cut.planned - cut.reserved,
                "cancelled_line_ids": cut.cancelled,
                "new_line_ids": cut.added,
                "why": "the line's reservation was given up or lowered (stock fell, or the "
                "order line was cancelled or lowered)",
            },
            "at": now,
        },
    )


def reconcile_lines(conn: Connection, line_ids: Iterable[int], now: datetime) -> list[_Cut]:
    """Inside the caller's transaction: no open pick line of these order lines plans more
    than is reserved for it (module docstring). Returns what was cut."""
    ids = sorted(set(line_ids))
    if not ids:
        return []
    rows = conn.execute(_OPEN_LINES, {"ids": ids}).all()
    if not rows:
        return []
    by_key: dict[Key, list[Any]] = defaultdict(list)
    for r in rows:
        by_key[(int(r.order_line_id), int(r.warehouse_id), r.reserved_lot_id)].append(r)
    held = _reserved(conn, ids)
    over: list[tuple[_Cut, list[Any], int]] = []
    for key, mine in sorted(by_key.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0)):
        planned = sum(_remaining(r) for r in mine)
        reserved = _reserved_for(held, key)
        if planned > reserved:
            over.append((_Cut(key, mine[0], planned, reserved), mine, planned - reserved))
    if not over:
        return []
    empty = _bin_short(conn, [r for _c, mine, _x in over for r in mine])
    for cut, mine, excess in over:
        _cut(conn, cut, mine, excess, empty)
        _record(conn, cut, now)
    touched = [r for _c, mine, _x in over for r in mine]
    for task_id in sorted({int(r.task_id) for r in touched}):
        refresh_task_status(conn, task_id, now)
    orders = sorted({int(r.order_id) for r in touched})
    gone = [int(o) for o in conn.scalars(_CANCELLED_ORDERS, {"ids": orders})]
    if gone:
        conn.execute(_CLOSE_WAVE_ORDERS, {"ids": gone})
    if in_write_transaction():
        for wh in sorted({c.key[1] for c, _m, _x in over}):
            announce_floor_change(wh, "to_pick")
            announce_floor_change(wh, "exceptions")
    return [c for c, _m, _x in over]


def _reconcile_before_commit(session: Session) -> None:
    """Cut what lost its reservation, then plan what was reserved again (replan.py): the
    cut first, so the bins' planned units are counted as they are left."""
    lost = take_lost(session)
    again = take_reserved(session)
    if lost:
        reconcile_lines(session.connection(), lost, utcnow())
    if again:
        plan_reserved_again(session.connection(), again, utcnow())


def register() -> None:
    """Append the hook to the session's before_commit listeners (once). Allocation's
    settlement is inserted ahead of every listener, so it has run when this one does."""
    from sqlalchemy import event

    from ..extensions import db

    if not event.contains(db.session, "before_commit", _reconcile_before_commit):
        event.listen(db.session, "before_commit", _reconcile_before_commit)
