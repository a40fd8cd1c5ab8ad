"""Cancelling an order mid-pick: open pick lines are cancelled, unconsumed reservations
released, and the picked units ride their tote back to staging, where putaway lists the
tote as one task (return to stock). Nothing picked yet: nothing posts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.allocation.models import OrderEvent, Reservation
from scanfloor.catalog.models import Container
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement
from scanfloor.picking.cancel_service import cancel_picking_order
from scanfloor.picking.errors import WrongTote
from scanfloor.picking.models import PickLine, PickTask, WaveOrder
from scanfloor.picking.pick_service import PickScan, confirm_pick
from scanfloor.putaway.tasks import list_tasks
from tests.picking_helpers import (
    allocated_order,
    order_line_statuses,
    stock_item,
    stocked_warehouse,
)
from tests.picking_released import assert_books_balance, released_task


@pytest.fixture
def floor(app: Any) -> Any:
    return stocked_warehouse()


def _reservations(order_line_id: int) -> dict[str, int]:
    db.session.commit()
    got: dict[str, int] = {}
    for status, qty in db.session.execute(
        select(Reservation.status, Reservation.quantity).where(
            Reservation.order_line_id == order_line_id
        )
    ):
        got[status] = got.get(status, 0) + int(qty)
    return got


def test_a_cancel_mid_pick_sends_the_tote_to_staging_and_putaway_lists_it(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 10})
    order = allocated_order(floor, [(it, 5)])
    rel = released_task(floor, [order], picker=worker)
    tote = floor.tote(1)
    confirm_pick(
        PickScan(rel.task_id, rel.line_ids[0], "A-1", it.each_barcode, 3, tote.code),
        actor_id=worker.id,
    )

    view = cancel_picking_order(order.id, actor_id=users["manager"].id)

    assert view.status == "cancelled"
    assert order_line_statuses(order.id) == ["cancelled"]
    assert _reservations(order.lines[0].id) == {"consumed": 3, "released": 2}
    held = db.session.execute(
        select(Balance.location_id, Balance.container_id, Balance.quantity).where(
            Balance.item_id == it.id, Balance.container_id.is_not(None), Balance.quantity != 0
        )
    ).all()
    assert [tuple(h) for h in held] == [(floor.staging.id, tote.id, 3)]
    back = db.session.execute(
        select(Movement).where(Movement.to_location_id == floor.staging.id)
    ).scalar_one()
    assert (back.movement_type, back.reason_code, back.from_container_id, back.to_container_id) == (
        "transfer",
        "order_cancelled",
        tote.id,
        tote.id,
    )
    assert db.session.get(Container, tote.id).location_id == floor.staging.id
    assert db.session.get(PickLine, rel.line_ids[0]).status == "cancelled"
    assert db.session.get(PickTask, rel.task_id).status == "cancelled"
    assert db.session.get(WaveOrder, (rel.wave_id, order.id)).open is False
    tasks = list_tasks(warehouse_id=floor.wh.id).tasks
    assert [(t.id, t.kind, t.quantity) for t in tasks] == [(f"c-{tote.id}", "lpn", 3)]
    notes = db.session.scalars(
        select(OrderEvent.note).where(
            OrderEvent.order_id == order.id, OrderEvent.to_status == "cancelled"
        )
    ).all()
    assert notes and set(notes) == {"order cancelled during picking"}
    assert_books_balance()


def test_a_cancelled_orders_tote_is_refused_to_another_order_until_it_is_put_away(floor, users):
    # The tote waits at staging with the cancelled order's 3 units: picking another order
    # into it would carry them to the pack station as that order's (and a cancel of that
    # order would then try to move them from staging to staging).
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 10})
    first, second = allocated_order(floor, [(it, 3)]), allocated_order(floor, [(it, 2)])
    rel = released_task(floor, [first], picker=worker)
    tote = floor.tote(1)
    confirm_pick(
        PickScan(rel.task_id, rel.line_ids[0], "A-1", it.each_barcode, 3, tote.code),
        actor_id=worker.id,
    )
    cancel_picking_order(first.id, actor_id=users["manager"].id)
    nxt = released_task(floor, [second], picker=worker)
    moves = db.session.scalar(select(func.count()).select_from(Movement))

    with pytest.raises(WrongTote) as refused:
        confirm_pick(
            PickScan(nxt.task_id, nxt.line_ids[0], "A-1", it.each_barcode, 2, tote.code),
            actor_id=worker.id,
        )

    assert (refused.value.details["tote_id"], refused.value.details["held"]) == (tote.id, 3)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Movement)) == moves
    assert db.session.get(WaveOrder, (nxt.wave_id, second.id)).tote_container_id is None
    confirm_pick(  # an empty tote is taken
        PickScan(nxt.task_id, nxt.line_ids[0], "A-1", it.each_barcode, 2, floor.tote(2).code),
        actor_id=worker.id,
    )
    assert _reservations(second.lines[0].id) == {"consumed": 2}
    assert_books_balance()


def test_a_cancel_before_any_pick_releases_the_reservation_and_posts_nothing(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 10})
    order = allocated_order(floor, [(it, 4)])
    rel = released_task(floor, [order], picker=worker)
    moves = db.session.scalar(select(func.count()).select_from(Movement))

    cancel_picking_order(order.id, actor_id=users["manager"].id)

    assert db.session.scalar(select(func.count()).select_from(Movement)) == moves
    assert _reservations(order.lines[0].id) == {"released": 4}
    assert db.session.get(PickLine, rel.line_ids[0]).status == "cancelled"
    assert db.session.get(PickTask, rel.task_id).status == "cancelled"
    assert_books_balance()


def test_the_order_cancel_endpoint_cancels_an_order_being_picked(floor, users, client, auth):
    worker = users["worker"]
    it = stock_item(floor, {"A-2": 10})
    order = allocated_order(floor, [(it, 2)])
    rel = released_task(floor, [order], picker=worker)
    confirm_pick(
        PickScan(rel.task_id, rel.line_ids[0], "A-2", it.each_barcode, 1, "TOTE-2"),
        actor_id=worker.id,
    )

    r = client.post(f"/api/v1/orders/{order.id}/cancel", headers=auth("manager"))

    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "cancelled"
    assert_books_balance()


def test_the_order_cancel_endpoint_still_cancels_an_order_in_no_wave(floor, users, client, auth):
    it = stock_item(floor, {"A-2": 10})
    order = allocated_order(floor, [(it, 2)])

    r = client.post(f"/api/v1/orders/{order.id}/cancel", headers=auth("manager"))

    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert _reservations(order.lines[0].id) == {"released": 2}
    assert_books_balance()
