"""Pure approval rules of a count variance: who may decide a variance the recount confirmed.

A count adjustment beyond tolerance changes the books, so the decision is independent of
the counting: the decider is a supervisor or above, and neither the worker who counted nor
the one who recounted (a supervisor who counted a bin cannot approve their own count).
When the waiting variances are worth more than the manager threshold (the sum of their
|variance value|), approving needs a manager (or an admin): a supervisor's approval is not
enough. Rejecting posts nothing, so it needs independence but no manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# auth's ranking, lowest first (auth.models.ROLES), repeated so these rules stay pure.
ROLES = ("worker", "supervisor", "manager", "admin")

APPROVE = "approve"
REJECT = "reject"
DECISIONS = (APPROVE, REJECT)

NOT_A_SUPERVISOR = "not_a_supervisor"
APPROVER_COUNTED = "approver_counted"
MANAGER_REQUIRED = "manager_required"


class DecisionRefused(Exception):
    """A decision this person may not take; `code` names the rule."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = details or {}


def at_least(role: str, lowest: str) -> bool:
    return role in ROLES and ROLES.index(role) >= ROLES.index(lowest)


def needs_manager(pending_value: Decimal, manager_value: Decimal) -> bool:
    """Waiting variances worth more than the threshold need a manager to approve them."""
    return pending_value > manager_value


@dataclass(frozen=True)
class Decider:
    user_id: int
    role: str


@dataclass(frozen=True)
class Waiting:
    """The task waiting for a decision: who counted, who recounted, what it is worth."""

    counted_by: int | None
    recounted_by: int | None
    pending_value: Decimal


def check_decision(
    decision: str, decider: Decider, waiting: Waiting, manager_value: Decimal
) -> None:
    """Raise DecisionRefused unless this person may take this decision."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    if not at_least(decider.role, "supervisor"):
        raise DecisionRefused(
            NOT_A_SUPERVISOR,
            "only a supervisor or a manager decides a count variance",
            {"role": decider.role},
        )
    if decider.user_id in (waiting.counted_by, waiting.recounted_by):
        which = "counted" if decider.user_id == waiting.counted_by else "recounted"
        raise DecisionRefused(
            APPROVER_COUNTED,
            f"you {which} this bin: someone who counted neither decides its variance",
            {"counted_by": waiting.counted_by, "recounted_by": waiting.recounted_by},
        )
    if (
        decision == APPROVE
        and needs_manager(waiting.pending_value, manager_value)
        and not at_least(decider.role, "manager")
    ):
        raise DecisionRefused(
            MANAGER_REQUIRED,
            "this variance is worth more than a supervisor may approve: a manager approves it",
            {
                "pending_value": str(waiting.pending_value),
                "manager_value": str(manager_value),
                "role": decider.role,
            },
        )
