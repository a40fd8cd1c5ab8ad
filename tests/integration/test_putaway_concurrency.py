"""Two scanners confirming the same task at the same moment: the stock moves once.

Each thread pushes its own app context and sends a real request through the test client,
so each gets its own session and connection, as requests do in the server. A Barrier lets
them go together; whichever interleaving the database picks, the rule must hold.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select, text

from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from tests.putaway_helpers import build_site, item, ledger_clean, on_hand, receive, tasks_of

CONFIRM = "/api/v1/putaway/confirm"


def _race(
    app: Any,
    bodies: list[dict[str, Any]],
    headers: dict[str, str],
    meanwhile: Callable[[], None] | None = None,
) -> list[Any]:
    barrier = threading.Barrier(len(bodies))
    answers: list[Any] = [None] * len(bodies)

    def run(i: int) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait(timeout=60)
            resp = client.post(CONFIRM, json=bodies[i], headers=headers)
            answers[i] = (resp.status_code, resp.get_json())

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(bodies))]
    for t in threads:
        t.start()
    if meanwhile is not None:
        meanwhile()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a confirming thread never finished"
    return answers


def _putaways() -> int:
    db.session.commit()
    return int(
        db.session.scalar(
            select(func.count()).select_from(Movement).where(Movement.movement_type == "putaway")
        )
        or 0
    )


def test_two_scanners_confirming_one_task_in_full_move_it_exactly_once(app, client, auth):
    site = build_site()
    it = item()
    receive(it.id, site.dock.id, 10)
    [task] = tasks_of(client, auth("worker"))
    bodies = [
        {"task_id": task["id"], "to_location": "A-1", "client_scan_id": "dev-a-1"},
        {"task_id": task["id"], "to_location": "A-1", "client_scan_id": "dev-b-1"},
    ]

    answers = _race(app, bodies, auth("worker"))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [201, 409], answers
    refused = next(body for status, body in answers if status == 409)
    assert refused["error"]["code"] in {"task_stale", "insufficient_stock"}
    assert _putaways() == 1
    assert on_hand(it.id, site.dock.id) == 0
    assert on_hand(it.id, site.bin("A1").id) == 10
    assert ledger_clean()


def test_one_scan_sent_twice_at_once_posts_once_and_both_get_its_answer(app, client, auth):
    site = build_site()
    it = item()
    receive(it.id, site.dock.id, 10)
    [task] = tasks_of(client, auth("worker"))
    body = {"task_id": task["id"], "to_location": "A-1", "client_scan_id": "dev-a-9"}

    answers = _race(app, [body, body], auth("worker"))

    assert [status for status, _ in answers] == [201, 201], answers
    assert answers[0][1]["movement_ids"] == answers[1][1]["movement_ids"]
    assert _putaways() == 1
    assert on_hand(it.id, site.bin("A1").id) == 10
    assert ledger_clean()


@contextmanager
def row_held(lock_sql: str, row_id: int) -> Iterator[Callable[[int], None]]:
    """PostgreSQL: hold a row from another connection, so both requests get as far as that
    row before either can go on: the race, every time.

    Yields `release_when_waiting(n)`: once n sessions wait on a lock, it lets the row go."""
    holder = db.engine.connect()
    watcher = db.engine.connect()
    try:
        holder.execute(text(lock_sql), {"id": row_id})

        def release_when_waiting(n: int) -> None:
            waiting = text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            for _ in range(3000):
                found = watcher.scalar(waiting)
                watcher.commit()  # pg_stat_activity is a per-transaction snapshot
                if found == n:
                    holder.rollback()
                    return
                time.sleep(0.02)
            raise AssertionError(f"{n} sessions never queued behind the held rows")

        yield release_when_waiting
    finally:
        holder.rollback()
        holder.close()
        watcher.close()


@pytest.mark.parametrize("same_scan", [False, True], ids=["two-scans", "one-scan-twice"])
def test_when_both_confirmations_read_the_task_before_either_posts_it_still_moves_once(
    app, client, auth, backend, same_scan
):
    """The first waits on the dock row, the second on the bin the first holds; released,
    the second finds the stock gone (insufficient_stock) or its own scan posted (replay)."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: there is no such overlap")
    site = build_site()
    it = item()
    receive(it.id, site.dock.id, 10)
    [task] = tasks_of(client, auth("worker"))
    keys = ["same", "same"] if same_scan else ["scan-a", "scan-b"]
    bodies = [{"task_id": task["id"], "to_location": "A-1", "client_scan_id": k} for k in keys]

    dock_row = "SELECT quantity FROM balances WHERE id = :id FOR UPDATE"
    with row_held(dock_row, int(task["id"][2:])) as release_when_waiting:
        answers = _race(app, bodies, auth("worker"), meanwhile=lambda: release_when_waiting(2))

    if same_scan:
        assert [status for status, _ in answers] == [201, 201], answers
        assert answers[0][1]["movement_ids"] == answers[1][1]["movement_ids"]
    else:
        assert sorted(status for status, _ in answers) == [201, 409], answers
        refused = next(body for status, body in answers if status == 409)
        assert refused["error"]["code"] == "insufficient_stock"
    assert _putaways() == 1
    assert on_hand(it.id, site.bin("A1").id) == 10
    assert ledger_clean()


def test_two_putaways_into_one_bin_check_its_capacity_one_after_the_other(
    app, client, auth, backend
):
    """Both wait on the bin's row; the second then sees the first's stock and is refused."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: there is no such overlap")
    site = build_site(capacities={"A1": 10})
    a, b = item(), item()
    receive(a.id, site.dock.id, 6)
    receive(b.id, site.dock.id, 6)
    tasks = tasks_of(client, auth("worker"))
    assert [t["suggested_location"]["code"] for t in tasks] == ["A-1", "A-1"]
    bodies = [
        {"task_id": t["id"], "to_location": "A-1", "client_scan_id": f"cap-{i}"}
        for i, t in enumerate(tasks)
    ]

    bin_row = "SELECT id FROM locations WHERE id = :id FOR NO KEY UPDATE"
    with row_held(bin_row, site.bin("A1").id) as release_when_waiting:
        answers = _race(app, bodies, auth("worker"), meanwhile=lambda: release_when_waiting(2))

    assert sorted(status for status, _ in answers) == [201, 409], answers
    refused = next(body for status, body in answers if status == 409)
    assert refused["error"]["code"] == "bin_full"
    assert _putaways() == 1
    assert on_hand(a.id, site.bin("A1").id) + on_hand(b.id, site.bin("A1").id) == 6
    assert ledger_clean()
