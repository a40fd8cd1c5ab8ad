"""POST /api/v1/barcodes/resolve: a scan says what it is, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

URL = "/api/v1/barcodes/resolve"
EACH_GTIN = "09501101530003"  # GTIN-13 9501101530003, stored as 14 digits
CASE_GTIN = "19501101530000"  # GTIN-14 of the case of 12
SSCC = "106141411234567897"


@pytest.fixture
def catalog(app: Any) -> dict[str, Any]:
    """One item (each + case of 12), a bin with a label, a pallet with an SSCC, a tote, a lot."""
    from scanfloor.catalog.models import Barcode, Container, Item, Location, Lot, PackLevel
    from scanfloor.extensions import db

    item = Item(sku="WIDGET-1", sku_key="widget-1", name="Widget")
    each = PackLevel(item=item, level="each", quantity=1)
    case = PackLevel(item=item, level="case", quantity=12)
    db.session.add_all([item, each, case])
    db.session.flush()
    db.session.add_all(
        [
            Barcode(code=EACH_GTIN, symbology="gtin", target="pack", pack_id=each.id),
            Barcode(code=CASE_GTIN, symbology="gtin", target="pack", pack_id=case.id),
            Barcode(code="WID-INNER", symbology="internal", target="pack", pack_id=each.id),
        ]
    )
    bin_ = Location(
        code="A-01-02", name="Aisle A bay 1 level 2", level="bin", type="storage", sellable=True
    )
    pallet = Container(code="P-0001", kind="pallet")
    tote = Container(code="TOTE-7", kind="tote")
    db.session.add_all([bin_, pallet, tote])
    db.session.flush()
    db.session.add_all(
        [
            Barcode(code="LOC-A0102", symbology="internal", target="location", location_id=bin_.id),
            Barcode(code=SSCC, symbology="sscc", target="container", container_id=pallet.id),
            Lot(item_id=item.id, code="L2025A", expiry=date(2026, 3, 31)),
        ]
    )
    db.session.commit()
    lot_id = db.session.query(Lot.id).filter_by(code="L2025A").scalar()
    return {
        "item": item.id,
        "each": each.id,
        "case": case.id,
        "bin": bin_.id,
        "pallet": pallet.id,
        "tote": tote.id,
        "lot": lot_id,
    }


def resolve(client: Any, auth: Any, code: Any, role: str = "worker") -> Any:
    return client.post(URL, json={"code": code}, headers=auth(role))


def test_each_gtin_resolves_to_the_item_with_one_base_unit(client, auth, catalog):
    r = resolve(client, auth, "]E09501101530003\r\n")
    assert r.status_code == 200
    body = r.get_json()
    assert body["kind"] == "item"
    assert body["item"] == {"id": catalog["item"], "sku": "WIDGET-1", "name": "Widget"}
    assert body["pack"] == {"id": catalog["each"], "level": "each", "quantity": 1}
    assert body["quantity"] == 1
    assert body["symbology"] == "ean-13"
    assert body["location"] is None and body["container"] is None


def test_case_barcode_returns_the_case_quantity(client, auth, catalog):
    body = resolve(client, auth, CASE_GTIN).get_json()
    assert body["kind"] == "item"
    assert body["pack"]["level"] == "case"
    assert body["quantity"] == 12


def test_gs1_case_with_count_multiplies_pack_quantity(client, auth, catalog):
    body = resolve(client, auth, f"]C101{CASE_GTIN}3005").get_json()
    assert body["kind"] == "item"
    assert body["quantity"] == 60
    assert body["gs1"] == {"01": CASE_GTIN, "30": "05"}


def test_gs1_lot_and_expiry_come_back_with_the_known_lot_id(client, auth, catalog):
    body = resolve(client, auth, f"01{EACH_GTIN}10L2025A|17260300\n").get_json()
    assert body["kind"] == "item"
    assert body["lot"] == {"code": "L2025A", "id": catalog["lot"]}
    assert body["expiry"] == "2026-03-31"  # day 00 means the end of the month
    assert body["cleaned"] == f"01{EACH_GTIN}10L2025A\x1d17260300"


def test_lot_is_found_whatever_the_case_of_the_scanned_code(client, auth, catalog):
    body = resolve(client, auth, f"01{EACH_GTIN}10l2025a").get_json()
    assert body["lot"] == {"code": "l2025a", "id": catalog["lot"]}


def test_gs1_with_a_lot_not_yet_seen_returns_the_lot_code_without_id(client, auth, catalog):
    body = resolve(client, auth, f"]d201{EACH_GTIN}21SN-9\x1d10NEWLOT").get_json()
    assert body["kind"] == "item"
    assert body["lot"] == {"code": "NEWLOT", "id": None}
    assert body["serial"] == "SN-9"


def test_human_readable_gs1_resolves_like_the_scanned_one(client, auth, catalog):
    body = resolve(client, auth, f"(01){CASE_GTIN}(30)2(10)L2025A").get_json()
    assert body["kind"] == "item"
    assert body["quantity"] == 24
    assert body["lot"]["id"] == catalog["lot"]


def test_location_label_resolves_to_the_location(client, auth, catalog):
    body = resolve(client, auth, "loc-a0102").get_json()
    assert body["kind"] == "location"
    assert body["location"]["id"] == catalog["bin"]
    assert body["location"]["code"] == "A-01-02"
    assert body["item"] is None and body["quantity"] is None


def test_location_code_itself_resolves_to_the_location(client, auth, catalog):
    body = resolve(client, auth, "A-01-02").get_json()
    assert body["kind"] == "location"
    assert body["location"]["id"] == catalog["bin"]


def test_pallet_sscc_resolves_to_the_container(client, auth, catalog):
    for code in (f"]C100{SSCC}", f"00{SSCC}", SSCC):
        body = resolve(client, auth, code).get_json()
        assert body["kind"] == "container", code
        assert body["container"]["id"] == catalog["pallet"]


def test_pallet_label_with_contents_names_the_container_and_its_items(client, auth, catalog):
    body = resolve(client, auth, f"]C100{SSCC}02{CASE_GTIN}3740|10L2025A").get_json()
    assert body["kind"] == "container"
    assert body["container"]["id"] == catalog["pallet"]
    assert body["pack"]["level"] == "case"
    assert body["quantity"] == 480


def test_tote_code_resolves_to_the_container(client, auth, catalog):
    body = resolve(client, auth, "]C0tote-7").get_json()
    assert body["kind"] == "container"
    assert body["container"]["code"] == "TOTE-7"
    assert body["symbology"] == "code-128"


def test_internal_pack_code_resolves_to_the_item(client, auth, catalog):
    body = resolve(client, auth, " wid-inner\t").get_json()
    assert body["kind"] == "item"
    assert body["pack"]["id"] == catalog["each"]


def test_well_formed_code_matching_nothing_is_kind_unknown(client, auth, catalog):
    for code in ("NOT-A-THING", "4006381333931", f"]C100{'106141411234567880'}"):
        r = resolve(client, auth, code)
        assert r.status_code == 200, code
        body = r.get_json()
        assert body["kind"] == "unknown", code
        assert body["item"] is None and body["location"] is None and body["container"] is None


def test_unknown_gtin_still_reports_its_gs1_data(client, auth, catalog):
    body = resolve(client, auth, "]C10104006381333931\x1d10X1").get_json()
    assert body["kind"] == "unknown"
    assert body["lot"] == {"code": "X1", "id": None}
    assert body["gs1"] == {"01": "04006381333931", "10": "X1"}


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("5901101530004", "check_digit"),
        ("]C10109501101530004", "check_digit"),
        ("]C100106141411234567898", "check_digit"),
        ("]C10109501101530003\x1d17251301", "gs1_syntax"),
        ("ABC\x00DEF", "control_character"),
        ("\x1b[2J", "control_character"),
        ("x" * 600, "too_long"),
        ("\U0001f4e6 box", "non_ascii"),
        ("\u05d0\u05d1\u05d2-12", "non_ascii"),
        ("A\u0301BC", "non_ascii"),
        ("]", "symbology_identifier"),
        ("]J1010950110153000", "symbology_identifier"),
        ("   \r\n", "empty"),
    ],
)
def test_malformed_scan_is_refused_as_invalid_barcode(client, auth, catalog, code, reason):
    r = resolve(client, auth, code)
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "invalid_barcode"
    assert error["details"]["reason"] == reason


@pytest.mark.parametrize(
    "body",
    [
        {"code": "x" * 10_000},
        {"code": None},
        {"code": 5901101530003},
        {},
        {"kode": "A-01-02"},
        ["A-01-02"],
        "A-01-02",
        42,
    ],
)
def test_request_that_is_not_a_code_object_is_refused_with_422(client, auth, body):
    r = client.post(URL, json=body, headers=auth("worker"))
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "validation_failed"


def test_body_that_is_not_json_is_a_client_error(client, auth):
    r = client.post(
        URL,
        data=b"\xff\xfe{not json",
        headers={**auth("worker"), "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "bad_request"


def test_resolving_without_a_token_is_refused(client, catalog):
    r = client.post(URL, json={"code": EACH_GTIN})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"


def test_configured_stand_in_separator_is_honoured(app, client, auth, catalog):
    settings = app.config["SCANFLOOR_SETTINGS"]
    settings.gs1_separator_chars = ("\x1d", "~")
    body = resolve(client, auth, f"01{EACH_GTIN}10L2025A~17260300").get_json()
    assert body["lot"]["code"] == "L2025A"
    assert body["expiry"] == "2026-03-31"
