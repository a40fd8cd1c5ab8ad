"""Units reserved for a line already in an open wave never wait for ever: the transaction
that reserves them plans them as a new open task in that order's wave (bins chosen as a
release chooses them), or tells the supervisor why it cannot (picking/replan.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.catalog.containers_service import create_container
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.picking import reconcile, replan
from scanfloor.picking.models import FloorException, PickLine, PickTask, WaveOrder
from scanfloor.picking.pick_service import PickScan, confirm_pick
from scanfloor.picking.task_service import claim_next_task
from scanfloor.picking.wave_service import release_wave, wave_rules
from tests import outbound_machine_support as books
from tests.factories import virtual
from tests.picking_helpers import (
    active_reservations,
    allocated_order,
    order_line_statuses,
    receive_into,
    stock_item,
    stocked_warehouse,
)


@pytest.fixture
def floor(app: Any) -> Any:
    return stocked_warehouse()


def _tasks(wave_id: int) -> list[tuple[int, str]]:
    db.session.commit()
    rows = db.session.execute(
        select(PickTask.id, PickTask.status)
        .where(PickTask.wave_id == wave_id)
        .order_by(PickTask.id)
    ).all()
    return [(int(t), str(s)) for t, s in rows]


def _open_lines(task_id: int) -> list[tuple[int, int, int | None, int, int]]:
    """(order line, bin, lot, quantity, seq) of the task's open pick lines, walk order."""
    db.session.commit()
    rows = db.session.execute(
        select(
            PickLine.order_line_id,
            PickLine.location_id,
            PickLine.lot_id,
            PickLine.quantity,
            PickLine.seq,
        )
        .where(PickLine.task_id == task_id, PickLine.status == "open")
        .order_by(PickLine.seq)
    ).all()
    return [(int(a), int(b), c, int(d), int(e)) for a, b, c, d, e in rows]


def _unplanned() -> list[FloorException]:
    db.session.commit()
    return list(
        db.session.scalars(
            select(FloorException)
            .where(FloorException.kind == replan.KIND)
            .order_by(FloorException.id)
        )
    )


def _in_wave_with_a_backorder(floor: Any, users: Any) -> tuple[Any, Any, Any, int]:
    """An order of two lines, the first in stock, the second backordered, released (its
    channel ships partially): (order, tee, mug, wave id)."""
    tee = stock_item(floor, {"A-1": 5})
    mug = stock_item(floor)
    order = allocated_order(floor, [(tee, 1), (mug, 3)])
    assert order_line_statuses(order.id) == ["allocated", "backordered"]
    wave = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)
    return order, tee, mug, wave.id


def test_a_backorder_served_while_its_order_is_in_a_wave_is_planned_as_a_new_task_there(
    floor, users
):
    order, tee, mug, wave_id = _in_wave_with_a_backorder(floor, users)
    [(first_task, _)] = _tasks(wave_id)
    mug_line = sorted(ln.id for ln in order.lines)[1]

    # One mug arrives in B-2: the line is partly allocated; the mug is planned at that
    # receipt's commit as a new open task of the same wave, and the line stays waiting.
    receive_into(mug.id, floor.bin("B-2").id, 1)
    assert order_line_statuses(order.id) == ["released", "partially_allocated"]
    tasks = _tasks(wave_id)
    assert [s for _t, s in tasks] == ["open", "open"]
    assert _open_lines(tasks[1][0]) == [(mug_line, floor.bin("B-2").id, None, 1, 1)]

    # Two more, in A-3 and B-1: the line is complete, and they are planned as another
    # task, its lines in walk order.
    receive_into(mug.id, floor.bin("B-1").id, 1)
    receive_into(mug.id, floor.bin("A-3").id, 1)

    tasks = _tasks(wave_id)
    assert order_line_statuses(order.id) == ["released", "released"]
    assert [s for _t, s in tasks] == ["open", "open", "open", "open"]
    assert _open_lines(tasks[2][0]) == [(mug_line, floor.bin("B-1").id, None, 1, 1)]
    assert _open_lines(tasks[3][0]) == [(mug_line, floor.bin("A-3").id, None, 1, 1)]
    assert _unplanned() == []
    books.check_all(floor.channel, floor.wh.id)

    # A picker claims the order's first task, then the new ones, into the order's one tote.
    picker = users["manager"].id
    tote = floor.tote(1).code
    claimed = []
    for _ in range(4):
        task = claim_next_task(floor.wh.id, actor_id=picker)
        assert task is not None
        claimed.append(task.id)
        for ln in task.lines:
            code = tee.each_barcode if ln.item.id == tee.id else mug.each_barcode
            scan = PickScan(task.id, ln.id, ln.bin.code, code, ln.quantity, tote)
            confirm_pick(scan, actor_id=picker)
    assert claimed == [first_task] + [t for t, _s in tasks[1:]]
    assert order_line_statuses(order.id) == ["picked", "picked"]
    totes = db.session.scalars(
        select(WaveOrder.tote_container_id).where(WaveOrder.order_id == order.id)
    )
    assert list(totes) == [floor.tote(1).id]
    books.check_all(floor.channel, floor.wh.id)


