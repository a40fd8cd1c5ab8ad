"""gunicorn settings module (`gunicorn -c python:scanfloor.outbox.gunicorn_hooks`): one
outbox dispatcher thread in every worker process, started after the fork so the thread
lives in the worker. Leases and SKIP LOCKED keep the workers' dispatchers apart."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    from .worker import start_dispatcher

    start_dispatcher(worker.wsgi)
