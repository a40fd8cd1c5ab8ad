"""Scale-out: two server processes joined by Redis; a posting on one reaches a socket on the
other, after commit. Needs Redis (SCANFLOOR_TEST_REDIS_URL, set by .ci/run when it answers)."""

from __future__ import annotations

import os
import threading

import pytest
import requests
import socketio

from .conftest import BIN, base_env, free_port, run_cli, serving

REDIS_URL = os.environ.get("SCANFLOOR_TEST_REDIS_URL")
# Flask-SocketIO's message queue is one Redis pub/sub channel whatever the database number:
# the tests whose servers join it run on one xdist worker, one after another, or one test's
# servers would receive the other test's events.
SHARED_QUEUE = pytest.mark.xdist_group("socketio-redis-queue")
pytestmark = SHARED_QUEUE


def _redis_or_skip() -> str:
    if not REDIS_URL:
        pytest.skip("Redis test skipped: set SCANFLOOR_TEST_REDIS_URL (CI sets it)")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at SCANFLOOR_TEST_REDIS_URL not reachable: {exc}")
    return REDIS_URL


def test_posting_on_one_process_reaches_a_socket_on_another(tmp_path):
    queue = _redis_or_skip()
    env = base_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/rt.db",
        SCANFLOOR_MODE="demo",
        SOCKETIO_MESSAGE_QUEUE=queue,
    )
    assert run_cli("db", "upgrade", env=env).returncode == 0
    assert run_cli("seed-demo", env=env, timeout=300).returncode == 0
    pa, pb = free_port(), free_port()
    with (
        serving([str(BIN / "scanfloor"), "serve", "--port", str(pa)], env, pa) as a,
        serving([str(BIN / "scanfloor"), "serve", "--port", str(pb)], env, pb) as b,
    ):
        token = requests.post(
            a + "/api/v1/auth/token", json={"username": "manager", "password": "demo"}, timeout=10
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}

        refused = socketio.Client()
        with pytest.raises(socketio.exceptions.ConnectionError):
            refused.connect(b, namespaces=["/live"], auth={"token": "wrong"}, wait_timeout=10)

        got: list[dict] = []
        arrived = threading.Event()
        client = socketio.Client()

        @client.on("ledger.posted", namespace="/live")
        def _posted(data: dict) -> None:
            got.append(data)
            arrived.set()

        client.connect(b, namespaces=["/live"], auth={"token": token}, wait_timeout=10)
        try:
            # Postings go to warehouse rooms; a manager may join any warehouse's.
            joined = client.call("join", {"warehouse": "WH1"}, namespace="/live", timeout=10)
            assert joined["joined"]["code"] == "WH1", joined
            bal = requests.get(a + "/api/v1/balances?limit=1", headers=headers, timeout=10).json()[
                "balances"
            ][0]
            line = {
                "item_id": bal["item_id"],
                "quantity": 1,
                "lot_id": bal["lot_id"],
                "from_location": bal["location_id"],
                "to_location": "INV-ADJ",
                "reason_code": "damaged",
            }
            posted = requests.post(
                a + "/api/v1/movements",
                headers=headers,
                timeout=10,
                json={"type": "adjustment", "lines": [line]},
            )
            assert posted.status_code == 201, posted.text
            assert arrived.wait(15), "no ledger.posted event reached the other process"
            assert got[0]["posting_id"] == posted.json()["posting_id"]
            assert got[0]["item_ids"] == [bal["item_id"]]
        finally:
            client.disconnect()
