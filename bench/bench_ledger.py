"""The ledger writer in process against a raw-driver floor doing the same writes, measured in
the same run, on SQLite and (when one answers) PostgreSQL.

Each posting is a one-line receipt Vendor -> bin with an idempotency key. The floor runs on
a copy of the same migrated schema (same indexes, triggers and foreign keys) through the bare
driver (sqlite3 / psycopg) and per posting sends the statements the writer sends for a keyed
posting, in one transaction: the command store's lookup (and PostgreSQL's advisory lock on the
key), the posting, the chain head's lock and read, both balances, the movement with its chain
hash (computed with the same function), the chain head's move, the subscriber's read of which
locations are sellable, and the kept answer. So the ratio measures what our layers cost over
the driver for the same database work. The writer's figure is `post()` as the app runs it,
subscribers and after-commit hooks included.
Also reported: seconds to verify and to rebuild the balances afterwards.
Prints one JSON line per database. Goal: writer postings/s >= 0.3 of the floor's.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import close_app, emit, migrated_app, note, p99_ms, pg_scratch, ratio

N = int(os.environ.get("BENCH_POSTINGS", "3000"))
GOAL = 0.3
ITEMS, BINS = 50, 20


def _setup(url: str) -> tuple[int, list[tuple[int, int]]]:
    """Items and bins in bulk (inside an app context); returns the Vendor id and the
    (item, bin) pairs postings cycle through."""
    from scanfloor.catalog.models import Item, Location, PackLevel
    from scanfloor.extensions import db

    vendor = db.session.scalar(db.select(Location.id).where(Location.code == "VENDOR"))
    bins = [Location(code=f"B{i}", name=f"B{i}", level="bin", type="storage") for i in range(BINS)]
    items = []
    for i in range(ITEMS):
        it = Item(sku=f"S{i}", sku_key=f"s{i}", name=f"Item {i}")
        it.packs.append(PackLevel(level="each", quantity=1))
        items.append(it)
    db.session.add_all(bins + items)
    db.session.commit()
    pairs = [(it.id, b.id) for it, b in zip(items * 4, bins * 10, strict=False)]
    return int(vendor), pairs


_POSTING = (
    "INSERT INTO postings (idempotency_key, fingerprint, movement_type, recorded_at) "
    "VALUES ({p}, {p}, 'receipt', {p}) RETURNING id"
)
_BALANCE = (
    "INSERT INTO balances (item_id, location_id, lot_id, container_id, quantity, updated_at) "
    "VALUES ({p}, {p}, NULL, NULL, {p}, {p}) "
    "ON CONFLICT (item_id, location_id, COALESCE(lot_id, 0), COALESCE(container_id, 0)) "
    "DO UPDATE SET quantity = balances.quantity + excluded.quantity, "
    "updated_at = excluded.updated_at"
)
_MOVEMENT = (
    "INSERT INTO movements (id, posting_id, item_id, quantity, from_location_id, "
    "to_location_id, movement_type, idempotency_key, chain_hash, occurred_at, recorded_at) "
    "VALUES ({p}, {p}, {p}, 1, {p}, {p}, 'receipt', {p}, {p}, {p}, {p})"
)
# What the writer sends besides (PERFORMANCE.md: a floor does the same statements): the
# command store's lookup and answer, the chain head read and move, the in-transaction
# subscriber's one read of which locations are sellable.
_FIND_ANSWER = (
    "SELECT command, fingerprint, answer FROM command_records WHERE caller = {p} AND key = {p}"
)
_ADD_ANSWER = (
    'INSERT INTO command_records (caller, "key", command, fingerprint, answer, created_at) '
    "VALUES ({p}, {p}, 'ledger.post', {p}, {p}, {p})"
)
_SELLABLE = "SELECT id, warehouse_id FROM locations WHERE id IN ({p}, {p}) AND sellable"
_SET_HEAD = "UPDATE ledger_chain SET last_movement_id = {p}, last_hash = {p} WHERE id = 1"
_HEAD = {  # (the previous hash, the new movement's id), as ledger/chain.py takes them
    "?": "SELECT last_hash, (SELECT COALESCE(MAX(id), 0) + 1 FROM movements) FROM ledger_chain",
    "%s": "UPDATE ledger_chain SET last_movement_id = last_movement_id WHERE id = 1 "
    "RETURNING last_hash, nextval('movements_id_seq')",
}
_HOLD = {"%s": "SELECT 1 FROM ledger_chain WHERE id = 1 FOR UPDATE"}
_LOCK_KEY = {"%s": "SELECT pg_advisory_xact_lock({p})"}


Loop = Callable[[int, list[tuple[int, int]]], dict[str, float]]


def _floor(
    cur: Any, begin: Callable[[], object], commit: Callable[[], object], ph: str, stamp: Any
) -> Loop:
    """The floor's loop on a bare DBAPI cursor; `ph` is the driver's placeholder. It sends
    the statements the writer sends for a keyed posting, and hashes the movement the same way
    (ledger.chain.link_hash), with no ORM, Core or Flask in between."""
    from scanfloor.ledger.chain import link_hash

    def run(vendor: int, pairs: list[tuple[int, int]]) -> dict[str, float]:
        sql = {
            name: stmt.format(p=ph)
            for name, stmt in (
                ("posting", _POSTING), ("balance", _BALANCE), ("movement", _MOVEMENT),
                ("find", _FIND_ANSWER), ("add", _ADD_ANSWER), ("sellable", _SELLABLE),
                ("set_head", _SET_HEAD),
            )
        }  # fmt: skip
        lock = _LOCK_KEY.get(ph, "").format(p=ph)
        lat = []
        t0 = time.perf_counter()
        for n in range(N):
            item, dst = pairs[n % len(pairs)]
            key = f"floor-{n}"
            s = time.perf_counter()
            now = stamp()
            begin()
            if lock:
                cur.execute(lock, (n,))
            cur.execute(sql["find"], ("system", key))
            cur.fetchone()
            cur.execute(sql["posting"], (f"system/{key}", "f" * 64, now))
            pid = cur.fetchone()[0]
            if ph in _HOLD:
                cur.execute(_HOLD[ph])
            cur.execute(sql["balance"], (item, vendor, -1, now))
            cur.execute(sql["balance"], (item, dst, 1, now))
            cur.execute(_HEAD[ph])
            last_hash, mid = cur.fetchone()
            row = {
                "id": mid, "posting_id": pid, "item_id": item, "quantity": 1,
                "from_location_id": vendor, "to_location_id": dst, "movement_type": "receipt",
                "idempotency_key": f"system/{key}#1", "occurred_at": now, "recorded_at": now,
            }  # fmt: skip
            digest = link_hash(last_hash, row)
            cur.execute(sql["set_head"], (mid, digest))
            cur.execute(
                sql["movement"],
                (mid, pid, item, vendor, dst, f"system/{key}#1", digest, now, now),
            )
            cur.execute(sql["sellable"], (vendor, dst))
            cur.fetchall()
            answer = f'{{"posting_id": {pid}, "movement_ids": [{mid}]}}'
            cur.execute(sql["add"], ("system", key, "f" * 64, answer, now))
            commit()
            lat.append(time.perf_counter() - s)
        dt = time.perf_counter() - t0
        return {"postings_per_s": round(N / dt, 1), "p99_ms": p99_ms(lat)}

    return run


def floor_sqlite(path: Path, vendor: int, pairs: list[tuple[int, int]]) -> dict[str, float]:
    con = sqlite3.connect(path, isolation_level=None)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        con.execute(f"PRAGMA {pragma}")
    cur = con.cursor()

    def stamp() -> str:  # the text SQLAlchemy's SQLite DateTime stores
        return datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

    run = _floor(
        cur, lambda: cur.execute("BEGIN IMMEDIATE"), lambda: cur.execute("COMMIT"), "?", stamp
    )
    try:
        return run(vendor, pairs)
    finally:
        con.close()


def floor_psycopg(url: str, vendor: int, pairs: list[tuple[int, int]]) -> dict[str, float]:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    con = psycopg.connect(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database
    )
    cur = con.cursor()

    def stamp() -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)

    try:  # psycopg opens the transaction on the first statement
        return _floor(cur, lambda: None, con.commit, "%s", stamp)(vendor, pairs)
    finally:
        con.close()


def writer(vendor: int, pairs: list[tuple[int, int]]) -> dict[str, Any]:
    """`post()` N times (inside the app context); then verify and rebuild."""
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.verify import rebuild_balances, verify_ledger
    from scanfloor.ledger.writer import post

    lat = []
    t0 = time.perf_counter()
    for n in range(N):
        item_id, bin_id = pairs[n % len(pairs)]
        s = time.perf_counter()
        line = MovementLine(
            item_id=item_id, quantity=1, from_location_id=vendor, to_location_id=bin_id
        )
        post(PostingRequest(movement_type="receipt", lines=(line,), idempotency_key=f"bench-{n}"))
        lat.append(time.perf_counter() - s)
    dt = time.perf_counter() - t0
    t1 = time.perf_counter()
    clean = verify_ledger().clean
    verify_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    rebuild_balances()
    rebuild_s = time.perf_counter() - t2
    return {
        "postings_per_s": round(N / dt, 1),
        "p99_ms": p99_ms(lat),
        "verify_s": round(verify_s, 4),
        "rebuild_s": round(rebuild_s, 4),
        "ledger_clean": bool(clean),
    }


def _line(db: str, floor_name: str, floor: dict[str, float], got: dict[str, Any]) -> None:
    r = ratio(got["postings_per_s"], floor["postings_per_s"])
    emit(
        {
            "benchmark": "ledger_writer",
            "database": db,
            "postings": N,
            "writer": got,
            floor_name: floor,
            "writer_vs_floor": r,
            "goal": {"vs_floor": GOAL},
            "holds": r >= GOAL,
        }
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.db"
        app = migrated_app(f"sqlite:///{path}")
        with app.app_context():
            vendor, pairs = _setup(str(path))
            close_app()
        # The floor gets its own copy: its rows carry no hash chain and would fail verify.
        shutil.copy(path, Path(tmp) / "floor.db")
        floor = floor_sqlite(Path(tmp) / "floor.db", vendor, pairs)
        with app.app_context():
            got = writer(vendor, pairs)
            close_app()
        _line("sqlite", "floor_raw_sqlite3", floor, got)

    with pg_scratch("ledger") as pg, pg_scratch("ledger_floor") as pg_floor:
        if not (pg and pg_floor):
            return
        note("ledger: PostgreSQL")
        floor_app = migrated_app(pg_floor)
        with floor_app.app_context():
            vendor, pairs = _setup(pg_floor)
            close_app()
        floor = floor_psycopg(pg_floor, vendor, pairs)
        app = migrated_app(pg)
        with app.app_context():
            vendor, pairs = _setup(pg)
            got = writer(vendor, pairs)
            close_app()
        _line("postgresql", "floor_raw_psycopg", floor, got)


if __name__ == "__main__":
    main()
