"""Order capture through the API: one order per (channel, external id), kits, listings,
statuses and their history."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.allocation import channels_service
from scanfloor.allocation.models import Order, OrderEvent, OrderLine, Reservation, StockPosition
from scanfloor.extensions import db
from tests.factories import make_bin_in, make_item, make_warehouse, receive


@pytest.fixture
def shop(app: Any) -> dict[str, Any]:
    wh = make_warehouse("WH1")
    bin_ = make_bin_in(wh, "A-01")
    items = {sku: make_item(sku) for sku in ("TEE", "MUG", "CAP")}
    receive(items["TEE"], bin_, 10)
    receive(items["MUG"], bin_, 4)
    channels_service.create_channel("WEB", kind="web", name="Web shop", warehouses=["WH1"])
    return {"wh": wh, "bin": bin_, **items}


def order(external_id: str, *lines: tuple[str, int], **extra: Any) -> dict[str, Any]:
    return {
        "channel": "WEB",
        "external_id": external_id,
        "lines": [{"sku": s, "quantity": q, "price": "12.50"} for s, q in lines],
        "ship_to": {"name": "Ada", "region": "north"},
        **extra,
    }


def count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)))


def test_a_new_order_is_allocated_and_answered_with_201(client, auth, shop):
    r = client.post("/api/v1/orders", json=order("W-1", ("TEE", 3)), headers=auth("manager"))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "allocated"
    assert body["ship_to_region"] == "NORTH"
    (line,) = body["lines"]
    assert (line["sku"], line["quantity"], line["reserved_qty"], line["price"]) == (
        "TEE",
        3,
        3,
        "12.5000",
    )
    (res,) = body["reservations"]
    assert (res["quantity"], res["status"], res["warehouse_id"]) == (3, "active", shop["wh"].id)


def test_the_same_order_posted_twice_is_one_order(client, auth, shop):
    first = client.post("/api/v1/orders", json=order("W-1", ("TEE", 3)), headers=auth("manager"))
    again = client.post("/api/v1/orders", json=order("W-1", ("TEE", 3)), headers=auth("manager"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert count(Order) == 1 and count(OrderLine) == 1 and count(Reservation) == 1
    pos = db.session.get(StockPosition, {"item_id": shop["TEE"].id, "warehouse_id": shop["wh"].id})
    assert pos.reserved == 3


def test_the_same_external_id_in_another_channel_is_another_order(client, auth, shop):
    channels_service.create_channel("SHOPS", kind="retail", name="Stores", warehouses=["WH1"])
    client.post("/api/v1/orders", json=order("X-1", ("TEE", 1)), headers=auth("manager"))
    other = order("X-1", ("TEE", 1), channel="SHOPS")
    assert client.post("/api/v1/orders", json=other, headers=auth("manager")).status_code == 201
    assert count(Order) == 2


def test_an_order_beyond_stock_is_partly_allocated_and_the_rest_backordered(client, auth, shop):
    r = client.post("/api/v1/orders", json=order("W-2", ("MUG", 6)), headers=auth("manager"))
    body = r.get_json()
    assert body["status"] == "partially_allocated"
    assert body["lines"][0]["reserved_qty"] == 4
    r = client.post("/api/v1/orders", json=order("W-3", ("MUG", 1)), headers=auth("manager"))
    assert r.get_json()["status"] == "backordered"


def test_an_unknown_sku_is_refused_and_nothing_is_written(client, auth, shop):
    r = client.post(
        "/api/v1/orders", json=order("W-4", ("TEE", 1), ("NOPE", 1)), headers=auth("manager")
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["details"] == {"line": 1, "sku": "NOPE"}
    assert count(Order) == 0 and count(Reservation) == 0


def test_a_line_without_sku_or_listing_is_refused(client, auth, shop):
    body = order("W-5")
    body["lines"] = [{"quantity": 1}]
    assert client.post("/api/v1/orders", json=body, headers=auth("manager")).status_code == 422


def test_a_channel_listing_id_maps_to_its_sku(client, auth, shop):
    r = client.post(
        "/api/v1/channels/WEB/listings",
        json={"listing_id": "B07-TEE-RED", "sku": "TEE"},
        headers=auth("manager"),
    )
    assert r.status_code == 201
    body = order("W-6")
    body["lines"] = [{"listing_id": "B07-TEE-RED", "quantity": 2}]
    r = client.post("/api/v1/orders", json=body, headers=auth("manager"))
    assert r.status_code == 201
    assert r.get_json()["lines"][0]["sku"] == "TEE"
    assert r.get_json()["lines"][0]["listing_id"] == "B07-TEE-RED"


def test_a_kit_sold_as_one_sku_expands_to_its_components(client, auth, shop):
    make_item("GIFT-SET")
    r = client.post(
        "/api/v1/kits",
        json={
            "sku": "GIFT-SET",
            "components": [{"sku": "TEE", "quantity": 1}, {"sku": "MUG", "quantity": 2}],
        },
        headers=auth("manager"),
    )
    assert r.status_code == 200, r.get_json()
    r = client.post("/api/v1/orders", json=order("W-7", ("GIFT-SET", 2)), headers=auth("manager"))
    lines = {ln["sku"]: ln for ln in r.get_json()["lines"]}
    assert {s: (ln["quantity"], ln["reserved_qty"]) for s, ln in lines.items()} == {
        "TEE": (2, 2),
        "MUG": (4, 4),
    }
    assert {ln["kit_sku"] for ln in lines.values()} == {"GIFT-SET"}
    assert {ln["line_no"] for ln in lines.values()} == {1}


def test_every_transition_is_recorded_with_time_and_actor(client, auth, shop, users):
    r = client.post("/api/v1/orders", json=order("W-8", ("TEE", 1)), headers=auth("manager"))
    events = client.get(f"/api/v1/orders/{r.get_json()['id']}/events", headers=auth("manager"))
    got = [
        (e["order_line_id"] is None, e["from_status"], e["to_status"]) for e in events.get_json()
    ]
    assert got == [
        (True, None, "received"),
        (False, None, "received"),
        (False, "received", "allocated"),
        (True, "received", "allocated"),
    ]
    assert {e["actor"] for e in events.get_json()} == {f"user:{users['manager'].id}"}
    assert all(e["at"] for e in events.get_json())
    assert count(OrderEvent) == 4


def test_orders_are_listed_by_channel_and_status(client, auth, shop):
    client.post("/api/v1/orders", json=order("W-9", ("TEE", 1)), headers=auth("manager"))
    client.post("/api/v1/orders", json=order("W-10", ("CAP", 1)), headers=auth("manager"))
    r = client.get("/api/v1/orders?status=backordered&channel=web", headers=auth("supervisor"))
    assert [o["external_id"] for o in r.get_json()["orders"]] == ["W-10"]


def test_a_worker_may_not_place_orders(client, auth, shop):
    r = client.post("/api/v1/orders", json=order("W-11", ("TEE", 1)), headers=auth("worker"))
    assert r.status_code == 403
    assert count(Order) == 0
