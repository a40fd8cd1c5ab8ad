"""Containers through the REST API: SSCC and LPN codes, placing, and stock they hold."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from scanfloor.catalog.models import Barcode, Container, Location
from scanfloor.extensions import db

SSCC = "106141411234567897"
OTHER_SSCC = "376130321109103420"


def count(model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def container(client, h, code, kind="pallet", **extra):
    return client.post("/api/v1/containers", json={"code": code, "kind": kind} | extra, headers=h)


def place(client, h, code, type_, parent_id=None):
    body = {"code": code, "type": type_, "parent_id": parent_id}
    r = client.post("/api/v1/locations", json=body, headers=h)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_a_pallet_registered_by_sscc_is_stored_as_18_digits(client, auth):
    h = auth("manager")
    r = container(client, h, f"(00){SSCC}")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["code"], body["symbology"], body["kind"]) == (SSCC, "sscc", "pallet")
    stored = db.session.scalars(select(Barcode).where(Barcode.container_id == body["id"])).one()
    assert (stored.code, stored.symbology, stored.target) == (SSCC, "sscc", "container")
    # The same SSCC as scanned from a GS1-128 label (AI 00 in front) is the same pallet.
    again = container(client, h, f"00{SSCC}")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "duplicate_code"
    assert count(Container) == 1


def test_an_sscc_with_a_bad_check_digit_is_refused_and_nothing_is_created(client, auth):
    r = container(client, auth("manager"), SSCC[:-1] + "0")
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["code"] == "invalid_barcode"
    assert "should be 7" in err["message"]
    assert (count(Container), count(Barcode)) == (0, 0)


@pytest.mark.parametrize("code", ["4006381333931", "x", "T" * 33])
def test_a_gtin_or_a_malformed_lpn_is_not_a_container_code(client, auth, code):
    r = container(client, auth("manager"), code, kind="tote")
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "invalid_barcode"
    assert count(Container) == 0


def test_an_lpn_tote_is_placed_and_moved_by_editing_it(client, auth):
    h = auth("manager")
    wh = place(client, h, "WH-C", "warehouse")
    pack = place(client, h, "PACK-1", "pack_station", wh["id"])
    ship = place(client, h, "SHIP-1", "shipping", wh["id"])
    r = container(client, h, "tote-0001", kind="tote", location_id=pack["id"])
    assert r.status_code == 201
    tote = r.get_json()
    assert (tote["code"], tote["symbology"], tote["location_id"]) == (
        "TOTE-0001",
        "lpn",
        pack["id"],
    )
    r = client.patch(
        f"/api/v1/containers/{tote['id']}", json={"location_id": ship["id"]}, headers=h
    )
    assert r.status_code == 200
    assert r.get_json()["location_id"] == ship["id"]
    r = client.patch(f"/api/v1/containers/{tote['id']}", json={"location_id": None}, headers=h)
    assert r.get_json()["location_id"] is None


def test_a_container_cannot_be_placed_in_a_virtual_or_unknown_location(client, auth):
    h = auth("manager")
    customer = db.session.scalar(select(Location.id).where(Location.code == "CUSTOMER"))
    assert container(client, h, "TOTE-V", kind="tote", location_id=customer).status_code == 422
    assert container(client, h, "TOTE-V", kind="tote", location_id=99999).status_code == 404
    assert count(Container) == 0


def test_a_container_holding_stock_is_moved_by_the_ledger_not_by_editing(client, auth):
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post
    from tests.factories import make_item, virtual

    h = auth("manager")
    wh = place(client, h, "WH-H", "warehouse")
    dock = place(client, h, "DOCK-H", "dock", wh["id"])
    shelf = place(client, h, "H-01", "storage", wh["id"])
    pallet = container(client, h, SSCC, location_id=dock["id"]).get_json()
    empty = container(client, h, OTHER_SSCC, location_id=dock["id"]).get_json()
    item = make_item()
    post(
        PostingRequest(
            movement_type="receipt",
            lines=(
                MovementLine(
                    item_id=item.id,
                    quantity=40,
                    from_location_id=virtual("VENDOR").id,
                    to_location_id=dock["id"],
                    to_container_id=pallet["id"],
                ),
            ),
        )
    )

    for change in ({"location_id": shelf["id"]}, {"active": False}):
        r = client.patch(f"/api/v1/containers/{pallet['id']}", json=change, headers=h)
        assert r.status_code == 409, change
    assert (
        client.get(f"/api/v1/containers/{pallet['id']}", headers=h).get_json()["location_id"]
        == dock["id"]
    )
    r = client.patch(
        f"/api/v1/containers/{empty['id']}", json={"location_id": shelf["id"]}, headers=h
    )
    assert r.status_code == 200


def test_containers_are_listed_by_location_kind_and_code_in_pages(client, auth):
    h = auth("manager")
    wh = place(client, h, "WH-LC", "warehouse")
    for n in range(3):
        assert (
            container(client, h, f"TOTE-{n:03d}", kind="tote", location_id=wh["id"]).status_code
            == 201
        )
    assert container(client, h, SSCC).status_code == 201

    def codes(**query):
        r = client.get("/api/v1/containers", query_string=query, headers=auth("worker"))
        assert r.status_code == 200
        return [c["code"] for c in r.get_json()["containers"]], r.get_json()["next_cursor"]

    assert codes(kind="pallet") == ([SSCC], None)
    assert codes(location_id=wh["id"])[0] == ["TOTE-000", "TOTE-001", "TOTE-002"]
    assert codes(q="tote-001") == (["TOTE-001"], None)
    page, cursor = codes(limit=3)
    assert page == ["TOTE-000", "TOTE-001", "TOTE-002"] and cursor is not None
    assert codes(limit=3, cursor=cursor) == ([SSCC], None)


def test_worker_cannot_register_or_move_containers(client, auth):
    assert container(client, auth("worker"), "TOTE-W", kind="tote").status_code == 403
    made = container(client, auth("manager"), "TOTE-W", kind="tote").get_json()
    r = client.patch(
        f"/api/v1/containers/{made['id']}", json={"active": False}, headers=auth("worker")
    )
    assert r.status_code == 403
    assert (
        client.get(f"/api/v1/containers/{made['id']}", headers=auth("worker")).get_json()["active"]
        is True
    )
