"""Finance's three speed goals (issue 13), on SQLite and (when one answers) PostgreSQL, each
beside its floor measured in the same run. Prints three JSON lines per database.

1. `finance_valuation_writer`: the ledger writer with valuation on against the same writer
   with it off. POSTINGS one-line postings, alternately a receipt (VENDOR -> a bin, at a unit
   cost) and a shipment of what that bin holds (bin -> CUSTOMER), with an idempotency key,
   through `ledger.writer.post` as the app runs it: once in the app as built (finance's
   in-transaction subscriber registered beside the others) and once in an app whose
   subscriber registry (`app.extensions["scanfloor.ledger_subscribers"]`) lacks finance's
   entry, every other subscriber kept. Same postings, a fresh database each, WARMUP postings
   each off the clock; then the two take turns, BLOCK postings at a time (which goes first
   alternates), so whatever drifts during the run (the databases growing, checkpoints,
   other load on the machine) falls on both alike. Goal: postings/s with valuation >= 0.6
   of postings/s without. Also reported: latencies and statements per posting on each
   side, and the failures `finance verify` finds on the valued database afterwards (its
   time is not part of the figure).
2. `finance_rebuild`: `finance.rebuild.rebuild_check` (what `scanfloor finance rebuild
   --check` runs: every movement revalued in id order and compared with the stored movement
   values, journal lines, stock values and open FIFO layers) over MOVEMENTS movements. They
   are valued for real: they go in through the ledger writer with valuation on (no
   idempotency key), in postings of LINES lines each, which keeps the load a bench setup
   (load_s: about 50 s on SQLite and 110 s on PostgreSQL on a 2-core machine). Two
   warehouses of BINS bins, ITEMS items (one in four costed FIFO, the rest moving average),
   a mix of receipts at varying costs, bin-to-bin putaways (no value moves: the rebuild
   reads and skips them), shipments, transfers between the warehouses, scrap and count
   losses and gains; the generator keeps every bin's stock non-negative. Timed RUNS times
   (median; all listed) with its statements and this process's CPU seconds (what the
   rebuild costs in Python, and on SQLite in the database too, whatever else the machine
   runs). The floor: a bare `SELECT <the columns it reads> FROM movements ORDER BY id` fetch
   of the same rows. Goal: under 5 s, with no difference found.
3. `finance_trial_balance`: `finance.queries.trial_balance()` (every account's sums over all
   entries, as the API and the console ask for it) over JOURNAL_LINES journal lines. The
   entries (two lines each, between two accounts of the seeded chart, over the last twelve
   months) go in through the bare driver (executemany on SQLite, COPY on PostgreSQL, as
   ledger_load.py loads movements; the journal's append-only triggers fire on UPDATE and
   DELETE only); PostgreSQL is ANALYZEd after the load. Timed RUNS times (median). The
   floor: a bare `SELECT account_id, SUM(debit), SUM(credit) FROM journal_lines GROUP BY
   account_id`. Goal: under 1 s.

Sizes shrink with BENCH_FINANCE_POSTINGS, BENCH_FINANCE_MOVEMENTS, BENCH_FINANCE_LINES,
BENCH_FINANCE_JOURNAL_LINES and BENCH_FINANCE_RUNS.
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
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    backend,
    close_app,
    emit,
    migrated_app,
    note,
    pg_scratch,
    ratio,
    sql_meter,
)
from ledger_load import STAMP, bulk_items
from writer_ab import WARMUP, writer_on_off

POSTINGS = int(os.environ.get("BENCH_FINANCE_POSTINGS", "2000"))
MOVEMENTS = int(os.environ.get("BENCH_FINANCE_MOVEMENTS", "100000"))
LINES = int(os.environ.get("BENCH_FINANCE_LINES", "50"))
JOURNAL_LINES = int(os.environ.get("BENCH_FINANCE_JOURNAL_LINES", "1000000"))
RUNS = int(os.environ.get("BENCH_FINANCE_RUNS", "3"))
ITEMS = 1000
BINS = 40  # per warehouse
WRITER_ITEMS, WRITER_BINS = 50, 20
CHUNK = 50_000
GOAL_WRITER_VS_OFF = 0.6
GOAL_REBUILD_SECONDS = 5.0
GOAL_TRIAL_BALANCE_SECONDS = 1.0
# Postings of the rebuild's history: (movement type, share, what its lines do).
MIX = (
    ("receipt", 0.22, "receive"),
    ("putaway", 0.15, "bin_to_bin"),
    ("ship", 0.43, "ship"),
    ("transfer", 0.08, "between_warehouses"),
    ("scrap", 0.03, "scrap"),
    ("count", 0.045, "count_loss"),
    ("count", 0.045, "count_gain"),
)
# The floor reads what rebuild._movements reads.
_MOVEMENT_COLUMNS = (
    "id, item_id, quantity, from_location_id, to_location_id, lot_id, unit_cost, "
    "reverses_movement_id, source_type, source_id"
)


# --- shared setup -----------------------------------------------------------------------


def _site(code: str, bins: int) -> tuple[int, list[int]]:
    """A warehouse (services for the tree, Core for its bins); its id and bin ids."""
    from scanfloor.catalog.locations_service import create_location
    from scanfloor.catalog.models import Location
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db

    wh = create_location(code=code, type="warehouse")
    zone = create_location(code=f"{code}-Z", type="zone", parent_id=wh.id)
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
                    "type": "storage",
                    "parent_id": zone.id,
                    "warehouse_id": wh.id,
                    "is_virtual": False,
                    "sellable": True,
                    "walk_sequence": 10 * (n + 1),
                    "active": True,
                }
                for n in range(bins)
            ],
        )
        ids = [
            int(i)
            for i in conn.scalars(
                _L.select()
                .with_only_columns(_L.c.id)
                .where(_L.c.code.like(f"{code}-B%"))
                .order_by(_L.c.code)
            )
        ]
    return wh.id, ids


def _virtual() -> dict[str, int]:
    from scanfloor.catalog.models import Location
    from scanfloor.extensions import db

    return {
        str(code): int(i)
        for code, i in db.session.execute(
            db.select(Location.code, Location.id).where(Location.is_virtual)
        )
    }


def _cost(rng: random.Random, base: Decimal) -> Decimal:
    """A unit cost within 20 % of the item's base, to the cent (varying, so averages move)."""
    return (base * Decimal(str(round(rng.uniform(0.8, 1.2), 3)))).quantize(Decimal("0.01"))


