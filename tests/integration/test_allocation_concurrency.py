"""Zero oversell through the real HTTP server (gunicorn, sync workers as separate processes)
on file-backed SQLite and PostgreSQL: clients released together by a Barrier race for the
same units, and the database is checked afterwards."""

from __future__ import annotations

import random
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from scanfloor import create_app
from scanfloor.config import Settings
from tests.e2e.conftest import BIN, base_env, free_port, serving

pytestmark = pytest.mark.slow

WORKERS = "4"


@pytest.fixture
def server_for(db_url: str) -> Iterator[Any]:
    """prepare(fn) fills the database in-process, then the server starts on it."""
    started: list[Any] = []

    def start(prepare: Any) -> tuple[str, str]:
        app = create_app(Settings(mode="test", database_url=db_url))
        from scanfloor.auth.service import create_api_key, create_user
        from scanfloor.extensions import db

        with app.app_context():
            prepare()
            create_user(username="shop", role="manager", password="shop-password-1")
            key = create_api_key(name="web shop", username="shop").key
            db.session.remove()
            db.engine.dispose()
        port = free_port()
        env = base_env(DATABASE_URL=db_url, SECRET_KEY=secrets.token_urlsafe(48))
        cmd = [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            WORKERS,
            "--timeout",
            "120",
            "scanfloor:create_app()",
        ]
        ctx = serving(cmd, env, port)
        url = ctx.__enter__()
        started.append(ctx)
        return url, key

    yield start
    for ctx in started:
        ctx.__exit__(None, None, None)


def db_rows(db_url: str, sql: str) -> list[Any]:
    eng = create_engine(db_url)
    try:
        with eng.connect() as conn:
            return list(conn.execute(text(sql)))
    finally:
        eng.dispose()


def fire(url: str, key: str, clients: int, bodies: list[list[dict[str, Any]]]) -> list[Any]:
    """Each client posts its bodies in turn; all clients start together."""
    barrier = threading.Barrier(clients)
    results: list[Any] = []
    guard = threading.Lock()

    def run(i: int) -> None:
        s = requests.Session()
        s.headers["X-API-Key"] = key
        barrier.wait(timeout=60)
        for body in bodies[i]:
            try:
                r = s.post(url + "/api/v1/orders", json=body, timeout=120)
                got: Any = (r.status_code, r.json())
            except requests.RequestException as exc:  # a dropped connection counts too
                got = (0, {"error": repr(exc)})
            with guard:
                results.append(got)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return results


def _stock(skus: dict[str, int], channels: list[tuple[str, bool]]) -> Any:
    def prepare() -> None:
        from scanfloor.allocation import channels_service
        from tests.factories import make_bin_in, make_item, make_warehouse, receive

        wh = make_warehouse("WH1")
        bin_ = make_bin_in(wh, "A-01")
        for sku, qty in skus.items():
            receive(make_item(sku), bin_, qty)
        for code, partial in channels:
            channels_service.create_channel(
                code,
                kind="web",
                name=code,
                allow_partial_shipment=partial,
                warehouses=["WH1"],
            )

    return prepare


def test_800_single_unit_orders_for_100_units_allocate_exactly_100(server_for, db_url):
    url, key = server_for(_stock({"HOT": 100}, [("WEB", True)]))
    bodies = [
        [
            {
                "channel": "WEB",
                "external_id": f"c{c}-o{n}",
                "lines": [{"sku": "HOT", "quantity": 1}],
            }
            for n in range(25)
        ]
        for c in range(32)
    ]
    results = fire(url, key, 32, bodies)
    codes = Counter(code for code, _ in results)
    assert codes == {201: 800}, codes
    statuses = Counter(body["status"] for _, body in results)
    assert statuses == {"allocated": 100, "backordered": 700}
    ((reserved, active, rows),) = db_rows(
        db_url,
        "SELECT (SELECT SUM(reserved) FROM stock_positions),"
        " (SELECT SUM(quantity) FROM reservations WHERE status = 'active'),"
        " (SELECT COUNT(*) FROM reservations)",
    )
    assert (reserved, active, rows) == (100, 100, 100)


def test_multi_line_orders_racing_over_8_skus_never_oversell_or_split_all_or_nothing(
    server_for, db_url
):
    skus = {f"S{n}": 40 for n in range(8)}
    url, key = server_for(_stock(skus, [("WEB", True), ("B2B", False)]))
    rnd = random.Random(4)
    bodies = []
    for c in range(16):
        mine = []
        for n in range(50):
            picked = rnd.sample(sorted(skus), rnd.randint(1, 4))
            mine.append(
                {
                    "channel": rnd.choice(["WEB", "B2B"]),
                    "external_id": f"c{c}-o{n}",
                    "lines": [{"sku": s, "quantity": rnd.randint(1, 3)} for s in picked],
                }
            )
        bodies.append(mine)
    results = fire(url, key, 16, bodies)
    codes = Counter(code for code, _ in results)
    assert codes == {201: 800}, codes
    for _, body in results:
        if body["channel"] == "B2B":
            held = [ln["reserved_qty"] for ln in body["lines"]]
            wanted = [ln["quantity"] for ln in body["lines"]]
            assert held in (wanted, [0] * len(wanted)), body
    rows = db_rows(
        db_url,
        "SELECT i.sku, p.reserved,"
        " (SELECT COALESCE(SUM(quantity), 0) FROM reservations r WHERE r.item_id = p.item_id"
        "  AND r.status = 'active')"
        " FROM stock_positions p JOIN items i ON i.id = p.item_id",
    )
    assert len(rows) == 8
    for sku, reserved, active in rows:
        assert reserved == active <= skus[sku], sku
    # Supply was short, so the stock was all used: nothing oversold, nothing left idle
    # that a waiting partial-shipment line could have taken.
    assert sum(r for _, r, _ in rows) > 0.9 * sum(skus.values())
