"""Available-to-sell per channel: snapshots, the change feed, buffers, pools, caps, kits and
FEFO with a minimum shelf life."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from scanfloor.allocation import channels_service
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.timeutil import utcnow
from tests.factories import make_bin_in, make_item, make_lot, make_warehouse, receive, virtual


@pytest.fixture
def shop(app: Any) -> dict[str, Any]:
    wh = make_warehouse("WH1")
    shop = {
        "wh": wh,
        "bin": make_bin_in(wh, "A-01"),
        "dock": make_bin_in(wh, "DOCK", type="dock", sellable=False),
        "tee": make_item("TEE"),
        "mug": make_item("MUG"),
    }
    receive(shop["tee"], shop["bin"], 10)
    receive(shop["mug"], shop["dock"], 7)  # received, not put away: not sellable yet
    channels_service.create_channel(
        "WEB", kind="web", name="Web", priority=10, safety_buffer=2, warehouses=["WH1"]
    )
    channels_service.create_channel(
        "MKT", kind="marketplace", name="Market", priority=1, warehouses=["WH1"]
    )
    return shop


def avail(client: Any, auth: Any, code: str, cursor: str | None = None) -> dict[str, Any]:
    q = f"?cursor={cursor}" if cursor else ""
    r = client.get(f"/api/v1/channels/{code}/availability{q}", headers=auth("manager"))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def ats(body: dict[str, Any]) -> dict[str, int]:
    return {row["sku"]: row["ats"] for row in body["items"]}


def order(channel: str, ext: str, sku: str, qty: int, promised: date | None = None) -> Any:
    return capture_order(
        OrderInput(channel, ext, [LineInput(qty, sku=sku, promised_ship_date=promised)])
    ).order


def test_a_snapshot_is_sellable_minus_reserved_minus_the_channel_buffer(client, auth, shop):
    order("MKT", "m-1", "TEE", 3)
    web = avail(client, auth, "WEB")
    assert web["full"] is True
    assert ats(web) == {"TEE": 10 - 3 - 2, "MUG": 0}  # stock on the dock is not sellable
    assert ats(avail(client, auth, "MKT")) == {"TEE": 7, "MUG": 0}


def test_with_a_cursor_only_what_changed_comes_back(client, auth, shop):
    first = avail(client, auth, "WEB")
    assert ats(avail(client, auth, "WEB", first["cursor"])) == {}
    order("MKT", "m-1", "TEE", 1)
    delta = avail(client, auth, "WEB", first["cursor"])
    assert delta["full"] is False
    assert ats(delta) == {"TEE": 7}
    receive(shop["mug"], shop["bin"], 5)
    later = avail(client, auth, "WEB", delta["cursor"])
    assert ats(later) == {"MUG": 3}
    assert ats(avail(client, auth, "WEB", later["cursor"])) == {}


def test_a_change_to_a_channels_rules_asks_for_a_full_snapshot(client, auth, shop):
    cursor = avail(client, auth, "WEB")["cursor"]
    r = client.patch("/api/v1/channels/WEB", json={"safety_buffer": 0}, headers=auth("manager"))
    assert r.status_code == 200
    delta = avail(client, auth, "WEB", cursor)
    assert delta["full"] is True
    assert ats(delta)["TEE"] == 10
    assert avail(client, auth, "MKT", cursor)["full"] is False


def test_a_ring_fenced_pool_is_offered_to_its_channel_only(client, auth, shop):
    r = client.post(
        "/api/v1/channels/WEB/pools",
        json={"sku": "TEE", "warehouse": "WH1", "quantity": 6},
        headers=auth("manager"),
    )
    assert r.status_code == 200 and r.get_json() == [
        {"sku": "TEE", "warehouse": "WH1", "quantity": 6}
    ]
    assert ats(avail(client, auth, "MKT"))["TEE"] == 4
    assert ats(avail(client, auth, "WEB"))["TEE"] == 8
    got = order("MKT", "m-1", "TEE", 9)
    assert got.lines[0].reserved_qty == 4  # the marketplace cannot break into the pool


def test_a_capped_channel_is_offered_its_share_only(client, auth, shop):
    client.patch("/api/v1/channels/MKT", json={"cap_fraction": "0.25"}, headers=auth("manager"))
    assert ats(avail(client, auth, "MKT"))["TEE"] == 2
    assert order("MKT", "m-1", "TEE", 5).lines[0].reserved_qty == 2


def test_a_kits_ats_derives_from_its_components(client, auth, shop):
    make_item("SET")
    receive(shop["mug"], shop["bin"], 3)
    channels_service.set_kit("SET", [("TEE", 2), ("MUG", 1)])
    assert ats(avail(client, auth, "MKT"))["SET"] == 3  # TEE 10 // 2 = 5, MUG 3 // 1 = 3
    cursor = avail(client, auth, "MKT")["cursor"]
    order("WEB", "w-1", "MUG", 1)
    assert ats(avail(client, auth, "MKT", cursor)) == {"MUG": 2, "SET": 2}


def test_one_items_ats_in_every_channel(client, auth, shop):
    r = client.get(f"/api/v1/items/{shop['tee'].id}/ats", headers=auth("supervisor"))
    assert r.get_json() == {"item_id": shop["tee"].id, "channels": {"WEB": 8, "MKT": 10}}


def test_a_cursor_the_server_never_gave_is_refused(client, auth, shop):
    r = client.get("/api/v1/channels/WEB/availability?cursor=abc", headers=auth("manager"))
    assert r.status_code == 422


def test_fefo_never_allocates_a_lot_inside_the_channels_minimum_shelf_life(client, auth, shop):
    milk = make_item("MILK", tracking="lot", expiry_tracked=True)
    today = utcnow().date()
    soon, later = make_lot(milk, "L-SOON"), make_lot(milk, "L-LATER")
    soon.expiry, later.expiry = today + timedelta(days=5), today + timedelta(days=40)
    db.session.commit()
    for lot, qty in ((soon, 4), (later, 3)):
        post(
            PostingRequest(
                movement_type="receipt",
                lines=(
                    MovementLine(
                        item_id=milk.id,
                        quantity=qty,
                        lot_id=lot.id,
                        from_location_id=virtual("VENDOR").id,
                        to_location_id=shop["bin"].id,
                    ),
                ),
            )
        )
    client.patch("/api/v1/channels/MKT", json={"min_shelf_life_days": 10}, headers=auth("manager"))
    assert ats(avail(client, auth, "MKT"))["MILK"] == 3
    assert ats(avail(client, auth, "WEB"))["MILK"] == 7 - 2
    got = order("MKT", "m-1", "MILK", 5, promised=today)
    assert [(r.lot_id, r.quantity) for r in got.reservations] == [(later.id, 3)]
    assert got.status == "partially_allocated"
    web = order("WEB", "w-1", "MILK", 2, promised=today)
    assert [(r.lot_id, r.quantity) for r in web.reservations] == [(soon.id, 2)]
