"""Facts the ledger writer checks on every posting that never change once committed: an
item exists; a location exists and is virtual or not (items and locations are never
deleted, and a location's virtuality is fixed: catalog/locations_service). Remembering them
per engine saves the writer two reads per posting (PERFORMANCE.md: on the scan path the
statements, not the database, cost the time).

Only what a committed transaction saw is remembered (added after commit): a location
created in a transaction that rolls back must not be remembered, since its id may be
reused. Unknown ids are always read, so a new item or location is seen at once.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from sqlalchemy.engine import Connection, Engine

from ..database import after_commit


class Facts:
    __slots__ = ("items", "virtual")

    def __init__(self) -> None:
        self.items: set[int] = set()
        self.virtual: dict[int, bool] = {}  # location id -> is_virtual


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, Facts] = weakref.WeakKeyDictionary()


def facts(conn: Connection) -> Facts:
    engine = conn.engine
    known = _BY_ENGINE.get(engine)
    if known is None:
        known = _BY_ENGINE.setdefault(engine, Facts())
    return known


def remember(known: Facts, items: Iterable[int], locations: dict[int, bool]) -> None:
    """Remember what this transaction read, once (and only if) it commits."""
    items = tuple(items)
    if not items and not locations:
        return

    def keep() -> None:
        known.items.update(items)
        known.virtual.update(locations)

    after_commit(keep)