# --- 1. the writer with valuation on and off ----------------------------------------------

Request = tuple[str, int, int, int, int, Decimal | None]  # type, item, from, to, qty, cost


def _writer_requests(
    rng: random.Random, items: list[int], bins: list[int], v: dict[str, int]
) -> list[Request]:
    """WARMUP + POSTINGS one-line postings: a receipt into a bin, then a shipment of part of
    what that bin holds of the item (so stock never runs short), and so on."""
    base = {i: Decimal(str(round(rng.uniform(1.0, 200.0), 2))) for i in items}
    out: list[Request] = []
    while len(out) < WARMUP + POSTINGS:
        item, dst = rng.choice(items), rng.choice(bins)
        qty = rng.randint(5, 20)
        out.append(("receipt", item, v["VENDOR"], dst, qty, _cost(rng, base[item])))
        out.append(("ship", item, dst, v["CUSTOMER"], rng.randint(1, qty), None))
    return out[: WARMUP + POSTINGS]


def _writer_setup() -> tuple[list[int], list[int], dict[str, int]]:
    items = bulk_items("FIW", WRITER_ITEMS)
    _wh, bins = _site("FWW", WRITER_BINS)
    return items, bins, _virtual()


def _post_one(n: int, req: Request, tag: str) -> float:
    """One request through the writer with its own idempotency key; seconds taken."""
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    kind, item, src, dst, qty, cost = req
    s = time.perf_counter()
    line = MovementLine(
        item_id=item, quantity=qty, from_location_id=src, to_location_id=dst, unit_cost=cost
    )
    post(PostingRequest(movement_type=kind, lines=(line,), idempotency_key=f"{tag}-{n}"))
    return time.perf_counter() - s


