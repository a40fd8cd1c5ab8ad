"""Huge integers in request bodies are refused with a 4xx and post nothing.

Property tests over the write endpoints that take ids in their bodies (movements,
purchase orders and receiving, putaway) and order capture (quantities): whatever integer
lands in an id or quantity field, the answer is a 4xx in the one error shape, never a 500,
and the ledger is exactly as it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanfloor.ledger.rules import MAX_QUANTITY
from tests.factories import ledger_snapshot, make_bin, make_item, make_po, make_supplier

# Beyond 64 bits, negative, zero, and valid-but-absent numbers near the 32 and 64 bit edges.
HUGE = st.one_of(
    st.sampled_from([2**63, 2**64, -1, 0, 2**63 - 1, 2**31, -(2**63) - 1]),
    st.integers(min_value=2**63, max_value=2**80),
    st.integers(min_value=2**31, max_value=2**63 - 1),
)
# Quantities may be large (BIGINT columns, up to MAX_QUANTITY); past that they are refused.
HUGE_QUANTITY = st.one_of(
    st.sampled_from([0, -1, MAX_QUANTITY + 1, 2**63, 2**64]),
    st.integers(min_value=MAX_QUANTITY + 1, max_value=2**80),
)
BOUNDED = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def site(app: Any, auth: Any) -> dict[str, Any]:
    item, bin_a, supplier = make_item(), make_bin(), make_supplier()
    po = make_po(supplier, [(item, 10)])
    return {
        "supplier": supplier.id,
        "item": item.id,
        "bin": bin_a.id,
        "po": po.id,
        "line": po.lines[0].id,
        "headers": auth("admin"),
    }


def _refused(client: Any, method: str, path: str, headers: Any, body: Any) -> None:
    before = ledger_snapshot()
    resp = client.open(path, method=method, headers=headers, json=body)
    assert 400 <= resp.status_code < 500, (path, body, resp.status_code, resp.data[:200])
    error = resp.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert ledger_snapshot() == before


def _with_huge(valid: dict[str, Any], fields: list[str], data: st.DataObject) -> dict[str, Any]:
    """The valid body with one or more of `fields` replaced by a huge integer."""
    chosen = data.draw(st.lists(st.sampled_from(fields), min_size=1, unique=True))
    return {
        **valid,
        **{name: data.draw(HUGE_QUANTITY if "quantity" in name else HUGE) for name in chosen},
    }


@BOUNDED
@given(data=st.data())
def test_a_movement_with_a_huge_id_is_refused(client, site, data):
    line = _with_huge(
        {
            "item_id": site["item"],
            "quantity": 1,
            "from_location": "VENDOR",
            "to_location": site["bin"],
        },
        [
            "item_id",
            "quantity",
            "from_location",
            "to_location",
            "lot_id",
            "from_container_id",
            "to_container_id",
        ],
        data,
    )
    body = {"type": "receipt", "lines": [line]}
    _refused(client, "POST", "/api/v1/movements", site["headers"], body)


@BOUNDED
@given(data=st.data())
def test_a_purchase_order_with_a_huge_id_is_refused(client, site, data):
    valid = {"supplier_id": site["supplier"], "item_id": site["item"], "quantity": 5}
    huge = _with_huge(valid, list(valid), data)
    body = {
        "number": "PO-HUGE",
        "supplier_id": huge["supplier_id"],
        "lines": [{"item_id": huge["item_id"], "quantity": huge["quantity"], "unit_cost": "1"}],
    }
    _refused(client, "POST", "/api/v1/purchase-orders", site["headers"], body)


@BOUNDED
@given(data=st.data())
def test_a_receipt_with_a_huge_id_is_refused(client, site, data):
    body = _with_huge(
        {"line_id": site["line"], "quantity": 1, "to_location": site["bin"]},
        ["line_id", "item_id", "quantity", "damaged_quantity", "to_location", "to_container"],
        data,
    )
    path = f"/api/v1/purchase-orders/{site['po']}/receive"
    _refused(client, "POST", path, site["headers"], body)


@BOUNDED
@given(data=st.data(), number=st.integers(min_value=1, max_value=10**30))
def test_a_putaway_with_a_huge_id_is_refused(client, site, data, number):
    body = _with_huge(
        {"task_id": f"b-{number}", "to_location": "NOWHERE"},
        ["suggested_location_id", "quantity"],
        data,
    )
    _refused(client, "POST", "/api/v1/putaway/confirm", site["headers"], body)


@BOUNDED
@given(data=st.data())
def test_a_putaway_suggestion_for_a_huge_id_is_refused(client, site, data):
    args = _with_huge(
        {"item_id": site["item"], "quantity": 1, "warehouse_id": 1},
        ["item_id", "lot_id", "quantity", "warehouse_id"],
        data,
    )
    query = "&".join(f"{k}={v}" for k, v in args.items())
    _refused(client, "GET", f"/api/v1/putaway/suggest?{query}", site["headers"], None)


@BOUNDED
@given(quantity=HUGE_QUANTITY)
def test_an_order_with_a_huge_quantity_is_refused(client, site, quantity):
    body = {
        "channel": "WEB",
        "external_id": "H-1",
        "lines": [{"sku": "ANY", "quantity": quantity}],
    }
    _refused(client, "POST", "/api/v1/orders", site["headers"], body)


# The four routes the security probe found answering 500 to ids past 64 bits (issue 12).


@BOUNDED
@given(warehouse_id=HUGE)
def test_a_putaway_queue_summary_for_a_huge_warehouse_is_refused(client, site, warehouse_id):
    path = f"/api/v1/putaway/queue-summary?warehouse_id={warehouse_id}"
    _refused(client, "GET", path, site["headers"], None)


@BOUNDED
@given(item_id=HUGE)
def test_a_barcode_for_a_huge_item_is_refused(client, site, item_id):
    headers = {**site["headers"], "Idempotency-Key": f"bc-{item_id}"}
    body = {"code": "4006381333931"}
    _refused(client, "POST", f"/api/v1/items/{item_id}/barcodes", headers, body)


@BOUNDED
@given(data=st.data())
def test_a_location_label_batch_with_a_huge_id_is_refused(client, site, data):
    body = data.draw(
        st.one_of(
            st.builds(lambda n: {"location_ids": [site["bin"], n]}, HUGE),
            st.builds(lambda n: {"zone_id": n}, HUGE),
        )
    )
    _refused(client, "POST", "/api/v1/labels/locations/batch", site["headers"], body)


@BOUNDED
@given(location_id=HUGE)
def test_an_sscc_for_a_huge_location_is_refused(client, site, location_id):
    headers = {**site["headers"], "Idempotency-Key": f"sscc-{location_id}"}
    _refused(client, "POST", "/api/v1/labels/sscc", headers, {"location_id": location_id})
