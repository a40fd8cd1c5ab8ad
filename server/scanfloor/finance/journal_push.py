"""Journal entries pushed to an external accounting system through the outbox
(docs/decisions/0010), and the outbox consumer for destination `accounting:journal`.

Policy:
- With SCANFLOOR_ACCOUNTING_URL set, every journal entry written (a posting's entries by
  book_sql._write_entries, a document's by adjust_service.write_document_entry) is enqueued
  in the SAME transaction as one `journal_entry.created` message: the entry is pushed if and
  only if it exists. A refused posting or document leaves neither entry nor message. All the
  entries of one posting go in one INSERT. With the URL unset nothing is enqueued and the
  hook costs one config lookup (postings are hot); entries written while it was unset are
  not pushed later (the journal CSV export covers them).
- One destination for the whole journal: the outbox delivers its messages in entry order,
  and a failure holds the entries behind it until its retry (backoff and dead letters are
  the outbox's). Delivery is at least once: the body carries `idempotency_key`
  "journal_entry:<id>" (also the Idempotency-Key header), the same on every attempt and for
  the entry's whole life, so the receiver books each entry once.
- The body is the payload as JSON: {"event", "idempotency_key", "entry": {id, date, period,
  kind, source_type, source_id, posting_id, movement_id, reverses_entry_id, memo, currency,
  lines: [{account_code, account_name, warehouse (code or null), debit, credit}]}}; amounts
  are decimal text in the currency's minor units, "0.00" on the side a line does not use.
- Sent as a channel webhook is (allocation/webhook_http.py: the URL policy checked again at
  every delivery, loopback only where SCANFLOOR_WEBHOOK_ALLOW_LOOPBACK allows it, no
  redirects, one deadline), signed with SCANFLOOR_ACCOUNTING_SECRET the same way
  (allocation/signing.py: Scanfloor-Signature t=..,v1=HMAC-SHA256), with Scanfloor-Event
  journal_entry_created and the outbox message id in Scanfloor-Delivery. The URL and secret
  are read at delivery: unset by then, the attempt fails and the message waits, visible.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..allocation.signing import HEADER, signature, webhook_kind
from ..allocation.webhook_http import loopback_allowed, post
from ..catalog.models import Location
from ..database import after_commit, in_write_transaction
from ..extensions import db
from ..outbox.consumers import Message, Outcome, register
from ..outbox.models import OutboxMessage
from ..outbox.rules import PENDING
from ..outbox.service import kick
from ..timeutil import utcnow
from .journal_models import JournalEntry, JournalLine
from .models import Account
from .money import quantum

KIND = "accounting"
DESTINATION = f"{KIND}:journal"
TOPIC = "journal_entry.created"
URL = "SCANFLOOR_ACCOUNTING_URL"
SECRET = "SCANFLOOR_ACCOUNTING_SECRET"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TIMEOUT_S = 5.0
_KICKED = "scanfloor.journal_push_kicked"
_JE, _JL, _A, _L = (
    JournalEntry.__table__,
    JournalLine.__table__,
    Account.__table__,
    Location.__table__,
)
_M = OutboxMessage.__table__
# Built once (PERFORMANCE.md): they run inside postings.
_ENTRIES = (
    select(_JE.c.id, _JE.c.entry_date, _JE.c.period, _JE.c.kind, _JE.c.source_type,
           _JE.c.source_id, _JE.c.posting_id, _JE.c.movement_id, _JE.c.reverses_entry_id,
           _JE.c.memo)
    .where(_JE.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_JE.c.id)
)  # fmt: skip
_LINES = (
    select(_JL.c.entry_id, _A.c.code, _A.c.name, _L.c.code.label("warehouse"), _JL.c.debit,
           _JL.c.credit)
    .select_from(_JL.join(_A, _A.c.id == _JL.c.account_id)
                 .outerjoin(_L, _L.c.id == _JL.c.warehouse_id))
    .where(_JL.c.entry_id.in_(bindparam("ids", expanding=True)))
    .order_by(_JL.c.entry_id, _JL.c.id)
)  # fmt: skip
_INSERT = _M.insert().values(
    topic=TOPIC,
    destination=DESTINATION,
    payload=bindparam("payload"),
    state=PENDING,
    attempts=0,
    next_attempt_at=bindparam("now"),
    created_at=bindparam("now"),
)


def idempotency_key(entry_id: int) -> str:
    """What a receiver deduplicates on: one per entry, the same on every delivery."""
    return f"journal_entry:{entry_id}"


def _amount(value: Any, q: Decimal) -> str:
    # SQLite hands NUMERIC back through float: exact once re-quantized to the minor units.
    return format(Decimal(str(value)).quantize(q), "f")


def entry_payload(entry: Any, lines: Sequence[Any], currency: str) -> dict[str, Any]:
    """The message of one entry (module docstring) from its row and its lines' rows."""
    q = quantum(currency)
    return {
        "event": TOPIC,
        "idempotency_key": idempotency_key(int(entry.id)),
        "entry": {
            "id": int(entry.id),
            "date": entry.entry_date.isoformat(),
            "period": str(entry.period),
            "kind": str(entry.kind),
            "source_type": entry.source_type,
            "source_id": entry.source_id,
            "posting_id": entry.posting_id,
            "movement_id": entry.movement_id,
            "reverses_entry_id": entry.reverses_entry_id,
            "memo": str(entry.memo or ""),
            "currency": currency,
            "lines": [_line(ln, q) for ln in lines],
        },
    }


