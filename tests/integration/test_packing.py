"""Packing through the API: cartons opened for an order, scans packed from its tote through
the ledger, cartons closed, lines becoming packed; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.allocation.models import Order, OrderEvent
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement
from scanfloor.ledger.verify import verify_ledger
from scanfloor.packing.models import Carton
from tests.packing_helpers import (
    Picked,
    carton_types,
    close,
    configure_sscc,
    count_rows,
    line_statuses,
    ok,
    open_carton,
    pack,
    pick,
    picked_order,
    state,
)
from tests.picking_helpers import stock_item, stocked_warehouse


@pytest.fixture
def station(app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    configure_sscc(app, monkeypatch)
    carton_types()
    return app


def balance(item_id: int, container_id: int) -> int:
    db.session.rollback()
    found = db.session.scalar(
        select(Balance.quantity).where(
            Balance.item_id == item_id, Balance.container_id == container_id
        )
    )
    return int(found or 0)


def test_packing_moves_units_from_the_tote_into_the_carton_through_the_ledger(
    client, auth, station
):
    p = picked_order(ordered=(4,))
    tee = p.items[0]
    carton = ok(open_carton(client, auth, p.order_id, key="open-1"), 201)
    assert carton["sscc"].startswith("0" + "0614141") and len(carton["sscc"]) == 18
    assert (carton["seq"], carton["of"], carton["status"]) == (1, 1, "open")
    assert carton["station"]["id"] == p.floor.pack_station.id

    result = ok(pack(client, auth, carton["id"], tee.each_barcode, 3, key="pack-1"))

    assert result["quantity"] == 3 and result["replayed"] is False
    assert result["carton"]["lines"] == [{"item": {"id": tee.id, "sku": tee.sku}, "quantity": 3}]
    assert (result["line"]["picked"], result["line"]["packed"], result["line"]["to_pack"]) == (
        4,
        3,
        1,
    )
    assert result["to_pack_total"] == 1
    mv = db.session.scalars(select(Movement).where(Movement.movement_type == "pack")).one()
    assert (mv.from_location_id, mv.from_container_id) == (p.floor.pack_station.id, p.tote.id)
    assert mv.to_location_id == p.floor.pack_station.id
    assert (mv.source_type, mv.source_id, mv.quantity) == ("carton", str(carton["id"]), 3)
    carton_container = mv.to_container_id
    assert balance(tee.id, p.tote.id) == 1
    assert balance(tee.id, carton_container) == 3
    assert verify_ledger().clean


def test_a_case_barcode_packs_its_pack_quantity(client, auth, station):
    floor = stocked_warehouse()
    p = picked_order(floor, ordered=(12,))
    case = p.items[0]
    carton = ok(open_carton(client, auth, p.order_id), 201)

    result = ok(pack(client, auth, carton["id"], case.case_barcode))

    assert result["quantity"] == case.case_quantity == 6
    assert result["line"]["to_pack"] == 6


def test_an_order_in_two_cartons_is_carton_1_of_2_and_2_of_2(client, auth, station):
    p = picked_order(ordered=(3, 2))
    tee, mug = p.items
    first = ok(open_carton(client, auth, p.order_id), 201)
    ok(pack(client, auth, first["id"], tee.each_barcode, 3))
    ok(close(client, auth, first["id"]))
    second = ok(open_carton(client, auth, p.order_id), 201)
    ok(pack(client, auth, second["id"], mug.each_barcode, 2))
    closed = ok(close(client, auth, second["id"], "BOX-L", 1200))

    assert (closed["seq"], closed["of"]) == (2, 2)
    assert closed["carton_type"] == {"code": "BOX-L", "name": "Large box"}
    assert closed["weight_g"] == 1200
    view = ok(client.get(f"/api/v1/pack/lookup?code={p.external_id}", headers=auth("worker")))
    assert [(c["seq"], c["of"], c["status"]) for c in view["cartons"]] == [
        (1, 2, "closed"),
        (2, 2, "closed"),
    ]
    assert first["sscc"] != second["sscc"]
    assert view["missing"] == []
    assert view["status"] == "packed"


def test_lines_become_packed_only_when_all_picked_units_are_in_closed_cartons(
    client, auth, station
):
    p = picked_order(ordered=(5, 2))
    tee, mug = p.items
    first = ok(open_carton(client, auth, p.order_id), 201)
    ok(pack(client, auth, first["id"], tee.each_barcode, 5))
    ok(pack(client, auth, first["id"], mug.each_barcode, 1))
    assert line_statuses(p.order_id) == ["picked", "picked"]  # carton still open

    ok(close(client, auth, first["id"]))
    assert line_statuses(p.order_id) == ["packed", "picked"]  # one mug is still in the tote
    db.session.rollback()
    assert db.session.get(Order, p.order_id).status == "picked"

    second = ok(open_carton(client, auth, p.order_id), 201)
    ok(pack(client, auth, second["id"], mug.each_barcode, 1))
    ok(close(client, auth, second["id"]))

    assert line_statuses(p.order_id) == ["packed", "packed"]
    db.session.rollback()
    assert db.session.get(Order, p.order_id).status == "packed"
    events = db.session.scalars(
        select(OrderEvent.to_status).where(
            OrderEvent.order_id == p.order_id, OrderEvent.to_status == "packed"
        )
    ).all()
    assert len(events) == 3  # two lines and the order, each recorded once


def test_a_line_still_being_picked_waits_however_much_of_it_is_packed(client, auth, station):
    p = picked_order(ordered=(4,), picked=(2,))
    carton = ok(open_carton(client, auth, p.order_id), 201)
    ok(pack(client, auth, carton["id"], p.items[0].each_barcode, 2))
    ok(close(client, auth, carton["id"]))
    assert line_statuses(p.order_id) == ["picking"]
    pick(p, p.line_ids[0], p.items[0], 2)  # the rest arrives
    second = ok(open_carton(client, auth, p.order_id), 201)
    ok(pack(client, auth, second["id"], p.items[0].each_barcode, 2))
    ok(close(client, auth, second["id"]))
    assert line_statuses(p.order_id) == ["packed"]


def test_a_replayed_pack_scan_answers_as_the_first_and_posts_nothing(client, auth, station):
    p = picked_order(ordered=(4,))
    carton = ok(open_carton(client, auth, p.order_id, key="o-1"), 201)
    first = pack(client, auth, carton["id"], p.items[0].each_barcode, 2, key="scan-1")
    after = state()

    again = pack(client, auth, carton["id"], p.items[0].each_barcode, 2, key="scan-1")

    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    body = again.get_json()
    assert body["replayed"] is True
    assert {**body, "replayed": False} == first.get_json()
    assert state() == after
    reopened = open_carton(client, auth, p.order_id, key="o-1")
    assert reopened.get_json()["id"] == carton["id"] and count_rows_cartons() == 1


def count_rows_cartons() -> int:
    return count_rows(Carton)


def test_the_pack_station_finds_an_order_by_tote_carton_external_id_or_id(client, auth, station):
    p = picked_order(ordered=(2, 3), picked=(2, 1))
    carton = ok(open_carton(client, auth, p.order_id), 201)

    for code in (p.tote.code, carton["sscc"], p.external_id, str(p.order_id)):
        view = ok(
            client.get("/api/v1/pack/lookup", query_string={"code": code}, headers=auth("worker"))
        )
        assert view["order"] == {"id": p.order_id, "external_id": p.external_id, "channel": "WEB"}
    assert view["totes"] == [{"id": p.tote.id, "code": p.tote.code}]
    assert [(ln["item"]["sku"], ln["picked"], ln["to_pack"]) for ln in view["lines"]] == [
        (p.items[0].sku, 2, 2),
        (p.items[1].sku, 1, 1),
    ]
    assert p.items[0].each_barcode in view["lines"][0]["item"]["barcodes"]
    missing = ok(
        client.get(
            "/api/v1/pack/lookup", query_string={"code": p.external_id}, headers=auth("worker")
        )
    )["missing"]
    assert [(m["sku"], m["quantity"], m["reason"]) for m in missing] == [
        (p.items[0].sku, 2, "not_packed"),
        (p.items[1].sku, 2, "not_picked"),
        (p.items[1].sku, 1, "not_packed"),
    ]


def test_an_unknown_pack_code_is_not_found(client, auth, station):
    r = client.get("/api/v1/pack/lookup", query_string={"code": "NOPE-1"}, headers=auth("worker"))
    assert r.status_code == 404


def test_carton_types_are_listed_and_managers_add_them(client, auth, station):
    listed = ok(client.get("/api/v1/carton-types", headers=auth("worker")))["carton_types"]
    assert [t["code"] for t in listed] == ["BOX-L", "BOX-S"]
    body = {"code": "env-a4", "name": "Mailer", "length_mm": 320, "width_mm": 240, "height_mm": 20}
    made = ok(client.post("/api/v1/carton-types", json=body, headers=auth("manager")), 201)
    assert (made["code"], made["tare_g"], made["max_weight_g"]) == ("ENV-A4", 0, None)
    again = client.post("/api/v1/carton-types", json=body, headers=auth("manager"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate_code"
    assert (
        client.post("/api/v1/carton-types", json=body, headers=auth("supervisor")).status_code
        == 403
    )


def test_an_item_of_two_lines_fills_the_first_line_first(client, auth, station):
    floor = stocked_warehouse()
    tee = stock_item(floor, {"A-1": 30})
    order = capture_order(
        OrderInput(
            channel=floor.channel,
            external_id="TWO-LINES",
            lines=[LineInput(quantity=2, sku=tee.sku), LineInput(quantity=3, sku=tee.sku)],
        )
    ).order
    p = Picked(floor, order.id, "TWO-LINES", floor.tote(1), [tee], [ln.id for ln in order.lines])
    pick(p, p.line_ids[0], tee, 2)
    pick(p, p.line_ids[1], tee, 3)
    carton = ok(open_carton(client, auth, order.id), 201)
    result = ok(pack(client, auth, carton["id"], tee.each_barcode, 3))
    assert result["line"]["order_line_id"] == p.line_ids[0]
    view = ok(
        client.get(
            "/api/v1/pack/lookup", query_string={"code": "TWO-LINES"}, headers=auth("worker")
        )
    )
    assert [ln["packed"] for ln in view["lines"]] == [2, 1]
