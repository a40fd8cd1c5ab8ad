"""A tiny HTTP endpoint for tests: a real server thread on 127.0.0.1 that records every POST
it is handed (its headers and body, in order) and answers 204, as a supplier's PO endpoint."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.e2e.conftest import free_port


class PostRecorder:
    """Records every POST (headers and body) and answers 204; `path` is the URL's path."""

    def __init__(self, path: str = "/") -> None:
        self.port = free_port()
        self.path = path
        self.received: list[tuple[dict[str, str], bytes]] = []
        self._lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with endpoint._lock:
                    endpoint.received.append((dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def wait_for(self, count: int, seconds: float = 30.0) -> list[tuple[dict[str, str], bytes]]:
        """The first `count` POSTs, once they have arrived (or fail after `seconds`)."""
        deadline = time.monotonic() + seconds
        while True:
            with self._lock:
                got = list(self.received)
            if len(got) >= count:
                return got
            assert time.monotonic() < deadline, f"{len(got)} of {count} deliveries arrived"
            time.sleep(0.2)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
