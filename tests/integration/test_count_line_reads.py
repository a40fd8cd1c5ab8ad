"""Recording a counted line reads the task, the item's class, value and tolerance and the
ledger's quantity in one statement and answers with the task view it built inside the
writing transaction: the rules those reads stand for, and the answer, must not move.
Runs on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import delete, event

from scanfloor.counting.models import CountPolicy
from scanfloor.extensions import db
from tests.counting_helpers import (
    claim,
    classify,
    costed_item,
    count,
    count_floor,
    count_task,
    review,
)


def _own_policy(warehouse_id: int, cls: str, units: int, value: str) -> None:
    db.session.add(
        CountPolicy(
            warehouse_key=warehouse_id,
            abc_class=cls,
            interval_days=30,
            tolerance_units=units,
            tolerance_value=Decimal(value),
            cumulative_share=Decimal("1.00") if cls == "C" else Decimal("0.90"),
        )
    )
    db.session.commit()


def _judged(cf: Any, client: Any, task_id: int) -> bool:
    [line] = review(cf, client, task_id)["lines"]
    return bool(line["within_tolerance"])


def test_a_warehouse_policy_judges_its_counts_over_the_every_warehouse_one(
    app, users, auth, client
):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})  # unclassified: C, 2 units everywhere
    _own_policy(cf.wh.id, "C", 0, "0.00")  # this warehouse allows no variance
    task_id = count_task(cf, "A-1")
    claim(cf, client)

    count(cf, client, task_id, "A-1", it.each_barcode, 9)

    assert _judged(cf, client, task_id) is False


def test_a_class_without_a_policy_row_is_judged_by_the_seeded_default(app, users, auth, client):
    cf = count_floor(app, users, auth)
    it = costed_item(cf.floor, {"A-1": 10})
    classify(it.id, cf.wh.id, "B")
    db.session.execute(delete(CountPolicy).where(CountPolicy.abc_class == "B"))
    db.session.commit()
    task_id = count_task(cf, "A-1")
    claim(cf, client)

    count(cf, client, task_id, "A-1", it.each_barcode, 9)  # default B: 1 unit, 25.00
    one_short = _judged(cf, client, task_id)
    count(cf, client, task_id, "A-1", it.each_barcode, 8)  # re-entered: the last count stands
    two_short = _judged(cf, client, task_id)

    assert (one_short, two_short) == (True, False)


def test_the_answer_shows_the_task_as_reading_it_afresh_does(app, users, auth, client):
    cf = count_floor(app, users, auth)
    a = costed_item(cf.floor, {"A-1": 4})
    b = costed_item(cf.floor, {"A-1": 6})
    task_id = count_task(cf, "A-1", a.id)  # an item count: the view names its barcodes
    claim(cf, client)
    count(cf, client, task_id, "A-1", a.each_barcode, 4)

    answer = count(cf, client, task_id, "A-1", a.case_barcode, 1)
    fresh = client.get(f"/api/v1/count-tasks/{task_id}", headers=cf.auth("worker"))

    assert answer.status == 200, answer.body
    assert answer.body["task"] == fresh.get_json()
    assert answer.body["task"]["item"]["barcodes"]
    assert [c["item"]["id"] for c in answer.body["task"]["counted"]] == [a.id]
    assert b.id not in [c["item"]["id"] for c in answer.body["task"]["counted"]]


def test_a_count_costs_the_same_statements_however_many_lines_are_counted(app, users, auth, client):
    cf = count_floor(app, users, auth)
    items = [costed_item(cf.floor, {"A-1": 5}) for _ in range(4)]
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    seen: list[int] = []

    def spy(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if not statement.startswith("BEGIN"):  # transaction control, not reads or writes
            seen[-1] += 1

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        for it in items:
            seen.append(0)
            assert count(cf, client, task_id, "A-1", it.each_barcode, 5).status == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)

    assert len(set(seen)) == 1, seen
    assert seen[0] <= 8, seen  # was 21: each read and write of the line is one statement
