"""Migration 0005 carries allocation's webhook outbox into the one outbox: every event
becomes a message for `channel:<id>` with the same id (the delivery id a channel has seen),
its topic named the new way, delivered if it was, and the delivery log comes along."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.outbox.service import enqueue

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
T0 = datetime(2026, 11, 30, 12, 0, 0)
T1 = datetime(2026, 11, 30, 12, 0, 5)


def _table(name: str, *cols: str, **typed: Any) -> sa.TableClause:
    return sa.table(
        name, *(sa.column(c) for c in cols), *(sa.column(c, t) for c, t in typed.items())
    )


CHANNELS = _table(
    "channels", "id", "code", "kind", "name", "priority", "safety_buffer",
    "allow_partial_shipment", "min_shelf_life_days", "active", created_at=sa.DateTime(),
)  # fmt: skip
EVENTS = _table(
    "outbox_events", "id", "channel_id", "kind", "attempts", "last_error",
    payload=sa.JSON(), created_at=sa.DateTime(), delivered_at=sa.DateTime(),
    next_attempt_at=sa.DateTime(),
)  # fmt: skip
DELIVERIES = _table(
    "webhook_deliveries", "id", "event_id", "status_code", "error", "duration_ms",
    attempted_at=sa.DateTime(),
)  # fmt: skip


def _channel(cid: int, code: str) -> dict[str, Any]:
    return {
        "id": cid, "code": code, "kind": "web", "name": code, "priority": 0,
        "safety_buffer": 0, "allow_partial_shipment": True, "min_shelf_life_days": 0,
        "active": True, "created_at": T0,
    }  # fmt: skip


def _event(eid: int, cid: int, kind: str, delivered: bool, attempts: int) -> dict[str, Any]:
    return {
        "id": eid, "channel_id": cid, "kind": kind, "payload": {"order_id": eid},
        "created_at": T0, "delivered_at": T1 if delivered else None, "attempts": attempts,
        "next_attempt_at": T1, "last_error": None if delivered else "connection refused",
    }  # fmt: skip


def test_upgrading_to_0005_carries_every_webhook_event_and_attempt_into_the_outbox(empty_url):
    app = create_app(Settings(mode="test", database_url=empty_url), SCANFLOOR_OUTBOX_KICK=False)
    with app.app_context():
        try:
            upgrade(directory=MIGRATIONS, revision="0004")
            with db.engine.begin() as conn:
                conn.execute(CHANNELS.insert(), [_channel(3, "WEB"), _channel(7, "MKT")])
                conn.execute(
                    EVENTS.insert(),
                    [
                        _event(41, 3, "order_status", True, 2),
                        _event(42, 3, "ats_changed", False, 1),
                        _event(43, 7, "order_status", False, 0),
                    ],
                )
                conn.execute(
                    DELIVERIES.insert(),
                    [
                        {"id": 5, "event_id": 41, "status_code": None, "error": "refused",
                         "duration_ms": 3, "attempted_at": T0},
                        {"id": 6, "event_id": 41, "status_code": 204, "error": None,
                         "duration_ms": 9, "attempted_at": T1},
                        {"id": 8, "event_id": 42, "status_code": 500, "error": "HTTP 500",
                         "duration_ms": 4, "attempted_at": T1},
                    ],
                )  # fmt: skip

            upgrade(directory=MIGRATIONS, revision="0005")
            with db.engine.connect() as conn:
                names = set(sa.inspect(conn).get_table_names())
                assert "outbox_events" not in names and "webhook_deliveries" not in names
                messages = conn.execute(
                    sa.text(
                        "SELECT id, topic, destination, state, attempts, last_error,"
                        " delivered_at IS NOT NULL FROM outbox_messages ORDER BY id"
                    )
                ).all()
                payloads = conn.execute(
                    sa.select(sa.column("payload", sa.JSON())).select_from(
                        sa.table("outbox_messages")
                    )
                ).scalars()
                assert sorted(p["order_id"] for p in payloads) == [41, 42, 43]
                attempts = conn.execute(
                    sa.text(
                        "SELECT id, message_id, status_code, error, duration_ms"
                        " FROM outbox_attempts ORDER BY id"
                    )
                ).all()
            assert [tuple(m) for m in messages] == [
                (41, "order.status", "channel:3", "delivered", 2, None, True),
                (42, "ats.changed", "channel:3", "pending", 1, "connection refused", False),
                (43, "order.status", "channel:7", "pending", 0, "connection refused", False),
            ]
            assert [tuple(a) for a in attempts] == [
                (5, 41, None, "refused", 3),
                (6, 41, 204, None, 9),
                (8, 42, 500, "HTTP 500", 4),
            ]

            # New messages number on after the carried ones (PostgreSQL's sequence moved).
            with write_transaction():
                enqueue(db.session.connection(), "order.status", "channel:3", {"order_id": 1})
            new_id = db.session.scalar(sa.text("SELECT MAX(id) FROM outbox_messages"))
            assert new_id is not None and new_id > 43
            db.session.remove()

            # And back: the channel webhooks return to the old tables.
            downgrade(directory=MIGRATIONS, revision="0004")
            with db.engine.connect() as conn:
                back = conn.execute(
                    sa.text("SELECT id, channel_id, kind FROM outbox_events ORDER BY id")
                ).all()
                log = conn.execute(sa.text("SELECT COUNT(*) FROM webhook_deliveries")).scalar()
            assert [tuple(b) for b in back] == [
                (41, 3, "order_status"),
                (42, 3, "ats_changed"),
                (43, 7, "order_status"),
                (new_id, 3, "order_status"),
            ]
            assert log == 3
        finally:
            db.session.remove()
            db.engine.dispose()
