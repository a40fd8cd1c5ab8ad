"""The production path: migrate, serve with gunicorn, refuse unsafe configuration."""

from __future__ import annotations

import secrets

import requests

from .conftest import BIN, base_env, free_port, run_cli, serving


def test_server_refuses_to_start_without_a_strong_secret_key(tmp_path):
    env = base_env(DATABASE_URL=f"sqlite:///{tmp_path}/p.db", SECRET_KEY="changeme")
    result = run_cli("db", "upgrade", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_server_refuses_to_start_in_debug_mode_in_production(tmp_path):
    env = base_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/p.db",
        SECRET_KEY=secrets.token_urlsafe(48),
        FLASK_DEBUG="1",
    )
    result = run_cli("db", "upgrade", env=env)
    assert result.returncode != 0
    assert "debug" in (result.stdout + result.stderr).lower()


def test_gunicorn_serves_the_migrated_app_with_json_errors(tmp_path):
    env = base_env(DATABASE_URL=f"sqlite:///{tmp_path}/p.db", SECRET_KEY=secrets.token_urlsafe(48))
    assert run_cli("db", "upgrade", env=env).returncode == 0
    port = free_port()
    cmd = [
        str(BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "scanfloor:create_app()",
    ]
    with serving(cmd, env, port) as url:
        assert requests.get(url + "/api/v1/openapi.json", timeout=5).json()["openapi"]
        r = requests.get(url + "/api/v1/items", timeout=5)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        r = requests.post(
            url + "/api/v1/auth/token",
            data=b"x" * (2 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        r = requests.get(url + "/api/v1/no-such-route", timeout=5)
        assert r.status_code == 404 and "error" in r.json()
