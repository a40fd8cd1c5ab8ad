"""Scanners receiving the same PO line at once never pass ordered + tolerance.

Each thread sends real requests through its own test client (its own app context, session and
connection, as in the server), released together by a barrier. On PostgreSQL the PO and line
rows are locked (SELECT ... FOR UPDATE); on SQLite, BEGIN IMMEDIATE serialises writers.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from scanfloor.ledger.verify import verify_ledger
from scanfloor.purchasing.models import PurchaseOrderLine
from tests.factories import make_bin, make_item, make_po, make_supplier

THREADS = 12
EACH = 3


def _race(app: Any, url: str, headers: dict[str, str], body: dict[str, Any]) -> list[Any]:
    barrier = threading.Barrier(THREADS)
    answers: list[Any] = []
    guard = threading.Lock()

    def run(i: int) -> None:
        client = app.test_client()
        try:
            barrier.wait(timeout=60)
            r = client.post(url, headers={**headers, "Idempotency-Key": f"race-{i}"}, json=body)
            answer: Any = (r.status_code, (r.get_json() or {}).get("error", {}).get("code"))
        except BaseException as exc:  # reported by the assertion below, not swallowed
            answer = exc
        with guard:
            answers.append(answer)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


@pytest.mark.slow
@pytest.mark.parametrize(("tolerance", "accepted"), [("0", 6), ("10", 7)])
def test_racing_scanners_never_receive_more_than_ordered_plus_tolerance(
    app, auth, tolerance, accepted
):
    item = make_item()
    make_bin("DOCK-1", type="dock")
    po = make_po(make_supplier(tolerance=tolerance), [(item, 20)])
    headers = auth("worker")
    answers = _race(
        app,
        f"/api/v1/purchase-orders/{po.id}/receive",
        headers,
        {"item_id": item.id, "quantity": EACH, "to_location": "DOCK-1"},
    )
    outcome = Counter(answers)
    assert outcome == {(201, None): accepted, (409, "over_receipt"): THREADS - accepted}, answers
    db.session.rollback()
    received = db.session.scalar(select(PurchaseOrderLine.received))
    moved = db.session.scalar(
        select(func.sum(Movement.quantity)).where(Movement.source_id == str(po.id))
    )
    assert received == moved == accepted * EACH
    assert verify_ledger().clean
