"""Where the dispatcher runs: a background thread in each server process (`scanfloor
serve`, each gunicorn worker), or the foreground of `scanfloor outbox run`.

The thread polls on a timer (SCANFLOOR_OUTBOX_POLL_SECONDS), which is what retries failed
messages, and is woken at once by the after-commit kick of a transaction that enqueued
something. Several processes may each run one: leases and SKIP LOCKED keep them apart. In
mode="test" no thread starts unless a test sets SCANFLOOR_OUTBOX_THREAD; the kick then
delivers in a one-shot thread, unless SCANFLOOR_OUTBOX_KICK is off too (tests that deliver
when they choose).
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from ..extensions import db
from .dispatcher import dispatch_due

log = logging.getLogger(__name__)
EXTENSION = "scanfloor_outbox"
DEFAULT_POLL_S = 5.0
_one_shot = threading.Lock()


class Dispatcher:
    """A loop of dispatch rounds: busy rounds back to back, idle ones wait for a kick."""

    def __init__(self, app: Flask, poll_s: float) -> None:
        self.app = app
        self.poll_s = poll_s
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def round(self) -> bool:
        """One dispatch round in a fresh app context; True if it claimed anything."""
        with self.app.app_context():
            try:
                return dispatch_due().claimed > 0
            except Exception:  # the messages stay in the table; the next round retries
                log.exception("outbox dispatch round failed")
                return False
            finally:
                db.session.remove()

    def run_forever(self) -> None:
        while not self.stopping.is_set():
            self.wake.clear()  # before the round: a kick during it is not lost
            if not self.round():
                self.wake.wait(self.poll_s)

    def start(self) -> None:
        self.thread = threading.Thread(
            target=self.run_forever, name="outbox-dispatcher", daemon=True
        )
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout)


def poll_seconds(app: Flask) -> float:
    return float(app.config.get("SCANFLOOR_OUTBOX_POLL_SECONDS", DEFAULT_POLL_S))


def start_dispatcher(app: Flask) -> Dispatcher | None:
    """Start this process's dispatcher thread once, if the configuration wants one."""
    if not app.config.get("SCANFLOOR_OUTBOX_THREAD", False):
        return None
    current = app.extensions.get(EXTENSION)
    if isinstance(current, Dispatcher) and current.alive:
        return current
    dispatcher = Dispatcher(app, poll_seconds(app))
    app.extensions[EXTENSION] = dispatcher
    dispatcher.start()
    log.info("outbox dispatcher thread started (poll %.1f s)", dispatcher.poll_s)
    return dispatcher


def wake(app: Flask) -> None:
    """After commit: wake the running dispatcher, or deliver in a one-shot thread."""
    current = app.extensions.get(EXTENSION)
    if isinstance(current, Dispatcher) and current.alive:
        current.wake.set()
        return
    if not app.config.get("SCANFLOOR_OUTBOX_KICK", True) or _one_shot.locked():
        return
    threading.Thread(target=_one_shot_round, args=(app,), daemon=True).start()


def _one_shot_round(app: Flask) -> None:
    if not _one_shot.acquire(blocking=False):
        return
    try:
        dispatcher = Dispatcher(app, 0)
        while dispatcher.round():
            pass  # what was enqueued meanwhile goes too
    finally:
        _one_shot.release()
