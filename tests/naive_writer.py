"""A deliberately wrong ledger writer, used only to prove the concurrency tests have teeth.

It reads the balance, checks it in Python, then writes the value it computed, in a plain
(deferred) transaction and not through write_transaction(). Between the read and the write
another posting can commit, so under concurrency it either loses updates (PostgreSQL: the
balance no longer matches the movements, and more postings succeed than stock allows) or
fails with "database is locked" (SQLite WAL: a read transaction cannot upgrade to a write once
another writer committed). Never import this outside tests.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from scanfloor.errors import InsufficientStock
from scanfloor.extensions import db
from scanfloor.timeutil import utcnow

RACE_WINDOW_SECONDS = 0.05

_READ = text(
    "SELECT quantity FROM balances WHERE item_id = :item AND location_id = :loc "
    "AND lot_id IS NULL AND container_id IS NULL"
)
_WRITE = text(
    "INSERT INTO balances (item_id, location_id, lot_id, container_id, quantity, updated_at) "
    "VALUES (:item, :loc, NULL, NULL, :qty, :now) "
    "ON CONFLICT (item_id, location_id, COALESCE(lot_id, 0), COALESCE(container_id, 0)) "
    "DO UPDATE SET quantity = :qty, updated_at = :now"
)
_POSTING = text(
    "INSERT INTO postings (movement_type, recorded_at) VALUES ('transfer', :now) RETURNING id"
)
_MOVEMENT = text(
    "INSERT INTO movements (posting_id, item_id, quantity, from_location_id, to_location_id, "
    "movement_type, occurred_at, recorded_at) "
    "VALUES (:posting, :item, :qty, :src, :dst, 'transfer', :now, :now)"
)


def naive_move(item_id: int, quantity: int, src: int, dst: int) -> None:
    """Move stock the wrong way: read, decide in Python, write the computed values."""
    session = db.session
    try:
        now = utcnow()
        have_src = session.scalar(_READ, {"item": item_id, "loc": src}) or 0
        have_dst = session.scalar(_READ, {"item": item_id, "loc": dst}) or 0
        if have_src < quantity:
            raise InsufficientStock("not enough stock", {"available": int(have_src)})
        time.sleep(RACE_WINDOW_SECONDS)  # widen the race a real server has anyway
        session.execute(
            _WRITE, {"item": item_id, "loc": src, "qty": have_src - quantity, "now": now}
        )
        session.execute(
            _WRITE, {"item": item_id, "loc": dst, "qty": have_dst + quantity, "now": now}
        )
        posting = session.execute(_POSTING, {"now": now}).scalar_one()
        session.execute(
            _MOVEMENT,
            {
                "posting": posting,
                "item": item_id,
                "qty": quantity,
                "src": src,
                "dst": dst,
                "now": now,
            },
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