def _line(ln: Any, q: Decimal) -> dict[str, Any]:
    return {
        "account_code": str(ln.code),
        "account_name": str(ln.name),
        "warehouse": ln.warehouse,
        "debit": _amount(ln.debit, q),
        "credit": _amount(ln.credit, q),
    }


def enqueue_entries(conn: Connection, entry_ids: Sequence[int]) -> None:
    """In the caller's transaction: one message per entry, in one INSERT (module docstring).
    Nothing (one config lookup) when SCANFLOOR_ACCOUNTING_URL is unset."""
    config = current_app.config
    if not config.get(URL) or not entry_ids:
        return
    ids = sorted({int(i) for i in entry_ids})
    lines: dict[int, list[Any]] = {i: [] for i in ids}
    for ln in conn.execute(_LINES, {"ids": ids}):
        lines[int(ln.entry_id)].append(ln)
    currency = str(config.get("SCANFLOOR_CURRENCY") or "EUR")
    now = utcnow()
    rows = [
        {"payload": entry_payload(e, lines[int(e.id)], currency), "now": now}
        for e in conn.execute(_ENTRIES, {"ids": ids})
    ]
    if not rows:
        return
    if in_write_transaction():
        tx = conn.get_transaction()
        if conn.info.get(_KICKED) is not tx:  # one kick per transaction
            conn.info[_KICKED] = tx
            after_commit(kick)
    conn.execute(_INSERT, rows)


def deliver_to_accounting(msg: Message, seconds: float) -> Outcome:
    """POST one entry to SCANFLOOR_ACCOUNTING_URL, signed; a 2xx answer is delivered."""
    config = current_app.config
    url = str(config.get(URL) or "")
    if not url:
        return Outcome(error=f"{URL} is not set: the entry waits until it is")
    body = json.dumps(msg.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        HEADER: signature(str(config.get(SECRET) or ""), int(time.time()), body),
        "Scanfloor-Event": webhook_kind(msg.topic),
        "Scanfloor-Delivery": str(msg.id),
        IDEMPOTENCY_HEADER: str(msg.payload.get("idempotency_key", "")),
    }
    db.session.rollback()  # no transaction held open across the network call
    status, error = post(
        url, body, headers, min(TIMEOUT_S, seconds), allow_loopback=loopback_allowed()
    )
    return Outcome(error=error, status_code=status)


register(KIND, deliver_to_accounting)
