"""What the ledger tells the rest of the system after a posting commits.

A blinker signal keeps the ledger free of socket and webhook code: realtime/ (and later the
allocation outbox) subscribe to it. Receivers run after commit, outside the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()
posting_committed = _signals.signal("posting-committed")


@dataclass(frozen=True)
class PostingCommitted:
    posting_id: int
    movement_type: str
    movement_ids: tuple[int, ...]
    item_ids: tuple[int, ...]
    location_ids: tuple[int, ...]
