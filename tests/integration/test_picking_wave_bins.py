"""Bins at release are planned only for orders the wave can take: an order the planner
refuses as too big does not keep the bin stock a less urgent order needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scanfloor.catalog.containers_service import create_container
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.picking.wave_service import preview_wave, release_wave, wave_rules
from tests.picking_helpers import (
    allocated_order,
    order_line_statuses,
    stock_item,
    stocked_warehouse,
)

T0 = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


def test_an_order_too_big_for_the_wave_leaves_its_bin_stock_to_a_less_urgent_one(app, users):
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 3, "A-2": 3})
    other = stock_item(floor, {"B-1": 5})
    big = allocated_order(floor, [(it, 3), (other, 1)], ordered_at=T0 - timedelta(hours=3))
    small = allocated_order(floor, [(it, 3)], ordered_at=T0)
    # A-2's units are stacked onto a pallet: still reserved, no longer loose in a bin, so
    # only A-1's three loose units can be planned, for one of the two orders.
    bin_id = floor.bin("A-2").id
    pallet = create_container(code="PAL-1", kind="pallet", location_id=bin_id)
    stack = MovementLine(
        item_id=it.id,
        quantity=3,
        from_location_id=bin_id,
        to_location_id=bin_id,
        to_container_id=pallet.id,
    )
    post(PostingRequest(movement_type="transfer", lines=(stack,)))
    rules = wave_rules(mode="single", max_lines=1)  # the big order has two lines

    preview = preview_wave(floor.wh.id, rules)
    wave = release_wave(floor.wh.id, rules, actor_id=users["supervisor"].id)

    assert preview.order_ids == [small.id]
    assert [o.order.id for o in wave.orders] == [small.id]
    assert [(s.order.id, s.reason) for s in wave.skipped] == [(big.id, "exceeds_max_lines")]
    assert order_line_statuses(small.id) == ["released"]
    assert order_line_statuses(big.id) == ["allocated", "allocated"]
