"""Claiming count tasks, reading them, and supervisors moving or withdrawing them.

Claiming (`counts.claim`, keyed by the scanner's client_scan_id) hands a worker the count
task they hold in the warehouse, else the first free one: open or recount, held by nobody,
and never a recount to the worker who counted it (a recount is a second pair of eyes).
Events that left a bin in doubt come first (short pick, refused putaway, emptied bin), then
ad-hoc counts, then the ABC plan; oldest first within each. Two workers never get one
task: the claim SQL is scanfloor/task_claim.py, shared with pick tasks.

A claim changes no status (a held task is still open or in recount): holding it is
`assigned_to`. Giving it back clears that; cancelling withdraws it before it is counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case, or_, select

from ..access.rules import works_on_floor
from ..access.service import user_may_see
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..database import write_transaction
from ..errors import CounterCannotRecount, CountTaskClosed, CountTaskNotHeld, ValidationFailed
from ..extensions import db
from ..floor_events import announce_floor_change
from ..picking.errors import NotAPicker, TaskNotYours
from ..task_claim import ClaimQueue
from ..timeutil import utcnow
from . import task_rows as rows
from .approval_rules import at_least
from .models import COUNT_STATUSES, CountTask
from .task_views import (
    SupervisorView,
    TaskSummary,
    WorkerView,
    approval_ids,
    supervisor_view,
    supervisor_views,
    task_summaries,
    worker_view,
)

QUEUE = "count_approvals"
_CT = CountTask.__table__
# Event-raised counts first: each says a bin is in doubt now, on a floor still using it.
_PRIORITY = case(
    (_CT.c.reason.in_(("short_pick", "refused_putaway", "empty_bin")), 0),
    (_CT.c.reason == "adhoc", 1),
    else_=2,
)
_HELD = (
    select(_CT.c.id)
    .where(
        _CT.c.warehouse_id == bindparam("wh"),
        _CT.c.assigned_to == bindparam("me"),
        _CT.c.status.in_(rows.COUNTABLE),
    )
    .order_by(_CT.c.assigned_at, _CT.c.id)
    .limit(1)
)
_FREE = and_(_CT.c.status.in_(rows.COUNTABLE), _CT.c.assigned_to.is_(None))
# A recount is never its counter's.
_NOT_ITS_COUNTER = or_(
    _CT.c.status != "recount",
    _CT.c.counted_by.is_(None),
    _CT.c.counted_by != bindparam("me"),
)
_NEXT_FREE = (
    select(_CT.c.id)
    .where(_CT.c.warehouse_id == bindparam("wh"), _FREE, _NOT_ITS_COUNTER)
    .order_by(_PRIORITY, _CT.c.created_at, _CT.c.id)
    .limit(1)
)
_QUEUE = ClaimQueue(
    _CT,
    _NEXT_FREE,
    and_(_FREE, _NOT_ITS_COUNTER),
    {"assigned_to": bindparam("me"), "assigned_at": bindparam("now")},
)


@dataclass(frozen=True)
class ClaimRequest:
    warehouse_id: int
    actor_id: int
    device_id: str | None


def claim_next_task(
    warehouse: int | str,
    *,
    actor_id: int,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> WorkerView | None:
    """The count task the worker holds in this warehouse, else the next free one (None: no
    work)."""
    wh = rows.warehouse(warehouse)
    rows.require_rights(actor_id, wh.id)
    req = ClaimRequest(wh.id, actor_id, device_id)
    return CLAIM.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _claim(req: ClaimRequest) -> dict[str, Any]:
    conn = db.session.connection()
    held = conn.execute(_HELD, {"wh": req.warehouse_id, "me": req.actor_id}).scalar()
    if held is not None:
        return {"task_id": int(held), "resumed": True}
    task_id = _QUEUE.claim(conn, {"wh": req.warehouse_id, "me": req.actor_id, "now": utcnow()})
    return {"task_id": task_id, "resumed": False}


def _present(_req: ClaimRequest, answer: dict[str, Any], _replayed: bool) -> WorkerView | None:
    # Today's view of the task claimed first: a replay shows what was counted since.
    task_id = answer.get("task_id")
    return None if task_id is None else worker_view(int(task_id))


CLAIM: Command[ClaimRequest, WorkerView | None] = Command(
    name="counts.claim",
    execute=_claim,
    present=_present,
    fingerprint=lambda req: fingerprint_of({"warehouse_id": req.warehouse_id}),
)


def _is_supervisor(role: str) -> bool:
    return at_least(role, "supervisor")


def get_task(task_id: int, *, viewer_id: int) -> WorkerView:
    """One task, blind; only its holder or a supervisor who may see the warehouse."""
    view = worker_view(task_id)
    who = rows.require_rights(viewer_id, view.warehouse.id)
    holder = view.assigned_to is not None and view.assigned_to.id == who.id
    if not holder and not _is_supervisor(who.role):
        raise TaskNotYours("this count task is not yours", {"task_id": task_id})
    return view


def review_task(task_id: int, *, viewer_id: int) -> SupervisorView:
    """One task with everything counted and what the ledger held (supervisors)."""
    view = supervisor_view(task_id)
    who = rows.require_rights(viewer_id, view.warehouse.id)
    if not _is_supervisor(who.role):
        raise TaskNotYours("only a supervisor reviews a count", {"task_id": task_id})
    return view


def list_tasks(
    warehouse: int | str, status: str | None = None, *, viewer_id: int
) -> list[TaskSummary]:
    """A warehouse's count tasks, oldest first (default: those still in doubt)."""
    if status is not None and status not in COUNT_STATUSES:
        raise ValidationFailed("unknown count task status", {"status": status})
    wh = rows.warehouse(warehouse)
    rows.require_rights(viewer_id, wh.id)
    return task_summaries(wh.id, status)


