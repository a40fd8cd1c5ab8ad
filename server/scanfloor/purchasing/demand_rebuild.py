"""Rebuilding the daily demand projection from the whole ledger, in one transaction: for a
ledger loaded behind the writer's back (the benchmarks' bulk load), after a location's
sellable flag was changed and history should be read with the new flag, or to check the
projection (`scanfloor purchasing rebuild-demand --check` compares before replacing).

The figures are those demand_models.py defines and demand_projection.day_shares computes
posting by posting, here as set-based SQL over movements; a test holds the two to the same
answer. Migration 0015 backfilled existing ledgers with a copy of these statements.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection


def _day(col: str, dialect: str) -> str:
    # SQLite keeps timestamps as 'YYYY-MM-DD HH:MM:SS' text (UTC): its first 10 characters
    # are the date, as a Date column stores it; PostgreSQL casts its naive-UTC timestamp.
    return f"substr({col}, 1, 10)" if dialect == "sqlite" else f"CAST({col} AS date)"


_FROM = (
    "FROM movements m JOIN locations f ON f.id = m.from_location_id "
    "JOIN locations t ON t.id = m.to_location_id"
)
_TO_CUSTOMER = "t.is_virtual AND t.code = 'CUSTOMER'"
_FROM_CUSTOMER = "f.is_virtual AND f.code = 'CUSTOMER'"
_F_IN_WH = "NOT f.is_virtual AND f.warehouse_id IS NOT NULL"
_T_IN_WH = "NOT t.is_virtual AND t.warehouse_id IS NOT NULL"
# A restock of a customer return: into a sellable location from one that is not sellable
# in the same warehouse.
_RESTOCK = (
    "m.movement_type = 'return' AND t.sellable AND NOT (f.sellable AND NOT f.is_virtual "
    "AND COALESCE(f.warehouse_id = t.warehouse_id, false))"
)


def days_sql(dialect: str) -> str:
    d = _day("m.occurred_at", dialect)
    ship = f"m.movement_type = 'ship' AND {_TO_CUSTOMER}"
    return f"""
INSERT INTO demand_days (warehouse_id, day, item_id, shipped, ships, returned, net)
SELECT wh, d, item_id, SUM(shipped), SUM(ships), SUM(returned), SUM(net) FROM (
  SELECT f.warehouse_id AS wh, {d} AS d, m.item_id AS item_id,
    CASE WHEN {ship} THEN m.quantity ELSE 0 END AS shipped,
    CASE WHEN {ship} THEN 1 ELSE 0 END AS ships,
    0 AS returned,
    CASE WHEN f.sellable THEN -m.quantity ELSE 0 END AS net
  {_FROM} WHERE {_F_IN_WH}
  UNION ALL
  SELECT t.warehouse_id, {d}, m.item_id,
    CASE WHEN m.movement_type = 'reversal' AND {_FROM_CUSTOMER} THEN -m.quantity ELSE 0 END,
    0,
    CASE WHEN {_RESTOCK} THEN m.quantity ELSE 0 END,
    CASE WHEN t.sellable THEN m.quantity ELSE 0 END
  {_FROM} WHERE {_T_IN_WH}
) s GROUP BY wh, d, item_id
HAVING SUM(shipped) <> 0 OR SUM(ships) <> 0 OR SUM(returned) <> 0 OR SUM(net) <> 0
"""


def channel_days_sql(dialect: str) -> str:
    d = _day("m.occurred_at", dialect)
    return f"""
INSERT INTO channel_demand_days (warehouse_id, day, item_id, channel_id, shipped, returned)
SELECT wh, d, item_id, ch, SUM(shipped), SUM(returned) FROM (
  SELECT f.warehouse_id AS wh, {d} AS d, m.item_id AS item_id, o.channel_id AS ch,
    m.quantity AS shipped, 0 AS returned
  {_FROM} JOIN cartons c ON c.container_id = m.from_container_id
  JOIN orders o ON o.id = c.order_id
  WHERE m.movement_type = 'ship' AND {_TO_CUSTOMER} AND {_F_IN_WH}
  UNION ALL
  SELECT t.warehouse_id, {d}, m.item_id, o.channel_id, -m.quantity, 0
  {_FROM} JOIN movements s ON s.id = m.reverses_movement_id AND s.movement_type = 'ship'
  JOIN cartons c ON c.container_id = s.from_container_id
  JOIN orders o ON o.id = c.order_id
  WHERE m.movement_type = 'reversal' AND {_FROM_CUSTOMER} AND {_T_IN_WH}
  UNION ALL
  SELECT t.warehouse_id, {d}, m.item_id, r.channel_id, 0, m.quantity
  {_FROM} JOIN return_authorisations r ON CAST(r.id AS TEXT) = m.source_id
  WHERE m.source_type = 'return' AND {_RESTOCK} AND {_T_IN_WH}
) s GROUP BY wh, d, item_id, ch
HAVING SUM(shipped) <> 0 OR SUM(returned) <> 0
"""


def rebuild(conn: Connection) -> dict[str, int]:
    """Replace both tables' rows with what the ledger says, in the caller's transaction;
    returns the row counts."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        # Postings that commit meanwhile wait to add their shares until the rebuild has
        # committed (their movements are then not in its SELECT, so nothing counts twice);
        # readers are not blocked.
        conn.execute(text("LOCK TABLE demand_days, channel_demand_days IN EXCLUSIVE MODE"))
    conn.execute(text("DELETE FROM channel_demand_days"))
    conn.execute(text("DELETE FROM demand_days"))
    conn.execute(text(days_sql(dialect)))
    conn.execute(text(channel_days_sql(dialect)))
    return counts(conn)


def counts(conn: Connection) -> dict[str, int]:
    return {
        t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() or 0)
        for t in ("demand_days", "channel_demand_days")
    }


def snapshot(conn: Connection) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of both tables whose figures are not all 0, days as ISO text: for
    comparing the kept projection with a rebuild (postings that cancel out on a day leave a
    row of zeros behind; a rebuild writes none)."""
    out: dict[str, set[tuple[Any, ...]]] = {
        "demand_days": {
            (int(r[0]), str(r[1])[:10], int(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]))
            for r in conn.execute(
                text(
                    "SELECT warehouse_id, day, item_id, shipped, ships, returned, net "
                    "FROM demand_days"
                )
            )
        },
        "channel_demand_days": {
            (int(r[0]), str(r[1])[:10], int(r[2]), int(r[3]), int(r[4]), int(r[5]))
            for r in conn.execute(
                text(
                    "SELECT warehouse_id, day, item_id, channel_id, shipped, returned "
                    "FROM channel_demand_days"
                )
            )
        },
    }
    figures = {"demand_days": 3, "channel_demand_days": 4}  # where a row's figures start
    return {name: {r for r in rows if any(r[figures[name] :])} for name, rows in out.items()}
