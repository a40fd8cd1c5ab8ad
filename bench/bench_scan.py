"""Receiving scans and putaway confirmations through the production server, beside the
/healthz floor of that same server, threads and connections, measured in the same run.

The server is docker/entrypoint.sh (migrate, then gunicorn with sync workers; BENCH_WORKERS,
default 2 as in the image). Per database (SQLite file; PostgreSQL when one answers) and per
client thread count (4 and 16) it drives BENCH_SCANS requests of each kind, every write with
its own Idempotency-Key, and prints one JSON line per (database, kind, threads).
Goal: scans/s >= 0.5 of /healthz/s and p99 < 50 ms.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Server,
    backend,
    close_app,
    drive,
    emit,
    migrated_app,
    note,
    pg_scratch,
    ratio,
    request,
    sender,
)

N = int(os.environ.get("BENCH_SCANS", "1500"))
THREADS = tuple(int(t) for t in os.environ.get("BENCH_THREADS", "4,16").split(","))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
ITEMS = 20
PASSWORD = "bench-password-1"
GOAL_RATIO = 0.5
GOAL_P99_MS = 50.0


def _seed(db_url: str) -> int:
    """Migrate and seed in this process: a worker, a PO for ITEMS items on a dock, and per
    item a bin that already holds it (so it is the suggestion) plus plenty on the dock to
    put away. Returns the PO id."""
    from scanfloor.auth.service import create_user
    from scanfloor.catalog.items_service import create_item
    from scanfloor.catalog.locations_service import create_location
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post
    from scanfloor.purchasing.orders_service import (
        LineSpec,
        create_purchase_order,
        open_purchase_order,
    )
    from scanfloor.purchasing.suppliers_service import create_supplier

    app = migrated_app(db_url, mode="demo")
    with app.app_context():
        from scanfloor.catalog.models import Location
        from scanfloor.extensions import db

        create_user(username="bench", role="worker", password=PASSWORD)
        wh = create_location(code="BWH", type="warehouse")
        dock = create_location(code="BDOCK", type="dock", parent_id=wh.id)
        create_location(code="BQUAR", type="quarantine", parent_id=wh.id)
        zone = create_location(code="BWH-A", type="zone", parent_id=wh.id)
        create_supplier(code="BENCH", name="Bench supplies")
        items = [create_item(sku=f"BENCH-{i:03d}", name=f"Bench item {i}") for i in range(ITEMS)]
        vendor = db.session.scalar(db.select(Location.id).where(Location.code == "VENDOR"))
        for i, it in enumerate(items):
            b = create_location(code=f"A-{i + 1}", type="storage", parent_id=zone.id)
            lines = (
                MovementLine(
                    item_id=it.id, quantity=1, from_location_id=vendor, to_location_id=b.id
                ),
                MovementLine(
                    item_id=it.id, quantity=10**6, from_location_id=vendor, to_location_id=dock.id
                ),
            )
            post(PostingRequest(movement_type="receipt", lines=lines))
        po = create_purchase_order(
            number="PO-BENCH",
            supplier="BENCH",
            lines=[LineSpec(item_id=it.id, quantity=100 * N, unit_cost="1.25") for it in items],
        )
        open_purchase_order(po.id)
        po_id = int(po.id)
        close_app()
    return po_id


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
    po_id = _seed(db_url)
    server = Server(db_url, tmp / f"server-{db}.log", WORKERS)
    port = server.port
    try:
        status, tok = request(
            port, "POST", "/api/v1/auth/token", {"username": "bench", "password": PASSWORD}
        )
        assert status in (200, 201), tok
        auth = {"Authorization": f"Bearer {tok['token']}"}
        _, ctx = request(port, "GET", f"/api/v1/purchase-orders/{po_id}/scan-context", None, auth)
        line_ids = [ln["id"] for ln in ctx["lines"]]
        _, listing = request(port, "GET", "/api/v1/putaway/tasks?limit=200", None, auth)
        tasks = [
            (t["id"], t["suggested_location"]["code"], t["suggested_location"]["id"])
            for t in listing["tasks"]
            if t["kind"] == "loose" and t["suggested_location"]
        ]
        assert len(tasks) == ITEMS, listing
        healthz = sender("GET", "/healthz")({})
        receive = sender(
            "POST",
            f"/api/v1/purchase-orders/{po_id}/receive",
            lambda n: {
                "line_id": line_ids[n % len(line_ids)],
                "quantity": 1,
                "to_location": "BDOCK",
                "device_id": f"BENCH-{n % 16}",
            },
        )(auth)
        putaway = sender(
            "POST",
            "/api/v1/putaway/confirm",
            lambda n: {
                "task_id": tasks[n % len(tasks)][0],
                "to_location": tasks[n % len(tasks)][1],
                "suggested_location_id": tasks[n % len(tasks)][2],
                "quantity": 1,
                "device_id": f"BENCH-{n % 16}",
            },
        )(auth)
        for threads in THREADS:
            floor = drive(port, N, threads, healthz)
            for kind, send in (("receive", receive), ("putaway", putaway)):
                got = drive(port, N, threads, send)
                r = ratio(got["per_s"], floor["per_s"])
                emit(
                    {
                        "benchmark": f"{kind}_scan",
                        "database": db,
                        "server": f"gunicorn via docker/entrypoint.sh, {WORKERS} sync workers",
                        "threads": threads,
                        kind: got,
                        "floor_healthz": floor,
                        f"{kind}_vs_floor": r,
                        "goal": {"vs_floor": GOAL_RATIO, "p99_ms_under": GOAL_P99_MS},
                        "holds": r >= GOAL_RATIO and got["p99_ms"] < GOAL_P99_MS,
                    }
                )
    finally:
        server.stop()
    if not _check(db_url):
        raise SystemExit(f"ledger not clean after the scan bench on {db}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        note("scan: SQLite")
        _run(f"sqlite:///{Path(tmp) / 'scan.db'}", Path(tmp))
        with pg_scratch("scan") as pg:
            if pg:
                note("scan: PostgreSQL")
                _run(pg, Path(tmp))


if __name__ == "__main__":
    main()