def writer_bench(database: str, off_url: str, on_url: str) -> None:
    """The writer with finance's subscriber on and off (writer_ab.py), then `finance
    verify` on the valued database, off the clock."""
    from scanfloor.finance.subscriber import NAME
    from scanfloor.finance.verify import verify

    def verified() -> dict[str, Any]:
        t0 = time.perf_counter()
        failures = len(verify())
        return {"verify_failures": failures, "verify_s": round(time.perf_counter() - t0, 3)}

    got = writer_on_off(
        NAME,
        off_url,
        on_url,
        lambda: _writer_requests(random.Random(31), *_writer_setup()),
        _post_one,
        POSTINGS,
        after=verified,
    )
    off, on = got["off"], got["on"]
    note(
        f"finance writer {database}: valuation off {off['postings_per_s']} postings/s, "
        f"on {on['postings_per_s']} postings/s"
    )
    r = ratio(on["postings_per_s"], off["postings_per_s"])
    emit(
        {
            "benchmark": "finance_valuation_writer",
            "database": database,
            "postings": POSTINGS,
            "valuation_on": on,
            "valuation_off": off,
            "on_vs_off": r,
            "goal": {"on_vs_off": GOAL_WRITER_VS_OFF},
            "holds": r >= GOAL_WRITER_VS_OFF,
        }
    )


# --- 2. finance rebuild over valued movements -------------------------------------------


class _Stock:
    """What each (item, bin) holds, and the keys holding anything, for drawing from."""

    def __init__(self) -> None:
        self.held: dict[tuple[int, int], int] = {}
        self.keys: list[tuple[int, int]] = []
        self.where: dict[tuple[int, int], int] = {}

    def add(self, key: tuple[int, int], qty: int) -> None:
        if self.held.get(key, 0) == 0:
            self.where[key] = len(self.keys)
            self.keys.append(key)
        self.held[key] = self.held.get(key, 0) + qty

    def take(self, key: tuple[int, int], qty: int) -> None:
        self.held[key] -= qty
        if self.held[key] == 0:
            at = self.where.pop(key)
            last = self.keys.pop()
            if last != key:
                self.keys[at] = last
                self.where[last] = at

    def draw(self, rng: random.Random) -> tuple[tuple[int, int], int]:
        key = self.keys[rng.randrange(len(self.keys))]
        return key, self.held[key]


