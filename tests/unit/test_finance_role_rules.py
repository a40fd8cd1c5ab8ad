"""The finance role beside the ladder (docs/decisions/0026), as pure rules: which roles a
route's @requires admits, that finance stands on no rung (never a ValueError, never "at
least" a floor role), that only an admin manages a finance user, that finance reads every
warehouse but is handed no floor work, and that it sees a blind PO's quantities."""

from __future__ import annotations

import pytest

from scanfloor.access.rules import may_see, sees_every_warehouse, works_on_floor
from scanfloor.auth.rules import ALL_ROLES, FINANCE, ROLES, allowed_roles, at_least, may_manage
from scanfloor.purchasing.rules import may_see_expected


def test_finance_is_a_known_role_beside_the_ladder_not_a_rung_of_it():
    assert FINANCE in ALL_ROLES
    assert FINANCE not in ROLES
    assert ROLES == ("worker", "supervisor", "manager", "admin")


def test_a_finance_read_admits_supervisors_and_above_and_finance():
    assert allowed_roles("supervisor", ("finance",)) == (
        "supervisor",
        "manager",
        "admin",
        "finance",
    )


def test_a_finance_write_admits_finance_and_admins_only():
    allowed = allowed_roles("admin", ("finance",))
    assert set(allowed) == {"admin", "finance"}
    assert "manager" not in allowed


def test_without_also_a_route_admits_the_ladder_from_its_lowest_role_and_never_finance():
    assert allowed_roles("worker") == ROLES
    assert FINANCE not in allowed_roles("worker")


def test_naming_a_rung_in_also_again_changes_nothing():
    assert allowed_roles("manager", ("admin", "finance", "finance")) == (
        "manager",
        "admin",
        "finance",
    )


@pytest.mark.parametrize(("lowest", "also"), [("finance", ()), ("owner", ()), ("worker", ("x",))])
def test_a_misspelt_or_off_ladder_lowest_role_is_a_programming_error(lowest, also):
    with pytest.raises(ValueError, match="unknown role"):
        allowed_roles(lowest, also)


@pytest.mark.parametrize("lowest", ROLES)
def test_finance_is_at_least_no_rung_and_asking_never_raises(lowest):
    assert at_least(FINANCE, lowest) is False


def test_a_rung_is_at_least_itself_and_the_rungs_below():
    assert at_least("manager", "supervisor") and at_least("manager", "manager")
    assert not at_least("supervisor", "manager")
    assert not at_least("ghost", "worker")


@pytest.mark.parametrize(
    ("caller", "allowed"),
    [("admin", True), ("manager", False), ("supervisor", False), ("worker", False)],
)
def test_only_an_admin_unlocks_or_signs_out_a_finance_user(caller, allowed):
    assert may_manage(caller, FINANCE) is allowed


@pytest.mark.parametrize("target", [*ROLES, FINANCE])
def test_a_finance_user_manages_nobody(target):
    assert may_manage(FINANCE, target) is False


def test_finance_reads_every_warehouse_without_being_assigned_one():
    assert sees_every_warehouse(FINANCE)
    assert may_see(FINANCE, [], 42)
    assert not may_see("worker", [], 42) and may_see("worker", [42], 42)


@pytest.mark.parametrize(("role", "works"), [(FINANCE, False), *((r, True) for r in ROLES)])
def test_floor_work_is_handed_to_the_ladder_only(role, works):
    assert works_on_floor(role) is works


def test_finance_sees_a_blind_pos_quantities_to_match_invoices_but_a_worker_does_not():
    assert may_see_expected(True, FINANCE)
    assert not may_see_expected(True, "worker")
