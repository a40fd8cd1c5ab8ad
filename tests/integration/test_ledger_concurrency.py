"""The ledger's rules hold when many postings race for the same stock.

Each thread pushes its own app context, so flask-sqlalchemy gives it its own session and
connection, as separate requests get in the server. A Barrier releases them together.
test_naive_read_then_write_writer_breaks_the_rule runs the same race through a deliberately
naive read-then-write writer and shows it breaks the rule, so the racing-picks test would
notice a writer that checks stock that way. Where a race must be lost for sure (PostgreSQL),
a balance row is held from another connection until every request is queued behind it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import text

from scanfloor.errors import AlreadyReversed, InsufficientStock
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.service import reverse_movement
from scanfloor.ledger.writer import PostingResult, post
from tests.ledger_helpers import (
    assert_ledger_clean,
    balance,
    counts,
    ledger_problems,
    location_id,
    make_bin,
    make_item,
    move,
    verify_ledger_lines,
)
from tests.naive_writer import naive_move

THREADS = 16
START = 100
TAKE = 10


@dataclass
class Outcome:
    results: list[Any] = field(default_factory=list)
    refused: list[InsufficientStock] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def race(
    app: Any,
    work: Callable[[int], Any],
    threads: int = THREADS,
    meanwhile: Callable[[], None] | None = None,
) -> Outcome:
    """Run work(i) in `threads` threads released together; collect what each one got.

    `meanwhile` runs in the calling thread once the workers are started.
    """
    barrier = threading.Barrier(threads)
    outcome = Outcome()
    guard = threading.Lock()

    def run(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                result = work(i)
            except InsufficientStock as exc:
                with guard:
                    outcome.refused.append(exc)
            except BaseException as exc:
                with guard:
                    outcome.errors.append(exc)
            else:
                with guard:
                    outcome.results.append(result)

    workers = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(threads)]
    for w in workers:
        w.start()
    if meanwhile is not None:
        meanwhile()
    for w in workers:
        w.join(timeout=240)
    assert not any(w.is_alive() for w in workers), "a posting thread never finished"
    return outcome


@contextmanager
def balance_row_held(item_id: int, location: int) -> Iterator[Callable[[int], None]]:
    """PostgreSQL: lock one balance row from another connection.

    Yields `release_when_waiting(n)`: it returns once n sessions are queued behind a lock,
    after letting the row go, so a test lines every request up at the same point first.
    """
    holder = db.engine.connect()
    watcher = db.engine.connect()
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    try:
        holder.execute(
            text(
                "SELECT quantity FROM balances WHERE item_id = :i AND location_id = :l FOR UPDATE"
            ),
            {"i": item_id, "l": location},
        )

        def release_when_waiting(n: int) -> None:
            try:
                for _ in range(3000):
                    found = watcher.scalar(waiting)
                    watcher.commit()  # pg_stat_activity is a per-transaction snapshot
                    if found == n:
                        return
                    time.sleep(0.02)
                raise AssertionError(f"{n} sessions never queued behind the held row")
            finally:
                holder.rollback()

        yield release_when_waiting
    finally:
        holder.rollback()
        holder.close()
        watcher.close()


def race_lined_up(
    app: Any, work: Callable[[int], Any], threads: int, backend: str, item_id: int, held: int
) -> Outcome:
    """race(), and on PostgreSQL with every thread queued behind the held balance row first.

    SQLite runs write transactions one at a time, so there the plain race is the whole story.
    """
    if backend != "postgresql":
        return race(app, work, threads)
    with balance_row_held(item_id, held) as release_when_waiting:
        return race(app, work, threads, meanwhile=lambda: release_when_waiting(threads))


def stocked_bin(app: Any) -> tuple[int, int]:
    item, src = make_item(), make_bin()
    move(item, START, location_id("VENDOR"), src, "receipt")
    return item, src


@pytest.mark.parametrize("destination", ["another bin", "CUSTOMER"])
def test_sixteen_racing_picks_of_ten_from_a_bin_of_a_hundred_leave_exactly_zero(app, destination):
    item, src = stocked_bin(app)
    dst = make_bin() if destination == "another bin" else location_id("CUSTOMER")

    outcome = race(app, lambda i: move(item, TAKE, src, dst, key=f"race-{i}"))

    assert outcome.errors == []
    assert len(outcome.results) == START // TAKE
    assert len(outcome.refused) == THREADS - START // TAKE
    assert all(exc.details["requested"] == TAKE for exc in outcome.refused)
    assert all(0 <= exc.details["available"] < TAKE for exc in outcome.refused)
    assert balance(item, src) == 0
    assert balance(item, dst) == START
    assert counts() == (1 + START // TAKE, 1 + START // TAKE)
    assert_ledger_clean()


def test_opposite_transfers_between_two_bins_never_deadlock(app):
    item, bin_a = stocked_bin(app)
    bin_b = make_bin()
    move(item, START, location_id("VENDOR"), bin_b, "receipt")
    rounds = 5

    def shuttle(i: int) -> list[PostingResult]:
        src, dst = (bin_a, bin_b) if i % 2 else (bin_b, bin_a)
        return [move(item, 1, src, dst) for _ in range(rounds)]

    outcome = race(app, shuttle)

    assert outcome.errors == []
    assert outcome.refused == []
    assert balance(item, bin_a) == START
    assert balance(item, bin_b) == START
    assert counts()[1] == 2 + THREADS * rounds
    assert_ledger_clean()


def test_the_same_idempotency_key_sent_at_once_from_many_devices_posts_once(app, backend):
    item, src = stocked_bin(app)
    dst = make_bin()
    req = PostingRequest(
        "transfer",
        (MovementLine(item_id=item, quantity=3, from_location_id=src, to_location_id=dst),),
        idempotency_key="same-scan-everywhere",
    )

    # Every request passes the "key seen before?" check before the first one commits.
    outcome = race_lined_up(app, lambda _i: post(req), 8, backend, item, src)

    assert outcome.errors == []
    assert outcome.refused == []
    firsts = [r for r in outcome.results if not r.replayed]
    assert len(firsts) == 1
    assert {(r.posting_id, r.movement_ids) for r in outcome.results} == {
        (firsts[0].posting_id, firsts[0].movement_ids)
    }
    assert balance(item, src) == START - 3
    assert balance(item, dst) == 3
    assert_ledger_clean()


def ledger_is_clean() -> bool:
    return not ledger_problems() and not verify_ledger_lines()


def test_naive_read_then_write_writer_breaks_the_rule(app, backend):
    item, src = stocked_bin(app)
    dst = make_bin()

    outcome = race(app, lambda _i: naive_move(item, TAKE, src, dst))

    successes, final = len(outcome.results), balance(item, src)
    clean = ledger_is_clean()
    what = (
        f"{backend}: {successes} succeeded, {len(outcome.refused)} refused, "
        f"{len(outcome.errors)} failed ({sorted({type(e).__name__ for e in outcome.errors})}), "
        f"bin ends at {final}, ledger clean={clean}"
    )
    assert not (successes == START // TAKE and final == 0 and clean), what


def test_two_devices_reversing_the_same_receipt_at_once_reverse_it_once(app, backend, request):
    item, bin_a = stocked_bin(app)
    received = move(item, 4, location_id("VENDOR"), bin_a, "receipt")
    devices = 8

    def undo(i: int) -> Any:
        return reverse_movement(received.movement_ids[0], idempotency_key=f"undo-{i}")

    # Every request passes the "already reversed?" check, then queues on the bin's row.
    outcome = race_lined_up(app, undo, devices, backend, item, bin_a)

    unexpected = [e for e in outcome.errors if not isinstance(e, AlreadyReversed)]
    assert unexpected == [], [f"{type(e).__name__}: {str(e)[:160]}" for e in unexpected]
    assert outcome.refused == []
    assert len(outcome.results) == 1
    assert len(outcome.errors) == devices - 1
    assert balance(item, bin_a) == START
    assert_ledger_clean()
