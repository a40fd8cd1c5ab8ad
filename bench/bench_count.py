"""Count confirmations through the production server, 4 and then 16 counters at once, each
beside the /healthz floor of that same server and thread count, measured in the same run.

The server is docker/entrypoint.sh (migrate, then gunicorn with sync workers; BENCH_WORKERS,
default 2 as in the image). Per database (SQLite file; PostgreSQL when one answers) the seed
is a warehouse of BINS bins, each holding PER_BIN items (outbound_seed.py's stocked bins,
then more stock into each through the one ledger writer), and an ad-hoc bin count task per
bin (counting.service.raise_count_task, as the console's ad-hoc count raises them). Each
counter is a thread with its own account and connection: it claims a task (POST
/count-tasks/claim), counts every item of the bin (POST /count-tasks/{id}/lines: the bin
and the item as the scanned texts, the quantity, each scan its own client_scan_id), one
line in COUNT_SHORT one unit short (within the C class's tolerance, so the finish posts an
adjustment), then finishes the task (POST /count-tasks/{id}/finish) and claims the next.
BENCH_COUNTS confirmations are timed per run (claims and finishes run inside the clock:
they are part of counting; their latency is reported apart). Goal: confirmations/s >= 0.5
of /healthz/s.

After the runs, in process on the same database: statements and milliseconds per
confirmation, finish and claim as requests through the Flask test client, so the JSON says
where the time goes. The ledger must verify clean afterwards.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
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
from outbound_seed import seed_outbound

N = int(os.environ.get("BENCH_COUNTS", "1000"))
COUNTERS = tuple(int(t) for t in os.environ.get("BENCH_COUNTERS", "4,16").split(","))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PER_BIN = 8  # items in each bin: one task is PER_BIN confirmations and a finish
STOCK = 40  # units of each item in each bin it is in
COUNT_SHORT = 8  # one line in this many is counted a unit short
WARMUP = 3  # confirmations per counter before the clock starts
PROFILE_TASKS = 4
PASSWORD = "bench-password-1"
WAREHOUSE = "CWH"
GOAL_RATIO = 0.5


def _tasks_needed() -> int:
    """Every run's confirmations and warm-up, plus a task per counter left held, twice."""
    lines = sum(N + t * WARMUP + 2 * t * PER_BIN for t in COUNTERS)
    return -(-lines // PER_BIN) + PROFILE_TASKS + 2


def _bin_items(n: int, items: int) -> list[int]:
    """Indexes of the items bin n holds: its own (outbound_seed) and the next PER_BIN - 1."""
    return [(n + k) % items for k in range(PER_BIN)]


def _seed(db_url: str) -> dict[str, list[tuple[str, int]]]:
    """Migrate and seed in this process; returns each bin's barcode -> [(item barcode, qty)]."""
    from sqlalchemy import select

    from scanfloor.access.service import set_user_warehouses
    from scanfloor.auth.service import create_user
    from scanfloor.catalog.models import Location
    from scanfloor.counting.service import raise_count_task
    from scanfloor.extensions import db
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    bins = _tasks_needed()
    app = migrated_app(db_url, mode="demo")
    with app.app_context():
        floor = seed_outbound(WAREHOUSE, bins, STOCK)
        vendor = db.session.scalar(select(Location.id).where(Location.code == "VENDOR"))
        more = [
            MovementLine(
                item_id=floor.items[i],
                quantity=STOCK,
                from_location_id=int(vendor),
                to_location_id=floor.bins[n],
            )
            for n in range(bins)
            for i in _bin_items(n, bins)[1:]
        ]
        for start in range(0, len(more), 5000):
            post(PostingRequest(movement_type="receipt", lines=tuple(more[start : start + 5000])))
        boss = create_user(username="bench-lead", role="supervisor", password=PASSWORD)
        set_user_warehouses(boss.id, [WAREHOUSE])
        for n in range(bins):
            raise_count_task(
                warehouse_id=floor.warehouse_id,
                location_id=floor.bins[n],
                item_id=None,
                reason="adhoc",
                source_type=None,
                source_id=None,
                actor_id=boss.id,
            )
        for threads in COUNTERS:
            for c in range(threads):
                u = create_user(username=_name(threads, c), role="worker", password=PASSWORD)
                set_user_warehouses(u.id, [WAREHOUSE])
        contents = {
            floor.bin_codes[n]: [(floor.item_codes[i], STOCK) for i in _bin_items(n, bins)]
            for n in range(bins)
        }
        close_app()
    return contents


def _name(threads: int, c: int) -> str:
    return f"counter-{threads:02d}-{c:02d}"


class _Counter:
    """One simulated counter: its account, its connection, the task it holds."""

    def __init__(self, port: int, token: str, contents: dict[str, list[tuple[str, int]]]):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.auth = {"Authorization": f"Bearer {token}"}
        self.contents = contents
        self.device = f"bench-{uuid.uuid4().hex[:8]}"
        self.task_id: int | None = None
        self.bin = ""
        self.todo: list[tuple[str, int]] = []
        self.counted = 0

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        key = f"bench-{uuid.uuid4().hex}"
        body = {**body, "client_scan_id": key, "device_id": self.device}
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
        status, got = self._post("/api/v1/count-tasks/claim", {"warehouse": WAREHOUSE})
        if status != 200:
            raise RuntimeError(f"claim: {status} {str(got)[:200]}")
        task = got["task"]
        if task is None:
            return False
        self.task_id = int(task["id"])
        self.bin = task["location"]["barcode"] or task["location"]["code"]
        # outbound_seed's item i: SKU <WH>-SKU-<i>, each barcode <WH>-EA-<i>.
        done = {c["item"]["sku"].replace("-SKU-", "-EA-") for c in task["counted"]}
        self.todo = [
            (code, qty) for code, qty in self.contents[task["location"]["code"]] if code not in done
        ]
        return True

    def confirm(self) -> None:
        """Scan the bin and the next item, enter the quantity counted."""
        code, qty = self.todo.pop(0)
        self.counted += 1
        short = 1 if self.counted % COUNT_SHORT == 0 else 0
        status, got = self._post(
            f"/api/v1/count-tasks/{self.task_id}/lines",
            {"location": self.bin, "barcode": code, "quantity": qty - short},
        )
        if status != 200:
            raise RuntimeError(f"count: {status} {str(got)[:300]}")

    def finish(self) -> str:
        status, got = self._post(f"/api/v1/count-tasks/{self.task_id}/finish", {"empty": False})
        if status != 200:
            raise RuntimeError(f"finish: {status} {str(got)[:300]}")
        self.task_id = None
        return str(got["outcome"])


def count_floor(
    port: int, tokens: list[str], total: int, contents: dict[str, list[tuple[str, int]]]
) -> dict[str, Any]:
    """`total` confirmations by one thread per token; finish and claim as each bin is done."""
    confirms: list[float] = []
    others: dict[str, list[float]] = {"claims": [], "finishes": []}
    outcomes: dict[str, int] = {}
    failures: list[str] = []
    guard = threading.Lock()
    tickets = iter(range(total))
    gate = threading.Barrier(len(tokens) + 1)
    starved = [0]

    def next_line(me: _Counter, mine: dict[str, list[float]]) -> bool:
        """Finish a counted bin and claim the next until there is a line to count."""
        while not me.todo:
            if me.task_id is not None:
                t0 = time.perf_counter()
                outcome = me.finish()
                mine["finishes"].append(time.perf_counter() - t0)
                with guard:
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
            t0 = time.perf_counter()
            more = me.claim()
            mine["claims"].append(time.perf_counter() - t0)
            if not more:
                return False
        return True

    def run(token: str) -> None:
        me = _Counter(port, token, contents)
        mine: list[float] = []
        mine_other: dict[str, list[float]] = {"claims": [], "finishes": []}
        try:
            for _ in range(WARMUP):  # every worker process warm before the clock starts
                if next_line(me, {"claims": [], "finishes": []}):
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
                if not next_line(me, mine_other):
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
            for k, v in mine_other.items():
                others[k].extend(v)

    threads = [threading.Thread(target=run, args=(t,)) for t in tokens]
    for th in threads:
        th.start()
    gate.wait()
    started = time.perf_counter()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} counters failed, first: {failures[0]}")
    if starved[0]:
        raise SystemExit(f"{starved[0]} counters ran out of tasks: seed more bins")
    return {
        "requests": len(confirms),
        "per_s": round(len(confirms) / elapsed, 1),
        "p50_ms": p50_ms(confirms),
        "p99_ms": p99_ms(confirms),
        **{
            k: {
                "requests": len(v),
                "p50_ms": p50_ms(v) if v else None,
                "p99_ms": p99_ms(v) if len(v) > 1 else None,
            }
            for k, v in others.items()
        },
        "finish_outcomes": outcomes,
    }


