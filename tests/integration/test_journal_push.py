"""Journal entries reach the accounting system (finance/journal_push.py): with
SCANFLOOR_ACCOUNTING_URL set, every entry a posting or a document writes is one outbox
message written in that same transaction (a refused one writes neither); the outbox POSTs it
signed to a real HTTP endpoint on 127.0.0.1, in entry order, retrying a failure with the same
idempotency key; with the URL unset nothing is enqueued. And the journal's `?entry=` filter."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.allocation.signing import HEADER, verify
from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.finance.journal_models import JournalEntry
from scanfloor.finance.journal_push import DESTINATION, TOPIC
from scanfloor.finance.periods_service import close_period
from scanfloor.outbox.dispatcher import dispatch_due
from scanfloor.outbox.models import OutboxMessage
from tests import finance_helpers as fh
from tests.e2e.conftest import free_port
from tests.factories import make_po, make_supplier, make_warehouse
from tests.outbox_helpers import states

SECRET = "accounting-push-secret-0123456789"
TODAY = datetime.now(UTC).date()
_M = OutboxMessage.__table__


class Ledger:
    """An accounting system's endpoint: records every POST, answers the next status queued
    (204 once the queue is empty)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.answers: list[int] = []
        self.received: list[tuple[dict[str, str], bytes]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.received.append((dict(self.headers.items()), body))
                self.send_response(endpoint.answers.pop(0) if endpoint.answers else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/journal"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ledger(app: Any) -> Any:
    app.config.update(
        SCANFLOOR_OUTBOX_KICK=False,
        SCANFLOOR_OUTBOX_RETRY_BASE_SECONDS=0.05,
        SCANFLOOR_OUTBOX_RETRY_CAP_SECONDS=0.2,
    )
    endpoint = Ledger()
    app.config.update(SCANFLOOR_ACCOUNTING_URL=endpoint.url, SCANFLOOR_ACCOUNTING_SECRET=SECRET)
    yield endpoint
    endpoint.stop()


def _pushed() -> list[dict[str, Any]]:
    """The accounting messages' payloads, oldest first (what is committed)."""
    db.session.rollback()
    return [
        dict(p)
        for p in db.session.scalars(
            select(_M.c.payload).where(_M.c.destination == DESTINATION).order_by(_M.c.id)
        )
    ]


def _message_ids() -> list[int]:
    db.session.rollback()
    q = select(_M.c.id).where(_M.c.destination == DESTINATION).order_by(_M.c.id)
    return [int(i) for i in db.session.scalars(q)]


def _entry_ids(**where: Any) -> list[int]:
    db.session.rollback()
    q = select(JournalEntry.id).filter_by(**where).order_by(JournalEntry.id)
    return [int(i) for i in db.session.scalars(q)]


def _received(client: Any, auth: Any, qty: int = 10, cost: str = "200") -> int:
    """A PO received in full at a dock through the API: the receipt's id."""
    wh = make_warehouse()
    dock = fh.make_bin_in(wh, type="dock")
    po = make_po(make_supplier(), [(fh.item(), qty, cost)])
    r = client.post(
        f"/api/v1/purchase-orders/{po.id}/receive",
        headers=auth("worker"),
        json={"line_id": po.lines[0].id, "quantity": qty, "to_location": dock.code},
    )
    assert r.status_code == 201, r.get_json()
    return int(r.get_json()["receipt_line"]["receipt_id"])


def _landed(client: Any, auth: Any, receipt: int, amount: str, on: Any = TODAY) -> Any:
    return client.post(
        "/api/v1/finance/landed-costs",
        headers=auth("finance"),
        json={"charge_kind": "freight", "basis": "value", "amount": amount,
              "receipt_ids": [receipt], "reference": "BL-7", "charge_date": on.isoformat()},
    )  # fmt: skip


def _balanced(entry: dict[str, Any]) -> bool:
    debit = sum(Decimal(ln["debit"]) for ln in entry["lines"])
    credit = sum(Decimal(ln["credit"]) for ln in entry["lines"])
    return debit == credit > 0


def test_a_receipt_and_a_landed_cost_each_enqueue_their_entries_with_them(
    app, client, auth, ledger
):
    receipt = _received(client, auth)
    entries = _entry_ids()
    assert len(entries) == 1
    [first] = _pushed()
    assert first["event"] == TOPIC
    assert first["idempotency_key"] == f"journal_entry:{entries[0]}"
    entry = first["entry"]
    assert (entry["id"], entry["kind"], entry["date"]) == (entries[0], "receipt", str(TODAY))
    assert entry["movement_id"] is not None and entry["posting_id"] is not None
    assert {(ln["account_code"], ln["debit"], ln["credit"]) for ln in entry["lines"]} == {
        ("1300", "2000.00", "0.00"),
        ("2100", "0.00", "2000.00"),
    }
    assert all(ln["warehouse"] for ln in entry["lines"] if ln["account_code"] == "1300")
    assert _balanced(entry) and entry["currency"] == "EUR"

    charge = _landed(client, auth, receipt, "250.00")
    assert charge.status_code == 201, charge.get_json()
    landed = charge.get_json()["entry_id"]
    [_, second] = _pushed()
    assert second["idempotency_key"] == f"journal_entry:{landed}"
    assert second["entry"]["kind"] == "landed_cost" and second["entry"]["movement_id"] is None
    assert {(ln["account_code"], ln["debit"], ln["credit"]) for ln in second["entry"]["lines"]} == {
        ("1300", "250.00", "0.00"),
        ("2300", "0.00", "250.00"),
    }


def test_an_entry_and_its_message_commit_or_roll_back_together(app, ledger):
    s = fh.site()
    it = fh.item()
    with pytest.raises(RuntimeError), write_transaction():
        fh.receive(it, s.bin, 3, "4.00")
        inside = db.session.connection().execute(
            select(_M.c.payload).where(_M.c.destination == DESTINATION)
        )
        assert len(list(inside)) == 1  # written with the entry, in its transaction
        raise RuntimeError("the caller's transaction fails after the posting")
    assert _pushed() == [] and _entry_ids() == []
    fh.receive(it, s.bin, 3, "4.00")
    assert [p["entry"]["id"] for p in _pushed()] == _entry_ids()


def test_a_refused_posting_or_charge_enqueues_nothing(app, client, auth, users, ledger):
    receipt = _received(client, auth, 2, "5")
    before = _pushed()
    close_period("2020-01", users["manager"].id)
    s = fh.site()
    r = client.post(
        "/api/v1/movements",
        headers=auth("manager"),
        json={"type": "receipt", "occurred_at": "2020-01-20T08:00:00Z",
              "lines": [{"item_id": fh.item().id, "quantity": 5, "from_location": "VENDOR",
                         "to_location": s.bin.code, "unit_cost": "2.00"}]},
    )  # fmt: skip
    assert r.status_code == 409, r.get_json()
    last_month_day = TODAY.replace(day=1) - timedelta(days=1)
    close_period(last_month_day.strftime("%Y-%m"), users["manager"].id)
    r = _landed(client, auth, receipt, "10.00", on=last_month_day)
    assert r.status_code == 409, r.get_json()
    assert _pushed() == before


def test_the_entry_is_posted_signed_and_a_500_is_retried_with_the_same_idempotency_key(
    app, client, auth, ledger
):
    receipt = _received(client, auth)
    assert _landed(client, auth, receipt, "100.00").status_code == 201
    first, second = _message_ids()
    payloads = _pushed()
    ledger.answers = [500]

    dispatch_due()
    assert states()[first] == ("pending", 1)
    assert states()[second] == ("pending", 0)  # waits behind the failed one: entry order
    assert len(ledger.received) == 1

    deadline = time.monotonic() + 10
    while states()[second][0] == "pending":
        assert time.monotonic() < deadline, states()
        if dispatch_due().claimed == 0:
            time.sleep(0.05)
    assert (states()[first], states()[second]) == (("delivered", 2), ("delivered", 1))
    assert len(ledger.received) == 3
    (h1, b1), (h2, b2), (h3, b3) = ledger.received
    now = int(time.time())
    for headers, body in ledger.received:
        assert headers["Content-Type"] == "application/json"
        assert headers["Scanfloor-Event"] == "journal_entry_created"
        assert verify(SECRET, headers[HEADER], body, now)
        assert not verify(SECRET + "-other", headers[HEADER], body, now)
        assert _balanced(json.loads(body)["entry"])
    # The retry is the same delivery of the same entry: a receiver books it once.
    assert b1 == b2 and json.loads(b1) == payloads[0]
    assert h1["Idempotency-Key"] == h2["Idempotency-Key"] == payloads[0]["idempotency_key"]
    assert h1["Scanfloor-Delivery"] == h2["Scanfloor-Delivery"] == str(first)
    assert json.loads(b3) == payloads[1]
    assert h3["Idempotency-Key"] == payloads[1]["idempotency_key"]


def test_with_no_accounting_url_nothing_is_enqueued(app, client, auth):
    assert not app.config.get("SCANFLOOR_ACCOUNTING_URL")
    receipt = _received(client, auth)
    assert _landed(client, auth, receipt, "50.00").status_code == 201
    assert len(_entry_ids()) == 2
    assert _pushed() == []


def test_an_accounting_url_unset_at_delivery_keeps_the_entry_waiting(app, client, auth, ledger):
    _received(client, auth)
    [msg] = _message_ids()
    app.config.update(SCANFLOOR_ACCOUNTING_URL="")
    dispatch_due()
    assert states()[msg] == ("pending", 1)
    assert ledger.received == []


def test_the_journal_shows_one_entry_by_id_and_its_csv_too(app, client, auth):
    receipt = _received(client, auth)
    assert _landed(client, auth, receipt, "30.00").status_code == 201
    receipt_entry, landed_entry = _entry_ids()
    h = auth("manager")

    body = client.get(f"/api/v1/finance/journal?entry={receipt_entry}", headers=h).get_json()
    assert [e["id"] for e in body["entries"]] == [receipt_entry]
    assert body["next_cursor"] is None
    body = client.get(
        f"/api/v1/finance/journal?entry={landed_entry}&period={TODAY:%Y-%m}", headers=h
    ).get_json()
    assert [e["id"] for e in body["entries"]] == [landed_entry]
    body = client.get(f"/api/v1/finance/journal?entry={landed_entry + 100}", headers=h)
    assert body.status_code == 200 and body.get_json()["entries"] == []

    r = client.get(f"/api/v1/finance/journal.csv?entry={landed_entry}", headers=h)
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert {row["entry_id"] for row in rows} == {str(landed_entry)} and len(rows) == 2

    bad = client.get("/api/v1/finance/journal?entry=first", headers=h)
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_failed"
