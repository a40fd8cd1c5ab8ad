"""What `make demo` does, step by step: migrate, seed, serve, and the ledger is clean."""

from __future__ import annotations

import requests

from .conftest import BIN, base_env, free_port, run_cli, serving


def test_demo_seeds_serves_and_verifies_clean(tmp_path):
    env = base_env(DATABASE_URL=f"sqlite:///{tmp_path}/demo.db", SCANFLOOR_MODE="demo")
    assert run_cli("db", "upgrade", env=env).returncode == 0
    seeded = run_cli("seed-demo", env=env, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    for login in ("admin", "manager", "super", "worker1", "worker2"):
        assert login in seeded.stdout
    verify = run_cli("ledger", "verify", env=env)
    assert verify.returncode == 0 and "0 differences" in verify.stdout
    port = free_port()
    with serving([str(BIN / "scanfloor"), "serve", "--port", str(port)], env, port) as url:
        assert "<form" in requests.get(url + "/", timeout=5).text
        assert requests.get(url + "/api/v1/openapi.json", timeout=5).status_code == 200
        tok = requests.post(
            url + "/api/v1/auth/token", json={"username": "admin", "password": "demo"}, timeout=5
        )
        assert tok.status_code == 200, tok.text
        headers = {"Authorization": f"Bearer {tok.json()['token']}"}
        items = requests.get(url + "/api/v1/items?limit=5", headers=headers, timeout=5).json()
        assert len(items["items"]) == 5
        check = requests.get(url + "/api/v1/ledger/verify", headers=headers, timeout=30).json()
        assert check["clean"] is True


def test_seed_demo_is_refused_outside_demo_mode(tmp_path):
    import secrets

    env = base_env(DATABASE_URL=f"sqlite:///{tmp_path}/p.db", SECRET_KEY=secrets.token_urlsafe(48))
    assert run_cli("db", "upgrade", env=env).returncode == 0
    result = run_cli("seed-demo", env=env)
    assert result.returncode != 0 and "demo" in result.stderr.lower()
