"""A scanner's outbox replayed after a dead spot posts each confirmation exactly once."""

from __future__ import annotations

from sqlalchemy import func, select

from scanfloor.auth.models import User
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from scanfloor.ledger.verify import verify_ledger
from tests.factories import ledger_snapshot, make_bin, make_item, make_po, make_supplier

CONFIRMATIONS = 1000


def _movement_count() -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(Movement)) or 0)


def test_replaying_the_same_1000_queued_confirmations_twice_gives_exactly_1000_movements(
    client, auth
):
    items = [make_item() for _ in range(4)]
    make_bin("DOCK-1", type="dock")
    po = make_po(make_supplier(), [(item, CONFIRMATIONS) for item in items])
    url = f"/api/v1/purchase-orders/{po.id}/receive"
    worker = auth("worker")
    queue = [
        (
            f"scan-{n:04d}",
            {
                "item_id": items[n % 4].id,
                "quantity": 1 + n % 3,
                "to_location": "DOCK-1",
                "device_id": "SCAN-1",
            },
        )
        for n in range(CONFIRMATIONS)
    ]
    answers = []
    for key, body in queue:
        r = client.post(url, headers={**worker, "Idempotency-Key": key}, json=body)
        assert r.status_code == 201, r.get_json()
        answers.append(r.get_json())
    after_first = ledger_snapshot()
    assert after_first[0] == CONFIRMATIONS

    for (key, body), first in zip(queue, answers, strict=True):
        r = client.post(url, headers={**worker, "Idempotency-Key": key}, json=body)
        assert r.status_code == 201
        assert r.get_json() == first
    assert ledger_snapshot() == after_first
    total = sum(body["quantity"] for _, body in queue)
    po_view = client.get(f"/api/v1/purchase-orders/{po.id}", headers=auth("manager")).get_json()
    assert po_view["received_total"] == total
    assert verify_ledger().clean


def test_a_client_scan_id_without_the_header_is_the_posting_key(client, auth):
    item = make_item()
    make_bin("DOCK-1", type="dock")
    po = make_po(make_supplier(), [(item, 10)])
    url = f"/api/v1/purchase-orders/{po.id}/receive"
    body = {"item_id": item.id, "quantity": 2, "to_location": "DOCK-1", "client_scan_id": "c-1"}
    first = client.post(url, headers=auth("worker"), json=body)
    second = client.post(url, headers=auth("worker"), json=body)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert _movement_count() == 1
    moved = db.session.scalar(select(Movement.idempotency_key))
    worker_id = db.session.scalar(select(User.id).where(User.username == "worker"))
    assert moved == f"user:{worker_id}/c-1#1"  # keys are scoped by caller (commands/)
    third = client.post(url, headers=auth("worker"), json={**body, "quantity": 3})
    assert third.status_code == 409
    assert third.get_json()["error"]["code"] == "idempotency_key_reused"
    assert _movement_count() == 1


def test_a_replay_that_no_longer_fits_is_refused_not_dropped(client, auth):
    """Queued offline against a PO closed since: the server re-validates and says why."""
    item = make_item()
    make_bin("DOCK-1", type="dock")
    po = make_po(make_supplier(), [(item, 10)])
    client.post(f"/api/v1/purchase-orders/{po.id}/close", headers=auth("manager"))
    r = client.post(
        f"/api/v1/purchase-orders/{po.id}/receive",
        headers={**auth("worker"), "Idempotency-Key": "late-1"},
        json={"item_id": item.id, "quantity": 1, "to_location": "DOCK-1"},
    )
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "po_not_receivable"
    assert _movement_count() == 0
