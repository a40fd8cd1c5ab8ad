"""The waves and pick-tasks REST API: what it answers, and what it refuses (changing nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from scanfloor.access.service import set_user_warehouses
from tests.factories import ledger_snapshot
from tests.picking_helpers import (
    active_reservations,
    allocated_order,
    order_line_statuses,
    stock_item,
    stocked_warehouse,
)

WAVES = "/api/v1/waves"
TASKS = "/api/v1/pick-tasks"


@pytest.fixture
def floor(app: Any, users: dict[str, Any]) -> Any:
    f = stocked_warehouse()
    for role in ("worker", "supervisor"):
        set_user_warehouses(users[role].id, [f.wh.id])
    it = stock_item(f, {"A-1": 20, "B-1": 20})
    f.orders = [allocated_order(f, [(it, 2)]).id for _ in range(3)]  # type: ignore[attr-defined]
    return f


def _error(resp: Any) -> str:
    return str(resp.get_json()["error"]["code"])


def test_a_supervisor_previews_then_releases_a_wave_by_warehouse_code(client, auth, floor):
    body = {"warehouse": floor.wh.code, "mode": "cluster", "orders_per_picker": 2}

    preview = client.post(f"{WAVES}/preview", json=body, headers=auth("supervisor"))
    released = client.post(WAVES, json=body, headers=auth("supervisor"))

    assert preview.status_code == 200, preview.get_json()
    assert released.status_code == 201, released.get_json()
    wave = released.get_json()
    assert preview.get_json()["orders"] == wave["order_count"] == 3
    assert preview.get_json()["tasks"] == len(wave["tasks"]) == 2
    assert {o["order"]["id"] for o in wave["orders"]} == set(floor.orders)
    got = client.get(f"{WAVES}/{wave['id']}", headers=auth("supervisor"))
    assert got.status_code == 200 and got.get_json()["id"] == wave["id"]
    listed = client.get(f"{WAVES}?warehouse={floor.wh.id}", headers=auth("supervisor"))
    assert [w["id"] for w in listed.get_json()["waves"]] == [wave["id"]]


def test_a_worker_claims_over_http_and_a_replay_returns_the_same_task(client, auth, floor):
    client.post(WAVES, json={"warehouse": floor.wh.id, "mode": "single"}, headers=auth("manager"))
    body = {"warehouse": floor.wh.code, "client_scan_id": "scan-1"}

    first = client.post(f"{TASKS}/claim", json=body, headers=auth("worker"))
    again = client.post(f"{TASKS}/claim", json=body, headers=auth("worker"))

    assert first.status_code == 200, first.get_json()
    task = first.get_json()["task"]
    assert task["status"] == "claimed" and task["assigned_to"]["username"] == "worker"
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["task"]["id"] == task["id"]
    mine = client.get(f"{TASKS}/{task['id']}", headers=auth("worker"))
    assert mine.status_code == 200 and mine.get_json()["lines"][0]["bin"]["code"]
    listed = client.get(
        f"{TASKS}?warehouse={floor.wh.code}&status=claimed", headers=auth("supervisor")
    )
    assert [t["id"] for t in listed.get_json()["tasks"]] == [task["id"]]


def test_claiming_with_no_work_answers_a_null_task(client, auth, floor):
    resp = client.post(f"{TASKS}/claim", json={"warehouse": floor.wh.id}, headers=auth("worker"))

    assert resp.status_code == 200
    assert resp.get_json() == {"task": None}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"mode": "single"}, "warehouse"),
        ({"warehouse": "WH1", "mode": "batch"}, "mode"),
        ({"warehouse": "WH1", "mode": "single", "max_orders": 0}, "max_orders"),
        ({"warehouse": "WH1", "mode": "single", "max_units": "5"}, "max_units"),
        ({"warehouse": True, "mode": "single"}, "warehouse"),
        ({"warehouse": "WH1", "mode": "cluster", "orders_per_picker": 500}, "orders_per_picker"),
    ],
)
def test_bad_wave_rules_are_refused_and_nothing_is_released(client, auth, floor, body, field):
    before = (ledger_snapshot(), active_reservations(floor.orders[0]))

    resp = client.post(WAVES, json=body, headers=auth("supervisor"))

    assert resp.status_code == 422, resp.get_json()
    assert _error(resp) == "validation_failed"
    assert field in str(resp.get_json()["error"]["details"])
    assert (ledger_snapshot(), active_reservations(floor.orders[0])) == before
    assert order_line_statuses(floor.orders[0]) == ["allocated"]


def test_an_unknown_channel_is_a_named_refusal(client, auth, floor):
    body = {"warehouse": "WH1", "mode": "single", "channels": ["NOPE"]}

    resp = client.post(WAVES, json=body, headers=auth("supervisor"))

    assert resp.status_code == 422
    assert _error(resp) == "invalid_wave_rules"
    assert order_line_statuses(floor.orders[0]) == ["allocated"]


def test_a_wave_with_nothing_to_take_is_refused(client, auth, floor):
    body = {"warehouse": "WH1", "mode": "single", "channels": ["WEB"]}
    assert client.post(WAVES, json=body, headers=auth("supervisor")).status_code == 201

    resp = client.post(WAVES, json=body, headers=auth("supervisor"))

    assert resp.status_code == 409
    assert _error(resp) == "nothing_to_release"


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", f"{WAVES}/999999"),
        ("GET", f"{TASKS}/999999"),
        ("POST", f"{TASKS}/999999/unassign"),
    ],
)
def test_unknown_waves_and_tasks_are_404(client, auth, floor, method, path):
    resp = client.open(path, method=method, headers=auth("supervisor"), json={})

    assert resp.status_code == 404
    assert _error(resp) == "not_found"


def test_an_unknown_warehouse_is_404(client, auth, floor):
    resp = client.post(f"{TASKS}/claim", json={"warehouse": "NOWHERE"}, headers=auth("worker"))

    assert resp.status_code == 404
    assert _error(resp) == "not_found"


def test_a_supervisor_without_rights_to_the_warehouse_is_refused(client, auth, users, floor):
    set_user_warehouses(users["supervisor"].id, [])

    resp = client.post(
        WAVES, json={"warehouse": "WH1", "mode": "single"}, headers=auth("supervisor")
    )

    assert resp.status_code == 403
    assert _error(resp) == "warehouse_not_allowed"
    assert order_line_statuses(floor.orders[0]) == ["allocated"]


def test_assign_needs_a_user_id_and_moves_the_task(client, auth, users, floor):
    wave = client.post(WAVES, json={"warehouse": "WH1", "mode": "single"}, headers=auth("manager"))
    task_id = wave.get_json()["tasks"][0]["id"]

    bad = client.post(
        f"{TASKS}/{task_id}/assign", json={"user_id": "x"}, headers=auth("supervisor")
    )
    ok = client.post(
        f"{TASKS}/{task_id}/assign",
        json={"user_id": users["worker"].id},
        headers=auth("supervisor"),
    )
    back = client.post(f"{TASKS}/{task_id}/unassign", headers=auth("worker"))

    assert bad.status_code == 422 and _error(bad) == "validation_failed"
    assert ok.status_code == 200 and ok.get_json()["assigned_to"]["id"] == users["worker"].id
    assert back.status_code == 200 and back.get_json()["status"] == "open"
