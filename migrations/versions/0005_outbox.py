"""one outbox for every context: outbox_messages and outbox_attempts replace allocation's
outbox_events and webhook_deliveries (rows carried over with their ids, so the delivery id a
channel has seen stays the same)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

import scanfloor.dbtypes

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _reset_sequence(table: str) -> None:
    """PostgreSQL: rows were copied with their ids; the next id must come after them."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
        )


def upgrade():
    op.create_table(
        "outbox_messages",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("destination", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("claimed_until", scanfloor.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", scanfloor.dbtypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending','delivered','dead')", name=op.f("ck_outbox_messages_state")
        ),
        sa.CheckConstraint(
            "attempts >= 0", name=op.f("ck_outbox_messages_attempts_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_messages_state_destination", ["state", "destination", "id"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_messages_state_due", ["state", "next_attempt_at"], unique=False
        )
    op.create_table(
        "outbox_attempts",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("message_id", _BIGID, nullable=False),
        sa.Column("attempted_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_outbox_attempts_message_id_outbox_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attempts")),
    )
    with op.batch_alter_table("outbox_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_attempts_message_id"), ["message_id"], unique=False
        )

    # Carry allocation's webhook outbox forward: one destination per channel, topics named
    # the new way, delivered rows delivered, the rest pending as they were.
    op.execute(
        "INSERT INTO outbox_messages (id, topic, destination, payload, state, attempts,"
        " next_attempt_at, claimed_until, claimed_by, last_error, created_at, delivered_at)"
        " SELECT id,"
        " CASE kind WHEN 'order_status' THEN 'order.status'"
        " WHEN 'ats_changed' THEN 'ats.changed' ELSE kind END,"
        " 'channel:' || CAST(channel_id AS VARCHAR(20)), payload,"
        " CASE WHEN delivered_at IS NULL THEN 'pending' ELSE 'delivered' END,"
        " attempts, next_attempt_at, NULL, NULL, last_error, created_at, delivered_at"
        " FROM outbox_events"
    )
    op.execute(
        "INSERT INTO outbox_attempts (id, message_id, attempted_at, status_code, error,"
        " duration_ms)"
        " SELECT id, event_id, attempted_at, status_code, error, duration_ms"
        " FROM webhook_deliveries"
    )
    _reset_sequence("outbox_messages")
    _reset_sequence("outbox_attempts")

    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_event_id"))
    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_events_due")
    op.drop_table("outbox_events")


def downgrade():
    op.create_table(
        "outbox_events",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", scanfloor.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('ats_changed','order_status')", name=op.f("ck_outbox_events_kind")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_outbox_events_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_events_due", ["delivered_at", "next_attempt_at"], unique=False
        )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("event_id", _BIGID, nullable=False),
        sa.Column("attempted_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outbox_events.id"],
            name=op.f("fk_webhook_deliveries_event_id_outbox_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_event_id"), ["event_id"], unique=False
        )
    # Only channel webhooks of the two old kinds fit the old tables; a dead message goes
    # back as undelivered.
    op.execute(
        "INSERT INTO outbox_events (id, channel_id, kind, payload, created_at, delivered_at,"
        " attempts, next_attempt_at, last_error)"
        " SELECT id, CAST(SUBSTR(destination, 9) AS INTEGER),"
        " CASE topic WHEN 'order.status' THEN 'order_status' ELSE 'ats_changed' END,"
        " payload, created_at, delivered_at, attempts, next_attempt_at, last_error"
        " FROM outbox_messages"
        " WHERE destination LIKE 'channel:%' AND topic IN ('order.status', 'ats.changed')"
        " AND CAST(SUBSTR(destination, 9) AS INTEGER) IN (SELECT id FROM channels)"
    )
    op.execute(
        "INSERT INTO webhook_deliveries (id, event_id, attempted_at, status_code, error,"
        " duration_ms)"
        " SELECT id, message_id, attempted_at, status_code, error, duration_ms"
        " FROM outbox_attempts WHERE message_id IN (SELECT id FROM outbox_events)"
    )
    _reset_sequence("outbox_events")
    _reset_sequence("webhook_deliveries")
    with op.batch_alter_table("outbox_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_attempts_message_id"))
    op.drop_table("outbox_attempts")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_state_due")
        batch_op.drop_index("ix_outbox_messages_state_destination")
    op.drop_table("outbox_messages")
