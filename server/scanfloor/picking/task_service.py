"""Claiming pick tasks, and a supervisor moving them between pickers.

Claiming (`picking.claim`, a declared command keyed by the scanner's client_scan_id) hands
a picker the task they already hold, else the next open task of the warehouse by
(priority, id). Two pickers never get one task (docs/decisions/0013): the claim SQL
(SKIP LOCKED on PostgreSQL, a conditional UPDATE on SQLite) is scanfloor/task_claim.py,
shared with count tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update

from ..access.rules import works_on_floor
from ..access.service import user_may_see
from ..auth.rules import at_least
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..database import write_transaction
from ..extensions import db
from ..floor_events import announce_floor_change
from ..task_claim import ClaimQueue
from ..timeutil import utcnow
from . import queries
from .errors import NotAPicker, TaskClosed, TaskNotYours
from .models import PickTask, Wave
from .pickers import user_id_of
from .views import Ref, TaskSummary, TaskView

_T = PickTask.__table__
_W = Wave.__table__

_HELD = (
    select(_T.c.id)
    .where(
        _T.c.warehouse_id == bindparam("wh"),
        _T.c.assigned_to == bindparam("me"),
        _T.c.status == "claimed",
    )
    .order_by(_T.c.claimed_at, _T.c.id)
    .limit(1)
)
_NEXT_OPEN = (
    select(_T.c.id)
    .where(_T.c.warehouse_id == bindparam("wh"), _T.c.status == "open")
    .order_by(_T.c.priority, _T.c.id)
    .limit(1)
)
_QUEUE = ClaimQueue(
    _T,
    _NEXT_OPEN,
    _T.c.status == "open",
    {"status": "claimed", "assigned_to": bindparam("me"), "claimed_at": bindparam("now")},
)
_WAVE_PICKING = (
    update(_W)
    .where(_W.c.id == select(_T.c.wave_id).where(_T.c.id == bindparam("b_task")).scalar_subquery())
    .where(_W.c.status == "released")
    .values(status="picking")
)
_ASSIGN = (
    update(_T)
    .where(_T.c.id == bindparam("b_id"), _T.c.status.in_(queries.OPEN_TASK))
    .values(
        status=bindparam("b_status"),
        assigned_to=bindparam("b_user"),
        claimed_at=bindparam("b_now"),
    )
)


@dataclass(frozen=True)
class ClaimRequest:
    warehouse_id: int
    actor_id: int
    device_id: str | None


def claim_next_task(
    warehouse_id: int,
    *,
    actor_id: int,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> TaskView | None:
    """The task the picker holds in this warehouse, else the next open one (None: no work)."""
    wh = queries.warehouse(warehouse_id)
    queries.require_rights(actor_id, wh)
    req = ClaimRequest(wh.id, actor_id, device_id)
    return CLAIM.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _claim(req: ClaimRequest) -> dict[str, Any]:
    conn = db.session.connection()
    held = conn.execute(_HELD, {"wh": req.warehouse_id, "me": req.actor_id}).scalar()
    if held is not None:
        return {"task_id": int(held), "resumed": True}
    task_id = _QUEUE.claim(conn, {"wh": req.warehouse_id, "me": req.actor_id, "now": utcnow()})
    if task_id is None:
        return {"task_id": None, "resumed": False}
    conn.execute(_WAVE_PICKING, {"b_task": task_id})
    announce_floor_change(req.warehouse_id, "to_pick")
    return {"task_id": int(task_id), "resumed": False}


def _present(_req: ClaimRequest, answer: dict[str, Any], _replayed: bool) -> TaskView | None:
    # Today's view of the task claimed first: a replay shows what is left to pick now.
    task_id = answer.get("task_id")
    return None if task_id is None else queries.task_view(int(task_id))


CLAIM: Command[ClaimRequest, TaskView | None] = Command(
    name="picking.claim",
    execute=_claim,
    present=_present,
    fingerprint=lambda req: fingerprint_of({"warehouse_id": req.warehouse_id}),
)


def _is_supervisor(role: str) -> bool:
    # at_least: finance is on no rung of the ladder, so it is no supervisor (and no error).
    return at_least(role, "supervisor")


def get_task(task_id: int, *, viewer_id: int | None = None) -> TaskView:
    """One task; with a viewer, only its holder or a supervisor who may see the warehouse."""
    view = queries.task_view(task_id)
    if viewer_id is not None:
        who = queries.require_rights(viewer_id, view.warehouse)
        holder = view.assigned_to is not None and view.assigned_to.id == who.id
        if not holder and not _is_supervisor(who.role):
            raise TaskNotYours(
                "this task is not yours", {"task_id": task_id, "status": view.status}
            )
    return view


def list_tasks(
    warehouse_id: int | str, status: str | None = None, *, viewer_id: int | None = None
) -> list[TaskSummary]:
    """A warehouse's pick tasks by (priority, id), optionally of one status."""
    wh = queries.warehouse(warehouse_id)
    if viewer_id is not None:
        queries.require_rights(viewer_id, wh)
    return queries.task_summaries(warehouse_id=wh.id, status=status)


