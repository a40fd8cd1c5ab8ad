"""Deciding a count variance the recount confirmed: independent of the counting, a manager
above the value threshold (SCANFLOOR_COUNT_MANAGER_VALUE, 500.00 by default), a reason
code every time, and a rejected count counted again. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from scanfloor.counting.queue_queries import approval_summary, open_summary
from scanfloor.floor_events import floor_changed
from tests.counting_helpers import (
    claim,
    classify,
    costed_item,
    count,
    count_floor,
    count_movements,
    count_task,
    decide,
    finish,
    ledger_clean,
    on_hand,
    review,
    task_row,
    tasks_of_bin,
)
from tests.factories import virtual


def _waiting(cf, client, *, unit_cost="2.00", first=4, second=4, counter="worker",
             recounter="worker2"):  # fmt: skip
    """An A item, 10 in A-1, counted and recounted short: a task waiting for approval."""
    it = costed_item(cf.floor, {"A-1": 10}, unit_cost=unit_cost)
    classify(it.id, cf.wh.id, "A")
    task_id = count_task(cf, "A-1")
    assert claim(cf, client, counter).body["task"]["id"] == task_id
    count(cf, client, task_id, "A-1", it.each_barcode, first, who=counter)
    assert finish(cf, client, task_id, who=counter).body["outcome"] == "recount"
    assert claim(cf, client, recounter).body["task"]["id"] == task_id
    count(cf, client, task_id, "A-1", it.each_barcode, second, who=recounter)
    assert finish(cf, client, task_id, who=recounter).body["outcome"] == "approval"
    return it, task_id


def test_the_counter_cannot_approve_their_own_count(app, users, auth, client):
    cf = count_floor(app, users, auth)
    _it, task_id = _waiting(cf, client, counter="supervisor", recounter="worker2")

    refused = decide(cf, client, task_id, "supervisor")
    approved = decide(cf, client, task_id, "supervisor2")

    assert refused.status == 403 and refused.code == "approver_counted"
    assert approved.status == 200, approved.body
    assert approved.body["decided_by"]["username"] == "supervisor2"


def test_the_recounter_cannot_approve_the_count_either(app, users, auth, client):
    cf = count_floor(app, users, auth)
    _it, task_id = _waiting(cf, client, counter="worker", recounter="supervisor")

    refused = decide(cf, client, task_id, "supervisor")
    rejected = decide(cf, client, task_id, "supervisor", decision="reject")

    assert refused.status == 403 and refused.code == "approver_counted"
    assert rejected.status == 403 and rejected.code == "approver_counted"
    assert count_movements(task_id) == []
    assert task_row(task_id).status == "approval"


def test_above_the_value_threshold_a_supervisors_approval_is_not_enough(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it, task_id = _waiting(cf, client, unit_cost="100.00")  # 6 missing: 600.00 > 500.00
    assert review(cf, client, task_id)["needs_manager"] is True

    refused = decide(cf, client, task_id, "supervisor")
    approved = decide(cf, client, task_id, "manager", reason_code="shrinkage")

    assert refused.status == 403 and refused.code == "manager_required"
    assert approved.status == 200, approved.body
    assert approved.body["status"] == "counted"
    assert approved.body["decision_reason"] == "shrinkage"
    bin_id, adj = cf.bin("A-1").id, virtual("INV-ADJ").id
    assert count_movements(task_id) == [
        (it.id, 6, bin_id, adj, "count_loss", users["manager"].id, "count")
    ]
    assert on_hand(it.id, bin_id) == 4
    lines = approved.body["lines"]
    assert [(ln["attempt"], ln["outcome"]) for ln in lines] == [(1, "superseded"), (2, "approved")]
    assert ledger_clean()


def test_a_supervisor_approves_below_the_threshold_and_everything_is_recorded(
    app, users, auth, client
):
    cf = count_floor(app, users, auth)
    it, task_id = _waiting(cf, client, first=13, second=12)  # 2 found: 4.00

    approved = decide(cf, client, task_id, "supervisor")

    assert approved.status == 200, approved.body
    body = approved.body
    assert body["counted_by"]["username"] == "worker"
    assert body["recounted_by"]["username"] == "worker2"
    assert body["decided_by"]["username"] == "supervisor"
    assert body["counted_at"] and body["recounted_at"] and body["decided_at"]
    assert body["posting_id"] is not None
    assert [m[4] for m in count_movements(task_id)] == ["count_gain"]
    assert on_hand(it.id, cf.bin("A-1").id) == 12


def test_a_reject_posts_nothing_and_raises_a_new_count_of_the_bin(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it, task_id = _waiting(cf, client)

    rejected = decide(cf, client, task_id, "supervisor", decision="reject", reason_code="miscount")

    assert rejected.status == 200, rejected.body
    assert rejected.body["status"] == "rejected"
    assert [ln["outcome"] for ln in rejected.body["lines"] if ln["attempt"] == 2] == ["rejected"]
    assert count_movements(task_id) == []
    assert on_hand(it.id, cf.bin("A-1").id) == 10
    [(old, old_status), (new, new_status)] = tasks_of_bin(cf.bin("A-1").id)
    assert (old, old_status, new_status) == (task_id, "rejected", "open")
    assert task_row(new).source_id == str(task_id)


def test_a_reject_can_say_no_new_count(app, users, auth, client):
    cf = count_floor(app, users, auth)
    _it, task_id = _waiting(cf, client)

    rejected = decide(cf, client, task_id, "supervisor", decision="reject", recount=False)

    assert rejected.status == 200
    assert tasks_of_bin(cf.bin("A-1").id) == [(task_id, "rejected")]


def test_every_decision_needs_a_reason_code(app, users, auth, client):
    cf = count_floor(app, users, auth)
    _it, task_id = _waiting(cf, client)

    missing = decide(cf, client, task_id, "supervisor", reason_code="  ")

    assert missing.status == 422
    assert task_row(task_id).status == "approval"


def test_only_a_task_awaiting_approval_is_decided(app, users, auth, client):
    cf = count_floor(app, users, auth)
    costed_item(cf.floor, {"A-1": 1})
    task_id = count_task(cf, "A-1")

    refused = decide(cf, client, task_id, "supervisor")

    assert refused.status == 409 and refused.code == "not_awaiting_approval"


def test_a_worker_cannot_decide(app, users, auth, client):
    cf = count_floor(app, users, auth)
    _it, task_id = _waiting(cf, client, counter="worker2", recounter="supervisor2")

    refused = decide(cf, client, task_id, "worker")

    assert refused.status == 403
    assert task_row(task_id).status == "approval"


def test_the_approval_queue_lists_what_waits_and_what_needs_a_manager(app, users, auth, client):
    cf = count_floor(app, users, auth)
    _it, task_id = _waiting(cf, client, unit_cost="100.00")

    r = client.get(
        "/api/v1/count-approvals", query_string={"warehouse": cf.wh.code},
        headers=cf.auth("supervisor"),
    )  # fmt: skip
    tasks, oldest, managers = approval_summary(cf.wh.id)

    assert r.status_code == 200, r.get_json()
    [waiting] = r.get_json()["tasks"]
    assert waiting["id"] == task_id
    assert waiting["needs_manager"] is True
    assert waiting["pending_value"] == "600.00"
    assert (tasks, managers) == (1, 1) and oldest is not None
    assert open_summary(cf.wh.id) == (0, 0)


def test_deciding_announces_the_approval_queue(app, users, auth, client):
    cf = count_floor(app, users, auth)
    _it, task_id = _waiting(cf, client)
    heard: list[tuple[int, str]] = []

    def listen(_sender, **kw):
        heard.append((kw["warehouse_id"], kw["queue"]))

    floor_changed.connect(listen)
    try:
        decide(cf, client, task_id, "supervisor")
    finally:
        floor_changed.disconnect(listen)

    assert (cf.wh.id, "count_approvals") in heard
