"""Releasing waves: allocated orders become pick tasks bound to the reservations they consume.

`release_wave` is the `picking.release_wave` command, one write transaction:
1. a first look at the candidate orders (wave_candidates.py), then the allocation positions
   those orders hold or could draw on are locked in allocation's fixed order (the lock every
   reservation change takes: a cancel, a pick or a re-allocation of these lines waits), then
   the orders' rows (FOR UPDATE on PostgreSQL; SQLite writers are serialised already);
2. under those locks the candidates are read again: an order another release took
   meanwhile is in an open wave now and drops out, so an order is never in two open waves
   of one warehouse (an open wave of ANOTHER warehouse does not hold it back: the units
   reserved here are released here, docs/decisions/0013);
3. bins are chosen for every reserved unit (bin_rules.py) and the pure planner
   (wave_rules.plan_wave) selects the orders by urgency and caps and groups the tasks;
4. waves, wave_orders, pick_tasks and pick_lines are written with Core bulk inserts, and the
   lines go allocated -> released through allocation's restate (history, order status,
   webhooks; reserved_qty is untouched).
A task's priority is its most urgent order's ship-by, in minutes since the epoch (no
deadline: after every dated one), so claims across waves follow urgency (docs/decisions/0013).
`preview_wave` runs steps 1-3 without locks or writes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..allocation.engine import load_orders
from ..allocation.models import Channel, ChannelWarehouse, Order
from ..allocation.order_history import Actor
from ..allocation.reserve import lock_for_orders, restate
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..commands.runner import track_replay
from ..extensions import db
from ..floor_events import announce_floor_change
from ..timeutil import utcnow
from . import queries, wave_views
from .errors import BadSchedule, BadWaveRules, NothingToRelease
from .models import PickLine, PickTask, Wave, WaveOrder
from .views import OrderRef, SkippedOrder, WavePreview, WaveView
from .wave_candidates import Candidates, load_candidates, order_ids_in, plan_bins
from .wave_rules import WavePlan, WaveRuleError, WaveRules, plan_wave
from .wave_schedule import ScheduleError, parse_schedule

_W = Wave.__table__
_WO = WaveOrder.__table__
_T = PickTask.__table__
_PL = PickLine.__table__
_O = Order.__table__
_CH = Channel.__table__
_CW = ChannelWarehouse.__table__

NO_DEADLINE = 10**10  # minutes: after every ship-by a task can have
SCHEDULE_ENV = "SCANFLOOR_WAVE_SCHEDULE"
SCHEDULER = "system:wave-schedule"

_LOCK_ORDERS = (
    select(_O.c.id)
    .where(_O.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_O.c.id)
    .with_for_update()
)
_CHANNEL_IDS = select(_CH.c.id, _CH.c.code).where(
    _CH.c.code.in_(bindparam("codes", expanding=True))
)

get_wave = wave_views.get_wave
list_waves = wave_views.list_waves


def wave_rules(channels: Sequence[str] = (), **fields: Any) -> WaveRules:
    """WaveRules from channel codes and the rest of the fields; a bad rule is a 422."""
    ids: list[int] = []
    if channels:
        codes = sorted({c.strip().upper() for c in channels})
        rows = db.session.execute(_CHANNEL_IDS, {"codes": codes}).all()
        by_code: dict[str, int] = {str(code): int(cid) for cid, code in rows}
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise BadWaveRules("no such channel", {"channels": unknown})
        ids = sorted(by_code.values())
    try:
        return WaveRules(channel_ids=tuple(ids), **fields)
    except WaveRuleError as exc:
        raise BadWaveRules(exc.message, {"rule": exc.code, **exc.details}) from exc


@dataclass
class _Planned:
    candidates: Candidates
    plan: WavePlan
    # Orders the planner refused in an earlier pass (too big for these rules), with refs.
    rejected: tuple[tuple[OrderRef, str], ...] = ()

    def skipped(self) -> list[SkippedOrder]:
        orders = self.candidates.orders
        out = [SkippedOrder(ref, reason) for ref, reason in self.rejected]
        out += [
            SkippedOrder(OrderRef(oid, orders[oid].external_id), reason, dict(details))
            for oid, reason, details in self.candidates.skipped
        ]
        out += [
            SkippedOrder(OrderRef(oid, orders[oid].external_id), reason)
            for oid, reason in self.plan.skipped
        ]
        return out


def _plan(conn: Connection, warehouse_id: int, rules: WaveRules) -> _Planned:
    """Bins, then the planner. An order the planner refuses as too big for these rules
    must not keep the bin stock it was planned from: when some order found the bins
    emptied, bins are planned again without the refused ones (each pass drops one or more,
    so this ends; usually one pass more, and only when both happened)."""
    orders = load_candidates(conn, warehouse_id, rules.channel_ids)
    rejected: list[tuple[OrderRef, str]] = []
    while True:
        candidates = plan_bins(conn, warehouse_id, orders)
        try:
            plan = plan_wave(candidates.candidates, rules)
        except WaveRuleError as exc:
            raise BadWaveRules(exc.message, {"rule": exc.code, **exc.details}) from exc
        if not (plan.skipped and candidates.skipped):
            return _Planned(candidates, plan, tuple(rejected))
        for oid, reason in plan.skipped:
            rejected.append((OrderRef(oid, orders[oid].external_id), reason))
        orders = {oid: o for oid, o in orders.items() if oid not in dict(plan.skipped)}


def preview_wave(warehouse_id: int | str, rules: WaveRules) -> WavePreview:
    """What releasing now would create (reads only)."""
    wh = queries.warehouse(warehouse_id)
    planned = _plan(db.session.connection(), wh.id, rules)
    plan = planned.plan
    return WavePreview(
        warehouse=wh,
        mode=rules.mode,
        orders=plan.order_count,
        lines=plan.line_count,
        units=plan.unit_count,
        tasks=len(plan.tasks),
        pickers=plan.pickers,
        path_length=plan.path_length,
        order_ids=list(plan.orders),
        skipped=planned.skipped(),
    )


@dataclass(frozen=True)
class ReleaseRequest:
    warehouse_id: int
    rules: WaveRules
    actor_id: int | None
    via: str
    # The scheduler's slot: nothing to release is an answer (kept, so the slot is done).
    quiet: bool = False


def release_wave(
    warehouse_id: int | str,
    rules: WaveRules,
    *,
    actor_id: int | None,
    via: str = "console",
    idempotency_key: str | None = None,
) -> WaveView:
    """Release the orders that fit `rules` as one wave of pick tasks (module docstring)."""
    wh = queries.warehouse(warehouse_id)
    req = ReleaseRequest(wh.id, rules, actor_id, via)
    wave = RELEASE.run(req, caller=caller_of(actor_id), key=idempotency_key)
    if wave is None:  # only a quiet (scheduled) release answers without a wave
        raise NothingToRelease("no order fits this wave", {"warehouse_id": wh.id})
    return wave


def _lock(conn: Connection, warehouse_id: int) -> list[int]:
    """Lock what the candidate orders touch (module docstring, step 1); their ids."""
    ids = order_ids_in(conn, warehouse_id)
    if ids:
        lock_for_orders(conn, load_orders(conn, ids), utcnow())
        if conn.dialect.name != "sqlite":
            conn.execute(_LOCK_ORDERS, {"ids": ids}).all()
    return ids


def _release(req: ReleaseRequest) -> dict[str, Any] | None:
    conn = db.session.connection()
    locked = set(_lock(conn, req.warehouse_id))
    planned = _plan(conn, req.warehouse_id, req.rules)
    # Orders that became candidates after the locks were taken wait for the next wave.
    plan = planned.plan
    if any(oid not in locked for oid in plan.orders):
        keep = [c for c in planned.candidates.candidates if c.order_id in locked]
        plan = plan_wave(keep, req.rules)
        planned = _Planned(planned.candidates, plan, planned.rejected)
    skipped = [_skipped_json(s) for s in planned.skipped()]
    if not plan.orders:
        if req.quiet:
            return {"wave_id": None, "skipped": skipped}
        raise NothingToRelease(
            "no order fits this wave", {"warehouse_id": req.warehouse_id, "skipped": skipped}
        )
    wave_id = _write(conn, req, planned)
    announce_floor_change(req.warehouse_id, "waves")
    announce_floor_change(req.warehouse_id, "to_pick")
    return {"wave_id": wave_id, "skipped": skipped}


def _skipped_json(s: SkippedOrder) -> dict[str, Any]:
    return asdict(s)


def _priority(planned: _Planned, order_ids: Sequence[int]) -> int:
    orders = planned.candidates.orders
    dates = [d for d in (orders[o].ship_by for o in order_ids) if d is not None]
    if not dates:
        return NO_DEADLINE
    return int(min(dates).timestamp() // 60)


def _write(conn: Connection, req: ReleaseRequest, planned: _Planned) -> int:
    plan, now = planned.plan, utcnow()
    wave_id = conn.execute(
        _W.insert().returning(_W.c.id),
        {
            "warehouse_id": req.warehouse_id,
            "status": "released",
            "mode": req.rules.mode,
            "rules": req.rules.to_json(),
            "order_count": plan.order_count,
            "line_count": plan.line_count,
            "unit_count": plan.unit_count,
            "path_length": plan.path_length,
            "released_by": req.actor_id,
            "released_via": req.via[:64],
            "released_at": now,
        },
    ).scalar_one()
    slots = plan.slots()
    conn.execute(
        _WO.insert(),
        [
            {"wave_id": wave_id, "order_id": oid, "slot": slots.get(oid, 1), "open": True}
            for oid in plan.orders
        ],
    )
    task_ids = (
        conn.execute(
            _T.insert().returning(_T.c.id, sort_by_parameter_order=True),
            [
                {
                    "wave_id": wave_id,
                    "warehouse_id": req.warehouse_id,
                    "zone_id": t.zone_id,
                    "status": "open",
                    "priority": _priority(planned, t.orders),
                    "path_length": t.path_length,
                    "created_at": now,
                }
                for t in plan.tasks
            ],
        )
        .scalars()
        .all()
    )
    reservation_of = planned.candidates.reservation_of
    conn.execute(
        _PL.insert(),
        [
            {
                "task_id": task_id,
                "wave_id": wave_id,
                "order_id": ln.order_id,
                "order_line_id": ln.need.order_line_id,
                "reservation_id": reservation_of[
                    (ln.need.order_line_id, ln.need.bin.location_id, ln.need.lot_id)
                ],
                "item_id": ln.need.item_id,
                "lot_id": ln.need.lot_id,
                "location_id": ln.need.bin.location_id,
                "seq": ln.seq,
                "quantity": ln.need.quantity,
                "picked_qty": 0,
                "short_qty": 0,
                "status": "open",
            }
            for task_id, t in zip(task_ids, plan.tasks, strict=True)
            for ln in t.lines
        ],
    )
    _mark_released(conn, plan, req, wave_id, now)
    return int(wave_id)


def _mark_released(
    conn: Connection, plan: WavePlan, req: ReleaseRequest, wave_id: int, now: datetime
) -> None:
    """Lines allocated -> released, with their history and the orders' statuses."""
    lines = {ln.need.order_line_id for t in plan.tasks for ln in t.lines}
    orders = load_orders(conn, plan.orders)
    changed = {
        ln.id: (ln.quantity, ln.reserved, ln.consumed, "released")
        for o in orders
        for ln in o.lines
        if ln.id in lines and ln.status == "allocated"
    }
    actor = Actor.user(req.actor_id) if req.actor_id is not None else Actor(None, req.via)
    restate(conn, orders, changed, actor, now, f"wave {wave_id}")


