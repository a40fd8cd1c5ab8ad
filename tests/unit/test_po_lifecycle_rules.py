"""The purchase order's lifecycle as pure rules: approve, send, cancel, close, amend, and who
approves what a PO is worth (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.purchasing.rules import (
    PurchasingRuleError,
    approver_needed,
    check_amendable,
    check_approver,
    check_cancellable,
    check_destination,
    check_has_lines,
    check_line_quantity,
    check_removable,
    field_changes,
    po_value,
    state_after_amend,
    transition,
)

THRESHOLD = Decimal("10000")


def _refused(func, *args) -> tuple[str, dict]:
    with pytest.raises(PurchasingRuleError) as err:
        func(*args)
    return err.value.code, err.value.details


# --- transitions ----------------------------------------------------------------------------


def test_a_draft_is_approved_then_sent():
    assert transition("draft", "approve") == "approved"
    assert transition("approved", "send") == "sent"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("approved", "approve"),
        ("sent", "approve"),
        ("open", "approve"),
        ("draft", "send"),
        ("sent", "send"),
        ("open", "send"),
        ("cancelled", "send"),
        ("partially_received", "cancel"),
        ("received", "cancel"),
        ("closed", "cancel"),
        ("cancelled", "cancel"),
        ("approved", "close"),
        ("cancelled", "close"),
        ("approved", "open"),
        ("sent", "open"),
    ],
)
def test_a_po_takes_only_the_steps_its_state_allows(state, action):
    code, details = _refused(transition, state, action)
    assert code == "invalid_state"
    assert (details["state"], details["action"]) == (state, action)


def test_a_sent_po_closes_like_an_open_one_and_open_still_works_for_drafts():
    assert transition("sent", "close") == "closed"
    assert transition("draft", "open") == "open"
    for state in ("draft", "open", "partially_received", "received"):
        assert transition(state, "close") == "closed"


def test_a_po_is_cancelled_before_anything_is_received():
    for state in ("draft", "approved", "sent", "open"):
        assert check_cancellable(state, 0) == "cancelled"


def test_a_po_that_received_units_cannot_be_cancelled():
    assert _refused(check_cancellable, "open", 3) == (
        "already_received",
        {"state": "open", "received": 3},
    )
    assert _refused(check_cancellable, "partially_received", 0)[0] == "invalid_state"


# --- approval -------------------------------------------------------------------------------


def test_a_po_value_is_ordered_times_unit_cost_exactly():
    assert po_value([(10, Decimal("4.25")), (3, Decimal("0.333333"))]) == Decimal("43.499999")
    assert po_value([]) == Decimal(0)


def test_a_po_above_the_threshold_needs_a_manager_and_at_it_a_supervisor():
    assert approver_needed(Decimal("10000"), THRESHOLD) == "supervisor"
    assert approver_needed(Decimal("10000.01"), THRESHOLD) == "manager"
    assert approver_needed(Decimal("0"), THRESHOLD) == "supervisor"


def test_a_supervisor_is_refused_a_po_worth_more_than_the_threshold():
    check_approver("supervisor", Decimal("10000"), THRESHOLD)
    check_approver("manager", Decimal("10000.01"), THRESHOLD)
    check_approver("admin", Decimal("99999"), THRESHOLD)
    assert _refused(check_approver, "supervisor", Decimal("10000.5"), THRESHOLD) == (
        "approval_needs_manager",
        {
            "value": "10000.50",
            "threshold": "10000.00",
            "needed_role": "manager",
            "role": "supervisor",
        },
    )


def test_a_worker_approves_nothing():
    code, details = _refused(check_approver, "worker", Decimal("1"), THRESHOLD)
    assert (code, details["needed_role"]) == ("approval_needs_supervisor", "supervisor")


def test_a_po_without_lines_is_refused_and_one_with_lines_passes():
    check_has_lines(1)
    assert _refused(check_has_lines, 0)[0] == "empty_purchase_order"


def test_a_po_goes_to_the_endpoint_or_the_email_and_needs_one_of_them():
    check_destination("orders@acme.test", None)
    check_destination(None, "https://acme.test/po")
    assert _refused(check_destination, None, None)[0] == "no_po_destination"
    assert _refused(check_destination, "  ", "")[0] == "no_po_destination"


# --- amendments -----------------------------------------------------------------------------


def test_approved_sent_open_and_partly_received_pos_are_amended():
    for state in ("approved", "sent", "open", "partially_received"):
        check_amendable(state)
    for state in ("draft", "received", "closed", "cancelled"):
        code, details = _refused(check_amendable, state)
        assert (code, details["state"]) == ("invalid_state", state)


def test_an_amended_quantity_is_never_below_what_was_received():
    check_line_quantity(1, 5, 5)
    check_line_quantity(1, 1, 0)
    assert _refused(check_line_quantity, 2, 4, 5) == (
        "below_received",
        {"line_no": 2, "quantity": 4, "received": 5},
    )
    assert _refused(check_line_quantity, 2, 0, 0)[0] == "below_received"


def test_only_a_line_with_nothing_received_is_removed():
    check_removable(1, 0)
    assert _refused(check_removable, 1, 2) == ("line_received", {"line_no": 1, "received": 2})


def test_an_amended_approved_po_goes_back_to_draft_for_approval():
    assert state_after_amend("approved", [(10, 0)]) == "draft"


def test_an_amended_issued_po_keeps_its_state_unless_every_line_is_now_complete():
    assert state_after_amend("sent", [(10, 0)]) == "sent"
    assert state_after_amend("open", [(10, 0)]) == "open"
    assert state_after_amend("partially_received", [(10, 4), (5, 0)]) == "partially_received"
    assert state_after_amend("partially_received", [(4, 4), (5, 5)]) == "received"


def test_field_changes_list_each_changed_field_with_its_old_and_new_value():
    before = {"quantity": 10, "unit_cost": "4.25", "expected_date": None}
    after = {"quantity": 12, "unit_cost": "4.25", "expected_date": "2026-07-01"}
    assert field_changes(3, before, after) == [
        {"line_no": 3, "field": "quantity", "old": 10, "new": 12},
        {"line_no": 3, "field": "expected_date", "old": None, "new": "2026-07-01"},
    ]
    assert field_changes(3, before, dict(before)) == []
