"""Every dashboard as the console asks for it, over a year of history (issue 14: "each
dashboard's queries over 1,000,000 movements and 100,000 orders answer in < 1 s on SQLite
and PostgreSQL"), on SQLite and (when one answers) PostgreSQL. Prints one JSON line per
database.

The data (dashboards_history.py says how it is made): one warehouse (zones, pick faces,
reserve bins, two docks, a pack station, a returns area), ITEMS items in categories,
suppliers, four channels, two carriers, workers; a year up to today of BENCH_DASH_ORDERS
orders (1-3 lines) picked, packed, shipped on confirmed shipments, some partly, some
backordered, cancelled or still open; purchase orders received onto the docks and put
away; returns inspected; cycle counts, adjustments and scraps; re-slotting transfers up to
BENCH_DASH_MOVEMENTS movements in all; with the journal, movement values and stock values
finance keeps, and channel settlements. Then, as the writer's subscribers would have kept
them: balances, the reports' daily facts (reporting/facts_rebuild.py) and the daily demand
projection. Row counts after the load are in the JSON (`sizes`).

What is timed (dashboards_timing.py says how): what the dashboards page fetches, in-process
through the Flask test client with an admin's bearer token; each KPI BENCH_DASH_RUNS times
at the console's default range, then BENCH_DASH_YEAR_RUNS times over the year; a request's
SQL is stopped after BENCH_DASH_BUDGET_S.

Goal: each dashboard's default view (the sum of its KPI requests, as one server worker
would answer them) under 1 s. BENCH_DASH_PROFILE=N profiles (cProfile, on stderr) the N
slowest KPI requests over the goal, at the range where each is over.

Sizes: BENCH_DASH_MOVEMENTS (default 1,000,000), BENCH_DASH_ORDERS (default 100,000),
BENCH_DASH_ITEMS (default 3,000, fewer for a small run). A smoke run:
BENCH_DASH_MOVEMENTS=20000 BENCH_DASH_ORDERS=2000 (seconds).
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from pathlib import Path
from random import Random
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboards_load import COLUMNS, Channel, History, Site, rebuild_derived, write_rows
from dashboards_timing import BUDGET_S, GOAL_S, PROFILE, profile_kpis, time_kpis
from harness import backend, close_app, emit, migrated_app, note, pg_scratch

MOVEMENTS = int(os.environ.get("BENCH_DASH_MOVEMENTS", "1000000"))
ORDERS = int(os.environ.get("BENCH_DASH_ORDERS", "100000"))
ITEMS = int(os.environ.get("BENCH_DASH_ITEMS", str(min(3000, max(60, ORDERS // 30)))))
WH = "DWH"
CATEGORIES = ("apparel", "footwear", "home", "garden", "toys", "beauty", "sports", "books")
# code, name, kind, share of orders, ships partial orders, days to promise, carrier, priority
CHANNELS = (
    ("WEB", "Web shop", "web", 0.5, True, 1, 0, 3),
    ("AMZ", "Marketplace", "marketplace", 0.3, True, 1, 1, 2),
    ("WHS", "Wholesale", "wholesale", 0.08, False, 3, 1, 1),
    ("POS", "Shops", "retail", 0.12, True, 2, 0, 0),
)
WORKERS = {"pickers": 10, "packers": 4, "receivers": 4, "counters": 4, "shippers": 2}
SIZES = (
    "movements", "postings", "orders", "order_lines", "order_events", "reservations",
    "shipments", "cartons", "floor_exceptions", "purchase_orders", "purchase_order_lines",
    "receipt_lines", "return_authorisations", "return_inspections", "count_tasks",
    "count_lines", "journal_entries", "journal_lines", "movement_values", "stock_values",
    "channel_settlement_lines", "balances", "movement_day_facts", "worker_quarters",
    "demand_days", "order_facts", "order_line_facts",
)  # fmt: skip


# --- the site ------------------------------------------------------------------------------


def _insert(table: Any, rows: list[dict[str, Any]], key: Any) -> list[int]:
    """Rows through Core in one statement; their ids in the order of `key`'s values."""
    from scanfloor.extensions import db

    conn = db.session.connection()
    conn.execute(table.insert(), rows)
    wanted = [r[key.name] for r in rows]
    found = dict(conn.execute(table.select().with_only_columns(key, table.c.id)).all())
    return [int(found[w]) for w in wanted]


