"""Socket.IO: live updates pushed after commit, per warehouse room (live.py says the
protocol). With SOCKETIO_MESSAGE_QUEUE=redis://... every server process reaches every
socket, whichever process committed the change."""

from __future__ import annotations

from flask import Flask

from ..extensions import socketio
from ..floor_events import floor_changed
from ..ledger.events import posting_committed
from . import board, delivery, live
from .sessions import NAMESPACE

__all__ = ["NAMESPACE", "register_realtime"]


def register_realtime(app: Flask) -> None:
    delivery.configure(app)
    socketio.on_event("connect", live.on_connect, namespace=NAMESPACE)
    socketio.on_event("disconnect", live.on_disconnect, namespace=NAMESPACE)
    socketio.on_event("join", live.on_join, namespace=NAMESPACE)
    socketio.on_event("leave", live.on_leave, namespace=NAMESPACE)
    # weak=False: the receiver is a module function, kept for the life of the process.
    posting_committed.connect(delivery.on_posting, weak=False)
    # The live board: changes marked dirty, recomputed and emitted at most every
    # SCANFLOOR_BOARD_COALESCE_MS per warehouse (realtime/board.py).
    posting_committed.connect(board.on_posting, weak=False)
    floor_changed.connect(board.on_floor_change, weak=False)
