"""Writing bench_dashboards.py's year of history: every table's rows in bulk (executemany on
SQLite, COPY on PostgreSQL) with explicit ids, so every foreign key holds without a round
trip. The ledger writer would spend hours on it, and what the bench times is the reports'
reads, not the writes. Then what the writer's subscribers would have kept (rebuild_derived).

The history is simulated in memory by dashboards_history.History; it is re-exported here,
with the model's COLUMNS, Channel and Site, for bench_dashboards.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dashboards_history import History
from dashboards_model import COLUMNS, Channel, Site

__all__ = ["BALANCES", "COLUMNS", "Channel", "History", "Site", "rebuild_derived", "write_rows"]


def write_rows(rows: dict[str, list[Any]]) -> None:
    """Every table's rows in one transaction, parents first (COLUMNS order): executemany on
    SQLite, COPY on PostgreSQL (then its sequences past the ids given, and ANALYZE)."""
    from scanfloor.extensions import db

    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.engine.dialect.name == "sqlite":
            cur.execute("BEGIN IMMEDIATE")
            for table, cols in COLUMNS.items():
                marks = ", ".join("?" * len(cols))
                cur.executemany(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows[table]
                )
            cur.execute("COMMIT")
        else:
            for table, cols in COLUMNS.items():
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows[table]:
                        copy.write_row(row)
                if cols[0] == "id":
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
            raw.commit()
        cur.close()
    finally:
        raw.close()


BALANCES = (
    "INSERT INTO balances (item_id, location_id, container_id, quantity, updated_at) "
    "SELECT item_id, loc, box, SUM(q), :now FROM ("
    " SELECT item_id, to_location_id AS loc, to_container_id AS box, quantity AS q FROM movements"
    " UNION ALL"
    " SELECT item_id, from_location_id, from_container_id, -quantity FROM movements) m "
    "GROUP BY item_id, loc, box HAVING SUM(q) <> 0"
)


def rebuild_derived(now: datetime) -> dict[str, float]:
    """What the ledger writer's subscribers would have kept, from the movements: balances
    (per item, location and container), the reports' daily facts and the daily demand
    projection; and the facts of every settled order, as ship confirm and cancel keep them
    (reporting/order_facts_store.py); then ANALYZE on PostgreSQL, as its autovacuum would.
    Seconds of each."""
    import time

    from sqlalchemy import text

    from scanfloor.database import write_transaction
    from scanfloor.extensions import db
    from scanfloor.purchasing.demand_rebuild import rebuild as rebuild_demand
    from scanfloor.reporting.facts_rebuild import rebuild as rebuild_facts
    from scanfloor.reporting.order_facts_store import rebuild as rebuild_order_facts

    took = {}
    for name, step in (
        ("balances", lambda c: c.execute(text(BALANCES), {"now": now.replace(tzinfo=None)})),
        ("facts", rebuild_facts),
        ("demand", rebuild_demand),
        ("order_facts", rebuild_order_facts),
    ):
        t0 = time.perf_counter()
        with write_transaction():
            step(db.session.connection())
        took[f"{name}_s"] = round(time.perf_counter() - t0, 1)
    if db.engine.dialect.name == "postgresql":
        t0 = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("ANALYZE"))
        took["analyze_s"] = round(time.perf_counter() - t0, 1)
    return took
