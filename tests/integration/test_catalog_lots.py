"""Lots through the REST API: only for lot-tracked items, expiry where tracked, unique codes."""

from __future__ import annotations

from sqlalchemy import func, select

from scanfloor.catalog.models import Lot
from scanfloor.extensions import db


def count(model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def item(client, h, sku, **extra):
    r = client.post("/api/v1/items", json={"sku": sku, "name": sku} | extra, headers=h)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def lot(client, h, item_id, **body):
    return client.post(f"/api/v1/items/{item_id}/lots", json=body, headers=h)


def test_a_lot_of_a_lot_tracked_item_is_recorded_with_its_code_upper_cased(client, auth):
    h = auth("manager")
    flour = item(client, h, "FLOUR-1", tracking="lot")
    r = lot(client, h, flour["id"], code=" b2024-07a ")
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert (made["item_id"], made["code"], made["expiry"]) == (flour["id"], "B2024-07A", None)
    assert client.get(f"/api/v1/lots/{made['id']}", headers=auth("worker")).get_json() == made


def test_a_lot_of_an_item_not_tracked_by_lot_is_refused(client, auth):
    h = auth("manager")
    for tracking in ("none", "serial"):
        plain = item(client, h, f"PLAIN-{tracking}", tracking=tracking)
        r = lot(client, h, plain["id"], code="L1")
        assert r.status_code == 422, tracking
    assert count(Lot) == 0


def test_an_expiry_tracked_item_needs_an_expiry_on_every_lot(client, auth):
    h = auth("manager")
    milk = item(client, h, "MILK-1", tracking="lot", expiry_tracked=True)
    r = lot(client, h, milk["id"], code="M-1")
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["field"] == "expiry"
    r = lot(client, h, milk["id"], code="M-1", expiry="2027-03-31")
    assert r.status_code == 201
    assert r.get_json()["expiry"] == "2027-03-31"
    assert lot(client, h, milk["id"], code="M-2", expiry="31/03/2027").status_code == 422
    assert count(Lot) == 1


def test_a_lot_code_is_unique_per_item_but_may_repeat_across_items(client, auth):
    h = auth("manager")
    a = item(client, h, "LOT-A", tracking="lot")
    b = item(client, h, "LOT-B", tracking="lot")
    assert lot(client, h, a["id"], code="X-100").status_code == 201
    r = lot(client, h, a["id"], code="x-100")
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "duplicate_code"
    assert lot(client, h, b["id"], code="X-100").status_code == 201
    assert count(Lot) == 2


def test_an_expiry_can_be_corrected_but_not_removed_where_tracked(client, auth):
    h = auth("manager")
    milk = item(client, h, "MILK-2", tracking="lot", expiry_tracked=True)
    made = lot(client, h, milk["id"], code="M-9", expiry="2027-01-01").get_json()
    r = client.patch(f"/api/v1/lots/{made['id']}", json={"expiry": "2027-02-01"}, headers=h)
    assert r.status_code == 200 and r.get_json()["expiry"] == "2027-02-01"
    r = client.patch(f"/api/v1/lots/{made['id']}", json={"expiry": None}, headers=h)
    assert r.status_code == 422
    assert client.get(f"/api/v1/lots/{made['id']}", headers=h).get_json()["expiry"] == (
        "2027-02-01"
    )


def test_an_items_lots_are_listed_and_searched(client, auth):
    h = auth("manager")
    a = item(client, h, "LIST-A", tracking="lot")
    b = item(client, h, "LIST-B", tracking="lot")
    for code in ("A-1", "A-2", "A-3"):
        lot(client, h, a["id"], code=code)
    lot(client, h, b["id"], code="B-1")

    def codes(item_id, **query):
        r = client.get(f"/api/v1/items/{item_id}/lots", query_string=query, headers=auth("worker"))
        assert r.status_code == 200
        return [x["code"] for x in r.get_json()["lots"]], r.get_json()["next_cursor"]

    assert codes(a["id"]) == (["A-1", "A-2", "A-3"], None)
    assert codes(a["id"], q="a-2") == (["A-2"], None)
    page, cursor = codes(a["id"], limit=2)
    assert page == ["A-1", "A-2"]
    assert codes(a["id"], limit=2, cursor=cursor) == (["A-3"], None)
    assert client.get("/api/v1/items/99999/lots", headers=h).status_code == 404


def test_tracking_cannot_be_switched_off_once_an_item_has_lots(client, auth):
    h = auth("manager")
    a = item(client, h, "SWITCH-1", tracking="lot")
    lot(client, h, a["id"], code="S-1")
    r = client.patch(f"/api/v1/items/{a['id']}", json={"tracking": "none"}, headers=h)
    assert r.status_code == 409


def test_worker_cannot_record_a_lot(client, auth):
    a = item(client, auth("manager"), "WLOT-1", tracking="lot")
    assert lot(client, auth("worker"), a["id"], code="W-1").status_code == 403
    assert count(Lot) == 0
