"""Re-allocating a short pick line's shortfall, inside the short's transaction.

Called after the short posted (found units to the tote, the unfound rest of the bin to
INV-ADJ) and consumed what was found, so allocation's reads see the bin as it really is:
1. the order's positions are locked in the fixed order (reserve.lock_for_orders: every
   warehouse the channel ships from, so step 4's engine finds its locks held);
2. the shortfall's units of the line's reservation are released (reserve.take_from:
   whole rows, then part of one, each row resolved once);
3. the same warehouse first: what the channel may still take there (allocation's own
   SupplyState.free: pools, caps, FEFO and shelf life) is placed in the bins whose stock
   no open pick line plans to take, from the short bin onward on the walk
   (scan_check.plan_same_warehouse); it is reserved again (positions.raise_reserved, which
   re-checks the sellable stock in the same statement) and picked from new lines added to
   the same task;
4. the rest is the allocation engine's (engine.allocate_orders over the order, the line
   waiting again): another warehouse of the channel, or a backorder.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from ..allocation.channel_loader import load_channels
from ..allocation.engine import LineRow, OrderRow, allocate_orders, load_orders
from ..allocation.order_history import Actor
from ..allocation.positions import insert_reservations, load_state, raise_reserved, read_reserved
from ..allocation.reserve import active_of_lines, lock_for_orders, restate, take_from
from ..allocation.rules import (
    Demand,
    Grant,
    allocation_status,
    fefo_lots,
    shelf_life_floor,
)
from . import batch_sql as sql
from . import scan_check as rules
from .scan_check import BinStock, Placement

NOTE = "short pick: re-allocated"


@dataclass(frozen=True)
class Reallocated:
    outcome: str
    same_warehouse: int
    other_warehouse: int
    new_line_ids: tuple[int, ...]


def _free_bins(conn: Connection, item_id: int, wh: int, skip: int) -> list[BinStock]:
    planned: dict[tuple[int, int], int] = defaultdict(int)
    for loc, lot, q in conn.execute(sql.PLANNED_FROM_BINS, {"item": item_id, "wh": wh}):
        planned[(int(loc), int(lot or 0))] += int(q or 0)
    out = []
    for loc, walk, lot, qty in conn.execute(sql.SELLABLE_BINS, {"item": item_id, "wh": wh}):
        if int(loc) == skip:
            continue
        free = int(qty) - planned.get((int(loc), int(lot or 0)), 0)
        if free > 0:
            out.append(BinStock(int(loc), walk, lot, free))
    return out


def _placements(
    conn: Connection, order: OrderRow, ln: LineRow, wh: int, short: int, row: Any, now: datetime
) -> list[Placement]:
    ch = load_channels(conn, {order.channel_id})[order.channel_id].rules
    key = (ln.item_id, wh)
    capped = [ch.id] if ch.cap_fraction is not None else []
    state = load_state(conn, [key], read_reserved(conn, [key]), now.date(), by_channel_for=capped)
    allowed = state.free(ch, Demand(ln.id, ln.item_id, short, ln.promised), wh)
    pos = state.positions[key]
    lots = None
    if pos.lots is not None:
        floor = shelf_life_floor(ln.promised, now.date(), ch.min_shelf_life_days)
        lots = {lot: pos.lots[lot].free for lot in fefo_lots(pos.lots, floor)}
    bins = _free_bins(conn, ln.item_id, wh, int(row.location_id))
    return rules.plan_same_warehouse(short, allowed, bins, row.walk_sequence, lots)


def _reserve_here(
    conn: Connection,
    order: OrderRow,
    ln: LineRow,
    wh: int,
    placements: list[Placement],
    fefo: bool,
    now: datetime,
) -> dict[int, int]:
    """Reserve the placed units; returns lot (0: none) -> the new reservation's id."""
    by_lot: dict[int, int] = defaultdict(int)
    for p in placements:
        by_lot[(p.lot_id or 0) if fefo else 0] += p.quantity
    grants = [Grant(ln.id, ln.item_id, wh, lot or None, q) for lot, q in sorted(by_lot.items())]
    raise_reserved(conn, grants, now)
    before = int(conn.scalar(sql.MAX_RESERVATION) or 0)
    insert_reservations(conn, grants, {ln.id: order.channel_id}, now)
    made = conn.execute(sql.NEW_RESERVATIONS, {"line": ln.id, "wh": wh, "after": before})
    return {int(r.lot_id or 0): int(r.id) for r in made}


