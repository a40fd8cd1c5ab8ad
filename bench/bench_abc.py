"""ABC classification of a warehouse over 1,000,000 ledger movements, on SQLite and (when one
answers) PostgreSQL. Goal: a classification under 2 s.

The seed: two warehouses (the one classified holds about 80 % of the traffic, the other is
there so the warehouse filter has work), ITEMS items, BINS bins, and BENCH_ABC_MOVEMENTS
movements over the last DAYS days through every flow a warehouse has: receipts from the
vendor (with a unit cost: the value basis reads the latest one), putaway, transfers,
picks, packing, shipments to CUSTOMER, customer returns, count and adjustment corrections,
scrap. Items are drawn Zipf-like, so a few sell a lot and most little, as in a real
catalog. The movements go in through the bare driver (ledger_load.py: why, and how).

What is timed: `counting.plans_service.classify_warehouse` as the API calls it (the metric
in one SQL aggregate over the window, the ranking, the item_classes rows written), for the
value and the velocity basis, RUNS times each (the first run of a process includes cold
caches; all are listed), with the statements it sent. The window ends when the rows were
made, so both databases see the same movements however long the load took. Prints one
JSON line per database.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import backend, close_app, emit, migrated_app, note, pg_scratch, sql_meter
from ledger_load import PER_POSTING, STAMP, bulk_items, load_movements

N = int(os.environ.get("BENCH_ABC_MOVEMENTS", "1000000"))
RUNS = int(os.environ.get("BENCH_ABC_RUNS", "3"))
ITEMS = 5000
BINS = 200  # per warehouse
DAYS = 180  # history; the classification window (90 days by default) covers half of it
CHUNK = 50_000
GOAL_SECONDS = 2.0
MAIN, OTHER = "AWH", "AWX"
# (movement type, share, from kind, to kind): the kinds are resolved per warehouse below.
FLOWS = (
    ("receipt", 0.10, "VENDOR", "dock"),
    ("putaway", 0.10, "dock", "bin"),
    ("transfer", 0.05, "bin", "bin"),
    ("pick", 0.24, "bin", "pack"),
    ("pack", 0.14, "pack", "ship"),
    ("ship", 0.22, "ship", "CUSTOMER"),
    ("return", 0.03, "CUSTOMER", "returns"),
    ("count", 0.03, "INV-ADJ", "bin"),
    ("count", 0.03, "bin", "INV-ADJ"),
    ("adjustment", 0.03, "bin", "INV-ADJ"),
    ("scrap", 0.03, "returns", "SCRAP"),
)


def _locations(code: str) -> dict[str, list[int]]:
    """A warehouse (services for the tree, Core for its bins); its location ids by kind."""
    from scanfloor.catalog.locations_service import create_location
    from scanfloor.catalog.models import Location
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db

    wh = create_location(code=code, type="warehouse")
    zone = create_location(code=f"{code}-Z", type="zone", parent_id=wh.id)
    kinds = {
        "dock": [create_location(code=f"{code}-DOCK", type="dock", parent_id=zone.id).id],
        "pack": [create_location(code=f"{code}-PACK", type="pack_station", parent_id=zone.id).id],
        "ship": [create_location(code=f"{code}-SHIP", type="shipping", parent_id=zone.id).id],
        "returns": [create_location(code=f"{code}-RET", type="returns", parent_id=zone.id).id],
    }
    _L = Location.__table__
    with write_transaction():
        conn = db.session.connection()
        conn.execute(
            _L.insert(),
            [
                {
                    "code": f"{code}-B{n:04d}",
                    "name": f"Bin {n}",
                    "level": "bin",
                    "type": "pick_face" if n % 3 == 0 else "storage",
                    "parent_id": zone.id,
                    "warehouse_id": wh.id,
                    "is_virtual": False,
                    "sellable": True,
                    "walk_sequence": 10 * (n + 1),
                    "active": True,
                }
                for n in range(BINS)
            ],
        )
        kinds["bin"] = [
            int(i)
            for i in conn.scalars(
                _L.select().with_only_columns(_L.c.id).where(_L.c.code.like(f"{code}-B%"))
            )
        ]
    kinds["warehouse"] = [wh.id]
    return kinds


def _rows(
    rng: random.Random, items: list[int], where: list[dict[str, list[int]]], now: datetime
) -> Iterator[list[tuple[Any, ...]]]:
    """N movements, oldest first, in chunks of CHUNK rows ready for the driver: posting id,
    item, quantity, from, to, type, reason, unit cost (text), occurred_at and recorded_at
    (text, naive UTC, as the app stores them)."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(items))]
    shuffled = items[:]
    rng.shuffle(shuffled)  # popularity is not id order
    costs = {i: f"{rng.uniform(0.5, 250.0):.2f}" for i in items}
    virtual = where[2]
    span = DAYS * 86400
    for start in range(0, N, CHUNK):
        size = min(CHUNK, N - start)
        picked = rng.choices(shuffled, weights=weights, k=size)
        flows = rng.choices(FLOWS, weights=[f[1] for f in FLOWS], k=size)
        chunk = []
        for k in range(size):
            n = start + k
            mtype, _share, src, dst = flows[k]
            wh = where[0] if rng.random() < 0.8 else where[1]
            frm = virtual[src][0] if src in virtual else rng.choice(wh[src])
            to = virtual[dst][0] if dst in virtual else rng.choice(wh[dst])
            if to == frm:  # a transfer within one bin is no movement: the next bin
                to = wh[dst][(wh[dst].index(to) + 1) % len(wh[dst])]
            at = (now - timedelta(seconds=span * (N - n) / N)).strftime(STAMP)
            receipt = mtype == "receipt"
            chunk.append(
                (
                    n // PER_POSTING + 1,
                    picked[k],
                    rng.randint(12, 240) if receipt else rng.randint(1, 12),
                    frm,
                    to,
                    mtype,
                    None if mtype in ("pick", "pack", "ship", "putaway") else f"bench_{mtype}",
                    costs[picked[k]] if receipt else None,
                    at,
                    at,
                )
            )
        yield chunk


