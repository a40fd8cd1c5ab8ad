"""Socket.IO: live updates pushed after commit. With SOCKETIO_MESSAGE_QUEUE=redis://...
every server process reaches every socket, whichever process committed the change."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_socketio import join_room

from ..extensions import socketio
from ..ledger.events import PostingCommitted, posting_committed

NAMESPACE = "/live"
LEDGER_ROOM = "ledger"


def _token_from(auth: Any) -> str | None:
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return auth["token"]
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def _on_connect(auth: Any = None) -> bool:
    """Only signed-in users get live updates; refuse the socket otherwise."""
    from ..auth.guard import principal_for_token

    token = _token_from(auth)
    if not token or principal_for_token(token) is None:
        return False
    join_room(LEDGER_ROOM, namespace=NAMESPACE)
    return True


def _on_posting(_sender: Any, event: PostingCommitted) -> None:
    socketio.emit(
        "ledger.posted",
        {
            "posting_id": event.posting_id,
            "movement_type": event.movement_type,
            "movement_ids": list(event.movement_ids),
            "item_ids": list(event.item_ids),
            "location_ids": list(event.location_ids),
        },
        namespace=NAMESPACE,
        to=LEDGER_ROOM,
    )


def register_realtime(app: Flask) -> None:
    socketio.on_event("connect", _on_connect, namespace=NAMESPACE)
    # weak=False: the receiver is a module function, kept for the life of the process.
    posting_committed.connect(_on_posting, weak=False)
