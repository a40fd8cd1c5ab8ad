"""The users API: admins create and change users; nobody ever sees a hash."""

from __future__ import annotations

import json

from sqlalchemy import select

from scanfloor.auth.models import User
from scanfloor.extensions import db

USERS = "/api/v1/users"


def _sign_in(client, username, password):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_user_list_never_shows_a_hash(client, auth, users):
    r = client.get(USERS, headers=auth("admin"))
    assert r.status_code == 200
    listed = r.get_json()
    assert [u["username"] for u in listed] == ["admin", "manager", "supervisor", "worker"]
    text = json.dumps(listed)
    assert "argon2" not in text
    assert not any("hash" in key for u in listed for key in u)
    assert all(u["has_password"] for u in listed)


def test_admin_creates_a_user_who_can_then_sign_in(client, auth, users):
    r = client.post(
        USERS,
        headers=auth("admin"),
        json={
            "username": "Dana",
            "role": "supervisor",
            "password": "dana-password",
            "display_name": "Dana D",
            "badge": "B-77",
            "pin": "2468",
        },
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["username"] == "dana"
    assert body["has_pin"] is True
    assert "password" not in body and "pin" not in body
    assert _sign_in(client, "dana", "dana-password").status_code == 200
    badge = client.post("/api/v1/auth/token", json={"badge": "B-77", "pin": "2468"})
    assert badge.status_code == 200
    stored = db.session.scalar(select(User.password_hash).where(User.username == "dana"))
    assert stored.startswith("$argon2id$")


def test_creating_a_user_twice_with_one_idempotency_key_makes_one_user(client, auth, users):
    headers = {**auth("admin"), "Idempotency-Key": "new-user-1"}
    payload = {"username": "eve", "role": "worker", "password": "eve-password"}
    first = client.post(USERS, headers=headers, json=payload)
    again = client.post(USERS, headers=headers, json=payload)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert db.session.scalar(select(User.id).where(User.username == "eve")) is not None
    assert len(db.session.scalars(select(User.id)).all()) == 5


def test_taken_username_or_badge_is_a_conflict(client, auth, users):
    admin = auth("admin")
    r = client.post(
        USERS, headers=admin, json={"username": "worker", "role": "worker", "password": "pw-12345"}
    )
    assert r.status_code == 409
    client.post(
        USERS,
        headers=admin,
        json={"username": "a1", "role": "worker", "password": "pw-12345", "badge": "B-1"},
    )
    r = client.post(
        USERS,
        headers=admin,
        json={"username": "a2", "role": "worker", "password": "pw-12345", "badge": "B-1"},
    )
    assert r.status_code == 409
    r = client.patch(f"{USERS}/{users['worker'].id}", headers=admin, json={"badge": "B-1"})
    assert r.status_code == 409


def test_bad_user_input_is_refused_and_changes_nothing(client, auth, users):
    admin = auth("admin")
    bad = [
        {"username": "x", "role": "owner", "password": "pw-12345"},
        {"username": "x", "role": "worker", "password": "pw-12345", "pin": "12a4", "badge": "B-9"},
        {"username": "x", "role": "worker", "password": "pw-12345", "pin": "1234"},
        {"username": "x", "role": "worker", "password": "pw-12345", "password_hash": "h"},
    ]
    for body in bad:
        assert client.post(USERS, headers=admin, json=body).status_code == 422, body
    assert db.session.scalar(select(User.id).where(User.username == "x")) is None


def test_admin_changes_role_name_and_password(client, auth, users):
    r = client.patch(
        f"{USERS}/{users['worker'].id}",
        headers=auth("admin"),
        json={
            "role": "supervisor",
            "display_name": "Promoted",
            "password": "new-password-2",
        },
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["role"] == "supervisor"
    assert r.get_json()["display_name"] == "Promoted"
    assert _sign_in(client, "worker", "worker-password-1").status_code == 401
    assert _sign_in(client, "worker", "new-password-2").status_code == 200


def test_deactivating_a_user_signs_them_out_everywhere(client, auth, users):
    worker = auth("worker")
    r = client.patch(f"{USERS}/{users['worker'].id}", headers=auth("admin"), json={"active": False})
    assert r.status_code == 200
    assert r.get_json()["active"] is False
    assert client.get("/api/v1/auth/me", headers=worker).status_code == 401
    assert _sign_in(client, "worker", "worker-password-1").status_code == 401


def test_the_last_admin_cannot_be_demoted_or_deactivated(client, auth, users):
    admin_id = users["admin"].id
    for change in ({"role": "manager"}, {"active": False}):
        r = client.patch(f"{USERS}/{admin_id}", headers=auth("admin"), json=change)
        assert r.status_code == 409, change
    client.post(
        USERS,
        headers=auth("admin"),
        json={"username": "admin2", "role": "admin", "password": "pw-123456"},
    )
    r = client.patch(f"{USERS}/{admin_id}", headers=auth("admin"), json={"role": "manager"})
    assert r.status_code == 200


def test_removing_a_badge_removes_its_pin(client, auth, users):
    admin = auth("admin")
    uid = users["worker"].id
    client.patch(f"{USERS}/{uid}", headers=admin, json={"badge": "B-5", "pin": "1357"})
    r = client.patch(f"{USERS}/{uid}", headers=admin, json={"badge": None})
    assert r.status_code == 200
    assert r.get_json()["badge"] is None
    assert r.get_json()["has_pin"] is False


def test_unknown_user_is_not_found(client, auth, users):
    r = client.patch(f"{USERS}/9999", headers=auth("admin"), json={"role": "worker"})
    assert r.status_code == 404


def test_users_api_is_for_admins_only(client, auth, users):
    manager = auth("manager")
    assert client.get(USERS, headers=manager).status_code == 403
    r = client.post(
        USERS, headers=manager, json={"username": "m2", "role": "admin", "password": "pw-12345"}
    )
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "forbidden"
    r = client.patch(f"{USERS}/{users['manager'].id}", headers=manager, json={"role": "admin"})
    assert r.status_code == 403
    assert db.session.scalar(select(User.role).where(User.id == users["manager"].id)) == "manager"
