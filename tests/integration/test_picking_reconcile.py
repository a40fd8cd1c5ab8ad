"""Pick lines never plan units that are no longer reserved: when allocation gives up (or a
change releases) reservations of a line already in a wave, its open pick lines come down
to what is still reserved in the same transaction, and the supervisor is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.allocation.changes_service import cancel_line, cancel_order, change_line_quantity
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.picking import reconcile
from scanfloor.picking.models import FloorException, PickLine, PickTask, Wave, WaveOrder
from scanfloor.picking.pick_service import PickScan, confirm_pick
from scanfloor.picking.short_service import ShortReport, report_short
from scanfloor.picking.task_service import claim_next_task
from scanfloor.picking.wave_service import release_wave, wave_rules
from tests.factories import virtual
from tests.picking_helpers import (
    active_reservations,
    add_channel,
    allocated_order,
    order_line_statuses,
    receive_into,
    stock_item,
    stocked_warehouse,
)
from tests.picking_released import assert_books_balance

T0 = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def floor(app: Any) -> Any:
    return stocked_warehouse()


def _adjust_out(item_id: int, location_id: int, qty: int) -> None:
    """A manual adjustment: stock counted missing leaves the bin for INV-ADJ."""
    post(
        PostingRequest(
            movement_type="adjustment",
            lines=(
                MovementLine(
                    item_id=item_id,
                    quantity=qty,
                    from_location_id=location_id,
                    to_location_id=virtual("INV-ADJ").id,
                    reason_code="count",
                ),
            ),
        )
    )


def _lines_of(order_id: int) -> list[tuple[int, int, str]]:
    """(bin, quantity, status) of the order's pick lines, by id."""
    db.session.commit()
    rows = db.session.execute(
        select(PickLine.location_id, PickLine.quantity, PickLine.status)
        .where(PickLine.order_id == order_id)
        .order_by(PickLine.id)
    ).all()
    return [(int(r[0]), int(r[1]), str(r[2])) for r in rows]


def _exceptions() -> list[FloorException]:
    db.session.commit()
    return list(
        db.session.scalars(
            select(FloorException)
            .where(FloorException.kind == reconcile.KIND)
            .order_by(FloorException.id)
        )
    )


def test_a_shortfall_gives_up_reservations_of_lines_not_yet_in_a_wave_first(floor, users):
    it = stock_item(floor, {"A-1": 4})
    mkt = add_channel(floor, "MKT")
    served_first = allocated_order(floor, [(it, 2)], ordered_at=T0 - timedelta(hours=5))
    in_wave = allocated_order(floor, [(it, 2)], ordered_at=T0, channel=mkt)
    release_wave(
        floor.wh.id, wave_rules(channels=[mkt], mode="single"), actor_id=users["manager"].id
    )

    _adjust_out(it.id, floor.bin("A-1").id, 1)

    # The released order was served last, yet keeps its units: the other was not in a wave
    # (it gave its row of 2 up, and got back the one unit left right after the commit).
    assert order_line_statuses(served_first.id) == ["partially_allocated"]
    assert [q for _r, _l, _lot, q in active_reservations(served_first.id)] == [1]
    assert order_line_statuses(in_wave.id) == ["released"]
    assert [q for _r, _l, _lot, q in active_reservations(in_wave.id)] == [2]
    assert _lines_of(in_wave.id) == [(floor.bin("A-1").id, 2, "open")]
    assert _exceptions() == []
    assert_books_balance()


