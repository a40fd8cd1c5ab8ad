"""The live sockets this process holds, tracked by the token each signed in with, and the
check that drops those whose token was revoked or expired, whose user was deactivated, or
whose warehouse right was taken away. The check reads the token table the auth guard reads
(one query for every socket at once), so no auth code has to call back into sockets."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from sqlalchemy import bindparam, select

from ..access.rules import may_see, sees_every_warehouse
from ..access.service import assigned
from ..auth.models import ApiToken, User
from ..extensions import db, socketio
from ..timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

NAMESPACE = "/live"


def room_for(warehouse_id: int) -> str:
    return f"warehouse:{warehouse_id}"


@dataclass
class LiveSession:
    sid: str
    token_hash: str
    user_id: int
    role: str
    app: Flask
    warehouses: set[int] = field(default_factory=set)


_lock = threading.Lock()
_sessions: dict[str, LiveSession] = {}


def add(session: LiveSession) -> None:
    with _lock:
        _sessions[session.sid] = session


def remove(sid: str) -> LiveSession | None:
    with _lock:
        return _sessions.pop(sid, None)


def get(sid: str) -> LiveSession | None:
    with _lock:
        return _sessions.get(sid)


def held() -> list[LiveSession]:
    with _lock:
        return list(_sessions.values())


_TOKENS = ApiToken.__table__
_USERS = User.__table__
_BY_HASHES = (
    select(
        _TOKENS.c.token_hash,
        _TOKENS.c.revoked_at,
        _TOKENS.c.expires_at,
        _USERS.c.role,
        _USERS.c.active,
    )
    .join_from(_TOKENS, _USERS, _USERS.c.id == _TOKENS.c.user_id)
    .where(_TOKENS.c.token_hash.in_(bindparam("hashes", expanding=True)))
)


def _still_valid(revoked_at: datetime | None, expires_at: datetime | None, active: bool) -> bool:
    """The guard's rule (auth/guard.py _principal): not revoked, not expired, user active."""
    if revoked_at is not None or not active:
        return False
    return expires_at is None or as_utc(expires_at) > utcnow()


def check(sessions: list[LiveSession]) -> list[LiveSession]:
    """Drop the sockets that may no longer listen, take them out of the warehouse rooms they
    lost the right to, and return those still connected. Needs their app's context."""
    if not sessions:
        return []
    conn = db.session.connection()
    rows = conn.execute(_BY_HASHES, {"hashes": sorted({s.token_hash for s in sessions})})
    roles = {
        r.token_hash: r.role for r in rows if _still_valid(r.revoked_at, r.expires_at, r.active)
    }
    db.session.rollback()  # end the read transaction: the sweep must not hold a snapshot
    kept: list[LiveSession] = []
    for session in sessions:
        role = roles.get(session.token_hash)
        if role is None:
            drop(session)
            continue
        session.role = role
        kept.append(session)
    limited = [s for s in kept if s.warehouses and not sees_every_warehouse(s.role)]
    if limited:
        rights = assigned(db.session.connection(), [s.user_id for s in limited])
        db.session.rollback()
        for session in limited:
            for warehouse_id in sorted(session.warehouses):
                if not may_see(session.role, rights[session.user_id], warehouse_id):
                    leave(session, warehouse_id)
    return kept


def check_all() -> None:
    """Check every socket this process holds, app by app (one app outside tests)."""
    by_app: dict[int, list[LiveSession]] = {}
    for session in held():
        by_app.setdefault(id(session.app), []).append(session)
    for sessions in by_app.values():
        with sessions[0].app.app_context():
            check(sessions)


def drop(session: LiveSession) -> None:
    remove(session.sid)
    log.info("live socket %s dropped: its token no longer signs anyone in", session.sid)
    socketio.server.disconnect(session.sid, namespace=NAMESPACE)


def leave(session: LiveSession, warehouse_id: int) -> None:
    session.warehouses.discard(warehouse_id)
    socketio.server.leave_room(session.sid, room_for(warehouse_id), namespace=NAMESPACE)
