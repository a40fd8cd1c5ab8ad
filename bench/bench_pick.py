"""Pick confirmations through the production server, 32 pickers at once, beside the /healthz
floor of that same server and thread count, measured in the same run.

The server is docker/entrypoint.sh (migrate, then gunicorn with sync workers; BENCH_WORKERS,
default 2 as in the image). Per database (SQLite file; PostgreSQL when one answers) the seed
is a warehouse of ITEMS stocked bins (one item each, walk-sequenced), a tote per order,
orders of LINES_PER_ORDER lines allocated by allocation's batch run, and ONE wave released
by picking/wave_service.release_wave (cluster carts of 8 orders: 32 lines a task, and at
least twice as many tasks as pickers). Each of BENCH_PICKERS threads (default 32) is a
picker with its own account and connection: it claims a task (POST /pick-tasks/claim),
confirms its lines in walk order (POST /pick-tasks/{id}/picks with the bin, item and tote as
the scanned texts, each scan its own client_scan_id), and claims again when the task is done.
BENCH_PICKS confirmations are timed (claims run inside the clock: they are part of picking;
their latency is reported apart). Goal: confirmations/s >= 0.5 of /healthz/s, p99 < 50 ms.

After the run, in process on the same database: statements and milliseconds per
confirmation (the service alone, and the request through the Flask test client), so the
JSON says where the time goes. The ledger must verify clean afterwards.

The seed is outbound_seed.py's.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Server,
    backend,
    close_app,
    drive,
    emit,
    migrated_app,
    note,
    p50_ms,
    p99_ms,
    pg_scratch,
    ratio,
    request,
    sender,
    sql_meter,
)
from outbound_seed import add_totes, allocated_orders, seed_outbound, tote_code

N = int(os.environ.get("BENCH_PICKS", "1000"))
PICKERS = int(os.environ.get("BENCH_PICKERS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
ITEMS = 400
LINES_PER_ORDER = 4
CART = 8  # orders per cluster cart: 32 lines a task
WARMUP = 3  # confirmations per picker before the clock starts
PASSWORD = "bench-password-1"
WAREHOUSE = "PWH"
GOAL_RATIO = 0.5
GOAL_P99_MS = 50.0


# --- the picking floor for the server run ------------------------------------------------


def _seed(db_url: str) -> dict[str, Any]:
    """Migrate and seed in this process; returns what the run reports about the wave."""
    from scanfloor.access.service import set_user_warehouses
    from scanfloor.allocation.channels_service import create_channel
    from scanfloor.allocation.realloc import run_allocation
    from scanfloor.auth.service import create_user
    from scanfloor.picking.wave_rules import WaveRules
    from scanfloor.picking.wave_service import release_wave

    # Every picker ends holding at most a task: lines enough for the run, the warm-up and
    # one task per picker left over, twice.
    lines = N + PICKERS * WARMUP + 2 * PICKERS * CART * LINES_PER_ORDER
    count = -(-lines // LINES_PER_ORDER)
    rnd = random.Random(9)
    app = migrated_app(db_url, mode="demo")
    with app.app_context():
        floor = seed_outbound(WAREHOUSE, ITEMS, 10**6)
        channel = create_channel("PWEB", warehouses=[WAREHOUSE], name="Web", kind="web")
        orders = [
            [(floor.items[i], rnd.randint(1, 3)) for i in rnd.sample(range(ITEMS), LINES_PER_ORDER)]
            for _ in range(count)
        ]
        allocated_orders(channel.id, "P", orders)
        add_totes(floor, [tote_code(f"P{n}") for n in range(count)])
        t0 = time.perf_counter()
        summary = run_allocation()
        allocate_s = time.perf_counter() - t0
        boss = create_user(username="bench-lead", role="supervisor", password=PASSWORD)
        for p in range(PICKERS):
            u = create_user(username=f"picker-{p:02d}", role="worker", password=PASSWORD)
            set_user_warehouses(u.id, [WAREHOUSE])
        set_user_warehouses(boss.id, [WAREHOUSE])
        t0 = time.perf_counter()
        wave = release_wave(
            floor.warehouse_id,
            WaveRules(mode="cluster", orders_per_picker=CART),
            actor_id=boss.id,
        )
        release_s = time.perf_counter() - t0
        got = {
            "orders": count,
            "lines_allocated": summary.lines_allocated,
            "allocate_s": round(allocate_s, 3),
            "wave_orders": wave.order_count,
            "wave_lines": wave.line_count,
            "wave_tasks": len(wave.tasks),
            "release_s": round(release_s, 3),
        }
        close_app()
    return got


class _Picker:
    """One simulated picker: its account, its connection, the task it holds."""

    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.auth = {"Authorization": f"Bearer {token}"}
        self.task_id: int | None = None
        self.todo: list[dict[str, Any]] = []

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        key = f"bench-{uuid.uuid4().hex}"
        body = {**body, "client_scan_id": key}
        self.conn.request(
            "POST",
            path,
            body=json.dumps(body).encode(),
            headers={**self.auth, "Content-Type": "application/json", "Idempotency-Key": key},
        )
        resp = self.conn.getresponse()
        raw = resp.read()
        return resp.status, json.loads(raw) if raw else None

    def claim(self) -> bool:
        """Claim the next task (or resume the one held); False when no work is left."""
        status, got = self._post("/api/v1/pick-tasks/claim", {"warehouse": WAREHOUSE})
        if status != 200:
            raise RuntimeError(f"claim: {status} {str(got)[:200]}")
        task = got["task"]
        if task is None:
            return False
        self.task_id = int(task["id"])
        lines = [ln for ln in task["lines"] if ln["status"] == "open"]
        self.todo = sorted(lines, key=lambda ln: ln["seq"])
        return bool(self.todo)

    def confirm(self) -> None:
        """Scan the next line's bin, item and the order's tote, the whole line at once."""
        ln = self.todo.pop(0)
        status, got = self._post(
            f"/api/v1/pick-tasks/{self.task_id}/picks",
            {
                "line_id": ln["id"],
                "bin": ln["bin"]["barcode"] or ln["bin"]["code"],
                "item": ln["item"]["barcodes"][0],
                "quantity": ln["quantity"] - ln["picked"],
                "tote": tote_code(ln["order"]["external_id"]),
            },
        )
        if status != 200:
            raise RuntimeError(f"pick: {status} {str(got)[:300]}")


def pick_floor(port: int, tokens: list[str], total: int) -> dict[str, Any]:
    """`total` confirmations by one thread per token; claims as each picker runs dry."""
    confirms: list[float] = []
    claims: list[float] = []
    failures: list[str] = []
    guard = threading.Lock()
    tickets = iter(range(total))
    gate = threading.Barrier(len(tokens) + 1)
    starved = [0]

    def run(token: str) -> None:
        me = _Picker(port, token)
        mine: list[float] = []
        mine_claims: list[float] = []
        try:
            for _ in range(WARMUP):  # every worker process warm before the clock starts
                if not me.todo and not me.claim():
                    break
                me.confirm()
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            with guard:
                failures.append(f"warm-up: {exc!r}")
        gate.wait()
        try:
            while not failures:
                with guard:
                    if next(tickets, None) is None:
                        break
                if not me.todo:
                    t0 = time.perf_counter()
                    more = me.claim()
                    mine_claims.append(time.perf_counter() - t0)
                    if not more:
                        with guard:
                            starved[0] += 1
                        break
                t0 = time.perf_counter()
                me.confirm()
                mine.append(time.perf_counter() - t0)
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            with guard:
                failures.append(repr(exc))
        me.conn.close()
        with guard:
            confirms.extend(mine)
            claims.extend(mine_claims)

    threads = [threading.Thread(target=run, args=(t,)) for t in tokens]
    for th in threads:
        th.start()
    gate.wait()
    started = time.perf_counter()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} pickers failed, first: {failures[0]}")
    if starved[0]:
        raise SystemExit(f"{starved[0]} pickers ran out of tasks: seed more lines")
    return {
        "requests": len(confirms),
        "per_s": round(len(confirms) / elapsed, 1),
        "p50_ms": p50_ms(confirms),
        "p99_ms": p99_ms(confirms),
        "claims": {
            "requests": len(claims),
            "p50_ms": p50_ms(claims) if claims else None,
            "p99_ms": p99_ms(claims) if len(claims) > 1 else None,
        },
    }


# --- where the time goes (in process, after the server run) ------------------------------


def _measure(engine: Any, calls: Sequence[Callable[[], object]]) -> dict[str, Any]:
    per_call, sql_s, stmts = [], [], []
    for call in calls:
        with sql_meter(engine) as meter:
            t0 = time.perf_counter()
            call()
            per_call.append(time.perf_counter() - t0)
        sql_s.append(meter["seconds"])
        stmts.append(meter["statements"])
    return {
        "calls": len(calls),
        "statements_per_call": round(statistics.mean(stmts), 1),
        "ms_p50": p50_ms(per_call),
        "sql_ms_p50": p50_ms(sql_s),
    }


def profile(db_url: str) -> dict[str, Any]:
    """Confirmations in process: through the service alone, and as requests through the
    Flask test client (auth, schema, idempotency, JSON); statements and SQL time of each."""
    from scanfloor import create_app
    from scanfloor.access.service import set_user_warehouses
    from scanfloor.auth.service import create_user
    from scanfloor.config import Settings
    from scanfloor.extensions import db
    from scanfloor.picking.pick_service import PickScan, confirm_pick
    from scanfloor.picking.task_service import claim_next_task

    app = create_app(Settings(mode="demo", database_url=db_url))
    with app.app_context():
        uid = create_user(username="bench-profile", role="worker", password=PASSWORD).id
        set_user_warehouses(uid, [WAREHOUSE])

        def scans() -> list[PickScan]:
            """Every open line of the next task (the one held is done by then)."""
            task = claim_next_task(_wh_id(), actor_id=uid, idempotency_key=uuid.uuid4().hex)
            db.session.commit()
            assert task is not None, "no task left to profile"
            return [
                PickScan(task.id, ln.id, ln.bin.barcode or ln.bin.code, ln.item.barcodes[0],
                         ln.quantity - ln.picked, tote_code(ln.order.external_id))
                for ln in task.lines if ln.status == "open"
            ]  # fmt: skip

        def service_call(s: PickScan) -> Callable[[], object]:
            def call() -> None:
                confirm_pick(s, actor_id=uid, idempotency_key=uuid.uuid4().hex)
                db.session.remove()

            return call

        svc = _measure(db.engine, [service_call(s) for s in scans()])
        client = app.test_client()
        tok = client.post(
            "/api/v1/auth/token", json={"username": "bench-profile", "password": PASSWORD}
        ).get_json()["token"]
        auth = {"Authorization": f"Bearer {tok}"}

        def post(path: str, body: dict[str, Any]) -> Callable[[], object]:
            def call() -> None:
                key = uuid.uuid4().hex
                r = client.post(
                    path,
                    json={**body, "client_scan_id": key},
                    headers={**auth, "Idempotency-Key": key},
                )
                assert r.status_code == 200, r.get_json()

            return call

        req = _measure(
            db.engine,
            [
                post(f"/api/v1/pick-tasks/{s.task_id}/picks",
                     {k: v for k, v in asdict(s).items() if k != "task_id"})
                for s in scans()
            ],
        )  # fmt: skip
        claim = _measure(
            db.engine, [post("/api/v1/pick-tasks/claim", {"warehouse": WAREHOUSE})] * 10
        )
        close_app()
    return {"service_confirm_pick": svc, "request_pick": req, "request_claim_then_resume": claim}


def _wh_id() -> int:
    from scanfloor.picking.queries import warehouse

    return warehouse(WAREHOUSE).id


def _check(db_url: str) -> bool:
    from scanfloor import create_app
    from scanfloor.config import Settings
    from scanfloor.ledger.verify import verify_ledger

    app = create_app(Settings(mode="demo", database_url=db_url))
    with app.app_context():
        clean = bool(verify_ledger().clean)
        close_app()
    return clean


def _run(db_url: str, tmp: Path) -> None:
    db = backend(db_url)
    seeded = _seed(db_url)
    server = Server(db_url, tmp / f"server-pick-{db}.log", WORKERS)
    port = server.port
    try:
        tokens = []
        for p in range(PICKERS):
            status, tok = request(
                port,
                "POST",
                "/api/v1/auth/token",
                {"username": f"picker-{p:02d}", "password": PASSWORD},
            )
            assert status in (200, 201), tok
            tokens.append(tok["token"])
        floor = drive(port, N, PICKERS, sender("GET", "/healthz")({}))
        got = pick_floor(port, tokens, N)
    finally:
        server.stop()
    prof = profile(db_url)
    if not _check(db_url):
        raise SystemExit(f"ledger not clean after the pick bench on {db}")
    claims = got.pop("claims")
    r = ratio(got["per_s"], floor["per_s"])
    emit(
        {
            "benchmark": "pick_confirm",
            "database": db,
            "server": f"gunicorn via docker/entrypoint.sh, {WORKERS} sync workers",
            "threads": PICKERS,
            "seed": seeded,
            "confirm": got,
            "claims": claims,
            "floor_healthz": floor,
            "confirm_vs_floor": r,
            "in_process": prof,
            "goal": {"vs_floor": GOAL_RATIO, "p99_ms_under": GOAL_P99_MS},
            "holds": r >= GOAL_RATIO and got["p99_ms"] < GOAL_P99_MS,
        }
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        note("pick: SQLite")
        _run(f"sqlite:///{Path(tmp) / 'pick.db'}", Path(tmp))
        with pg_scratch("pick") as pg:
            if pg:
                note("pick: PostgreSQL")
                _run(pg, Path(tmp))


if __name__ == "__main__":
    main()
