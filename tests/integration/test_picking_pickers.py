"""Supervisors hand tasks to people, not to numbers: the pickers of a warehouse are listed
with the tasks they hold, and a task is assigned by id or by username."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from scanfloor.access.service import set_user_warehouses
from scanfloor.auth.models import User
from scanfloor.auth.service import create_user
from scanfloor.extensions import db
from scanfloor.picking.wave_service import release_wave, wave_rules
from tests.picking_helpers import allocated_order, stock_item, stocked_warehouse


@pytest.fixture
def floor(app: Any, users: dict[str, Any]) -> Any:
    f = stocked_warehouse()
    other = stocked_warehouse("X", channel=None)
    set_user_warehouses(users["worker"].id, [f.wh.id])
    set_user_warehouses(users["supervisor"].id, [f.wh.id])
    elsewhere = create_user(
        username="elsewhere", role="worker", password="elsewhere-pass-1", display_name="Far"
    )
    set_user_warehouses(elsewhere.id, [other.wh.id])
    gone = create_user(username="gone", role="worker", password="gone-pass-12", display_name="G")
    set_user_warehouses(gone.id, [f.wh.id])
    db.session.execute(update(User).where(User.id == gone.id).values(active=False))
    db.session.commit()
    it = stock_item(f, {"A-1": 10})
    for _ in range(3):
        allocated_order(f, [(it, 1)])
    release_wave(f.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)
    return f


def _tasks(client: Any, auth: Any) -> list[int]:
    r = client.get("/api/v1/pick-tasks?warehouse=WH1", headers=auth("supervisor"))
    return [t["id"] for t in r.get_json()["tasks"]]


def test_the_pickers_of_a_warehouse_are_its_active_users_with_their_open_tasks(client, auth, floor):
    first, second, _third = _tasks(client, auth)
    for task_id, who in ((first, "worker"), (second, "worker")):
        r = client.post(
            f"/api/v1/pick-tasks/{task_id}/assign", json={"user": who}, headers=auth("supervisor")
        )
        assert r.status_code == 200, r.get_json()

    r = client.get("/api/v1/pick-tasks/pickers?warehouse=WH1", headers=auth("supervisor"))

    assert r.status_code == 200, r.get_json()
    got = {p["username"]: (p["role"], p["open_tasks"]) for p in r.get_json()["pickers"]}
    # Managers and admins may work everywhere; "elsewhere" has rights to XWH1 only.
    assert got == {
        "admin": ("admin", 0),
        "manager": ("manager", 0),
        "supervisor": ("supervisor", 0),
        "worker": ("worker", 2),
    }
    assert {"id", "display_name"} <= set(r.get_json()["pickers"][0])


def test_a_worker_cannot_list_pickers(client, auth, floor):
    r = client.get("/api/v1/pick-tasks/pickers?warehouse=WH1", headers=auth("worker"))

    assert r.status_code == 403


def test_a_task_is_assigned_by_username_or_by_id(client, auth, floor, users):
    first, second, _third = _tasks(client, auth)

    by_name = client.post(
        f"/api/v1/pick-tasks/{first}/assign", json={"user": "worker"}, headers=auth("supervisor")
    )
    by_id = client.post(
        f"/api/v1/pick-tasks/{second}/assign",
        json={"user": users["worker"].id},
        headers=auth("supervisor"),
    )
    old_style = client.post(
        f"/api/v1/pick-tasks/{second}/assign",
        json={"user_id": users["manager"].id},
        headers=auth("supervisor"),
    )

    assert by_name.status_code == 200 and by_name.get_json()["assigned_to"]["username"] == "worker"
    assert by_id.get_json()["assigned_to"]["id"] == users["worker"].id
    assert old_style.get_json()["assigned_to"]["username"] == "manager"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"user": "nobody"}, 404, "not_found"),
        ({"user": "elsewhere"}, 422, "invalid_assignee"),
        ({"user": "gone"}, 422, "invalid_assignee"),
        ({}, 422, None),
        ({"user": "worker", "user_id": 1}, 422, None),
        ({"user": True}, 422, None),
    ],
)
def test_an_assignment_to_no_picker_of_the_warehouse_is_refused(
    client, auth, floor, body, status, code
):
    task_id = _tasks(client, auth)[0]

    r = client.post(f"/api/v1/pick-tasks/{task_id}/assign", json=body, headers=auth("supervisor"))

    assert r.status_code == status, r.get_json()
    if code is not None:
        assert r.get_json()["error"]["code"] == code
    task = client.get(f"/api/v1/pick-tasks/{task_id}", headers=auth("supervisor")).get_json()
    assert task["status"] == "open" and task["assigned_to"] is None
