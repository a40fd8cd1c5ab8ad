"""Keeping the idempotency store small: answers older than the retention time are purged."""

from __future__ import annotations

from ..database import write_transaction
from ..errors import ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from . import store
from .rules import RETENTION_DAYS, purge_before


def purge_answers(days: int = RETENTION_DAYS) -> int:
    """Delete kept answers older than `days`; returns how many went. A key purged is new
    again: a scanner replaying it after that would post again, hence a generous default."""
    try:
        before = purge_before(utcnow(), days)
    except ValueError as exc:
        raise ValidationFailed(str(exc), {"days": days}) from exc
    with write_transaction():
        return store.purge(db.session.connection(), before)
