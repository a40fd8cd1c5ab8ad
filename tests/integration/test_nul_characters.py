"""Text holding the NUL character (U+0000) is refused with 422 validation_failed on every API
endpoint, naming the field, and changes nothing: PostgreSQL text cannot hold it, so it used
to reach a query as a 500 there. The console and scanner pages are left as they were."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.api.nul_chars import MESSAGE
from scanfloor.catalog.models import Item
from scanfloor.extensions import db
from scanfloor.purchasing.models import PurchaseOrder
from tests.factories import ledger_snapshot, make_item, make_supplier, make_warehouse

REFUSED = [MESSAGE]


def _refused(r: Any) -> dict[str, Any]:
    assert r.status_code == 422, r.get_data()[:300]
    error = r.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == "validation_failed"
    return dict(error["details"]["fields"])


def _counts() -> tuple[Any, ...]:
    db.session.rollback()
    return (
        db.session.scalar(select(func.count()).select_from(Item)),
        db.session.scalar(select(func.count()).select_from(PurchaseOrder)),
        ledger_snapshot(),
    )


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/items?q=%00", "q"),
        ("/api/v1/items?q=ok&q=bad%00", "q"),
        ("/api/v1/purchasing/positions?warehouse=%00", "warehouse"),
        ("/api/v1/purchasing/positions?warehouse=WH1&item=A%00B", "item"),
        ("/api/v1/purchase-orders?q=PO%00", "q"),
        ("/api/v1/items?%00=1", "\x00"),
    ],
)
def test_a_nul_in_a_query_parameter_is_refused_and_names_the_parameter(client, auth, url, field):
    make_warehouse("WH1")
    assert _refused(client.get(url, headers=auth("manager"))) == {"query": {field: REFUSED}}


def test_a_nul_in_a_path_segment_is_refused_and_names_the_segment(client, auth):
    for url in ("/api/v1/channels/%00", "/api/v1/channels/WEB%00/pools"):
        fields = _refused(client.get(url, headers=auth("manager")))
        assert fields == {"path": {"code": REFUSED}}


def test_a_nul_in_a_json_body_string_is_refused_and_creates_nothing(client, auth):
    make_supplier("ACME")
    before = _counts()
    headers = {**auth("manager"), "Idempotency-Key": "nul-item"}
    r = client.post("/api/v1/items", headers=headers, json={"sku": "A-1", "name": "Wid\u0000get"})
    assert _refused(r) == {"json": {"name": REFUSED}}
    body = {
        "number": "PO-NUL",
        "supplier": "ACME",
        "lines": [
            {"sku": "A-1", "quantity": 1, "unit_cost": "1"},
            {"sku": "A-\u0000", "quantity": 1, "unit_cost": "1"},
        ],
    }
    r = client.post("/api/v1/purchase-orders", headers=auth("manager"), json=body)
    assert _refused(r) == {"json": {"lines": {"1": {"sku": REFUSED}}}}
    attrs = {"sku": "A-2", "name": "Widget", "attributes": {"colour\u0000": "red"}}
    r = client.post("/api/v1/items", headers=auth("manager"), json=attrs)
    assert _refused(r) == {"json": {"attributes": {"colour\u0000": REFUSED}}}
    assert _counts() == before
    # The same key again, NUL removed: the refusal was not kept as the key's answer.
    r = client.post("/api/v1/items", headers=headers, json={"sku": "A-1", "name": "Widget"})
    assert r.status_code == 201, r.get_json()


def test_an_escaped_backslash_before_u0000_is_ordinary_text(client, auth):
    r = client.post(
        "/api/v1/items", headers=auth("manager"), json={"sku": "A-1", "name": "a\\u0000"}
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["name"] == "a\\u0000"


def test_a_nul_in_a_csv_import_is_refused_and_imports_nothing(client, auth):
    make_supplier("ACME")
    make_item("SKU-1")
    before = _counts()
    csv = b"po_number,supplier,sku,quantity,unit_cost\nPO-1,ACME,SKU-1\x00,5,1.00\n"
    url = "/api/v1/purchase-orders/import"
    r = client.post(url, headers={**auth("manager"), "Content-Type": "text/csv"}, data=csv)
    assert _refused(r) == {"body": {"_schema": REFUSED}}
    for name, kind in (("pos.csv", "text/csv"), ("pos.csv", "application/octet-stream")):
        upload = {"file": (io.BytesIO(csv), name, kind)}
        r = client.post(
            url, headers=auth("manager"), data=upload, content_type="multipart/form-data"
        )
        assert _refused(r) == {"form": {"file": REFUSED}}
    assert _counts() == before


def test_a_caller_not_signed_in_is_told_to_sign_in_before_anything_else(client):
    r = client.get("/api/v1/items?q=%00")
    assert r.status_code == 401
    r = client.post("/api/v1/auth/token", json={"username": "a\u0000", "password": "x"})
    assert _refused(r) == {"json": {"username": REFUSED}}  # public: refused, not looked up


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/?q=%00", 200),
        ("/console/suppliers/1?x=%00", 200),
        ("/scanner/?po=%00", 200),
        ("/console/static/a%00.js", 404),
        ("/scanner/a%00.js", 404),
    ],
)
def test_the_console_and_scanner_pages_are_not_broken_by_a_nul(client, url, status):
    assert client.get(url).status_code == status
