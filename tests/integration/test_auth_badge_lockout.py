"""Badge + PIN sign-in: a known badge and an unknown one answer alike, wrong PINs are
throttled per badge and per device or address (never a lock on the badge itself), and a
supervisor can lift the throttle for a worker who mistyped."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from scanfloor.auth.models import AuthEvent, User
from scanfloor.auth.service import create_user, update_user
from scanfloor.extensions import db

TOKEN_URL = "/api/v1/auth/token"
BADGE, PIN = "BADGE-0042", "4321"


@pytest.fixture
def picker(app):
    cfg = app.config["SCANFLOOR_SETTINGS"]
    cfg.signin_max_failures, cfg.signin_client_max_failures = 3, 6
    cfg.signin_window_seconds = 900
    return create_user(
        username="picker", role="worker", badge=BADGE, pin=PIN, display_name="Pat Picker"
    )


def _badge(client, pin, badge=BADGE, device="SCAN-3", address="10.0.0.1"):
    return client.post(
        TOKEN_URL,
        json={"badge": badge, "pin": pin, "device_id": device},
        environ_base={"REMOTE_ADDR": address},
    )


def _throttle(client, badge=BADGE):
    """Use up the badge's allowance from devices and addresses of its own."""
    for n in range(3):
        _badge(client, "0000", badge=badge, device=f"SCAN-{badge}-{n}", address=f"10.9.9.{n}")


def test_sign_in_with_badge_and_pin(client, picker):
    r = _badge(client, PIN)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["user"]["username"] == "picker"
    assert r.get_json()["user"]["display_name"] == "Pat Picker"


def test_a_known_and_an_unknown_badge_answer_alike_through_the_throttle(client, picker):
    """The old rule locked a known badge (403 badge_locked) while an unknown one kept
    answering 401: that told anyone which badges exist. Both now meet the same throttle."""
    known = [_badge(client, "0000", device="SCAN-A", address="10.0.0.1") for _ in range(5)]
    unknown = [
        _badge(client, "0000", badge="NO-SUCH-BADGE", device="SCAN-B", address="10.0.0.2")
        for _ in range(5)
    ]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [r.status_code for r in known] == [401, 401, 401, 429, 429]
    for k, u in zip(known, unknown, strict=True):
        k_error, u_error = k.get_json()["error"], u.get_json()["error"]
        assert (k_error["code"], k_error["message"]) == (u_error["code"], u_error["message"])
        assert k_error["details"].keys() == u_error["details"].keys()
        assert ("Retry-After" in k.headers) == ("Retry-After" in u.headers)


def test_a_known_and_an_unknown_badge_cost_the_same_argon2_work(client, picker, monkeypatch):
    calls = []
    real_verify = PasswordHasher.verify

    def counting(self, hash_, password):
        calls.append(password)
        return real_verify(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    _badge(client, "0000")
    known = len(calls)
    _badge(client, "0000", badge="NO-SUCH-BADGE", device="SCAN-9")
    assert known == 1
    assert len(calls) - known == known


def test_the_throttle_is_not_a_lock_on_the_badge_in_the_database(client, picker):
    _throttle(client)
    db.session.rollback()
    columns = set(User.__table__.columns.keys())
    assert not columns & {"pin_failures", "locked_until"}


def test_a_throttled_badge_refuses_even_the_right_pin(client, picker):
    _throttle(client)
    r = _badge(client, PIN)
    assert r.status_code == 429
    assert r.get_json()["error"]["code"] == "too_many_attempts"
    assert int(r.headers["Retry-After"]) >= 1


def test_the_right_pin_works_again_once_the_window_has_passed(app, client, picker):
    import time

    app.config["SCANFLOOR_SETTINGS"].signin_window_seconds = 1
    _throttle(client)
    assert _badge(client, PIN).status_code == 429
    time.sleep(1.1)
    assert _badge(client, PIN).status_code == 200


def test_one_device_trying_many_badges_is_throttled(client, picker):
    for n in range(6):
        assert _badge(client, "0000", badge=f"GUESS-{n}", address=f"10.1.0.{n}").status_code == 401
    # The device is held back, even for a right badge and PIN...
    assert _badge(client, PIN, address="10.1.1.1").status_code == 429
    # ...while the worker signs in from another scanner.
    assert _badge(client, PIN, device="SCAN-7", address="10.1.1.2").status_code == 200


def test_one_address_trying_many_badges_is_throttled(client, picker):
    for n in range(6):
        assert _badge(client, "0000", badge=f"GUESS-{n}", device=f"S-{n}").status_code == 401
    assert _badge(client, PIN, device="SCAN-8").status_code == 429


def test_the_right_pin_starts_the_badges_count_again(client, picker):
    _badge(client, "0000")
    _badge(client, "0000")
    assert _badge(client, PIN).status_code == 200
    assert _badge(client, "0000").status_code == 401
    assert _badge(client, "0000").status_code == 401
    assert _badge(client, PIN).status_code == 200


def test_a_supervisor_lifts_the_throttle_on_a_workers_badge(client, auth, users, picker):
    _throttle(client)
    assert _badge(client, PIN).status_code == 429
    r = client.post(f"/api/v1/users/{picker.id}/unlock", headers=auth("supervisor"))
    assert r.status_code == 204, r.get_json()
    assert _badge(client, PIN).status_code == 200
    db.session.rollback()
    [event] = db.session.scalars(select(AuthEvent).where(AuthEvent.kind == "unlocked"))
    assert (event.user_id, event.actor_id) == (picker.id, users["supervisor"].id)


def test_a_supervisor_cannot_unlock_someone_above_them(client, auth, users):
    r = client.post(f"/api/v1/users/{users['manager'].id}/unlock", headers=auth("supervisor"))
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "forbidden"
    r = client.post(f"/api/v1/users/{users['manager'].id}/unlock", headers=auth("manager"))
    assert r.status_code == 204


def test_a_worker_cannot_unlock_anyone(client, auth, users, picker):
    r = client.post(f"/api/v1/users/{picker.id}/unlock", headers=auth("worker"))
    assert r.status_code == 403


def test_unlocking_an_unknown_user_is_not_found(client, auth, users):
    r = client.post("/api/v1/users/99999/unlock", headers=auth("supervisor"))
    assert r.status_code == 404


def test_a_new_pin_from_an_admin_lifts_the_throttle(client, picker):
    _throttle(client)
    update_user(picker.id, pin="9876")
    assert _badge(client, "9876").status_code == 200


def test_deactivated_worker_cannot_sign_in_with_the_right_pin(client, picker):
    update_user(picker.id, active=False)
    r = _badge(client, PIN)
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "invalid_credentials"


def test_pins_are_stored_as_argon2id(picker):
    db.session.rollback()
    stored = db.session.scalar(select(User.pin_hash).where(User.id == picker.id))
    assert stored.startswith("$argon2id$")
    assert PIN not in stored


def test_wrong_pins_are_in_the_audit_log_for_known_and_unknown_badges(client, picker):
    _badge(client, "0000")
    _badge(client, "1111", badge="NO-SUCH-BADGE")
    db.session.rollback()
    failed = db.session.scalars(
        select(AuthEvent).where(AuthEvent.kind == "sign_in_failed").order_by(AuthEvent.id)
    ).all()
    assert [(e.method, e.login, e.user_id, e.device_id) for e in failed] == [
        ("badge", BADGE, picker.id, "SCAN-3"),
        ("badge", "NO-SUCH-BADGE", None, "SCAN-3"),
    ]
    assert all("0000" not in str(e.details) and "1111" not in str(e.details) for e in failed)
