"""Short picks: what was found is picked, the rest of the bin is written off to INV-ADJ at
once, the shortfall is reserved again (another bin here, another warehouse, or backorder),
and the bin gets one count task and the supervisor one exception."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.allocation.channels_service import create_channel
from scanfloor.allocation.models import Reservation
from scanfloor.counting.models import CountTask
from scanfloor.counting.service import list_count_tasks
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement
from scanfloor.picking.models import FloorException, PickLine
from scanfloor.picking.short_service import ShortReport, report_short
from tests.factories import ledger_snapshot, virtual
from tests.picking_helpers import (
    allocated_order,
    order_line_statuses,
    receive_into,
    stock_item,
    stocked_warehouse,
)
from tests.picking_released import assert_books_balance, released_task, reservation_rows


@pytest.fixture
def floor(app: Any) -> Any:
    return stocked_warehouse()


def _loose(location_id: int, item_id: int) -> int:
    db.session.commit()
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(Balance.quantity), 0)).where(
                Balance.location_id == location_id,
                Balance.item_id == item_id,
                Balance.container_id.is_(None),
            )
        )
    )


def _active(order_id: int) -> list[tuple[int, int]]:
    """(warehouse, quantity) of the order's active reservations."""
    from scanfloor.allocation.models import OrderLine

    db.session.commit()
    rows = db.session.execute(
        select(Reservation.warehouse_id, Reservation.quantity)
        .join(OrderLine, OrderLine.id == Reservation.order_line_id)
        .where(OrderLine.order_id == order_id, Reservation.status == "active")
        .order_by(Reservation.id)
    ).all()
    return [(int(w), int(q)) for w, q in rows]


def test_a_short_pick_posts_what_was_found_writes_off_the_rest_and_picks_it_from_another_bin(
    floor, users
):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 4, "B-2": 10})
    order = allocated_order(floor, [(it, 3)])
    rel = released_task(floor, [order], picker=worker)
    adj = virtual("INV-ADJ").id

    got = report_short(
        ShortReport(rel.task_id, rel.line_ids[0], "A-1", 1, "TOTE-1"),
        actor_id=worker.id,
        device_id="scanner-3",
    )

    assert (got.picked, got.short, got.written_off) == (1, 2, 3)
    assert got.outcome == "same_warehouse"
    assert got.line.status == "short" and (got.line.picked, got.line.short) == (1, 2)
    assert _loose(floor.bin("A-1").id, it.id) == 0
    off = db.session.execute(
        select(Movement).where(Movement.to_location_id == adj, Movement.item_id == it.id)
    ).scalar_one()
    assert (off.quantity, off.reason_code, off.movement_type) == (3, "short_pick", "pick")
    assert off.actor_id == worker.id and off.device_id == "scanner-3"
    new = db.session.get(PickLine, got.new_line_id)
    assert (new.task_id, new.location_id, new.quantity, new.status) == (
        rel.task_id,
        floor.bin("B-2").id,
        2,
        "open",
    )
    assert got.task.lines_open == 1 and got.task.status == "claimed"
    assert _active(order.id) == [(floor.wh.id, 2)]
    assert order_line_statuses(order.id) == ["picking"]
    exc = db.session.get(FloorException, got.exception_id)
    assert (exc.kind, exc.actor_id, exc.device_id) == ("short_pick", worker.id, "scanner-3")
    assert (exc.location_id, exc.item_id, exc.order_id) == (floor.bin("A-1").id, it.id, order.id)
    assert exc.at is not None
    assert (exc.details["expected"], exc.details["found"]) == (3, 1)
    counts = list_count_tasks(floor.wh.id)
    assert [(c.id, c.location_id, c.item_id, c.reason) for c in counts] == [
        (got.count_task_id, floor.bin("A-1").id, it.id, "short_pick")
    ]
    assert_books_balance()


