"""What the pack station refuses: each refusal names its rule and changes nothing (ledger,
reservations, order lines and cartons as they were); on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from scanfloor.extensions import db
from scanfloor.packing.models import CartonType
from tests.packing_helpers import (
    carton_types,
    close,
    configure_sscc,
    ok,
    open_carton,
    pack,
    picked_order,
    state,
)
from tests.picking_helpers import stock_item


@pytest.fixture
def station(app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    configure_sscc(app, monkeypatch)
    carton_types()
    return app


@pytest.fixture
def packing(client: Any, auth: Any, station: Any) -> dict[str, Any]:
    """An order of 3 TEE, all picked, with carton 1 open holding 1."""
    p = picked_order(ordered=(3,))
    carton = ok(open_carton(client, auth, p.order_id), 201)
    ok(pack(client, auth, carton["id"], p.items[0].each_barcode, 1))
    return {"p": p, "carton": carton}


def refused(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == code, error
    return error


def test_an_item_not_on_the_order_is_refused_and_nothing_changes(client, auth, packing):
    other = stock_item(packing["p"].floor, {"A-2": 5})
    before = state()
    r = pack(client, auth, packing["carton"]["id"], other.each_barcode, 1, key="k-wrong")
    refused(r, 409, "wrong_item")
    assert state() == before


def test_another_orders_item_is_refused_and_nothing_changes(client, auth, packing):
    theirs = picked_order(packing["p"].floor, ordered=(2,), tote=2)
    before = state()
    r = pack(client, auth, packing["carton"]["id"], theirs.items[0].each_barcode, 1)
    refused(r, 409, "wrong_item")
    assert state() == before


def test_packing_more_than_was_picked_is_an_over_pack_and_nothing_changes(client, auth, packing):
    before = state()
    r = pack(client, auth, packing["carton"]["id"], packing["p"].items[0].each_barcode, 3)
    error = refused(r, 409, "over_pack")
    assert error["details"]["to_pack"] == 2
    assert state() == before


def test_an_item_with_nothing_left_to_pack_is_refused(client, auth, packing):
    tee = packing["p"].items[0].each_barcode
    ok(pack(client, auth, packing["carton"]["id"], tee, 2))
    before = state()
    refused(pack(client, auth, packing["carton"]["id"], tee, 1), 409, "wrong_item")
    assert state() == before


def test_packing_into_a_closed_carton_is_refused_and_nothing_changes(client, auth, packing):
    ok(close(client, auth, packing["carton"]["id"]))
    before = state()
    r = pack(client, auth, packing["carton"]["id"], packing["p"].items[0].each_barcode, 1)
    refused(r, 409, "carton_closed")
    refused(close(client, auth, packing["carton"]["id"]), 409, "carton_closed")
    assert state() == before


@pytest.mark.parametrize(
    ("carton_type", "weight", "status", "code"),
    [
        ("BOX-S", 50, 422, "weight_below_tare"),
        ("BOX-S", 5001, 422, "over_max_weight"),
        ("NO-SUCH-BOX", 500, 404, "unknown_carton_type"),
    ],
)
def test_a_carton_weighed_impossibly_or_of_an_unknown_type_stays_open(
    client, auth, packing, carton_type, weight, status, code
):
    before = state()
    refused(close(client, auth, packing["carton"]["id"], carton_type, weight), status, code)
    assert state() == before


def test_an_inactive_carton_type_cannot_close_a_carton(client, auth, packing):
    db.session.execute(update(CartonType).where(CartonType.code == "BOX-S").values(active=False))
    db.session.commit()
    before = state()
    refused(close(client, auth, packing["carton"]["id"], "BOX-S"), 409, "carton_type_inactive")
    assert state() == before


def test_an_empty_carton_cannot_be_closed(client, auth, packing):
    empty = ok(open_carton(client, auth, packing["p"].order_id), 201)
    before = state()
    refused(close(client, auth, empty["id"]), 409, "carton_empty")
    assert state() == before


def test_no_carton_opens_for_an_order_with_nothing_to_pack(client, auth, station):
    p = picked_order(ordered=(3,), picked=(0,))
    before = state()
    refused(open_carton(client, auth, p.order_id), 409, "nothing_to_pack")
    assert state() == before


def test_a_carton_opens_only_at_a_pack_station(client, auth, station):
    p = picked_order(ordered=(1,))
    before = state()
    r = open_carton(client, auth, p.order_id, station=p.floor.staging.code)
    refused(r, 422, "not_a_pack_station")
    assert state() == before


def test_a_location_scanned_as_an_item_is_refused(client, auth, packing):
    before = state()
    r = pack(client, auth, packing["carton"]["id"], packing["p"].floor.bin("A-1").code)
    refused(r, 422, "not_an_item")
    refused(pack(client, auth, packing["carton"]["id"], "NO-SUCH-CODE"), 404, "unknown_barcode")
    assert state() == before


def test_a_shipping_label_before_the_carton_is_on_a_shipment_is_refused(client, auth, packing):
    r = client.get(
        f"/api/v1/pack/cartons/{packing['carton']['id']}/shipping-label", headers=auth("worker")
    )
    refused(r, 409, "not_on_shipment")