def _present(req: ReleaseRequest, answer: dict[str, Any], _replayed: bool) -> WaveView | None:
    if answer.get("wave_id") is None:
        return None
    skipped = [
        SkippedOrder(OrderRef(**s["order"]), s["reason"], s.get("details") or {})
        for s in answer.get("skipped", [])
    ]
    return wave_views.get_wave(int(answer["wave_id"]), skipped=skipped)


def _fingerprint(req: ReleaseRequest) -> str:
    return fingerprint_of({"warehouse_id": req.warehouse_id, "rules": req.rules.to_json()})


RELEASE: Command[ReleaseRequest, WaveView | None] = Command(
    name="picking.release_wave", execute=_release, present=_present, fingerprint=_fingerprint
)


# --- the schedule ---------------------------------------------------------------------------

_SHIPS_FROM = (
    select(_CH.c.id, _CW.c.warehouse_id)
    .join(_CW, _CW.c.channel_id == _CH.c.id)
    .where(_CH.c.code == bindparam("code"), _CH.c.active.is_(True))
    .order_by(_CW.c.warehouse_id)
)


def release_due_waves(now: datetime | None = None, schedule: str | None = None) -> list[WaveView]:
    """Release each scheduled channel's wave whose slot is due, once per (channel, warehouse,
    slot) (picking/wave_schedule.py); returns the waves released by this call."""
    text = os.environ.get(SCHEDULE_ENV, "") if schedule is None else schedule
    try:
        entries = parse_schedule(text)
    except ScheduleError as exc:
        raise BadSchedule(str(exc), {"setting": SCHEDULE_ENV}) from exc
    now = now or utcnow()
    released: list[WaveView] = []
    for entry in entries:
        slot = entry.latest_slot(now)
        for channel_id, wh_id in db.session.execute(_SHIPS_FROM, {"code": entry.channel}).all():
            rules = WaveRules(mode=entry.mode, channel_ids=(int(channel_id),))
            req = ReleaseRequest(
                int(wh_id), rules, None, f"schedule:{entry.channel}"[:64], quiet=True
            )
            key = f"wave-schedule:{entry.channel}:{wh_id}:{slot.astimezone(UTC):%Y%m%dT%H%M}"
            wave = _run_scheduled(req, key)
            if wave is not None:
                released.append(wave)
    return released


def _run_scheduled(req: ReleaseRequest, key: str) -> WaveView | None:
    with track_replay() as seen:
        wave = RELEASE.run(req, caller=SCHEDULER, key=key)
    return None if seen and all(seen) else wave
