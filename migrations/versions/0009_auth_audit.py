"""sign-in audit log (auth_events); the badge lockout columns give way to the throttle

Badge sign-in no longer locks a known badge in the users table (which told anyone which
badges exist and let them lock a worker out): failures are throttled per account and per
client in Flask-Limiter's store. What the old columns knew is carried into the new audit log:
a badge with wrong PINs counted, or locked, gets one `sign_in_throttled` line saying so, then
users.pin_failures and users.locked_until go. Downgrading brings the columns back empty (no
badge locked), which is the state a restart of the throttle's memory store leaves too.

Revision ID: 0009
Revises: 0008
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import scanfloor.dbtypes

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KINDS = "kind IN ('signed_in','sign_in_failed','sign_in_throttled','unlocked','sessions_ended')"


def upgrade():
    op.create_table(
        "auth_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=True),
        sa.Column("login", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("client_address", sa.String(length=45), nullable=True),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_auth_events_kind")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_auth_events_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_auth_events_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_events")),
    )
    with op.batch_alter_table("auth_events", schema=None) as batch_op:
        batch_op.create_index("ix_auth_events_occurred_at", ["occurred_at"], unique=False)
        batch_op.create_index("ix_auth_events_user_id", ["user_id"], unique=False)

    _carry_lockouts_into_the_log()

    # Not batch mode: on SQLite that copies `users` into a new table, and dropping the old one
    # fails with rows elsewhere pointing at users. SQLite (3.35+) drops a plain column itself.
    op.drop_column("users", "locked_until")
    op.drop_column("users", "pin_failures")


def _carry_lockouts_into_the_log():
    conn = op.get_bind()
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("badge", sa.String),
        sa.column("pin_failures", sa.Integer),
        sa.column("locked_until", scanfloor.dbtypes.UTCDateTime()),
    )
    events = sa.table(
        "auth_events",
        sa.column("occurred_at", scanfloor.dbtypes.UTCDateTime()),
        sa.column("kind", sa.String),
        sa.column("method", sa.String),
        sa.column("login", sa.String),
        sa.column("user_id", sa.Integer),
        sa.column("details", sa.JSON),
    )
    now = datetime.now(UTC)
    rows = conn.execute(
        sa.select(users.c.id, users.c.badge, users.c.pin_failures, users.c.locked_until)
        .where((users.c.pin_failures > 0) | users.c.locked_until.is_not(None))
        .order_by(users.c.id)
    ).all()
    for row in rows:
        until = row.locked_until
        details = {
            "carried_from": "badge lockout before migration 0009",
            "wrong_pins": row.pin_failures,
            "locked_until": until.isoformat() if until is not None else None,
        }
        conn.execute(
            events.insert().values(
                occurred_at=now,
                kind="sign_in_throttled",
                method="badge",
                login=row.badge,
                user_id=row.id,
                details=details,
            )
        )


def downgrade():
    op.add_column(
        "users", sa.Column("pin_failures", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("users", sa.Column("locked_until", scanfloor.dbtypes.UTCDateTime()))
    with op.batch_alter_table("auth_events", schema=None) as batch_op:
        batch_op.drop_index("ix_auth_events_user_id")
        batch_op.drop_index("ix_auth_events_occurred_at")
    op.drop_table("auth_events")
