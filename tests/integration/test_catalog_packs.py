"""Pack levels and item barcodes added to and removed from existing items."""

from __future__ import annotations

from sqlalchemy import func, select

from scanfloor.catalog.models import Barcode, PackLevel
from scanfloor.extensions import db

CASE_GTIN14 = "10012345678902"


def count(model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def make_item(client, headers, sku, packs=None):
    body = {"sku": sku, "name": sku} | ({"packs": packs} if packs else {})
    r = client.post("/api/v1/items", json=body, headers=headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_a_case_level_is_added_with_its_barcode_and_removed_with_it(client, auth):
    h = auth("manager")
    item = make_item(client, h, "PK-1")
    r = client.post(
        f"/api/v1/items/{item['id']}/packs",
        json={"level": "case", "quantity": 24, "barcodes": [CASE_GTIN14]},
        headers=h,
    )
    assert r.status_code == 201, r.get_json()
    case = r.get_json()
    assert (case["level"], case["quantity"]) == ("case", 24)
    assert [b["code"] for b in case["barcodes"]] == [CASE_GTIN14]
    levels = [
        p["level"] for p in client.get(f"/api/v1/items/{item['id']}", headers=h).get_json()["packs"]
    ]
    assert levels == ["each", "case"]

    r = client.delete(f"/api/v1/items/{item['id']}/packs/{case['id']}", headers=h)
    assert r.status_code == 204
    assert count(Barcode) == 0
    # The code is free again once its pack is gone.
    other = make_item(
        client, h, "PK-2", [{"level": "case", "quantity": 6, "barcodes": [CASE_GTIN14]}]
    )
    assert other["packs"][1]["barcodes"][0]["code"] == CASE_GTIN14


def test_a_pack_level_breaking_the_ladder_is_refused(client, auth):
    h = auth("manager")
    item = make_item(client, h, "PK-3", [{"level": "case", "quantity": 12}])
    for body in ({"level": "inner", "quantity": 12}, {"level": "pallet", "quantity": 10}):
        r = client.post(f"/api/v1/items/{item['id']}/packs", json=body, headers=h)
        assert r.status_code == 422, body
    r = client.post(
        f"/api/v1/items/{item['id']}/packs", json={"level": "case", "quantity": 24}, headers=h
    )
    assert r.status_code == 409  # one case level per item: change its quantity instead
    assert count(PackLevel) == 2


def test_a_pack_quantity_change_must_keep_the_ladder_rising(client, auth):
    h = auth("manager")
    item = make_item(
        client, h, "PK-4", [{"level": "inner", "quantity": 6}, {"level": "case", "quantity": 24}]
    )
    inner = item["packs"][1]
    url = f"/api/v1/items/{item['id']}/packs/{inner['id']}"
    assert client.patch(url, json={"quantity": 24}, headers=h).status_code == 422
    r = client.patch(url, json={"quantity": 12}, headers=h)
    assert r.status_code == 200
    assert r.get_json()["quantity"] == 12
    each = item["packs"][0]
    r = client.patch(
        f"/api/v1/items/{item['id']}/packs/{each['id']}", json={"quantity": 2}, headers=h
    )
    assert r.status_code == 422


def test_the_each_level_cannot_be_removed(client, auth):
    h = auth("manager")
    item = make_item(client, h, "PK-5")
    each = item["packs"][0]
    r = client.delete(f"/api/v1/items/{item['id']}/packs/{each['id']}", headers=h)
    assert r.status_code == 422
    assert count(PackLevel) == 1


def test_a_barcode_is_added_to_an_existing_level_and_removed_again(client, auth):
    h = auth("manager")
    item = make_item(client, h, "PK-6", [{"level": "case", "quantity": 10}])
    r = client.post(
        f"/api/v1/items/{item['id']}/barcodes",
        json={"code": CASE_GTIN14, "level": "case"},
        headers=h,
    )
    assert r.status_code == 201, r.get_json()
    added = r.get_json()
    assert (added["level"], added["item_id"], added["symbology"]) == ("case", item["id"], "gtin")
    r = client.post(f"/api/v1/items/{item['id']}/barcodes", json={"code": "pk-6-each"}, headers=h)
    assert r.get_json()["level"] == "each"
    assert r.get_json()["code"] == "PK-6-EACH"

    assert (
        client.delete(f"/api/v1/items/{item['id']}/barcodes/{added['id']}", headers=h).status_code
        == 204
    )
    assert count(Barcode) == 1


def test_a_barcode_for_a_level_the_item_lacks_is_refused(client, auth):
    h = auth("manager")
    item = make_item(client, h, "PK-7")
    r = client.post(
        f"/api/v1/items/{item['id']}/barcodes",
        json={"code": CASE_GTIN14, "level": "pallet"},
        headers=h,
    )
    assert r.status_code == 422
    assert count(Barcode) == 0


def test_a_barcode_of_another_item_cannot_be_removed_through_this_one(client, auth):
    h = auth("manager")
    a = make_item(client, h, "PK-8", [{"level": "each", "quantity": 1, "barcodes": ["PK-8-A"]}])
    b = make_item(client, h, "PK-9")
    code_id = a["packs"][0]["barcodes"][0]["id"]
    r = client.delete(f"/api/v1/items/{b['id']}/barcodes/{code_id}", headers=h)
    assert r.status_code == 404
    assert count(Barcode) == 1


def test_worker_cannot_change_packs_or_barcodes(client, auth):
    item = make_item(client, auth("manager"), "PK-10")
    w = auth("worker")
    assert (
        client.post(
            f"/api/v1/items/{item['id']}/packs", json={"level": "case", "quantity": 6}, headers=w
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/items/{item['id']}/barcodes", json={"code": "PK-10-X"}, headers=w
        ).status_code
        == 403
    )
    assert count(PackLevel) == 1
