"""Password sign-in is throttled per account and per client, never locked for good, and every
refusal and throttle is written to the audit log."""

from __future__ import annotations

import logging
import os
import time
import uuid

import pytest
from sqlalchemy import select

from scanfloor import create_app
from scanfloor.auth.models import AuthEvent
from scanfloor.config import Settings
from scanfloor.extensions import db

TOKEN_URL = "/api/v1/auth/token"
WRONG = "not-the-password"


@pytest.fixture
def limits(app):
    """3 wrong secrets per account, 5 per address or device, in a 60 s window."""
    cfg = app.config["SCANFLOOR_SETTINGS"]
    cfg.signin_max_failures, cfg.signin_client_max_failures = 3, 5
    cfg.signin_window_seconds = 60
    return cfg


def _sign_in(client, username, password, address="10.0.0.1", device=None):
    body = {"username": username, "password": password}
    if device:
        body["device_id"] = device
    return client.post(TOKEN_URL, json=body, environ_base={"REMOTE_ADDR": address})


def _events(kind=None):
    db.session.rollback()
    query = select(AuthEvent).order_by(AuthEvent.id)
    if kind:
        query = query.where(AuthEvent.kind == kind)
    return list(db.session.scalars(query))


def test_after_the_limit_of_wrong_passwords_the_account_answers_429_with_retry_after(
    client, users, limits
):
    assert [_sign_in(client, "manager", WRONG).status_code for _ in range(3)] == [401] * 3
    r = _sign_in(client, "manager", WRONG)
    assert r.status_code == 429
    error = r.get_json()["error"]
    assert error["code"] == "too_many_attempts"
    retry_after = int(r.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert error["details"]["retry_after"] == retry_after


def test_a_throttled_account_refuses_even_the_right_password(client, users, limits):
    for _ in range(3):
        _sign_in(client, "manager", WRONG)
    assert _sign_in(client, "manager", "manager-password-1").status_code == 429


def test_the_right_password_works_again_once_the_window_has_passed(client, users, limits):
    limits.signin_window_seconds = 1
    for _ in range(3):
        _sign_in(client, "manager", WRONG)
    throttled = _sign_in(client, "manager", "manager-password-1")
    assert throttled.status_code == 429
    time.sleep(float(throttled.headers["Retry-After"]) + 0.1)
    assert _sign_in(client, "manager", "manager-password-1").status_code == 200


def test_throttled_attempts_do_not_stretch_the_window(client, users, limits):
    limits.signin_window_seconds = 1
    for _ in range(3):
        _sign_in(client, "manager", WRONG)
    for _ in range(5):  # an attacker keeps hammering while throttled
        assert _sign_in(client, "manager", WRONG, address="10.0.0.2").status_code == 429
    time.sleep(1.1)
    assert _sign_in(client, "manager", "manager-password-1").status_code == 200


def test_the_right_password_starts_the_accounts_count_again(client, users, limits):
    _sign_in(client, "manager", WRONG)
    _sign_in(client, "manager", WRONG)
    assert _sign_in(client, "manager", "manager-password-1").status_code == 200
    assert [_sign_in(client, "manager", WRONG).status_code for _ in range(3)] == [401] * 3
    assert _sign_in(client, "manager", WRONG).status_code == 429


def test_an_unknown_username_is_throttled_exactly_like_a_known_one(client, users, limits):
    known = [_sign_in(client, "manager", WRONG, address="10.0.0.1") for _ in range(4)]
    unknown = [_sign_in(client, "nobody", WRONG, address="10.0.0.2") for _ in range(4)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 3 + [429]
    assert [r.get_json() for r in known[:3]] == [r.get_json() for r in unknown[:3]]
    assert known[3].get_json()["error"]["code"] == unknown[3].get_json()["error"]["code"]


def test_one_address_guessing_many_accounts_is_throttled(client, users, limits):
    names = ["worker", "supervisor", "manager", "admin", "nobody"]
    assert [_sign_in(client, n, WRONG).status_code for n in names] == [401] * 5
    assert _sign_in(client, "worker", "worker-password-1").status_code == 429
    # Another address is not held back by the first one's failures.
    assert _sign_in(client, "worker", "worker-password-1", address="10.0.0.9").status_code == 200


def test_one_device_guessing_from_many_addresses_is_throttled(client, users, limits):
    names = ["worker", "supervisor", "manager", "admin", "nobody"]
    for n, name in enumerate(names):
        r = _sign_in(client, name, WRONG, address=f"10.0.1.{n}", device="HH-66")
        assert r.status_code == 401
    r = _sign_in(client, "worker", "worker-password-1", address="10.0.2.1", device="HH-66")
    assert r.status_code == 429


def test_a_warehouse_signing_in_from_one_address_is_never_throttled(client, users, limits):
    for _ in range(3):
        for role in ("worker", "supervisor", "manager", "admin"):
            assert _sign_in(client, role, f"{role}-password-1").status_code == 200


def test_every_failure_and_throttle_is_in_the_audit_log_without_the_secret(client, users, limits):
    for _ in range(3):
        _sign_in(client, "manager", WRONG, device="HH-07")
    _sign_in(client, "manager", WRONG, device="HH-07")
    _sign_in(client, "nobody", WRONG, device="HH-07")
    failed, throttled = _events("sign_in_failed"), _events("sign_in_throttled")
    assert [(e.login, e.user_id) for e in failed] == [("manager", users["manager"].id)] * 3 + [
        ("nobody", None)
    ]
    assert [(e.login, e.method) for e in throttled] == [("manager", "password")]
    assert throttled[0].details["retry_after"] >= 1
    for event in failed + throttled:
        assert (event.client_address, event.device_id) == ("10.0.0.1", "HH-07")
    stored = " ".join(str(vars(e)) for e in _events())
    assert WRONG not in stored


def test_a_sign_in_is_in_the_audit_log(client, users, limits):
    assert _sign_in(client, "worker", "worker-password-1", device="HH-01").status_code == 200
    [event] = _events("signed_in")
    assert (event.login, event.user_id, event.method, event.device_id) == (
        "worker",
        users["worker"].id,
        "password",
        "HH-01",
    )


REDIS_URL = os.environ.get("SCANFLOOR_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="set SCANFLOOR_TEST_REDIS_URL (CI sets it)")
def test_with_redis_every_server_process_counts_the_same_failures(db_url, users_on):
    """Two apps on one database and one Redis stand for two server processes."""
    settings = dict(
        mode="test",
        database_url=db_url,
        redis_url=REDIS_URL,
        signin_max_failures=3,
        signin_key_prefix=f"test-{uuid.uuid4().hex}",
    )
    first, second = create_app(Settings(**settings)), create_app(Settings(**settings))
    users_on(first)
    for app in (first, second, first):
        with app.app_context():
            r = _sign_in(app.test_client(), "worker", WRONG)
            assert r.status_code == 401
    with second.app_context():
        r = _sign_in(second.test_client(), "worker", "worker-password-1")
        assert r.status_code == 429
        db.session.remove()
        db.engine.dispose()
    with first.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def users_on():
    def make(app):
        from scanfloor.auth.service import create_user

        with app.app_context():
            create_user(username="worker", role="worker", password="worker-password-1")

    return make


def test_with_redis_down_sign_in_works_and_wrong_passwords_are_still_throttled(
    db_url, users_on, caplog
):
    """Nothing listens on port 1: the throttle counts in the process until Redis answers."""
    settings = Settings(
        mode="test", database_url=db_url, redis_url="redis://127.0.0.1:1/0", signin_max_failures=3
    )
    app = create_app(settings)
    users_on(app)
    with app.app_context(), caplog.at_level(logging.WARNING, logger="scanfloor.auth.throttle"):
        client = app.test_client()
        assert _sign_in(client, "worker", "worker-password-1").status_code == 200
        assert [_sign_in(client, "worker", WRONG).status_code for _ in range(3)] == [401] * 3
        r = _sign_in(client, "worker", "worker-password-1")
        assert r.status_code == 429
        assert r.get_json()["error"]["code"] == "too_many_attempts"
        db.session.remove()
        db.engine.dispose()
    assert "shared store unavailable" in caplog.text


def test_behind_a_proxy_each_forwarded_client_is_throttled_on_its_own(db_url, users_on):
    """SCANFLOOR_PROXY_HOPS=1: the address the proxy forwards is the client's, so one guessing
    client is throttled while another behind the same proxy signs in."""
    settings = Settings(
        mode="test", database_url=db_url, proxy_hops=1, signin_max_failures=50,
        signin_client_max_failures=3,
    )  # fmt: skip
    app = create_app(settings)
    users_on(app)
    with app.app_context():
        client = app.test_client()

        def sign_in(password, forwarded):
            return client.post(
                TOKEN_URL,
                json={"username": "worker", "password": password},
                headers={"X-Forwarded-For": forwarded},
                environ_base={"REMOTE_ADDR": "10.9.9.9"},  # the proxy
            )

        assert [sign_in(WRONG, "203.0.113.7").status_code for _ in range(3)] == [401] * 3
        assert sign_in(WRONG, "203.0.113.7").status_code == 429
        assert sign_in("worker-password-1", "198.51.100.20").status_code == 200
        db.session.remove()
        db.engine.dispose()


def test_without_proxy_hops_a_forged_forwarded_header_changes_nothing(db_url, users_on):
    settings = Settings(mode="test", database_url=db_url, signin_client_max_failures=3)
    app = create_app(settings)
    users_on(app)
    with app.app_context():
        client = app.test_client()
        for n in range(3):
            r = client.post(
                TOKEN_URL,
                json={"username": f"nobody{n}", "password": WRONG},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
                environ_base={"REMOTE_ADDR": "10.0.0.5"},
            )
            assert r.status_code == 401
        r = client.post(
            TOKEN_URL,
            json={"username": "worker", "password": "worker-password-1"},
            headers={"X-Forwarded-For": "198.51.100.1"},
            environ_base={"REMOTE_ADDR": "10.0.0.5"},
        )
        assert r.status_code == 429
        db.session.remove()
        db.engine.dispose()
