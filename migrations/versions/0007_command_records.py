"""one idempotency store for every command (command_records)

Idempotency lived in three places: idempotency_records (HTTP answers), postings'
idempotency_key (the writer's replays) and receipt_lines' key/fingerprint/answer (receiving
replays). This moves every kept answer into command_records, scoped by caller, so a scanner or
integration replaying a key after the upgrade gets the answer it would have got before:
- HTTP answers keep their fingerprint; those of endpoints that are now declared commands
  (movements, reversals, order capture) are translated to those commands' answers;
- receiving keys keep their fingerprint (the receiving command hashes a confirmation the same
  way);
- putaway keys, whose request was never hashed, are kept with a NULL fingerprint: they replay
  for any body of the same command (the runner documents this).
Then receipt_lines loses its copy and idempotency_records goes.

Revision ID: 0007
Revises: 0004
"""

import json
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import scanfloor.dbtypes

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None

_NOW = datetime.now(UTC).replace(tzinfo=None)


def _records():
    return sa.table(
        "command_records",
        sa.column("caller", sa.String),
        sa.column("key", sa.String),
        sa.column("command", sa.String),
        sa.column("fingerprint", sa.String),
        sa.column("answer", sa.JSON),
        sa.column("created_at", sa.DateTime),
    )


def _caller(actor_id):
    return "system" if actor_id is None else f"user:{actor_id}"


def _posting_answer(body):
    return {
        "posting_id": body["posting_id"],
        "movement_ids": [m["id"] for m in body.get("movements", [])],
    }


# Endpoints that became declared commands: (path pattern, command, answer from the HTTP body).
_TRANSLATED = (
    (re.compile(r"^/api/v1/movements$"), "ledger.manual", lambda s, b: _posting_answer(b)),
    (
        re.compile(r"^/api/v1/movements/\d+/reverse$"),
        "ledger.reverse",
        lambda s, b: _posting_answer(b),
    ),
    (
        re.compile(r"^/api/v1/orders$"),
        "orders.capture",
        lambda s, b: {"order_id": b["id"], "created": s == 201},
    ),
)
# Their own rows below carry these keys (receipt lines, putaway postings).
_CARRIED_ELSEWHERE = (
    re.compile(r"^/api/v1/purchase-orders/\d+/receive$"),
    re.compile(r"^/api/v1/putaway/confirm$"),
)


