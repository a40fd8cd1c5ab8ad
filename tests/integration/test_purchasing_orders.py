"""Suppliers and purchase orders over HTTP: create, open, close, list, import, blind view."""

from __future__ import annotations

from sqlalchemy import func, select

from scanfloor.extensions import db
from scanfloor.purchasing.models import PurchaseOrder, PurchaseOrderLine
from tests.factories import make_item, make_po, make_supplier

PO_URL = "/api/v1/purchase-orders"
HEADER = "po_number,supplier,sku,quantity,unit_cost,expected_date\n"


def _po_count() -> tuple[int, int]:
    db.session.rollback()
    return (
        int(db.session.scalar(select(func.count()).select_from(PurchaseOrder)) or 0),
        int(db.session.scalar(select(func.count()).select_from(PurchaseOrderLine)) or 0),
    )


def test_supplier_is_created_with_zero_tolerance_by_default_and_can_be_changed(client, auth):
    r = client.post(
        "/api/v1/suppliers", headers=auth("manager"), json={"code": "acme", "name": "Acme"}
    )
    assert r.status_code == 201, r.get_json()
    sup = r.get_json()
    assert (sup["code"], sup["over_receipt_tolerance_pct"]) == ("ACME", "0")
    r = client.patch(
        f"/api/v1/suppliers/{sup['id']}",
        headers=auth("manager"),
        json={"over_receipt_tolerance_pct": "2.5"},
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["over_receipt_tolerance_pct"] == "2.5"
    listed = client.get("/api/v1/suppliers?q=acm", headers=auth("worker")).get_json()
    assert [s["code"] for s in listed["suppliers"]] == ["ACME"]


def test_supplier_code_is_unique_and_tolerance_must_be_a_decimal_string(client, auth):
    make_supplier("ACME")
    r = client.post(
        "/api/v1/suppliers", headers=auth("manager"), json={"code": "acme", "name": "X"}
    )
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "duplicate_code"
    r = client.post(
        "/api/v1/suppliers",
        headers=auth("manager"),
        json={"code": "B", "name": "B", "over_receipt_tolerance_pct": 2.5},
    )
    assert r.status_code == 422
    r = client.post(
        "/api/v1/suppliers",
        headers=auth("manager"),
        json={"code": "B", "name": "B", "over_receipt_tolerance_pct": "150"},
    )
    assert r.status_code == 422


def test_po_is_created_in_draft_with_lines_by_sku_or_item_id(client, auth):
    sup = make_supplier("ACME")
    make_item("SKU-A")
    b = make_item("SKU-B")
    r = client.post(
        PO_URL,
        headers=auth("manager"),
        json={
            "number": "po-1001",
            "supplier": "acme",
            "expected_date": "2026-07-01",
            "lines": [
                {"sku": "sku-a", "quantity": 10, "unit_cost": "4.25"},
                {"item_id": b.id, "quantity": 3, "unit_cost": "0.5", "expected_date": "2026-07-02"},
            ],
        },
    )
    assert r.status_code == 201, r.get_json()
    po = r.get_json()
    assert (po["number"], po["state"], po["blind_receipt"]) == ("PO-1001", "draft", False)
    assert po["supplier"] == {
        "id": sup.id,
        "code": "ACME",
        "name": "Supplier ACME",
        "over_receipt_tolerance_pct": "0",
        "active": True,
    }
    assert [
        (ln["line_no"], ln["item"]["sku"], ln["ordered"], ln["received"], ln["open_quantity"])
        for ln in po["lines"]
    ] == [(1, "SKU-A", 10, 0, 10), (2, "SKU-B", 3, 0, 3)]
    assert [ln["unit_cost"] for ln in po["lines"]] == ["4.25", "0.50"]
    # Receipts are receiving's documents: reading the PO lists them (none yet).
    read = client.get(f"{PO_URL}/{po['id']}", headers=auth("worker")).get_json()
    assert read["receipts"] == []


def test_po_with_an_unknown_sku_or_a_taken_number_creates_nothing(client, auth):
    make_supplier("ACME")
    make_item("SKU-A")
    body = {
        "number": "PO-1",
        "supplier": "ACME",
        "lines": [{"sku": "SKU-A", "quantity": 1, "unit_cost": "1"}],
    }
    assert client.post(PO_URL, headers=auth("manager"), json=body).status_code == 201
    before = _po_count()
    r = client.post(PO_URL, headers=auth("manager"), json=body)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "duplicate_code"
    r = client.post(
        PO_URL,
        headers=auth("manager"),
        json={
            **body,
            "number": "PO-2",
            "lines": [{"sku": "NOPE", "quantity": 1, "unit_cost": "1"}],
        },
    )
    assert r.status_code == 404
    r = client.post(
        PO_URL,
        headers=auth("manager"),
        json={
            **body,
            "number": "PO-3",
            "lines": [{"sku": "SKU-A", "quantity": 1, "unit_cost": 1.5}],
        },
    )
    assert r.status_code == 422
    assert _po_count() == before


def test_po_opens_once_and_closes_once(client, auth):
    po = make_po(make_supplier(), [(make_item(), 5)], opened=False)
    r = client.post(f"{PO_URL}/{po.id}/open", headers=auth("manager"))
    assert r.status_code == 200 and r.get_json()["state"] == "open"
    r = client.post(f"{PO_URL}/{po.id}/open", headers=auth("manager"))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_state"
    r = client.post(f"{PO_URL}/{po.id}/close", headers=auth("manager"))
    assert r.status_code == 200 and r.get_json()["state"] == "closed"
    r = client.post(f"{PO_URL}/{po.id}/close", headers=auth("manager"))
    assert r.status_code == 409


def test_workers_read_pos_but_only_managers_create_open_or_close_them(client, auth):
    po = make_po(make_supplier(), [(make_item(), 5)], opened=False)
    assert client.get(f"{PO_URL}/{po.id}", headers=auth("worker")).status_code == 200
    for path in (f"{PO_URL}/{po.id}/open", f"{PO_URL}/{po.id}/close"):
        r = client.post(path, headers=auth("supervisor"))
        assert r.status_code == 403
    r = client.post(PO_URL, headers=auth("supervisor"), json={})
    assert r.status_code == 403


def test_list_filters_by_state_and_finds_by_number_or_supplier(client, auth):
    acme, other = make_supplier("ACME"), make_supplier("OTHER")
    item = make_item()
    draft = make_po(acme, [(item, 1)], opened=False)
    opened = make_po(other, [(item, 1)])
    r = client.get(f"{PO_URL}?state=open,partially_received", headers=auth("worker"))
    assert [p["id"] for p in r.get_json()["purchase_orders"]] == [opened.id]
    r = client.get(f"{PO_URL}?q=acm", headers=auth("worker"))
    assert [p["id"] for p in r.get_json()["purchase_orders"]] == [draft.id]
    r = client.get(f"{PO_URL}?number={opened.number.lower()}", headers=auth("worker"))
    assert [p["id"] for p in r.get_json()["purchase_orders"]] == [opened.id]
    assert client.get(f"{PO_URL}?state=bogus", headers=auth("worker")).status_code == 422


def test_list_pages_newest_first_with_a_cursor(client, auth):
    sup, item = make_supplier(), make_item()
    ids = [make_po(sup, [(item, 1)]).id for _ in range(3)]
    first = client.get(f"{PO_URL}?limit=2", headers=auth("worker")).get_json()
    assert [p["id"] for p in first["purchase_orders"]] == [ids[2], ids[1]]
    rest = client.get(
        f"{PO_URL}?limit=2&cursor={first['next_cursor']}", headers=auth("worker")
    ).get_json()
    assert [p["id"] for p in rest["purchase_orders"]] == [ids[0]]
    assert rest["next_cursor"] is None


def test_blind_po_hides_ordered_quantities_from_workers_but_not_supervisors(client, auth):
    po = make_po(make_supplier(), [(make_item(), 8)], blind=True)
    worker = client.get(f"{PO_URL}/{po.id}", headers=auth("worker")).get_json()
    line = worker["lines"][0]
    assert (line["ordered"], line["open_quantity"], line["variance"]) == (None, None, None)
    assert worker["ordered_total"] is None
    ctx = client.get(f"{PO_URL}/{po.id}/scan-context", headers=auth("worker")).get_json()
    assert ctx["lines"][0]["ordered"] is None and ctx["lines"][0]["received"] is None
    boss = client.get(f"{PO_URL}/{po.id}", headers=auth("supervisor")).get_json()
    assert boss["lines"][0]["ordered"] == 8 and boss["ordered_total"] == 8


def test_csv_import_creates_every_po_of_the_file(client, auth):
    make_supplier("ACME")
    make_item("SKU-1"), make_item("SKU-2")
    text = (
        HEADER + "PO-7,ACME,SKU-1,10,1.50,2026-07-01\nPO-7,ACME,SKU-2,4,2,\nPO-8,ACME,SKU-2,1,3,\n"
    )
    r = client.post(
        f"{PO_URL}/import", headers={**auth("manager"), "Content-Type": "text/csv"}, data=text
    )
    assert r.status_code == 201, r.get_json()
    created = r.get_json()["created"]
    assert [(p["number"], p["line_count"], p["state"]) for p in created] == [
        ("PO-7", 2, "draft"),
        ("PO-8", 1, "draft"),
    ]
    assert created[0]["expected_date"] == "2026-07-01"


def test_csv_import_as_a_multipart_file_can_open_the_orders(client, auth):
    import io

    make_supplier("ACME")
    make_item("SKU-1")
    r = client.post(
        f"{PO_URL}/import?open=true",
        headers=auth("manager"),
        data={"file": (io.BytesIO((HEADER + "PO-9,ACME,SKU-1,2,1,\n").encode()), "pos.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["created"][0]["state"] == "open"


def test_csv_import_with_one_bad_row_imports_nothing_and_names_the_row(client, auth):
    make_supplier("ACME")
    make_item("SKU-1")
    before = _po_count()
    text = HEADER + "PO-7,ACME,SKU-1,10,1.50,\nPO-7,ACME,SKU-NOPE,4,2,\nPO-8,NOBODY,SKU-1,1,1,\n"
    r = client.post(
        f"{PO_URL}/import", headers={**auth("manager"), "Content-Type": "text/csv"}, data=text
    )
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["code"] == "invalid_import"
    assert [(p["row"], p["column"]) for p in err["details"]["problems"]] == [
        (3, "sku"),
        (4, "supplier"),
    ]
    assert "row 3" in err["message"]
    assert _po_count() == before
    r = client.post(
        f"{PO_URL}/import",
        headers={**auth("manager"), "Content-Type": "text/csv"},
        data=HEADER + "PO-7,ACME,SKU-1,many,1.50,\n",
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["problems"][0]["row"] == 2
    assert _po_count() == before