def _add_lines(
    conn: Connection,
    row: Any,
    placements: list[Placement],
    reservation_of: dict[int, int],
    fefo: bool,
) -> tuple[int, ...]:
    seq = int(conn.scalar(sql.LAST_SEQ, {"task": row.task_id}) or 0)
    ids = []
    for p in placements:
        seq += 1
        new_id = conn.execute(
            sql.INSERT_LINE.returning(sql.INSERT_LINE.table.c.id),
            {
                "task_id": row.task_id,
                "wave_id": row.wave_id,
                "order_id": row.order_id,
                "order_line_id": row.order_line_id,
                "reservation_id": reservation_of[(p.lot_id or 0) if fefo else 0],
                "item_id": row.item_id,
                "lot_id": p.lot_id,
                "location_id": p.location_id,
                "seq": seq,
                "quantity": p.quantity,
                "picked_qty": 0,
                "short_qty": 0,
                "status": "open",
            },
        ).scalar_one()
        ids.append(int(new_id))
    return tuple(ids)


def _held_by_warehouse(conn: Connection, line_id: int) -> dict[int, int]:
    held: dict[int, int] = defaultdict(int)
    for h in active_of_lines(conn, [line_id]):
        held[h.warehouse_id] += h.quantity
    return held


def reallocate_short(
    conn: Connection, row: Any, wh: int, short: int, actor_id: int | None, now: datetime
) -> Reallocated:
    """Release `short` units of the pick line's reservation and place them again (module
    docstring); `row` is the pick line as batch_sql.LINE reads it."""
    actor = Actor.user(actor_id)
    orders = load_orders(conn, [int(row.order_id)])
    lock_for_orders(conn, orders, now, {(int(row.item_id), wh)})
    order = load_orders(conn, [int(row.order_id)])[0]
    ln = next(x for x in order.lines if x.id == int(row.order_line_id))
    lot = row.reserved_lot_id
    mine = [
        h
        for h in active_of_lines(conn, [ln.id])
        if h.warehouse_id == wh and (lot is None or h.lot_id == lot)
    ]
    # Newest rows first: the rows this line was first reserved with stay with its other
    # pick lines (a partial release splits one row, as consume_reservation does).
    released = min(short, sum(h.quantity for h in mine))
    take_from(conn, list(reversed(mine)), released, "released", now)
    reserved = ln.reserved - released
    placements = _placements(conn, order, ln, wh, short, row, now)
    fefo = row.reserved_lot_id is not None
    same = sum(p.quantity for p in placements)
    new_ids: tuple[int, ...] = ()
    if placements:
        reservation_of = _reserve_here(conn, order, ln, wh, placements, fefo, now)
        new_ids = _add_lines(conn, row, placements, reservation_of, fefo)
    rest = short - same
    if rest == 0:
        status = "picking" if ln.consumed else "released"
    else:
        status = allocation_status(ln.quantity, reserved + same, ln.consumed)
    restate(
        conn,
        [order],
        {ln.id: (ln.quantity, reserved + same, ln.consumed, status)},
        actor,
        now,
        NOTE,
    )
    other = 0
    if rest:
        before = _held_by_warehouse(conn, ln.id)
        allocate_orders(conn, [order.id], actor, now)
        after = _held_by_warehouse(conn, ln.id)
        gained = {w: after.get(w, 0) - before.get(w, 0) for w in after}
        other = sum(q for w, q in gained.items() if w != wh)
        same += gained.get(wh, 0)
    return Reallocated(rules.short_outcome(short, same, other), same, other, new_ids)
