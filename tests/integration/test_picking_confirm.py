"""Confirming a pick: units post bin -> (pack station, the order's tote) and consume their
reservation in the same transaction; the line, the order line and the task follow."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.allocation.changes_service import cancel_order
from scanfloor.allocation.models import OrderLine, Reservation
from scanfloor.errors import Conflict
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement, Posting
from scanfloor.picking.models import PickLine, PickTask
from scanfloor.picking.pick_service import PickScan, confirm_pick
from tests.factories import ledger_snapshot
from tests.picking_helpers import (
    allocated_order,
    order_line_statuses,
    stock_item,
    stocked_warehouse,
)
from tests.picking_released import assert_books_balance, released_task, reservation_rows, tote_of


@pytest.fixture
def floor(app: Any) -> Any:
    return stocked_warehouse()


def _in_tote(tote_id: int) -> list[tuple[int, int, int]]:
    db.session.commit()
    rows = db.session.execute(
        select(Balance.item_id, Balance.location_id, Balance.quantity).where(
            Balance.container_id == tote_id
        )
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _loose(location_id: int, item_id: int) -> int:
    db.session.commit()
    return int(
        db.session.scalar(
            select(Balance.quantity).where(
                Balance.location_id == location_id,
                Balance.item_id == item_id,
                Balance.container_id.is_(None),
            )
        )
        or 0
    )


def _reserved(order_line_id: int) -> dict[str, int]:
    db.session.commit()
    got: dict[str, int] = {}
    for status, qty in db.session.execute(
        select(Reservation.status, Reservation.quantity).where(
            Reservation.order_line_id == order_line_id
        )
    ):
        got[status] = got.get(status, 0) + int(qty)
    return got


def test_a_pick_posts_bin_to_tote_and_consumes_its_reservation(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 10})
    order = allocated_order(floor, [(it, 5)])
    rel = released_task(floor, [order], picker=worker)
    line_id = rel.line_ids[0]
    order_line = order.lines[0].id
    tote = floor.tote(1)

    got = confirm_pick(
        PickScan(rel.task_id, line_id, "A-1", it.each_barcode, 3, tote.code),
        actor_id=worker.id,
        device_id="scanner-7",
    )

    assert got.quantity == 3 and got.replayed is False
    assert (got.line.picked, got.line.status) == (3, "open")
    assert got.task.lines_open == 1 and got.next_line_id == line_id
    assert _loose(floor.bin("A-1").id, it.id) == 7
    assert _in_tote(tote.id) == [(it.id, floor.pack_station.id, 3)]
    move = db.session.execute(
        select(Movement).where(Movement.posting_id == got.posting_id)
    ).scalar_one()
    assert (move.movement_type, move.source_type, move.source_id) == (
        "pick",
        "pick_line",
        str(line_id),
    )
    assert (move.actor_id, move.device_id, move.to_container_id) == (
        worker.id,
        "scanner-7",
        tote.id,
    )
    assert _reserved(order_line) == {"consumed": 3, "active": 2}
    assert order_line_statuses(order.id) == ["picking"]
    assert tote_of(rel.wave_id, order.id) == tote.id
    assert_books_balance()

    done = confirm_pick(
        PickScan(rel.task_id, line_id, "A-1", it.each_barcode, 2, tote.code), actor_id=worker.id
    )

    assert (done.line.picked, done.line.status) == (5, "picked")
    assert done.task.status == "done" and done.next_line_id is None
    assert _reserved(order_line) == {"consumed": 5}
    assert order_line_statuses(order.id) == ["picked"]
    assert _in_tote(tote.id) == [(it.id, floor.pack_station.id, 5)]
    assert_books_balance()


def test_a_pick_whose_reservation_is_gone_posts_nothing(floor, users):
    """Posting and consuming are one transaction: when consuming fails, the posting that
    came before it is rolled back with it."""
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 10})
    order = allocated_order(floor, [(it, 4)])
    rel = released_task(floor, [order], picker=worker)
    cancel_order(order.id)  # allocation releases it behind picking's back
    before = ledger_snapshot()

    with pytest.raises(Conflict):
        confirm_pick(
            PickScan(rel.task_id, rel.line_ids[0], "A-1", it.each_barcode, 4, floor.tote(1).code),
            actor_id=worker.id,
        )

    assert ledger_snapshot() == before
    assert tote_of(rel.wave_id, order.id) is None
    assert db.session.get(PickLine, rel.line_ids[0]).picked_qty == 0
    assert_books_balance()


def test_a_replayed_scan_posts_nothing_and_answers_as_the_first(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-2": 10})
    order = allocated_order(floor, [(it, 4)])
    rel = released_task(floor, [order], picker=worker)
    scan = PickScan(rel.task_id, rel.line_ids[0], "A-2", it.each_barcode, 2, floor.tote(2).code)
    first = confirm_pick(scan, actor_id=worker.id, idempotency_key="scan-1")
    after = ledger_snapshot()
    reservations = reservation_rows()

    again = confirm_pick(scan, actor_id=worker.id, idempotency_key="scan-1")

    assert again.replayed is True
    assert (again.posting_id, again.quantity) == (first.posting_id, 2)
    assert ledger_snapshot() == after
    assert reservation_rows() == reservations
    assert (
        db.session.scalar(
            select(db.func.count()).select_from(Posting).where(Posting.movement_type == "pick")
        )
        == 1
    )
    assert_books_balance()


def test_a_case_barcode_counts_its_pack_quantity(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"B-1": 20}, case_quantity=6)
    order = allocated_order(floor, [(it, 8)])
    rel = released_task(floor, [order], picker=worker)

    got = confirm_pick(
        PickScan(rel.task_id, rel.line_ids[0], "B-1", it.case_barcode, None, floor.tote(1).code),
        actor_id=worker.id,
    )

    assert got.quantity == 6
    assert got.line.picked == 6
    assert _loose(floor.bin("B-1").id, it.id) == 14
    assert_books_balance()


def test_later_picks_of_an_order_go_into_the_tote_bound_at_its_first(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 3, "A-3": 5})
    order = allocated_order(floor, [(it, 6)])
    rel = released_task(floor, [order], picker=worker)
    assert len(rel.line_ids) == 2
    tote = floor.tote(3).code
    confirm_pick(
        PickScan(rel.task_id, rel.line_ids[0], "A-1", it.each_barcode, 3, tote), actor_id=worker.id
    )

    got = confirm_pick(
        PickScan(rel.task_id, rel.line_ids[1], "A-3", it.each_barcode, 3, tote), actor_id=worker.id
    )

    assert got.line.picked == 3
    assert _in_tote(floor.tote(3).id) == [(it.id, floor.pack_station.id, 6)]
    assert order_line_statuses(order.id) == ["picked"]
    assert db.session.get(PickTask, rel.task_id).status == "done"
    assert (
        db.session.scalar(select(OrderLine.consumed_qty).where(OrderLine.order_id == order.id)) == 6
    )
    assert_books_balance()


def test_the_pick_endpoint_answers_the_line_and_the_task(floor, users, client, auth):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 10})
    order = allocated_order(floor, [(it, 2)])
    rel = released_task(floor, [order], picker=worker)
    body = {
        "client_scan_id": "c-1",
        "line_id": rel.line_ids[0],
        "bin": "A-1",
        "item": it.each_barcode,
        "quantity": 2,
        "tote": floor.tote(1).code,
    }

    r = client.post(f"/api/v1/pick-tasks/{rel.task_id}/picks", json=body, headers=auth("worker"))
    again = client.post(
        f"/api/v1/pick-tasks/{rel.task_id}/picks", json=body, headers=auth("worker")
    )

    assert r.status_code == 200, r.get_json()
    got = r.get_json()
    assert got["line"]["id"] == rel.line_ids[0] and got["line"]["status"] == "picked"
    assert got["line"]["bin"]["code"] == "A-1" and got["line"]["picked"] == 2
    assert got["task"] == {"id": rel.task_id, "status": "done", "lines_open": 0}
    assert got["next_line_id"] is None and got["replayed"] is False
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert_books_balance()


def test_a_wave_released_and_claimed_through_the_wave_service_is_picked(floor, users):
    from scanfloor.access.service import set_user_warehouses
    from scanfloor.picking.task_service import claim_next_task
    from scanfloor.picking.wave_rules import WaveRules
    from scanfloor.picking.wave_service import release_wave

    worker = users["worker"]
    set_user_warehouses(worker.id, [floor.wh.code])
    it = stock_item(floor, {"A-1": 3, "A-3": 5})
    order = allocated_order(floor, [(it, 6)])
    release_wave(floor.wh.id, WaveRules(mode="single"), actor_id=users["manager"].id)
    task = claim_next_task(floor.wh.id, actor_id=worker.id)
    assert task is not None

    for line in task.lines:
        got = confirm_pick(
            PickScan(task.id, line.id, line.bin.code, it.each_barcode, line.quantity, "TOTE-1"),
            actor_id=worker.id,
        )

    assert got.task.status == "done"
    assert order_line_statuses(order.id) == ["picked"]
    assert _in_tote(floor.tote(1).id) == [(it.id, floor.pack_station.id, 6)]
    assert_books_balance()
