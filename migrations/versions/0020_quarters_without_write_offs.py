"""worker_quarters without write-offs: a short pick's write-off line (reason short_pick, the
units the bin did not have, posted in the pick itself) no longer adds a line and units to
the picker's quarter-hour; the posting still counts (reporting/facts_models.NOT_IN_HAND).
The table is recomputed from the ledger with a frozen copy of reporting/facts_rebuild.py's
statement; the downgrade recomputes it by 0019's rule.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:45:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

NOT_IN_HAND = "'short_pick'"


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


_ZONE = "CASE WHEN {a}.level = 'zone' THEN {a}.id WHEN {p}.level = 'zone' THEN {p}.id ELSE 0 END"


def _quarters_sql(dialect, in_hand):
    d, q = _day("m.occurred_at", dialect), _quarter("m.occurred_at", dialect)
    fz, tz = _ZONE.format(a="f", p="fp"), _ZONE.format(a="t", p="tp")
    return f"""
INSERT INTO worker_quarters (day, quarter, actor_id, zone_id, movement_type, postings, lines,
  units)
SELECT d, q, actor, zone, kind, COUNT(DISTINCT posting_id), SUM(in_hand),
  SUM(in_hand * quantity) FROM (
  SELECT {d} AS d, {q} AS q, m.actor_id AS actor, m.posting_id AS posting_id,
    m.movement_type AS kind,
    m.quantity AS quantity,
    {in_hand} AS in_hand,
    CASE WHEN {fz} <> 0 THEN {fz} ELSE {tz} END AS zone
  FROM movements m
  JOIN locations f ON f.id = m.from_location_id
  LEFT JOIN locations fp ON fp.id = f.parent_id
  JOIN locations t ON t.id = m.to_location_id
  LEFT JOIN locations tp ON tp.id = t.parent_id
  WHERE m.actor_id IS NOT NULL AND (NOT f.is_virtual OR NOT t.is_virtual)
) s GROUP BY d, q, actor, zone, kind
"""


def _recompute(in_hand):
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":  # writers wait: the table is replaced whole
        op.execute("LOCK TABLE worker_quarters IN EXCLUSIVE MODE")
    op.execute("DELETE FROM worker_quarters")
    op.execute(_quarters_sql(dialect, in_hand))


def upgrade():
    _recompute(f"CASE WHEN m.reason_code IN ({NOT_IN_HAND}) THEN 0 ELSE 1 END")


def downgrade():
    _recompute("1")
