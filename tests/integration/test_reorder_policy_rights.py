"""Reorder policies within warehouse rights: a supervisor sets and deactivates the policies
of the warehouses they are assigned only, and a restricted user lists only those; a refusal
is warehouse_not_allowed (403) and changes nothing. Managers run every warehouse."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.access.service import set_user_warehouses
from scanfloor.extensions import db
from scanfloor.purchasing.terms_models import ReorderPolicy
from tests.factories import ledger_snapshot, make_item, make_warehouse

URL = "/api/v1/reorder-policies"


def _policies() -> list[tuple[Any, ...]]:
    db.session.rollback()
    table = ReorderPolicy.__table__
    return [tuple(r) for r in db.session.execute(select(table).order_by(table.c.id))]


@pytest.fixture
def floor(client: Any, auth: Any, users: dict[str, Any]) -> SimpleNamespace:
    """Warehouses A and B, a policy in each (set by a manager); the supervisor and the worker
    are assigned to A only."""
    make_warehouse("WH-A")
    make_warehouse("WH-B")
    make_item("SKU-1")
    make_item("SKU-2")
    made = {}
    for wh in ("WH-A", "WH-B"):
        body = {"sku": "SKU-1", "warehouse": wh, "policy": "buy_to_order"}
        r = client.put(URL, headers=auth("manager"), json=body)
        assert r.status_code == 200, r.get_json()
        made[wh] = r.get_json()["id"]
    for role in ("supervisor", "worker"):
        set_user_warehouses(users[role].id, ["WH-A"])
    return SimpleNamespace(a=made["WH-A"], b=made["WH-B"])


def _refused(r: Any) -> None:
    assert r.status_code == 403, r.get_json()
    assert r.get_json()["error"]["code"] == "warehouse_not_allowed"


def test_a_supervisor_sets_policies_only_in_their_own_warehouses(client, auth, floor):
    before, ledger = _policies(), ledger_snapshot()
    for body in (
        {"sku": "SKU-2", "warehouse": "WH-B", "policy": "buy_to_order"},  # a new one
        {"sku": "SKU-1", "warehouse": "wh-b", "policy": "min_max", "min_qty": 1, "max_qty": 5},
    ):
        _refused(client.put(URL, headers=auth("supervisor"), json=body))
        assert _policies() == before
        assert ledger_snapshot() == ledger
    body = {"sku": "SKU-2", "warehouse": "WH-A", "policy": "buy_to_order"}
    assert client.put(URL, headers=auth("supervisor"), json=body).status_code == 200


def test_a_supervisor_deactivates_policies_only_in_their_own_warehouses(client, auth, floor):
    before, ledger = _policies(), ledger_snapshot()
    _refused(client.delete(f"{URL}/{floor.b}", headers=auth("supervisor")))
    assert _policies() == before
    assert ledger_snapshot() == ledger
    r = client.delete(f"{URL}/{floor.a}", headers=auth("supervisor"))
    assert r.status_code == 200 and r.get_json()["active"] is False


def test_a_restricted_user_lists_only_their_warehouses_policies(client, auth, floor):
    def listed(role: str, query: str = "") -> list[int]:
        r = client.get(f"{URL}{query}", headers=auth(role))
        assert r.status_code == 200, r.get_json()
        return [p["id"] for p in r.get_json()["reorder_policies"]]

    for role in ("worker", "supervisor"):
        assert listed(role) == [floor.a]
        assert listed(role, "?item=SKU-1") == [floor.a]
        assert listed(role, "?warehouse=WH-A") == [floor.a]
        _refused(client.get(f"{URL}?warehouse=WH-B", headers=auth(role)))
    assert listed("manager") == [floor.a, floor.b]


def test_a_user_with_no_warehouse_assigned_sees_and_sets_no_policy(client, auth, floor, users):
    set_user_warehouses(users["supervisor"].id, [])
    before = _policies()
    assert client.get(URL, headers=auth("supervisor")).get_json()["reorder_policies"] == []
    body = {"sku": "SKU-2", "warehouse": "WH-A", "policy": "buy_to_order"}
    _refused(client.put(URL, headers=auth("supervisor"), json=body))
    _refused(client.delete(f"{URL}/{floor.a}", headers=auth("supervisor")))
    assert _policies() == before
