"""Allocation throughput and ATS publishing time, each beside a floor measured in the same run.

Prints one JSON line per benchmark and database:
- batch: order lines allocated per second by `run_allocation` over 10k waiting orders across
  3 channels and 5k SKUs (goal 5k lines/s), and the floor: raw sqlite3 doing the least any
  allocation must (a conditional UPDATE of the position, a reservation row and a line update
  per line, in one transaction);
- ats: seconds to publish full snapshots (computed and serialised to JSON) of 100k SKUs for
  5 channels (goal under 1 s), and the floor: raw sqlite3 summing sellable stock per item
  once.
File-backed SQLite; the batch on PostgreSQL too when one answers (bench/harness.py), beside
a raw psycopg floor doing the same statements.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import close_app, emit, migrated_app, note, pg_scratch, ratio

ORDERS = int(os.environ.get("BENCH_ORDERS", "10000"))
SKUS = int(os.environ.get("BENCH_SKUS", "5000"))
ATS_SKUS = int(os.environ.get("BENCH_ATS_SKUS", "100000"))
ATS_CHANNELS = 5
GOAL_LINES_PER_S = 5000
GOAL_ATS_S = 1.0


def _items(n: int, prefix: str) -> list[int]:
    """Reference data in bulk (Core): items with their 'each' pack."""
    from scanfloor.catalog.models import Item, PackLevel
    from scanfloor.extensions import db

    conn = db.session.connection()
    conn.execute(
        Item.__table__.insert(),
        [
            {
                "sku": f"{prefix}{i:06d}",
                "sku_key": f"{prefix}{i:06d}".casefold(),
                "name": f"Item {i}",
                "base_unit": "each",
                "tracking": "none",
                "expiry_tracked": False,
                "attributes": {},
                "active": True,
            }
            for i in range(n)
        ],
    )
    ids = list(
        conn.scalars(
            Item.__table__.select()
            .with_only_columns(Item.__table__.c.id)
            .where(Item.__table__.c.sku.like(f"{prefix}%"))
            .order_by(Item.__table__.c.id)
        )
    )
    conn.execute(
        PackLevel.__table__.insert(), [{"item_id": i, "level": "each", "quantity": 1} for i in ids]
    )
    db.session.commit()
    return ids


def _warehouse(code: str, bins: int) -> tuple[int, list[int]]:
    from scanfloor.catalog.models import Location
    from scanfloor.extensions import db

    wh = Location(code=code, name=code, level="warehouse", type="warehouse")
    db.session.add(wh)
    db.session.flush()
    wh.warehouse_id = wh.id
    locs = [
        Location(
            code=f"{code}-B{b}",
            name="bin",
            level="bin",
            type="storage",
            parent_id=wh.id,
            warehouse_id=wh.id,
            sellable=True,
        )
        for b in range(bins)
    ]
    db.session.add_all(locs)
    db.session.commit()
    return wh.id, [loc.id for loc in locs]


def _receive(stock: list[tuple[int, int, int]]) -> None:
    """Stock in through the one ledger writer, in postings of 5k lines."""
    from scanfloor.catalog.models import Location
    from scanfloor.extensions import db
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    vendor = db.session.scalar(db.select(Location.id).where(Location.code == "VENDOR"))
    for start in range(0, len(stock), 5000):
        lines = tuple(
            MovementLine(item_id=i, quantity=q, from_location_id=vendor, to_location_id=b)
            for i, b, q in stock[start : start + 5000]
            if q > 0
        )
        post(PostingRequest(movement_type="receipt", lines=lines))


def _channels(n: int, code: str) -> list[int]:
    from scanfloor.allocation.channels_service import create_channel

    return [
        create_channel(
            f"{code}{c}",
            kind="web",
            name=f"Channel {c}",
            priority=c,
            safety_buffer=c,
            allow_partial_shipment=c != 1,
            warehouses=[code],
        ).id
        for c in range(n)
    ]


def batch(url: str) -> dict[str, Any]:
    from scanfloor.allocation import realloc
    from scanfloor.allocation.models import Order, OrderLine
    from scanfloor.extensions import db
    from scanfloor.timeutil import utcnow

    app = migrated_app(url)
    rnd = random.Random(7)
    with app.app_context():
        items = _items(SKUS, "B")
        _, bins = _warehouse("BWH", 20)
        _receive([(i, bins[n % len(bins)], rnd.randint(0, 8)) for n, i in enumerate(items)])
        channels = _channels(3, "BWH")
        conn = db.session.connection()
        now = utcnow()
        conn.execute(
            Order.__table__.insert(),
            [
                {
                    "channel_id": channels[n % 3],
                    "external_id": f"b-{n}",
                    "status": "received",
                    "ship_to": {},
                    "ordered_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(ORDERS)
            ],
        )
        order_ids = list(conn.scalars(db.select(Order.id).order_by(Order.id)))
        lines = []
        for oid in order_ids:
            for no, item in enumerate(rnd.sample(items, rnd.randint(1, 3)), start=1):
                lines.append(
                    {
                        "order_id": oid,
                        "line_no": no,
                        "item_id": item,
                        "quantity": rnd.randint(1, 3),
                        "reserved_qty": 0,
                        "consumed_qty": 0,
                        "status": "received",
                    }
                )
        conn.execute(OrderLine.__table__.insert(), lines)
        db.session.commit()
        t0 = time.perf_counter()
        summary = realloc.run_allocation()
        dt = time.perf_counter() - t0
        close_app()
    return {
        "orders": ORDERS,
        "lines": summary.lines_considered,
        "lines_fully_allocated": summary.lines_allocated,
        "units_reserved": summary.units_reserved,
        "seconds": round(dt, 3),
        "lines_per_s": round(summary.lines_considered / dt, 1),
    }


def _connect(url: str) -> tuple[Any, str]:
    """A bare DBAPI connection in manual-commit mode, and its placeholder."""
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        return con, "?"
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    pg = psycopg.connect(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database
    )
    return pg, "%s"


def batch_floor(url: str, lines: int) -> dict[str, Any]:
    """The least any allocation must do, on the bare driver: per line a conditional UPDATE of
    the position, a reservation row and a line update, one statement at a time, one
    transaction."""
    con, ph = _connect(url)
    sql_pos = "CREATE TABLE floor_pos (item INT PRIMARY KEY, sellable INT, reserved INT)"
    sql_res = "CREATE TABLE floor_res (id {pk}, line INT, item INT, q INT)"
    sql_line = "CREATE TABLE floor_line (id {pk}, item INT, q INT, status TEXT)"
    pk = "INTEGER PRIMARY KEY" if ph == "?" else "SERIAL PRIMARY KEY"
    cur = con.cursor()
    for ddl in (sql_pos, sql_res.format(pk=pk), sql_line.format(pk=pk)):
        cur.execute(ddl)
    rnd = random.Random(7)
    cur.executemany(
        f"INSERT INTO floor_pos VALUES ({ph}, {ph}, 0)",
        [(i, rnd.randint(0, 8)) for i in range(SKUS)],
    )
    cur.executemany(
        f"INSERT INTO floor_line (item, q, status) VALUES ({ph}, {ph}, 'received')",
        [(rnd.randrange(SKUS), rnd.randint(1, 3)) for _ in range(lines)],
    )
    con.commit() if ph == "%s" else None
    cur.execute("SELECT id, item, q FROM floor_line")
    todo = cur.fetchall()
    take = (
        f"UPDATE floor_pos SET reserved = reserved + {ph} "
        f"WHERE item = {ph} AND reserved + {ph} <= sellable"
    )
    hold = f"INSERT INTO floor_res (line, item, q) VALUES ({ph}, {ph}, {ph})"
    mark = f"UPDATE floor_line SET status = {ph} WHERE id = {ph}"
    t0 = time.perf_counter()
    if ph == "?":
        cur.execute("BEGIN IMMEDIATE")
    for lid, item, q in todo:
        cur.execute(take, (q, item, q))
        ok = cur.rowcount
        if ok:
            cur.execute(hold, (lid, item, q))
        cur.execute(mark, ("allocated" if ok else "backordered", lid))
    if ph == "?":
        cur.execute("COMMIT")
    else:
        con.commit()
    dt = time.perf_counter() - t0
    con.close()
    return {"lines": lines, "seconds": round(dt, 3), "lines_per_s": round(lines / dt, 1)}


def ats(url: str) -> dict[str, Any]:
    from scanfloor.allocation import ats as ats_module
    from scanfloor.extensions import db

    app = migrated_app(url)
    rnd = random.Random(11)
    with app.app_context():
        items = _items(ATS_SKUS, "A")
        _, bins = _warehouse("AWH", 50)
        _receive([(i, bins[n % len(bins)], rnd.randint(1, 20)) for n, i in enumerate(items)])
        _channels(ATS_CHANNELS, "AWH")
        db.session.commit()
        t0 = time.perf_counter()
        snaps = ats_module.all_snapshots()
        computed = time.perf_counter() - t0
        docs = [
            json.dumps(
                {
                    "channel": snap.channel,
                    "cursor": snap.cursor,
                    "full": True,
                    "items": [{"item_id": i, "sku": sku, "ats": q} for i, sku, q in snap.items],
                }
            )
            for snap in snaps
        ]
        dt = time.perf_counter() - t0
        db.session.commit()
        close_app()
    return {
        "skus": ATS_SKUS,
        "channels": len(snaps),
        "rows": sum(len(snap.items) for snap in snaps),
        "bytes_per_snapshot": len(docs[-1]),
        "seconds_computed": round(computed, 3),
        "seconds_with_json": round(dt, 3),
    }


def ats_floor(path: Path) -> dict[str, Any]:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE b (item INT, loc INT, q INT)")
    rnd = random.Random(11)
    con.executemany(
        "INSERT INTO b VALUES (?, ?, ?)", [(i, i % 50, rnd.randint(1, 20)) for i in range(ATS_SKUS)]
    )
    con.commit()
    t0 = time.perf_counter()
    rows = con.execute("SELECT item, SUM(q) FROM b GROUP BY item").fetchall()
    dt = time.perf_counter() - t0
    con.close()
    return {"rows": len(rows), "seconds_one_channel": round(dt, 3)}


def _batch_line(db: str, url: str) -> None:
    got = batch(url)
    floor = batch_floor(url, got["lines"])
    emit(
        {
            "benchmark": "allocation_batch",
            "database": db,
            "batch": got,
            "floor_raw_driver": floor,
            "batch_vs_floor": ratio(got["lines_per_s"], floor["lines_per_s"]),
            "goal": {"lines_per_s": GOAL_LINES_PER_S},
            "holds": got["lines_per_s"] >= GOAL_LINES_PER_S,
        }
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _batch_line("sqlite", f"sqlite:///{tmp}/batch.db")
        got = ats(f"sqlite:///{tmp}/ats.db")
        floor = ats_floor(Path(tmp) / "ats_floor.db")
        emit(
            {
                "benchmark": "ats_publish",
                "database": "sqlite",
                "ats": got,
                "floor_raw_sqlite3": floor,
                "ats_vs_floor": ratio(floor["seconds_one_channel"], got["seconds_with_json"]),
                "goal": {"seconds_under": GOAL_ATS_S},
                "holds": got["seconds_with_json"] < GOAL_ATS_S,
            }
        )
    with pg_scratch("allocation") as pg:
        if pg:
            note("allocation: PostgreSQL")
            _batch_line("postgresql", pg)


if __name__ == "__main__":
    main()
