"""Read-only reports for the console: lines waiting for stock by age, and the webhook
delivery log. Core statements, no writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, cast, literal, select

from ..catalog.models import Item
from ..errors import NotFound
from ..extensions import db
from ..outbox.models import OutboxAttempt, OutboxMessage
from ..timeutil import as_utc, utcnow
from .models import Channel, Order, OrderLine
from .rules import WAITING
from .signing import webhook_kind
from .webhooks import destination

MAX_ROWS = 1000

_O, _L, _C, _I = Order.__table__, OrderLine.__table__, Channel.__table__, Item.__table__
_E, _D = OutboxMessage.__table__, OutboxAttempt.__table__
# A channel's webhooks go to the outbox destination 'channel:<id>'.
_CHANNEL_DESTINATION = literal("channel:") + cast(_C.c.id, String)


@dataclass(frozen=True)
class BackorderLine:
    order_id: int
    external_id: str
    channel: str
    line_id: int
    line_no: int
    sku: str
    quantity: int
    held: int  # reserved + consumed
    waiting: int
    status: str
    promised_ship_date: date | None
    ordered_at: datetime
    age_minutes: int


def _channel_id(code: str) -> int:
    found = db.session.connection().scalar(select(_C.c.id).where(_C.c.code == code.strip().upper()))
    if found is None:
        raise NotFound("channel not found", {"channel": code})
    return int(found)


def backorders(channel: str | None = None, limit: int = 200) -> list[BackorderLine]:
    """Order lines still waiting for units, oldest order first."""
    q = (
        select(
            _O.c.id,
            _O.c.external_id,
            _C.c.code,
            _L.c.id,
            _L.c.line_no,
            _I.c.sku,
            _L.c.quantity,
            _L.c.reserved_qty,
            _L.c.consumed_qty,
            _L.c.status,
            _L.c.promised_ship_date,
            _O.c.ordered_at,
        )
        .join(_O, _O.c.id == _L.c.order_id)
        .join(_C, _C.c.id == _O.c.channel_id)
        .join(_I, _I.c.id == _L.c.item_id)
        .where(_L.c.status.in_(WAITING))
        .order_by(_O.c.ordered_at, _O.c.id, _L.c.id)
        .limit(min(max(limit, 1), MAX_ROWS))
    )
    if channel:
        q = q.where(_O.c.channel_id == _channel_id(channel))
    now = utcnow()
    out = []
    for r in db.session.connection().execute(q):
        held = r[7] + r[8]
        ordered_at = as_utc(r[11])
        age = max(0, int((now - ordered_at).total_seconds() // 60))
        out.append(
            BackorderLine(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], held, r[6] - held, r[9], r[10],
                ordered_at, age,
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class DeliveryAttempt:
    id: int
    event_id: int
    channel: str
    kind: str
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    delivered: bool  # the event has been delivered (by this or a later attempt)
    attempts: int  # attempts the event has had so far


def webhook_deliveries(channel: str | None = None, limit: int = 200) -> list[DeliveryAttempt]:
    """Webhook delivery attempts (outbox attempts to channels), newest first."""
    q = (
        select(
            _D.c.id,
            _D.c.message_id,
            _C.c.code,
            _E.c.topic,
            _D.c.attempted_at,
            _D.c.status_code,
            _D.c.error,
            _D.c.duration_ms,
            _E.c.delivered_at,
            _E.c.attempts,
        )
        .join(_E, _E.c.id == _D.c.message_id)
        .join(_C, _E.c.destination == _CHANNEL_DESTINATION)
        .order_by(_D.c.id.desc())
        .limit(min(max(limit, 1), MAX_ROWS))
    )
    if channel:
        q = q.where(_E.c.destination == destination(_channel_id(channel)))
    return [
        DeliveryAttempt(
            r[0], r[1], r[2], webhook_kind(r[3]), as_utc(r[4]), r[5], r[6], r[7],
            r[8] is not None, r[9],
        )
        for r in db.session.connection().execute(q)
    ]  # fmt: skip