def _site(rng: Random) -> Site:
    """The reference rows: locations and channels through their services, the rest in bulk."""
    from sqlalchemy import select

    from scanfloor.allocation.channels_service import create_channel
    from scanfloor.allocation.models import Channel as ChannelRow
    from scanfloor.auth.models import User
    from scanfloor.catalog.locations_service import create_location
    from scanfloor.catalog.models import Container, Item, Location
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db
    from scanfloor.finance.models import AccountRole
    from scanfloor.purchasing.models import Supplier
    from scanfloor.purchasing.terms_models import SupplierItem
    from scanfloor.shipping.models import Carrier
    from scanfloor.timeutil import utcnow

    now, n = utcnow(), ITEMS
    wh = create_location(code=WH, type="warehouse").id
    zone = {z: create_location(code=f"{WH}-{z}", type="zone", parent_id=wh).id
            for z in ("PF1", "PF2", "RS1", "RS2", "INB", "OUT", "RET")}  # fmt: skip
    docks = [create_location(code=f"{WH}-DOCK{k}", type="dock", parent_id=zone["INB"]).id
             for k in (1, 2)]  # fmt: skip
    pack = create_location(code=f"{WH}-PACK1", type="pack_station", parent_id=zone["OUT"]).id
    returns_area = create_location(code=f"{WH}-RET1", type="returns", parent_id=zone["RET"]).id
    for code, name, kind, _share, partial, _sla, _carrier, priority in CHANNELS:
        create_channel(code, warehouses=[WH], name=name, kind=kind, priority=priority,
                       ship_within_hours=24 if kind == "web" else 48,
                       allow_partial_shipment=partial)  # fmt: skip
    _L, _I, _U, _SUP = Location.__table__, Item.__table__, User.__table__, Supplier.__table__
    _C, _CA, _AR = Container.__table__, Carrier.__table__, AccountRole.__table__
    with write_transaction():
        costs = [round(math.exp(rng.uniform(0.5, 4.2)), 2) for _ in range(n)]
        items = _insert(_I, [
            {"sku": f"DSH-{i:05d}", "sku_key": f"dsh-{i:05d}", "name": f"Item {i}",
             "base_unit": "each", "tracking": "none", "expiry_tracked": False,
             "attributes": {"category": CATEGORIES[i % len(CATEGORIES)]}, "active": True,
             "created_at": now} for i in range(n)], _I.c.sku)  # fmt: skip

        def bins(kind: str, zones: tuple[str, str], tag: str) -> list[int]:
            return _insert(_L, [
                {"code": f"{WH}-{tag}{i:05d}", "name": f"{tag} {i}", "level": "bin",
                 "type": kind, "parent_id": zone[zones[i % 2]], "warehouse_id": wh,
                 "is_virtual": False, "sellable": True, "walk_sequence": i, "active": True}
                for i in range(n)], _L.c.code)  # fmt: skip

        faces = bins("pick_face", ("PF1", "PF2"), "F")
        reserve_a = bins("storage", ("RS1", "RS2"), "A")
        reserve_b = bins("storage", ("RS2", "RS1"), "B")
        people = {role: _insert(_U, [
            {"username": f"dash-{role}-{k:02d}", "display_name": f"{role} {k}",
             "role": "supervisor" if role == "shippers" else "worker", "active": True,
             "created_at": now} for k in range(count)], _U.c.username)
            for role, count in WORKERS.items()}  # fmt: skip
        leads = [rng.randint(3, 14) for _ in range(12)]
        suppliers = _insert(_SUP, [
            {"code": f"SUP{k:02d}", "name": f"Supplier {k}", "active": True,
             "over_receipt_tolerance_pct": 5, "currency": "EUR", "lead_time_days": leads[k],
             "production_days": 0, "transit_days": 0, "customs_days": 0, "imports": False,
             "created_at": now} for k in range(12)], _SUP.c.code)  # fmt: skip
        supplier_of = [rng.randrange(12) for _ in range(n)]
        packs = [rng.choice((1, 1, 6, 12)) for _ in range(n)]
        db.session.execute(SupplierItem.__table__.insert(), [
            {"supplier_id": suppliers[supplier_of[i]], "item_id": items[i],
             "supplier_sku": f"S{i}", "unit_cost": costs[i], "currency": "EUR", "moq": 1,
             "case_pack": packs[i], "purchase_unit": "each", "units_per_purchase_unit": 1,
             "lead_time_days": leads[supplier_of[i]], "preferred": True, "active": True,
             "updated_at": now} for i in range(n)])  # fmt: skip
        carriers = _insert(_CA, [
            {"code": code, "name": code, "adapter": "manual", "services": ["standard"],
             "tracking_prefix": code[:3], "settings": {}, "active": True}
            for code in ("PARCELCO", "FREIGHTCO")], _CA.c.code)  # fmt: skip
        totes = _insert(_C, [
            {"code": f"TOTE-{k:04d}", "kind": "tote", "location_id": pack, "active": True,
             "created_at": now} for k in range(400)], _C.c.code)  # fmt: skip
        found = db.session.execute(select(_L.c.code, _L.c.id).where(_L.c.is_virtual))
        virtual = {str(c): int(i) for c, i in found}
        default = _AR.c.warehouse_id.is_(None)
        found = db.session.execute(select(_AR.c.role, _AR.c.account_id).where(default))
        accounts = {str(r): int(a) for r, a in found}
        found = db.session.execute(select(ChannelRow.code, ChannelRow.id))
        channels = {str(c): int(i) for c, i in found}
    return Site(
        wh=wh, items=items, categories=[CATEGORIES[i % len(CATEGORIES)] for i in range(n)],
        costs=costs, prices=[round(c * rng.uniform(1.5, 2.6), 2) for c in costs],
        pick_face=faces, reserve=list(zip(reserve_a, reserve_b, strict=True)), docks=docks,
        pack=pack, returns_area=returns_area, virtual=virtual,
        suppliers=list(zip(suppliers, leads, strict=True)), supplier_of=supplier_of,
        case_pack=packs,
        channels=[Channel(channels[c], c, share, partial, sla, carrier, kind == "marketplace")
                  for c, _, kind, share, partial, sla, carrier, _ in CHANNELS],
        carriers=carriers, workers=people, accounts=accounts, totes=totes,
    )  # fmt: skip


