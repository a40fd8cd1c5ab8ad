"""Capturing return authorisations: from a channel (idempotent like orders), from the back
office, and unannounced at the returns desk; finding an order or an RMA by what is scanned
or typed. Every refusal changes nothing."""

from __future__ import annotations

import pytest

from tests.returns_helpers import (
    allocated_order,
    capture,
    grant,
    ledger_state,
    messages,
    return_site,
    rma_count,
    scanned_item,
    set_prices,
    shipped_order,
)


@pytest.fixture
def desk(app, users):
    rs = return_site(app)
    grant(users, rs.warehouse)
    it = scanned_item(rs)
    order = shipped_order(rs, [(it, 3)])
    set_prices(order.id, "12.50")
    return rs, it, order


def test_a_channel_return_is_captured_with_what_is_expected(desk, client, auth):
    rs, it, order = desk
    lines = [{"sku": it.sku, "quantity": 2, "reason": "too small"}]
    r = capture(client, auth("manager"), order, lines, external_id="R-1", reason="changed mind")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["number"] == f"RMA{body['id']:07d}"
    assert (body["status"], body["source"], body["external_id"]) == (
        "authorised",
        "back_office",
        "R-1",
    )
    assert body["warehouse"]["code"] == rs.warehouse.code  # the warehouse that shipped it
    assert body["order"] == {"id": order.id, "external_id": order.external_id}
    assert body["customer_name"] == "Ada Lovelace"
    [line] = body["lines"]
    assert (line["expected_qty"], line["received_qty"], line["reason"]) == (2, 0, "too small")
    assert line["unit_price"] == "12.5000"
    assert {b["code"] for b in line["item"]["barcodes"]} == {it.each, it.case}


def test_the_same_channel_and_external_id_again_is_the_first_return(desk, client, auth):
    _rs, it, order = desk
    first = capture(
        client, auth("manager"), order, [{"sku": it.sku, "quantity": 1}], external_id="R-1"
    )
    again = capture(
        client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}], external_id="R-1"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["lines"][0]["expected_qty"] == 1
    assert rma_count() == 1


def test_an_order_line_by_number_is_returned_too(desk, client, auth):
    _rs, _it, order = desk
    r = capture(client, auth("manager"), order, [{"line_no": 1, "quantity": 3}])
    assert r.status_code == 201
    assert r.get_json()["lines"][0]["expected_qty"] == 3


def test_more_than_the_order_shipped_is_refused(desk, client, auth):
    _rs, it, order = desk
    before = ledger_state()
    r = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 4}])
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["returnable"] == 3
    assert rma_count() == 0
    assert ledger_state() == before


def test_units_another_return_claims_cannot_be_returned_again(desk, client, auth):
    _rs, it, order = desk
    assert (
        capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}]).status_code == 201
    )
    r = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}])
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["already_returned"] == 2
    assert rma_count() == 1


def test_before_shipping_what_was_ordered_is_the_limit(app, client, auth, users):
    rs = return_site(app)
    it = scanned_item(rs)
    order = allocated_order(rs, [(it, 2)])
    assert (
        capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 3}]).status_code == 422
    )
    r = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}])
    assert r.status_code == 201
    assert r.get_json()["lines"][0]["unit_price"] == "20.0000"


@pytest.mark.parametrize(
    "lines",
    [[{"sku": "NOPE", "quantity": 1}], [{"line_no": 9, "quantity": 1}],
     [{"quantity": 1}], [{"sku": "X", "line_no": 1, "quantity": 1}], []],
)  # fmt: skip
def test_lines_not_on_the_order_are_refused(desk, client, auth, lines):
    _rs, _it, order = desk
    r = capture(client, auth("manager"), order, lines)
    assert r.status_code == 422
    assert rma_count() == 0


def test_an_order_of_another_channel_or_none_is_refused(desk, client, auth):
    _rs, it, order = desk
    body = {
        "channel": "WEB",
        "order_external_id": "NOPE",
        "lines": [{"sku": it.sku, "quantity": 1}],
    }
    assert client.post("/api/v1/returns", json=body, headers=auth("manager")).status_code == 422
    body = {"channel": "NOPE", "order_id": order.id, "lines": [{"sku": it.sku, "quantity": 1}]}
    assert client.post("/api/v1/returns", json=body, headers=auth("manager")).status_code == 404


def test_capturing_needs_a_manager(desk, client, auth):
    _rs, it, order = desk
    r = capture(client, auth("supervisor"), order, [{"sku": it.sku, "quantity": 1}])
    assert r.status_code == 403


