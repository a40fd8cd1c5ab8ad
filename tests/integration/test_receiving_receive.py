"""Receiving against a PO over HTTP: each step posts through the ledger; each refusal
leaves the ledger, the PO and its receipts exactly as they were."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.catalog.containers_service import create_container
from scanfloor.catalog.items_service import PackSpec, create_item
from scanfloor.catalog.models import Lot
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from scanfloor.ledger.verify import verify_ledger
from scanfloor.purchasing.models import PurchaseOrderLine
from scanfloor.receiving.models import ReceiptLine
from tests.factories import make_bin, make_po, make_supplier

EACH_GTIN = "09506000134352"
CASE_GTIN = "19506000134359"  # a case of 12
MILK_GTIN = "04006381333931"


def make_floor() -> SimpleNamespace:
    """A dock, quarantine, a storage bin, an LPN on the dock and on the bin, and an open PO
    for 24 widgets (each + case of 12) and 10 lot- and expiry-tracked milk."""
    widget = create_item(
        sku="WIDGET",
        name="Widget",
        packs=[PackSpec("each", 1, (EACH_GTIN,)), PackSpec("case", 12, (CASE_GTIN,))],
    )
    milk = create_item(
        sku="MILK",
        name="Milk",
        tracking="lot",
        expiry_tracked=True,
        packs=[PackSpec("each", 1, (MILK_GTIN,))],
    )
    dock = make_bin("DOCK-1", type="dock")
    quarantine = make_bin("QUAR-1", type="quarantine")
    storage = make_bin("A-01-01", type="storage")
    lpn = create_container(code="LPN-0001", kind="pallet", location_id=dock.id)
    stray_lpn = create_container(code="LPN-0002", kind="pallet", location_id=storage.id)
    po = make_po(make_supplier("ACME"), [(widget, 24, "2.00"), (milk, 10, "0.80")])
    return SimpleNamespace(
        widget=widget,
        milk=milk,
        dock=dock,
        quarantine=quarantine,
        storage=storage,
        lpn=lpn,
        stray_lpn=stray_lpn,
        po=po,
        widget_line=po.lines[0].id,
        milk_line=po.lines[1].id,
        url=f"/api/v1/purchase-orders/{po.id}/receive",
    )


@pytest.fixture
def floor(app: Any) -> SimpleNamespace:
    return make_floor()


def post_receive(client: Any, headers: dict[str, str], url: str, **body: Any) -> Any:
    return client.post(url, headers=headers, json=body)


def _movements(po_id: int) -> list[Movement]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(Movement).where(Movement.source_id == str(po_id)).order_by(Movement.id)
        )
    )


def documents_snapshot() -> tuple[Any, ...]:
    db.session.rollback()
    lines = db.session.execute(
        select(PurchaseOrderLine.id, PurchaseOrderLine.received, PurchaseOrderLine.damaged)
    ).all()
    return (
        tuple(tuple(r) for r in lines),
        db.session.scalar(select(func.count()).select_from(ReceiptLine)),
        db.session.scalar(select(func.count()).select_from(Lot)),
    )


def _state(client: Any, auth: Any, po_id: int) -> dict[str, Any]:
    r = client.get(f"/api/v1/purchase-orders/{po_id}", headers=auth("manager"))
    assert r.status_code == 200
    return dict(r.get_json())


# --- each step ---------------------------------------------------------------------------


def test_a_confirmation_posts_vendor_to_dock_with_the_po_line_unit_cost(client, auth, floor):
    r = post_receive(
        client,
        auth("worker"),
        floor.url,
        line_id=floor.widget_line,
        quantity=5,
        to_location="dock-1",
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["po_line"] == {
        "id": floor.widget_line,
        "ordered": 24,
        "received": 5,
        "damaged": 0,
        "open_quantity": 19,
    }
    assert body["po_state"] == "partially_received"
    assert body["warnings"] == []
    (mv,) = _movements(floor.po.id)
    assert mv.id in body["receipt_line"]["movement_ids"]
    assert (mv.movement_type, mv.source_type, mv.quantity) == ("receipt", "purchase_order", 5)
    assert (mv.to_location_id, mv.to_container_id) == (floor.dock.id, None)
    assert mv.unit_cost == Decimal("2")
    assert verify_ledger().clean


def test_scanning_a_case_barcode_receives_its_pack_quantity(client, auth, floor):
    r = post_receive(
        client, auth("worker"), floor.url, barcode=CASE_GTIN, to_location=floor.dock.id
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["receipt_line"]["quantity"] == 12
    assert r.get_json()["po_line"]["received"] == 12


def test_a_gs1_scan_fills_lot_and_expiry_and_the_lot_is_created_on_first_receipt(
    client, auth, floor
):
    scan = f"(01){MILK_GTIN}(17)271231(10)b42"
    first = post_receive(client, auth("worker"), floor.url, barcode=scan, to_location="DOCK-1")
    assert first.status_code == 201, first.get_json()
    line = first.get_json()["receipt_line"]
    assert (line["lot_code"], line["expiry"], line["quantity"]) == ("B42", "2027-12-31", 1)
    second = post_receive(
        client, auth("worker"), floor.url, barcode=scan, quantity=4, to_location="DOCK-1"
    )
    assert second.status_code == 201, second.get_json()
    lots = db.session.scalars(select(Lot).where(Lot.item_id == floor.milk.id)).all()
    assert [(lot.code, lot.expiry) for lot in lots] == [("B42", date(2027, 12, 31))]
    assert {m.lot_id for m in _movements(floor.po.id)} == {lots[0].id}
    assert second.get_json()["receipt_line"]["lot_id"] == lots[0].id


def test_receiving_into_an_lpn_on_the_dock_posts_into_the_container(client, auth, floor):
    r = post_receive(
        client,
        auth("worker"),
        floor.url,
        item_id=floor.widget.id,
        quantity=6,
        to_container="lpn-0001",
    )
    assert r.status_code == 201, r.get_json()
    (mv,) = _movements(floor.po.id)
    assert (mv.to_location_id, mv.to_container_id) == (floor.dock.id, floor.lpn.id)
    assert r.get_json()["receipt_line"]["container_id"] == floor.lpn.id


def test_damaged_units_go_to_quarantine_with_the_reason(client, auth, floor):
    r = post_receive(
        client,
        auth("worker"),
        floor.url,
        barcode=CASE_GTIN,
        damaged_quantity=2,
        damage_reason="crushed",
        to_location="DOCK-1",
    )
    assert r.status_code == 201, r.get_json()
    good, bad = _movements(floor.po.id)
    assert (good.quantity, good.to_location_id, good.reason_code) == (10, floor.dock.id, None)
    assert (bad.quantity, bad.to_location_id, bad.reason_code) == (
        2,
        floor.quarantine.id,
        "crushed",
    )
    assert bad.unit_cost == Decimal("2")
    assert r.get_json()["po_line"]["received"] == 12
    assert r.get_json()["po_line"]["damaged"] == 2
    assert verify_ledger().clean


def test_under_receipt_leaves_the_line_open_until_the_rest_arrives(client, auth, floor):
    worker = auth("worker")
    post_receive(
        client, worker, floor.url, line_id=floor.widget_line, quantity=24, to_location="DOCK-1"
    )
    po = _state(client, auth, floor.po.id)
    assert po["state"] == "partially_received"
    assert [ln["open_quantity"] for ln in po["lines"]] == [0, 10]
    r = post_receive(
        client,
        worker,
        floor.url,
        line_id=floor.milk_line,
        quantity=10,
        lot_code="L1",
        expiry=str(date.today() + timedelta(days=30)),
        to_location="DOCK-1",
    )
    assert r.get_json()["po_state"] == "received"
    po = _state(client, auth, floor.po.id)
    assert (po["state"], po["received_total"], po["ordered_total"]) == ("received", 34, 34)


def test_an_expiry_in_the_past_is_received_with_a_warning(client, auth, floor):
    r = post_receive(
        client,
        auth("worker"),
        floor.url,
        line_id=floor.milk_line,
        quantity=1,
        lot_code="OLD",
        expiry="2020-01-31",
        to_location="DOCK-1",
    )
    assert r.status_code == 201, r.get_json()
    assert [w["code"] for w in r.get_json()["warnings"]] == ["expired"]


def test_within_the_supplier_tolerance_an_over_receipt_needs_no_approval(client, auth, floor):
    po = make_po(make_supplier("LOOSE", tolerance="10"), [(floor.widget, 20)])
    url = f"/api/v1/purchase-orders/{po.id}/receive"
    r = post_receive(
        client, auth("worker"), url, item_id=floor.widget.id, quantity=22, to_location="DOCK-1"
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["receipt_line"]["variance"] == 2
    r = post_receive(
        client, auth("worker"), url, item_id=floor.widget.id, quantity=1, to_location="DOCK-1"
    )
    assert r.status_code == 409
    assert r.get_json()["error"]["details"] == {
        "ordered": 20,
        "received": 22,
        "requested": 1,
        "allowed": 22,
        "po_line_id": po.lines[0].id,
        "approval_needed": "supervisor",
    }


def test_receipts_are_documents_with_who_when_device_and_lines(client, auth, floor, users):
    headers = auth("worker")
    for qty in (3, 4):
        post_receive(
            client,
            headers,
            floor.url,
            line_id=floor.widget_line,
            quantity=qty,
            to_location="DOCK-1",
            device_id="SCAN-7",
        )
    r = client.get(f"/api/v1/purchase-orders/{floor.po.id}/receipts", headers=auth("manager"))
    assert r.status_code == 200
    (receipt,) = r.get_json()["receipts"]
    assert receipt["actor"]["username"] == "worker"
    assert (receipt["device_id"], receipt["quantity"], receipt["line_count"]) == ("SCAN-7", 7, 2)
    assert [ln["quantity"] for ln in receipt["lines"]] == [3, 4]
    assert receipt["lines"][0]["location_code"] == "DOCK-1"
    assert len(receipt["lines"][0]["movement_ids"]) == 1
    po = _state(client, auth, floor.po.id)
    assert po["receipts"][0]["id"] == receipt["id"]
    assert po["lines"][0]["received"] == 7


def test_scan_context_lists_lines_barcodes_and_docks(client, auth, floor):
    r = client.get(f"/api/v1/purchase-orders/{floor.po.id}/scan-context", headers=auth("worker"))
    assert r.status_code == 200
    ctx = r.get_json()
    assert ctx["po"]["number"] == floor.po.number
    widget = ctx["lines"][0]
    assert {(b["code"], b["level"], b["quantity"]) for b in widget["barcodes"]} == {
        (EACH_GTIN, "each", 1),
        (CASE_GTIN, "case", 12),
    }
    assert widget["ordered"] == 24
    assert [d["code"] for d in ctx["dock_locations"]] == ["DOCK-1"]
    assert [c["code"] for c in ctx["dock_containers"]] == ["LPN-0001"]


def test_a_blind_po_answers_a_worker_without_expected_quantities(client, auth, floor):
    po = make_po(make_supplier("BLIND"), [(floor.widget, 5)], blind=True)
    url = f"/api/v1/purchase-orders/{po.id}/receive"
    r = post_receive(
        client, auth("worker"), url, item_id=floor.widget.id, quantity=3, to_location="DOCK-1"
    )
    assert r.status_code == 201
    assert r.get_json()["po_line"]["ordered"] is None
    assert r.get_json()["po_line"]["open_quantity"] is None
    r = post_receive(
        client, auth("worker"), url, item_id=floor.widget.id, quantity=3, to_location="DOCK-1"
    )
    assert r.status_code == 409
    details = r.get_json()["error"]["details"]
    assert (details["ordered"], details["allowed"], details["requested"]) == (None, None, 3)