def _history(
    rng: random.Random,
    items: list[int],
    sites: list[tuple[int, list[int]]],
    v: dict[str, int],
) -> Iterator[tuple[str, list[tuple[int, int, int, int, Decimal | None]]]]:
    """MOVEMENTS movements in postings of LINES lines: (movement type, [(item, from, to, qty,
    unit cost)]). Four in five lines touch the first warehouse."""
    base = {i: Decimal(str(round(rng.uniform(1.0, 200.0), 2))) for i in items}
    warehouse_of = {b: n for n, (_, bins) in enumerate(sites) for b in bins}
    stock = _Stock()
    made = 0
    kinds = [m[0] for m in MIX]
    weights = [m[1] for m in MIX]
    while made < MOVEMENTS:
        size = min(LINES, MOVEMENTS - made)
        pick = rng.choices(range(len(MIX)), weights=weights)[0]
        what = MIX[pick][2]
        if what not in ("receive", "count_gain") and len(stock.keys) < size:
            pick, what = 0, "receive"  # too little stock yet: receive first
        lines: list[tuple[int, int, int, int, Decimal | None]] = []
        for _ in range(size):
            bins = sites[0][1] if rng.random() < 0.8 else sites[1][1]
            if what == "receive":
                item, dst, qty = rng.choice(items), rng.choice(bins), rng.randint(5, 30)
                lines.append((item, v["VENDOR"], dst, qty, _cost(rng, base[item])))
                stock.add((item, dst), qty)
            elif what == "count_gain":
                item, dst, qty = rng.choice(items), rng.choice(bins), rng.randint(1, 3)
                lines.append((item, v["INV-ADJ"], dst, qty, None))
                stock.add((item, dst), qty)
            else:
                (item, src), held = stock.draw(rng)
                if what == "ship":
                    qty, dst = rng.randint(1, min(held, 8)), v["CUSTOMER"]
                elif what == "scrap":
                    qty, dst = rng.randint(1, min(held, 2)), v["SCRAP"]
                elif what == "count_loss":
                    qty, dst = rng.randint(1, min(held, 2)), v["INV-ADJ"]
                else:
                    own = sites[warehouse_of[src]][1]
                    other = sites[1 - warehouse_of[src]][1]
                    choices = own if what == "bin_to_bin" else other
                    dst = rng.choice(choices)
                    if dst == src:
                        dst = choices[(choices.index(src) + 1) % len(choices)]
                    qty = rng.randint(1, held)
                    stock.add((item, dst), qty)
                stock.take((item, src), qty)
                lines.append((item, src, dst, qty, None))
        made += size
        yield kinds[pick], lines


def _load_history(rng: random.Random, v: dict[str, int]) -> tuple[float, int, dict[str, int]]:
    """The history through the writer with valuation on; seconds, postings, lines by type."""
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db
    from scanfloor.finance.models import ItemCostMethod
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    items = bulk_items("FIN", ITEMS)
    sites = [_site("FWA", BINS), _site("FWB", BINS)]
    with write_transaction():
        db.session.connection().execute(
            ItemCostMethod.__table__.insert(),
            [{"item_id": i, "method": "fifo"} for i in items[::4]],
        )
    db.session.remove()
    postings, by_type = 0, dict.fromkeys(sorted({m[0] for m in MIX}), 0)
    t0 = time.perf_counter()
    for kind, lines in _history(rng, items, sites, v):
        post(
            PostingRequest(
                movement_type=kind,
                lines=tuple(
                    MovementLine(
                        item_id=item,
                        quantity=qty,
                        from_location_id=src,
                        to_location_id=dst,
                        unit_cost=cost,
                        reason_code=None if kind in ("receipt", "ship", "putaway") else "bench",
                    )
                    for item, src, dst, qty, cost in lines
                ),
            )
        )
        postings += 1
        by_type[kind] += len(lines)
        if postings % 200 == 0:
            note(f"finance rebuild: {postings * LINES} movements posted")
    return time.perf_counter() - t0, postings, by_type


