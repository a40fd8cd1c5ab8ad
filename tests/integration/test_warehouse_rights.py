"""Warehouse rights: managers and admins see every warehouse; a worker or supervisor sees
the warehouses a manager assigned, and nothing else (docs/decisions/0012)."""

from __future__ import annotations

from scanfloor.access.service import user_may_see
from tests.factories import make_bin_in, make_warehouse


def _path(user_id: int) -> str:
    return f"/api/v1/users/{user_id}/warehouses"


def test_a_manager_assigns_a_worker_warehouses_by_code_or_id(client, auth, users):
    north, south = make_warehouse("NORTH"), make_warehouse("SOUTH")
    worker = users["worker"]
    assert not user_may_see(worker.id, "worker", north.id)

    r = client.put(_path(worker.id), headers=auth("manager"), json={"warehouses": ["north"]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {
        "user_id": worker.id,
        "role": "worker",
        "every_warehouse": False,
        "warehouses": [{"id": north.id, "code": "NORTH", "name": "NORTH"}],
    }
    assert user_may_see(worker.id, "worker", north.id)
    assert not user_may_see(worker.id, "worker", south.id)

    # The whole set is replaced: south only now.
    r = client.put(_path(worker.id), headers=auth("manager"), json={"warehouses": [south.id]})
    assert [w["code"] for w in r.get_json()["warehouses"]] == ["SOUTH"]
    assert not user_may_see(worker.id, "worker", north.id)
    got = client.get(_path(worker.id), headers=auth("manager")).get_json()
    assert [w["id"] for w in got["warehouses"]] == [south.id]


def test_managers_and_admins_see_every_warehouse_without_an_assignment(client, auth, users):
    north = make_warehouse("NORTH")
    for role in ("manager", "admin"):
        assert user_may_see(users[role].id, role, north.id)
        got = client.get(_path(users[role].id), headers=auth("admin")).get_json()
        assert got["every_warehouse"] is True and got["warehouses"] == []
    for role in ("worker", "supervisor"):
        assert not user_may_see(users[role].id, role, north.id)


def test_only_a_manager_or_above_may_read_or_assign_rights(client, auth, users):
    make_warehouse("NORTH")
    target = users["worker"].id
    for role in ("worker", "supervisor"):
        r = client.put(_path(target), headers=auth(role), json={"warehouses": ["NORTH"]})
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
        assert client.get(_path(target), headers=auth(role)).status_code == 403
    assert client.get(_path(target)).status_code == 401


def test_only_warehouses_can_be_assigned_and_a_refusal_changes_nothing(client, auth, users):
    north = make_warehouse("NORTH")
    bin_ = make_bin_in(north, "NORTH-A1")
    target = users["worker"].id
    client.put(_path(target), headers=auth("manager"), json={"warehouses": ["NORTH"]})

    for refs in (["NORTH", bin_.code], ["NOPE"], [bin_.id]):
        r = client.put(_path(target), headers=auth("manager"), json={"warehouses": refs})
        assert r.status_code == 404, refs
        error = r.get_json()["error"]
        assert error["code"] == "not_found" and error["details"]["warehouses"] == refs[-1:]
    got = client.get(_path(target), headers=auth("manager")).get_json()
    assert [w["code"] for w in got["warehouses"]] == ["NORTH"]

    missing = client.put(_path(999_999), headers=auth("manager"), json={"warehouses": []})
    assert missing.status_code == 404
    assert missing.get_json()["error"]["details"] == {"user_id": 999_999}