def test_units_the_bins_cannot_cover_stay_reserved_and_the_supervisor_is_told(floor, users):
    order, _tee, mug, wave_id = _in_wave_with_a_backorder(floor, users)
    mug_line = sorted(ln.id for ln in order.lines)[1]
    # The mugs arrive on a pallet put away whole in B-1: sellable, so allocation reserves
    # them, but not loose in a bin, so no picker can take them until it is broken down.
    pallet = create_container(code="PAL-1", kind="pallet", location_id=floor.bin("B-1").id)
    post(
        PostingRequest(
            movement_type="receipt",
            lines=(
                MovementLine(
                    item_id=mug.id,
                    quantity=3,
                    from_location_id=virtual("VENDOR").id,
                    to_location_id=floor.bin("B-1").id,
                    to_container_id=pallet.id,
                ),
            ),
        )
    )

    assert [q for _r, line, _lot, q in active_reservations(order.id) if line == mug_line] == [3]
    assert len(_tasks(wave_id)) == 1  # nothing new to claim
    [told] = _unplanned()
    assert told.order_id == order.id and told.item_id == mug.id
    assert told.source_id == str(mug_line)
    assert (told.details["reserved_unplanned"], told.details["unplanned"]) == (3, 3)
    books.check_all(floor.channel, floor.wh.id)


def test_a_new_task_never_plans_more_from_a_bin_than_it_holds_beyond_open_picks(floor, users):
    """B-1 holds 3 mugs, all planned for order A's open pick line. Order B's 2 backordered
    mugs arrive, 1 in B-1 and 1 in B-3: B-1 (4 on hand) could cover both alone, but only 1
    of its units is free, so 1 is planned from B-1 and 1 from B-3."""
    mug = stock_item(floor, {"B-1": 3})
    tee = stock_item(floor, {"A-1": 5})
    allocated_order(floor, [(mug, 3)])
    b = allocated_order(floor, [(tee, 1), (mug, 2)])
    assert order_line_statuses(b.id) == ["allocated", "backordered"]
    wave = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)
    mug_line = sorted(ln.id for ln in b.lines)[1]

    # Both arrive in one receipt: B-1 (4 on hand) could cover both alone.
    post(
        PostingRequest(
            movement_type="receipt",
            lines=tuple(
                MovementLine(
                    item_id=mug.id,
                    quantity=1,
                    from_location_id=virtual("VENDOR").id,
                    to_location_id=floor.bin(where).id,
                )
                for where in ("B-1", "B-3")
            ),
        )
    )

    new_task = _tasks(wave.id)[-1][0]
    assert _open_lines(new_task) == [
        (mug_line, floor.bin("B-1").id, None, 1, 1),
        (mug_line, floor.bin("B-3").id, None, 1, 2),
    ]
    books.check_all(floor.channel, floor.wh.id)


def test_the_reserved_lot_is_planned_first_expiring_first(floor, users):
    tee = stock_item(floor, {"A-1": 5})
    milk = stock_item(floor, lots={"OLD": date(2031, 1, 1), "NEW": date(2032, 1, 1)})
    order = allocated_order(floor, [(tee, 1), (milk, 2)])
    wave = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)
    milk_line = sorted(ln.id for ln in order.lines)[1]
    post(
        PostingRequest(
            movement_type="receipt",
            lines=tuple(
                MovementLine(
                    item_id=milk.id,
                    quantity=2,
                    from_location_id=virtual("VENDOR").id,
                    to_location_id=floor.bin(where).id,
                    lot_id=milk.lots[lot].id,
                )
                for where, lot in (("A-2", "NEW"), ("B-2", "OLD"))
            ),
        )
    )

    [_first, (task_id, _)] = _tasks(wave.id)
    assert _open_lines(task_id) == [(milk_line, floor.bin("B-2").id, milk.lots["OLD"].id, 2, 1)]
    books.check_all(floor.channel, floor.wh.id)


def test_transactions_that_reserve_nothing_for_a_waiting_line_never_reach_the_planning(
    floor, users, monkeypatch
):
    calls: list[object] = []
    real = reconcile.plan_reserved_again
    monkeypatch.setattr(
        reconcile, "plan_reserved_again", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    tee = stock_item(floor, {"A-1": 5})
    allocated_order(floor, [(tee, 2)])
    release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)
    allocated_order(floor, [(tee, 1)])  # captured and reserved at once: in no wave yet
    receive_into(tee.id, floor.bin("B-1").id, 4)  # nothing waits: nothing is reserved

    assert calls == []
