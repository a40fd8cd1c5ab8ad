"""reporting facts: movement_day_facts (per UTC day, physical location, item, movement type,
reason code and actor: lines, units and values in and out) and worker_quarters (per UTC
day, quarter-hour, actor, zone and movement type: postings, lines, units), the daily facts
the reports read instead of the movements (docs/decisions/0027). Both are backfilled from
the existing ledger with a frozen copy of reporting/facts_rebuild.py's statements.
anomaly_acks arrives empty: the acknowledgements of the reports' anomaly flags, with a note.
A warehouse row without a warehouse of its own (the demo seed's) becomes its own root, as
create_location makes every warehouse (not undone by the downgrade: it was always meant).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 14:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

import scanfloor.dbtypes

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _day(col, dialect):
    return f"substr({col}, 1, 10)" if dialect == "sqlite" else f"CAST({col} AS date)"


def _quarter(col, dialect):
    if dialect == "sqlite":
        return (
            f"(CAST(substr({col}, 12, 2) AS INTEGER) * 60 "
            f"+ CAST(substr({col}, 15, 2) AS INTEGER)) / 15"
        )
    return (
        f"(CAST(EXTRACT(HOUR FROM {col}) AS INTEGER) * 60 "
        f"+ CAST(EXTRACT(MINUTE FROM {col}) AS INTEGER)) / 15"
    )


_FROM = (
    "FROM movements m JOIN locations f ON f.id = m.from_location_id "
    "JOIN locations t ON t.id = m.to_location_id "
    "LEFT JOIN movement_values v ON v.movement_id = m.id"
)
_ZONE = "CASE WHEN {a}.level = 'zone' THEN {a}.id WHEN {p}.level = 'zone' THEN {p}.id ELSE 0 END"


def _facts_sql(dialect):
    d = _day("m.occurred_at", dialect)
    common = (
        "m.item_id AS item, m.movement_type AS kind, COALESCE(m.reason_code, '') AS reason, "
        "COALESCE(m.actor_id, 0) AS actor"
    )
    value = "COALESCE(v.value, 0)"
    sides = (
        f"SELECT {d} AS d, m.from_location_id AS loc, {common}, 0 AS uin, m.quantity AS uout, "
        f"0 AS vin, {value} AS vout {_FROM} WHERE NOT f.is_virtual "
        "UNION ALL "
        f"SELECT {d}, m.to_location_id, {common}, m.quantity, 0, {value}, 0 "
        f"{_FROM} WHERE NOT t.is_virtual"
    )
    return (
        "INSERT INTO movement_day_facts (day, location_id, item_id, movement_type, "
        "reason_code, actor_id, lines, units_in, units_out, value_in, value_out) "
        "SELECT d, loc, item, kind, reason, actor, COUNT(*), SUM(uin), SUM(uout), "
        f"SUM(vin), SUM(vout) FROM ({sides}) s "
        "GROUP BY d, loc, item, kind, reason, actor"
    )


def _quarters_sql(dialect):
    d, q = _day("m.occurred_at", dialect), _quarter("m.occurred_at", dialect)
    fz, tz = _ZONE.format(a="f", p="fp"), _ZONE.format(a="t", p="tp")
    return f"""
INSERT INTO worker_quarters (day, quarter, actor_id, zone_id, movement_type, postings, lines,
  units)
SELECT d, q, actor, zone, kind, COUNT(DISTINCT posting_id), COUNT(*), SUM(quantity) FROM (
  SELECT {d} AS d, {q} AS q, m.actor_id AS actor, m.posting_id AS posting_id,
    m.movement_type AS kind,
    m.quantity AS quantity,
    CASE WHEN {fz} <> 0 THEN {fz} ELSE {tz} END AS zone
  FROM movements m
  JOIN locations f ON f.id = m.from_location_id
  LEFT JOIN locations fp ON fp.id = f.parent_id
  JOIN locations t ON t.id = m.to_location_id
  LEFT JOIN locations tp ON tp.id = t.parent_id
  WHERE m.actor_id IS NOT NULL AND (NOT f.is_virtual OR NOT t.is_virtual)
) s GROUP BY d, q, actor, zone, kind
"""


def upgrade():
    op.create_table(
        "movement_day_facts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("movement_type", sa.String(length=16), nullable=False),
        sa.Column("reason_code", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), server_default="0", nullable=False),
        sa.Column("units_in", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("units_out", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("value_in", sa.Numeric(20, 4), server_default="0", nullable=False),
        sa.Column("value_out", sa.Numeric(20, 4), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_movement_day_facts_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"],
            name=op.f("fk_movement_day_facts_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint(
            "day", "location_id", "item_id", "movement_type", "reason_code", "actor_id",
            name=op.f("pk_movement_day_facts"),
        ),
    )  # fmt: skip
    op.create_table(
        "worker_quarters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("movement_type", sa.String(length=16), nullable=False),
        sa.Column("postings", sa.Integer(), server_default="0", nullable=False),
        sa.Column("lines", sa.Integer(), server_default="0", nullable=False),
        sa.Column("units", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_worker_quarters_actor_id_users")
        ),
        sa.PrimaryKeyConstraint(
            "day",
            "quarter",
            "actor_id",
            "zone_id",
            "movement_type",
            name=op.f("pk_worker_quarters"),
        ),
    )
    op.create_table(
        "anomaly_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("acked_by", sa.Integer(), nullable=False),
        sa.Column("acked_at", scanfloor.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acked_by"], ["users.id"], name=op.f("fk_anomaly_acks_acked_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anomaly_acks")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_anomaly_acks_fingerprint")),
    )
    # A warehouse is its own root, as create_location makes it; the demo seed left its own
    # row without one, so locations made under it later belonged to no warehouse.
    op.execute(
        "UPDATE locations SET warehouse_id = id "
        "WHERE level = 'warehouse' AND warehouse_id IS NULL AND NOT is_virtual"
    )
    dialect = op.get_bind().dialect.name
    op.execute(_facts_sql(dialect))
    op.execute(_quarters_sql(dialect))


def downgrade():
    op.drop_table("anomaly_acks")
    op.drop_table("worker_quarters")
    op.drop_table("movement_day_facts")
