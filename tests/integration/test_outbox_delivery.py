"""The outbox delivers every message at least once, in order per destination, retries on a
timer with backoff, gives up after the last attempt and keeps the dead letter for a person
to retry. Real HTTP receivers on 127.0.0.1 (tests/outbox_helpers.py)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.outbox.dispatcher import dispatch_due
from scanfloor.outbox.models import OutboxAttempt, OutboxMessage
from scanfloor.outbox.service import purge_delivered
from scanfloor.outbox.worker import start_dispatcher
from scanfloor.timeutil import utcnow
from tests.outbox_helpers import Receiver, drain, fast_outbox, hooked_channel, ids_of, send, states


@pytest.fixture
def fast(app: Any) -> Any:
    return fast_outbox(app)


def test_a_receiver_down_for_a_while_then_up_gets_every_event_once_in_order(fast):
    rx = Receiver()  # not started yet: nothing listens on its port
    _, web = hooked_channel("WEB", rx.url)
    _, mkt = hooked_channel("MKT", rx.url)
    for _ in range(3):
        send(web, 2)
        send(mkt, 1)
    expected = {"WEB": ids_of(web), "MKT": ids_of(mkt)}

    failed, deadline = 0, time.monotonic() + 0.8
    while time.monotonic() < deadline:
        failed += dispatch_due().failed
        time.sleep(0.05)
    assert failed >= 2
    seen = states()
    assert all(state == "pending" for state, _ in seen.values())
    for dest in (web, mkt):
        head, *rest = ids_of(dest)
        assert seen[head][1] >= 1  # the head was tried (and retried) ...
        assert all(seen[i][1] == 0 for i in rest)  # ... and nothing behind it jumped ahead

    rx.start()
    try:
        drain()
    finally:
        rx.stop()
    assert rx.deduplicated() == expected
    assert len(rx.ids()) == len(set(rx.ids()))  # nothing crashed: nothing came twice
    assert rx.refused == 0 and rx.overlaps == []
    failures = db.session.scalars(
        select(OutboxAttempt).where(OutboxAttempt.status_code.is_(None))
    ).all()
    assert len(failures) == failed and all(a.error for a in failures)


def test_a_failing_destination_holds_only_its_own_queue(fast):
    rx = Receiver().start()
    down = Receiver()  # never started
    try:
        _, web = hooked_channel("WEB", down.url)
        _, mkt = hooked_channel("MKT", rx.url)
        send(web, 3)
        send(mkt, 3)
        for _ in range(3):
            dispatch_due()
        assert rx.deduplicated() == {"MKT": ids_of(mkt)}
        seen = states()
        head, *rest = ids_of(web)
        assert seen[head][0] == "pending" and seen[head][1] >= 1
        assert [seen[i] for i in rest] == [("pending", 0)] * len(rest)
    finally:
        rx.stop()


def test_a_message_is_dead_after_its_last_attempt_and_retry_now_delivers_it(fast, client, auth):
    fast.config["SCANFLOOR_OUTBOX_MAX_ATTEMPTS"] = 2
    rx = Receiver()  # down
    _, web = hooked_channel("WEB", rx.url)
    send(web, 2)
    mine = ids_of(web)
    deadline = time.monotonic() + 10
    while any(states()[i][0] == "pending" for i in mine):
        assert time.monotonic() < deadline, states()
        dispatch_due()
        time.sleep(0.05)
    assert all(states()[i] == ("dead", 2) for i in mine)  # a dead head does not block the rest

    mgr = auth("manager")
    r = client.get("/api/v1/outbox?state=dead", headers=mgr)
    assert r.status_code == 200, r.get_json()
    listed = r.get_json()["messages"]
    assert [m["id"] for m in listed] == sorted(mine, reverse=True)
    assert all(m["destination"] == web and m["last_error"] for m in listed)
    assert client.get("/api/v1/outbox?state=pending", headers=mgr).get_json()["messages"] == []

    rx.start()
    try:
        first = mine[0]
        r = client.post(f"/api/v1/outbox/{first}/retry", headers=mgr)
        assert r.status_code == 200, r.get_json()
        assert (r.get_json()["state"], r.get_json()["attempts"]) == ("pending", 0)
        drain()
    finally:
        rx.stop()
    assert rx.ids() == [first]
    assert states()[first][0] == "delivered"
    assert all(states()[i][0] == "dead" for i in mine[1:])  # retried one by one, by a person

    again = client.post(f"/api/v1/outbox/{first}/retry", headers=mgr)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_delivered"
    missing = client.post("/api/v1/outbox/999999/retry", headers=mgr)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_listing_the_outbox_refuses_an_unknown_state_and_a_supervisor(fast, client, auth):
    bad = client.get("/api/v1/outbox?state=lost", headers=auth("manager"))
    assert bad.status_code == 422
    assert client.get("/api/v1/outbox", headers=auth("supervisor")).status_code == 403


def test_two_dispatchers_at_once_never_deliver_the_same_event_or_destination_together(fast):
    rx = Receiver(delay_s=0.02).start()
    try:
        dests = {code: hooked_channel(code, rx.url)[1] for code in ("WEB", "MKT", "B2B")}
        for _ in range(4):
            for dest in dests.values():
                send(dest, 2)
        expected = {code: ids_of(dest) for code, dest in dests.items()}
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def dispatcher() -> None:
            with fast.app_context():
                try:
                    barrier.wait()
                    deadline = time.monotonic() + 30
                    while time.monotonic() < deadline:
                        dispatch_due(limit=2)
                        if not any(s == "pending" for s, _ in states().values()):
                            return
                    raise AssertionError("not delivered in time")
                except BaseException as exc:  # reported by the test thread
                    errors.append(exc)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=dispatcher) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        rx.stop()
    assert errors == []
    assert rx.overlaps == []
    assert sorted(rx.ids()) == sorted(set(rx.ids()))  # every event once
    assert rx.deduplicated() == expected  # and in order per destination


def test_the_server_dispatcher_thread_delivers_a_fresh_event_at_once(fast):
    fast.config.update(SCANFLOOR_OUTBOX_THREAD=True, SCANFLOOR_OUTBOX_POLL_SECONDS=30)
    rx = Receiver().start()
    _, web = hooked_channel("WEB", rx.url)
    dispatcher = start_dispatcher(fast)
    assert dispatcher is not None and start_dispatcher(fast) is dispatcher  # one per process
    try:
        send(web, 1)  # the commit's kick wakes the thread: no 30 s poll to wait for
        deadline = time.monotonic() + 10
        while len(rx.ids()) < len(ids_of(web)):
            assert time.monotonic() < deadline, "not delivered"
            time.sleep(0.05)
    finally:
        dispatcher.stop()
        rx.stop()
    assert rx.deduplicated() == {"WEB": ids_of(web)}


def test_purge_deletes_only_delivered_messages_older_than_asked(fast):
    rx = Receiver().start()
    try:
        _, web = hooked_channel("WEB", rx.url)
        send(web, 2)
        drain()
    finally:
        rx.stop()
    _, down = hooked_channel("MKT", Receiver().url)
    send(down, 1)
    old, recent = ids_of(web)[0], ids_of(web)[1:]
    with write_transaction():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == old)
            .values(delivered_at=utcnow() - timedelta(days=10))
        )
    assert purge_delivered(timedelta(days=7)) == 1
    left = states()
    assert old not in left and all(left[i][0] == "delivered" for i in recent)
    assert all(left[i][0] == "pending" for i in ids_of(down))
    db.session.rollback()
    assert (
        db.session.scalars(select(OutboxAttempt).where(OutboxAttempt.message_id == old)).all() == []
    )
