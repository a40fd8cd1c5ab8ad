"""What the floor's workflows tell the live board after they commit.

A posting already announces itself (ledger/events.py). Changes that post nothing (a wave
released, a task claimed or reassigned, a carton opened, a shipment confirmed) announce the
warehouse whose queues they changed, so the board recomputes them. A blinker signal keeps
the contexts free of socket code (they may not import realtime/); realtime/ subscribes.
"""

from __future__ import annotations

from blinker import Namespace

from .database import after_commit, in_write_transaction

_signals = Namespace()
floor_changed = _signals.signal("floor-changed")


def announce_floor_change(warehouse_id: int, queue: str) -> None:
    """Tell the board that `queue` (to_pick, to_pack, ...) of a warehouse changed: after the
    current write transaction commits, or now when there is none."""

    def _send() -> None:
        floor_changed.send(None, warehouse_id=warehouse_id, queue=queue)

    if in_write_transaction():
        after_commit(_send)
    else:
        _send()
