"""Inspecting a return on the scanner: each disposition is a ledger movement out of the
returns area with its reason code, each inspected quantity records the credit due, the
return completes when its receipt is closed and every unit is inspected. Restocked sellable
units serve a backorder in the same transaction. Every refusal leaves the ledger unchanged."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from scanfloor.allocation.models import OrderLine
from scanfloor.catalog.locations_service import create_location
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement, Posting
from tests.factories import virtual
from tests.returns_helpers import (
    allocated_order,
    assert_ledger_clean,
    balance,
    capture,
    grant,
    inspect,
    ledger_state,
    messages,
    png_bytes,
    receive_scan,
    return_site,
    scanned_item,
    set_prices,
    shipped_order,
)


@pytest.fixture
def received(app, client, auth, users):
    """An RMA of 4 units (unit price 10.00), all received into RET-1, receipt closed."""
    rs = return_site(app)
    grant(users, rs.warehouse)
    it = scanned_item(rs, 10)
    order = shipped_order(rs, [(it, 4)])
    set_prices(order.id, "10.00")
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 4}]).get_json()
    got = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=4).get_json()
    return rs, it, got["rma"]["id"], got["line_id"]


def _movement(posting_id: int) -> Movement:
    db.session.rollback()
    found = db.session.scalar(select(Movement).where(Movement.posting_id == posting_id))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("disposition", "where", "movement_type", "reason"),
    [
        ("damaged", "quarantine", "return", "return_damaged"),
        ("refurbish", "refurbish", "return", "return_refurbish"),
        ("rtv", "rtv", "return", "return_to_vendor"),
        ("scrap", "SCRAP", "scrap", "return_scrap"),
        ("sellable", "restock", "return", "return_restock"),
    ],
)
def test_each_disposition_is_a_movement_with_its_reason_code(
    received, client, auth, users, disposition, where, movement_type, reason
):
    rs, it, rma_id, line_id = received
    extra = {"location": "R-1"} if disposition == "sellable" else {}
    r = inspect(client, auth("worker"), rma_id, line_id, quantity=2, disposition=disposition,
                device_id="HH-2", **extra)  # fmt: skip
    assert r.status_code == 200, r.get_json()
    got = r.get_json()["inspection"]
    to = virtual("SCRAP") if where == "SCRAP" else getattr(rs, where)
    move = _movement(got["posting_id"])
    assert (move.movement_type, move.reason_code, move.quantity) == (movement_type, reason, 2)
    assert (move.from_location_id, move.to_location_id) == (rs.returns.id, to.id)
    posting = db.session.get(Posting, got["posting_id"])
    assert (posting.actor_id, posting.device_id) == (users["worker"].id, "HH-2")
    assert (posting.source_type, posting.source_id) == ("return", str(rma_id))
    assert (got["disposition"], got["reason_code"], got["to_location"]["id"]) == (
        disposition,
        reason,
        to.id,
    )
    assert got["inspected_by"]["username"] == "worker"
    assert balance(it.id, rs.returns.id) == 2
    assert_ledger_clean()


def test_a_reason_code_can_be_given(received, client, auth):
    _rs, _it, rma_id, line_id = received
    r = inspect(client, auth("worker"), rma_id, line_id, reason_code="water_damage")
    assert _movement(r.get_json()["inspection"]["posting_id"]).reason_code == "water_damage"


def test_the_credit_due_is_recorded_per_inspection_and_summed_on_the_return(received, client, auth):
    _rs, _it, rma_id, line_id = received
    h = auth("worker")
    full = inspect(client, h, rma_id, line_id, credit="full").get_json()["inspection"]
    part = inspect(client, h, rma_id, line_id, credit="partial").get_json()["inspection"]
    fee = inspect(client, h, rma_id, line_id, credit="partial", restocking_fee="2.50").get_json()
    none = inspect(client, h, rma_id, line_id, credit="none").get_json()
    assert (full["credit_amount"], full["restocking_fee"]) == ("10.00", "0.00")
    assert (part["credit_amount"], part["restocking_fee"]) == ("8.50", "1.50")  # 15% default
    assert fee["inspection"]["credit_amount"] == "7.50"
    assert none["inspection"]["credit_amount"] == "0.00"
    assert none["rma"]["credit_due"] == "26.00"


def test_a_fee_above_the_credit_is_refused(received, client, auth):
    _rs, _it, rma_id, line_id = received
    before = ledger_state()
    r = inspect(client, auth("worker"), rma_id, line_id, credit="partial", restocking_fee="10.01")
    assert r.status_code == 422
    assert ledger_state() == before


def test_the_return_completes_when_every_unit_has_its_disposition(received, client, auth):
    _rs, it, rma_id, line_id = received
    h = auth("worker")
    first = inspect(client, h, rma_id, line_id, quantity=3).get_json()["rma"]
    assert (first["status"], first["completed_at"]) == ("arrived", None)
    assert first["age_minutes"] is not None
    done = inspect(client, h, rma_id, line_id, quantity=1, credit="partial").get_json()["rma"]
    assert done["status"] == "completed"
    assert done["completed_at"] is not None
    assert done["disposition_seconds"] is not None and done["age_minutes"] is None
    last = messages("return.status")[-1]
    assert (last["status"], last["credit_due"]) == ("completed", "38.50")
    assert last["lines"] == [{"sku": it.sku, "expected": 4, "received": 4, "inspected": 4,
                              "credit_amount": "38.50"}]  # fmt: skip
    before = ledger_state()
    after = inspect(client, h, rma_id, line_id)
    assert (after.status_code, after.get_json()["error"]["code"]) == (409, "return_closed")
    assert ledger_state() == before


def test_every_inspection_tells_the_channel(received, client, auth):
    _rs, _it, rma_id, line_id = received
    count = len(messages("return.status"))
    inspect(client, auth("worker"), rma_id, line_id)
    inspect(client, auth("worker"), rma_id, line_id)
    assert len(messages("return.status")) == count + 2


def test_more_than_awaits_inspection_is_refused(received, client, auth):
    _rs, _it, rma_id, line_id = received
    before = ledger_state()
    r = inspect(client, auth("worker"), rma_id, line_id, quantity=5)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "over_inspection")
    assert r.get_json()["error"]["details"]["awaiting"] == 4
    assert ledger_state() == before


def test_a_disposition_without_its_location_is_refused(received, client, auth):
    rs, _it, rma_id, line_id = received
    rs.refurbish.active = False
    db.session.commit()
    before = ledger_state()
    r = inspect(client, auth("worker"), rma_id, line_id, disposition="refurbish")
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "no_disposition_location")
    assert ledger_state() == before


def test_sellable_units_need_a_scanned_storage_bin_of_the_warehouse(app, received, client, auth):
    rs, _it, rma_id, line_id = received
    other = return_site(app, "X")
    away = other.restock.code
    h = auth("worker")
    create_location(code="QQ-1", type="quarantine", parent_id=rs.warehouse.id)
    before = ledger_state()
    assert inspect(client, h, rma_id, line_id, disposition="sellable").status_code == 422
    nowhere = inspect(client, h, rma_id, line_id, disposition="sellable", location="NOPE-1")
    assert nowhere.status_code == 404
    for code in ("QQ-1", away):
        r = inspect(client, h, rma_id, line_id, disposition="sellable", location=code)
        assert (r.status_code, r.get_json()["error"]["code"]) == (409, "wrong_location"), code
    assert ledger_state() == before


def test_a_photo_of_another_return_is_refused(received, client, auth, app):
    rs, it, rma_id, line_id = received
    order = shipped_order(rs, [(it, 1)])
    other = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 1}]).get_json()
    photo = client.post(
        f"/api/v1/returns/{other['id']}/photos",
        data={"file": (io.BytesIO(png_bytes()), "p.png", "image/png")},
        headers=auth("worker"),
    ).get_json()
    before = ledger_state()
    r = inspect(client, auth("worker"), rma_id, line_id, photo_id=photo["id"])
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "wrong_photo")
    assert ledger_state() == before


def test_a_replayed_inspection_answers_the_first_and_posts_nothing(received, client, auth):
    _rs, _it, rma_id, line_id = received
    h = auth("worker")
    first = inspect(client, h, rma_id, line_id, client_scan_id="i-1")
    after = ledger_state()
    again = inspect(client, h, rma_id, line_id, client_scan_id="i-1")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["inspection"] == first.get_json()["inspection"]
    assert ledger_state() == after
    other = inspect(client, h, rma_id, line_id, client_scan_id="i-1", quantity=2)
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "idempotency_key_reused")
    assert ledger_state() == after


def test_rtv_names_the_supplier_given_or_none_when_never_bought(received, client, auth):
    from tests.factories import make_supplier

    _rs, _it, rma_id, line_id = received
    sup = make_supplier("ACME")
    given = inspect(client, auth("worker"), rma_id, line_id, disposition="rtv", supplier_id=sup.id)
    assert given.get_json()["inspection"]["supplier"] == {"id": sup.id, "code": "ACME"}
    unknown = inspect(client, auth("worker"), rma_id, line_id, disposition="rtv")
    assert unknown.get_json()["inspection"]["supplier"] is None
    assert inspect(client, auth("worker"), rma_id, line_id, disposition="rtv",
                   supplier_id=99999).status_code == 404  # fmt: skip


def test_rtv_defaults_to_the_supplier_of_the_items_latest_receipt(app, client, auth, users):
    from tests.factories import make_po, make_supplier

    rs = return_site(app)
    grant(users, rs.warehouse)
    it = scanned_item(rs, 0)
    create_location(code="DOCK-1", type="dock", parent_id=rs.warehouse.id)
    po = make_po(make_supplier("SUPPLY"), [(_item(it.id), 5)])
    got = client.post(f"/api/v1/purchase-orders/{po.id}/receive",
                      json={"item_id": it.id, "quantity": 5, "to_location": "DOCK-1"},
                      headers=auth("worker"))  # fmt: skip
    assert got.status_code in (200, 201), got.get_json()
    order = allocated_order(rs, [(it, 1)])
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 1}]).get_json()
    line_id = receive_scan(client, auth("worker"), rma["id"], it.each).get_json()["line_id"]
    r = inspect(client, auth("worker"), rma["id"], line_id, disposition="rtv")
    assert r.get_json()["inspection"]["supplier"]["code"] == "SUPPLY"


def _item(item_id: int) -> object:
    from scanfloor.catalog.models import Item

    return db.session.get(Item, item_id)


def test_restocked_sellable_units_serve_a_backorder_at_once(app, client, auth, users):
    rs = return_site(app)
    grant(users, rs.warehouse)
    it = scanned_item(rs, 3)
    shipped = shipped_order(rs, [(it, 3)])  # the warehouse is out of it now
    waiting = allocated_order(rs, [(it, 1)])
    assert _reserved(waiting.id) == 0
    ats_before = client.get(f"/api/v1/items/{it.id}/ats", headers=auth("manager")).get_json()
    rma = capture(client, auth("manager"), shipped, [{"sku": it.sku, "quantity": 2}]).get_json()
    line_id = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=2).get_json()[
        "line_id"
    ]
    assert _reserved(waiting.id) == 0  # in the returns area, not sellable
    suggestion = client.get(f"/api/v1/returns/{rma['id']}/lines/{line_id}/restock",
                            headers=auth("worker")).get_json()["suggestion"]  # fmt: skip
    assert suggestion["location"]["barcode"] is not None
    r = inspect(client, auth("worker"), rma["id"], line_id, quantity=2, disposition="sellable",
                location=suggestion["location"]["barcode"])  # fmt: skip
    assert r.status_code == 200, r.get_json()
    assert _reserved(waiting.id) == 1  # the same transaction's subscriber served it
    ats_after = client.get(f"/api/v1/items/{it.id}/ats", headers=auth("manager")).get_json()
    assert (ats_before["channels"]["WEB"], ats_after["channels"]["WEB"]) == (0, 1)
    assert_ledger_clean()


def _reserved(order_id: int) -> int:
    db.session.rollback()
    return int(
        sum(
            db.session.scalars(select(OrderLine.reserved_qty).where(OrderLine.order_id == order_id))
        )
    )


def test_the_board_sees_the_uninspected_queue_and_its_age(received, client, auth):
    from scanfloor.floor_events import floor_changed
    from scanfloor.returns.queries import uninspected_queue, uninspected_summary

    rs, _it, rma_id, line_id = received
    db.session.rollback()
    [row] = uninspected_queue(rs.warehouse.id)
    assert (row.rma_id, row.units_awaiting) == (rma_id, 4)
    assert row.arrived_at is not None
    rmas, units, oldest = uninspected_summary(rs.warehouse.id)
    assert (rmas, units, oldest) == (1, 4, row.arrived_at)
    heard: list[tuple[int, str]] = []

    def listen(_sender: object, warehouse_id: int, queue: str) -> None:
        heard.append((warehouse_id, queue))

    floor_changed.connect(listen)
    try:
        r = client.post(f"/api/v1/returns/{rma_id}/cancel", headers=auth("supervisor"))
        assert r.status_code == 409  # arrived: no longer cancellable, and nothing announced
        assert heard == []
        inspect(client, auth("worker"), rma_id, line_id, quantity=4)
    finally:
        floor_changed.disconnect(listen)
    db.session.rollback()
    assert uninspected_queue(rs.warehouse.id) == []
    assert uninspected_summary(rs.warehouse.id) == (0, 0, None)
