"""Badge + PIN sign-in, and the lock that repeated wrong PINs earn."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from scanfloor.auth.models import User
from scanfloor.auth.service import create_user, update_user
from scanfloor.extensions import db
from scanfloor.timeutil import utcnow

TOKEN_URL = "/api/v1/auth/token"
BADGE, PIN = "BADGE-0042", "4321"


@pytest.fixture
def picker(app):
    app.config["SCANFLOOR_SETTINGS"].pin_max_failures = 3
    app.config["SCANFLOOR_SETTINGS"].pin_lock_minutes = 15
    return create_user(
        username="picker", role="worker", badge=BADGE, pin=PIN, display_name="Pat Picker"
    )


def _badge(client, pin, badge=BADGE):
    return client.post(TOKEN_URL, json={"badge": badge, "pin": pin, "device_id": "SCAN-3"})


def _failures(user_id):
    db.session.rollback()
    return db.session.scalar(select(User.pin_failures).where(User.id == user_id))


def test_sign_in_with_badge_and_pin(client, picker):
    r = _badge(client, PIN)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["user"]["username"] == "picker"
    assert r.get_json()["user"]["display_name"] == "Pat Picker"


def test_unknown_badge_gets_the_same_refusal_as_a_wrong_pin(client, picker):
    unknown = _badge(client, PIN, badge="NO-SUCH-BADGE")
    wrong = _badge(client, "0000")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"


def test_wrong_pin_is_counted_even_though_the_request_fails(client, picker):
    _badge(client, "0000")
    _badge(client, "0001")
    assert _failures(picker.id) == 2


def test_wrong_pin_max_failures_times_locks_the_badge(client, picker):
    before = utcnow()
    assert _badge(client, "0000").status_code == 401
    assert _badge(client, "0000").status_code == 401
    third = _badge(client, "0000")
    assert third.status_code == 403
    error = third.get_json()["error"]
    assert error["code"] == "badge_locked"
    locked_until = datetime.fromisoformat(error["details"]["locked_until"])
    assert before + timedelta(minutes=15) <= locked_until <= utcnow() + timedelta(minutes=15)


def test_locked_badge_refuses_even_the_right_pin(client, picker):
    for _ in range(3):
        _badge(client, "0000")
    r = _badge(client, PIN)
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "badge_locked"
    assert "locked_until" in r.get_json()["error"]["details"]


def test_lock_expires_and_the_right_pin_works_again(client, picker):
    for _ in range(3):
        _badge(client, "0000")
    db.session.execute(
        update(User)
        .where(User.id == picker.id)
        .values(locked_until=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert _badge(client, PIN).status_code == 200


def test_after_a_lock_expires_the_badge_gets_the_full_number_of_tries_again(client, picker):
    for _ in range(3):
        _badge(client, "0000")
    db.session.execute(
        update(User)
        .where(User.id == picker.id)
        .values(locked_until=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert _badge(client, "0000").status_code == 401
    assert _badge(client, "0000").status_code == 401
    assert _badge(client, PIN).status_code == 200


def test_right_pin_resets_the_count_of_wrong_ones(client, picker):
    _badge(client, "0000")
    _badge(client, "0000")
    assert _badge(client, PIN).status_code == 200
    assert _failures(picker.id) == 0
    assert _badge(client, "0000").status_code == 401
    assert _badge(client, "0000").status_code == 401
    assert _badge(client, PIN).status_code == 200


def test_a_new_pin_from_an_admin_unlocks_the_badge(client, picker):
    for _ in range(3):
        _badge(client, "0000")
    update_user(picker.id, pin="9876")
    assert _badge(client, "9876").status_code == 200


def test_deactivated_worker_cannot_sign_in_with_the_right_pin(client, picker):
    update_user(picker.id, active=False)
    assert _badge(client, PIN).status_code == 401


def test_pins_are_stored_as_argon2id(picker):
    db.session.rollback()
    stored = db.session.scalar(select(User.pin_hash).where(User.id == picker.id))
    assert stored.startswith("$argon2id$")
    assert PIN not in stored
