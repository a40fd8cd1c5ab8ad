"""Consuming the reservations of many order lines at once (a batch pick), inside the
caller's transaction, with the invariants consume_reservation keeps for one:
- the positions of every order involved are locked first, in the fixed order
  (reserve.lock_for_orders), and the lines and their active rows re-read under the locks
  (PostgreSQL; SQLite's single writer needs neither);
- each reservation row resolves exactly once: the units consumed from each row are summed
  over the whole batch first, so a row is consumed whole by one statement or split once
  (reserve.resolve_part: consumed for the part, the rest a new active row);
- reserved_qty falls and consumed_qty rises by the same units on each line, which becomes
  `picked` when everything is consumed, else `picking`; the orders' statuses, history and
  the ATS feed follow (reserve.restate);
- stock_positions.reserved falls by the units consumed, each position once.
A line with fewer reserved units than asked (or cancelled) refuses the whole batch.
Statements are built once; the whole rows resolve in one UPDATE, the positions in one
executemany, whatever the size of the batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..errors import Conflict
from .bulk_sql import PerDialect, columns, is_pg, member, run_pg
from .engine import load_orders
from .models import OrderLine, Reservation
from .order_history import Actor, many, naive
from .positions import Key
from .reserve import Held, lock_for_orders, resolve_part, restate
from .rules import status_after_pick

_R = Reservation.__table__
_L = OrderLine.__table__
# Active rows of the orders' lines, by ORDER ids (a handful, where the line ids of a big
# batch would be thousands: an IN list that long costs more to render than to run).
_ACTIVE_OF_ORDERS = PerDialect(
    lambda d: (
        select(
            _R.c.id, _R.c.order_line_id, _R.c.item_id, _R.c.warehouse_id, _R.c.lot_id,
            _R.c.quantity,
        )
        .join(_L, _L.c.id == _R.c.order_line_id)
        .where(member(_L.c.order_id, "ids", d), _R.c.status == "active")
        .order_by(_R.c.id)
    )
)  # fmt: skip
# Whole rows resolve by id, each only while active: driver executemany on SQLite, one
# array statement on PostgreSQL (bulk_sql.py).
_CONSUME_ROW = (
    "UPDATE reservations SET status = 'consumed', resolved_at = ?"
    " WHERE id = ? AND status = 'active'"
)
_PG_CONSUME_ROWS = (
    "UPDATE reservations SET status = 'consumed', resolved_at = %s"
    " WHERE id = ANY(%s::bigint[]) AND status = 'active'"
)
_LOWER = (
    "UPDATE stock_positions SET reserved = reserved - ?, updated_at = ?"
    " WHERE item_id = ? AND warehouse_id = ? AND reserved >= ?"
)
_PG_LOWER = (
    "UPDATE stock_positions AS p SET reserved = p.reserved - v.q, updated_at = %s"
    " FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS v(i, w, q)"
    " WHERE p.item_id = v.i AND p.warehouse_id = v.w AND p.reserved >= v.q"
)


@dataclass(frozen=True)
class Consumption:
    """Units of an order line picked in a warehouse (lot: only for rows reserved by lot)."""

    order_id: int
    order_line_id: int
    quantity: int
    warehouse_id: int
    lot_id: int | None = None


def _plan(wanted: Sequence[Consumption], held: Sequence[Held]) -> dict[int, int]:
    """Units to consume per reservation row: each request takes its line's matching rows
    in order, whole rows first; refuses if a line holds too few."""
    by_line: dict[int, list[Held]] = defaultdict(list)
    for h in held:
        by_line[h.line_id].append(h)
    taken: dict[int, int] = defaultdict(int)
    for c in wanted:
        left = c.quantity
        for h in by_line.get(c.order_line_id, ()):
            if left <= 0:
                break
            if h.warehouse_id != c.warehouse_id or (c.lot_id is not None and h.lot_id != c.lot_id):
                continue
            q = min(left, h.quantity - taken[h.id])
            if q > 0:
                taken[h.id] += q
                left -= q
        if left > 0:
            raise Conflict(
                "not that many units are reserved for this line",
                {"order_line_id": c.order_line_id, "quantity": c.quantity, "missing": left},
            )
    return taken


def _held(conn: Connection, order_ids: list[int], line_ids: set[int]) -> list[Held]:
    rows = conn.execute(_ACTIVE_OF_ORDERS(conn), {"ids": order_ids})
    return [Held(*r) for r in rows if r[1] in line_ids]


def _consume_whole(conn: Connection, held: Sequence[Held], now: datetime) -> None:
    ids = [h.id for h in held]
    if is_pg(conn):
        done = run_pg(conn, _PG_CONSUME_ROWS, (naive(now), ids))
    else:
        done = many(conn, _CONSUME_ROW, [(naive(now), i) for i in ids])
    if done != len(ids):
        raise Conflict("a reservation was already resolved", {"reservation_ids": ids[:50]})


def _lower(conn: Connection, totals: dict[Key, int], now: datetime) -> None:
    rows = [
        (i, w, q) for (i, w), q in sorted(totals.items(), key=lambda kv: (kv[0][1], kv[0][0])) if q
    ]
    if not rows:
        return
    if is_pg(conn):
        done = run_pg(conn, _PG_LOWER, (naive(now), *columns(rows, 3)))
    else:
        done = many(conn, _LOWER, [(q, naive(now), i, w, q) for i, w, q in rows])
    if done != len(rows):
        raise Conflict(
            "a position holds fewer reserved units than its reservations",
            {"positions": [{"item_id": i, "warehouse_id": w} for i, w, _q in rows[:50]]},
        )


def consume_many(
    conn: Connection, wanted: Sequence[Consumption], actor: Actor, now: datetime
) -> dict[int, str]:
    """Consume every requested quantity; returns order line id -> its new status."""
    if not wanted:
        return {}
    line_ids = {c.order_line_id for c in wanted}
    order_ids = sorted({c.order_id for c in wanted})
    orders = load_orders(conn, order_ids)
    held = _held(conn, order_ids, line_ids)
    if is_pg(conn):
        # SQLite runs one writer at a time (BEGIN IMMEDIATE): nothing can move between the
        # reads above and the writes below, so there is nothing to lock or read again.
        lock_for_orders(conn, orders, now, {(h.item_id, h.warehouse_id) for h in held})
        orders = load_orders(conn, order_ids)  # as they are under the locks
        held = _held(conn, order_ids, line_ids)
    lines = {ln.id: ln for o in orders for ln in o.lines}
    missing = sorted(line_ids - lines.keys())
    if missing:
        raise Conflict("these lines are not of the orders named", {"order_line_ids": missing[:50]})
    cancelled = sorted(i for i in line_ids if lines[i].status == "cancelled")
    if cancelled:
        raise Conflict("these lines are cancelled", {"order_line_ids": cancelled})
    taken = _plan(wanted, held)
    whole = [h for h in held if taken.get(h.id, 0) == h.quantity]
    parts = [h for h in held if 0 < taken.get(h.id, 0) < h.quantity]
    if whole:
        _consume_whole(conn, whole, now)
        totals: dict[Key, int] = defaultdict(int)
        for h in whole:
            totals[(h.item_id, h.warehouse_id)] += h.quantity
        _lower(conn, totals, now)
    for h in parts:  # lowers its own position
        resolve_part(conn, h, taken[h.id], "consumed", now)
    per_line: dict[int, int] = defaultdict(int)
    for h in held:
        per_line[h.line_id] += taken.get(h.id, 0)
    changed: dict[int, tuple[int, int, int, str]] = {}
    for line_id, q in per_line.items():
        if q:
            ln = lines[line_id]
            consumed = ln.consumed + q
            status = status_after_pick(ln.quantity, ln.reserved - q, consumed)
            changed[line_id] = (ln.quantity, ln.reserved - q, consumed, status)
    restate(conn, orders, changed, actor, now)
    return {i: v[3] for i, v in changed.items()}
