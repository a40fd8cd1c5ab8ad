"""Postings to warehouse rooms, from one delivery thread per process.

The thread, not the request: the push runs after commit without adding the warehouse lookup
and the token check to the scan's answer time, and one thread keeps postings in commit order.
Before each delivery it checks every socket this process holds (sessions.check), so a revoked
or expired token hears nothing more here; between postings it re-checks every few seconds
(SCANFLOOR_LIVE_RECHECK_SECONDS), which is how a socket held by another process (several
processes joined by SOCKETIO_MESSAGE_QUEUE) is dropped too.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, select

from ..catalog.models import Location
from ..extensions import db, socketio
from ..ledger.events import PostingCommitted
from . import sessions
from .sessions import NAMESPACE, room_for

log = logging.getLogger(__name__)

_queue: queue.Queue[tuple[Flask, PostingCommitted]] = queue.Queue()
_started = threading.Lock()
_thread: threading.Thread | None = None
_recheck_seconds = 2.0

_LOCATIONS = select(Location.__table__.c.id, Location.__table__.c.warehouse_id).where(
    Location.__table__.c.id.in_(bindparam("ids", expanding=True))
)


def configure(app: Flask) -> None:
    global _recheck_seconds
    _recheck_seconds = float(app.config.get("SCANFLOOR_LIVE_RECHECK_SECONDS", 2.0))


def ensure_running() -> None:
    """Start this process's delivery thread (lazily: after a fork, and never for nothing)."""
    global _thread
    with _started:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="scanfloor-live", daemon=True)
            _thread.start()


def on_posting(_sender: Any, event: PostingCommitted) -> None:
    """After commit: queue the posting for the rooms of the warehouses it touched."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    # Nothing to do without a socket here, unless a queue carries it to other processes.
    settings = app.config.get("SCANFLOOR_SETTINGS")
    if not sessions.held() and not getattr(settings, "socketio_message_queue", None):
        return
    ensure_running()
    _queue.put((app, event))


def _run() -> None:
    while True:
        try:
            app, event = _queue.get(timeout=_recheck_seconds)
        except queue.Empty:
            _safely(sessions.check_all)
            continue
        _safely(functools.partial(_deliver, app, event))


def _safely(work: Any) -> None:
    try:
        work()
    except Exception:  # the thread must outlive any one failure (a database restart, ...)
        log.exception("live delivery failed")


def _deliver(app: Flask, event: PostingCommitted) -> None:
    with app.app_context():
        sessions.check([s for s in sessions.held() if s.app is app])
        if not event.location_ids:
            return
        rows = db.session.connection().execute(_LOCATIONS, {"ids": list(event.location_ids)})
        warehouse_of = {r.id: r.warehouse_id for r in rows}
        db.session.rollback()
    for warehouse_id in sorted({w for w in warehouse_of.values() if w is not None}):
        socketio.emit(
            "ledger.posted",
            payload(event, warehouse_id, warehouse_of),
            namespace=NAMESPACE,
            to=room_for(warehouse_id),
        )


def payload(
    event: PostingCommitted, warehouse_id: int, warehouse_of: dict[int, int | None]
) -> dict[str, Any]:
    """What one warehouse's room hears: its own locations and the virtual ones (Vendor,
    Customer...), never another warehouse's."""
    return {
        "posting_id": event.posting_id,
        "warehouse_id": warehouse_id,
        "movement_type": event.movement_type,
        "movement_ids": list(event.movement_ids),
        "item_ids": list(event.item_ids),
        "location_ids": [
            loc for loc in event.location_ids if warehouse_of.get(loc) in (warehouse_id, None)
        ],
    }
