"""Counts raised by events: a putaway that overrides the suggested bin counts that bin; a
pick, transfer or putaway that empties an item's stock in a bin counts it there. Nothing is
raised twice (a replayed request, an open task), and the empty-bin check costs a posting at
most one statement, none when nothing came out of a physical location."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from scanfloor.catalog.locations_service import create_location
from scanfloor.extensions import db
from tests.count_plan_helpers import move, tasks
from tests.factories import virtual
from tests.putaway_helpers import build_site, item, lot, receive, tasks_of

CONFIRM = "/api/v1/putaway/confirm"
CHECK = "LEFT JOIN balances b ON b.location_id = l.id"


def confirm(client: Any, headers: dict[str, str], key: str | None = None, **body: Any) -> Any:
    h = dict(headers, **({"Idempotency-Key": key} if key else {}))
    return client.post(CONFIRM, json=body, headers=h)


@pytest.fixture
def dock_stock(app: Any) -> tuple[Any, Any]:
    """12 on the dock; A-1 already holds the item, so A-1 is suggested."""
    site = build_site()
    it = item()
    receive(it.id, site.bin("A1").id, 3)
    receive(it.id, site.dock.id, 12)
    return site, it


# --- refused putaway ---------------------------------------------------------------------------


def test_a_putaway_that_overrides_the_suggestion_counts_the_suggested_bin(client, auth, dock_stock):
    site, _ = dock_stock
    [task] = tasks_of(client, auth("worker"))
    body = {"task_id": task["id"], "to_location": "B-1", "override_reason": "A-1 is full"}

    r = confirm(client, auth("worker"), key="put-1", **body)
    again = confirm(client, auth("worker"), key="put-1", **body)

    assert r.status_code == 201, r.get_json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    [count] = tasks()
    assert (count.reason, count.location_id, count.item_id) == (
        "refused_putaway",
        site.bin("A1").id,
        None,
    )
    assert (count.source_type, count.source_id, count.status) == ("putaway", task["id"], "open")
    assert count.raised_by is not None


def test_the_bin_the_scanner_showed_is_the_one_counted(client, auth, app):
    site = build_site()
    it = item(zone="B")
    receive(it.id, site.dock.id, 4)
    [task] = tasks_of(client, auth("worker"))
    shown = task["suggested_location"]
    assert shown["code"] == "B-1"
    receive(it.id, site.bin("B2").id, 1)  # the live suggestion moves on to B-2

    r = confirm(
        client,
        auth("worker"),
        task_id=task["id"],
        to_location="A-1",
        suggested_location_id=shown["id"],
        override_reason="B-1 blocked",
    )

    assert r.status_code == 201, r.get_json()
    assert [(t.reason, t.location_id) for t in tasks()] == [("refused_putaway", shown["id"])]


def test_following_the_suggestion_raises_no_count_and_an_emptied_dock_is_not_counted(
    client, auth, dock_stock
):
    [task] = tasks_of(client, auth("worker"))
    r = confirm(client, auth("worker"), task_id=task["id"], to_location="A-1")
    assert r.status_code == 201, r.get_json()
    assert tasks() == []


def test_an_override_refused_for_want_of_a_reason_raises_nothing(client, auth, dock_stock):
    [task] = tasks_of(client, auth("worker"))
    r = confirm(client, auth("worker"), task_id=task["id"], to_location="B-1")
    assert r.status_code == 422
    assert tasks() == []


# --- empty bin ---------------------------------------------------------------------------------


@pytest.fixture
def stocked(app: Any) -> dict[str, Any]:
    site = build_site()
    staging = create_location(code="STG-1", type="staging", parent_id=site.wh.id)
    it = item()
    receive(it.id, site.bin("A1").id, 5)
    return {"site": site, "staging": staging, "item": it}


def test_a_pick_that_empties_a_bin_counts_the_item_there(stocked):
    s = stocked
    a1 = s["site"].bin("A1").id
    move("pick", s["item"].id, 2, a1, s["staging"].id)
    assert tasks() == []  # 3 left: no doubt

    posted = move("pick", s["item"].id, 3, a1, s["staging"].id)

    [count] = tasks()
    assert (count.reason, count.location_id, count.item_id, count.warehouse_id) == (
        "empty_bin",
        a1,
        s["item"].id,
        s["site"].wh.id,
    )
    assert (count.source_type, count.source_id) == ("posting", str(posted.posting_id))


def test_a_transfer_that_empties_a_bin_counts_it_and_an_open_count_is_not_doubled(stocked):
    s = stocked
    a1, a2 = s["site"].bin("A1").id, s["site"].bin("A2").id
    move("transfer", s["item"].id, 5, a1, a2)
    move("transfer", s["item"].id, 5, a2, a1)
    move("transfer", s["item"].id, 5, a1, a2)  # A-1 empty again while its count is open
    assert sorted((t.location_id, t.reason) for t in tasks()) == [
        (a1, "empty_bin"),
        (a2, "empty_bin"),
    ]


def test_a_bin_still_holding_another_lot_of_the_item_is_not_empty(app):
    site = build_site()
    staging = create_location(code="STG-1", type="staging", parent_id=site.wh.id)
    it = item(lots=True)
    l1, l2 = lot(it.id, "L1"), lot(it.id, "L2")
    receive(it.id, site.bin("A1").id, 2, lot_id=l1.id)
    receive(it.id, site.bin("A1").id, 2, lot_id=l2.id)
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    def pick(lot_id: int) -> None:
        line = MovementLine(
            item_id=it.id,
            quantity=2,
            from_location_id=site.bin("A1").id,
            to_location_id=staging.id,
            lot_id=lot_id,
        )
        post(PostingRequest(movement_type="pick", lines=(line,)))

    pick(l1.id)
    assert tasks() == []
    pick(l2.id)
    assert [t.reason for t in tasks()] == ["empty_bin"]


def test_with_the_setting_off_an_emptied_bin_raises_nothing(app, stocked):
    app.config["SCANFLOOR_COUNT_EMPTY_BINS"] = False
    move("pick", stocked["item"].id, 5, stocked["site"].bin("A1").id, stocked["staging"].id)
    assert tasks() == []


def test_a_replayed_posting_raises_nothing_twice(stocked):
    s = stocked
    args = ("pick", s["item"].id, 5, s["site"].bin("A1").id, s["staging"].id)
    first = move(*args, key="pick-once")
    second = move(*args, key="pick-once")
    assert second.replayed and second.posting_id == first.posting_id
    assert len(tasks()) == 1


def test_the_empty_bin_check_costs_one_statement_and_none_without_a_physical_source(stocked):
    s = stocked
    seen: list[str] = []

    def spy(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if CHECK in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        receive(s["item"].id, s["site"].bin("A2").id, 1)  # from VENDOR: virtual, known
        assert seen == []
        move("ship", s["item"].id, 1, s["site"].bin("A2").id, virtual("CUSTOMER").id)
        assert seen == []  # not a pick, transfer or putaway
        move("pick", s["item"].id, 1, s["site"].bin("A1").id, s["staging"].id)
        assert len(seen) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