def test_a_short_with_nothing_free_in_the_warehouse_is_backordered(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 4})
    order = allocated_order(floor, [(it, 3)])
    rel = released_task(floor, [order], picker=worker)

    got = report_short(ShortReport(rel.task_id, rel.line_ids[0], "A-1", 0), actor_id=worker.id)

    assert (got.picked, got.short, got.written_off) == (0, 3, 4)
    assert got.outcome == "backordered" and got.new_line_id is None
    assert _active(order.id) == []
    assert order_line_statuses(order.id) == ["backordered"]
    assert got.task.status == "done"
    assert db.session.scalar(select(func.count()).select_from(FloorException)) == 1
    assert db.session.scalar(select(func.count()).select_from(CountTask)) == 1
    assert_books_balance()


def test_a_short_goes_to_another_warehouse_the_channel_ships_from(floor, users):
    worker = users["worker"]
    far = stocked_warehouse("X", channel=None)
    create_channel(
        "BOTH", warehouses=[floor.wh.code, far.wh.code], name="Both", kind="web", priority=5
    )
    it = stock_item(floor, {"A-1": 3})
    receive_into(it.id, far.bin("A-1").id, 5)
    order = allocated_order(floor, [(it, 3)], channel="BOTH")
    assert _active(order.id) == [(floor.wh.id, 3)]
    rel = released_task(floor, [order], picker=worker)

    got = report_short(ShortReport(rel.task_id, rel.line_ids[0], "A-1", 0), actor_id=worker.id)

    assert got.outcome == "other_warehouse" and got.new_line_id is None
    assert _active(order.id) == [(far.wh.id, 3)]
    assert order_line_statuses(order.id) == ["allocated"]
    assert_books_balance()


def test_two_shorts_in_one_bin_raise_one_count_task(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 10, "B-1": 4})
    first = allocated_order(floor, [(it, 2)])
    second = allocated_order(floor, [(it, 2)])
    rel = released_task(floor, [first, second], picker=worker)
    a, b = rel.line_ids

    one = report_short(ShortReport(rel.task_id, a, "A-1", 1, "TOTE-1"), actor_id=worker.id)
    two = report_short(ShortReport(rel.task_id, b, "A-1", 0), actor_id=worker.id)

    assert one.count_task_id == two.count_task_id
    assert db.session.scalar(select(func.count()).select_from(CountTask)) == 1
    assert db.session.scalar(select(func.count()).select_from(FloorException)) == 2
    assert two.written_off == 0  # the first short left the bin at what was found: taken
    assert_books_balance()


def test_a_report_that_finds_everything_is_no_short_and_changes_nothing(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 4})
    order = allocated_order(floor, [(it, 3)])
    rel = released_task(floor, [order], picker=worker)
    before = (ledger_snapshot(), reservation_rows())

    from scanfloor.errors import ScanfloorError

    with pytest.raises(ScanfloorError) as err:
        report_short(
            ShortReport(rel.task_id, rel.line_ids[0], "A-1", 3, "TOTE-1"), actor_id=worker.id
        )

    assert err.value.code == "not_short"
    assert (ledger_snapshot(), reservation_rows()) == before


def test_the_short_endpoint_answers_the_outcome(floor, users, client, auth):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 2, "A-3": 5})
    order = allocated_order(floor, [(it, 2)])
    rel = released_task(floor, [order], picker=worker)
    body = {"client_scan_id": "s-1", "line_id": rel.line_ids[0], "bin": "A-1", "found_quantity": 0}

    r = client.post(f"/api/v1/pick-tasks/{rel.task_id}/shorts", json=body, headers=auth("worker"))
    again = client.post(
        f"/api/v1/pick-tasks/{rel.task_id}/shorts", json=body, headers=auth("worker")
    )

    assert r.status_code == 200, r.get_json()
    got = r.get_json()
    assert got["outcome"] == "same_warehouse" and got["short"] == 2 and got["written_off"] == 2
    assert got["line"]["status"] == "short" and got["new_line_id"] is not None
    assert got["task"]["lines_open"] == 1
    assert again.get_json()["replayed"] is True
    assert again.get_json()["exception_id"] == got["exception_id"]
    assert db.session.scalar(select(func.count()).select_from(FloorException)) == 1
    assert_books_balance()
