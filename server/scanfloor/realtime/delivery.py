"""Postings to warehouse rooms, from one delivery thread per process.

The thread, not the request: the push runs after commit without adding the warehouse lookup
and the token check to the scan's answer time, and one thread keeps postings in commit order.

In batches: the thread takes every posting queued so far (up to BATCH), checks every socket
this process holds once (sessions.check: one token query), reads the batch's locations and
lines once (one query, which also says each location's warehouse), and delivers the
postings in commit order. Each posting of a batch was queued
after its commit, so the check began after every one of them committed: a socket whose
token was revoked or expired, or whose right was taken away, before a posting committed
never hears that posting, exactly as with a check before each posting, but with two
queries per batch instead of two per posting. Between postings it re-checks every few seconds
(SCANFLOOR_LIVE_RECHECK_SECONDS), which is how a socket held by another process (several
processes joined by SOCKETIO_MESSAGE_QUEUE) is dropped too. docs/decisions/0012 and 0016.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from typing import Any

from flask import Flask, current_app

from ..api.board_schemas import BoardFeedSchema
from ..board.feed import PostingLines
from ..extensions import db, socketio
from ..ledger.events import PostingCommitted
from . import sessions
from .sessions import NAMESPACE, room_for

log = logging.getLogger(__name__)

EVENT = "ledger.posted"
BATCH = 200
_queue: queue.Queue[tuple[Flask, PostingCommitted]] = queue.Queue()
_started = threading.Lock()
_thread: threading.Thread | None = None
_recheck_seconds = 2.0
_ENTRY = BoardFeedSchema(only=("at", "who", "sku", "lines", "summary", "from_code"))


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


def _take() -> list[tuple[Flask, PostingCommitted]] | None:
    """The postings queued so far (at least one), or None after a quiet re-check interval."""
    try:
        batch = [_queue.get(timeout=_recheck_seconds)]
    except queue.Empty:
        return None
    while len(batch) < BATCH:
        try:
            batch.append(_queue.get_nowait())
        except queue.Empty:
            break
    return batch


def _run() -> None:
    while True:
        batch = _take()
        if batch is None:
            _safely(sessions.check_all)
            continue
        by_app: dict[int, tuple[Flask, list[PostingCommitted]]] = {}
        for app, event in batch:  # one app outside tests; commit order kept within each
            by_app.setdefault(id(app), (app, []))[1].append(event)
        for app, events in by_app.values():
            _safely(functools.partial(_deliver, app, events))


def _safely(work: Any) -> None:
    try:
        work()
    except Exception:  # the thread must outlive any one failure (a database restart, ...)
        log.exception("live delivery failed")


def _deliver(app: Flask, events: list[PostingCommitted]) -> None:
    """Check the sockets once, then push each posting to its warehouses' rooms in order."""
    with app.app_context():
        try:
            located = [e for e in events if e.location_ids]
            # The lines (and the warehouse of each location) first, in one query; then the
            # check, whose rollback ends the read. Both run after every posting committed.
            lines = PostingLines(db.session.connection(), [e.posting_id for e in located])
            sessions.check([s for s in sessions.held() if s.app is app])
            warehouse_of = lines.warehouse_of()
            sends = [
                (wh, payload(e, wh, warehouse_of, lines))
                for e in located
                for wh in sorted({warehouse_of.get(loc) or 0 for loc in e.location_ids} - {0})
            ]
        finally:
            db.session.rollback()
    for warehouse_id, data in sends:
        socketio.emit(EVENT, data, namespace=NAMESPACE, to=room_for(warehouse_id))


def payload(
    event: PostingCommitted,
    warehouse_id: int,
    warehouse_of: dict[int, int | None],
    lines: PostingLines | None = None,
) -> dict[str, Any]:
    """What one warehouse's room hears: its own locations and the virtual ones (Vendor,
    Customer...), never another warehouse's; and what that warehouse's board feed shows of
    it (`entry`: when, who, the first item, the lines, what each line did: board/rules.py)."""
    data: dict[str, Any] = {
        "posting_id": event.posting_id,
        "warehouse_id": warehouse_id,
        "movement_type": event.movement_type,
        "movement_ids": list(event.movement_ids),
        "item_ids": list(event.item_ids),
        "location_ids": [
            loc for loc in event.location_ids if warehouse_of.get(loc) in (warehouse_id, None)
        ],
    }
    entry = lines.entry(event.posting_id, warehouse_id) if lines is not None else None
    if entry is not None:
        # Only what the feed row shows beyond the fields above: every byte is sent to every
        # socket in the room (50 boards x 100 postings/s measured 2-4x slower with the whole
        # feed entry on the bench machine), and scanners hear it too.
        data["entry"] = _ENTRY.dump(entry)
    return data
