"""Receiving scans through the real server, beside the HTTP floor measured in the same run.

Seeds a SQLite database in a temp dir (a worker, a supplier, items, a dock, an open PO),
starts `scanfloor serve` on a free port, and drives a bounded number of receive
confirmations from a few threads (one requests.Session each, each confirmation with its own
Idempotency-Key). The floor is the /healthz round trip on the same server, threads and
sessions: what any request costs before Scanfloor does any work. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
N = int(os.environ.get("BENCH_RECEIPTS", "2000"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
ITEMS = 20
PASSWORD = "bench-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCANFLOOR_", "FLASK_"))}
    env.update(DATABASE_URL=db_url, SCANFLOOR_MODE="demo")
    return env


def _seed(db_url: str) -> int:
    """Migrate and seed in this process; returns the PO id."""
    from flask_migrate import upgrade

    from scanfloor import create_app
    from scanfloor.auth.service import create_user
    from scanfloor.catalog.items_service import create_item
    from scanfloor.catalog.locations_service import create_location
    from scanfloor.config import Settings
    from scanfloor.extensions import db
    from scanfloor.receiving.orders_service import (
        LineSpec,
        create_purchase_order,
        open_purchase_order,
    )
    from scanfloor.receiving.suppliers_service import create_supplier

    app = create_app(Settings(mode="demo", database_url=db_url))
    with app.app_context():
        upgrade(directory=str(REPO / "migrations"), revision="heads")
        create_user(username="bench", role="worker", password=PASSWORD)
        wh = create_location(code="BWH", type="warehouse")
        create_location(code="BDOCK", type="dock", parent_id=wh.id)
        create_location(code="BQUAR", type="quarantine", parent_id=wh.id)
        create_supplier(code="BENCH", name="Bench supplies")
        items = [create_item(sku=f"BENCH-{i:03d}", name=f"Bench item {i}") for i in range(ITEMS)]
        po = create_purchase_order(
            number="PO-BENCH",
            supplier="BENCH",
            lines=[LineSpec(item_id=it.id, quantity=10 * N, unit_cost="1.25") for it in items],
        )
        open_purchase_order(po.id)
        po_id = po.id
        db.session.remove()
        db.engine.dispose()
    return po_id


def _check(db_url: str, po_id: int) -> tuple[int, int, bool]:
    """After the run: movements posted, units received on the PO, and the ledger verified."""
    from sqlalchemy import func, select

    from scanfloor import create_app
    from scanfloor.config import Settings
    from scanfloor.extensions import db
    from scanfloor.ledger.models import Movement
    from scanfloor.ledger.verify import verify_ledger
    from scanfloor.receiving.models import PurchaseOrderLine

    app = create_app(Settings(mode="demo", database_url=db_url))
    with app.app_context():
        moved = db.session.scalar(
            select(func.count()).select_from(Movement).where(Movement.source_id == str(po_id))
        )
        received = db.session.scalar(
            select(func.sum(PurchaseOrderLine.received)).where(PurchaseOrderLine.po_id == po_id)
        )
        clean = verify_ledger().clean
        db.session.remove()
        db.engine.dispose()
    return int(moved or 0), int(received or 0), bool(clean)


def _start(db_url: str, port: int, log: Path) -> subprocess.Popen[str]:
    # The server's output goes to a file: an unread pipe fills up and stalls the server.
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "scanfloor"), "serve", "--port", str(port)],
            env=_env(db_url),
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not answer /healthz within 60 s")


Send = Callable[[requests.Session, int], requests.Response]


def _drive(total: int, make: Send) -> dict[str, Any]:
    """Send `total` requests from THREADS threads; latency per request, throughput overall."""
    latencies: list[float] = []
    failures: list[str] = []
    guard = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def run(t: int) -> None:
        mine: list[float] = []
        with requests.Session() as session:
            barrier.wait()
            for n in range(t, total, THREADS):
                start = time.perf_counter()
                try:
                    resp = make(session, n)
                except requests.RequestException as exc:
                    with guard:
                        failures.append(repr(exc))
                    continue
                mine.append(time.perf_counter() - start)
                if not resp.ok:
                    with guard:
                        failures.append(f"{resp.status_code} {resp.text[:200]}")
        with guard:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, first: {failures[0]}")
    return {
        "per_s": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p99_ms": round(statistics.quantiles(latencies, n=100)[98] * 1000, 3),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        po_id = _seed(db_url)
        port = _free_port()
        proc = _start(db_url, port, Path(tmp) / "server.log")
        base = f"http://127.0.0.1:{port}"
        try:
            token = requests.post(
                f"{base}/api/v1/auth/token",
                json={"username": "bench", "password": PASSWORD},
                timeout=10,
            ).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            ctx = requests.get(
                f"{base}/api/v1/purchase-orders/{po_id}/scan-context", headers=headers, timeout=10
            ).json()
            line_ids = [ln["id"] for ln in ctx["lines"]]
            url = f"{base}/api/v1/purchase-orders/{po_id}/receive"

            def healthz(session: requests.Session, n: int) -> requests.Response:
                return session.get(f"{base}/healthz", timeout=30)

            def confirm(session: requests.Session, n: int) -> requests.Response:
                return session.post(
                    url,
                    headers={**headers, "Idempotency-Key": f"bench-{n}"},
                    json={
                        "line_id": line_ids[n % len(line_ids)],
                        "quantity": 1,
                        "to_location": "BDOCK",
                        "device_id": f"BENCH-{n % THREADS}",
                    },
                    timeout=30,
                )

            floor = _drive(N, healthz)
            receive = _drive(N, confirm)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        movements, received, clean = _check(db_url, po_id)
    print(
        json.dumps(
            {
                "benchmark": "receiving_scan",
                "server": "scanfloor serve (threaded), SQLite file",
                "confirmations": N,
                "threads": THREADS,
                "receive": receive,
                "floor_healthz": floor,
                "receive_vs_floor": round(receive["per_s"] / floor["per_s"], 3),
                "movements": movements,
                "received_total": received,
                "ledger_clean": clean,
            }
        )
    )


if __name__ == "__main__":
    main()
