"""The board's "Returns to inspect" and "Count approvals" queues, on both databases: what
they count, how old the oldest is, that another warehouse's returns and counts stay off
this board, and which changes recompute them live."""

from __future__ import annotations

import time
from typing import Any

import pytest

from scanfloor.board.service import board_for
from scanfloor.floor_events import announce_floor_change
from tests.board_returns_counts_helpers import count_task, rma, waiting_line
from tests.factories import make_bin_in, make_item, make_warehouse


@pytest.fixture
def floor(app: Any, users: dict[str, Any]) -> dict[str, Any]:
    north, south = make_warehouse("NORTH"), make_warehouse("SOUTH")
    bin1, bin2 = make_bin_in(north, "N-B1"), make_bin_in(north, "N-B2")
    s_bin = make_bin_in(south, "S-B1")
    item = make_item("RC-1")
    w, s = users["worker"].id, users["supervisor"].id

    # Returns: two arrived with units awaiting (90 and 10 minutes ago), one authorised
    # (nothing arrived), one completed, one arrived and fully inspected; one in SOUTH.
    rma(north, item, status="arrived", expected=3, received=3, inspected=1, arrived_minutes_ago=90)
    rma(north, item, status="arrived", expected=2, received=1, arrived_minutes_ago=10)
    rma(north, item, status="authorised", expected=5)
    rma(north, item, status="completed", expected=1, received=1, inspected=1,
        arrived_minutes_ago=300)  # fmt: skip
    rma(north, item, status="arrived", expected=2, received=2, inspected=2, arrived_minutes_ago=500)
    rma(south, item, status="arrived", expected=4, received=4, arrived_minutes_ago=45)

    # Counts: two waiting for approval (one worth more than a supervisor may approve), two
    # open, one in recount, one done; one waiting in SOUTH.
    big = count_task(north, bin1, status="approval", counted_by=w, recounted_by=s,
                     waiting_minutes=50)  # fmt: skip
    waiting_line(big, item, system=20, counted=10, unit_value="80.00", by=s)  # 800.00 > 500
    small = count_task(north, bin2, status="approval", counted_by=w, recounted_by=s,
                       waiting_minutes=20)  # fmt: skip
    waiting_line(small, item, system=5, counted=3, unit_value="5.00", by=s)  # 10.00
    count_task(north, bin1, status="open")
    count_task(north, bin2, status="open")
    count_task(north, bin2, status="recount", counted_by=w)
    count_task(north, bin1, status="counted", counted_by=w)
    far = count_task(south, s_bin, status="approval", counted_by=w, recounted_by=s,
                     waiting_minutes=5)  # fmt: skip
    waiting_line(far, item, system=1, counted=0, unit_value="1.00", by=s)
    return {"north": north, "south": south}


def test_returns_to_inspect_counts_returns_with_units_awaiting_and_the_oldest_arrival(floor):
    q = board_for(floor["north"].id, ["to_inspect"]).queues["to_inspect"]
    # 2 + 1 units awaiting; neither the authorised, the completed nor the fully inspected one.
    assert (q.count, q.units) == (2, 3)
    assert 89 <= q.oldest_age_minutes <= 91


def test_count_approvals_count_waiting_tasks_and_those_only_a_manager_may_approve(floor):
    q = board_for(floor["north"].id, ["count_approvals"]).queues["count_approvals"]
    assert q.count == 2
    assert q.detail == {"needs_manager": 1, "open": 2, "recount": 1}
    assert 49 <= q.oldest_age_minutes <= 51  # since the recount confirmed the variance


def test_another_warehouses_returns_and_approvals_stay_on_its_own_board(floor):
    board = board_for(floor["south"].id, ["to_inspect", "count_approvals"])
    inspect, approvals = board.queues["to_inspect"], board.queues["count_approvals"]
    assert (inspect.count, inspect.units) == (1, 4) and 44 <= inspect.oldest_age_minutes <= 46
    assert (approvals.count, approvals.detail) == (1, {"needs_manager": 0, "open": 0, "recount": 0})


def test_an_empty_warehouse_has_nothing_to_inspect_or_approve(app):
    board = board_for(make_warehouse("EMPTY").id, ["to_inspect", "count_approvals"])
    assert {n: (q.count, q.units, q.oldest_age_minutes) for n, q in board.queues.items()} == {
        "to_inspect": (0, 0, None),
        "count_approvals": (0, 0, None),
    }


def test_the_board_api_carries_both_queues(client, auth, floor):
    r = client.get("/api/v1/board?warehouse=NORTH", headers=auth("manager"))
    assert r.status_code == 200, r.get_json()
    queues = r.get_json()["queues"]
    assert (queues["to_inspect"]["count"], queues["to_inspect"]["units"]) == (2, 3)
    assert queues["count_approvals"]["count"] == 2
    assert queues["count_approvals"]["detail"] == {"needs_manager": 1, "open": 2, "recount": 1}


def test_return_scrap_and_count_postings_recompute_the_queues_they_change():
    from scanfloor.realtime.board import sections_for_posting

    assert set(sections_for_posting("return")) == {"to_inspect", "feed"}
    assert set(sections_for_posting("scrap")) == {"to_inspect", "feed"}
    assert set(sections_for_posting("count")) == {"count_approvals", "exceptions", "feed"}


def _capture(monkeypatch: Any, app: Any) -> tuple[list[dict[str, Any]], Any]:
    from scanfloor.realtime import board as live_board

    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        live_board.socketio, "emit", lambda event, data, namespace, to: sent.append(data)
    )
    coalescer = live_board.Coalescer(window=0.2)
    monkeypatch.setattr(live_board, "coalescer", lambda _app=None: coalescer)
    monkeypatch.setattr(live_board, "_listening", lambda _app: True)
    return sent, coalescer


def _wait(sent: list[Any], n: int = 1, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(sent) < n:
        time.sleep(0.02)


@pytest.mark.parametrize(
    ("queue", "sections"),
    [("to_inspect", {"to_inspect"}), ("count_approvals", {"count_approvals", "exceptions"})],
)
def test_a_floor_change_of_the_queue_goes_out_with_its_new_figures(
    app, floor, monkeypatch, queue, sections
):
    sent, _ = _capture(monkeypatch, app)
    north = floor["north"].id
    announce_floor_change(north, queue)  # no transaction open: sent at once
    _wait(sent)
    [update] = sent
    assert update["warehouse_id"] == north and set(update["sections"]) == sections
    assert set(update["queues"]) == sections
    if queue == "to_inspect":
        shown = update["queues"]["to_inspect"]
        assert (shown["count"], shown["units"]) == (2, 3)
    else:
        assert update["queues"]["count_approvals"]["detail"]["needs_manager"] == 1
        assert update["exceptions"]["count_tasks"] == 2  # the open ones
