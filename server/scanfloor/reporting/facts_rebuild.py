"""Rebuilding the reports' daily facts from the whole ledger, in one transaction: for a
ledger loaded behind the writer's back (the benchmarks' bulk load), or to check the facts
(`scanfloor reporting rebuild-facts --check` compares before replacing, exit 1 on a
difference).

The figures are those facts_models.py defines and facts_projection.fact_shares computes
posting by posting, here as set-based SQL over movements, their locations and their
movement values; a test holds the two to the same answer. Migration 0019 backfilled
existing ledgers with a copy of these statements.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .facts_models import NOT_IN_HAND

TABLES = ("movement_day_facts", "worker_quarters")


def _day(col: str, dialect: str) -> str:
    # SQLite keeps timestamps as 'YYYY-MM-DD HH:MM:SS' text (UTC): its first 10 characters
    # are the date; PostgreSQL casts its naive-UTC timestamp.
    return f"substr({col}, 1, 10)" if dialect == "sqlite" else f"CAST({col} AS date)"


def _quarter(col: str, dialect: str) -> str:
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
_FROM = (
    "FROM movements m JOIN locations f ON f.id = m.from_location_id "
    "JOIN locations t ON t.id = m.to_location_id "
    "LEFT JOIN movement_values v ON v.movement_id = m.id"
)


def _sides_sql(dialect: str) -> str:
    d = _day("m.occurred_at", dialect)
    common = (
        "m.item_id AS item, m.movement_type AS kind, COALESCE(m.reason_code, '') AS reason, "
        "COALESCE(m.actor_id, 0) AS actor"
    )
    value = "COALESCE(v.value, 0)"
    return (
        f"SELECT {d} AS d, m.from_location_id AS loc, {common}, 0 AS uin, m.quantity AS uout, "
        f"0 AS vin, {value} AS vout {_FROM} WHERE NOT f.is_virtual "
        "UNION ALL "
        f"SELECT {d}, m.to_location_id, {common}, m.quantity, 0, {value}, 0 "
        f"{_FROM} WHERE NOT t.is_virtual"
    )


def movement_facts_sql(dialect: str) -> str:
    return (
        "INSERT INTO movement_day_facts (day, location_id, item_id, movement_type, "
        "reason_code, actor_id, lines, units_in, units_out, value_in, value_out) "
        "SELECT d, loc, item, kind, reason, actor, COUNT(*), SUM(uin), SUM(uout), "
        f"SUM(vin), SUM(vout) FROM ({_sides_sql(dialect)}) s "
        "GROUP BY d, loc, item, kind, reason, actor"
    )


def quarters_sql(dialect: str) -> str:
    d, q = _day("m.occurred_at", dialect), _quarter("m.occurred_at", dialect)
    fz, tz = _ZONE.format(a="f", p="fp"), _ZONE.format(a="t", p="tp")
    not_in_hand = ", ".join(f"'{r}'" for r in sorted(NOT_IN_HAND))
    return f"""
INSERT INTO worker_quarters (day, quarter, actor_id, zone_id, movement_type, postings, lines,
  units)
SELECT d, q, actor, zone, kind, COUNT(DISTINCT posting_id), SUM(in_hand),
  SUM(in_hand * quantity) FROM (
  SELECT {d} AS d, {q} AS q, m.actor_id AS actor, m.posting_id AS posting_id,
    m.movement_type AS kind,
    m.quantity AS quantity,
    CASE WHEN m.reason_code IN ({not_in_hand}) THEN 0 ELSE 1 END AS in_hand,
    CASE WHEN {fz} <> 0 THEN {fz} ELSE {tz} END AS zone
  FROM movements m
  JOIN locations f ON f.id = m.from_location_id
  LEFT JOIN locations fp ON fp.id = f.parent_id
  JOIN locations t ON t.id = m.to_location_id
  LEFT JOIN locations tp ON tp.id = t.parent_id
  WHERE m.actor_id IS NOT NULL AND (NOT f.is_virtual OR NOT t.is_virtual)
) s GROUP BY d, q, actor, zone, kind
"""


def rebuild(conn: Connection) -> dict[str, int]:
    """Replace both tables' rows with what the ledger says, in the caller's transaction;
    returns the row counts."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        # Postings that commit meanwhile wait to add their shares until the rebuild has
        # committed (their movements are then not in its SELECT: nothing counts twice).
        conn.execute(text("LOCK TABLE movement_day_facts, worker_quarters IN EXCLUSIVE MODE"))
    for table in TABLES:
        conn.execute(text(f"DELETE FROM {table}"))
    conn.execute(text(movement_facts_sql(dialect)))
    conn.execute(text(quarters_sql(dialect)))
    return counts(conn)


def counts(conn: Connection) -> dict[str, int]:
    return {t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() or 0) for t in TABLES}


def snapshot(conn: Connection) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of both tables, days as ISO text and money to the cent's hundredth: for
    comparing the kept facts with a rebuild. Rows whose figures are all 0 are left out (a
    rebuild writes none; the projection never writes one either, but a row can net to 0)."""
    facts = {
        (str(r[0])[:10], int(r[1]), int(r[2]), str(r[3]), str(r[4]), int(r[5]), int(r[6]),
         int(r[7]), int(r[8]), Decimal(r[9]).quantize(Decimal("0.0001")),
         Decimal(r[10]).quantize(Decimal("0.0001")))
        for r in conn.execute(
            text(
                "SELECT day, location_id, item_id, movement_type, reason_code, actor_id, "
                "lines, units_in, units_out, value_in, value_out FROM movement_day_facts"
            )
        )
    }  # fmt: skip
    quarters = {
        (str(r[0])[:10], int(r[1]), int(r[2]), int(r[3]), str(r[4]), int(r[5]), int(r[6]),
         int(r[7]))
        for r in conn.execute(
            text(
                "SELECT day, quarter, actor_id, zone_id, movement_type, postings, lines, units "
                "FROM worker_quarters"
            )
        )
    }  # fmt: skip
    return {
        "movement_day_facts": {r for r in facts if any(r[6:])},
        "worker_quarters": {r for r in quarters if any(r[5:])},
    }
