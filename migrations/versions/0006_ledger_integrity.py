"""ledger integrity: no INSERT OR REPLACE past the append-only triggers; movement hash chain

Revision ID: 0006
Revises: 0004

SQLite's REPLACE conflict resolution deletes the clashing row without firing DELETE
triggers, so a BEFORE INSERT trigger refuses any insert that would clash with an existing
movement or posting (by id or by a unique key). PostgreSQL has no REPLACE; its
ON CONFLICT DO UPDATE fires the existing UPDATE trigger.

Every movement gets chain_hash (ledger/chain.py), computed here for the existing movements
in id order. The UPDATE triggers refuse updating movements, so they are dropped for the
backfill and recreated in the same transaction (both databases run DDL transactionally).
"""

import hashlib
import json
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
# Frozen copy of ledger/chain.py v1 (a migration must not change when the app code does).
FIELDS = (
    "id", "posting_id", "item_id", "lot_id", "quantity", "from_location_id",
    "from_container_id", "to_location_id", "to_container_id", "movement_type", "reason_code",
    "actor_id", "device_id", "source_type", "source_id", "idempotency_key", "unit_cost",
    "reverses_movement_id", "occurred_at", "recorded_at",
)
APPEND_ONLY_MESSAGE = "post a reversal instead"
# (table, unique columns besides id) for the no-replace triggers.
NO_REPLACE = (
    ("movements", ("idempotency_key", "reverses_movement_id")),
    ("postings", ("idempotency_key",)),
)


def _encode(name, value):
    if value is None:
        return None
    if name == "unit_cost":
        return repr(float(Decimal(value).quantize(Decimal("0.000001"), ROUND_HALF_UP)))
    if hasattr(value, "isoformat"):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    return value


def _link_hash(previous, row):
    body = json.dumps(
        ["v1"] + [_encode(n, row[n]) for n in FIELDS], separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(previous.encode() + b"\n" + body.encode()).hexdigest()


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    with op.batch_alter_table("movements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "ledger_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_movement_id", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_ledger_chain_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_chain")),
    )
    # The SQLite batch ALTER above recreated movements, and its triggers with it only if
    # SQLite copied them: recreate the append-only set explicitly either way.
    _drop_update_guard(postgres)
    last_id, last_hash = _backfill(bind)
    _restore_update_guard(postgres)
    op.execute(
        sa.text(
            "INSERT INTO ledger_chain (id, last_movement_id, last_hash) VALUES (1, :id, :hash)"
        ).bindparams(id=last_id, hash=last_hash)
    )
    if not postgres:
        _no_replace_triggers()


def _backfill(bind):
    types = {"unit_cost": sa.Numeric(18, 6), "occurred_at": sa.DateTime(),
             "recorded_at": sa.DateTime()}
    movements = sa.table("movements", *[sa.column(n, types.get(n)) for n in FIELDS])
    typed = sa.select(*[movements.c[n] for n in FIELDS]).order_by(movements.c.id)
    update = sa.text("UPDATE movements SET chain_hash = :h WHERE id = :i")
    previous, last_id = GENESIS, 0
    batch = []
    for row in bind.execute(typed).mappings():
        previous = _link_hash(previous, row)
        last_id = row["id"]
        batch.append({"h": previous, "i": last_id})
        if len(batch) >= 5000:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)
    return last_id, previous


def _drop_update_guard(postgres):
    if postgres:
        op.execute("ALTER TABLE movements DISABLE TRIGGER movements_append_only")
    else:
        op.execute("DROP TRIGGER IF EXISTS movements_no_update")
        op.execute("DROP TRIGGER IF EXISTS movements_no_delete")


def _restore_update_guard(postgres):
    if postgres:
        op.execute("ALTER TABLE movements ENABLE TRIGGER movements_append_only")
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER movements_no_{verb.lower()} BEFORE {verb} ON movements "
            "BEGIN SELECT RAISE(ABORT, 'ledger table movements is append-only: "
            f"{APPEND_ONLY_MESSAGE}'); END"
        )


def _no_replace_triggers():
    for table, unique in NO_REPLACE:
        clash = " OR ".join(["id = NEW.id"] + [f"{c} = NEW.{c}" for c in unique])
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {clash}) "
            f"BEGIN SELECT RAISE(ABORT, 'ledger table {table} is append-only: "
            f"an insert may not replace an existing row'); END"
        )


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        for table, _unique in NO_REPLACE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
    op.drop_table("ledger_chain")
    _drop_update_guard(postgres)
    with op.batch_alter_table("movements", schema=None) as batch_op:
        batch_op.drop_column("chain_hash")
    _restore_update_guard(postgres)