def test_a_write_off_that_takes_a_released_lines_stock_cancels_its_pick_line(floor, users):
    worker = users["manager"]
    it = stock_item(floor, {"A-2": 4})
    first = allocated_order(floor, [(it, 2)], ordered_at=T0 - timedelta(hours=1))
    second = allocated_order(floor, [(it, 2)], ordered_at=T0)
    release_wave(floor.wh.id, wave_rules(mode="cluster"), actor_id=worker.id)
    task = claim_next_task(floor.wh.id, actor_id=worker.id)
    assert task is not None
    mine = next(ln for ln in task.lines if ln.order.id == first.id)

    # Nothing is found: the whole bin (the second order's units too) is written off.
    got = report_short(ShortReport(task.id, mine.id, "A-2", 0), actor_id=worker.id)

    assert got.written_off == 4 and got.outcome == "backordered"
    assert order_line_statuses(second.id) == ["backordered"]
    assert _lines_of(second.id) == [(floor.bin("A-2").id, 2, "cancelled")]
    (exc,) = _exceptions()
    assert (exc.order_id, exc.warehouse_id, exc.item_id) == (second.id, floor.wh.id, it.id)
    assert exc.details["planned"] == 2 and exc.details["reserved"] == 0
    assert exc.details["new_line_ids"] == []
    assert db.session.get(PickTask, task.id).status == "done"
    assert db.session.get(Wave, task.wave_id).status == "picked"
    assert_books_balance()

    # Stock arrives: the order is reserved again and a new wave picks it without a 409.
    receive_into(it.id, floor.bin("A-1").id, 4)
    assert order_line_statuses(second.id) == ["allocated"]
    wave = release_wave(floor.wh.id, wave_rules(mode="cluster"), actor_id=worker.id)
    assert sorted(o.order.id for o in wave.orders) == sorted([first.id, second.id])
    again = claim_next_task(floor.wh.id, actor_id=worker.id)
    assert again is not None and again.wave_id == wave.id
    line = next(ln for ln in again.lines if ln.order.id == second.id)
    picked = confirm_pick(
        PickScan(again.id, line.id, "A-1", it.each_barcode, 2, "TOTE-2"), actor_id=worker.id
    )
    assert picked.line.status == "picked"
    assert order_line_statuses(second.id) == ["picked"]
    assert_books_balance()


def test_lowering_a_released_line_replaces_its_pick_line_with_a_smaller_one(floor, users):
    it = stock_item(floor, {"A-1": 1, "B-1": 3})
    order = allocated_order(floor, [(it, 4)])
    release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)
    assert sorted(_lines_of(order.id)) == sorted(
        [(floor.bin("B-1").id, 3, "open"), (floor.bin("A-1").id, 1, "open")]
    )

    change_line_quantity(order.id, 1, 2, actor_id=users["manager"].id)

    lines = _lines_of(order.id)
    open_ = sorted((b, q) for b, q, s in lines if s == "open")
    # The last on the walk (B-1) gives up two: cancelled, and a line of one takes its place.
    assert open_ == sorted([(floor.bin("A-1").id, 1), (floor.bin("B-1").id, 1)])
    assert (floor.bin("B-1").id, 3, "cancelled") in lines
    assert order_line_statuses(order.id) == ["released"]
    (exc,) = _exceptions()
    assert exc.details["units_removed"] == 2 and len(exc.details["new_line_ids"]) == 1
    assert_books_balance()


def test_cancelling_a_released_line_cancels_its_pick_lines_and_the_empty_task(floor, users):
    it = stock_item(floor, {"A-1": 5})
    other = stock_item(floor, {"B-1": 5})
    order = allocated_order(floor, [(it, 2), (other, 1)])
    wave = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)

    cancel_line(order.id, 1, actor_id=users["manager"].id)

    lines = {b: s for b, _q, s in _lines_of(order.id)}
    assert lines == {floor.bin("A-1").id: "cancelled", floor.bin("B-1").id: "open"}
    assert order_line_statuses(order.id) == ["cancelled", "released"]
    assert len(_exceptions()) == 1

    cancel_order(order.id, actor_id=users["manager"].id)

    assert {s for _b, _q, s in _lines_of(order.id)} == {"cancelled"}
    assert db.session.get(Wave, wave.id).status == "cancelled"
    assert db.session.scalar(select(WaveOrder.open).where(WaveOrder.order_id == order.id)) is False
    assert_books_balance()


def test_postings_that_take_no_reservation_never_reach_the_reconciliation(
    floor, users, monkeypatch
):
    calls: list[object] = []
    real = reconcile.reconcile_lines
    monkeypatch.setattr(
        reconcile, "reconcile_lines", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    it = stock_item(floor, {"A-1": 5})
    order = allocated_order(floor, [(it, 2)])
    release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)
    receive_into(it.id, floor.bin("B-1").id, 4)
    _adjust_out(it.id, floor.bin("B-1").id, 2)  # stock falls, but stays above what is reserved
    task = claim_next_task(floor.wh.id, actor_id=users["manager"].id)
    assert task is not None
    confirm_pick(
        PickScan(task.id, task.lines[0].id, "A-1", it.each_barcode, 2, "TOTE-1"),
        actor_id=users["manager"].id,
    )

    assert calls == []
    assert order_line_statuses(order.id) == ["picked"]
