"""The live board's coalescer: changes mark (warehouse, section) dirty; one thread per
process recomputes the dirty sections and emits `board.update` to the warehouse's room.

Never one emit per scan: a warehouse's first change after a quiet spell goes out at once
(the board follows a slow floor with no delay), and after each emit the next waits at least
SCANFLOOR_BOARD_COALESCE_MS (default 250), gathering every change of that window into one
recompute. The process that commits computes; with SOCKETIO_MESSAGE_QUEUE the emit reaches
sockets held by every process. docs/decisions/0016-live-board.md.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, select

from ..api.board_schemas import BoardUpdateSchema
from ..board.service import QUEUES, board_for
from ..catalog.models import Location
from ..extensions import db, socketio
from ..ledger.events import PostingCommitted
from . import sessions
from .sessions import NAMESPACE, room_for

log = logging.getLogger(__name__)
EVENT = "board.update"

# What a posting of each type can change; an unknown type changes any stock-derived section.
_STOCK = ("to_receive", "to_put_away", "waves", "to_pick", "to_pack", "to_ship", "workers")
_BY_TYPE: dict[str, tuple[str, ...]] = {
    "receipt": ("to_receive", "to_put_away"),
    "putaway": ("to_put_away",),
    "pick": ("waves", "to_pick", "to_pack", "workers"),
    "pack": ("to_pack", "to_ship"),
    "ship": ("to_pack", "to_ship"),
    # A return's receipt and each inspection (restock, quarantine, refurbish, RTV: `return`;
    # scrap: `scrap`) change what awaits inspection; a count's adjustment closes a task.
    "return": ("to_inspect",),
    "scrap": ("to_inspect",),
    "count": ("count_approvals", "exceptions"),
}
# A floor change of one queue that another section also shows: open count tasks are listed
# under exceptions too, and a task moving into or out of recount changes them.
_WITH_QUEUE: dict[str, tuple[str, ...]] = {
    "count_approvals": ("exceptions",),
    # A replenishment task raised, moved or closed: the faces below min change with it.
    "replenishment": ("low_stock",),
}
_LOCATIONS = select(Location.__table__.c.id, Location.__table__.c.warehouse_id).where(
    Location.__table__.c.id.in_(bindparam("ids", expanding=True))
)
_SCHEMA = BoardUpdateSchema()
_CACHE_LIMIT = 100_000


def sections_for_posting(movement_type: str) -> tuple[str, ...]:
    """The board sections a posting of this type may change (the feed always)."""
    return (*_BY_TYPE.get(movement_type, _STOCK), "feed")


@dataclass
class _Change:
    app: Flask
    warehouse_id: int | None  # None: a posting, resolved to warehouses by its locations
    sections: tuple[str, ...]
    location_ids: tuple[int, ...] = ()


class Coalescer:
    """One per process. `window` is the least time between two emits for one warehouse."""

    def __init__(self, window: float) -> None:
        self.window = window
        self.inbox: queue.Queue[_Change] = queue.Queue()
        self.dirty: dict[tuple[int, int], set[str]] = {}
        self.apps: dict[int, Flask] = {}
        self.last_emit: dict[tuple[int, int], float] = {}
        self.warehouse_of: dict[int, int | None] = {}
        self.emits = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def put(self, change: _Change) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="scanfloor-board", daemon=True
                )
                self._thread.start()
        self.inbox.put(change)

    def _run(self) -> None:
        while True:
            try:
                self._take(self._wait())
                self._emit_due()
            except Exception:  # the thread must outlive any one failure (a database restart)
                log.exception("board update failed")
                time.sleep(0.05)

    def _wait(self) -> list[_Change]:
        """Block until a change arrives or the next held warehouse falls due; then take
        everything queued."""
        timeout = None
        if self.dirty:
            now = time.monotonic()
            due = min(self.last_emit.get(k, 0.0) + self.window for k in self.dirty)
            timeout = max(0.0, due - now)
        got: list[_Change] = []
        try:
            got.append(self.inbox.get(timeout=timeout))
        except queue.Empty:
            return got
        while True:
            try:
                got.append(self.inbox.get_nowait())
            except queue.Empty:
                return got

    def _take(self, changes: list[_Change]) -> None:
        postings = [c for c in changes if c.warehouse_id is None]
        if postings:
            self._resolve(postings)
        for c in changes:
            self.apps[id(c.app)] = c.app
            if c.warehouse_id is not None:
                self.dirty.setdefault((id(c.app), c.warehouse_id), set()).update(c.sections)
                continue
            for wh in {self.warehouse_of.get(loc) for loc in c.location_ids}:
                if wh is not None:
                    self.dirty.setdefault((id(c.app), wh), set()).update(c.sections)

    def _resolve(self, postings: list[_Change]) -> None:
        """Warehouse of each posting's locations: cached, one query for the unknown ones."""
        if len(self.warehouse_of) > _CACHE_LIMIT:
            self.warehouse_of.clear()
        by_app: dict[int, set[int]] = {}
        for c in postings:
            unknown = {loc for loc in c.location_ids if loc not in self.warehouse_of}
            if unknown:
                by_app.setdefault(id(c.app), set()).update(unknown)
                self.apps[id(c.app)] = c.app
        for app_id, ids in by_app.items():
            with self.apps[app_id].app_context():
                rows = db.session.connection().execute(_LOCATIONS, {"ids": sorted(ids)}).all()
                db.session.rollback()
                db.session.remove()
            self.warehouse_of.update({r.id: r.warehouse_id for r in rows})

    def _emit_due(self) -> None:
        now = time.monotonic()
        for key in sorted(self.dirty):
            if self.last_emit.get(key, 0.0) + self.window <= now:
                sections = self.dirty.pop(key)
                self.last_emit[key] = now
                self._emit(self.apps[key[0]], key[1], sections)

    def _emit(self, app: Flask, warehouse_id: int, sections: set[str]) -> None:
        with app.app_context():
            try:
                board = board_for(warehouse_id, sections)
                # Sections not recomputed are left out, not sent as null.
                data = {k: v for k, v in _SCHEMA.dump(board).items() if v is not None}
            finally:
                db.session.rollback()
                db.session.remove()
        data["warehouse_id"] = warehouse_id
        socketio.emit(EVENT, data, namespace=NAMESPACE, to=room_for(warehouse_id))
        self.emits += 1