def _first_ids() -> dict[str, int]:
    from sqlalchemy import text

    from scanfloor.extensions import db

    return {
        t: int(db.session.execute(text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {t}")).scalar_one())
        for t, cols in COLUMNS.items()
        if cols[0] == "id"
    }


def _sizes() -> dict[str, int]:
    from sqlalchemy import text

    from scanfloor.extensions import db

    out = {
        t: int(db.session.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()) for t in SIZES
    }
    db.session.remove()
    return out


# --- the run -------------------------------------------------------------------------------


def _run(url: str) -> None:
    from dashboards_model import DAYS
    from scanfloor.auth.service import create_user
    from scanfloor.auth.tokens import issue_token
    from scanfloor.extensions import db
    from scanfloor.reporting.dashboards import DASHBOARDS
    from scanfloor.timeutil import utcnow

    database = backend(url)
    app = migrated_app(url)
    with app.app_context():
        rng = Random(14)
        site = _site(rng)
        admin = create_user(username="dash-admin", role="admin")
        headers = {"Authorization": f"Bearer {issue_token(admin.id, ttl=None).token}"}
        db.session.commit()
        now, first = utcnow(), _first_ids()
        db.session.remove()
        t0 = time.perf_counter()
        rows = History(site, rng, now, ORDERS, MOVEMENTS, first).run()
        load = {"simulate_s": round(time.perf_counter() - t0, 1)}
        t0 = time.perf_counter()
        write_rows(rows)
        load["write_s"] = round(time.perf_counter() - t0, 1)
        del rows
        load.update(rebuild_derived(now))
        load_s = round(sum(load.values()), 1)
        sizes = _sizes()
        if database == "postgresql":  # the budget (_Budget) for every connection from now on
            name = db.engine.url.database
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql(
                    f"ALTER DATABASE \"{name}\" SET statement_timeout = '{BUDGET_S}s'"
                )
            db.engine.dispose()
        note(
            f"dashboards {database}: {sizes['movements']} movements, {sizes['orders']} orders "
            f"over {DAYS} days loaded ({load})"
        )
        client = app.test_client()
        timed = time_kpis(client, headers, now.date())
        kpis = timed["kpis"]
        if PROFILE:
            profile_kpis(client, headers, kpis)
        close_app()
    boards = {}
    for name, ids in DASHBOARDS.items():
        shown = [k for k in ids if k in kpis]
        slowest = max(shown, key=lambda k: kpis[k]["default"]["s"])
        seconds = round(sum(kpis[k]["default"]["s"] for k in shown), 3)
        boards[name] = {
            "seconds": seconds,
            "slowest_kpi": slowest,
            "slowest_s": kpis[slowest]["default"]["s"],
            "year_seconds": round(sum(kpis[k]["year"]["s"] for k in shown), 3),
            "failed": [k for k in shown if kpis[k]["default"]["failed"]],
            "holds": seconds < GOAL_S and not any(kpis[k]["default"]["failed"] for k in shown),
        }
    for f in kpis.values():
        for r in ("default", "year"):
            del f[r]["path"]
    emit(
        {
            "benchmark": "dashboards",
            "database": database,
            "sizes": sizes,
            "load_s": load_s,
            "load_steps_s": load,
            "ranges": timed["ranges"],
            "page_s": timed["page_s"],
            "dashboards": boards,
            "kpis": kpis,
            "over_goal": {
                r: sorted(k for k, f in kpis.items() if f[r]["s"] >= GOAL_S)
                for r in ("default", "year")
            },
            "failed": {
                r: sorted(k for k, f in kpis.items() if f[r]["failed"]) for r in ("default", "year")
            },
            "budget_s": BUDGET_S,
            "goal_s": GOAL_S,
            "holds": all(b["holds"] for b in boards.values()),
        }
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        note("dashboards: SQLite")
        _run(f"sqlite:///{Path(tmp) / 'dashboards.db'}")
    with pg_scratch("dashboards") as pg:
        if pg:
            note("dashboards: PostgreSQL")
            _run(pg)


if __name__ == "__main__":
    main()
