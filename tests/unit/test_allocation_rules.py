"""Allocation rules without a database: priority, pools, caps, FEFO, statuses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from scanfloor.allocation.rules import (
    ChannelRules,
    Demand,
    LotStock,
    Position,
    QueuedOrder,
    SupplyState,
    allocation_sequence,
    allocation_status,
    can_change,
    channel_free,
    fefo_take,
    floor_share,
    order_status,
    plan_order,
    releases_for_shortfall,
    shelf_life_floor,
)

TODAY = date(2026, 6, 1)
WH = 1
WEB = ChannelRules(id=1, priority=10, warehouse_ids=(WH,))
MARKET = ChannelRules(id=2, priority=5, warehouse_ids=(WH,))


def state(sellable: int, reserved: int = 0, **kw: object) -> SupplyState:
    return SupplyState({(100, WH): Position(sellable=sellable, reserved=reserved, **kw)}, TODAY)  # type: ignore[arg-type]


def granted(grants: list) -> int:  # type: ignore[type-arg]
    return sum(g.quantity for g in grants)


def t(minutes: int) -> datetime:
    return datetime(2026, 6, 1, 8, tzinfo=UTC) + timedelta(minutes=minutes)


# --- priority under shortage ---------------------------------------------------------------


def test_higher_priority_channel_is_served_first_under_shortage():
    queue = allocation_sequence(
        [
            QueuedOrder(1, MARKET.priority, None, t(0)),  # came first, lower priority
            QueuedOrder(2, WEB.priority, None, t(5)),
        ]
    )
    assert [q.order_id for q in queue] == [2, 1]
    s = state(10)
    rules = {1: MARKET, 2: WEB}
    got = {
        q.order_id: granted(plan_order([Demand(q.order_id, 100, 8)], rules[q.order_id], s, {}))
        for q in queue
    }
    assert got == {2: 8, 1: 2}


def test_same_priority_is_served_by_promised_date_then_age():
    queue = allocation_sequence(
        [
            QueuedOrder(1, 5, date(2026, 6, 9), t(0)),
            QueuedOrder(2, 5, date(2026, 6, 3), t(9)),
            QueuedOrder(3, 5, date(2026, 6, 3), t(1)),
            QueuedOrder(4, 5, None, t(-50)),
        ]
    )
    assert [q.order_id for q in queue] == [3, 2, 1, 4]


# --- pools and caps -------------------------------------------------------------------------


def test_other_channels_cannot_take_stock_ring_fenced_for_a_channel():
    pos = Position(sellable=10, pools={WEB.id: 4})
    assert channel_free(pos, MARKET) == 6
    assert channel_free(pos, WEB) == 10


def test_a_pool_stops_fencing_once_its_channel_has_reserved_it():
    pos = Position(sellable=10, reserved=4, pools={WEB.id: 4}, by_channel={WEB.id: 4})
    assert channel_free(pos, MARKET) == 6
    pos = Position(sellable=10, reserved=2, pools={WEB.id: 4}, by_channel={WEB.id: 2})
    assert channel_free(pos, MARKET) == 6  # two of the pool are still held back


def test_shortage_never_breaks_into_another_channels_pool():
    s = state(10, pools={WEB.id: 5})
    assert granted(plan_order([Demand(1, 100, 9)], MARKET, s, {})) == 5
    assert granted(plan_order([Demand(2, 100, 9)], WEB, s, {})) == 5


def test_a_capped_channel_holds_at_most_its_share_of_stock():
    capped = ChannelRules(id=3, cap_fraction=Decimal("0.3"), warehouse_ids=(WH,))
    s = state(10)
    assert granted(plan_order([Demand(1, 100, 5)], capped, s, {})) == 3
    assert granted(plan_order([Demand(2, 100, 5)], capped, s, {})) == 0
    assert granted(plan_order([Demand(3, 100, 5)], WEB, s, {})) == 5


def test_cap_share_rounds_down_in_decimal():
    assert floor_share(Decimal("0.3333"), 3) == 0
    assert floor_share(Decimal("0.5"), 7) == 3
    assert floor_share(Decimal("1"), 7) == 7


def test_nothing_is_ever_free_beyond_sellable_stock():
    assert channel_free(Position(sellable=3, reserved=5), WEB) == 0


# --- FEFO and shelf life --------------------------------------------------------------------


def lots() -> dict[int, LotStock]:
    return {
        11: LotStock(date(2026, 6, 20), 5),
        12: LotStock(date(2026, 6, 10), 5),
        13: LotStock(date(2026, 7, 30), 5),
    }


def test_fefo_takes_the_first_expiring_lot_first():
    assert fefo_take(lots(), 7, TODAY) == [(12, 5), (11, 2)]


def test_a_lot_that_expires_before_promised_date_plus_shelf_life_is_never_allocated():
    floor = shelf_life_floor(date(2026, 6, 5), TODAY, 10)  # 2026-06-15
    assert fefo_take(lots(), 15, floor) == [(11, 5), (13, 5)]


def test_shelf_life_counts_from_today_without_a_promised_date():
    assert shelf_life_floor(None, TODAY, 30) == date(2026, 7, 1)


def test_stock_without_expiry_is_taken_last():
    stock = {0: LotStock(None, 5), 12: LotStock(date(2026, 6, 10), 1)}
    assert fefo_take(stock, 3, TODAY) == [(12, 1), (0, 2)]


def test_fefo_allocation_reserves_lots_through_the_channel_shelf_life():
    fresh = ChannelRules(id=1, min_shelf_life_days=15, warehouse_ids=(WH,))
    s = state(15, lots=lots())
    grants = plan_order([Demand(1, 100, 10, date(2026, 6, 1))], fresh, s, {})
    assert [(g.lot_id, g.quantity) for g in grants] == [(11, 5), (13, 5)]
    assert s.positions[(100, WH)].lots[12].reserved == 0  # type: ignore[index]
    assert granted(plan_order([Demand(2, 100, 1, date(2026, 6, 1))], fresh, s, {})) == 0


# --- statuses -------------------------------------------------------------------------------


def test_line_allocation_status_follows_what_is_held():
    assert allocation_status(5, 5, 0) == "allocated"
    assert allocation_status(5, 2, 1) == "partially_allocated"
    assert allocation_status(5, 0, 0) == "backordered"


def test_order_status_is_its_least_advanced_live_line():
    assert order_status(["allocated", "backordered"]) == "partially_allocated"
    assert order_status(["allocated", "cancelled"]) == "allocated"
    assert order_status(["cancelled", "cancelled"]) == "cancelled"
    assert order_status(["picked", "picking"]) == "picking"
    assert order_status(["backordered", "backordered"]) == "backordered"
    assert order_status(["shipped"]) == "shipped"


@pytest.mark.parametrize("status", ["picking", "picked", "packed", "shipped", "cancelled"])
def test_lines_cannot_change_once_picking_has_started(status):
    assert not can_change(status)


@pytest.mark.parametrize(
    "status", ["received", "backordered", "partially_allocated", "allocated", "released"]
)
def test_lines_can_change_before_picking(status):
    assert can_change(status)


def test_when_stock_falls_the_last_served_reservations_give_way_first():
    held = [(1, 4), (2, 3), (3, 2)]  # serving order: 1 most deserving
    assert releases_for_shortfall(held, 1) == [3]
    assert releases_for_shortfall(held, 3) == [3, 2]
    assert releases_for_shortfall(held, 0) == []


def test_a_pick_of_every_unit_leaves_the_line_picked():
    from scanfloor.allocation.rules import status_after_pick

    assert status_after_pick(5, 0, 5) == "picked"


def test_a_partly_picked_line_with_the_rest_reserved_is_picking():
    from scanfloor.allocation.rules import status_after_pick

    assert status_after_pick(5, 3, 2) == "picking"


def test_a_partly_picked_line_with_units_not_reserved_keeps_waiting_for_allocation():
    from scanfloor.allocation.rules import status_after_pick

    assert status_after_pick(5, 1, 2) == "partially_allocated"
    assert status_after_pick(5, 0, 2) == "partially_allocated"
