"""Over-receipt beyond tolerance needs a supervisor's badge and PIN on the spot."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.auth.models import AuthEvent, User
from scanfloor.auth.service import create_user
from scanfloor.extensions import db
from tests.factories import ledger_snapshot, make_bin, make_item, make_po, make_supplier

SUPER_BADGE, SUPER_PIN = "BADGE-S1", "2468"
WORKER_BADGE, WORKER_PIN = "BADGE-W1", "1357"


@pytest.fixture
def over(app: Any) -> SimpleNamespace:
    """An open PO for 10 of an item (tolerance 0%): receiving 11 is an over-receipt."""
    app.config["SCANFLOOR_SETTINGS"].signin_max_failures = 3
    boss = create_user(username="sam", role="supervisor", badge=SUPER_BADGE, pin=SUPER_PIN)
    create_user(username="wren", role="worker", badge=WORKER_BADGE, pin=WORKER_PIN)
    item = make_item()
    make_bin("DOCK-1", type="dock")
    po = make_po(make_supplier(), [(item, 10)])
    return SimpleNamespace(
        boss=boss, item=item, po=po, url=f"/api/v1/purchase-orders/{po.id}/receive"
    )


def _body(over: SimpleNamespace, quantity: int, **extra: Any) -> dict[str, Any]:
    return {"item_id": over.item.id, "quantity": quantity, "to_location": "DOCK-1", **extra}


def _failed_approvals(username: str) -> int:
    db.session.rollback()
    failed = select(AuthEvent).join(User, User.id == AuthEvent.user_id)
    failed = failed.where(User.username == username, AuthEvent.kind == "sign_in_failed")
    return len(db.session.scalars(failed).all())


def test_over_receipt_without_approval_is_refused_and_changes_nothing(client, auth, over):
    ledger = ledger_snapshot()
    r = client.post(over.url, headers=auth("worker"), json=_body(over, 11))
    assert r.status_code == 409
    err = r.get_json()["error"]
    assert err["code"] == "over_receipt"
    assert (err["details"]["ordered"], err["details"]["allowed"]) == (10, 10)
    assert ledger_snapshot() == ledger


def test_a_workers_badge_cannot_approve_an_over_receipt(client, auth, over):
    ledger = ledger_snapshot()
    body = _body(over, 11, approval={"badge": WORKER_BADGE, "pin": WORKER_PIN})
    r = client.post(over.url, headers=auth("worker"), json=body)
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "approval_refused"
    assert r.get_json()["error"]["details"]["approver_role"] == "worker"
    assert ledger_snapshot() == ledger


def test_a_supervisors_badge_approves_an_over_receipt_on_the_spot(client, auth, over):
    body = _body(over, 11, approval={"badge": SUPER_BADGE, "pin": SUPER_PIN})
    r = client.post(over.url, headers={**auth("worker"), "Idempotency-Key": "ok-1"}, json=body)
    assert r.status_code == 201, r.get_json()
    answer = r.get_json()
    assert answer["receipt_line"]["approved_by"] == over.boss.id
    assert answer["receipt_line"]["variance"] == 1
    assert answer["po_line"]["received"] == 11
    assert [w["code"] for w in answer["warnings"]] == ["over_receipt_approved"]
    receipts = client.get(
        f"/api/v1/purchase-orders/{over.po.id}/receipts", headers=auth("manager")
    ).get_json()["receipts"]
    assert receipts[0]["lines"][0]["approved_by"]["username"] == "sam"


def test_a_wrong_approval_pin_is_refused_and_counts_toward_the_badges_throttle(client, auth, over):
    # Was: the 3rd wrong PIN locked the badge in the users table (403 badge_locked); badges
    # are now throttled like sign-in (429 too_many_attempts, Retry-After), issue 12.
    ledger = ledger_snapshot()
    for n in (1, 2, 3):
        body = _body(over, 11, approval={"badge": SUPER_BADGE, "pin": f"000{n}"})
        headers = {**auth("worker"), "Idempotency-Key": f"wrong-pin-{n}"}
        r = client.post(over.url, headers=headers, json=body)
        assert r.status_code == 403, r.get_json()
        assert r.get_json()["error"]["code"] == "approval_refused"
    assert _failed_approvals("sam") == 3
    r = client.post(
        over.url,
        headers=auth("worker"),
        json=_body(over, 11, approval={"badge": SUPER_BADGE, "pin": SUPER_PIN}),
    )
    assert r.status_code == 429
    assert r.get_json()["error"]["code"] == "too_many_attempts"
    assert int(r.headers["Retry-After"]) >= 1
    assert ledger_snapshot() == ledger


def test_an_approval_that_is_not_needed_changes_nothing_about_the_receipt(client, auth, over):
    body = _body(over, 1, approval={"badge": SUPER_BADGE, "pin": SUPER_PIN})
    po = make_po(make_supplier(), [(over.item, 5)])
    r = client.post(f"/api/v1/purchase-orders/{po.id}/receive", headers=auth("worker"), json=body)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["receipt_line"]["approved_by"] is None
    assert r.get_json()["warnings"] == []
