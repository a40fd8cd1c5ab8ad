"""Bulk history for the read benchmarks: catalog rows and ledger movements straight through
the driver (executemany on SQLite, COPY on PostgreSQL), in postings of PER_POSTING rows.

The ledger writer would spend minutes on a million rows and what these benches time is a
read, not the writes. The rows carry no chain hash (the benches never verify). PostgreSQL is
ANALYZEd after the load, as its autovacuum would do on a live database; SQLite is not (the
app never runs ANALYZE there). `rebuild_balances` then derives the balances from the
movements in one GROUP BY, as `ledger rebuild` does, so on-hand reads agree with them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from harness import backend

PER_POSTING = 1000
STAMP = "%Y-%m-%d %H:%M:%S.%f"
COLUMNS = (
    "posting_id",
    "item_id",
    "quantity",
    "from_location_id",
    "to_location_id",
    "movement_type",
    "reason_code",
    "unit_cost",
    "occurred_at",
    "recorded_at",
)


def bulk_items(prefix: str, count: int) -> list[int]:
    """`count` plain items (SKU `<prefix>-00000`...), ids in SKU order."""
    from scanfloor.catalog.models import Item
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db

    _I = Item.__table__
    with write_transaction():
        conn = db.session.connection()
        conn.execute(
            _I.insert(),
            [
                {
                    "sku": f"{prefix}-{i:05d}",
                    "sku_key": f"{prefix.lower()}-{i:05d}",
                    "name": f"{prefix} item {i}",
                    "base_unit": "each",
                    "tracking": "none",
                    "expiry_tracked": False,
                    "attributes": {},
                    "active": True,
                }
                for i in range(count)
            ],
        )
        return [
            int(i)
            for i in conn.scalars(
                _I.select()
                .with_only_columns(_I.c.id)
                .where(_I.c.sku.like(f"{prefix}-%"))
                .order_by(_I.c.sku)
            )
        ]


def load_movements(
    chunks: Iterator[list[tuple[Any, ...]]], total: int, now: datetime, count_to: int
) -> tuple[float, int]:
    """`total` movements (rows in COLUMNS order, in chunks) in one transaction; seconds taken
    (making the rows included) and how many went to location `count_to`."""
    from scanfloor.extensions import db

    postings = -(-total // PER_POSTING)
    counted = 0
    raw = db.engine.raw_connection()
    t0 = time.perf_counter()
    try:
        cur = raw.cursor()
        if backend(str(db.engine.url)) == "sqlite":
            cur.execute("BEGIN IMMEDIATE")
            cur.executemany(
                "INSERT INTO postings (id, movement_type, recorded_at) VALUES (?, 'receipt', ?)",
                [(p, now.strftime(STAMP)) for p in range(1, postings + 1)],
            )
            insert = f"INSERT INTO movements ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 10)})"
            for chunk in chunks:
                counted += sum(1 for r in chunk if r[4] == count_to)
                cur.executemany(insert, chunk)
            cur.execute("COMMIT")
        else:
            cur.execute(
                "INSERT INTO postings (id, movement_type, recorded_at) "
                "SELECT g, 'receipt', %s FROM generate_series(1, %s) g",
                (now.replace(tzinfo=None), postings),
            )
            with cur.copy(f"COPY movements ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for chunk in chunks:
                    counted += sum(1 for r in chunk if r[4] == count_to)
                    for row in chunk:
                        copy.write_row(row)
            cur.execute("SELECT setval(pg_get_serial_sequence('postings', 'id'), %s)", (postings,))
            raw.commit()
            cur.execute("ANALYZE")
            raw.commit()
        cur.close()
    finally:
        raw.close()
    return time.perf_counter() - t0, counted


def rebuild_balances(now: datetime) -> None:
    """Balances from the movements: what went in minus what went out, per item and location
    (no lots, no containers in these histories), in one statement."""
    from sqlalchemy import text

    from scanfloor.database import write_transaction
    from scanfloor.extensions import db

    with write_transaction():
        conn = db.session.connection()
        conn.execute(text("DELETE FROM balances"))
        conn.execute(
            text(
                "INSERT INTO balances (item_id, location_id, quantity, updated_at) "
                "SELECT item_id, loc, SUM(q), :now FROM ("
                " SELECT item_id, to_location_id AS loc, quantity AS q FROM movements"
                " UNION ALL"
                " SELECT item_id, from_location_id, -quantity FROM movements) m "
                "GROUP BY item_id, loc HAVING SUM(q) <> 0"
            ),
            {"now": now.replace(tzinfo=None)},
        )