def _open_task(task_id: int) -> Any:
    row = queries.task_row(task_id)
    if row.status not in queries.OPEN_TASK:
        raise TaskClosed(
            f"this task is {row.status}: it can no longer change hands",
            {"task_id": task_id, "status": row.status},
        )
    return row


def _set_holder(task_id: int, status: str, user_id: int | None) -> None:
    now = utcnow() if user_id is not None else None
    done = (
        db.session.connection()
        .execute(_ASSIGN, {"b_id": task_id, "b_status": status, "b_user": user_id, "b_now": now})
        .rowcount
    )
    if done != 1:  # closed by a pick between the read and the write (PostgreSQL)
        raise TaskClosed("this task was closed meanwhile", {"task_id": task_id})


def reassign_task(task_id: int, user_id: int | str, *, actor_id: int) -> TaskView:
    """A supervisor hands a task to a picker (by id, or by username): it is claimed on their
    behalf."""
    user_id = user_id_of(user_id)
    with write_transaction():
        row = _open_task(task_id)
        wh = Ref(int(row.warehouse_id), str(row.warehouse_code))
        actor = queries.require_rights(actor_id, wh)
        if not _is_supervisor(actor.role):
            raise TaskNotYours("only a supervisor assigns tasks", {"task_id": task_id})
        target = queries.user(user_id)
        # Finance sees every warehouse (to read) but picks in none.
        seen = works_on_floor(target.role) and user_may_see(target.id, target.role, wh.id)
        if not target.active or not seen:
            raise NotAPicker(
                "this user cannot pick in this warehouse",
                {"user_id": user_id, "warehouse_id": wh.id, "active": bool(target.active)},
            )
        _set_holder(task_id, "claimed", user_id)
        db.session.execute(_WAVE_PICKING, {"b_task": task_id})
        announce_floor_change(wh.id, "to_pick")
    return queries.task_view(task_id)


def unassign_task(task_id: int, *, actor_id: int) -> TaskView:
    """Give a task back to the queue (its holder, or a supervisor): open again, unheld.
    Lines picked so far stay picked and totes stay bound; the next picker carries on."""
    with write_transaction():
        row = _open_task(task_id)
        wh = Ref(int(row.warehouse_id), str(row.warehouse_code))
        actor = queries.require_rights(actor_id, wh)
        holder = row.assigned_to is not None and int(row.assigned_to) == actor.id
        if not holder and not _is_supervisor(actor.role):
            raise TaskNotYours(
                "only its holder or a supervisor gives a task back", {"task_id": task_id}
            )
        _set_holder(task_id, "open", None)
        announce_floor_change(wh.id, "to_pick")
    return queries.task_view(task_id)
