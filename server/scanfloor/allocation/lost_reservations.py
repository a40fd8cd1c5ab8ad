"""Order lines that gave up reserved units in the current transaction, for whoever plans
work against those units (picking's pick lines, picking/reconcile.py); and lines that
waited and were reserved again (`note_reserved`), which may belong to an order already in
an open wave, so picking plans the new units at the same commit (picking/replan.py).

Allocation names a line here whenever it releases reservations the line did not ask to
lose or that something else may still plan to pick: a shortfall release
(realloc.release_shortfalls) and a line cancelled or lowered (changes_service). The names
live on the session for the transaction and are taken once, at its commit (before_commit,
after allocation's own settlement); a rollback forgets them. Allocation never reads them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

_KEY = "scanfloor.lost_reservations"


def note_lost(line_ids: Iterable[int]) -> None:
    """These lines gave up reserved units in this transaction."""
    ids = set(line_ids)
    if ids:
        lost: set[int] = db.session.info.setdefault(_KEY, set())
        lost |= ids


def take_lost(session: Session) -> set[int]:
    """The lines named in this transaction (once: the names are cleared)."""
    found: set[int] = session.info.pop(_KEY, set())
    return found


_RESERVED_KEY = "scanfloor.reserved_again"


def note_reserved(line_ids: Iterable[int]) -> None:
    """These lines, which had waited (backordered, partly allocated), were reserved again in
    this transaction. A line captured and reserved at once is never named: it cannot be in
    a wave yet, so a transaction that only captures orders costs picking nothing."""
    ids = set(line_ids)
    if ids:
        found: set[int] = db.session.info.setdefault(_RESERVED_KEY, set())
        found |= ids


def take_reserved(session: Session) -> set[int]:
    """The lines reserved again in this transaction (once: the names are cleared)."""
    found: set[int] = session.info.pop(_RESERVED_KEY, set())
    return found


def _forget(session: Session, *_: object) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_RESERVED_KEY, None)


event.listen(db.session, "after_rollback", _forget)