def rebuild_bench(url: str) -> None:
    from sqlalchemy import func, select, text

    from scanfloor.extensions import db
    from scanfloor.finance.rebuild import rebuild_check
    from scanfloor.finance.valuation_models import MovementValue

    database = backend(url)
    app = migrated_app(url)
    with app.app_context():
        load_s, postings, by_type = _load_history(random.Random(41), _virtual())
        db.session.remove()
        valued = int(db.session.scalar(select(func.count()).select_from(MovementValue)) or 0)
        journal = db.session.execute(
            text(
                "SELECT (SELECT COUNT(*) FROM journal_entries), "
                "(SELECT COUNT(*) FROM journal_lines), (SELECT COUNT(*) FROM cost_layers)"
            )
        ).one()
        db.session.remove()
        if database == "postgresql":  # as autovacuum would have, after a bulk of writes
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        note(
            f"finance rebuild {database}: {MOVEMENTS} movements ({valued} valued) posted in "
            f"{postings} postings in {load_s:.1f} s"
        )
        floor_runs, fetched = [], 0
        for _ in range(RUNS):
            with db.engine.connect() as conn:
                t0 = time.perf_counter()
                fetched = len(
                    conn.execute(
                        text(f"SELECT {_MOVEMENT_COLUMNS} FROM movements ORDER BY id")
                    ).all()
                )
                floor_runs.append(time.perf_counter() - t0)
        runs, cpu, statements, differences = [], [], [], -1
        for _ in range(RUNS):
            db.session.remove()
            with sql_meter(db.engine) as meter:
                t0, c0 = time.perf_counter(), time.process_time()
                differences = len(rebuild_check())
                runs.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            statements.append(int(meter["statements"]))
        db.session.remove()
        close_app()
    seconds, floor = statistics.median(runs), statistics.median(floor_runs)
    emit(
        {
            "benchmark": "finance_rebuild",
            "database": database,
            "movements": MOVEMENTS,
            "movements_by_type": by_type,
            "valued_movements": valued,
            "journal_entries": int(journal[0]),
            "journal_lines": int(journal[1]),
            "cost_layers": int(journal[2]),
            "postings": postings,
            "lines_per_posting": LINES,
            "load_s": round(load_s, 1),
            "load_movements_per_s": round(MOVEMENTS / load_s, 1),
            "seconds": round(seconds, 3),
            "runs": [round(s, 3) for s in runs],
            "process_cpu_s": round(statistics.median(cpu), 3),
            "statements": statements[-1],
            "differences": differences,
            "floor_fetch_s": round(floor, 3),
            "floor_rows": fetched,
            "rebuild_vs_floor": ratio(seconds, floor),
            "goal": {"seconds_under": GOAL_REBUILD_SECONDS},
            "holds": seconds < GOAL_REBUILD_SECONDS and differences == 0,
        }
    )


# --- 3. the trial balance over a million journal lines ----------------------------------


