"""One code means one thing: a barcode held by a pack, a location or a container is taken."""

from __future__ import annotations

from sqlalchemy import func, select

from scanfloor.catalog.models import Barcode, Container, Item, Location
from scanfloor.extensions import db

GTIN13 = "4006381333931"


def count(model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def item(client, h, sku, *codes):
    body = {
        "sku": sku,
        "name": sku,
        "packs": [{"level": "each", "quantity": 1, "barcodes": list(codes)}],
    }
    return client.post("/api/v1/items", json=body, headers=h)


def warehouse(client, h, code="WH-CLASH"):
    r = client.post("/api/v1/locations", json={"code": code, "type": "warehouse"}, headers=h)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def clash_of(r):
    assert r.status_code == 409, r.get_json()
    err = r.get_json()["error"]
    assert err["code"] == "barcode_clash"
    return err["details"]


def test_a_gtin13_clashes_with_its_14_digit_form(client, auth):
    h = auth("manager")
    first = item(client, h, "GT-1", GTIN13)
    assert first.status_code == 201
    details = clash_of(item(client, h, "GT-2", "0" + GTIN13))
    assert details["code"] == "0" + GTIN13
    assert details["held_by"]["target"] == "pack"
    assert details["held_by"]["sku"] == "GT-1"
    assert details["held_by"]["level"] == "each"
    assert count(Item) == 1


def test_a_code_given_twice_in_one_request_is_refused(client, auth):
    h = auth("manager")
    body = {
        "sku": "TWICE-1",
        "name": "t",
        "packs": [
            {"level": "each", "quantity": 1, "barcodes": [GTIN13]},
            {"level": "case", "quantity": 6, "barcodes": ["0" + GTIN13]},
        ],
    }
    details = clash_of(client.post("/api/v1/items", json=body, headers=h))
    assert details["held_by"] == {"target": "this request"}
    assert count(Item) == 0


def test_a_location_barcode_cannot_be_given_to_an_item(client, auth):
    h = auth("manager")
    wh = warehouse(client, h)
    details = clash_of(item(client, h, "LOC-CL-1", "wh-clash"))
    assert details["held_by"]["target"] == "location"
    assert details["held_by"]["location_id"] == wh["id"]
    assert count(Item) == 0


def test_an_item_barcode_cannot_become_a_location(client, auth):
    h = auth("manager")
    assert item(client, h, "IT-CL-1", "A-01-01").status_code == 201
    wh = warehouse(client, h)
    before = count(Location)
    r = client.post(
        "/api/v1/locations",
        json={"code": "A-01-01", "type": "storage", "parent_id": wh["id"]},
        headers=h,
    )
    assert clash_of(r)["held_by"]["sku"] == "IT-CL-1"
    r = client.post(
        "/api/v1/locations",
        json={"code": "A-01-02", "type": "storage", "parent_id": wh["id"], "barcode": "a-01-01"},
        headers=h,
    )
    clash_of(r)
    assert count(Location) == before


def test_a_container_code_cannot_be_reused_by_a_location_or_an_item(client, auth):
    h = auth("manager")
    r = client.post("/api/v1/containers", json={"code": "TOTE-0042", "kind": "tote"}, headers=h)
    assert r.status_code == 201
    wh = warehouse(client, h)
    r = client.post(
        "/api/v1/locations",
        json={"code": "TOTE-0042", "type": "staging", "parent_id": wh["id"]},
        headers=h,
    )
    assert clash_of(r)["held_by"]["container_code"] == "TOTE-0042"
    assert clash_of(item(client, h, "CT-CL-1", "tote-0042"))["held_by"]["target"] == "container"
    assert count(Item) == 0


def test_an_item_or_location_code_cannot_become_a_container(client, auth):
    h = auth("manager")
    assert item(client, h, "IT-CL-2", "LPN-777").status_code == 201
    warehouse(client, h, "WH-CL-2")
    for code in ("lpn-777", "WH-CL-2"):
        r = client.post("/api/v1/containers", json={"code": code, "kind": "carton"}, headers=h)
        clash_of(r)
    assert count(Container) == 0


def test_moving_a_location_barcode_onto_a_taken_code_is_refused(client, auth):
    h = auth("manager")
    assert item(client, h, "IT-CL-3", "TAKEN-1").status_code == 201
    wh = warehouse(client, h)
    r = client.patch(f"/api/v1/locations/{wh['id']}", json={"barcode": "taken-1"}, headers=h)
    clash_of(r)
    assert client.get(f"/api/v1/locations/{wh['id']}", headers=h).get_json()["barcode"] == (
        "WH-CLASH"
    )


def test_a_clash_missed_by_the_check_is_still_caught_by_the_unique_constraint(
    client, auth, monkeypatch
):
    """As when a concurrent request takes the code between our check and our write."""
    from scanfloor.catalog import items_service, locations_service

    h = auth("manager")
    assert item(client, h, "RACE-1", GTIN13).status_code == 201
    monkeypatch.setattr(items_service, "ensure_free", lambda codes: None)
    monkeypatch.setattr(locations_service, "ensure_free", lambda codes: None)

    details = clash_of(item(client, h, "RACE-2", "0" + GTIN13))
    assert details["held_by"]["sku"] == "RACE-1"
    wh = warehouse(client, h)
    r = client.post(
        "/api/v1/locations",
        json={"code": "B-01", "type": "storage", "parent_id": wh["id"], "barcode": "wh-clash"},
        headers=h,
    )
    assert clash_of(r)["held_by"]["location_id"] == wh["id"]
    assert (count(Item), count(Barcode)) == (1, 2)