def _run(url: str) -> None:
    from scanfloor.auth.service import create_user
    from scanfloor.catalog.models import Location
    from scanfloor.counting.plans_service import classify_warehouse
    from scanfloor.extensions import db
    from scanfloor.timeutil import utcnow

    database = backend(url)
    app = migrated_app(url)
    with app.app_context():
        items = bulk_items("ABC", ITEMS)
        main, other = _locations(MAIN), _locations(OTHER)
        virtual = {
            code: [int(i)]
            for code, i in db.session.execute(
                db.select(Location.code, Location.id).where(Location.is_virtual)
            )
        }
        boss = create_user(username="bench-abc", role="manager")
        now = utcnow()
        db.session.remove()  # no read snapshot held across the load
        chunks = _rows(random.Random(17), items, [main, other, virtual], now)
        load_s, shipped = load_movements(chunks, N, now, virtual["CUSTOMER"][0])
        note(f"abc {database}: {N} movements made and loaded in {load_s:.1f} s")
        wh = main["warehouse"][0]
        results: dict[str, Any] = {}
        for basis in ("value", "velocity"):
            runs, statements, got = [], [], None
            for _ in range(RUNS):
                db.session.remove()
                with sql_meter(db.engine) as meter:
                    t0 = time.perf_counter()
                    got = classify_warehouse(wh, basis, 90, boss.id, now=now)
                    runs.append(time.perf_counter() - t0)
                statements.append(int(meter["statements"]))
            results[basis] = {
                "seconds": round(statistics.median(runs), 3),
                "runs": [round(s, 3) for s in runs],
                "statements": statements[-1],
                "classes": _counts(got),
            }
        close_app()
    figure = max(r["seconds"] for r in results.values())
    emit(
        {
            "benchmark": "abc_classify",
            "database": database,
            "movements": N,
            "items": ITEMS,
            "bins_per_warehouse": BINS,
            "movements_to_customer": shipped,
            "window_days": 90,
            "load_s": round(load_s, 1),
            "classify": results,
            "seconds": figure,
            "goal": {"seconds_under": GOAL_SECONDS},
            "holds": figure < GOAL_SECONDS,
        }
    )


def _counts(got: Any) -> Any:
    """The A/B/C counts of the service's answer, whatever shape it returns them in."""
    if isinstance(got, dict):
        return got.get("counts", got)
    return getattr(got, "counts", None)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        note("abc: SQLite")
        _run(f"sqlite:///{Path(tmp) / 'abc.db'}")
        with pg_scratch("abc") as pg:
            if pg:
                note("abc: PostgreSQL")
                _run(pg)


if __name__ == "__main__":
    main()
