"""A webhook receiver for outbox tests: a real HTTP server thread on 127.0.0.1 that checks
each request's signature, logs every delivery it is handed (duplicates included), tracks
how many requests are in flight per channel and per delivery id, and can be down, slow, or
hold one request open."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import select

from scanfloor.allocation import channels_service
from scanfloor.allocation.signing import HEADER, verify
from scanfloor.allocation.webhooks import destination
from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.outbox.dispatcher import dispatch_due
from scanfloor.outbox.models import OutboxMessage
from scanfloor.outbox.service import enqueue
from tests.e2e.conftest import free_port
from tests.factories import make_warehouse

SECRET = "s3cret-s3cret-s3cret"
_M = OutboxMessage.__table__


class Receiver:
    def __init__(self, port: int | None = None, delay_s: float = 0.0) -> None:
        self.port = port or free_port()
        self.delay_s = delay_s
        self.log: list[tuple[str, int, str]] = []  # (channel, delivery id, kind), as received
        self.refused = 0
        self.overlaps: list[str] = []  # same channel or same id in flight twice at once
        self.hold_request_no: int | None = None  # hold the n-th request (1-based) open
        self.holding = threading.Event()
        self.release = threading.Event()
        self._flight: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def _handle(self, headers: Any, body: bytes) -> int:
        if not verify(SECRET, headers.get(HEADER, ""), body, int(time.time())):
            with self._lock:
                self.refused += 1
            return 401
        doc = json.loads(body)
        delivery = int(headers["Scanfloor-Delivery"])
        assert delivery == doc["id"]
        keys = (f"channel {doc['channel']}", f"id {delivery}")
        with self._lock:
            self.log.append((doc["channel"], delivery, doc["kind"]))
            number = len(self.log)
            for k in keys:
                self._flight[k] += 1
                if self._flight[k] > 1:
                    self.overlaps.append(k)
        try:
            if number == self.hold_request_no:
                self.holding.set()
                self.release.wait(30)
            elif self.delay_s:
                time.sleep(self.delay_s)
        finally:
            with self._lock:
                for k in keys:
                    self._flight[k] -= 1
        return 204

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver._handle(self.headers, body)
                try:
                    self.send_response(status)
                    self.end_headers()
                except OSError:
                    pass  # the dispatcher is gone (killed mid-delivery)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self) -> list[int]:
        with self._lock:
            return [i for _, i, _ in self.log]

    def deduplicated(self) -> dict[str, list[int]]:
        """What a receiver that deduplicates on Scanfloor-Delivery keeps, per channel."""
        seen: set[int] = set()
        out: dict[str, list[int]] = defaultdict(list)
        with self._lock:
            for channel, delivery, _ in self.log:
                if delivery not in seen:
                    seen.add(delivery)
                    out[channel].append(delivery)
        return dict(out)


def hooked_channel(code: str, url: str) -> tuple[int, str]:
    """A channel with a webhook (shipping from WH1); returns its id and outbox destination."""
    ch = channels_service.create_channel(
        code, kind="web", name=code, warehouses=["WH1"], webhook_url=url, webhook_secret=SECRET
    )
    return ch.id, destination(ch.id)


def fast_outbox(app: Any) -> Any:
    """Backoff in tens of milliseconds, warehouse WH1 for channels, and no after-commit
    kick: the tests deliver when they choose."""
    app.config.update(
        SCANFLOOR_OUTBOX_KICK=False,
        SCANFLOOR_OUTBOX_RETRY_BASE_SECONDS=0.05,
        SCANFLOOR_OUTBOX_RETRY_CAP_SECONDS=0.2,
    )
    make_warehouse("WH1")
    return app


def send(dest: str, count: int, topic: str = "order.status") -> None:
    """`count` messages to `dest`, written in one transaction."""
    with write_transaction():
        conn = db.session.connection()
        for n in range(count):
            enqueue(conn, topic, dest, {"n": n})


def ids_of(dest: str) -> list[int]:
    db.session.rollback()
    q = select(_M.c.id).where(_M.c.destination == dest).order_by(_M.c.id)
    return list(db.session.scalars(q))


def states() -> dict[int, tuple[str, int]]:
    """Every message's (state, attempts), by id."""
    db.session.rollback()
    return {r.id: (r.state, r.attempts) for r in db.session.execute(select(_M))}


def drain(seconds: float = 20.0) -> None:
    """Dispatch rounds until nothing is pending (or fail after `seconds`)."""
    deadline = time.monotonic() + seconds
    while any(s == "pending" for s, _ in states().values()):
        assert time.monotonic() < deadline, states()
        if dispatch_due().claimed == 0:
            time.sleep(0.05)