# --- where the time goes (in process, after the server runs) -----------------------------


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


def profile(db_url: str, contents: dict[str, list[tuple[str, int]]]) -> dict[str, Any]:
    """Claims, confirmations and finishes as requests through the Flask test client (auth,
    schema, idempotency, the service, JSON): statements and SQL time of each."""
    from scanfloor import create_app
    from scanfloor.access.service import set_user_warehouses
    from scanfloor.auth.service import create_user
    from scanfloor.config import Settings
    from scanfloor.extensions import db

    app = create_app(Settings(mode="demo", database_url=db_url))
    with app.app_context():
        uid = create_user(username="bench-profile", role="worker", password=PASSWORD).id
        set_user_warehouses(uid, [WAREHOUSE])
        client = app.test_client()
        tok = client.post(
            "/api/v1/auth/token", json={"username": "bench-profile", "password": PASSWORD}
        ).get_json()["token"]
        auth = {"Authorization": f"Bearer {tok}"}

        def post(path: str, body: dict[str, Any]) -> Any:
            key = uuid.uuid4().hex
            r = client.post(
                path,
                json={**body, "client_scan_id": key, "device_id": "bench-profile"},
                headers={**auth, "Idempotency-Key": key},
            )
            assert r.status_code == 200, (path, r.status_code, r.get_json())
            return r.get_json()

        measured: dict[str, list[dict[str, Any]]] = {"claim": [], "line": [], "finish": []}
        for _ in range(PROFILE_TASKS):
            got: list[dict[str, Any]] = []
            measured["claim"].append(
                _measure(
                    db.engine,
                    [
                        lambda got=got: got.append(
                            post("/api/v1/count-tasks/claim", {"warehouse": WAREHOUSE})
                        )
                    ],
                )
            )
            task = got[0]["task"]
            path = f"/api/v1/count-tasks/{task['id']}"
            where = task["location"]["barcode"] or task["location"]["code"]
            measured["line"].append(
                _measure(
                    db.engine,
                    [
                        lambda c=code, q=qty, p=path, w=where: post(
                            f"{p}/lines", {"location": w, "barcode": c, "quantity": q}
                        )
                        for code, qty in contents[task["location"]["code"]]
                    ],
                )
            )
            measured["finish"].append(
                _measure(db.engine, [lambda p=path: post(f"{p}/finish", {"empty": False})])
            )
        close_app()
    return {f"request_{k}": _merge(v) for k, v in measured.items()}


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The measures of several groups of calls as one (means of the groups' figures)."""
    return {
        "calls": sum(p["calls"] for p in parts),
        "statements_per_call": round(statistics.mean(p["statements_per_call"] for p in parts), 1),
        "ms_p50": round(statistics.median(p["ms_p50"] for p in parts), 3),
        "sql_ms_p50": round(statistics.median(p["sql_ms_p50"] for p in parts), 3),
    }


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
    contents = _seed(db_url)
    server = Server(db_url, tmp / f"server-count-{db}.log", WORKERS)
    port = server.port
    runs = []
    try:
        for threads in COUNTERS:
            tokens = []
            for c in range(threads):
                status, tok = request(
                    port,
                    "POST",
                    "/api/v1/auth/token",
                    {"username": _name(threads, c), "password": PASSWORD},
                )
                assert status in (200, 201), tok
                tokens.append(tok["token"])
            floor = drive(port, N, threads, sender("GET", "/healthz")({}))
            got = count_floor(port, tokens, N, contents)
            runs.append((threads, floor, got))
    finally:
        server.stop()
    prof = profile(db_url, contents)
    if not _check(db_url):
        raise SystemExit(f"ledger not clean after the count bench on {db}")
    for threads, floor, got in runs:
        extra = {k: got.pop(k) for k in ("claims", "finishes", "finish_outcomes")}
        r = ratio(got["per_s"], floor["per_s"])
        emit(
            {
                "benchmark": "count_confirm",
                "database": db,
                "server": f"gunicorn via docker/entrypoint.sh, {WORKERS} sync workers",
                "threads": threads,
                "items_per_bin": PER_BIN,
                "confirm": got,
                **extra,
                "floor_healthz": floor,
                "confirm_vs_floor": r,
                "in_process": prof,
                "goal": {"vs_floor": GOAL_RATIO},
                "holds": r >= GOAL_RATIO,
            }
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        note("count: SQLite")
        _run(f"sqlite:///{Path(tmp) / 'count.db'}", Path(tmp))
        with pg_scratch("count") as pg:
            if pg:
                note("count: PostgreSQL")
                _run(pg, Path(tmp))


if __name__ == "__main__":
    main()
