"""Bad bodies through the real server (gunicorn): deep JSON is a 400 with no traceback in
the server's log, and a chunked body past SCANFLOOR_MAX_BODY_BYTES is a 413 like a sized
one; a chunked body within the limit is read whole."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import requests

from .conftest import BIN, base_env, free_port, run_cli, serving

LIMIT = 4096
JSON = {"Content-Type": "application/json"}


def pieces(body: bytes, size: int = 1000) -> Iterator[bytes]:
    """A generator body: requests sends it chunked, with no Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_gunicorn_answers_bad_bodies_with_4xx_and_logs_no_traceback(tmp_path):
    env = base_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/p.db",
        SECRET_KEY=secrets.token_urlsafe(48),
        SCANFLOOR_MAX_BODY_BYTES=str(LIMIT),
    )
    assert run_cli("db", "upgrade", "heads", env=env).returncode == 0
    port = free_port()
    log = tmp_path / "server.log"
    cmd = [
        str(BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--capture-output",
        "--error-logfile",
        str(log),
        "scanfloor:create_app()",
    ]
    token = "/api/v1/auth/token"
    with serving(cmd, env, port) as url:
        deep = ("[" * 1000 + "]" * 1000).encode()
        for body in (deep, pieces(deep)):
            r = requests.post(url + token, data=body, headers=JSON, timeout=10)
            assert r.status_code == 400, r.text
            assert r.json()["error"]["code"] == "body_too_deep"

        big = b'{"username": "' + b"x" * (2 * LIMIT) + b'", "password": "p"}'
        for body in (big, pieces(big)):
            r = requests.post(url + token, data=body, headers=JSON, timeout=10)
            assert r.status_code == 413, r.text
            assert r.json()["error"]["code"] == "payload_too_large"

        # Within the limit, chunked: read whole, so it reaches the sign-in (a wrong password).
        small = b'{"username": "nobody", "password": "wrong-password"}'
        r = requests.post(url + token, data=pieces(small, 7), headers=JSON, timeout=10)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "invalid_credentials"
    text = log.read_text()
    assert "Traceback" not in text and "RecursionError" not in text, text[-3000:]
