"""`scanfloor outbox run` as a process of its own. Killed (SIGKILL) in the middle of a
delivery it loses nothing: once its lease runs out another dispatcher delivers that message
again and the rest after it. With --once it delivers what is due and exits."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.extensions import db
from scanfloor.outbox.dispatcher import dispatch_due
from scanfloor.outbox.models import OutboxMessage
from scanfloor.timeutil import utcnow
from tests.e2e.conftest import BIN, REPO, base_env, run_cli
from tests.outbox_helpers import Receiver, drain, fast_outbox, hooked_channel, ids_of, send

LEASE_S = 5


@pytest.fixture
def fast(app: Any) -> Any:
    return fast_outbox(app)


def test_a_dispatcher_killed_mid_delivery_loses_nothing(fast, db_url):
    rx = Receiver()
    rx.hold_request_no = 3  # the third delivery never gets its answer
    rx.start()
    try:
        _, web = hooked_channel("WEB", rx.url)
        send(web, 4)
        expected = ids_of(web)
        env = base_env(
            DATABASE_URL=db_url,
            SCANFLOOR_MODE="test",
            SCANFLOOR_OUTBOX_LEASE_SECONDS=str(LEASE_S),
            SCANFLOOR_OUTBOX_POLL_SECONDS="0.2",
        )
        with tempfile.TemporaryFile(mode="w+") as out:
            proc = subprocess.Popen(
                [str(BIN / "scanfloor"), "outbox", "run"],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
            try:
                held = rx.holding.wait(60)
            finally:
                proc.kill()
                proc.wait(30)
            out.seek(0)
            assert held, out.read()
        rx.release.set()
        assert rx.deduplicated() == {"WEB": expected[:3]}

        # Its lease outlives it: nobody else may deliver to this channel yet ...
        db.session.rollback()
        lease = db.session.scalar(
            select(OutboxMessage.claimed_until).where(OutboxMessage.id == expected[2])
        )
        assert lease is not None and lease > utcnow()
        if lease - utcnow() > timedelta(seconds=1):
            assert dispatch_due().claimed == 0
        # ... and once it runs out, everything arrives.
        drain(seconds=LEASE_S + 20)
    finally:
        rx.stop()
    assert rx.deduplicated() == {"WEB": expected}
    sent = rx.ids()
    assert sent.count(expected[2]) == 2  # the one in flight when it died: delivered again
    assert all(sent.count(i) == 1 for i in expected if i != expected[2])


def test_outbox_run_once_delivers_what_is_due_and_exits(fast, db_url):
    rx = Receiver().start()
    try:
        _, web = hooked_channel("WEB", rx.url)
        send(web, 2)
        env = base_env(DATABASE_URL=db_url, SCANFLOOR_MODE="test")
        done = run_cli("outbox", "run", "--once", env=env, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "3 delivered, 0 failed" in done.stdout
        assert rx.deduplicated() == {"WEB": ids_of(web)}
        purged = run_cli("outbox", "purge", "--older-than", "0", env=env, timeout=60)
        assert purged.returncode == 0 and "purged 3 delivered messages" in purged.stdout
        assert ids_of(web) == []
    finally:
        rx.stop()
