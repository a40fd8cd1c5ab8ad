"""Receiving a return on the scanner: units post Customer -> the returns area through the
ledger; an item not on the order or more than expected is flagged, never taken silently;
replays answer the first scan; every refusal leaves the ledger unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scanfloor.extensions import db
from scanfloor.ledger.models import Movement, Posting
from tests.factories import virtual
from tests.returns_helpers import (
    allocated_order,
    assert_ledger_clean,
    balance,
    capture,
    grant,
    ledger_state,
    receive_scan,
    return_site,
    scanned_item,
    shipped_order,
)


@pytest.fixture
def announced(app, client, auth, users):
    """An RMA expecting 3 of an item the order shipped 4 of; another item the order never had."""
    rs = return_site(app)
    grant(users, rs.warehouse)
    it, stranger = scanned_item(rs, 30), scanned_item(rs)
    order = shipped_order(rs, [(it, 4)])
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 3}]).get_json()
    return rs, it, stranger, rma


def test_a_scanned_unit_posts_customer_to_returns_and_the_return_arrives(announced, client, auth):
    rs, it, _s, rma = announced
    body = {"device_id": "HH-7"}
    r = receive_scan(client, auth("worker"), rma["id"], it.each, **body)
    assert r.status_code == 200, r.get_json()
    got = r.get_json()
    assert (got["received"], got["flag"]) == (1, None)
    assert got["rma"]["status"] == "arrived"
    assert got["rma"]["arrived_at"] is not None
    assert got["rma"]["lines"][0]["received_qty"] == 1
    assert balance(it.id, rs.returns.id) == 1
    move = db.session.scalar(select(Movement).where(Movement.posting_id == got["posting_id"]))
    assert (move.movement_type, move.reason_code) == ("return", "customer_return")
    assert (move.from_location_id, move.to_location_id) == (virtual("CUSTOMER").id, rs.returns.id)
    posting = db.session.get(Posting, got["posting_id"])
    assert (posting.source_type, posting.source_id) == ("return", str(rma["id"]))
    assert (posting.actor_id, posting.device_id) is not None
    assert posting.device_id == "HH-7"
    assert_ledger_clean()


def test_a_case_scan_counts_its_pack_quantity(app, client, auth, users):
    rs = return_site(app)
    grant(users, rs.warehouse)
    it = scanned_item(rs, 30, case_quantity=6)
    order = shipped_order(rs, [(it, 12)])
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 12}]).get_json()
    r = receive_scan(client, auth("worker"), rma["id"], it.case, quantity=2)
    assert r.get_json()["received"] == 12
    assert balance(it.id, rs.returns.id) == 12


def test_over_return_is_flagged_not_accepted(announced, client, auth):
    _rs, it, _s, rma = announced
    assert receive_scan(client, auth("worker"), rma["id"], it.each, quantity=2).status_code == 200
    before = ledger_state()
    r = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=2)
    assert r.status_code == 409
    err = r.get_json()["error"]
    assert err["code"] == "return_flagged"
    assert err["details"]["flag"] == "over_return"
    assert (err["details"]["expected_qty"], err["details"]["received_qty"]) == (3, 2)
    assert err["details"]["item"]["sku"] == it.sku
    assert ledger_state() == before


def test_a_flag_accepted_knowingly_posts_and_stays_on_the_line(announced, client, auth):
    rs, it, _s, rma = announced
    r = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=4, accept_flag=True)
    assert r.status_code == 200
    assert r.get_json()["flag"] == "over_return"
    [line] = r.get_json()["rma"]["lines"]
    assert (line["received_qty"], line["flag"]) == (4, "over_return")
    assert r.get_json()["rma"]["receipt_closed_at"] is None  # flagged: a worker closes it
    assert balance(it.id, rs.returns.id) == 4


def test_an_item_not_on_the_order_is_flagged_and_gets_its_own_line(announced, client, auth):
    rs, _it, stranger, rma = announced
    before = ledger_state()
    r = receive_scan(client, auth("worker"), rma["id"], stranger.each)
    assert (r.status_code, r.get_json()["error"]["details"]["flag"]) == (409, "not_on_order")
    assert ledger_state() == before
    r = receive_scan(client, auth("worker"), rma["id"], stranger.each, accept_flag=True)
    assert r.status_code == 200
    line = next(ln for ln in r.get_json()["rma"]["lines"] if ln["item"]["id"] == stranger.id)
    assert (line["flag"], line["order_line_id"], line["expected_qty"]) == ("not_on_order", None, 0)
    assert balance(stranger.id, rs.returns.id) == 1


def test_a_replayed_scan_answers_the_first_and_posts_nothing(announced, client, auth):
    _rs, it, _s, rma = announced
    h = auth("worker")
    first = receive_scan(client, h, rma["id"], it.each, client_scan_id="scan-1")
    after_first = ledger_state()
    again = receive_scan(client, h, rma["id"], it.each, client_scan_id="scan-1")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["posting_id"] == first.get_json()["posting_id"]
    assert again.get_json()["rma"]["lines"][0]["received_qty"] == 1
    assert ledger_state() == after_first
    other = receive_scan(client, h, rma["id"], it.each, client_scan_id="scan-1", quantity=2)
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "idempotency_key_reused")
    assert ledger_state() == after_first


def test_the_receipt_closes_itself_when_everything_expected_is_in(announced, client, auth):
    _rs, it, _s, rma = announced
    r = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=3)
    assert r.get_json()["rma"]["receipt_closed_at"] is not None
    assert r.get_json()["rma"]["status"] == "arrived"  # closed, but not yet inspected
    before = ledger_state()
    late = receive_scan(client, auth("worker"), rma["id"], it.each, accept_flag=True)
    assert (late.status_code, late.get_json()["error"]["code"]) == (409, "return_closed")
    assert ledger_state() == before


def test_done_receiving_closes_a_part_received_return(announced, client, auth):
    _rs, it, _s, rma = announced
    receive_scan(client, auth("worker"), rma["id"], it.each)
    url = f"/api/v1/returns/{rma['id']}/close-receipt"
    r = client.post(url, json={"client_scan_id": "close-1"}, headers=auth("worker"))
    assert r.status_code == 200
    assert r.get_json()["receipt_closed_at"] is not None
    again = client.post(url, json={"client_scan_id": "close-1"}, headers=auth("worker"))
    assert again.headers["Idempotent-Replayed"] == "true"
    before = ledger_state()
    assert receive_scan(client, auth("worker"), rma["id"], it.each).status_code == 409
    assert ledger_state() == before


def test_nothing_arrived_cannot_be_closed(announced, client, auth):
    _rs, _it, _s, rma = announced
    url = f"/api/v1/returns/{rma['id']}/close-receipt"
    r = client.post(url, json={"client_scan_id": "c"}, headers=auth("worker"))
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "invalid_state")


def test_a_cancelled_return_takes_nothing(announced, client, auth):
    _rs, it, _s, rma = announced
    client.post(f"/api/v1/returns/{rma['id']}/cancel", headers=auth("supervisor"))
    before = ledger_state()
    r = receive_scan(client, auth("worker"), rma["id"], it.each)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "return_closed")
    assert ledger_state() == before


def test_a_warehouse_without_a_returns_area_refuses_the_receipt(app, client, auth, users):
    rs = return_site(app, returns_area=False)
    grant(users, rs.warehouse)
    it = scanned_item(rs)
    order = shipped_order(rs, [(it, 2)])
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}]).get_json()
    before = ledger_state()
    r = receive_scan(client, auth("worker"), rma["id"], it.each)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "no_disposition_location")
    assert ledger_state() == before


@pytest.mark.parametrize(
    ("barcode", "status", "code"),
    [("NOTHING-HERE", 404, "unknown_barcode"), ("R-1", 422, "not_an_item")],
)
def test_a_scan_that_is_no_item_is_refused(announced, client, auth, barcode, status, code):
    _rs, _it, _s, rma = announced
    before = ledger_state()
    r = receive_scan(client, auth("worker"), rma["id"], barcode)
    assert (r.status_code, r.get_json()["error"]["code"]) == (status, code)
    assert ledger_state() == before


def test_a_worker_of_another_warehouse_cannot_receive(app, announced, client, auth, users):
    _rs, it, _s, rma = announced
    other = return_site(app, "X")
    grant(users, other.warehouse)
    before = ledger_state()
    r = receive_scan(client, auth("worker"), rma["id"], it.each)
    assert r.status_code == 403
    assert ledger_state() == before


def test_a_lot_tracked_item_needs_a_lot_it_has(app, client, auth, users):
    rs = return_site(app)
    grant(users, rs.warehouse)
    it = scanned_item(rs, lots=["L1"])
    order = allocated_order(rs, [(it, 2)])  # nothing shipped: what was ordered may come back
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}]).get_json()
    before = ledger_state()
    r = receive_scan(client, auth("worker"), rma["id"], it.each)
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "lot_required")
    assert receive_scan(client, auth("worker"), rma["id"], it.each, lot="L9").status_code == 422
    assert ledger_state() == before
    r = receive_scan(client, auth("worker"), rma["id"], it.each, lot="l1")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["rma"]["lines"][0]["lot"]["code"] == "L1"
    assert_ledger_clean()


def test_closing_the_receipt_tells_the_board(announced, client, auth):
    from scanfloor.floor_events import floor_changed

    rs, it, _s, rma = announced
    receive_scan(client, auth("worker"), rma["id"], it.each)
    heard: list[tuple[int, str]] = []

    def listen(_sender: object, warehouse_id: int, queue: str) -> None:
        heard.append((warehouse_id, queue))

    floor_changed.connect(listen)
    try:
        url = f"/api/v1/returns/{rma['id']}/close-receipt"
        client.post(url, json={"client_scan_id": "c-1"}, headers=auth("worker"))
    finally:
        floor_changed.disconnect(listen)
    assert heard == [(rs.warehouse.id, "to_inspect")]
