"""Every refusal of the count workflow leaves the ledger, the count lines and the tasks as
they were; and what the counter sees is blind: no quantity the ledger holds, anywhere.
Runs on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.counting_helpers import (
    CountFloor,
    Reply,
    claim,
    classify,
    costed_item,
    count,
    count_floor,
    count_task,
    decide,
    finish,
    lines_snapshot,
    move_out,
)
from tests.picking_helpers import stock_item, stocked_warehouse
from tests.putaway_helpers import snapshot

Refused = Callable[[], Reply]


def _post(client: Any, url: str, headers: dict[str, str], body: dict[str, Any]) -> Reply:
    r = client.post(url, json=body, headers=headers)
    return Reply(r.status_code, r.get_json() or {})


def _held(cf: CountFloor, client: Any, stock: int = 10, item_id: bool = False) -> tuple[Any, int]:
    it = costed_item(cf.floor, {"A-1": stock})
    task_id = count_task(cf, "A-1", it.id if item_id else None)
    assert claim(cf, client).body["task"]["id"] == task_id
    return it, task_id


def _in_recount(cf: CountFloor, client: Any) -> tuple[Any, Any, int]:
    off = costed_item(cf.floor, {"A-1": 10})
    fine = costed_item(cf.floor, {"A-1": 3})
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    count(cf, client, task_id, "A-1", off.each_barcode, 1)
    count(cf, client, task_id, "A-1", fine.each_barcode, 3)
    assert finish(cf, client, task_id).body["outcome"] == "recount"
    assert claim(cf, client, "worker2").body["task"]["id"] == task_id
    return off, fine, task_id


def _approval(cf: CountFloor, client: Any, counter: str, cost: str = "2.00") -> int:
    it = costed_item(cf.floor, {"A-1": 10}, unit_cost=cost)
    classify(it.id, cf.wh.id, "A")
    task_id = count_task(cf, "A-1")
    claim(cf, client, counter)
    count(cf, client, task_id, "A-1", it.each_barcode, 4, who=counter)
    finish(cf, client, task_id, who=counter)
    claim(cf, client, "worker2")
    count(cf, client, task_id, "A-1", it.each_barcode, 4, who="worker2")
    assert finish(cf, client, task_id, who="worker2").body["outcome"] == "approval"
    return task_id


def _wrong_bin(cf: CountFloor, client: Any) -> Refused:
    it, task_id = _held(cf, client)
    return lambda: count(cf, client, task_id, "A-2", it.each_barcode, 10)


def _not_held(cf: CountFloor, client: Any) -> Refused:
    it, task_id = _held(cf, client)
    return lambda: count(cf, client, task_id, "A-1", it.each_barcode, 10, who="worker2")


def _wrong_item(cf: CountFloor, client: Any) -> Refused:
    _it, task_id = _held(cf, client, item_id=True)
    other = costed_item(cf.floor, {"A-1": 2})
    return lambda: count(cf, client, task_id, "A-1", other.each_barcode, 2)


def _not_in_recount(cf: CountFloor, client: Any) -> Refused:
    _off, fine, task_id = _in_recount(cf, client)
    return lambda: count(cf, client, task_id, "A-1", fine.each_barcode, 3, who="worker2")


def _lot_required(cf: CountFloor, client: Any) -> Refused:
    it = stock_item(cf.floor, lots={"L1": None}, lot_stock={("A-1", "L1"): 4})
    task_id = count_task(cf, "A-1", it.id)
    claim(cf, client)
    return lambda: count(cf, client, task_id, "A-1", it.each_barcode, 4)


def _finish_not_held(cf: CountFloor, client: Any) -> Refused:
    it, task_id = _held(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 9)
    return lambda: finish(cf, client, task_id, who="worker2")


def _nothing_counted(cf: CountFloor, client: Any) -> Refused:
    _it, task_id = _held(cf, client)
    return lambda: finish(cf, client, task_id)


def _empty_wrong_bin(cf: CountFloor, client: Any) -> Refused:
    _it, task_id = _held(cf, client)
    return lambda: finish(cf, client, task_id, empty=True, location=cf.bin("A-2").code)


def _closed(cf: CountFloor, client: Any) -> Refused:
    it, task_id = _held(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 10)
    assert finish(cf, client, task_id).body["outcome"] == "matched"
    return lambda: count(cf, client, task_id, "A-1", it.each_barcode, 3)


def _loss_no_longer_there(cf: CountFloor, client: Any) -> Refused:
    it, task_id = _held(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 9)  # one missing (within tolerance)
    move_out(it.id, cf.bin("A-1").id, cf.bin("B-1").id, 10)  # then the ledger empties it
    return lambda: finish(cf, client, task_id)


def _counter_approves(cf: CountFloor, client: Any) -> Refused:
    task_id = _approval(cf, client, "supervisor")
    return lambda: decide(cf, client, task_id, "supervisor")


def _supervisor_above_threshold(cf: CountFloor, client: Any) -> Refused:
    task_id = _approval(cf, client, "worker", cost="100.00")
    return lambda: decide(cf, client, task_id, "supervisor")


def _not_awaiting(cf: CountFloor, client: Any) -> Refused:
    _it, task_id = _held(cf, client)
    return lambda: decide(cf, client, task_id, "supervisor")


def _recount_to_counter(cf: CountFloor, client: Any) -> Refused:
    _off, _fine, task_id = _in_recount(cf, client)
    url = f"/api/v1/count-tasks/{task_id}/assign"
    return lambda: _post(client, url, cf.auth("supervisor"), {"user": "worker"})


def _cancel_counted(cf: CountFloor, client: Any) -> Refused:
    it, task_id = _held(cf, client)
    count(cf, client, task_id, "A-1", it.each_barcode, 10)
    finish(cf, client, task_id)
    url = f"/api/v1/count-tasks/{task_id}/cancel"
    return lambda: _post(client, url, cf.auth("supervisor"), {})


def _claim_elsewhere(cf: CountFloor, client: Any) -> Refused:
    other = stocked_warehouse("X", channel=None)
    url = "/api/v1/count-tasks/claim"
    return lambda: _post(client, url, cf.auth("worker"), {"warehouse": other.wh.code})


REFUSALS: dict[str, tuple[Callable[[CountFloor, Any], Refused], int, str]] = {
    "another bin": (_wrong_bin, 409, "wrong_location"),
    "not the holder": (_not_held, 409, "task_not_held"),
    "another item on an item count": (_wrong_item, 409, "wrong_item"),
    "an item the recount does not recount": (_not_in_recount, 409, "not_in_recount"),
    "a lot-tracked item without its lot": (_lot_required, 422, "lot_required"),
    "finishing a task held by another": (_finish_not_held, 409, "task_not_held"),
    "finishing without counting": (_nothing_counted, 422, "nothing_counted"),
    "an empty bin confirmed by another bin": (_empty_wrong_bin, 409, "wrong_location"),
    "counting on a closed task": (_closed, 409, "count_task_closed"),
    "a loss the bin no longer holds": (_loss_no_longer_there, 409, "insufficient_stock"),
    "the counter approving": (_counter_approves, 403, "approver_counted"),
    "a supervisor above the threshold": (_supervisor_above_threshold, 403, "manager_required"),
    "deciding a task not awaiting approval": (_not_awaiting, 409, "not_awaiting_approval"),
    "a recount assigned to its counter": (_recount_to_counter, 409, "counter_cannot_recount"),
    "cancelling a counted task": (_cancel_counted, 409, "count_task_closed"),
    "claiming in a warehouse without rights": (_claim_elsewhere, 403, "warehouse_not_allowed"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refusal_leaves_the_ledger_and_the_count_unchanged(case, app, users, auth, client):
    setup, status, code = REFUSALS[case]
    cf = count_floor(app, users, auth)
    refused_call = setup(cf, client)
    ledger_before, lines_before = snapshot(), lines_snapshot()

    refused = refused_call()

    assert (refused.status, refused.code) == (status, code), refused.body
    assert set(refused.body["error"]) == {"code", "message", "details"}
    assert snapshot() == ledger_before
    assert lines_snapshot() == lines_before


def _keys(doc: Any) -> set[str]:
    if isinstance(doc, dict):
        return set(doc) | {k for v in doc.values() for k in _keys(v)}
    if isinstance(doc, list):
        return {k for v in doc for k in _keys(v)}
    return set()


LEDGER_ONLY = {"system_qty", "variance", "variance_value", "unit_value", "pending_value", "lines"}


def test_what_the_counter_sees_never_carries_a_system_quantity(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 9137})  # a number nothing else in the answers is
    task_id = count_task(cf, "A-1")
    seen = [claim(cf, client).body]
    seen.append(count(cf, client, task_id, "A-1", it.each_barcode, 5).body)
    seen.append(client.get(f"/api/v1/count-tasks/{task_id}", headers=cf.auth("worker")).get_json())
    seen.append(finish(cf, client, task_id).body)  # off by 9132: a recount
    recount = claim(cf, client, "worker2").body
    seen.append(recount)
    seen.append(count(cf, client, task_id, "A-1", it.each_barcode, 6, who="worker2").body)
    seen.append(
        client.get(f"/api/v1/count-tasks/{task_id}", headers=cf.auth("supervisor")).get_json()
    )
    seen.append(
        client.post(
            f"/api/v1/count-tasks/{task_id}/unassign", headers=cf.auth("worker2")
        ).get_json()
    )

    assert recount["task"]["recount_items"][0]["item"]["id"] == it.id
    for answer in seen:
        assert _keys(answer) & LEDGER_ONLY == set(), answer
        assert "9137" not in json.dumps(answer), answer
        assert "9132" not in json.dumps(answer), answer
