"""The purchase order lifecycle over HTTP on SQLite and PostgreSQL: draft -> approved -> sent
(outbox message with the PDF, CSV and JSON) -> received on the scanner -> closed; approval
by value; cancel; the documents; every refusal changes nothing. (Amendments:
test_po_amendments.py; delivery to the supplier: test_po_outbox_delivery.py.)"""

from __future__ import annotations

import base64
import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from scanfloor.board.service import board_for
from scanfloor.extensions import db
from scanfloor.ledger.verify import verify_ledger
from scanfloor.purchasing.models import PurchaseOrder
from tests.packing_helpers import pdf_strings
from tests.po_lifecycle_helpers import (
    PO_URL,
    act,
    build_site,
    create,
    messages,
    ok,
    receive,
    refused,
    sent_po,
    snapshot,
    supplier_with,
)


@pytest.fixture
def site(app: Any) -> Any:
    app.config.update(SCANFLOOR_OUTBOX_KICK=False)
    return build_site()


def _to_receive(site: Any) -> tuple[int, int]:
    db.session.rollback()
    q = board_for(site.wh.id, ["to_receive"]).queues["to_receive"]
    return q.detail["purchase_orders"], q.units


def test_a_po_is_approved_sent_received_on_the_scanner_and_closed(client, auth, site, users):
    po = create(
        client,
        auth,
        "ACME",
        [("WIDGET", 24, "2.00"), ("GADGET", 5, "10.50")],
        warehouse="wh1",
        expected_date="2026-07-01",
    )
    assert (po["state"], po["warehouse"]["code"], po["currency"]) == ("draft", "WH1", "EUR")
    assert (po["revision"], po["value"]) == (0, "100.50")
    assert [ln["supplier_sku"] for ln in po["lines"]] == ["AC-W-12", None]

    approved = ok(act(client, auth, "supervisor", po["id"], "approve"))
    assert approved["state"] == "approved"
    assert approved["approved_by"]["username"] == "supervisor"
    assert approved["approved_at"] is not None and approved["sent_at"] is None
    assert messages() == []
    assert _to_receive(site) == (0, 0)  # approved is not yet expected at the dock

    sent = ok(act(client, auth, "supervisor", po["id"], "send"))
    assert sent["state"] == "sent" and sent["sent_at"] is not None
    [msg] = messages()
    assert (msg.topic, msg.destination) == ("purchase_order.sent", f"supplier:{site.supplier.id}")
    doc = msg.payload["po"]
    assert (doc["number"], doc["revision"], doc["total"]) == (po["number"], 0, "100.50")
    assert doc["supplier"] == {"code": "ACME", "name": "Supplier ACME"}
    assert doc["warehouse"]["code"] == "WH1"
    assert doc["lines"][0] == {
        "line_no": 1,
        "sku": "WIDGET",
        "supplier_sku": "AC-W-12",
        "name": "Widget",
        "quantity": 24,
        "purchase_unit": "case",
        "units_per_purchase_unit": 12,
        "unit_cost": "2.00",
        "line_value": "48.00",
        "expected_date": "2026-07-01",
    }
    assert msg.payload["email"] == "orders@acme.example"
    rows = list(csv.DictReader(io.StringIO(msg.payload["csv"])))
    assert [(r["sku"], r["quantity"], r["line_value"]) for r in rows] == [
        ("WIDGET", "24", "48.00"),
        ("GADGET", "5", "52.50"),
    ]
    pdf = base64.b64decode(msg.payload["pdf_base64"])
    assert pdf.startswith(b"%PDF-1.4")
    shown = pdf_strings(pdf)
    assert f"PO {po['number']}   Revision 0" in shown
    assert {"AC-W-12", "Widget", "48.00", "100.50"} <= set(shown)

    # The dock expects it: on the board and on the scanner's list of POs to receive.
    assert _to_receive(site) == (1, 29)
    dock_list = client.get(
        f"{PO_URL}?state=sent,open,partially_received", headers=auth("worker")
    ).get_json()
    assert [(p["number"], p["expected_date"]) for p in dock_list["purchase_orders"]] == [
        (po["number"], "2026-07-01")
    ]

    assert receive(client, auth, sent, 1, 10, site.dock)["po_state"] == "partially_received"
    receive(client, auth, sent, 1, 14, site.dock)
    assert receive(client, auth, sent, 2, 5, site.dock)["po_state"] == "received"
    closed = ok(client.post(f"{PO_URL}/{po['id']}/close", headers=auth("manager")))
    assert closed["state"] == "closed"
    assert verify_ledger().clean


def test_a_po_above_the_threshold_needs_a_manager(app, client, auth, site):
    app.config["SCANFLOOR_PO_MANAGER_VALUE"] = Decimal("100")
    big = create(client, auth, "ACME", [("WIDGET", 50, "2.01")])  # 100.50
    before = snapshot(big["id"])
    error = refused(
        act(client, auth, "supervisor", big["id"], "approve"), 403, "approval_needs_manager"
    )
    assert error["details"]["value"] == "100.50"
    assert error["details"]["threshold"] == "100.00"
    assert snapshot(big["id"]) == before
    assert ok(act(client, auth, "manager", big["id"], "approve"))["state"] == "approved"

    at_threshold = create(client, auth, "ACME", [("WIDGET", 50, "2.00")])  # 100.00
    assert ok(act(client, auth, "supervisor", at_threshold["id"], "approve"))["state"] == "approved"
    refused(act(client, auth, "worker", at_threshold["id"], "approve"), 403, "forbidden")


