"""A session ends when the secret, badge or role it was granted under changes, when the user
is deactivated, or when a supervisor ends it; API keys are not sessions and are kept (and
listed) except on deactivation. Token answers are never cached."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scanfloor.auth.models import AuthEvent
from scanfloor.auth.service import create_api_key
from scanfloor.extensions import db

TOKEN_URL = "/api/v1/auth/token"
USERS = "/api/v1/users"


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _me(client, token):
    return client.get("/api/v1/auth/me", headers=_bearer(token)).status_code


@pytest.fixture
def worker_session(client, users):
    r = client.post(TOKEN_URL, json={"username": "worker", "password": "worker-password-1"})
    assert r.status_code == 200
    return r.get_json()["token"]


@pytest.fixture
def worker_key(users):
    return create_api_key(name="label printer", username="worker")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"password": "a-new-password-2"}, "password_changed"),
        ({"badge": "B-77", "pin": "2468"}, "pin_changed"),
        ({"role": "supervisor"}, "role_changed"),
    ],
)
def test_a_new_password_pin_or_role_ends_sessions_and_keeps_api_keys(
    client, auth, users, worker_session, worker_key, change, reason
):
    r = client.patch(f"{USERS}/{users['worker'].id}", headers=auth("admin"), json=change)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["sessions_ended"] == 1
    assert body["api_keys_kept"] == [
        {"id": worker_key.id, "name": "label printer", "prefix": worker_key.prefix}
    ]
    assert body["username"] == "worker"  # the user's own fields are still in the answer
    assert _me(client, worker_session) == 401
    assert _me(client, worker_key.key) == 200
    db.session.rollback()
    [event] = db.session.scalars(select(AuthEvent).where(AuthEvent.kind == "sessions_ended"))
    assert reason in event.details["reasons"]
    assert (event.user_id, event.actor_id) == (users["worker"].id, users["admin"].id)


def test_a_pin_change_alone_ends_the_sessions_of_a_badge_user(client, auth, users):
    uid = users["worker"].id
    client.patch(f"{USERS}/{uid}", headers=auth("admin"), json={"badge": "B-5", "pin": "1357"})
    signed = client.post(TOKEN_URL, json={"badge": "B-5", "pin": "1357"}).get_json()["token"]
    r = client.patch(f"{USERS}/{uid}", headers=auth("admin"), json={"pin": "9753"})
    assert r.get_json()["sessions_ended"] == 1
    assert _me(client, signed) == 401


def test_deactivating_ends_sessions_and_revokes_api_keys_too(
    client, auth, users, worker_session, worker_key
):
    r = client.patch(f"{USERS}/{users['worker'].id}", headers=auth("admin"), json={"active": False})
    assert r.get_json()["sessions_ended"] == 2  # the session and the API key
    assert r.get_json()["api_keys_kept"] == []
    client.patch(f"{USERS}/{users['worker'].id}", headers=auth("admin"), json={"active": True})
    assert _me(client, worker_session) == 401
    assert _me(client, worker_key.key) == 401


def test_a_new_display_name_ends_no_session(client, auth, users, worker_session):
    r = client.patch(
        f"{USERS}/{users['worker'].id}", headers=auth("admin"), json={"display_name": "Wyn"}
    )
    assert r.get_json()["sessions_ended"] == 0
    assert _me(client, worker_session) == 200
    db.session.rollback()
    assert (
        db.session.scalars(select(AuthEvent).where(AuthEvent.kind == "sessions_ended")).all() == []
    )


def test_setting_the_same_role_again_ends_no_session(client, auth, users, worker_session):
    r = client.patch(
        f"{USERS}/{users['worker'].id}", headers=auth("admin"), json={"role": "worker"}
    )
    assert r.get_json()["sessions_ended"] == 0
    assert _me(client, worker_session) == 200


def test_a_supervisor_ends_a_workers_sessions_on_every_device(
    client, auth, users, worker_session, worker_key
):
    other = client.post(
        TOKEN_URL, json={"username": "worker", "password": "worker-password-1", "device_id": "HH-2"}
    ).get_json()["token"]
    r = client.post(f"{USERS}/{users['worker'].id}/end-sessions", headers=auth("supervisor"))
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {
        "user_id": users["worker"].id,
        "sessions_ended": 2,
        "api_keys_kept": [
            {"id": worker_key.id, "name": "label printer", "prefix": worker_key.prefix}
        ],
    }
    assert (_me(client, worker_session), _me(client, other)) == (401, 401)
    assert _me(client, worker_key.key) == 200
    assert (
        client.post(
            TOKEN_URL, json={"username": "worker", "password": "worker-password-1"}
        ).status_code
        == 200
    )


def test_a_supervisor_cannot_end_the_sessions_of_someone_above_them(client, auth, users):
    r = client.post(f"{USERS}/{users['admin'].id}/end-sessions", headers=auth("supervisor"))
    assert r.status_code == 403
    assert _me(client, auth("admin")["Authorization"][7:]) == 200


def test_a_worker_cannot_end_anyones_sessions(client, auth, users):
    r = client.post(f"{USERS}/{users['worker'].id}/end-sessions", headers=auth("worker"))
    assert r.status_code == 403


def test_ending_sessions_twice_with_one_key_answers_the_same(client, auth, users, worker_session):
    headers = {**auth("supervisor"), "Idempotency-Key": "end-1"}
    first = client.post(f"{USERS}/{users['worker'].id}/end-sessions", headers=headers)
    again = client.post(f"{USERS}/{users['worker'].id}/end-sessions", headers=headers)
    assert first.get_json() == again.get_json()
    assert again.headers.get("Idempotent-Replayed") == "true"


def test_the_token_answer_is_never_cached(client, users):
    r = client.post(TOKEN_URL, json={"username": "worker", "password": "worker-password-1"})
    assert r.headers["Cache-Control"] == "no-store"


def test_a_new_api_key_answer_is_never_cached(client, auth, users):
    r = client.post(
        "/api/v1/api-keys", headers=auth("admin"), json={"name": "erp", "username": "worker"}
    )
    assert r.status_code == 201
    assert r.headers["Cache-Control"] == "no-store"


def test_managers_read_the_audit_log_newest_first(client, auth, users):
    client.post(TOKEN_URL, json={"username": "worker", "password": "nope-nope"})
    client.post(TOKEN_URL, json={"username": "worker", "password": "worker-password-1"})
    r = client.get("/api/v1/auth/events", headers=auth("manager"))
    assert r.status_code == 200
    kinds = [e["kind"] for e in r.get_json()]
    assert kinds[:2] == ["signed_in", "sign_in_failed"]
    failed = client.get(
        "/api/v1/auth/events?kind=sign_in_failed&limit=5", headers=auth("manager")
    ).get_json()
    assert [(e["login"], e["user_id"], e["method"]) for e in failed] == [
        ("worker", users["worker"].id, "password")
    ]
    assert client.get("/api/v1/auth/events", headers=auth("supervisor")).status_code == 403


def test_a_password_changed_while_a_sign_in_checks_the_old_one_issues_no_token(
    client, users, monkeypatch
):
    """The admin's change (and its revocation) lands while argon2 is busy: the sign-in must
    not then hand out a token for the password that was just replaced."""
    from scanfloor.auth import sessions
    from scanfloor.auth.service import update_user

    real_verify = sessions.verify_secret

    def verify_then_change(stored, presented):
        matched = real_verify(stored, presented)
        update_user(users["worker"].id, password="changed-meanwhile-3")
        return matched

    monkeypatch.setattr(sessions, "verify_secret", verify_then_change)
    r = client.post(TOKEN_URL, json={"username": "worker", "password": "worker-password-1"})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "invalid_credentials"
