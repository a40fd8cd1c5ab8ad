"""Acknowledging anomaly flags: a supervisor who looked into a flag says what they found, once
per flag (its fingerprint: reporting/ack_rules.py), and the anomaly reports show the flag as
acknowledged from then on (anomaly_report.py reads them with `acks_for`).

An acknowledgement is never edited or withdrawn here: a second one of the same flag is a
conflict (409) that names who acknowledged it first, so two people working the same list
see that one of them was first rather than overwriting each other's notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..database import write_transaction
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .ack_rules import check_ack
from .facts_models import AnomalyAck
from .stats_rules import ReportingRuleError

_A, _U = AnomalyAck.__table__, User.__table__
_VIEW = select(
    _A.c.id, _A.c.fingerprint, _A.c.kind, _A.c.subject, _A.c.note, _A.c.acked_by,
    _U.c.username, _A.c.acked_at,
).join(_U, _U.c.id == _A.c.acked_by)  # fmt: skip
MAX_LIST = 500


class AlreadyAcknowledged(Conflict):
    code = "already_acknowledged"


@dataclass(frozen=True)
class AckView:
    id: int
    fingerprint: str
    kind: str
    subject: str
    note: str
    acked_by: int
    acked_by_username: str
    acked_at: datetime


def _view(r: Any) -> AckView:  # a row of _VIEW
    return AckView(
        id=int(r.id), fingerprint=str(r.fingerprint), kind=str(r.kind), subject=str(r.subject),
        note=str(r.note), acked_by=int(r.acked_by), acked_by_username=str(r.username),
        acked_at=r.acked_at,
    )  # fmt: skip


def acknowledge(fingerprint: str, kind: str, subject: str, note: str, actor_id: int) -> AckView:
    """Record that `actor_id` looked into the flag and what they found (module docstring)."""
    try:
        ack = check_ack(fingerprint, kind, subject, note)
    except ReportingRuleError as exc:
        raise ValidationFailed(exc.message, {"code": exc.code, **exc.details}) from exc
    row = {**vars(ack), "acked_by": actor_id, "acked_at": utcnow()}
    try:
        with write_transaction():
            conn = db.session.connection()
            _refuse_second(ack.fingerprint)
            conn.execute(insert(_A), [row])
            return _view(conn.execute(_VIEW.where(_A.c.fingerprint == ack.fingerprint)).one())
    except IntegrityError:  # the same flag acknowledged at the same moment (PostgreSQL)
        _refuse_second(ack.fingerprint)
        raise


def _refuse_second(fingerprint: str) -> None:
    first = acks_for([fingerprint]).get(fingerprint)
    if first is not None:
        raise AlreadyAcknowledged(
            "this flag is already acknowledged",
            {"fingerprint": fingerprint, "acked_by": first.acked_by_username,
             "acked_at": first.acked_at.isoformat(), "note": first.note},
        )  # fmt: skip


def acks_for(fingerprints: Iterable[str]) -> dict[str, AckView]:
    """fingerprint -> its acknowledgement, for the fingerprints that have one."""
    wanted = sorted(set(fingerprints))
    if not wanted:
        return {}
    query = _VIEW.where(_A.c.fingerprint.in_(wanted))
    return {v.fingerprint: v for v in map(_view, db.session.connection().execute(query))}


def list_acks(kind: str | None = None, limit: int = MAX_LIST) -> list[AckView]:
    """Acknowledgements, newest first (of one kind of flag with `kind`)."""
    query = _VIEW.order_by(_A.c.acked_at.desc(), _A.c.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(_A.c.kind == kind)
    return [_view(r) for r in db.session.connection().execute(query)]
