"""Who may decide a count variance (pure rules): a supervisor or above who neither counted
nor recounted, and a manager when the waiting variances are worth more than the threshold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.auth.models import ROLES as AUTH_ROLES
from scanfloor.counting.approval_rules import (
    APPROVER_COUNTED,
    MANAGER_REQUIRED,
    NOT_A_SUPERVISOR,
    ROLES,
    Decider,
    DecisionRefused,
    Waiting,
    check_decision,
    needs_manager,
)

THRESHOLD = Decimal("500.00")
COUNTER, RECOUNTER, OTHER = 1, 2, 3
SMALL = Waiting(COUNTER, RECOUNTER, Decimal("40.00"))
LARGE = Waiting(COUNTER, RECOUNTER, Decimal("500.01"))


def _refusal(decision: str, decider: Decider, waiting: Waiting) -> str | None:
    try:
        check_decision(decision, decider, waiting, THRESHOLD)
    except DecisionRefused as exc:
        return exc.code
    return None


def test_the_roles_ranking_is_auths():
    assert ROLES == AUTH_ROLES


def test_the_counter_cannot_approve_their_own_count():
    assert _refusal("approve", Decider(COUNTER, "supervisor"), SMALL) == APPROVER_COUNTED
    assert _refusal("approve", Decider(COUNTER, "admin"), SMALL) == APPROVER_COUNTED


def test_the_recounter_cannot_approve_either():
    assert _refusal("approve", Decider(RECOUNTER, "manager"), SMALL) == APPROVER_COUNTED


def test_neither_may_reject_their_own_count():
    assert _refusal("reject", Decider(COUNTER, "supervisor"), SMALL) == APPROVER_COUNTED
    assert _refusal("reject", Decider(RECOUNTER, "supervisor"), SMALL) == APPROVER_COUNTED


def test_a_worker_never_decides():
    assert _refusal("approve", Decider(OTHER, "worker"), SMALL) == NOT_A_SUPERVISOR
    assert _refusal("reject", Decider(OTHER, "worker"), SMALL) == NOT_A_SUPERVISOR
    assert _refusal("approve", Decider(OTHER, "nobody"), SMALL) == NOT_A_SUPERVISOR


def test_an_independent_supervisor_approves_below_the_threshold():
    assert _refusal("approve", Decider(OTHER, "supervisor"), SMALL) is None
    at_threshold = Waiting(COUNTER, RECOUNTER, THRESHOLD)
    assert _refusal("approve", Decider(OTHER, "supervisor"), at_threshold) is None


def test_above_the_value_threshold_a_supervisors_approval_is_not_enough():
    assert _refusal("approve", Decider(OTHER, "supervisor"), LARGE) == MANAGER_REQUIRED


def test_above_the_value_threshold_a_manager_or_admin_approves():
    assert _refusal("approve", Decider(OTHER, "manager"), LARGE) is None
    assert _refusal("approve", Decider(OTHER, "admin"), LARGE) is None


def test_a_supervisor_may_reject_above_the_threshold_since_nothing_posts():
    assert _refusal("reject", Decider(OTHER, "supervisor"), LARGE) is None


def test_independence_is_checked_before_the_threshold():
    assert _refusal("approve", Decider(COUNTER, "supervisor"), LARGE) == APPROVER_COUNTED


def test_a_count_nobody_recorded_as_counter_still_needs_a_supervisor():
    nobody = Waiting(None, None, Decimal("1.00"))
    assert _refusal("approve", Decider(OTHER, "supervisor"), nobody) is None
    assert _refusal("approve", Decider(OTHER, "worker"), nobody) == NOT_A_SUPERVISOR


def test_needs_manager_only_strictly_above_the_threshold():
    assert needs_manager(Decimal("500.00"), THRESHOLD) is False
    assert needs_manager(Decimal("500.01"), THRESHOLD) is True


def test_an_unknown_decision_is_a_programming_error():
    with pytest.raises(ValueError):
        check_decision("maybe", Decider(OTHER, "manager"), SMALL, THRESHOLD)