def test_send_is_refused_when_the_supplier_has_no_endpoint_and_no_email(client, auth, site):
    mute = supplier_with(None, None, code="MUTE")
    po = create(client, auth, "MUTE", [("GADGET", 1, "1")])
    ok(act(client, auth, "supervisor", po["id"], "approve"))
    before = snapshot(po["id"])
    error = refused(act(client, auth, "supervisor", po["id"], "send"), 409, "no_po_destination")
    assert error["details"]["supplier"] == mute.code
    assert snapshot(po["id"]) == before


@pytest.mark.parametrize(
    ("prepare", "action", "code"),
    [
        ([], "send", "invalid_state"),  # a draft is approved first
        (["approve", "send"], "approve", "invalid_state"),
        (["approve", "send"], "send", "invalid_state"),
        (["open"], "approve", "invalid_state"),
    ],
)
def test_a_po_takes_only_the_steps_its_state_allows(client, auth, site, prepare, action, code):
    po = create(client, auth, "ACME", [("WIDGET", 12, "2")])
    for step in prepare:
        ok(act(client, auth, "manager", po["id"], step))
    before = snapshot(po["id"])
    refused(act(client, auth, "manager", po["id"], action), 409, code)
    assert snapshot(po["id"]) == before


def test_a_draft_or_open_po_is_cancelled_with_a_reason_and_nobody_is_told(client, auth, site):
    draft = create(client, auth, "ACME", [("WIDGET", 12, "2")])
    refused(
        act(client, auth, "supervisor", draft["id"], "cancel", reason=" "), 422, "validation_failed"
    )
    done = ok(act(client, auth, "supervisor", draft["id"], "cancel", reason="ordered twice"))
    assert (done["state"], done["cancel_reason"]) == ("cancelled", "ordered twice")
    assert done["cancelled_at"] is not None
    opened = create(client, auth, "ACME", [("WIDGET", 12, "2")])
    ok(act(client, auth, "manager", opened["id"], "open"))
    ok(act(client, auth, "supervisor", opened["id"], "cancel", reason="not needed"))
    assert messages() == []
    # Cancelled is the end: nothing more happens to it.
    before = snapshot(draft["id"])
    refused(act(client, auth, "supervisor", draft["id"], "approve"), 409, "invalid_state")
    refused(
        act(client, auth, "supervisor", draft["id"], "cancel", reason="again"), 409, "invalid_state"
    )
    assert snapshot(draft["id"]) == before


def test_a_sent_po_is_cancelled_and_the_supplier_told(client, auth, site):
    po = sent_po(client, auth, site, [("WIDGET", 12, "2")])
    ok(act(client, auth, "supervisor", po["id"], "cancel", reason="supplier out of stock"))
    assert [m.topic for m in messages()] == ["purchase_order.sent", "purchase_order.cancelled"]
    cancelled = messages()[-1].payload["po"]
    assert (cancelled["state"], cancelled["cancel_reason"]) == (
        "cancelled",
        "supplier out of stock",
    )
    refused(
        client.post(
            f"{PO_URL}/{po['id']}/receive",
            headers=auth("worker"),
            json={"line_id": po["lines"][0]["id"], "quantity": 1, "to_location": "DOCK-1"},
        ),
        409,
        "po_not_receivable",
    )


def test_a_po_that_received_units_cannot_be_cancelled(client, auth, site):
    po = sent_po(client, auth, site, [("WIDGET", 12, "2")])
    receive(client, auth, po, 1, 3, site.dock)
    before = snapshot(po["id"])
    refused(
        act(client, auth, "supervisor", po["id"], "cancel", reason="late"), 409, "invalid_state"
    )
    assert snapshot(po["id"]) == before


def test_the_po_document_is_a_pdf_and_a_csv_for_supervisors(client, auth, site):
    po = create(client, auth, "ACME", [("WIDGET", 24, "2.00")], warehouse="WH1")
    r = client.get(f"{PO_URL}/{po['id']}/document.pdf", headers=auth("supervisor"))
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert f"PO-{po['number']}-rev0.pdf" in r.headers["Content-Disposition"]
    shown = pdf_strings(r.data)
    assert {"PURCHASE ORDER", "Supplier ACME", "WIDGET", "AC-W-12", "case of 12", "48.00"} <= set(
        shown
    )
    r = client.get(f"{PO_URL}/{po['id']}/document.csv", headers=auth("supervisor"))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    [row] = list(csv.DictReader(io.StringIO(r.data.decode())))
    assert (row["po_number"], row["supplier_sku"], row["unit_cost"]) == (
        po["number"],
        "AC-W-12",
        "2.00",
    )
    assert (
        client.get(f"{PO_URL}/{po['id']}/document.pdf", headers=auth("worker")).status_code == 403
    )
    assert (
        client.get(f"{PO_URL}/999999/document.csv", headers=auth("supervisor")).status_code == 404
    )


def test_a_po_names_its_warehouse_by_code_and_an_unknown_one_is_refused(client, auth, site):
    r = client.post(
        PO_URL,
        headers=auth("manager"),
        json={
            "number": "PO-NOWH",
            "supplier": "ACME",
            "warehouse": "NOPE",
            "lines": [{"sku": "WIDGET", "quantity": 1, "unit_cost": "1"}],
        },
    )
    refused(r, 404, "not_found")
    assert db.session.query(PurchaseOrder).filter_by(number="PO-NOWH").count() == 0
    csv_text = "po_number,supplier,sku,quantity,unit_cost,warehouse\nPO-CSV,ACME,WIDGET,2,1,wh1\n"
    r = client.post(
        f"{PO_URL}/import", headers={**auth("manager"), "Content-Type": "text/csv"}, data=csv_text
    )
    [created] = ok(r, 201)["created"]
    assert created["warehouse"]["code"] == "WH1"
