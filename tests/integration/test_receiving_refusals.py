"""Every refused receiving confirmation leaves the ledger, the PO and its receipts exactly as
they were: unknown barcode, wrong item, over-receipt, missing lot or expiry, not a dock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import ledger_snapshot, make_item, make_po, make_supplier
from tests.integration.test_receiving_receive import (
    MILK_GTIN,
    documents_snapshot,
    make_floor,
    post_receive,
)


@pytest.fixture
def floor(app: Any) -> Any:
    return make_floor()


REFUSALS = {
    "unknown_barcode": (
        lambda f: {"barcode": "09501101530003", "to_location": "DOCK-1"},
        404,
        "unknown_barcode",
    ),
    "wrong_item": (
        lambda f: {"item_id": f.stray.id, "quantity": 1, "to_location": "DOCK-1"},
        422,
        "unexpected_item",
    ),
    "wrong_item_at_a_named_line": (
        lambda f: {"line_id": f.widget_line, "barcode": MILK_GTIN, "to_location": "DOCK-1"},
        422,
        "unexpected_item",
    ),
    "over_receipt_without_approval": (
        lambda f: {"line_id": f.widget_line, "quantity": 25, "to_location": "DOCK-1"},
        409,
        "over_receipt",
    ),
    "missing_lot": (
        lambda f: {
            "line_id": f.milk_line,
            "quantity": 1,
            "expiry": "2030-01-01",
            "to_location": "DOCK-1",
        },
        422,
        "lot_required",
    ),
    "missing_expiry": (
        lambda f: {
            "line_id": f.milk_line,
            "quantity": 1,
            "lot_code": "L9",
            "to_location": "DOCK-1",
        },
        422,
        "expiry_required",
    ),
    "storage_bin_is_not_a_dock": (
        lambda f: {"line_id": f.widget_line, "quantity": 1, "to_location": "A-01-01"},
        422,
        "wrong_location",
    ),
    "lpn_not_on_a_dock": (
        lambda f: {"line_id": f.widget_line, "quantity": 1, "to_container": "LPN-0002"},
        422,
        "wrong_location",
    ),
    "a_location_label_scanned_as_an_item": (
        lambda f: {"barcode": "DOCK-1", "quantity": 1, "to_location": "DOCK-1"},
        422,
        "not_an_item",
    ),
    "damaged_without_reason": (
        lambda f: {
            "line_id": f.widget_line,
            "quantity": 3,
            "damaged_quantity": 1,
            "to_location": "DOCK-1",
        },
        422,
        "validation_failed",
    ),
    "malformed_gtin": (
        lambda f: {"barcode": "09506000134353", "to_location": "DOCK-1"},
        422,
        "invalid_barcode",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refused_confirmation_changes_nothing(client, auth, floor, case):
    floor.stray = make_item("STRAY")
    post_receive(
        client,
        auth("worker"),
        floor.url,
        line_id=floor.widget_line,
        quantity=2,
        to_location="DOCK-1",
    )
    ledger, documents = ledger_snapshot(), documents_snapshot()
    build, status, code = REFUSALS[case]
    headers = {**auth("worker"), "Idempotency-Key": f"refused-{case}"}
    r = post_receive(client, headers, floor.url, **build(floor))
    assert r.status_code == status, r.get_json()
    assert r.get_json()["error"]["code"] == code
    assert ledger_snapshot() == ledger
    assert documents_snapshot() == documents


@pytest.mark.parametrize("opened", [False, True])
def test_a_draft_or_closed_po_cannot_be_received(client, auth, floor, opened):
    po = make_po(make_supplier("LATE"), [(floor.widget, 5)], opened=opened)
    if opened:
        client.post(f"/api/v1/purchase-orders/{po.id}/close", headers=auth("manager"))
    ledger = ledger_snapshot()
    r = post_receive(
        client,
        auth("worker"),
        f"/api/v1/purchase-orders/{po.id}/receive",
        item_id=floor.widget.id,
        quantity=1,
        to_location="DOCK-1",
    )
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "po_not_receivable"
    assert ledger_snapshot() == ledger