_coalescer: Coalescer | None = None
_guard = threading.Lock()


def coalescer(app: Flask | None = None) -> Coalescer:
    """This process's coalescer (its window read from the first app that asks)."""
    global _coalescer
    with _guard:
        if _coalescer is None:
            config = (app or current_app).config
            ms = config.get("SCANFLOOR_BOARD_COALESCE_MS") or os.environ.get(
                "SCANFLOOR_BOARD_COALESCE_MS", "250"
            )
            _coalescer = Coalescer(float(ms) / 1000)
        return _coalescer


def _listening(app: Flask) -> bool:
    """Nothing to compute without a socket here, unless a queue carries it to others."""
    settings = app.config.get("SCANFLOOR_SETTINGS")
    return bool(sessions.held()) or bool(getattr(settings, "socketio_message_queue", None))


def on_posting(_sender: Any, event: PostingCommitted) -> None:
    """After a posting commits: its warehouses' stock sections and feed are dirty."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not _listening(app) or not event.location_ids:
        return
    sections = sections_for_posting(event.movement_type)
    coalescer(app).put(_Change(app, None, sections, tuple(event.location_ids)))


def on_floor_change(_sender: Any, *, warehouse_id: int, queue: str) -> None:
    """After a workflow commits a change that posts nothing (a wave, a claim, a carton)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not _listening(app):
        return
    if queue not in QUEUES:
        log.warning("floor change for an unknown queue %r: recomputing the whole board", queue)
        sections: tuple[str, ...] = QUEUES
    else:
        sections = (queue, *_WITH_QUEUE.get(queue, ()))
    coalescer(app).put(_Change(app, warehouse_id, sections))