def test_the_channel_hears_the_new_return(desk, client, auth):
    _rs, it, order = desk
    capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}], external_id="R-9")
    [msg] = messages("return.status")
    assert msg["status"] == "authorised"
    assert (msg["external_id"], msg["order_external_id"]) == ("R-9", order.external_id)
    assert msg["credit_due"] == "0.00"
    assert msg["lines"] == [{"sku": it.sku, "expected": 2, "received": 0, "inspected": 0,
                             "credit_amount": "0.00"}]  # fmt: skip
    assert msg["rma"].startswith("RMA")


def test_an_unannounced_return_expects_what_the_order_shipped(desk, client, auth):
    rs, _it, order = desk
    body = {"order_id": order.id, "warehouse": rs.warehouse.code, "client_scan_id": "u-1"}
    r = client.post("/api/v1/returns/unannounced", json=body, headers=auth("worker"))
    assert r.status_code == 201, r.get_json()
    rma = r.get_json()
    assert (rma["source"], rma["status"]) == ("unannounced", "authorised")
    assert [ln["expected_qty"] for ln in rma["lines"]] == [3]
    again = client.post(
        "/api/v1/returns/unannounced",
        json={**body, "client_scan_id": "u-2"},
        headers=auth("worker"),
    )
    assert again.status_code == 200
    assert again.get_json()["id"] == rma["id"]
    assert rma_count() == 1


def test_an_unannounced_return_in_a_warehouse_the_worker_may_not_see_is_refused(
    app, desk, client, auth
):
    _rs, _it, order = desk
    other = return_site(app, "X")
    body = {"order_id": order.id, "warehouse": other.warehouse.code, "client_scan_id": "u-1"}
    r = client.post("/api/v1/returns/unannounced", json=body, headers=auth("worker"))
    assert r.status_code == 403
    assert rma_count() == 0


def test_lookup_finds_an_rma_by_number_or_external_id_and_an_order_without_one(desk, client, auth):
    rs, it, order = desk
    h = auth("worker")
    found = client.get(f"/api/v1/returns/lookup?code={order.external_id}", headers=h).get_json()
    assert found["rma"] is None
    assert found["order"]["external_id"] == order.external_id
    assert found["order"]["lines"][0]["shipped_qty"] == 3
    assert found["order"]["customer_email"] == "ada@example.com"
    made = capture(
        client, auth("manager"), order, [{"sku": it.sku, "quantity": 1}], external_id="R-7"
    )
    number = made.get_json()["number"]
    for code in (number, number.lower(), "R-7", order.external_id, str(order.id)):
        got = client.get(f"/api/v1/returns/lookup?code={code}&warehouse={rs.warehouse.code}",
                         headers=h).get_json()  # fmt: skip
        assert got["rma"]["id"] == made.get_json()["id"], code
    assert client.get("/api/v1/returns/lookup?code=NOTHING", headers=h).status_code == 404


def test_orders_are_found_by_customer_name_or_email(desk, client, auth):
    _rs, _it, order = desk
    h = auth("worker")
    for q in ("lovelace", "ADA@EXAMPLE", order.external_id):
        got = client.get(f"/api/v1/returns/orders?q={q}", headers=h).get_json()
        assert [o["id"] for o in got["orders"]] == [order.id], q
    assert client.get("/api/v1/returns/orders?q=zz", headers=h).status_code == 422
    assert client.get("/api/v1/returns/orders?q=nobody", headers=h).get_json() == {"orders": []}


def test_a_return_is_cancelled_only_before_anything_arrives(desk, client, auth):
    _rs, it, order = desk
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 1}]).get_json()
    r = client.post(f"/api/v1/returns/{rma['id']}/cancel", headers=auth("supervisor"))
    assert (r.status_code, r.get_json()["status"]) == (200, "cancelled")
    again = client.post(f"/api/v1/returns/{rma['id']}/cancel", headers=auth("supervisor"))
    assert again.status_code == 409
    assert messages("return.status")[-1]["status"] == "cancelled"
    # Cancelled, its units are free for another return.
    assert (
        capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 3}]).status_code == 201
    )


def test_the_list_filters_by_status_and_text(desk, client, auth):
    rs, it, order = desk
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}]).get_json()
    h = auth("supervisor")
    got = client.get(f"/api/v1/returns?warehouse={rs.warehouse.code}&status=authorised", headers=h)
    [row] = got.get_json()["returns"]
    assert (row["id"], row["units_expected"], row["units_awaiting"]) == (rma["id"], 2, 0)
    assert "lines" not in row
    assert client.get("/api/v1/returns?status=arrived", headers=h).get_json()["returns"] == []
    assert len(client.get("/api/v1/returns?q=lovelace", headers=h).get_json()["returns"]) == 1
    assert client.get("/api/v1/returns", headers=auth("worker")).status_code == 403
