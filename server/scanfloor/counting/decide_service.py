"""Deciding a count variance the recount confirmed (the `counts.decide` command).

Who may decide is approval_rules: a supervisor or above who neither counted nor recounted
the bin; approving variances worth more than SCANFLOOR_COUNT_MANAGER_VALUE needs a manager.
Every decision names a reason code, and who decided and when are kept on the task.

- approve: the waiting lines' variances post (one `count` posting, count_gain / count_loss,
  actor the approver) as deltas, never "set to the count": what moved in or out of the bin
  since the recount stays accounted for. Lines become `approved`, the task `counted`.
- reject: nothing posts; lines become `rejected`, the task `rejected`, and unless told not
  to a new count of the bin is raised (the doubt about the bin is still there).
Leaving approval tells the board (count_approvals). A refusal changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select

from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import (
    ApproverCounted,
    Forbidden,
    ManagerRequired,
    NotAwaitingApproval,
    ScanfloorError,
    ValidationFailed,
)
from ..extensions import db
from ..floor_events import announce_floor_change
from ..timeutil import utcnow
from . import task_rows as rows
from .approval_rules import (
    APPROVE,
    APPROVER_COUNTED,
    DECISIONS,
    MANAGER_REQUIRED,
    Decider,
    DecisionRefused,
    Waiting,
    check_decision,
)
from .models import CountLine
from .service import raise_count_task
from .task_views import SupervisorView, manager_value, supervisor_view
from .variance_rules import APPROVAL, APPROVED, CENT, REJECTED, pending_value

MAX_REASON = 64
QUEUE = "count_approvals"
_CL = CountLine.__table__
_WAITING = select(_CL).where(_CL.c.task_id == bindparam("task"), _CL.c.outcome == APPROVAL)
_REFUSALS: dict[str, type[ScanfloorError]] = {
    APPROVER_COUNTED: ApproverCounted,
    MANAGER_REQUIRED: ManagerRequired,
}


@dataclass(frozen=True)
class Decision:
    task_id: int
    decision: str  # approve | reject
    reason_code: str
    note: str | None = None
    recount: bool = True  # reject: raise a new count of the bin


@dataclass(frozen=True)
class DecideRequest:
    decision: Decision
    actor_id: int
    device_id: str | None
    manager_value: Decimal


def decide_count(
    decision: Decision,
    *,
    actor_id: int,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> SupervisorView:
    """Approve or reject the variance a count task waits with."""
    if decision.decision not in DECISIONS:
        raise ValidationFailed("decide approve or reject", {"decision": decision.decision})
    reason = decision.reason_code.strip()
    if not reason or len(reason) > MAX_REASON:
        raise ValidationFailed(
            f"every decision needs a reason code (1-{MAX_REASON} characters)",
            {"field": "reason_code"},
        )
    clean = Decision(decision.task_id, decision.decision, reason, decision.note, decision.recount)
    req = DecideRequest(clean, actor_id, device_id, manager_value())
    return DECIDE.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _decide(req: DecideRequest) -> dict[str, Any]:
    d = req.decision
    conn = db.session.connection()
    task = rows.lock_task(conn, d.task_id)
    decider = rows.require_rights(req.actor_id, int(task.warehouse_id))
    if task.status != "approval":
        raise NotAwaitingApproval(
            f"this count task is {task.status}: nothing waits for a decision",
            {"task_id": d.task_id, "status": task.status},
        )
    waiting = conn.execute(_WAITING, {"task": task.id}).all()
    pending = pending_value(
        None if ln.variance_value is None else Decimal(ln.variance_value).quantize(CENT)
        for ln in waiting
    )
    try:
        check_decision(
            d.decision,
            Decider(int(decider.id), str(decider.role)),
            Waiting(task.counted_by, task.recounted_by, pending),
            req.manager_value,
        )
    except DecisionRefused as exc:
        error = _REFUSALS.get(exc.code, Forbidden)
        raise error(exc.message, {"rule": exc.code, "task_id": d.task_id, **exc.details}) from exc
    approve = d.decision == APPROVE
    posting_id = None
    if approve:
        posting_id = rows.post_variances(
            conn,
            task,
            [rows.Variance(int(ln.item_id), ln.lot_id, int(ln.variance)) for ln in waiting],
            actor_id=req.actor_id,
            device_id=req.device_id,
        )
    outcome = APPROVED if approve else REJECTED
    rows.set_outcomes(conn, ((int(ln.id), outcome) for ln in waiting))
    now = utcnow()
    changes: dict[str, Any] = {
        "status": "counted" if approve else "rejected",
        "decided_by": req.actor_id,
        "decided_at": now,
        "decision_reason": d.reason_code,
        "decision_note": d.note,
        "completed_at": now,
    }
    if posting_id is not None:
        changes["posting_id"] = posting_id
    rows.set_task(conn, int(task.id), **changes)
    new_task = None
    if not approve and d.recount:
        new_task = raise_count_task(
            warehouse_id=int(task.warehouse_id),
            location_id=int(task.location_id),
            item_id=task.item_id,
            reason=str(task.reason),
            source_type=rows.SOURCE_TYPE,
            source_id=str(task.id),
            actor_id=req.actor_id,
        )
    announce_floor_change(int(task.warehouse_id), QUEUE)
    return {"task_id": int(task.id), "posting_id": posting_id, "new_task_id": new_task}


def _present(_req: DecideRequest, answer: dict[str, Any], _replayed: bool) -> SupervisorView:
    return supervisor_view(int(answer["task_id"]))


def _fingerprint(req: DecideRequest) -> str:
    d = req.decision
    return fingerprint_of(
        {"task": d.task_id, "decision": d.decision, "reason": d.reason_code, "note": d.note,
         "recount": d.recount}
    )  # fmt: skip


DECIDE: Command[DecideRequest, SupervisorView] = Command(
    name="counts.decide",
    execute=_decide,
    present=_present,
    fingerprint=_fingerprint,
)
