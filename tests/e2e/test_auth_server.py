"""Sign-in throttling and session revocation through the real servers: gunicorn with two
worker processes sharing the throttle's counters in Redis, and the built-in dev server; and
neither names its version in the `Server` header."""

from __future__ import annotations

import os
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .conftest import BIN, base_env, free_port, run_cli, serving

REDIS_URL = os.environ.get("SCANFLOOR_TEST_REDIS_URL")
WINDOW = 2  # seconds: short, so "works again after the window" needs no long sleep
VERSIONED = re.compile(r"\d+\.\d+|werkzeug|python", re.IGNORECASE)


def _redis() -> str:
    if not REDIS_URL:
        pytest.skip("Redis test skipped: set SCANFLOOR_TEST_REDIS_URL (CI sets it)")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"Redis at SCANFLOOR_TEST_REDIS_URL not reachable: {exc}")
    return REDIS_URL


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = base_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/auth.db",
        SECRET_KEY=secrets.token_urlsafe(48),
        SCANFLOOR_SIGNIN_MAX_FAILURES="3",
        SCANFLOOR_SIGNIN_WINDOW_SECONDS=str(WINDOW),
        # A fresh prefix: counters of an earlier run in the same Redis must not count here.
        SCANFLOOR_SIGNIN_KEY_PREFIX=f"e2e-{uuid.uuid4().hex}",
        **extra,
    )
    assert run_cli("db", "upgrade", "heads", env=env).returncode == 0
    users = (("ada", "admin"), ("wes", "worker"), ("sue", "supervisor"), ("tom", "worker"))
    for name, role in users:
        made = run_cli(
            "users", "create", name, "--role", role, "--password", f"{name}-password-1",
            env=env,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
    return env


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = _env(tmp_path_factory.mktemp("gunicorn"), REDIS_URL=_redis())
    port = free_port()
    cmd = [
        str(BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--config",
        "python:scanfloor.outbox.gunicorn_hooks",
        "scanfloor:create_app()",
    ]
    with serving(cmd, env, port) as url:
        yield url


def _sign_in(session: requests.Session, url: str, name: str, password: str) -> requests.Response:
    # A new connection per attempt (Connection: close), so gunicorn's two workers both answer.
    return session.post(
        url + "/api/v1/auth/token",
        json={"username": name, "password": password},
        headers={"Connection": "close"},
        timeout=10,
    )


def test_gunicorn_throttles_wrong_passwords_across_its_workers_and_forgives(gunicorn):
    http = requests.Session()
    statuses = [_sign_in(http, gunicorn, "tom", "wrong-password").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    # However the workers shared the three failures, each of them now refuses: the count is
    # in Redis, not in one process's memory.
    throttled = [_sign_in(http, gunicorn, "tom", "tom-password-1") for _ in range(4)]
    assert [r.status_code for r in throttled] == [429] * 4
    assert all(r.json()["error"]["code"] == "too_many_attempts" for r in throttled)
    retry_after = max(int(r.headers["Retry-After"]) for r in throttled)
    assert 1 <= retry_after <= WINDOW
    time.sleep(retry_after + 0.2)
    assert _sign_in(http, gunicorn, "tom", "tom-password-1").status_code == 200


def test_gunicorn_ends_sessions_on_a_password_change_and_on_a_supervisors_word(gunicorn):
    http = requests.Session()
    me = gunicorn + "/api/v1/auth/me"

    def token(name: str) -> dict[str, str]:
        r = _sign_in(http, gunicorn, name, f"{name}-password-1")
        assert r.status_code == 200
        assert r.headers["Cache-Control"] == "no-store"
        return {"Authorization": f"Bearer {r.json()['token']}"}

    admin, supervisor, worker = token("ada"), token("sue"), token("wes")
    wes_id = http.get(me, headers=worker, timeout=5).json()["id"]
    r = http.patch(
        f"{gunicorn}/api/v1/users/{wes_id}",
        json={"password": "a-new-password-2"},
        headers={**admin, "Idempotency-Key": "pw-1"},
        timeout=10,
    )
    assert r.status_code == 200 and r.json()["sessions_ended"] == 1
    assert http.get(me, headers=worker, timeout=5).status_code == 401

    again = _sign_in(http, gunicorn, "wes", "a-new-password-2").json()["token"]
    worker = {"Authorization": f"Bearer {again}"}
    assert http.get(me, headers=worker, timeout=5).status_code == 200
    r = http.post(
        f"{gunicorn}/api/v1/users/{wes_id}/end-sessions",
        headers={**supervisor, "Idempotency-Key": "end-1"},
        timeout=10,
    )
    assert r.status_code == 200 and r.json()["sessions_ended"] == 1
    assert http.get(me, headers=worker, timeout=5).status_code == 401


def test_gunicorn_names_no_version_in_the_server_header(gunicorn):
    server = requests.get(gunicorn + "/healthz", timeout=5).headers.get("Server", "")
    assert not VERSIONED.search(server), server


def test_the_dev_server_names_no_version_in_the_server_header(tmp_path: Path) -> None:
    env = _env(tmp_path)
    port = free_port()
    cmd = [str(BIN / "scanfloor"), "serve", "--port", str(port)]
    with serving(cmd, env, port) as url:
        for path in ("/healthz", "/api/v1/no-such-route", "/scanner/"):
            server = requests.get(url + path, timeout=5).headers.get("Server", "")
            assert not VERSIONED.search(server), f"{path}: {server}"
        r = requests.post(
            url + "/api/v1/auth/token", json={"username": "wes", "password": "x" * 8}, timeout=5
        )
        assert r.status_code == 401
        assert not VERSIONED.search(r.headers.get("Server", ""))
