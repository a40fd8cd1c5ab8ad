"""Claiming replenishment tasks, reading them, and giving them back, finishing or
cancelling them.

Claiming (`replenishment.claim`, keyed by the scanner's client_scan_id) hands a worker the
task they hold in the warehouse, else the oldest open one (tasks with a suggested source
before those raised when no reserve stock was found). Two workers never get one task: the
claim SQL is scanfloor/task_claim.py, shared with pick and count tasks (SKIP LOCKED on
PostgreSQL). Finishing (`replenishment.finish`) closes a task short: what moved stays
moved, and the face gets a new task from its next posting (or `raise_due_tasks`) if it is
still below its min. Releasing puts a claimed task back in the queue (its holder or a
supervisor); cancelling withdraws a live one (a supervisor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, select

from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..database import write_transaction
from ..errors import ValidationFailed
from ..extensions import db
from ..floor_events import announce_floor_change
from ..task_claim import ClaimQueue
from ..timeutil import utcnow
from . import queries
from .errors import TaskClosed, TaskNotYours
from .models import LIVE_STATUSES, TASK_STATUSES, ReplenishmentTask
from .rules import supervises
from .trigger import QUEUE
from .views import TaskView, task_view, task_views, warehouse_task_ids

_RT = ReplenishmentTask.__table__
_HELD = (
    select(_RT.c.id)
    .where(
        _RT.c.warehouse_id == bindparam("wh"),
        _RT.c.claimed_by == bindparam("me"),
        _RT.c.status == "claimed",
    )
    .order_by(_RT.c.claimed_at, _RT.c.id)
    .limit(1)
)
_FREE = and_(_RT.c.status == "open", _RT.c.claimed_by.is_(None))
_NEXT_FREE = (
    select(_RT.c.id)
    .where(_RT.c.warehouse_id == bindparam("wh"), _FREE)
    .order_by(_RT.c.from_location_id.is_(None), _RT.c.created_at, _RT.c.id)
    .limit(1)
)
_QUEUE = ClaimQueue(
    _RT,
    _NEXT_FREE,
    _FREE,
    {"status": "claimed", "claimed_by": bindparam("me"), "claimed_at": bindparam("now")},
)


# --- claiming ----------------------------------------------------------------------------


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
) -> TaskView | None:
    """The task the worker holds in this warehouse, else the next open one (None: no work)."""
    wh = queries.warehouse(warehouse)
    queries.require_rights(actor_id, wh.id)
    req = ClaimRequest(wh.id, actor_id, device_id)
    return CLAIM.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _claim(req: ClaimRequest) -> dict[str, Any]:
    conn = db.session.connection()
    held = conn.execute(_HELD, {"wh": req.warehouse_id, "me": req.actor_id}).scalar()
    if held is not None:
        return {"task_id": int(held), "resumed": True}
    task_id = _QUEUE.claim(conn, {"wh": req.warehouse_id, "me": req.actor_id, "now": utcnow()})
    if task_id is not None:
        announce_floor_change(req.warehouse_id, QUEUE)
    return {"task_id": task_id, "resumed": False}


def _present_claim(_req: ClaimRequest, answer: dict[str, Any], _replayed: bool) -> TaskView | None:
    # Today's view of the task claimed first: a replay shows what moved since.
    task_id = answer.get("task_id")
    return None if task_id is None else task_view(int(task_id))


CLAIM: Command[ClaimRequest, TaskView | None] = Command(
    name="replenishment.claim",
    execute=_claim,
    present=_present_claim,
    fingerprint=lambda req: fingerprint_of({"warehouse_id": req.warehouse_id}),
)


# --- reading -----------------------------------------------------------------------------


def list_tasks(
    warehouse: int | str, status: str | None = None, *, viewer_id: int
) -> list[TaskView]:
    """A warehouse's tasks, oldest first (default: the live ones, open and claimed)."""
    if status is not None and status not in TASK_STATUSES:
        raise ValidationFailed("unknown replenishment task status", {"status": status})
    wh = queries.warehouse(warehouse)
    queries.require_rights(viewer_id, wh.id)
    conn = db.session.connection()
    statuses = LIVE_STATUSES if status is None else (status,)
    return task_views(conn, warehouse_task_ids(conn, wh.id, statuses))


def get_task(task_id: int, *, viewer_id: int) -> TaskView:
    view = task_view(task_id)
    queries.require_rights(viewer_id, view.warehouse.id)
    return view


# --- giving back, cancelling, finishing ----------------------------------------------------


def _live(task_id: int) -> Any:
    task = queries.lock_task(db.session.connection(), task_id)
    if task.status not in LIVE_STATUSES:
        raise TaskClosed(
            f"this replenishment task is {task.status}",
            {"task_id": task_id, "status": task.status},
        )
    return task


def _holder_or_supervisor(task: Any, actor_id: int, doing: str) -> Any:
    actor = queries.require_rights(actor_id, int(task.warehouse_id))
    if task.claimed_by != actor.id and not supervises(actor.role):
        raise TaskNotYours(
            f"only its holder or a supervisor {doing} this task", {"task_id": int(task.id)}
        )
    return actor


def release_task(task_id: int, *, actor_id: int) -> TaskView:
    """Put a claimed task back in the queue (its holder, or a supervisor); what moved stays."""
    with write_transaction():
        task = _live(task_id)
        _holder_or_supervisor(task, actor_id, "gives back")
        if task.status == "claimed":
            queries.set_task(
                db.session.connection(), task_id, status="open", claimed_by=None, claimed_at=None
            )
            announce_floor_change(int(task.warehouse_id), QUEUE)
    return task_view(task_id)


def cancel_task(task_id: int, *, actor_id: int) -> TaskView:
    """Withdraw a live task (a supervisor): nothing more moves on it."""
    with write_transaction():
        task = _live(task_id)
        actor = queries.require_rights(actor_id, int(task.warehouse_id))
        if not supervises(actor.role):
            raise TaskNotYours("only a supervisor cancels a task", {"task_id": task_id})
        queries.set_task(
            db.session.connection(),
            task_id,
            status="cancelled",
            done_at=utcnow(),
            done_by=actor_id,
        )
        announce_floor_change(int(task.warehouse_id), QUEUE)
    return task_view(task_id)


@dataclass(frozen=True)
class FinishRequest:
    task_id: int
    actor_id: int


def finish_task(task_id: int, *, actor_id: int, idempotency_key: str | None = None) -> TaskView:
    """Close a task short of its quantity (its holder, or a supervisor)."""
    return FINISH.run(
        FinishRequest(task_id, actor_id), caller=caller_of(actor_id), key=idempotency_key
    )


def _finish(req: FinishRequest) -> dict[str, Any]:
    task = _live(req.task_id)
    _holder_or_supervisor(task, req.actor_id, "finishes")
    queries.set_task(
        db.session.connection(), req.task_id, status="done", done_at=utcnow(), done_by=req.actor_id
    )
    announce_floor_change(int(task.warehouse_id), QUEUE)
    return {"task_id": req.task_id, "moved": int(task.moved)}


FINISH: Command[FinishRequest, TaskView] = Command(
    name="replenishment.finish",
    execute=_finish,
    present=lambda req, _answer, _replayed: task_view(req.task_id),
    fingerprint=lambda req: fingerprint_of({"task_id": req.task_id}),
)
