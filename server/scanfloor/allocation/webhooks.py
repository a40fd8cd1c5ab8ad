"""Delivering the webhook outbox: after commit, off the request thread, with retries.

Outbox rows are written in the transaction that made the change (order statuses by the
allocation writes, ATS changes by ats_feed._write_feed). Delivery claims due rows in a short
transaction (SKIP LOCKED on PostgreSQL; the claim pushes next_attempt_at out by a lease so
another dispatcher leaves them alone), sends them with no transaction open, then records
each attempt in the delivery log. A dead or slow endpoint costs a background thread a
timeout, never a request or a scan.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import select, update

from ..database import write_transaction
from ..extensions import db
from ..timeutil import utcnow
from .models import Channel, OutboxEvent, WebhookDelivery
from .signing import HEADER, retry_after, signature

log = logging.getLogger(__name__)
TIMEOUT_S = 5
LEASE = timedelta(seconds=60)
BATCH = 50
_O = OutboxEvent.__table__
_C = Channel.__table__
_running = threading.Lock()


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    channel_id: int
    channel: str
    url: str
    secret: str


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int


def _claim(now: datetime, limit: int) -> list[Claimed]:
    with write_transaction():
        conn = db.session.connection()
        q = (
            select(_O.c.id, _O.c.kind, _O.c.payload, _O.c.attempts, _O.c.channel_id)
            .where(_O.c.delivered_at.is_(None), _O.c.next_attempt_at <= now)
            .order_by(_O.c.id)
            .limit(limit)
        )
        if conn.dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        rows = conn.execute(q).all()
        if not rows:
            return []
        channels = {
            r.id: r
            for r in conn.execute(
                select(_C.c.id, _C.c.code, _C.c.webhook_url, _C.c.webhook_secret).where(
                    _C.c.id.in_({r.channel_id for r in rows})
                )
            )
        }
        conn.execute(
            update(_O)
            .where(_O.c.id.in_([r.id for r in rows]))
            .values(attempts=_O.c.attempts + 1, next_attempt_at=now + LEASE)
        )
        return [
            Claimed(
                r.id,
                r.kind,
                r.payload,
                r.attempts + 1,
                r.channel_id,
                channels[r.channel_id].code,
                channels[r.channel_id].webhook_url or "",
                channels[r.channel_id].webhook_secret or "",
            )
            for r in rows
        ]


def _body(ev: Claimed) -> bytes:
    payload = dict(ev.payload)
    if ev.kind == "ats_changed":
        # Values are read at sending time: a late delivery carries today's numbers.
        from .ats import channel_ats_of

        ids = payload.get("item_ids")
        payload["full"] = ids is None  # every item may have changed: take a snapshot
        payload["items"] = channel_ats_of(ev.channel_id, ids)
        db.session.commit()
    doc = {"id": ev.id, "kind": ev.kind, "channel": ev.channel, "data": payload}
    return json.dumps(doc, separators=(",", ":"), default=str).encode()


def _send(ev: Claimed, body: bytes) -> tuple[int | None, str | None]:
    if not ev.url:
        return None, "channel has no webhook_url"
    req = urllib.request.Request(ev.url, data=body, method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header(HEADER, signature(ev.secret, int(time.time()), body))
    req.add_header("Scanfloor-Event", ev.kind)
    req.add_header("Scanfloor-Delivery", str(ev.id))
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            return int(resp.status), None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]


def deliver_due(limit: int = BATCH) -> DeliveryReport:
    """Send every due outbox event once; failures wait for their next attempt."""
    sent = failed = 0
    for ev in _claim(utcnow(), limit):
        start = time.perf_counter()
        status, error = _send(ev, _body(ev))
        ms = int((time.perf_counter() - start) * 1000)
        ok = status is not None and 200 <= status < 300
        with write_transaction():
            now = utcnow()
            db.session.add(
                WebhookDelivery(
                    event_id=ev.id,
                    attempted_at=now,
                    status_code=status,
                    error=error,
                    duration_ms=ms,
                )
            )
            values: dict[str, Any] = (
                {"delivered_at": now, "last_error": None}
                if ok
                else {
                    "next_attempt_at": now + timedelta(seconds=retry_after(ev.attempts)),
                    "last_error": error,
                }
            )
            db.session.execute(update(_O).where(_O.c.id == ev.id).values(**values))
        sent, failed = sent + ok, failed + (not ok)
    return DeliveryReport(sent, failed)


def kick() -> None:
    """After commit: deliver in a background thread (one per process at a time)."""
    if not has_app_context() or not current_app.config.get("SCANFLOOR_WEBHOOK_THREAD", True):
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if _running.locked():
        return
    threading.Thread(target=_deliver_in_background, args=(app,), daemon=True).start()


def _deliver_in_background(app: Flask) -> None:
    if not _running.acquire(blocking=False):
        return
    try:
        with app.app_context():
            try:
                deliver_due()
            except Exception:  # the outbox keeps the events; the next kick retries
                log.exception("webhook delivery failed")
            finally:
                db.session.remove()
    finally:
        _running.release()
