"""gunicorn settings module (`gunicorn -c python:scanfloor.outbox.gunicorn_hooks`): one
outbox dispatcher thread in every worker process, started after the fork so the thread
lives in the worker, and the loaded app frozen out of garbage collection. Leases and SKIP
LOCKED keep the workers' dispatchers apart."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    import gc

    from .worker import start_dispatcher

    start_dispatcher(worker.wsgi)
    # The app is loaded: its ~190k long-lived objects (models, schemas, compiled statements)
    # go to the permanent generation, so the collector stops walking them. Measured: one
    # full collection over them took ~110 ms, a pause that lands on whichever scan is running.
    gc.collect()
    gc.freeze()
