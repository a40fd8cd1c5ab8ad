"""Locations through the REST API: the tree, its parent rules, barcodes, filters, virtuals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from scanfloor.catalog.models import Barcode, Location
from scanfloor.extensions import db


def count(model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def make(client, h, code, type_, parent=None, **extra):
    body = {"code": code, "type": type_} | extra
    if parent is not None:
        body["parent_id"] = parent["id"]
    r = client.post("/api/v1/locations", json=body, headers=h)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def refused(client, h, body, status=422):
    before = count(Location)
    r = client.post("/api/v1/locations", json=body, headers=h)
    assert r.status_code == status, r.get_json()
    assert count(Location) == before
    return r.get_json()["error"]


def virtual_id(code):
    return db.session.scalar(select(Location.id).where(Location.code == code))


def test_warehouse_zone_bin_tree_records_its_root_and_sellable_defaults(client, auth):
    h = auth("manager")
    wh = make(client, h, "wh1", "warehouse", name="Main warehouse")
    zone = make(client, h, "wh1-a", "zone", wh)
    shelf = make(client, h, "A-01-01", "storage", zone, walk_sequence=10, capacity=500)
    face = make(client, h, "A-01-02", "pick_face", zone)
    dock = make(client, h, "DOCK-1", "dock", wh)  # a bin straight under the warehouse
    held = make(client, h, "QA-1", "quarantine", zone)

    assert wh["level"] == "warehouse" and wh["parent_id"] is None
    assert {loc["warehouse_id"] for loc in (wh, zone, shelf, face, dock, held)} == {wh["id"]}
    assert (zone["level"], zone["parent_id"]) == ("zone", wh["id"])
    assert (shelf["level"], shelf["parent_id"]) == ("bin", zone["id"])
    assert [loc["sellable"] for loc in (wh, zone, shelf, face, dock, held)] == [
        False,
        False,
        True,
        True,
        False,
        False,
    ]
    assert (shelf["walk_sequence"], shelf["capacity"]) == (10, 500)
    assert shelf["barcode"] == "A-01-01" and wh["code"] == "WH1" and wh["name"] == "Main warehouse"
    assert client.get(f"/api/v1/locations/{shelf['id']}", headers=auth("worker")).get_json() == (
        shelf
    )


def test_sellable_can_be_set_against_the_default(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-S", "warehouse")
    assert make(client, h, "RES-1", "storage", wh, sellable=False)["sellable"] is False
    assert make(client, h, "STG-1", "staging", wh, sellable=True)["sellable"] is True


def test_a_zone_must_sit_under_a_warehouse(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-Z", "warehouse")
    zone = make(client, h, "Z-1", "zone", wh)
    shelf = make(client, h, "Z-1-01", "storage", zone)
    for parent in (None, zone["id"], shelf["id"]):
        err = refused(client, h, {"code": "Z-2", "type": "zone", "parent_id": parent})
        assert err["code"] == "validation_failed"


def test_a_bin_sits_under_a_zone_or_warehouse_never_another_bin_or_nothing(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-B", "warehouse")
    shelf = make(client, h, "B-01", "storage", wh)
    refused(client, h, {"code": "B-02", "type": "storage", "parent_id": shelf["id"]})
    refused(client, h, {"code": "B-02", "type": "storage"})


def test_a_warehouse_has_no_parent_and_is_never_a_bin(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-P", "warehouse")
    refused(client, h, {"code": "WH-Q", "type": "warehouse", "parent_id": wh["id"]})
    refused(client, h, {"code": "WH-Q", "type": "storage", "level": "warehouse"})
    refused(client, h, {"code": "WH-Q", "type": "warehouse", "level": "bin"})


def test_nothing_can_sit_under_a_virtual_location(client, auth):
    h = auth("manager")
    refused(client, h, {"code": "V-1", "type": "storage", "parent_id": virtual_id("VENDOR")})


def test_unknown_parent_is_not_found(client, auth):
    refused(
        client, auth("manager"), {"code": "X-1", "type": "storage", "parent_id": 99999}, status=404
    )


def test_virtual_locations_cannot_be_created_or_edited(client, auth):
    h = auth("manager")
    refused(client, h, {"code": "LIMBO", "type": "virtual"})
    vendor = virtual_id("VENDOR")
    r = client.patch(f"/api/v1/locations/{vendor}", json={"name": "Suppliers"}, headers=h)
    assert r.status_code == 409
    assert client.get(f"/api/v1/locations/{vendor}", headers=h).get_json()["name"] == "Vendor"


def test_a_location_code_is_unique_whatever_its_case(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-D", "warehouse")
    make(client, h, "D-01", "storage", wh)
    err = refused(
        client,
        h,
        {"code": " d-01 ", "type": "storage", "parent_id": wh["id"], "barcode": "D-01-OTHER"},
        status=409,
    )
    assert err["code"] == "duplicate_code"


def test_a_code_too_short_to_print_needs_an_explicit_barcode(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-E", "warehouse")
    err = refused(client, h, {"code": "A1", "type": "storage", "parent_id": wh["id"]})
    assert err["code"] == "invalid_barcode"
    loc = make(client, h, "A1", "storage", wh, barcode="loc-a1")
    assert (loc["code"], loc["barcode"]) == ("A1", "LOC-A1")


def test_a_gtin_cannot_be_a_location_barcode(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-G", "warehouse")
    err = refused(
        client,
        h,
        {"code": "G-01", "type": "storage", "parent_id": wh["id"], "barcode": "4006381333931"},
    )
    assert err["code"] == "invalid_barcode"


def test_list_filters_by_warehouse_type_level_and_text_and_pages(client, auth):
    h = auth("manager")
    wh1 = make(client, h, "WH-L1", "warehouse")
    wh2 = make(client, h, "WH-L2", "warehouse")
    zone = make(client, h, "L1-Z", "zone", wh1)
    for n in range(3):
        make(client, h, f"L1-S{n}", "storage", zone, name=f"Shelf {n}")
    make(client, h, "L1-DOCK", "dock", wh1)
    make(client, h, "L2-S0", "storage", wh2)

    def codes(**query):
        r = client.get("/api/v1/locations", query_string=query, headers=auth("worker"))
        assert r.status_code == 200, r.get_json()
        return [loc["code"] for loc in r.get_json()["locations"]]

    assert codes(warehouse_id=wh1["id"]) == ["WH-L1", "L1-Z", "L1-S0", "L1-S1", "L1-S2", "L1-DOCK"]
    assert codes(warehouse_id=wh1["id"], type="storage") == ["L1-S0", "L1-S1", "L1-S2"]
    assert codes(level="warehouse") == ["WH-L1", "WH-L2"]
    assert codes(is_virtual="true") == ["VENDOR", "CUSTOMER", "INV-ADJ", "SCRAP", "IN-TRANSIT"]
    assert codes(q="shelf 1") == ["L1-S1"]
    assert codes(q="l2-") == ["L2-S0"]

    first = client.get(
        "/api/v1/locations", query_string={"type": "storage", "limit": 2}, headers=h
    ).get_json()
    assert [loc["code"] for loc in first["locations"]] == ["L1-S0", "L1-S1"]
    rest = client.get(
        "/api/v1/locations",
        query_string={"type": "storage", "limit": 2, "cursor": first["next_cursor"]},
        headers=h,
    ).get_json()
    assert [loc["code"] for loc in rest["locations"]] == ["L1-S2", "L2-S0"]
    assert rest["next_cursor"] is None


def test_a_storage_bin_turned_quarantine_stops_being_sellable(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-T", "warehouse")
    shelf = make(client, h, "T-01", "storage", wh)
    r = client.patch(f"/api/v1/locations/{shelf['id']}", json={"type": "quarantine"}, headers=h)
    assert r.status_code == 200
    assert (r.get_json()["type"], r.get_json()["sellable"]) == ("quarantine", False)
    r = client.patch(f"/api/v1/locations/{shelf['id']}", json={"type": "warehouse"}, headers=h)
    assert r.status_code == 422


def test_a_location_barcode_can_be_replaced_and_the_old_code_is_freed(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-R", "warehouse")
    shelf = make(client, h, "R-01", "storage", wh)
    r = client.patch(
        f"/api/v1/locations/{shelf['id']}",
        json={"barcode": "r-01-new", "walk_sequence": 5, "capacity": None},
        headers=h,
    )
    assert r.status_code == 200
    assert (r.get_json()["barcode"], r.get_json()["walk_sequence"]) == ("R-01-NEW", 5)
    assert count(Barcode) == 2
    make(client, h, "R-02", "storage", wh, barcode="R-01")


def test_a_location_holding_stock_cannot_be_deactivated(client, auth):
    from tests.factories import make_item, receive

    h = auth("manager")
    wh = make(client, h, "WH-K", "warehouse")
    full = make(client, h, "K-01", "storage", wh)
    empty = make(client, h, "K-02", "storage", wh)
    item = make_item()
    receive(item, db.session.get(Location, full["id"]), 3)

    r = client.patch(f"/api/v1/locations/{full['id']}", json={"active": False}, headers=h)
    assert r.status_code == 409
    r = client.patch(f"/api/v1/locations/{empty['id']}", json={"active": False}, headers=h)
    assert r.status_code == 200 and r.get_json()["active"] is False


def test_an_inactive_parent_takes_no_new_children(client, auth):
    h = auth("manager")
    wh = make(client, h, "WH-I", "warehouse")
    zone = make(client, h, "I-Z", "zone", wh)
    client.patch(f"/api/v1/locations/{zone['id']}", json={"active": False}, headers=h)
    refused(client, h, {"code": "I-01", "type": "storage", "parent_id": zone["id"]})


@pytest.mark.parametrize("role", ["worker", "supervisor"])
def test_only_managers_create_or_change_locations(client, auth, role):
    h = auth("manager")
    wh = make(client, h, "WH-W", "warehouse")
    r = client.post(
        "/api/v1/locations",
        json={"code": "W-01", "type": "storage", "parent_id": wh["id"]},
        headers=auth(role),
    )
    assert r.status_code == 403
    r = client.patch(f"/api/v1/locations/{wh['id']}", json={"name": "x"}, headers=auth(role))
    assert r.status_code == 403
    assert client.get("/api/v1/locations", headers=auth(role)).status_code == 200
    assert count(Location) == 6
