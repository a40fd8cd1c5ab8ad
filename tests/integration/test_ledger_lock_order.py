"""One lock order for every posting: a transaction that posts twice never deadlocks with
other postings (the chain head is taken before any balance row; docs/decisions/0011)."""

from __future__ import annotations

import threading

from scanfloor.database import write_transaction
from scanfloor.extensions import db
from tests.ledger_helpers import (
    assert_ledger_clean,
    balance,
    location_id,
    make_bin,
    make_item,
    move,
)

WORKERS = 8
ROUNDS = 6


def test_transactions_posting_twice_in_opposite_orders_never_deadlock(app):
    item = make_item()
    bins = [make_bin() for _ in range(4)]
    for b in bins:
        move(item, 100, location_id("VENDOR"), b, "receipt")
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []
    guard = threading.Lock()

    pairs = [(bins[0], bins[1]), (bins[2], bins[3])]

    def worker(i: int) -> None:
        # Two postings on disjoint pairs of bins; half the transactions in the other order.
        first, second = pairs if i % 2 else pairs[::-1]
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                for n in range(ROUNDS):
                    with write_transaction():
                        move(item, 1, *first[:: 1 if n % 2 else -1])
                        move(item, 1, *second[:: 1 if n % 2 else -1])
            except BaseException as exc:  # a deadlock shows up here on PostgreSQL
                with guard:
                    errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)

    assert not any(t.is_alive() for t in threads), "a transaction never finished"
    assert errors == [], [f"{type(e).__name__}: {str(e)[:200]}" for e in errors]
    assert [balance(item, b) for b in bins] == [100, 100, 100, 100]
    assert_ledger_clean()