def _http_rows(conn):
    old = sa.table(
        "idempotency_records",
        sa.column("key", sa.String),
        sa.column("principal", sa.String),
        sa.column("method", sa.String),
        sa.column("path", sa.String),
        sa.column("fingerprint", sa.String),
        sa.column("status", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("created_at", sa.DateTime),
    )
    for r in conn.execute(sa.select(old)):
        if any(p.match(r.path) for p in _CARRIED_ELSEWHERE):
            continue
        row = {
            "caller": r.principal,
            "key": r.key,
            "command": f"{r.method} {r.path}"[:300],
            "fingerprint": r.fingerprint,
            "answer": {"status": r.status, "body": r.body},
            "created_at": r.created_at,
        }
        for pattern, command, translate in _TRANSLATED:
            if r.method == "POST" and pattern.match(r.path):
                row["command"] = command
                row["fingerprint"] = None
                row["answer"] = translate(r.status, json.loads(r.body))
        yield row


def _receipt_rows(conn):
    rows = conn.execute(
        sa.text(
            "SELECT rl.id, rl.idempotency_key, rl.fingerprint, rl.answer, rl.created_at,"
            " r.actor_id, po.blind_receipt FROM receipt_lines rl"
            " JOIN receipts r ON r.id = rl.receipt_id"
            " JOIN purchase_orders po ON po.id = r.po_id"
            " WHERE rl.idempotency_key IS NOT NULL"
        ).columns(answer=sa.JSON, created_at=sa.DateTime)
    )
    for r in rows:
        answer = r.answer if isinstance(r.answer, dict) else json.loads(r.answer)
        yield {
            "caller": _caller(r.actor_id),
            "key": r.idempotency_key,
            "command": "receiving.receive",
            "fingerprint": r.fingerprint,
            "answer": {**answer, "receipt_line_id": r.id, "blind_receipt": bool(r.blind_receipt)},
            "created_at": r.created_at,
        }


def _putaway_rows(conn):
    postings = conn.execute(
        sa.text(
            "SELECT id, idempotency_key, actor_id, source_id, recorded_at FROM postings"
            " WHERE idempotency_key IS NOT NULL AND source_type = 'putaway'"
        ).columns(recorded_at=sa.DateTime)
    ).all()
    for p in postings:
        moves = conn.execute(
            sa.text(
                "SELECT m.id, m.quantity, m.reason_code, m.to_location_id, l.code"
                " FROM movements m JOIN locations l ON l.id = m.to_location_id"
                " WHERE m.posting_id = :p ORDER BY m.id"
            ),
            {"p": p.id},
        ).all()
        if not moves:
            continue
        yield {
            "caller": _caller(p.actor_id),
            "key": p.idempotency_key,
            "command": "putaway.confirm",
            "fingerprint": None,
            "answer": {
                "posting_id": p.id,
                "movement_ids": [m.id for m in moves],
                "task_id": p.source_id,
                "to_location": {"id": moves[0].to_location_id, "code": moves[0].code},
                "quantity": sum(m.quantity for m in moves),
                "overridden": moves[0].reason_code is not None,
                "reason_code": moves[0].reason_code,
            },
            "created_at": p.recorded_at,
        }


def _posting_rows(conn):
    """Keys given straight to the ledger writer (ledger.post), same fingerprint as before."""
    postings = conn.execute(
        sa.text(
            "SELECT id, idempotency_key, fingerprint, actor_id, recorded_at FROM postings"
            " WHERE idempotency_key IS NOT NULL"
            " AND (source_type IS NULL OR source_type <> 'putaway')"
        ).columns(recorded_at=sa.DateTime)
    ).all()
    for p in postings:
        ids = conn.execute(
            sa.text("SELECT id FROM movements WHERE posting_id = :p ORDER BY id"), {"p": p.id}
        ).scalars()
        yield {
            "caller": _caller(p.actor_id),
            "key": p.idempotency_key,
            "command": "ledger.post",
            "fingerprint": p.fingerprint,
            "answer": {"posting_id": p.id, "movement_ids": list(ids)},
            "created_at": p.recorded_at,
        }


def upgrade():
    op.create_table(
        "command_records",
        sa.Column("caller", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("command", sa.String(length=300), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("caller", "key", name=op.f("pk_command_records")),
    )
    with op.batch_alter_table("command_records", schema=None) as batch_op:
        batch_op.create_index("ix_command_records_created_at", ["created_at"], unique=False)

    conn = op.get_bind()
    seen = set()
    rows = []
    # First come, first kept: an HTTP answer for a key beats the ledger's copy of it.
    for source in (_http_rows, _receipt_rows, _putaway_rows, _posting_rows):
        for row in source(conn):
            if (row["caller"], row["key"]) in seen:
                continue
            seen.add((row["caller"], row["key"]))
            row["created_at"] = row["created_at"] or _NOW
            rows.append(row)
    if rows:
        op.bulk_insert(_records(), rows)

    with op.batch_alter_table("receipt_lines", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_receipt_lines_idempotency_key"), type_="unique")
        batch_op.drop_column("answer")
        batch_op.drop_column("fingerprint")
        batch_op.drop_column("idempotency_key")
    op.drop_table("idempotency_records")


def downgrade():
    op.create_table(
        "idempotency_records",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("principal", sa.String(length=80), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_records")),
    )
    with op.batch_alter_table("receipt_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("answer", sa.JSON(), nullable=True))
        batch_op.create_unique_constraint(
            op.f("uq_receipt_lines_idempotency_key"), ["idempotency_key"]
        )
    with op.batch_alter_table("command_records", schema=None) as batch_op:
        batch_op.drop_index("ix_command_records_created_at")
    op.drop_table("command_records")
