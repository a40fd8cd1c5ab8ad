"""Label downloads through the REST API, on SQLite and PostgreSQL.

What is printed is what scans: each PNG is decoded with a real decoder (zxing-cpp), the text
a scanner would type (AIM identifier + data, GS as GS) goes to POST /barcodes/resolve, and
the answer must name the very location, item, lot or container the label was printed for.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import zxingcpp
from PIL import Image

GTIN13 = "9501101530003"
CASE_GTIN = "19501101530000"
SSCC = "106141411234567897"


def ok(r: Any, status: int = 201) -> Any:
    assert r.status_code == status, r.get_json()
    return r.get_json()


@pytest.fixture
def floor(client: Any, auth: Any) -> dict[str, Any]:
    """A warehouse with a zone of three bins (walk order A-01-02, A-01-03, A-01-01), a dock,
    a lot-tracked item (each GTIN-13, case of 12 GTIN-14) with a lot, a tote and a pallet."""
    h = auth("manager")

    def place(code: str, type_: str, parent_id: int | None = None, **kw: Any) -> Any:
        body = {"code": code, "type": type_, "parent_id": parent_id, **kw}
        return ok(client.post("/api/v1/locations", json=body, headers=h))

    wh = place("WH1", "warehouse")
    zone = place("Z-A", "zone", wh["id"], name="Zone A")
    bins = {
        code: place(code, "storage", zone["id"], walk_sequence=seq, name=f"Bin {code}")
        for code, seq in (("A-01-01", 30), ("A-01-02", 10), ("A-01-03", 20))
    }
    other_zone = place("Z-B", "zone", wh["id"])
    place("B-01-01", "storage", other_zone["id"])
    dock = place("DOCK-1", "dock", wh["id"])
    item = ok(
        client.post(
            "/api/v1/items",
            json={
                "sku": "WIDGET-1",
                "name": "Widget",
                "tracking": "lot",
                "expiry_tracked": True,
                "packs": [
                    {"level": "each", "quantity": 1, "barcodes": [GTIN13]},
                    {"level": "case", "quantity": 12, "barcodes": [CASE_GTIN]},
                ],
            },
            headers=h,
        )
    )
    lot = ok(
        client.post(
            f"/api/v1/items/{item['id']}/lots",
            json={"code": "b2024-07a", "expiry": "2026-01-31"},
            headers=h,
        )
    )
    tote = ok(
        client.post(
            "/api/v1/containers",
            json={"code": "TOTE-0007", "kind": "tote", "location_id": bins["A-01-01"]["id"]},
            headers=h,
        )
    )
    pallet = ok(
        client.post(
            "/api/v1/containers",
            json={"code": SSCC, "kind": "pallet", "location_id": dock["id"]},
            headers=h,
        )
    )
    return {
        "zone": zone,
        "other_zone": other_zone,
        "bins": bins,
        "dock": dock,
        "item": item,
        "lot": lot,
        "tote": tote,
        "pallet": pallet,
    }


def label(client: Any, auth: Any, path: str, **query: Any) -> Any:
    r = client.get(f"/api/v1/labels/{path}", query_string=query, headers=auth("worker"))
    assert r.status_code == 200, r.get_json()
    return r


def scans(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    return [r.symbology_identifier + r.text for r in found]


def resolve(client: Any, auth: Any, text: str) -> dict[str, Any]:
    r = client.post("/api/v1/barcodes/resolve", json={"code": text}, headers=auth("worker"))
    return ok(r, 200)


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_printed_bin_label_scans_back_to_that_bin(client, auth, floor, dpi):
    bin_ = floor["bins"]["A-01-02"]
    r = label(client, auth, f"locations/{bin_['id']}", dpi=dpi, arrow="up")
    (text,) = scans(r.data)
    assert text == "]C0A-01-02"
    answer = resolve(client, auth, text)
    assert (answer["kind"], answer["location"]["id"]) == ("location", bin_["id"])


@pytest.mark.parametrize("dpi", [203, 300])
def test_an_each_label_is_an_ean_13_that_scans_back_to_the_each_pack(client, auth, floor, dpi):
    item = floor["item"]
    (text,) = scans(label(client, auth, f"items/{item['id']}", dpi=dpi).data)
    assert text == f"]E0{GTIN13}"
    answer = resolve(client, auth, text)
    assert answer["kind"] == "item"
    assert answer["item"]["id"] == item["id"]
    assert (answer["pack"]["level"], answer["quantity"]) == ("each", 1)


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_case_label_with_lot_scans_back_to_the_item_its_lot_expiry_and_quantity(
    client, auth, floor, dpi
):
    item, lot = floor["item"], floor["lot"]
    r = label(client, auth, f"items/{item['id']}", level="case", lot_id=lot["id"], count=2, dpi=dpi)
    (text,) = scans(r.data)
    assert text.startswith(f"]C101{CASE_GTIN}")
    answer = resolve(client, auth, text)
    assert answer["kind"] == "item"
    assert answer["item"]["id"] == item["id"]
    assert answer["lot"] == {"code": "B2024-07A", "id": lot["id"]}
    assert answer["expiry"] == "2026-01-31"
    assert (answer["pack"]["level"], answer["quantity"]) == ("case", 24)


@pytest.mark.parametrize("dpi", [203, 300])
def test_an_lpn_label_scans_back_to_the_tote(client, auth, floor, dpi):
    tote = floor["tote"]
    (text,) = scans(label(client, auth, f"containers/{tote['id']}", dpi=dpi).data)
    assert text == "]C0TOTE-0007"
    answer = resolve(client, auth, text)
    assert (answer["kind"], answer["container"]["id"]) == ("container", tote["id"])


@pytest.mark.parametrize("dpi", [203, 300])
def test_an_sscc_label_scans_back_to_the_pallet(client, auth, floor, dpi):
    pallet = floor["pallet"]
    r = label(client, auth, f"containers/{pallet['id']}", dpi=dpi)
    (text,) = scans(r.data)
    assert text == f"]C100{SSCC}"
    answer = resolve(client, auth, text)
    assert (answer["kind"], answer["container"]["id"]) == ("container", pallet["id"])
    assert r.headers["Content-Disposition"] == f'attachment; filename="sscc-{SSCC}.png"'


def test_label_files_carry_their_media_type_dpi_and_file_name(client, auth, floor):
    bin_id = floor["bins"]["A-01-02"]["id"]
    png = label(client, auth, f"locations/{bin_id}", dpi=300)
    assert png.mimetype == "image/png"
    assert tuple(round(v) for v in Image.open(io.BytesIO(png.data)).info["dpi"]) == (300, 300)
    assert png.headers["Content-Disposition"] == 'attachment; filename="location-A-01-02.png"'
    pdf = label(client, auth, f"locations/{bin_id}", format="pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    zpl = label(client, auth, f"locations/{bin_id}", format="zpl")
    assert zpl.mimetype == "text/plain"
    assert zpl.headers["Content-Disposition"] == 'attachment; filename="location-A-01-02.zpl"'
    assert zpl.get_data(as_text=True).startswith("^XA\n^CI28\n")


def batch(client: Any, auth: Any, body: dict[str, Any], role: str = "worker") -> Any:
    return client.post("/api/v1/labels/locations/batch", json=body, headers=auth(role))


def test_every_bin_of_a_zone_prints_as_one_job_in_walk_order(client, auth, floor):
    zone = floor["zone"]
    zpl = batch(client, auth, {"zone_id": zone["id"], "format": "zpl"})
    assert zpl.status_code == 200, zpl.get_json()
    assert zpl.headers["Content-Disposition"] == 'attachment; filename="bins-Z-A.zpl"'
    text = zpl.get_data(as_text=True)
    assert text.count("^XA") == text.count("^XZ") == 3
    assert re.findall(r"\^FD>:(A-01-0\d)\^FS", text) == ["A-01-02", "A-01-03", "A-01-01"]
    pdf = batch(client, auth, {"zone_id": zone["id"], "dpi": 300})  # PDF is the default
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf.data)) == 3
    sheet = batch(client, auth, {"zone_id": zone["id"], "sheet": "a4"})
    assert len(re.findall(rb"/Type /Page\b(?!s)", sheet.data)) == 1


def test_a_whole_warehouse_prints_every_bin_it_holds(client, auth, floor):
    wh_id = floor["zone"]["parent_id"]
    r = batch(client, auth, {"zone_id": wh_id, "format": "zpl"})
    assert r.status_code == 200, r.get_json()
    # Three bins of Z-A, one of Z-B and the dock (a bin-level location), never the zones.
    assert r.get_data(as_text=True).count("^XA") == 5


def test_listed_locations_print_in_the_order_given(client, auth, floor):
    ids = [floor["bins"][c]["id"] for c in ("A-01-03", "A-01-01")] + [floor["dock"]["id"]]
    r = batch(client, auth, {"location_ids": ids, "format": "zpl", "arrow": "down"})
    assert r.status_code == 200, r.get_json()
    codes = re.findall(r"\^FD>:([A-Z0-9-]+)\^FS", r.get_data(as_text=True))
    assert codes == ["A-01-03", "A-01-01", "DOCK-1"]


def _error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.data[:300])
    body = r.get_json()
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def test_unknown_ids_answer_404_in_the_api_error_shape(client, auth, floor):
    h = auth("worker")
    for path in ("locations/99999", "items/99999", "containers/99999"):
        _error(client.get(f"/api/v1/labels/{path}", headers=h), 404, "not_found")
    item_id = floor["item"]["id"]
    r = client.get(f"/api/v1/labels/items/{item_id}?lot_id=99999", headers=h)
    assert _error(r, 404, "not_found")["details"] == {"lot_id": 99999}
    known = floor["bins"]["A-01-01"]["id"]
    r = batch(client, auth, {"location_ids": [known, 99998, 99999]})
    assert _error(r, 404, "not_found")["details"] == {"location_ids": [99998, 99999]}
    _error(batch(client, auth, {"zone_id": 99999}), 404, "not_found")


def test_labels_that_cannot_be_made_are_refused_with_422(client, auth, floor):
    h = auth("worker")
    item_id = floor["item"]["id"]
    r = client.get(f"/api/v1/labels/items/{item_id}?level=pallet", headers=h)
    assert _error(r, 422, "label_not_printable")["details"]["level"] == "pallet"
    vendor = client.get("/api/v1/locations?q=VENDOR", headers=h).get_json()["locations"][0]
    r = client.get(f"/api/v1/labels/locations/{vendor['id']}", headers=h)
    _error(r, 422, "label_not_printable")
    empty_zone = ok(
        client.post(
            "/api/v1/locations",
            json={"code": "Z-EMPTY", "type": "zone", "parent_id": floor["zone"]["parent_id"]},
            headers=auth("manager"),
        )
    )
    _error(batch(client, auth, {"zone_id": empty_zone["id"]}), 422, "label_not_printable")
    bin_id = floor["bins"]["A-01-01"]["id"]
    _error(batch(client, auth, {"zone_id": bin_id}), 422, "validation_failed")


def test_a_lot_of_another_item_is_refused(client, auth, floor):
    other = ok(
        client.post(
            "/api/v1/items",
            json={"sku": "OTHER-1", "name": "Other", "tracking": "lot"},
            headers=auth("manager"),
        )
    )
    r = client.get(
        f"/api/v1/labels/items/{other['id']}?lot_id={floor['lot']['id']}", headers=auth("worker")
    )
    _error(r, 422, "validation_failed")


@pytest.mark.parametrize(
    ("kind", "query"),
    [
        ("items", {"dpi": 600}),
        ("items", {"format": "gif"}),
        ("items", {"level": "crate"}),
        ("items", {"count": 0}),
        ("locations", {"arrow": "left"}),
        ("containers", {"dpi": "high"}),
    ],
)
def test_bad_label_options_are_422(client, auth, floor, kind, query):
    target = {
        "items": floor["item"],
        "locations": floor["bins"]["A-01-01"],
        "containers": floor["tote"],
    }[kind]
    r = client.get(
        f"/api/v1/labels/{kind}/{target['id']}", query_string=query, headers=auth("worker")
    )
    _error(r, 422, "validation_failed")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"zone_id": 1, "location_ids": [1]},
        {"location_ids": []},
        {"zone_id": 1, "format": "png"},
        {"zone_id": 1, "sheet": "letter"},
    ],
)
def test_a_batch_needs_one_source_and_a_batch_format(client, auth, floor, body):
    _error(batch(client, auth, body), 422, "validation_failed")


def test_zpl_from_the_api_keeps_a_hostile_location_name_inside_its_field(client, auth, floor):
    made = ok(
        client.post(
            "/api/v1/locations",
            json={
                "code": "A-09-09",
                "type": "storage",
                "parent_id": floor["zone"]["id"],
                "name": "Top ^XZ^XA~JA shelf",
            },
            headers=auth("manager"),
        )
    )
    text = label(client, auth, f"locations/{made['id']}", format="zpl").get_data(as_text=True)
    assert text.count("^XA") == text.count("^XZ") == 1
    assert "~" not in text
    assert "Top _5EXZ_5EXA_7EJA shelf" in text
