"""What every benchmark shares: JSON lines out, a scratch PostgreSQL database, a migrated
app, the production server (gunicorn, sync workers, started by docker/entrypoint.sh) and a
load generator.

Each benchmark prints one JSON object per line on stdout: its figures, the floor measured in
the same run, the ratio under a key ending `_vs_floor` (or the figure against its absolute
goal), the goal, and `holds`. Progress and skip reasons go to stderr.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def p99_ms(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=100)[98] * 1000, 3)


def p50_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def ratio(value: float, floor: float) -> float:
    return round(value / floor, 3) if floor else 0.0


@contextmanager
def sql_meter(engine: Any) -> Iterator[dict[str, float]]:
    """Counts the statements sent on `engine` inside the block and the seconds the driver
    spent executing them (where a call's time goes: SQL, or Python around it)."""
    from sqlalchemy import event

    meter = {"statements": 0, "seconds": 0.0}
    started: list[float] = []

    def before(*_args: Any) -> None:
        started.append(time.perf_counter())

    def after(*_args: Any) -> None:
        meter["statements"] += 1
        meter["seconds"] += time.perf_counter() - started.pop()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield meter
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


@contextmanager
def pg_scratch(tag: str) -> Iterator[str | None]:
    """A fresh PostgreSQL database for one benchmark, dropped afterwards; None (with the
    reason on stderr) when no server answers. SCANFLOOR_BENCH_DATABASE_URL names the server
    (any database on it; an empty value turns PostgreSQL off)."""
    url = os.environ.get("SCANFLOOR_BENCH_DATABASE_URL", PG_DEFAULT)
    if not url:
        note(f"{tag}: PostgreSQL off (SCANFLOOR_BENCH_DATABASE_URL is empty)")
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"sf_bench_{tag}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to reach or create: skip, say why
        note(f"{tag}: PostgreSQL skipped ({exc.__class__.__name__}: {str(exc)[:120]})")
        admin.dispose()
        yield None
        return
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrated_app(url: str, mode: str = "test") -> Any:
    """A Flask app on `url`, migrated to all heads. Call inside `with app.app_context()`."""
    from flask_migrate import upgrade

    from scanfloor import create_app
    from scanfloor.config import Settings

    app = create_app(Settings(mode=mode, database_url=url))
    with app.app_context():
        upgrade(directory=str(REPO / "migrations"), revision="heads")
    return app


def close_app() -> None:
    from scanfloor.extensions import db

    db.session.remove()
    db.engine.dispose()


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


# --- the production server -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """docker/entrypoint.sh as the image runs it (migrate, then gunicorn with sync workers),
    in production mode with a throwaway SECRET_KEY. Output goes to a file: an unread pipe
    fills up and stalls the server."""

    def __init__(self, db_url: str, log: Path, workers: int) -> None:
        self.port = _free_port()
        self.workers = workers
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SCANFLOOR_", "FLASK_"))}
        env.update(
            DATABASE_URL=db_url,
            SCANFLOOR_MODE="production",
            SECRET_KEY=secrets.token_urlsafe(48),
            PORT=str(self.port),
            WEB_CONCURRENCY=str(workers),
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        )
        self.log = log
        with log.open("w") as out:
            self.proc = subprocess.Popen(
                ["sh", str(REPO / "docker" / "entrypoint.sh")],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: {log.read_text()[-2000:]}")
            try:
                status, _ = request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit("server did not answer /healthz within 90 s")

    def stop(self) -> None:
        self.proc.terminate()  # gunicorn's arbiter stops its workers on SIGTERM
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def request(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, Any]:
    """One request; JSON in and out. http.client, not requests: the load generator shares
    the 2 cores with the server, so its own cost per request must stay small."""
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = None if body is None else json.dumps(body).encode()
    h = {"Content-Type": "application/json"} if data is not None else {}
    c.request(method, path, body=data, headers={**h, **(headers or {})})
    resp = c.getresponse()
    raw = resp.read()
    if conn is None:
        c.close()
    ctype = resp.getheader("Content-Type") or ""
    return resp.status, json.loads(raw) if raw and "json" in ctype else raw


# One request: (connection, n) -> (status, body bytes)
Send = Callable[[http.client.HTTPConnection, int], tuple[int, bytes]]


def sender(
    method: str, path: Callable[[int], str] | str, body: Callable[[int], Any] | None = None
) -> Callable[[dict[str, str]], Send]:
    """Build a Send from a path and a body per request number; headers per request come
    from the caller (e.g. a fresh Idempotency-Key)."""

    def with_headers(headers: dict[str, str]) -> Send:
        def send(conn: http.client.HTTPConnection, n: int) -> tuple[int, bytes]:
            p = path(n) if callable(path) else path
            data = None if body is None else json.dumps(body(n)).encode()
            h = dict(headers)
            if data is not None:
                h["Content-Type"] = "application/json"
            h["Idempotency-Key"] = f"bench-{uuid.uuid4().hex}"
            conn.request(method, p, body=data, headers=h)
            resp = conn.getresponse()
            return resp.status, resp.read()

        return send

    return with_headers


def drive(port: int, total: int, threads: int, send: Send, warmup: int = 20) -> dict[str, Any]:
    """`total` requests from `threads` threads, each with its own connection; returns
    throughput and latency. Any failed request stops the benchmark (a fast error is not a
    result)."""
    latencies: list[float] = []
    failures: list[str] = []
    guard = threading.Lock()
    counter = iter(range(total + warmup * threads))
    start_gate = threading.Barrier(threads + 1)

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        for _ in range(warmup):  # every worker process warm before the clock starts
            with guard:
                n = next(counter)
            send(conn, n)
        start_gate.wait()
        while True:
            with guard:
                got = next(counter, None)
            if got is None:
                break
            n = got
            t0 = time.perf_counter()
            try:
                status, raw = send(conn, n)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                with guard:
                    failures.append(repr(exc))
                continue
            mine.append(time.perf_counter() - t0)
            if status >= 400:
                with guard:
                    failures.append(f"{status} {raw[:200]!r}")
        conn.close()
        with guard:
            latencies.extend(mine)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for th in workers:
        th.start()
    start_gate.wait()
    started = time.perf_counter()
    for th in workers:
        th.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, first: {failures[0]}")
    return {
        "requests": len(latencies),
        "per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": p50_ms(latencies),
        "p99_ms": p99_ms(latencies),
    }
