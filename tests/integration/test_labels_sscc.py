"""POST /api/v1/labels/sscc: new SSCC containers from the GS1 company prefix, on SQLite and
PostgreSQL; their labels scan back to them."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from scanfloor.catalog.models import Container
from scanfloor.extensions import db
from scanfloor.labels.gs1 import make_sscc

URL = "/api/v1/labels/sscc"
PREFIX = "0614141"


@pytest.fixture
def configured(app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("SCANFLOOR_GS1_COMPANY_PREFIX", raising=False)
    monkeypatch.delenv("SCANFLOOR_SSCC_EXTENSION_DIGIT", raising=False)
    app.config["SCANFLOOR_GS1_COMPANY_PREFIX"] = PREFIX
    app.config["SCANFLOOR_SSCC_EXTENSION_DIGIT"] = "3"
    return app


def containers() -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(Container)))


def allocate(client: Any, auth: Any, key: str | None = None, role: str = "manager", **body: Any):
    headers = dict(auth(role))
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, json=body, headers=headers)


def test_new_ssccs_use_the_company_prefix_rising_serials_and_a_check_digit(
    client, auth, configured
):
    first = allocate(client, auth)
    assert first.status_code == 201, first.get_json()
    second = allocate(client, auth, kind="carton")
    made = [first.get_json(), second.get_json()]
    assert [m["code"] for m in made] == [make_sscc(3, PREFIX, 1), make_sscc(3, PREFIX, 2)]
    assert [(m["kind"], m["symbology"]) for m in made] == [("pallet", "sscc"), ("carton", "sscc")]
    assert made[0]["label_url"] == f"/api/v1/labels/containers/{made[0]['id']}"


def test_the_label_of_a_new_sscc_scans_back_to_its_container(client, auth, configured):
    made = allocate(client, auth).get_json()
    png = client.get(made["label_url"], headers=auth("worker"))
    assert png.status_code == 200
    image = Image.open(io.BytesIO(png.data)).convert("L")
    (found,) = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    text = found.symbology_identifier + found.text
    assert text == f"]C100{made['code']}"
    r = client.post("/api/v1/barcodes/resolve", json={"code": text}, headers=auth("worker"))
    answer = r.get_json()
    assert (answer["kind"], answer["container"]["id"]) == ("container", made["id"])


def test_allocation_continues_after_the_highest_sscc_already_registered(client, auth, configured):
    h = auth("manager")
    for serial in (7, 100):
        body = {"code": make_sscc(3, PREFIX, serial), "kind": "pallet"}
        assert client.post("/api/v1/containers", json=body, headers=h).status_code == 201
    # Another company's SSCC is not ours to count from, nor is an 18-character LPN that
    # happens to start with our extension digit and prefix (it sorts above every SSCC).
    for body in (
        {"code": make_sscc(3, "0614142", 500), "kind": "pallet"},
        {"code": "30614141ABCDEFGHIJ", "kind": "tote"},
    ):
        assert client.post("/api/v1/containers", json=body, headers=h).status_code == 201
    assert allocate(client, auth).get_json()["code"] == make_sscc(3, PREFIX, 101)


def test_allocation_without_a_company_prefix_is_refused_and_creates_nothing(
    client, auth, app, monkeypatch
):
    monkeypatch.delenv("SCANFLOOR_GS1_COMPANY_PREFIX", raising=False)
    before = containers()
    r = allocate(client, auth, key="no-prefix-1")
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "not_configured"
    assert error["details"] == {"setting": "SCANFLOOR_GS1_COMPANY_PREFIX"}
    assert containers() == before


def test_a_placed_allocation_in_an_unknown_location_creates_nothing(client, auth, configured):
    before = containers()
    r = allocate(client, auth, location_id=99999)
    assert r.status_code == 404
    assert containers() == before
    # The refused attempt used no serial.
    assert allocate(client, auth).get_json()["code"] == make_sscc(3, PREFIX, 1)


def test_a_replayed_allocation_returns_the_first_sscc_and_allocates_once(client, auth, configured):
    first = allocate(client, auth, key="sscc-key-1")
    again = allocate(client, auth, key="sscc-key-1")
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()
    assert containers() == 1


def test_only_managers_allocate_ssccs(client, auth, configured):
    r = allocate(client, auth, role="supervisor")
    assert r.status_code == 403
    assert containers() == 0
