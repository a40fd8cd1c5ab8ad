"""Backorders, re-allocation when stock arrives or leaves, cancels, changes and consumes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from scanfloor.allocation import channels_service
from scanfloor.allocation.changes_service import consume_reservation
from scanfloor.allocation.models import Reservation
from scanfloor.allocation.order_views import order_view
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.allocation.realloc import run_allocation
from scanfloor.errors import Conflict
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from tests.factories import make_bin_in, make_item, make_warehouse, receive, virtual


@pytest.fixture
def shop(app: Any) -> dict[str, Any]:
    wh = make_warehouse("WH1")
    shop = {"wh": wh, "bin": make_bin_in(wh, "A-01"), "item": make_item("TEE")}
    channels_service.create_channel("WEB", kind="web", name="Web", priority=10, warehouses=["WH1"])
    channels_service.create_channel(
        "MKT", kind="marketplace", name="Marketplace", priority=1, warehouses=["WH1"]
    )
    channels_service.create_channel(
        "B2B",
        kind="wholesale",
        name="Wholesale",
        priority=5,
        allow_partial_shipment=False,
        warehouses=["WH1"],
    )
    return shop


def place(channel: str, ext: str, *lines: tuple[str, int]) -> Any:
    inp = OrderInput(channel, ext, [LineInput(q, sku=s) for s, q in lines])
    return capture_order(inp).order


def status(order_id: int) -> tuple[str, list[int]]:
    view = order_view(order_id)
    return view.status, [ln.reserved_qty for ln in view.lines]


def check_positions() -> None:
    """reserved = sum of active reservation rows <= sellable on hand, per position."""
    rows = db.session.execute(
        text(
            "SELECT p.item_id, p.warehouse_id, p.reserved,"
            " (SELECT COALESCE(SUM(quantity), 0) FROM reservations r WHERE r.item_id = p.item_id"
            "  AND r.warehouse_id = p.warehouse_id AND r.status = 'active'),"
            " (SELECT COALESCE(SUM(b.quantity), 0) FROM balances b JOIN locations l"
            "  ON l.id = b.location_id WHERE b.item_id = p.item_id"
            "  AND l.warehouse_id = p.warehouse_id AND l.sellable = TRUE)"
            " FROM stock_positions p"
        )
    ).all()
    for item, wh, reserved, active, sellable in rows:
        assert reserved == active, (item, wh)
        assert 0 <= reserved <= sellable, (item, wh)


def take_out(shop: dict[str, Any], qty: int) -> None:
    """A count finds `qty` fewer units in the bin."""
    post(
        PostingRequest(
            movement_type="adjustment",
            lines=(
                MovementLine(
                    item_id=shop["item"].id,
                    quantity=qty,
                    from_location_id=shop["bin"].id,
                    to_location_id=virtual("INV-ADJ").id,
                ),
            ),
        )
    )


def test_backorders_are_allocated_when_stock_arrives_in_priority_order(shop):
    market = place("MKT", "m-1", ("TEE", 2))  # came first, lower priority
    web = place("WEB", "w-1", ("TEE", 2))
    assert status(market.id) == status(web.id) == ("backordered", [0])
    receive(shop["item"], shop["bin"], 3)
    assert status(web.id) == ("allocated", [2])
    assert status(market.id) == ("partially_allocated", [1])
    check_positions()


def test_a_cancel_releases_its_reservations_to_waiting_orders(client, auth, shop):
    receive(shop["item"], shop["bin"], 4)
    first = place("WEB", "w-1", ("TEE", 4))
    waiting = place("MKT", "m-1", ("TEE", 3))
    r = client.post(f"/api/v1/orders/{first.id}/cancel", headers=auth("manager"))
    assert r.status_code == 200
    assert r.get_json()["status"] == "cancelled"
    assert {x["status"] for x in r.get_json()["reservations"]} == {"released"}
    assert status(waiting.id) == ("allocated", [3])
    check_positions()
    again = client.post(f"/api/v1/orders/{first.id}/cancel", headers=auth("manager"))
    assert again.status_code == 200 and again.get_json()["status"] == "cancelled"


def test_a_reservation_is_consumed_once_and_never_twice(shop):
    receive(shop["item"], shop["bin"], 5)
    o = place("WEB", "w-1", ("TEE", 3))
    line_id = o.lines[0].id
    got = consume_reservation(line_id, 2)
    assert (got.consumed, got.line_status) == (2, "picking")
    with pytest.raises(Conflict):
        consume_reservation(line_id, 2)  # only one unit is still reserved
    assert consume_reservation(line_id, 1).line_status == "picked"
    with pytest.raises(Conflict):
        consume_reservation(line_id, 1)
    rows = db.session.scalars(select(Reservation).order_by(Reservation.id)).all()
    # 3 reserved, 2 consumed (the row split), then the remaining 1 consumed: each row once.
    assert [(r.quantity, r.status, r.split_from_id is not None) for r in rows] == [
        (2, "consumed", False),
        (1, "consumed", True),
    ]
    assert all(r.resolved_at is not None for r in rows)
    check_positions()


def test_a_cancel_is_refused_once_picking_has_started(client, auth, shop):
    receive(shop["item"], shop["bin"], 5)
    o = place("WEB", "w-1", ("TEE", 3))
    consume_reservation(o.lines[0].id, 1)
    r = client.post(f"/api/v1/orders/{o.id}/cancel", headers=auth("manager"))
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "picking_started"
    assert status(o.id) == ("picking", [2])
    r = client.patch(
        f"/api/v1/orders/{o.id}/lines/1", json={"quantity": 1}, headers=auth("manager")
    )
    assert r.status_code == 409


def test_lowering_a_quantity_releases_the_excess_to_waiting_orders(client, auth, shop):
    receive(shop["item"], shop["bin"], 4)
    o = place("WEB", "w-1", ("TEE", 4))
    waiting = place("MKT", "m-1", ("TEE", 2))
    r = client.patch(
        f"/api/v1/orders/{o.id}/lines/1", json={"quantity": 1}, headers=auth("manager")
    )
    assert r.status_code == 200, r.get_json()
    assert [(ln["quantity"], ln["reserved_qty"]) for ln in r.get_json()["lines"]] == [(1, 1)]
    assert status(waiting.id) == ("allocated", [2])
    r = client.patch(
        f"/api/v1/orders/{o.id}/lines/1", json={"quantity": 3}, headers=auth("manager")
    )
    assert r.status_code == 422  # quantities only go down
    check_positions()


def test_cancelling_a_kit_line_cancels_its_components(client, auth, shop):
    make_item("MUG")
    make_item("SET")
    channels_service.set_kit("SET", [("TEE", 1), ("MUG", 1)])
    receive(shop["item"], shop["bin"], 4)
    o = place("WEB", "w-1", ("SET", 2), ("TEE", 1))
    r = client.post(f"/api/v1/orders/{o.id}/lines/1/cancel", headers=auth("manager"))
    lines = r.get_json()["lines"]
    assert [(ln["sku"], ln["status"]) for ln in lines] == [
        ("TEE", "cancelled"),
        ("MUG", "cancelled"),
        ("TEE", "allocated"),
    ]
    assert r.get_json()["status"] == "allocated"
    check_positions()


def test_when_stock_falls_below_reservations_the_last_served_wait_again(shop):
    receive(shop["item"], shop["bin"], 4)
    first = place("WEB", "w-1", ("TEE", 2))
    second = place("WEB", "w-2", ("TEE", 2))
    take_out(shop, 3)
    # one unit is left: it stays with the first-served order, the second waits
    assert status(first.id) == ("partially_allocated", [1])
    assert status(second.id) == ("backordered", [0])
    check_positions()


def test_an_all_or_nothing_order_waits_whole_then_ships_complete(shop):
    mug = make_item("MUG")
    receive(shop["item"], shop["bin"], 5)
    o = place("B2B", "b-1", ("TEE", 2), ("MUG", 2))
    assert status(o.id) == ("backordered", [0, 0])
    receive(mug, shop["bin"], 1)
    assert status(o.id) == ("backordered", [0, 0])
    receive(mug, shop["bin"], 1)
    assert status(o.id) == ("allocated", [2, 2])
    check_positions()


def test_the_batch_run_catches_up_on_stock_that_became_sellable_unannounced(client, auth, shop):
    web = place("WEB", "w-1", ("TEE", 2))
    market = place("MKT", "m-1", ("TEE", 2))
    held = make_bin_in(shop["wh"], "H-01", sellable=False)
    receive(shop["item"], held, 3)
    held.sellable = True  # the bin is reclassified: no posting announces its stock
    db.session.commit()
    assert status(web.id) == ("backordered", [0])
    r = client.post("/api/v1/allocation/run", headers=auth("manager"))
    assert r.status_code == 200
    assert r.get_json()["units_reserved"] == 3
    assert status(web.id) == ("allocated", [2])
    assert status(market.id) == ("partially_allocated", [1])
    assert run_allocation().units_reserved == 0  # nothing left to do
    check_positions()


def test_reserved_equals_the_sum_of_active_reservations(shop):
    receive(shop["item"], shop["bin"], 10)
    for n in range(4):
        place("WEB", f"w-{n}", ("TEE", 3))
    total = db.session.scalar(
        select(func.sum(Reservation.quantity)).where(Reservation.status == "active")
    )
    assert total == 10
    check_positions()
