"""What the ledger rules promise, end to end: a reversal puts stock back exactly where it was
(lot and container included), and a retried key with another unit cost is not a replay."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from scanfloor.catalog.models import Container
from scanfloor.errors import IdempotencyMismatch
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.verify import verify_ledger
from scanfloor.ledger.writer import post
from tests.factories import make_bin, make_item, make_lot, virtual


def on_hand(item_id: int) -> dict[tuple[int, int | None, int | None], int]:
    """Non-zero balances of one item by (location, lot, container)."""
    db.session.rollback()
    rows = db.session.scalars(select(Balance).where(Balance.item_id == item_id)).all()
    return {(b.location_id, b.lot_id, b.container_id): b.quantity for b in rows if b.quantity != 0}


def movement_count() -> int:
    db.session.rollback()
    return len(db.session.scalars(select(Movement.id)).all())


def reverse(client, auth, movement_id: int):
    return client.post(f"/api/v1/movements/{movement_id}/reverse", headers=auth("manager"), json={})


def test_reversing_a_lot_tracked_receipt_takes_the_same_lot_back(client, auth):
    item = make_item(tracking="lot")
    lot, other_lot = make_lot(item, "L-A"), make_lot(item, "L-B")
    dock, vendor = make_bin(), virtual("VENDOR")
    for lot_id, qty in ((other_lot.id, 5), (lot.id, 8)):
        done = post(
            PostingRequest(
                "receipt",
                (MovementLine(item.id, qty, vendor.id, dock.id, lot_id=lot_id),),
            )
        )
    before = on_hand(item.id)
    assert before[(dock.id, lot.id, None)] == 8

    r = reverse(client, auth, done.movement_ids[0])

    assert r.status_code == 201, r.get_json()
    undo = r.get_json()["movements"][0]
    assert (undo["lot_id"], undo["from_location_id"], undo["to_location_id"]) == (
        lot.id,
        dock.id,
        vendor.id,
    )
    assert on_hand(item.id) == {
        (dock.id, other_lot.id, None): 5,
        (vendor.id, other_lot.id, None): -5,
    }
    assert verify_ledger().clean


def test_reversing_a_move_out_of_a_container_puts_the_stock_back_in_it(client, auth):
    item = make_item()
    dock, shelf, vendor = make_bin(), make_bin(), virtual("VENDOR")
    tote = Container(code="TOTE-REV-1", kind="tote", location_id=dock.id)
    db.session.add(tote)
    db.session.commit()
    tote_id = tote.id
    post(
        PostingRequest(
            "receipt", (MovementLine(item.id, 9, vendor.id, dock.id, to_container_id=tote_id),)
        )
    )
    moved = post(
        PostingRequest(
            "transfer",
            (MovementLine(item.id, 4, dock.id, shelf.id, from_container_id=tote_id),),
        )
    )
    assert on_hand(item.id)[(dock.id, None, tote_id)] == 5

    r = reverse(client, auth, moved.movement_ids[0])

    assert r.status_code == 201, r.get_json()
    undo = r.get_json()["movements"][0]
    assert (undo["from_container_id"], undo["to_container_id"]) == (None, tote_id)
    assert on_hand(item.id) == {(dock.id, None, tote_id): 9, (vendor.id, None, None): -9}
    assert verify_ledger().clean


def test_a_retried_posting_key_with_another_unit_cost_is_refused(app):
    item, dock, vendor = make_item(), make_bin(), virtual("VENDOR")

    def receipt(cost: str) -> PostingRequest:
        line = MovementLine(item.id, 10, vendor.id, dock.id, unit_cost=Decimal(cost))
        return PostingRequest("receipt", (line,), idempotency_key="cost-retry-1")

    first = post(receipt("2.50"))
    assert post(receipt("2.50")).replayed is True
    kept = movement_count()

    with pytest.raises(IdempotencyMismatch) as refused:
        post(receipt("2.75"))

    assert refused.value.code == "idempotency_key_reused"
    assert refused.value.details["idempotency_key"] == "cost-retry-1"
    assert movement_count() == kept
    assert on_hand(item.id)[(dock.id, None, None)] == 10
    assert first.replayed is False


def test_the_same_idempotency_key_with_another_unit_cost_over_http_is_409(client, auth):
    item, dock = make_item(), make_bin()
    headers = {**auth("manager"), "Idempotency-Key": "move-cost-1"}

    def receipt(cost: str):
        line = {
            "item_id": item.id,
            "quantity": 6,
            "from_location": "VENDOR",
            "to_location": dock.id,
            "unit_cost": cost,
        }
        return client.post(
            "/api/v1/movements", headers=headers, json={"type": "receipt", "lines": [line]}
        )

    assert receipt("1.20").status_code == 201
    assert receipt("1.20").status_code == 201  # a true replay
    kept = movement_count()

    r = receipt("1.25")

    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["details"]["idempotency_key"] == "move-cost-1"
    assert error["details"]["first_used_for"] == "ledger.manual"
    assert movement_count() == kept
    assert on_hand(item.id)[(dock.id, None, None)] == 6
