"""Validating and posting a batch of picks (picking/batch_service.confirm_picks: a scanner's
queue, a cart picked offline) beside a raw-driver floor writing the same rows, measured in
the same run, on SQLite and (when one answers) PostgreSQL.

The seed: a warehouse whose bin i holds item i (Core in bulk, stock in through the one
ledger writer), orders of 500 one-unit lines (a different item each) allocated by
allocation's batch run, a tote per order, and for each timed batch ONE wave released by
picking/wave_service.release_wave (one channel per batch, one cluster cart holding all its
orders: one task of exactly the batch's lines), claimed by the bench's worker. What is
timed is `confirm_picks` as the API calls it: resolving every scanned text, checking each
scan against its line, the one posting, consuming the reservations, writing the lines.
BENCH_BATCH ("1000x3,10000x1": size x runs) says which batches; a size's figure is the
median of its runs (the first run of the process includes cold caches; all are listed).

The floor, on a second database seeded the same way (no orders), through the bare driver
(sqlite3 / psycopg), one transaction per batch: the statements the ledger writer sends for
a posting of that many movements (the posting row, per movement the conditional decrement
of the bin's balance and the upsert of the tote's, the chain head read and move, the
movements with their chain hashes, computed with the same function, in one executemany).
Goals: 1,000 lines < 100 ms, 10,000 lines < 1 s. Prints one JSON line per database and size.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import close_app, emit, migrated_app, note, pg_scratch, ratio, sql_meter
from outbound_seed import Outbound, add_totes, allocated_orders, seed_outbound, tote_code

PLAN = [
    (int(size), int(runs))
    for size, runs in (
        part.split("x") for part in os.environ.get("BENCH_BATCH", "1000x3,10000x1").split(",")
    )
]
PER_ORDER = 500
GOALS_S = {1000: 0.1, 10000: 1.0}
WAREHOUSE = "BWH"


# --- the batches through the service -----------------------------------------------------


def _batches() -> list[tuple[int, int, int]]:
    """(size, first item index, run number) of every timed batch, in the order run."""
    out, start = [], 0
    for size, runs in PLAN:
        for _ in range(runs):
            out.append((size, start, len(out)))
            start += size
    return out


def _orders(start: int, size: int) -> list[range]:
    """Item indexes of each order of a batch: PER_ORDER lines each."""
    return [
        range(s, min(start + size, s + PER_ORDER)) for s in range(start, start + size, PER_ORDER)
    ]


def _seed(url: str, with_orders: bool) -> Outbound:
    """Warehouse, items, bins, stock (2 units a bin) and a tote per order; with_orders: the
    orders too, one channel per batch, allocated."""
    from scanfloor.allocation.channels_service import create_channel
    from scanfloor.allocation.realloc import run_allocation

    batches = _batches()
    floor = seed_outbound(WAREHOUSE, sum(size for size, _s, _r in batches), 2)
    for size, start, run in batches:
        add_totes(floor, [tote_code(f"B{run}-{j}") for j in range(len(_orders(start, size)))])
        if with_orders:
            ch = create_channel(
                f"BATCH{run}", warehouses=[WAREHOUSE], name=f"Batch {run}", kind="web"
            )
            orders = [[(floor.items[i], 1) for i in o] for o in _orders(start, size)]
            allocated_orders(ch.id, f"B{run}-", orders)
    if with_orders:
        run_allocation()
    return floor


def service(url: str) -> dict[int, list[dict[str, Any]]]:
    """Each batch released, claimed and confirmed in one call; timed, statements counted."""
    from scanfloor.access.service import set_user_warehouses
    from scanfloor.auth.service import create_user
    from scanfloor.extensions import db
    from scanfloor.ledger.verify import verify_ledger
    from scanfloor.picking.batch_service import confirm_picks
    from scanfloor.picking.pick_service import PickScan
    from scanfloor.picking.task_service import claim_next_task
    from scanfloor.picking.wave_service import release_wave, wave_rules

    app = migrated_app(url)
    out: dict[int, list[dict[str, Any]]] = {}
    with app.app_context():
        floor = _seed(url, with_orders=True)
        lead = create_user(username="bench-lead", role="supervisor")
        picker = create_user(username="bench-picker", role="worker")
        for u in (lead, picker):
            set_user_warehouses(u.id, [WAREHOUSE])
        item_of = {item: n for n, item in enumerate(floor.items)}
        for size, start, run in _batches():
            carts = len(_orders(start, size))
            rules = wave_rules([f"BATCH{run}"], mode="cluster", orders_per_picker=carts)
            release_wave(floor.warehouse_id, rules, actor_id=lead.id)
            task = claim_next_task(floor.warehouse_id, actor_id=picker.id)
            assert task is not None and len(task.lines) == size, "one task of the batch's lines"
            scans = [
                PickScan(
                    task.id,
                    ln.id,
                    floor.bin_codes[item_of[ln.item.id]],
                    floor.item_codes[item_of[ln.item.id]],
                    ln.quantity,
                    tote_code(ln.order.external_id),
                )
                for ln in task.lines
            ]
            db.session.remove()
            with sql_meter(db.engine) as meter:
                t0 = time.perf_counter()
                got = confirm_picks(task.id, scans, actor_id=picker.id, idempotency_key=f"b{run}")
                seconds = time.perf_counter() - t0
            assert got.lines == size and got.task.status == "done", got
            db.session.remove()
            out.setdefault(size, []).append(
                {
                    "seconds": seconds,
                    "statements": int(meter["statements"]),
                    "sql_seconds": meter["seconds"],
                }
            )
        if not verify_ledger().clean:
            raise SystemExit("ledger not clean after the batch pick bench")
        close_app()
    return out


# --- the floor ---------------------------------------------------------------------------

_KEY = (
    "item_id = {p} AND location_id = {p} AND COALESCE(lot_id, 0) = {p} "
    "AND COALESCE(container_id, 0) = {p}"
)
_TAKE = (
    "UPDATE balances SET quantity = quantity + {p}, updated_at = {p} "
    f"WHERE {_KEY} AND quantity + {{p}} >= 0"
)
_ADD = (
    "INSERT INTO balances (item_id, location_id, lot_id, container_id, quantity, updated_at) "
    "VALUES ({p}, {p}, NULL, {p}, {p}, {p}) "
    "ON CONFLICT (item_id, location_id, COALESCE(lot_id, 0), COALESCE(container_id, 0)) "
    "DO UPDATE SET quantity = balances.quantity + excluded.quantity, "
    "updated_at = excluded.updated_at"
)
_POSTING = (
    "INSERT INTO postings (idempotency_key, fingerprint, movement_type, actor_id, device_id, "
    "source_type, source_id, recorded_at) VALUES ({p}, {p}, 'pick', NULL, NULL, "
    "'pick_task', {p}, {p}) RETURNING id"
)
_MOVEMENT = (
    "INSERT INTO movements (id, posting_id, item_id, lot_id, quantity, from_location_id, "
    "from_container_id, to_location_id, to_container_id, movement_type, reason_code, actor_id, "
    "device_id, source_type, source_id, idempotency_key, unit_cost, reverses_movement_id, "
    "occurred_at, recorded_at, chain_hash) VALUES ({p}, {p}, {p}, NULL, 1, {p}, NULL, {p}, "
    "{p}, 'pick', NULL, NULL, NULL, 'pick_task', {p}, {p}, NULL, NULL, {p}, {p}, {p})"
)
_SET_HEAD = "UPDATE ledger_chain SET last_movement_id = {p}, last_hash = {p} WHERE id = 1"
_HEAD = {
    "?": "SELECT last_hash, (SELECT COALESCE(MAX(id), 0) FROM movements) FROM ledger_chain "
    "WHERE id = 1",
    "%s": "UPDATE ledger_chain SET last_movement_id = last_movement_id WHERE id = 1 "
    "RETURNING last_hash, ARRAY(SELECT nextval('movements_id_seq') FROM generate_series(1, %s))",
}
_HOLD = "SELECT 1 FROM ledger_chain WHERE id = 1 FOR UPDATE"


@dataclass(frozen=True)
class _Driver:
    cur: Any
    ph: str
    begin: Callable[[], object]
    commit: Callable[[], object]
    stamp: Callable[[datetime], Any]


def _floor_batch(d: _Driver, moves: Sequence[tuple[int, int, int, int]], run: int) -> float:
    """One posting of (item, bin, pack station, tote) movements of 1 unit; its seconds."""
    from scanfloor.ledger.chain import link_hash

    sql = {
        k: s.format(p=d.ph)
        for k, s in (
            ("take", _TAKE),
            ("add", _ADD),
            ("posting", _POSTING),
            ("movement", _MOVEMENT),
            ("set_head", _SET_HEAD),
        )
    }
    cur, pg = d.cur, d.ph == "%s"
    key = f"floor/b{run}"
    t0 = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    at = d.stamp(now)
    d.begin()
    cur.execute(sql["posting"], (key, "f" * 64, str(run), at))
    posting = cur.fetchone()[0]
    if pg:
        cur.execute(_HOLD)
    for item, bin_id, dest, tote in moves:
        cur.execute(sql["take"], (-1, at, item, bin_id, 0, 0, -1))
        if cur.rowcount != 1:
            raise SystemExit("floor: the bin ran out")
        cur.execute(sql["add"], (item, dest, tote, 1, at))
    if pg:
        cur.execute(_HEAD["%s"], (len(moves),))
        previous, ids = cur.fetchone()
        ids = sorted(ids)
    else:
        cur.execute(_HEAD["?"])
        previous, last = cur.fetchone()
        ids = list(range(last + 1, last + 1 + len(moves)))
    rows = []
    for n, (mid, (item, bin_id, dest, tote)) in enumerate(zip(ids, moves, strict=True)):
        row = {
            "id": mid, "posting_id": posting, "item_id": item, "quantity": 1,
            "from_location_id": bin_id, "to_location_id": dest, "to_container_id": tote,
            "movement_type": "pick", "source_type": "pick_task", "source_id": str(run),
            "idempotency_key": f"{key}#{n + 1}", "occurred_at": now, "recorded_at": now,
        }  # fmt: skip
        previous = link_hash(previous, row)
        rows.append(
            (
                mid,
                posting,
                item,
                bin_id,
                dest,
                tote,
                str(run),
                row["idempotency_key"],
                at,
                at,
                previous,
            )
        )
    cur.execute(sql["set_head"], (ids[-1], previous))
    cur.executemany(sql["movement"], rows)
    d.commit()
    return time.perf_counter() - t0


def _connect(url: str) -> tuple[Any, _Driver]:
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
            con.execute(f"PRAGMA {pragma}")
        cur = con.cursor()

        def text_stamp(now: datetime) -> str:  # the text SQLAlchemy's SQLite DateTime stores
            return now.strftime("%Y-%m-%d %H:%M:%S.%f")

        begin = lambda: cur.execute("BEGIN IMMEDIATE")  # noqa: E731
        return con, _Driver(cur, "?", begin, lambda: cur.execute("COMMIT"), text_stamp)
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    pg = psycopg.connect(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database
    )
    # psycopg opens the transaction on the first statement
    return pg, _Driver(pg.cursor(), "%s", lambda: None, pg.commit, lambda now: now)


def floor(url: str) -> dict[int, list[dict[str, Any]]]:
    from scanfloor.catalog.models import Container
    from scanfloor.extensions import db

    app = migrated_app(url)
    with app.app_context():
        got = _seed(url, with_orders=False)
        totes = dict(db.session.execute(db.select(Container.code, Container.id)).all())
        close_app()
    con, driver = _connect(url)
    out: dict[int, list[dict[str, Any]]] = {}
    try:
        for size, start, run in _batches():
            moves = [
                (got.items[i], got.bins[i], got.pack_station, totes[tote_code(f"B{run}-{j}")])
                for j, o in enumerate(_orders(start, size))
                for i in o
            ]
            out.setdefault(size, []).append({"seconds": _floor_batch(driver, moves, run)})
    finally:
        con.close()
    return out


def _summary(runs: list[dict[str, Any]], size: int) -> dict[str, Any]:
    seconds = statistics.median(r["seconds"] for r in runs)
    got: dict[str, Any] = {
        "runs": len(runs),
        "seconds": round(seconds, 4),
        "seconds_each": [round(r["seconds"], 4) for r in runs],
        "lines_per_s": round(size / seconds, 1),
    }
    if "statements" in runs[0]:
        got["statements"] = [r["statements"] for r in runs]
        got["sql_seconds_each"] = [round(r["sql_seconds"], 4) for r in runs]
    return got


def _lines(
    db: str,
    floor_name: str,
    got: dict[int, list[dict[str, Any]]],
    base: dict[int, list[dict[str, Any]]],
) -> None:
    for size, runs in got.items():
        batch, fl = _summary(runs, size), _summary(base[size], size)
        goal = GOALS_S.get(size, size / 10_000)
        emit(
            {
                "benchmark": "batch_pick",
                "database": db,
                "lines": size,
                "batch": batch,
                floor_name: fl,
                "batch_vs_floor": ratio(batch["lines_per_s"], fl["lines_per_s"]),
                "goal": {"seconds_under": goal},
                "holds": batch["seconds"] < goal,
            }
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        note("batch pick: SQLite")
        got = service(f"sqlite:///{tmp}/batch.db")
        base = floor(f"sqlite:///{tmp}/floor.db")
        _lines("sqlite", "floor_raw_sqlite3", got, base)
    with pg_scratch("batch_pick") as pg, pg_scratch("batch_pick_floor") as pg_floor:
        if not (pg and pg_floor):
            return
        note("batch pick: PostgreSQL")
        got = service(pg)
        base = floor(pg_floor)
        _lines("postgresql", "floor_raw_psycopg", got, base)


if __name__ == "__main__":
    main()
