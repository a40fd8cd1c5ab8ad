"""A purchase suggestion run over 5,000 SKUs and a year of daily ledger history, on SQLite
and (when one answers) PostgreSQL, beside a bare GROUP BY over the same rows measured in the
same run. Goal: the run under 5 s.

The seed: one warehouse with BINS sellable bins, ITEMS items each in one bin, SUPPLIERS
suppliers (each item has one preferred supplier item with a MOQ and a case pack) and one
reorder policy per item, of every kind (reorder point at 95 % ordering an EOQ, min/max,
periodic review every 7 days, buy-to-order). The history, DAYS days back from now: a first
receipt per item from VENDOR into its bin, sized so that about one item in ten runs out
before the end (so stock-out days are excluded on real rows), a receipt every RESTOCK_DAYS
days, and on each day a shipment from the bin to CUSTOMER with an item-specific chance
(smooth items most days, intermittent ones about one day in three, slow ones one in
twenty), 1-12 units: about 0.9 M movements. The movements go in through the bare driver
and the balances are rebuilt from them in one GROUP BY (ledger_load.py); the daily demand
projection the ledger writer's subscriber would have kept is built from them the way
migration 0015 backfills an existing ledger (its time is reported as projection_build_s,
not part of the run). A few hundred orders wait as backorders.

What is timed: `purchasing.suggest_service.run_suggestions` as the CLI calls it (every read:
positions, the daily demand with stock-out days, lead times, policies and terms; every
write: the suggestion lines, the draft POs), RUNS times (each run supersedes the drafts of
the one before, as a buyer re-running would), with its statements. The floor: the bare
`SELECT item_id, day, SUM(quantity) ... GROUP BY item_id, day` over the shipments, the
least any demand read must do. Prints one JSON line per database.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import backend, close_app, emit, migrated_app, note, pg_scratch, ratio, sql_meter
from ledger_load import PER_POSTING, STAMP, bulk_items, load_movements, rebuild_balances
from outbound_seed import allocated_orders

ITEMS = int(os.environ.get("BENCH_SUGGEST_ITEMS", "5000"))
DAYS = int(os.environ.get("BENCH_SUGGEST_DAYS", "365"))
RUNS = int(os.environ.get("BENCH_SUGGEST_RUNS", "3"))
BINS = 500
SUPPLIERS = 20
RESTOCK_DAYS = 30
BACKORDERS = 300
GOAL_SECONDS = 5.0
WAREHOUSE = "SWH"
# (share of items, chance of a sale on a day): smooth, intermittent, slow movers.
PATTERNS = ((0.4, 0.9), (0.4, 0.3), (0.2, 0.05))
POLICIES = ("reorder_point", "reorder_point", "min_max", "periodic_review", "buy_to_order")


def _floor_sql(database: str) -> str:
    day = "substr(occurred_at, 1, 10)" if database == "sqlite" else "CAST(occurred_at AS date)"
    return (
        f"SELECT item_id, {day} AS d, SUM(quantity) FROM movements "
        f"WHERE movement_type = 'ship' GROUP BY item_id, {day}"
    )


def _warehouse() -> tuple[int, list[int]]:
    """The warehouse (services for the tree, Core for its bins); its id and bin ids."""
    from scanfloor.catalog.locations_service import create_location
    from scanfloor.catalog.models import Location
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db

    wh = create_location(code=WAREHOUSE, type="warehouse")
    zone = create_location(code=f"{WAREHOUSE}-Z", type="zone", parent_id=wh.id)
    _L = Location.__table__
    with write_transaction():
        conn = db.session.connection()
        conn.execute(
            _L.insert(),
            [
                {
                    "code": f"{WAREHOUSE}-B{n:04d}",
                    "name": f"Bin {n}",
                    "level": "bin",
                    "type": "storage",
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
        bins = [
            int(i)
            for i in conn.scalars(
                _L.select()
                .with_only_columns(_L.c.id)
                .where(_L.c.code.like(f"{WAREHOUSE}-B%"))
                .order_by(_L.c.code)
            )
        ]
    return wh.id, bins


def _terms(rng: random.Random, items: list[int], wh: int) -> None:
    """Suppliers, one preferred supplier item per item, one reorder policy per item."""
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db
    from scanfloor.purchasing.models import Supplier
    from scanfloor.purchasing.terms_models import ReorderPolicy, SupplierItem
    from scanfloor.timeutil import utcnow

    now = utcnow()
    with write_transaction():
        conn = db.session.connection()
        conn.execute(
            Supplier.__table__.insert(),
            [
                {"code": f"SUP{s:02d}", "name": f"Supplier {s}", "active": True,
                 "over_receipt_tolerance_pct": 0, "currency": "EUR", "lead_time_days": 7 + s,
                 "production_days": 0, "transit_days": 0, "customs_days": 0, "imports": False,
                 "created_at": now}
                for s in range(SUPPLIERS)
            ],
        )  # fmt: skip
        suppliers = [int(i) for i in conn.scalars(db.select(Supplier.id).order_by(Supplier.id))]
        conn.execute(
            SupplierItem.__table__.insert(),
            [
                {"supplier_id": suppliers[n % SUPPLIERS], "item_id": item,
                 "supplier_sku": f"S-{item}", "unit_cost": f"{rng.uniform(0.5, 90):.2f}",
                 "currency": "EUR", "moq": rng.choice((1, 10, 24, 50)),
                 "case_pack": rng.choice((1, 6, 12, 24)), "purchase_unit": "each",
                 "units_per_purchase_unit": 1, "lead_time_days": rng.randint(5, 30),
                 "preferred": True, "active": True, "updated_at": now}
                for n, item in enumerate(items)
            ],
        )  # fmt: skip
        rows = []
        for n, item in enumerate(items):
            policy = POLICIES[n % len(POLICIES)]
            rows.append(
                {"item_id": item, "warehouse_id": wh, "policy": policy,
                 "min_qty": 20 if policy == "min_max" else None,
                 "max_qty": 120 if policy == "min_max" else None,
                 "service_level": "0.95" if policy in ("reorder_point", "periodic_review")
                 else None,
                 "review_days": 7 if policy == "periodic_review" else None,
                 "order_qty": None,
                 # The reorder point orders an EOQ from these costs.
                 "order_cost": "25.00" if policy == "reorder_point" else None,
                 "holding_rate": "0.25" if policy == "reorder_point" else None,
                 "active": True, "updated_at": now}
            )  # fmt: skip
        conn.execute(ReorderPolicy.__table__.insert(), rows)


def _history(
    rng: random.Random, items: list[int], bins: list[int], vendor: int, customer: int,
    now: datetime,
) -> tuple[list[list[tuple[Any, ...]]], int]:  # fmt: skip
    """The year's movements, oldest first, in chunks; and how many there are."""
    start = now - timedelta(days=DAYS)
    rows: list[tuple[Any, ...]] = []
    for n, item in enumerate(items):
        share = rng.random()
        chance = PATTERNS[0][1] if share < 0.4 else PATTERNS[1][1] if share < 0.8 else 0.05
        home = bins[n % len(bins)]
        sales = [(day, rng.randint(1, 12)) for day in range(DAYS) if rng.random() < chance]
        total = sum(q for _, q in sales)
        # About one item in ten gets a third of what it sells and no restock: it runs out
        # before the end. The others get an eighth up front and as much every RESTOCK_DAYS.
        short = rng.random() < 0.1
        first = max(1, total // 3 if short else total // 8 + 24)
        restock = 0 if short else first
        on_hand = first
        rows.append((item, first, vendor, home, "receipt", start))
        for day, qty in sales:
            at = start + timedelta(days=day, hours=9 + rng.random() * 8)
            if restock and day % RESTOCK_DAYS == 0:
                rows.append((item, restock, vendor, home, "receipt", at - timedelta(hours=2)))
                on_hand += restock
            if on_hand >= qty:
                rows.append((item, qty, home, customer, "ship", at))
                on_hand -= qty
    rows.sort(key=lambda r: r[5])
    out = [
        (
            k // PER_POSTING + 1, item, qty, frm, to, mtype, None,
            "1.00" if mtype == "receipt" else None,
            at.strftime(STAMP), at.strftime(STAMP),
        )
        for k, (item, qty, frm, to, mtype, at) in enumerate(rows)
    ]  # fmt: skip
    chunks = [out[i : i + 50_000] for i in range(0, len(out), 50_000)]
    return chunks, len(out)


def _orders(items: list[int]) -> None:
    """Orders waiting and allocated: a channel shipping from the warehouse and BACKORDERS
    lines (two units each) through allocation's batch run; what stock there is gets
    reserved, the rest waits as backorders."""
    from scanfloor.allocation.channels_service import create_channel
    from scanfloor.allocation.realloc import run_allocation

    channel = create_channel("SWEB", warehouses=[WAREHOUSE], name="Web", kind="web")
    allocated_orders(
        channel.id,
        "BO-",
        [[(items[(n * 7 + k) % len(items)], 2) for k in range(3)] for n in range(BACKORDERS // 3)],
    )
    run_allocation()


def _run(url: str) -> None:
    from sqlalchemy import text

    from scanfloor.auth.service import create_user
    from scanfloor.catalog.models import Location
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db
    from scanfloor.purchasing.demand_rebuild import rebuild as rebuild_projection
    from scanfloor.purchasing.suggest_service import run_suggestions
    from scanfloor.timeutil import utcnow

    database = backend(url)
    app = migrated_app(url)
    with app.app_context():
        rng = random.Random(23)
        items = bulk_items("SUG", ITEMS)
        wh, bins = _warehouse()
        virtual = {
            code: int(i)
            for code, i in db.session.execute(
                db.select(Location.code, Location.id).where(Location.is_virtual)
            )
        }
        _terms(rng, items, wh)
        create_user(username="bench-buyer", role="manager")
        now = utcnow()
        chunks, total = _history(rng, items, bins, virtual["VENDOR"], virtual["CUSTOMER"], now)
        db.session.remove()
        load_s, shipped = load_movements(iter(chunks), total, now, virtual["CUSTOMER"])
        rebuild_balances(now)
        # The bulk load went behind the ledger writer, so its subscriber never kept the daily
        # demand projection: build it from the movements, as migration 0015 does for an
        # existing ledger (timed and reported, not part of the run).
        t0 = time.perf_counter()
        with write_transaction():
            projection_rows = rebuild_projection(db.session.connection())["demand_days"]
        projection_s = time.perf_counter() - t0
        _orders(items)
        note(
            f"suggest {database}: {total} movements ({shipped} shipments) loaded in {load_s:.1f} s"
            f", demand projection ({projection_rows} rows) built in {projection_s:.1f} s"
        )

        floor_runs = []
        for _ in range(RUNS):
            with db.engine.connect() as conn:
                t0 = time.perf_counter()
                groups = len(conn.execute(text(_floor_sql(database))).all())
                floor_runs.append(time.perf_counter() - t0)
        runs, statements, got = [], [], None
        for _ in range(RUNS):
            db.session.remove()
            with sql_meter(db.engine) as meter:
                t0 = time.perf_counter()
                got = run_suggestions(trigger="cli", warehouse_id=wh, as_of=now.date())
                runs.append(time.perf_counter() - t0)
            statements.append(int(meter["statements"]))
        close_app()
    seconds = statistics.median(runs)
    floor = statistics.median(floor_runs)
    emit(
        {
            "benchmark": "purchase_suggestions",
            "database": database,
            "items": ITEMS,
            "history_days": DAYS,
            "movements": total,
            "shipments": shipped,
            "load_s": round(load_s, 1),
            "projection_rows": projection_rows,
            "projection_build_s": round(projection_s, 1),
            "seconds": round(seconds, 3),
            "runs": [round(s, 3) for s in runs],
            "statements": statements[-1],
            "lines_ordered": getattr(got, "lines_ordered", None),
            "po_count": getattr(got, "po_count", None),
            "floor_group_by_s": round(floor, 3),
            "floor_groups": groups,
            "run_vs_floor": ratio(seconds, floor),
            "goal": {"seconds_under": GOAL_SECONDS},
            "holds": seconds < GOAL_SECONDS,
        }
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        note("suggest: SQLite")
        _run(f"sqlite:///{Path(tmp) / 'suggest.db'}")
        with pg_scratch("suggest") as pg:
            if pg:
                note("suggest: PostgreSQL")
                _run(pg)


if __name__ == "__main__":
    main()