def approvals(warehouse: int | str, *, viewer_id: int) -> list[SupervisorView]:
    """Count variances waiting for a decision, the longest waiting first (supervisors)."""
    wh = rows.warehouse(warehouse)
    _supervisor(viewer_id, wh.id, None)
    return supervisor_views(approval_ids(wh.id))


def _countable(task_id: int) -> Any:
    task = rows.lock_task(db.session.connection(), task_id)
    if task.status not in rows.COUNTABLE:
        raise CountTaskClosed(
            f"this count task is {task.status}: it can no longer change hands",
            {"task_id": task_id, "status": task.status},
        )
    return task


def _supervisor(actor_id: int, warehouse_id: int, task_id: int | None) -> Any:
    actor = rows.require_rights(actor_id, warehouse_id)
    if not _is_supervisor(actor.role):
        raise TaskNotYours("only a supervisor does this", {"task_id": task_id})
    return actor


def assign_task(task_id: int, user: int | str, *, actor_id: int) -> SupervisorView:
    """A supervisor hands a count task to a worker (a recount never to its counter)."""
    with write_transaction():
        task = _countable(task_id)
        _supervisor(actor_id, int(task.warehouse_id), task_id)
        target = rows.user_by_ref(user)
        # Finance sees every warehouse (to read) but counts in none.
        seen = works_on_floor(target.role) and user_may_see(
            target.id, target.role, task.warehouse_id
        )
        if not target.active or not seen:
            raise NotAPicker(
                "this user cannot count in this warehouse",
                {"user_id": int(target.id), "warehouse_id": int(task.warehouse_id)},
            )
        if task.status == "recount" and task.counted_by == target.id:
            raise CounterCannotRecount(
                "this worker counted the bin: a recount goes to someone else",
                {"task_id": task_id, "user_id": int(target.id)},
            )
        rows.set_task(
            db.session.connection(), task_id, assigned_to=int(target.id), assigned_at=utcnow()
        )
    return supervisor_view(task_id)


def unassign_task(task_id: int, *, actor_id: int) -> WorkerView:
    """Give a count task back to the queue (its holder, or a supervisor). What was counted
    so far stays; the next worker carries on (and may re-enter a line)."""
    with write_transaction():
        task = _countable(task_id)
        actor = rows.require_rights(actor_id, int(task.warehouse_id))
        if task.assigned_to != actor.id and not _is_supervisor(actor.role):
            raise CountTaskNotHeld(
                "only its holder or a supervisor gives a count task back", {"task_id": task_id}
            )
        rows.set_task(db.session.connection(), task_id, assigned_to=None, assigned_at=None)
    return worker_view(task_id)


def cancel_task(task_id: int, *, actor_id: int) -> SupervisorView:
    """Withdraw a count not yet counted (open, or waiting for its recount): nothing posts.
    The supervisor who withdrew it is kept as its decider (decided_by / decided_at)."""
    with write_transaction():
        task = _countable(task_id)
        _supervisor(actor_id, int(task.warehouse_id), task_id)
        rows.set_task(
            db.session.connection(),
            task_id,
            status="cancelled",
            assigned_to=None,
            assigned_at=None,
            completed_at=utcnow(),
            decided_by=actor_id,
            decided_at=utcnow(),
        )
        if task.status == "recount":
            announce_floor_change(int(task.warehouse_id), QUEUE)
    return supervisor_view(task_id)
