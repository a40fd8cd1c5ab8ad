"""The freeze rule: a bin is counted against the ledger at the moment of the count, not at the
task's release, so picking goes on in a bin being counted and makes no phantom variance; and
what an adjustment posts is a delta, so moves after the count stay accounted for.
Runs on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

from scanfloor.picking.pick_service import PickScan, confirm_pick
from tests.counting_helpers import (
    claim,
    classify,
    costed_item,
    count,
    count_floor,
    count_movements,
    count_task,
    count_to_approval,
    decide,
    finish,
    ledger_clean,
    move_out,
    on_hand,
    receive,
    review,
)
from tests.factories import virtual
from tests.picking_helpers import allocated_order
from tests.picking_released import released_task


def test_a_pick_between_release_and_count_makes_no_phantom_variance(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    classify(it.id, cf.wh.id, "A")  # no tolerance: any phantom would show
    task_id = count_task(cf, "A-1")  # released while the bin holds 10
    order = allocated_order(cf.floor, [(it, 3)])
    picker = cf.users["supervisor2"]
    rel = released_task(cf.floor, [order], picker=picker)
    confirm_pick(
        PickScan(rel.task_id, rel.line_ids[0], "A-1", it.each_barcode, 3, cf.floor.tote(1).code),
        actor_id=picker.id,
    )
    claim(cf, client)

    count(cf, client, task_id, "A-1", it.each_barcode, 7)  # what is there after the pick
    done = finish(cf, client, task_id)

    assert done.body["outcome"] == "matched"
    assert count_movements(task_id) == []
    [line] = review(cf, client, task_id)["lines"]
    assert (line["system_qty"], line["counted_qty"], line["variance"]) == (7, 7, 0)
    assert on_hand(it.id, cf.bin("A-1").id) == 7
    assert ledger_clean()


def test_stock_arriving_in_the_bin_before_the_count_is_accounted_for(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    classify(it.id, cf.wh.id, "A")
    task_id = count_task(cf, "A-1")
    receive(it.id, cf.bin("A-1").id, 5, unit_cost="2.00")
    claim(cf, client)

    count(cf, client, task_id, "A-1", it.each_barcode, 15)

    assert finish(cf, client, task_id).body["outcome"] == "matched"
    assert count_movements(task_id) == []


def test_a_move_after_a_line_is_counted_is_kept_by_the_adjustment(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 9)  # one unit missing
    move_out(it.id, cf.bin("A-1").id, cf.bin("B-1").id, 4)  # then 4 leave the bin

    done = finish(cf, client, task_id)

    assert done.body["outcome"] == "adjusted"
    assert [m[1:5] for m in count_movements(task_id)] == [
        (1, cf.bin("A-1").id, virtual("INV-ADJ").id, "count_loss")
    ]
    assert on_hand(it.id, cf.bin("A-1").id) == 5  # 9 counted, 4 moved out since
    assert ledger_clean()


def test_re_entering_a_line_reads_the_ledger_again(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    classify(it.id, cf.wh.id, "A")
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 10)
    move_out(it.id, cf.bin("A-1").id, cf.bin("B-1").id, 3)

    again = count(cf, client, task_id, "A-1", it.each_barcode, 7)
    done = finish(cf, client, task_id)

    assert again.body["task"]["counted"][0]["counted_qty"] == 7
    assert done.body["outcome"] == "matched"
    [line] = review(cf, client, task_id)["lines"]
    assert (line["system_qty"], line["counted_qty"]) == (7, 7)


def test_a_move_between_the_recount_and_the_approval_is_kept(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    classify(it.id, cf.wh.id, "A")
    task_id = count_task(cf, "A-1")
    count_to_approval(cf, client, task_id, "A-1", it.each_barcode, 4, 4)  # 6 missing
    move_out(it.id, cf.bin("A-1").id, cf.bin("B-1").id, 2)  # the ledger: 8; the bin: 2

    done = decide(cf, client, task_id, "supervisor")

    assert done.status == 200, done.body
    assert done.body["status"] == "counted"
    assert [m[1:6] for m in count_movements(task_id)] == [
        (6, cf.bin("A-1").id, virtual("INV-ADJ").id, "count_loss", users["supervisor"].id)
    ]
    assert on_hand(it.id, cf.bin("A-1").id) == 2
    assert ledger_clean()
