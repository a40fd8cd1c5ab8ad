"""Orders whose lines shipped, were cancelled, or came back from either in this transaction:
what a reader that keeps settled orders (reporting/order_facts_store.py) refreshes as the
transaction commits, on the same connection.

order_history.record notes them (every status transition of an order or a line goes through
it). Allocation knows nothing of its readers: a reader registers a refresh (`on_commit`) at
app start, and the noted ids are handed to each, once, before the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.engine import Connection

from ..ledger.commit_buffer import CommitBuffer

# A line or order that reaches or leaves one of these may settle or unsettle its order.
SETTLING = frozenset({"shipped", "cancelled"})

Refresh = Callable[[Connection, set[int]], None]
_REFRESHES: list[Refresh] = []


def on_commit(refresh: Refresh) -> None:
    """Register a refresh of noted orders (once, however many apps are made)."""
    if refresh not in _REFRESHES:
        _REFRESHES.append(refresh)


def _write(conn: Connection, order_ids: set[int]) -> None:
    for refresh in _REFRESHES:
        refresh(conn, order_ids)


_BUFFER: CommitBuffer[set[int]] = CommitBuffer("scanfloor.orders_settling", set, _write)


def note(order_ids: Iterable[int]) -> None:
    """These orders may have settled or unsettled in this transaction."""
    ids = set(order_ids)
    if ids:
        _BUFFER.pending().update(ids)
