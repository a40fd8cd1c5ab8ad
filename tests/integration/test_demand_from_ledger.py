"""Daily demand from the ledger (purchasing/demand_sql.py): shipped, returns restocked,
backorders counted, stock-out days marked by the sellable stock at the start of each day,
and the fallback to allocated order lines before anything ships. A seeded history: stock
through the ledger writer (past days with occurred_at in the past), orders through
allocation. Runs on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from scanfloor.extensions import db
from scanfloor.purchasing.demand_sql import daily_demand
from scanfloor.purchasing.forecast_rules import demand_series, estimate_demand
from tests.factories import make_bin_in, make_warehouse, virtual
from tests.suggestion_helpers import (
    backdate_events,
    day_at,
    item,
    make_site,
    move,
    order,
    receive,
    restock_return,
    ship,
    today,
)

DAYS = 10


def _demand(warehouse_id: int, item_ids: list[int], **kw: Any) -> dict[int, Any]:
    db.session.rollback()
    kw.setdefault("as_of", today())
    kw.setdefault("days", DAYS)
    return daily_demand(db.session.connection(), warehouse_id, item_ids=item_ids, **kw)


def _rows(history: Any) -> list[tuple[int, int, int, int]]:
    """(on hand at start, shipped, backordered, returned) per day, oldest first."""
    return [(d.on_hand_at_start, d.shipped, d.backordered, d.returned) for d in history.days]


def _tee_history(app: Any) -> tuple[Any, Any]:
    site = make_site()
    tee = item("TEE")
    receive(site, tee, 20, day_at(12))
    ship(site, tee, 5, day_at(9))
    ship(site, tee, 3, day_at(7))
    restock_return(site, tee, 2, day_at(6))
    ship(site, tee, 14, day_at(5))  # the bin is empty at the end of the day
    receive(site, tee, 10, day_at(4, hour=23))  # late: the day started with nothing
    move("pick", tee, 1, site.bin, site.pack, day_at(2))  # picked, not shipped yet
    receive(site, tee, 5)  # today: after the window, but in today's balance
    # Another warehouse's shipment of the same item is not this warehouse's demand.
    far = make_bin_in(make_warehouse("FAR"), "FAR-1")
    receive(site, tee, 2, day_at(12), to=far)
    move("ship", tee, 2, far, virtual("CUSTOMER"), day_at(9))
    order(site, tee, 14)  # takes the 14 sellable units
    late = order(site, tee, 4)  # nothing left: backordered
    backdate_events(late, day_at(3))
    return site, tee


def test_a_day_shows_its_shipments_returns_backorders_and_the_stock_it_started_with(app):
    site, tee = _tee_history(app)

    history = _demand(site.warehouse.id, [tee.id])[tee.id]

    assert history.source == "shipments"
    assert [d.day for d in history.days] == [
        today() - timedelta(days=DAYS - i) for i in range(DAYS)
    ]
    assert _rows(history) == [
        (20, 0, 0, 0),
        (20, 5, 0, 0),
        (15, 0, 0, 0),
        (15, 3, 0, 0),
        (12, 0, 0, 2),  # restocked from the returns desk (the desk receipt is not)
        (14, 14, 0, 0),
        (0, 0, 0, 0),  # started empty: a stock-out day
        (10, 0, 4, 0),  # the 4 units nobody could have
        (10, 0, 0, 0),  # a pick alone is not demand
        (9, 0, 0, 0),
    ]


def test_the_forecast_leaves_the_stock_out_day_out_and_counts_the_backorder(app):
    site, tee = _tee_history(app)

    days = _demand(site.warehouse.id, [tee.id])[tee.id].days
    series = demand_series(days)
    estimate = estimate_demand(days)

    assert series.stock_out_days == 1
    assert series.demand == (0, 5, 0, 3, 0, 14, 4, 0, 0)  # a day of returns is not negative
    assert (estimate.days_used, estimate.demand_days) == (9, 4)
    assert (estimate.classification, estimate.method) == ("intermittent", "croston_sba")


def test_before_anything_ships_demand_comes_from_allocated_order_lines_by_order_day(app):
    site = make_site()
    bag, hat = item("BAG"), item("HAT")
    receive(site, bag, 10, day_at(20))
    receive(site, hat, 6, day_at(20))
    order(site, bag, 3, ordered_at=day_at(5))
    order(site, bag, 2, ordered_at=day_at(2))
    order(site, bag, 8, ordered_at=day_at(1))  # 5 reserved, 3 waiting: all 8 were ordered
    order(site, bag, 4, ordered_at=day_at(30))  # before the window
    move("pick", bag, 1, site.bin, site.pack, day_at(3))  # picking, no shipping yet

    got = _demand(site.warehouse.id, [bag.id, hat.id])

    assert got[bag.id].source == "allocated_lines"
    demand = [d.shipped for d in got[bag.id].days]
    assert demand == [0, 0, 0, 0, 0, 3, 0, 0, 2, 8]
    assert all(d.backordered == 0 for d in got[bag.id].days)  # counted on the order day
    assert got[hat.id].source == "none"
    assert _rows(got[hat.id]) == [(6, 0, 0, 0)] * DAYS


def test_a_shipment_confirmed_through_shipping_is_that_days_demand(app, users):
    from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment
    from tests.shipping_helpers import packed_order, shipping_site, stock

    site = shipping_site(app)
    tee = stock(site, 10, "TEE")
    packed = packed_order(site, [(tee, 4)])
    uid = users["worker"].id
    shipment = open_shipment(site.warehouse.code, site.carrier, "standard", actor_id=uid)
    add_carton(shipment.id, packed.ssccs[0], actor_id=uid)
    confirm_shipment(shipment.id, actor_id=uid)

    [day] = _demand(site.warehouse.id, [tee.id], as_of=today() + timedelta(days=1), days=1)[
        tee.id
    ].days

    # Shipped: 4 (the pick and the packing before it are not demand); the 10 units came in
    # that same day, so it began with none.
    assert (day.day, day.shipped, day.on_hand_at_start) == (today(), 4, 0)
