"""Executing count tasks: claiming, counting blind, finishing, recounting.

Default policies (migration 0013): class C (every unclassified item) tolerates 2 units and
50.00; class A tolerates nothing. Runs on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import queue
import threading
from collections import Counter

from sqlalchemy import func, select

from scanfloor.access.models import UserWarehouse
from scanfloor.auth.models import User
from scanfloor.counting.claim_service import claim_next_task
from scanfloor.counting.models import CountTask
from scanfloor.extensions import db
from tests.counting_helpers import (
    claim,
    classify,
    costed_item,
    count,
    count_floor,
    count_movements,
    count_task,
    finish,
    ledger_clean,
    on_hand,
    review,
    task_row,
)
from tests.factories import virtual
from tests.picking_helpers import stock_item

COUNTERS = 16
TASKS = 40


def _workers(n: int, warehouse_id: int) -> list[int]:
    start = int(db.session.scalar(select(func.count()).select_from(User)) or 0)
    made = [
        User(username=f"counter{start + i}", display_name=f"Counter {i}", role="worker")
        for i in range(n)
    ]
    db.session.add_all(made)
    db.session.flush()
    db.session.add_all(UserWarehouse(user_id=u.id, warehouse_id=warehouse_id) for u in made)
    db.session.commit()
    return [u.id for u in made]


def test_counters_claiming_at_once_never_get_the_same_task(app, users, auth):
    cf = count_floor(app, users, auth)
    for _ in range(TASKS):
        it = stock_item(cf.floor, {"A-1": 1})
        count_task(cf, "A-1", it.id)
    wh_id = cf.wh.id
    todo: queue.Queue[int] = queue.Queue()
    for uid in _workers(TASKS, wh_id):
        todo.put(uid)
    barrier = threading.Barrier(COUNTERS)
    got: list[tuple[int, int | None]] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def counter() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                while True:
                    try:
                        uid = todo.get_nowait()
                    except queue.Empty:
                        return
                    task = claim_next_task(wh_id, actor_id=uid, idempotency_key=f"claim-{uid}")
                    with guard:
                        got.append((uid, None if task is None else task.id))
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=counter, daemon=True) for _ in range(COUNTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    task_ids = [tid for _uid, tid in got]
    assert None not in task_ids
    assert len(set(task_ids)) == TASKS, Counter(task_ids).most_common(3)
    db.session.commit()
    holders = db.session.execute(select(CountTask.id, CountTask.assigned_to)).all()
    assert {(t.id, t.assigned_to) for t in holders} == {(tid, uid) for uid, tid in got}
    assert claim_next_task(wh_id, actor_id=_workers(1, wh_id)[0]) is None


def test_a_counter_who_holds_a_task_gets_that_task_back(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = stock_item(cf.floor, {"A-1": 5, "A-2": 5})
    first_id = count_task(cf, "A-1", it.id)
    count_task(cf, "A-2", it.id)

    first = claim(cf, client)
    again = claim(cf, client)

    assert first.body["task"]["id"] == first_id
    assert again.body["task"]["id"] == first_id
    assert again.body["task"]["assigned_to"]["username"] == "worker"


def test_counts_raised_by_events_are_claimed_before_adhoc_and_plan_counts(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = stock_item(cf.floor, {"A-1": 5, "A-2": 5, "A-3": 5})
    plan = count_task(cf, "A-1", it.id, reason="abc")
    adhoc = count_task(cf, "A-2", None, reason="adhoc")
    event = count_task(cf, "A-3", it.id, reason="short_pick")

    got = [claim(cf, client, who).body["task"]["id"] for who in ("worker", "worker2", "supervisor")]

    assert got == [event, adhoc, plan]


def test_a_count_matching_the_ledger_posts_nothing_and_closes_the_task(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    task_id = count_task(cf, "A-1")
    claim(cf, client)

    line = count(cf, client, task_id, "A-1", it.each_barcode, 10)
    done = finish(cf, client, task_id)

    assert line.status == 200, line.body
    assert line.body["line"] == {
        "item": {"id": it.id, "sku": it.sku, "name": it.item.name},
        "lot": None,
        "counted_qty": 10,
        "unexpected": False,
    }
    assert done.status == 200, done.body
    assert done.body["outcome"] == "matched"
    assert done.body["task"]["status"] == "counted"
    assert count_movements(task_id) == []
    assert on_hand(it.id, cf.bin("A-1").id) == 10
    row = task_row(task_id)
    assert row.counted_by == users["worker"].id and row.counted_at is not None
    assert row.completed_at is not None


def test_a_variance_within_tolerance_posts_at_once_with_its_reason_and_counter(
    app, users, auth, client
):
    cf = count_floor(app, users, auth)
    lost = costed_item(cf.floor, {"A-1": 10})
    found = costed_item(cf.floor, {"A-1": 4})
    task_id = count_task(cf, "A-1")
    claim(cf, client)

    count(cf, client, task_id, "A-1", lost.each_barcode, 9)
    count(cf, client, task_id, "A-1", found.each_barcode, 6)
    done = finish(cf, client, task_id)

    assert done.body["outcome"] == "adjusted"
    assert done.body["task"]["status"] == "counted"
    adj, bin_id, worker = virtual("INV-ADJ").id, cf.bin("A-1").id, users["worker"].id
    assert sorted(count_movements(task_id)) == sorted(
        [
            (lost.id, 1, bin_id, adj, "count_loss", worker, "count"),
            (found.id, 2, adj, bin_id, "count_gain", worker, "count"),
        ]
    )
    assert on_hand(lost.id, bin_id) == 9
    assert on_hand(found.id, bin_id) == 6
    lines = {ln["item"]["id"]: ln for ln in review(cf, client, task_id)["lines"]}
    assert lines[lost.id]["outcome"] == "adjusted"
    assert lines[lost.id]["variance"] == -1
    assert lines[lost.id]["variance_value"] == "-2.00"
    assert lines[found.id]["variance_value"] == "4.00"
    assert task_row(task_id).posting_id is not None
    assert ledger_clean()


def test_a_case_counts_its_pack_quantity(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 12})  # case of 6
    task_id = count_task(cf, "A-1", it.id)
    claim(cf, client)

    line = count(cf, client, task_id, "A-1", it.case_barcode, 2)

    assert line.body["line"]["counted_qty"] == 12
    assert finish(cf, client, task_id).body["outcome"] == "matched"


def test_items_the_ledger_holds_but_nobody_counted_are_counted_zero(app, users, auth, client):
    cf = count_floor(app, users, auth)
    counted = costed_item(cf.floor, {"A-1": 3})
    forgotten = costed_item(cf.floor, {"A-1": 1})
    task_id = count_task(cf, "A-1")
    claim(cf, client)

    count(cf, client, task_id, "A-1", counted.each_barcode, 3)
    done = finish(cf, client, task_id)

    assert done.body["outcome"] == "adjusted"  # one unit of C is within tolerance
    adj, bin_id = virtual("INV-ADJ").id, cf.bin("A-1").id
    assert count_movements(task_id) == [
        (forgotten.id, 1, bin_id, adj, "count_loss", users["worker"].id, "count")
    ]
    zero = [ln for ln in review(cf, client, task_id)["lines"] if ln["item"]["id"] == forgotten.id]
    assert [(z["counted_qty"], z["system_qty"]) for z in zero] == [(0, 1)]


def test_scanning_an_empty_bin_confirms_zero(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 2})
    task_id = count_task(cf, "A-1")
    claim(cf, client)

    done = finish(cf, client, task_id, empty=True, location=cf.bin("A-1").code)

    assert done.status == 200, done.body
    assert done.body["outcome"] == "adjusted"
    assert on_hand(it.id, cf.bin("A-1").id) == 0


def test_an_item_count_of_an_emptied_bin_confirmed_empty_is_a_matched_count(
    app, users, auth, client
):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"B-1": 3})  # none in A-1
    task_id = count_task(cf, "A-1", it.id, reason="empty_bin")
    claim(cf, client)

    done = finish(cf, client, task_id, empty=True, location=cf.bin("A-1").code)

    assert done.body["outcome"] == "matched"
    [line] = review(cf, client, task_id)["lines"]
    assert (line["item"]["id"], line["system_qty"], line["counted_qty"]) == (it.id, 0, 0)
    assert line["outcome"] == "matched"
    assert count_movements(task_id) == []


def test_an_item_the_ledger_does_not_have_in_the_bin_is_recorded_not_refused(
    app, users, auth, client
):
    cf = count_floor(app, users, auth)
    costed_item(cf.floor, {"A-1": 2})
    stray = costed_item(cf.floor, {"B-1": 5})
    task_id = count_task(cf, "A-1")
    claim(cf, client)

    line = count(cf, client, task_id, "A-1", stray.each_barcode, 1)
    finish(cf, client, task_id, empty=False)

    assert line.status == 200, line.body
    assert line.body["line"]["unexpected"] is True
    assert on_hand(stray.id, cf.bin("A-1").id) == 1


def test_a_lot_tracked_item_is_counted_per_lot_even_a_lot_never_seen(app, users, auth, client):
    cf = count_floor(app, users, auth)
    stock = {("A-1", "L1"): 5, ("A-1", "L2"): 3}
    it = stock_item(cf.floor, lots={"L1": None, "L2": None}, lot_stock=stock)
    task_id = count_task(cf, "A-1", it.id)
    claim(cf, client)

    count(cf, client, task_id, "A-1", it.each_barcode, 5, lot="L1")
    count(cf, client, task_id, "A-1", it.each_barcode, 2, lot="l2")
    new_lot = count(cf, client, task_id, "A-1", it.each_barcode, 1, lot="L9")
    done = finish(cf, client, task_id)

    assert new_lot.body["line"]["lot"]["code"] == "L9"
    assert new_lot.body["line"]["unexpected"] is True
    assert done.body["outcome"] == "adjusted"
    moved = sorted((m[1], m[4]) for m in count_movements(task_id))
    assert moved == [(1, "count_gain"), (1, "count_loss")]
    lots = {ln["lot"]["code"]: ln["variance"] for ln in review(cf, client, task_id)["lines"]}
    assert lots == {"L1": 0, "L2": -1, "L9": 1}
    assert ledger_clean()


def test_a_variance_beyond_tolerance_goes_to_a_recount_its_counter_cannot_claim(
    app, users, auth, client
):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 5)

    done = finish(cf, client, task_id)

    assert done.body["outcome"] == "recount"
    assert done.body["task"]["status"] == "recount"
    assert done.body["task"]["attempt"] == 2
    assert done.body["task"]["assigned_to"] is None
    assert count_movements(task_id) == []
    assert claim(cf, client, "worker").body["task"] is None
    recount = claim(cf, client, "worker2").body["task"]
    assert recount["id"] == task_id
    assert [r["item"]["id"] for r in recount["recount_items"]] == [it.id]
    assert recount["counted"] == []


def test_a_recount_within_tolerance_posts_the_recount_variance(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 5)
    finish(cf, client, task_id)
    claim(cf, client, "worker2")

    count(cf, client, task_id, "A-1", it.each_barcode, 9, who="worker2")
    done = finish(cf, client, task_id, who="worker2")

    assert done.body["outcome"] == "adjusted"
    assert done.body["task"]["status"] == "counted"
    adj, bin_id = virtual("INV-ADJ").id, cf.bin("A-1").id
    assert count_movements(task_id) == [
        (it.id, 1, bin_id, adj, "count_loss", cf.users["worker2"].id, "count")
    ]
    seen = review(cf, client, task_id)
    assert [(ln["attempt"], ln["outcome"]) for ln in seen["lines"]] == [
        (1, "superseded"),
        (2, "adjusted"),
    ]
    assert seen["counted_by"]["username"] == "worker"
    assert seen["recounted_by"]["username"] == "worker2"
    assert ledger_clean()


def test_a_recount_beyond_tolerance_waits_for_approval_and_posts_nothing(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    classify(it.id, cf.wh.id, "A")  # A tolerates no variance at all
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 9)
    assert finish(cf, client, task_id).body["outcome"] == "recount"
    claim(cf, client, "worker2")

    count(cf, client, task_id, "A-1", it.each_barcode, 8, who="worker2")
    done = finish(cf, client, task_id, who="worker2")

    assert done.body["outcome"] == "approval"
    assert done.body["task"]["status"] == "approval"
    assert count_movements(task_id) == []
    assert on_hand(it.id, cf.bin("A-1").id) == 10
    seen = review(cf, client, task_id)
    assert seen["pending_value"] == "4.00"
    assert seen["needs_manager"] is False
    waiting = [ln for ln in seen["lines"] if ln["outcome"] == "approval"]
    assert [(ln["attempt"], ln["abc_class"], ln["variance"]) for ln in waiting] == [(2, "A", -2)]


def test_a_recount_counts_only_the_lines_sent_to_it(app, users, auth, client):
    cf = count_floor(app, users, auth)
    fine = costed_item(cf.floor, {"A-1": 4})
    off = costed_item(cf.floor, {"A-1": 10})
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    count(cf, client, task_id, "A-1", fine.each_barcode, 4)
    count(cf, client, task_id, "A-1", off.each_barcode, 1)
    finish(cf, client, task_id)
    claim(cf, client, "worker2")

    refused = count(cf, client, task_id, "A-1", fine.each_barcode, 4, who="worker2")
    count(cf, client, task_id, "A-1", off.each_barcode, 10, who="worker2")
    done = finish(cf, client, task_id, who="worker2")

    assert refused.status == 409 and refused.code == "not_in_recount"
    assert done.body["outcome"] == "matched"
    assert count_movements(task_id) == []


def test_a_supervisor_lists_and_assigns_tasks_but_never_a_recount_to_its_counter(
    app, users, auth, client
):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 1)
    finish(cf, client, task_id)
    sup = cf.auth("supervisor")

    listed = client.get(
        "/api/v1/count-tasks", query_string={"warehouse": cf.wh.code}, headers=sup
    ).get_json()
    to_counter = client.post(
        f"/api/v1/count-tasks/{task_id}/assign", json={"user": "worker"}, headers=sup
    )
    to_other = client.post(
        f"/api/v1/count-tasks/{task_id}/assign", json={"user": "worker2"}, headers=sup
    )

    assert [(t["id"], t["status"]) for t in listed["tasks"]] == [(task_id, "recount")]
    assert to_counter.status_code == 409
    assert to_counter.get_json()["error"]["code"] == "counter_cannot_recount"
    assert to_other.status_code == 200, to_other.get_json()
    assert to_other.get_json()["assigned_to"]["username"] == "worker2"


def test_a_task_given_back_returns_to_the_queue_and_a_cancelled_one_leaves_it(
    app, users, auth, client
):
    cf = count_floor(app, users, auth)
    costed_item(cf.floor, {"A-1": 1, "A-2": 1})
    first = count_task(cf, "A-1")
    second = count_task(cf, "A-2")
    claim(cf, client)

    back = client.post(f"/api/v1/count-tasks/{first}/unassign", headers=cf.auth("worker"))
    cancelled = client.post(f"/api/v1/count-tasks/{first}/cancel", headers=cf.auth("supervisor"))
    next_claim = claim(cf, client)

    assert back.status_code == 200 and back.get_json()["assigned_to"] is None
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert next_claim.body["task"]["id"] == second