def _journal_rows(
    rng: random.Random, accounts: list[int], warehouse: int, now: datetime
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """JOURNAL_LINES lines in balanced two-line entries, oldest first, in chunks: (entries,
    lines) as the driver takes them (ids given, amounts and dates as text)."""
    entries = JOURNAL_LINES // 2
    span = 365 * 86400
    stamp = now.strftime(STAMP)
    line_id = 0
    for start in range(0, entries, CHUNK // 2):
        es, ls = [], []
        for eid in range(start + 1, min(start + CHUNK // 2, entries) + 1):
            at = now - timedelta(seconds=span * (entries - eid) / entries)
            debit_account, credit_account = rng.sample(accounts, 2)
            amount = f"{rng.randint(1, 500_000) / 100:.2f}"
            es.append((eid, at.strftime("%Y-%m-%d"), at.strftime("%Y-%m"), "bench",
                       "bench", str(eid), "", stamp))  # fmt: skip
            ls.append((line_id + 1, eid, debit_account, amount, "0", warehouse))
            ls.append((line_id + 2, eid, credit_account, "0", amount, warehouse))
            line_id += 2
        yield es, ls


_ENTRY_COLUMNS = "id, entry_date, period, kind, source_type, source_id, memo, created_at"
_LINE_COLUMNS = "id, entry_id, account_id, debit, credit, warehouse_id"


def _load_journal(rows: Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]) -> float:
    """Entries and lines in one transaction through the bare driver; seconds taken (making the
    rows included)."""
    from scanfloor.extensions import db

    raw = db.engine.raw_connection()
    t0 = time.perf_counter()
    try:
        cur = raw.cursor()
        if backend(str(db.engine.url)) == "sqlite":
            cur.execute("BEGIN IMMEDIATE")
            for es, ls in rows:
                cur.executemany(
                    f"INSERT INTO journal_entries ({_ENTRY_COLUMNS}) VALUES ({', '.join('?' * 8)})",
                    es,
                )
                cur.executemany(
                    f"INSERT INTO journal_lines ({_LINE_COLUMNS}) VALUES ({', '.join('?' * 6)})",
                    ls,
                )
            cur.execute("COMMIT")
        else:
            last_entry = last_line = 0
            for es, ls in rows:
                with cur.copy(f"COPY journal_entries ({_ENTRY_COLUMNS}) FROM STDIN") as copy:
                    for row in es:
                        copy.write_row(row)
                with cur.copy(f"COPY journal_lines ({_LINE_COLUMNS}) FROM STDIN") as copy:
                    for row in ls:
                        copy.write_row(row)
                last_entry, last_line = es[-1][0], ls[-1][0]
            for table, last in (("journal_entries", last_entry), ("journal_lines", last_line)):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", (last,))
            raw.commit()
            cur.execute("ANALYZE")
            raw.commit()
        cur.close()
    finally:
        raw.close()
    return time.perf_counter() - t0


def trial_balance_bench(url: str) -> None:
    from sqlalchemy import text

    from scanfloor.extensions import db
    from scanfloor.finance.models import Account
    from scanfloor.finance.queries import trial_balance
    from scanfloor.timeutil import utcnow

    database = backend(url)
    app = migrated_app(url)
    with app.app_context():
        accounts = [int(i) for i in db.session.scalars(db.select(Account.id).order_by(Account.id))]
        wh, _bins = _site("FTB", 1)
        now = utcnow().replace(tzinfo=None)
        db.session.remove()
        load_s = _load_journal(_journal_rows(random.Random(53), accounts, wh, now))
        note(f"finance trial balance {database}: {JOURNAL_LINES} lines loaded in {load_s:.1f} s")
        floor_runs, groups = [], 0
        for _ in range(RUNS):
            with db.engine.connect() as conn:
                t0 = time.perf_counter()
                groups = len(
                    conn.execute(
                        text(
                            "SELECT account_id, SUM(debit), SUM(credit) FROM journal_lines "
                            "GROUP BY account_id"
                        )
                    ).all()
                )
                floor_runs.append(time.perf_counter() - t0)
        runs, statements, got = [], [], None
        for _ in range(RUNS):
            db.session.remove()
            with sql_meter(db.engine) as meter:
                t0 = time.perf_counter()
                got = trial_balance()
                runs.append(time.perf_counter() - t0)
            statements.append(int(meter["statements"]))
        db.session.remove()
        close_app()
    seconds, floor = statistics.median(runs), statistics.median(floor_runs)
    emit(
        {
            "benchmark": "finance_trial_balance",
            "database": database,
            "journal_lines": JOURNAL_LINES,
            "journal_entries": JOURNAL_LINES // 2,
            "accounts": len(accounts),
            "load_s": round(load_s, 1),
            "seconds": round(seconds, 3),
            "runs": [round(s, 3) for s in runs],
            "statements": statements[-1],
            "balanced": bool(got and got.balanced),
            "total_debit": str(got.debit) if got else None,
            "floor_group_by_s": round(floor, 3),
            "floor_groups": groups,
            "trial_balance_vs_floor": ratio(seconds, floor),
            "goal": {"seconds_under": GOAL_TRIAL_BALANCE_SECONDS},
            "holds": seconds < GOAL_TRIAL_BALANCE_SECONDS,
        }
    )


# --- the runs ------------------------------------------------------------------------------


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        note("finance: SQLite")
        writer_bench(
            "sqlite", f"sqlite:///{Path(tmp) / 'off.db'}", f"sqlite:///{Path(tmp) / 'on.db'}"
        )
        rebuild_bench(f"sqlite:///{Path(tmp) / 'rebuild.db'}")
        trial_balance_bench(f"sqlite:///{Path(tmp) / 'journal.db'}")
    with pg_scratch("fin_off") as off, pg_scratch("fin_on") as on:
        if not (off and on):
            return  # pg_scratch said why
        note("finance: PostgreSQL")
        writer_bench("postgresql", off, on)
    with pg_scratch("fin_rebuild") as pg:
        if pg:
            rebuild_bench(pg)
    with pg_scratch("fin_tb") as pg:
        if pg:
            trial_balance_bench(pg)


if __name__ == "__main__":
    main()
