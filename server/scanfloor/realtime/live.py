"""The /live namespace: sign in with a token on connect, then join warehouse rooms.

Client protocol (python-socketio or socket.io-client):
  connect(auth={"token": "<bearer token>"})    refused without a token that signs someone in
  emit("join", {"warehouse": <id or code>})    ack: {"joined": {...}} or {"error": {...}}
  emit("leave", {"warehouse": <id or code>})   ack: {"left": {...}} or {"error": {...}}
  on("ledger.posted")                           a posting that touched a joined warehouse
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from ..access.service import find_warehouse, user_may_see
from ..auth.guard import hash_token, principal_for_token
from ..errors import Forbidden, NotFound, ScanfloorError, Unauthorized, ValidationFailed
from . import delivery, sessions
from .sessions import room_for


def _token_from(auth: Any) -> str | None:
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return str(auth["token"])
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def on_connect(auth: Any = None) -> bool:
    """Only a token that signs someone in opens a live socket; it is remembered so the
    socket can be dropped the moment the token stops signing anyone in."""
    token = _token_from(auth)
    principal = principal_for_token(token) if token else None
    if token is None or principal is None:
        error = Unauthorized("sign in first: connect with auth={'token': <bearer token>}")
        raise ConnectionRefusedError(error.to_dict())
    sessions.add(
        sessions.LiveSession(
            sid=request.sid,  # type: ignore[attr-defined]
            token_hash=hash_token(token),
            user_id=principal.user_id,
            role=principal.role,
            app=current_app._get_current_object(),  # type: ignore[attr-defined]
        )
    )
    delivery.ensure_running()
    return True


def on_disconnect(*_reason: Any) -> None:
    sessions.remove(request.sid)  # type: ignore[attr-defined]


def _session_and_warehouse(data: Any) -> tuple[sessions.LiveSession, int, dict[str, Any]]:
    session = sessions.get(request.sid)  # type: ignore[attr-defined]
    if session is None or not sessions.check([session]):
        raise Unauthorized("sign in again: this socket's token no longer signs anyone in")
    ref = data.get("warehouse") if isinstance(data, dict) else None
    if isinstance(ref, bool) or not isinstance(ref, int | str) or ref == "":
        raise ValidationFailed("say which warehouse: {'warehouse': <id or code>}")
    warehouse = find_warehouse(ref.strip().upper() if isinstance(ref, str) else ref)
    if warehouse is None:
        raise NotFound("no such warehouse", {"warehouse": ref})
    named = {"warehouse_id": warehouse.id, "code": warehouse.code}
    return session, warehouse.id, named


def on_join(data: Any = None) -> dict[str, Any]:
    """Join a warehouse's room, if the user may see that warehouse (access/rules.py)."""
    try:
        session, warehouse_id, named = _session_and_warehouse(data)
        if not user_may_see(session.user_id, session.role, warehouse_id):
            raise Forbidden("you may not see this warehouse", named)
    except ScanfloorError as exc:
        return exc.to_dict()
    join_room(room_for(warehouse_id))
    session.warehouses.add(warehouse_id)
    return {"joined": named}


def on_leave(data: Any = None) -> dict[str, Any]:
    try:
        session, warehouse_id, named = _session_and_warehouse(data)
    except ScanfloorError as exc:
        return exc.to_dict()
    leave_room(room_for(warehouse_id))
    session.warehouses.discard(warehouse_id)
    return {"left": named}
