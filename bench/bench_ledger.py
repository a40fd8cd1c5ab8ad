"""Ledger writer throughput against the raw-sqlite3 floor, measured in the same run.

Prints one JSON object: postings/s and p99 latency for the writer on file-backed SQLite
(and PostgreSQL when SCANFLOOR_BENCH_DATABASE_URL or SCANFLOOR_TEST_DATABASE_URL is set and
answers), the floor (raw sqlite3: insert a movement, upsert a balance, one transaction each),
and the time to verify and rebuild balances from the movements.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_POSTINGS", "3000"))


def _p99(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=100)[98] * 1000, 3)


def floor_raw_sqlite(path: Path) -> dict[str, float]:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, item INT, src INT, dst INT, q INT)")
    con.execute("CREATE TABLE b (item INT, loc INT, q INT, PRIMARY KEY (item, loc))")
    lat = []
    t0 = time.perf_counter()
    for i in range(N):
        s = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO m (item, src, dst, q) VALUES (?, 1, 2, 1)", (i % 50,))
        con.execute(
            "INSERT INTO b VALUES (?, 2, 1) ON CONFLICT (item, loc) DO UPDATE SET q = q + 1",
            (i % 50,),
        )
        con.execute("COMMIT")
        lat.append(time.perf_counter() - s)
    dt = time.perf_counter() - t0
    con.close()
    return {"postings_per_s": round(N / dt, 1), "p99_ms": _p99(lat)}


def writer(url: str) -> dict[str, float]:
    from flask_migrate import upgrade

    from scanfloor import create_app
    from scanfloor.catalog.models import Item, Location, PackLevel
    from scanfloor.config import Settings
    from scanfloor.extensions import db
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.verify import rebuild_balances, verify_ledger
    from scanfloor.ledger.writer import post

    app = create_app(Settings(mode="test", database_url=url))
    with app.app_context():
        upgrade(directory=str(REPO / "migrations"), revision="heads")
        vendor = db.session.scalar(db.select(Location.id).where(Location.code == "VENDOR"))
        bins = [
            Location(code=f"B{i}", name=f"B{i}", level="bin", type="storage") for i in range(20)
        ]
        items = []
        for i in range(50):
            it = Item(sku=f"S{i}", sku_key=f"s{i}", name=f"Item {i}")
            it.packs.append(PackLevel(level="each", quantity=1))
            items.append(it)
        db.session.add_all(bins + items)
        db.session.commit()
        ids = [(it.id, b.id) for it, b in zip(items * 4, bins * 10, strict=False)]
        lat = []
        t0 = time.perf_counter()
        for n in range(N):
            item_id, bin_id = ids[n % len(ids)]
            s = time.perf_counter()
            post(
                PostingRequest(
                    movement_type="receipt",
                    lines=(
                        MovementLine(
                            item_id=item_id,
                            quantity=1,
                            from_location_id=vendor,
                            to_location_id=bin_id,
                        ),
                    ),
                    idempotency_key=f"bench-{n}",
                )
            )
            lat.append(time.perf_counter() - s)
        dt = time.perf_counter() - t0
        t1 = time.perf_counter()
        clean = verify_ledger().clean
        verify_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        rebuild_balances()
        rebuild_s = time.perf_counter() - t2
        db.session.remove()
        db.engine.dispose()
    return {
        "postings_per_s": round(N / dt, 1),
        "p99_ms": _p99(lat),
        "verify_s": round(verify_s, 4),
        "rebuild_s": round(rebuild_s, 4),
        "ledger_clean": clean,
    }


def _pg_url() -> str | None:
    url = os.environ.get("SCANFLOOR_BENCH_DATABASE_URL") or os.environ.get(
        "SCANFLOOR_TEST_DATABASE_URL"
    )
    if not url:
        return None
    from sqlalchemy import create_engine, text

    try:
        eng = create_engine(url, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(text("DROP DATABASE IF EXISTS scanfloor_bench WITH (FORCE)"))
            c.execute(text("CREATE DATABASE scanfloor_bench"))
        eng.dispose()
    except Exception as exc:
        print(f"bench: PostgreSQL skipped ({exc.__class__.__name__})", file=sys.stderr)
        return None
    from sqlalchemy.engine import make_url

    return make_url(url).set(database="scanfloor_bench").render_as_string(hide_password=False)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        floor = floor_raw_sqlite(Path(tmp) / "floor.db")
        sqlite_writer = writer(f"sqlite:///{Path(tmp) / 'bench.db'}")
    out = {
        "benchmark": "ledger_writer",
        "postings": N,
        "baseline_raw_sqlite3": floor,
        "writer_sqlite": sqlite_writer,
        "writer_vs_floor": round(sqlite_writer["postings_per_s"] / floor["postings_per_s"], 3),
    }
    pg = _pg_url()
    if pg:
        out["writer_postgresql"] = writer(pg)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
