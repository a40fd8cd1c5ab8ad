"""An order split across warehouses by a short pick: it is in at most one open wave per
warehouse, so the other warehouse releases, picks and cancels its part on its own."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.allocation.channels_service import create_channel
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance
from scanfloor.picking.cancel_service import cancel_picking_order
from scanfloor.picking.errors import NothingToRelease
from scanfloor.picking.models import WaveOrder
from scanfloor.picking.pick_service import PickScan, confirm_pick
from scanfloor.picking.short_service import ShortReport, report_short
from scanfloor.picking.task_service import claim_next_task
from scanfloor.picking.wave_service import release_wave, wave_rules
from tests.picking_helpers import (
    allocated_order,
    order_line_statuses,
    receive_into,
    stock_item,
    stocked_warehouse,
)
from tests.picking_released import assert_books_balance


@pytest.fixture
def split(app: Any, users: Any) -> Any:
    """An order of 2 + 1 units: one line picked in WH1, the other shorted there and
    re-reserved in XWH1."""
    near = stocked_warehouse(channel=None)
    far = stocked_warehouse("X", channel=None)
    create_channel("BOTH", warehouses=[near.wh.code, far.wh.code], name="Both", kind="web")
    a = stock_item(near, {"A-1": 2})
    b = stock_item(near, {"B-1": 1})
    receive_into(b.id, far.bin("A-2").id, 5)
    order = allocated_order(near, [(a, 2), (b, 1)], channel="BOTH")
    boss = users["manager"]
    release_wave(near.wh.id, wave_rules(mode="single"), actor_id=boss.id)
    task = claim_next_task(near.wh.id, actor_id=boss.id)
    assert task is not None
    la = next(ln for ln in task.lines if ln.item.id == a.id)
    lb = next(ln for ln in task.lines if ln.item.id == b.id)
    confirm_pick(PickScan(task.id, la.id, "A-1", a.each_barcode, 2, "TOTE-1"), actor_id=boss.id)
    got = report_short(ShortReport(task.id, lb.id, "B-1", 0), actor_id=boss.id)
    assert got.outcome == "other_warehouse"
    return near, far, order, a, b


def _wave_orders(order_id: int) -> list[tuple[int, bool, int | None]]:
    db.session.commit()
    rows = db.session.execute(
        select(WaveOrder.wave_id, WaveOrder.open, WaveOrder.tote_container_id)
        .where(WaveOrder.order_id == order_id)
        .order_by(WaveOrder.wave_id)
    ).all()
    return [(int(w), bool(o), t) for w, o, t in rows]


def test_an_order_in_an_open_wave_elsewhere_is_released_for_its_units_here(split, users):
    near, far, order, _a, b = split
    boss = users["manager"]
    assert order_line_statuses(order.id) == ["picked", "allocated"]

    wave = release_wave(far.wh.id, wave_rules(mode="single"), actor_id=boss.id)

    assert [o.order.id for o in wave.orders] == [order.id]
    rows = _wave_orders(order.id)
    assert len(rows) == 2 and all(open_ for _w, open_, _t in rows)
    task = claim_next_task(far.wh.id, actor_id=boss.id)
    assert task is not None and task.wave_id == wave.id
    (line,) = task.lines
    assert (line.item.id, line.bin.id, line.quantity) == (b.id, far.bin("A-2").id, 1)
    confirm_pick(PickScan(task.id, line.id, "XA-2", b.each_barcode, 1, "XTOTE-1"), actor_id=boss.id)
    assert order_line_statuses(order.id) == ["picked", "picked"]
    totes = {w: t for w, _o, t in _wave_orders(order.id)}
    assert totes[wave.id] == far.tote(1).id and totes[min(totes)] == near.tote(1).id
    # One open wave per warehouse: the far warehouse has nothing more of it to release.
    with pytest.raises(NothingToRelease):
        release_wave(far.wh.id, wave_rules(mode="single"), actor_id=boss.id)
    assert_books_balance()


def test_cancelling_an_order_picked_in_two_warehouses_returns_both_totes(split, users):
    near, far, order, _a, b = split
    boss = users["manager"]
    release_wave(far.wh.id, wave_rules(mode="single"), actor_id=boss.id)
    task = claim_next_task(far.wh.id, actor_id=boss.id)
    assert task is not None
    confirm_pick(
        PickScan(task.id, task.lines[0].id, "XA-2", b.each_barcode, 1, "XTOTE-1"),
        actor_id=boss.id,
    )

    cancel_picking_order(order.id, actor_id=boss.id)

    assert order_line_statuses(order.id) == ["cancelled", "cancelled"]
    assert [open_ for _w, open_, _t in _wave_orders(order.id)] == [False, False]
    db.session.commit()
    held = db.session.execute(
        select(Balance.container_id, Balance.location_id, Balance.quantity).where(
            Balance.container_id.in_([near.tote(1).id, far.tote(1).id]), Balance.quantity > 0
        )
    ).all()
    assert sorted((c, loc, q) for c, loc, q in held) == sorted(
        [(near.tote(1).id, near.staging.id, 2), (far.tote(1).id, far.staging.id, 1)]
    )
    assert_books_balance()
