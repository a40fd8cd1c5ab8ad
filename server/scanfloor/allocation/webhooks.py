"""Channel webhooks: the outbox consumer for destinations `channel:<id>`.

Messages are written by allocation in the transaction that made the change (order statuses
with the status change, ATS changes by ats_feed._write_feed) and handed here by the outbox
dispatcher, with no transaction open. The body and headers are what channels have always
received: {"id", "kind", "channel", "data"}, signed (Scanfloor-Signature), with the event
kind in Scanfloor-Event and the outbox message id in Scanfloor-Delivery, the same id on
every attempt, so a receiver deduplicates on it (delivery is at least once).

The URL is checked again at every delivery (webhook_url_rules.py, webhook_http.py): a URL
saved before the policy, or a name that now resolves to an internal address, is refused and
recorded as a failed attempt; nothing is sent to it.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import bindparam, select

from ..extensions import db
from ..outbox.consumers import Message, Outcome, register
from .models import Channel
from .signing import HEADER, signature, webhook_kind
from .webhook_http import loopback_allowed, post

TIMEOUT_S = 5.0
KIND = "channel"
_C = Channel.__table__
_CHANNEL = select(_C.c.code, _C.c.webhook_url, _C.c.webhook_secret).where(
    _C.c.id == bindparam("id")
)


def destination(channel_id: int) -> str:
    return f"{KIND}:{channel_id}"


def _body(msg: Message, channel_id: int, code: str) -> bytes:
    payload = dict(msg.payload)
    kind = webhook_kind(msg.topic)
    if kind == "ats_changed":
        # Values are read at sending time: a late delivery carries today's numbers.
        from .ats import channel_ats_of

        ids = payload.get("item_ids")
        payload["full"] = ids is None  # every item may have changed: take a snapshot
        payload["items"] = channel_ats_of(channel_id, ids)
    doc = {"id": msg.id, "kind": kind, "channel": code, "data": payload}
    return json.dumps(doc, separators=(",", ":"), default=str).encode()


def _send(
    url: str, secret: str, msg: Message, body: bytes, timeout: float, allow_loopback: bool
) -> tuple[int | None, str | None]:
    headers = {
        "Content-Type": "application/json",
        HEADER: signature(secret, int(time.time()), body),
        "Scanfloor-Event": webhook_kind(msg.topic),
        "Scanfloor-Delivery": str(msg.id),
    }
    return post(url, body, headers, timeout, allow_loopback=allow_loopback)


def deliver_to_channel(msg: Message, seconds: float) -> Outcome:
    """POST one message to its channel's webhook URL; 2xx is delivered."""
    channel_id = int(msg.target)
    row: Any = db.session.connection().execute(_CHANNEL, {"id": channel_id}).first()
    if row is None:
        return Outcome(error="channel not found")
    if not row.webhook_url:
        return Outcome(error="channel has no webhook_url")
    body = _body(msg, channel_id, row.code)
    db.session.rollback()  # no transaction held open across the network call
    status, error = _send(
        row.webhook_url,
        row.webhook_secret or "",
        msg,
        body,
        min(TIMEOUT_S, seconds),
        loopback_allowed(),
    )
    return Outcome(error=error, status_code=status)


register(KIND, deliver_to_channel)
