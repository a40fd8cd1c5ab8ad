"""What allocation writes besides reservations: order status transitions, the ATS change
feed and webhook outbox rows, all inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..database import after_commit, in_write_transaction
from ..extensions import db
from ..timeutil import utcnow
from .models import AtsChange, Channel, Order, OrderEvent, OrderLine, OutboxEvent

_EVENTS = OrderEvent.__table__
_ATS = AtsChange.__table__
_OUTBOX = OutboxEvent.__table__
_LINES = OrderLine.__table__
_ORDERS = Order.__table__

SYSTEM = "system:allocation"
_PENDING = "scanfloor.ats_pending"
_HOOKED = select(Channel.__table__.c.id).where(
    Channel.__table__.c.webhook_url.is_not(None), Channel.__table__.c.active.is_(True)
)
FEED_LOCK = 0x5CA7F100D  # advisory lock key: "the ATS feed"


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    label: str = SYSTEM

    @classmethod
    def user(cls, user_id: int | None) -> Actor:
        return cls(user_id, SYSTEM if user_id is None else f"user:{user_id}")


@dataclass(frozen=True)
class Transition:
    order_id: int
    line_id: int | None  # None: the order's own status
    from_status: str | None
    to_status: str
    note: str | None = None


def many(conn: Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> int:
    """executemany straight on the driver, for the batch's bulk writes (SQLAlchemy's
    per-row parameter handling costs more than SQLite's work there). `sql` uses ?
    placeholders; datetimes must be naive UTC, as UTCDateTime stores them."""
    if not rows:
        return 0
    if conn.dialect.name == "sqlite":
        rows = [tuple(_sqlite_value(v) for v in r) for r in rows]
    else:
        sql = sql.replace("?", "%s")
    return int(conn.exec_driver_sql(sql, rows).rowcount)


def _sqlite_value(v: Any) -> Any:
    # The format SQLAlchemy's SQLite DateTime writes and reads.
    return v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v


def naive(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now


def set_lines(conn: Connection, rows: Sequence[tuple[int, int, int, str]]) -> None:
    """(line_id, reserved_qty, consumed_qty, status) for each changed line."""
    many(
        conn,
        "UPDATE order_lines SET reserved_qty = ?, consumed_qty = ?, status = ? WHERE id = ?",
        [(r, c, s, i) for i, r, c, s in rows],
    )


def set_quantities(conn: Connection, rows: Sequence[tuple[int, int, int, int, str]]) -> None:
    """(line_id, quantity, reserved_qty, consumed_qty, status) for each changed line."""
    many(
        conn,
        "UPDATE order_lines SET quantity = ?, reserved_qty = ?, consumed_qty = ?, status = ?"
        " WHERE id = ?",
        [(q, r, c, s, i) for i, q, r, c, s in sorted(rows)],
    )


def set_orders(conn: Connection, rows: Sequence[tuple[int, str]], now: datetime) -> None:
    at = naive(now)
    many(
        conn,
        "UPDATE orders SET status = ?, updated_at = ? WHERE id = ?",
        [(s, at, i) for i, s in sorted(rows)],  # sorted: a fixed order for the row locks
    )


def record(
    conn: Connection, transitions: Iterable[Transition], actor: Actor, now: datetime
) -> None:
    at, uid, label = naive(now), actor.user_id, actor.label
    many(
        conn,
        "INSERT INTO order_events (order_id, order_line_id, at, actor_id, actor, from_status,"
        " to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (t.order_id, t.line_id, at, uid, label, t.from_status, t.to_status, t.note)
            for t in transitions
            if t.from_status != t.to_status
        ],
    )


def ats_changed(
    conn: Connection, item_ids: Iterable[int] | None, now: datetime, channel_id: int | None = None
) -> None:
    """Note that these items' ATS changed (None: every item of the channel, or of every
    channel). The feed row is written once, as the transaction commits (see _write_feed)."""
    ids = None if item_ids is None else set(item_ids)
    if ids is not None and not ids:
        return
    pending: dict[int | None, set[int] | None] = db.session.info.setdefault(_PENDING, {})
    if channel_id in pending and (pending[channel_id] is None or ids is None):
        pending[channel_id] = None
    elif ids is not None:
        pending.setdefault(channel_id, set()).update(ids)  # type: ignore[union-attr]
    else:
        pending[channel_id] = None


def _write_feed(session: Session) -> None:
    """before_commit: one feed row per channel scope for the whole transaction.

    On PostgreSQL a transaction-scoped advisory lock is taken first, so feed ids are handed
    out in commit order and a reader that sees id N has seen every id below it; the lock is
    held only from here to the commit. SQLite commits one writer at a time anyway.
    """
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK})
    now = utcnow()
    conn.execute(
        _ATS.insert(),
        [
            {
                "channel_id": ch,
                "item_ids": None if ids is None else sorted(ids),
                "created_at": now,
            }
            for ch, ids in pending.items()
        ],
    )
    hooked = list(conn.execute(_HOOKED))
    for (channel_id,) in hooked:
        mine = [ids for ch, ids in pending.items() if ch in (None, channel_id)]
        if mine:
            merged = None if any(ids is None for ids in mine) else sorted(set().union(*mine))
            queue_webhook(conn, channel_id, "ats_changed", {"item_ids": merged}, now)


def _forget_feed(session: Session, *_: object) -> None:
    session.info.pop(_PENDING, None)


event.listen(db.session, "before_commit", _write_feed)
event.listen(db.session, "after_rollback", _forget_feed)


def queue_webhook(
    conn: Connection, channel_id: int, kind: str, payload: dict[str, Any], now: datetime
) -> None:
    """An outbox row in this transaction; delivery starts once it commits."""
    if in_write_transaction():
        from .webhooks import kick

        after_commit(kick)
    conn.execute(
        _OUTBOX.insert(),
        {
            "channel_id": channel_id,
            "kind": kind,
            "payload": payload,
            "created_at": now,
            "delivered_at": None,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": None,
        },
    )
