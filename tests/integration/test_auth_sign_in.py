"""Signing in with a password, and what a wrong or missing credential gets."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from scanfloor.auth.models import User
from scanfloor.auth.service import create_user, update_user
from scanfloor.extensions import db
from scanfloor.timeutil import utcnow

TOKEN_URL = "/api/v1/auth/token"


def _sign_in(client, **body):
    return client.post(TOKEN_URL, json=body)


def test_sign_in_with_password_returns_a_bearer_token_for_that_user(client, users):
    r = _sign_in(client, username="manager", password="manager-password-1", device_id="HH-07")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["token_type"] == "Bearer"
    assert body["user"] == {
        "id": users["manager"].id,
        "username": "manager",
        "display_name": "Manager",
        "role": "manager",
    }
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == "manager"
    assert me.get_json()["device_id"] == "HH-07"
    assert me.get_json()["token_kind"] == "session"


def test_token_lives_for_the_configured_number_of_hours(app, client, users):
    app.config["SCANFLOOR_SETTINGS"].token_ttl_hours = 3
    before = utcnow()
    r = _sign_in(client, username="worker", password="worker-password-1")
    expires = datetime.fromisoformat(r.get_json()["expires_at"])
    assert before + timedelta(hours=3) <= expires <= utcnow() + timedelta(hours=3)


def test_username_is_not_case_sensitive(client, users):
    assert _sign_in(client, username="  Manager ", password="manager-password-1").status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_refusal(client, users):
    wrong = _sign_in(client, username="manager", password="not-the-password")
    unknown = _sign_in(client, username="nobody", password="not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"


def test_deactivated_user_cannot_sign_in_even_with_the_right_password(client, users):
    update_user(users["worker"].id, active=False)
    r = _sign_in(client, username="worker", password="worker-password-1")
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "invalid_credentials"


def test_user_without_a_password_cannot_sign_in_with_one(client, app):
    create_user(username="badgeonly", role="worker", badge="B-100", pin="1234")
    r = _sign_in(client, username="badgeonly", password="")
    assert r.status_code == 422  # an empty password is not a credential at all
    r = _sign_in(client, username="badgeonly", password="anything")
    assert r.status_code == 401


def test_a_sign_in_must_use_exactly_one_kind_of_credential(client, users):
    assert _sign_in(client, username="manager").status_code == 422
    assert _sign_in(client, badge="B-1").status_code == 422
    mixed = _sign_in(
        client, username="manager", password="manager-password-1", badge="B-1", pin="1234"
    )
    assert mixed.status_code == 422
    assert _sign_in(client, username="manager", pin="1234").status_code == 422


def test_refused_sign_in_issues_no_token(client, users):
    from scanfloor.auth.models import ApiToken

    _sign_in(client, username="manager", password="not-the-password")
    assert db.session.scalars(select(ApiToken)).all() == []


def test_passwords_are_stored_as_argon2id(app, users):
    hashes = db.session.scalars(select(User.password_hash)).all()
    assert len(hashes) == 4
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any("password" in h for h in hashes)


def test_a_password_hashed_with_older_parameters_is_upgraded_at_sign_in(client, users):
    from argon2 import PasswordHasher
    from sqlalchemy import update

    older = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1).hash("manager-password-1")
    db.session.execute(update(User).where(User.username == "manager").values(password_hash=older))
    db.session.commit()
    assert _sign_in(client, username="manager", password="manager-password-1").status_code == 200
    db.session.rollback()
    stored = db.session.scalar(select(User.password_hash).where(User.username == "manager"))
    assert stored != older
    assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
