"""In-transaction subscribers: code that runs inside a posting's own transaction.

The ledger writer calls every subscriber after it has applied a posting's balances and
inserted its movements, on the same connection, before the caller commits. A subscriber
sees the posting's lines, may write its own rows (allocation un-reserves a shortfall,
finance writes valuation layers and journal entries, anything that must not be lost writes
to the outbox) or refuse the whole posting by raising a named error: the caller's
transaction then rolls back and nothing of the posting is kept.

Subscribers are registered per app by the app factory (never by importing an API module),
under a name, and run in registration order. What must not block a scan and may be lost on
a crash (Socket.IO pushes) stays an after-commit notification (ledger.events).
See docs/decisions/0009-in-transaction-subscribers.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy.engine import Connection

_KEY = "scanfloor.ledger_subscribers"
# Notes a subscriber leaves on the posting for the ones after it (Posted.notes):
# finance's valuation: {movement id: the value it stored in movement_values} for the lines
# it valued (absent: finance did not run).
VALUES_NOTE = "finance.movement_values"


@dataclass(frozen=True)
class PostedLine:
    movement_id: int
    item_id: int
    quantity: int
    from_location_id: int
    to_location_id: int
    lot_id: int | None
    from_container_id: int | None
    to_container_id: int | None
    unit_cost: Decimal | None
    reason_code: str | None
    reverses_movement_id: int | None


@dataclass(frozen=True)
class Posted:
    """A posting as applied, not yet committed."""

    posting_id: int
    movement_type: str
    lines: tuple[PostedLine, ...]
    actor_id: int | None
    source_type: str | None
    source_id: str | None
    occurred_at: datetime
    recorded_at: datetime
    # What subscribers learnt about the posting, for the ones registered after them, so a
    # later one need not read back what an earlier one just wrote (VALUES_NOTE).
    notes: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def item_ids(self) -> tuple[int, ...]:
        return tuple(sorted({ln.item_id for ln in self.lines}))

    @property
    def location_ids(self) -> tuple[int, ...]:
        locs = {ln.from_location_id for ln in self.lines} | {ln.to_location_id for ln in self.lines}
        return tuple(sorted(locs))


Subscriber = Callable[[Connection, Posted], None]


def subscribe(app: Flask, name: str, fn: Subscriber) -> None:
    """Run `fn` inside every posting's transaction in this app; a name registers once."""
    registry: dict[str, Subscriber] = app.extensions.setdefault(_KEY, {})
    registry.setdefault(name, fn)


def subscribers() -> tuple[Subscriber, ...]:
    if not has_app_context():
        return ()
    registry: dict[str, Subscriber] | None = current_app.extensions.get(_KEY)
    return tuple(registry.values()) if registry else ()


def notify(conn: Connection, posted: Posted) -> None:
    """Called by the writer only. A subscriber's exception refuses the posting."""
    for fn in subscribers():
        fn(conn, posted)
