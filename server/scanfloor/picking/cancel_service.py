"""Cancelling an order that is being picked: its picked units go back to stock.

An order in an open wave is cancelled here, in one transaction:
1. its tasks' rows are locked (a pick on them waits, then finds its line cancelled);
2. what its tote holds posts (tote's place, tote) -> (the warehouse's first staging
   location, the same tote): the tote stays whole, so putaway lists it as one LPN task,
   "return to stock", and putting it away makes the units sellable again;
3. its open pick lines are cancelled;
4. its unconsumed reservations are released (the consumed ones stay consumed: those units
   are the tote's), its lines and the order become cancelled, with their history;
5. its wave_orders row closes, so the tote is free for another order once emptied;
6. the tasks (and the wave) close if nothing is left on them.
An order with units packed into a carton (a line packed, or partly packed) or shipped is
refused, 409 `order_packed`: its cartons are the pack station's to unpack, not this
return's.
An order in open waves of several warehouses (a short re-reserved its rest elsewhere)
returns every bound tote, each to its own warehouse's staging, and closes every wave order.
An order in no open wave is allocation's to cancel (changes_service.cancel_order), in the
same transaction. Freed units go to waiting lines right after the commit.
"""

from __future__ import annotations

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.engine import Connection

from ..allocation.changes_service import cancel_order
from ..allocation.engine import load_orders
from ..allocation.order_history import Actor
from ..allocation.order_views import OrderView, order_view
from ..allocation.realloc import reallocate_items
from ..allocation.reserve import active_of_lines, lock_for_orders, restate, take_from
from ..catalog.containers_service import follow_stock
from ..database import after_commit, write_transaction
from ..errors import NotFound
from ..extensions import db
from ..floor_events import announce_floor_change
from ..ledger.models import Balance
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..packing.models import Carton
from ..timeutil import utcnow
from . import batch_sql as sql
from .errors import OrderPacked
from .pick_service import first_location, locked_task
from .queries import refresh_task_status

_BAL = Balance.__table__
_CT = Carton.__table__
# A carton of the order holding units (open or closed), or shipped already.
_IN_CARTONS = (
    select(_CT.c.id)
    .where(
        _CT.c.order_id == bindparam("order"),
        or_(
            _CT.c.status == "shipped",
            exists().where(_BAL.c.container_id == _CT.c.container_id, _BAL.c.quantity > 0),
        ),
    )
    .limit(1)
)

NOTE = "order cancelled during picking"
REASON = "order_cancelled"
DONE = ("packed", "shipped")


def cancel_picking_order(order_id: int, *, actor_id: int | None) -> OrderView:
    """Cancel an order; if it is being picked, its tote goes back to stock via staging."""
    with write_transaction():
        conn = db.session.connection()
        wave_orders = conn.execute(sql.OPEN_WAVE_ORDERS, {"order": order_id}).all()
        if not wave_orders:
            return cancel_order(order_id, actor_id)
        totes = sorted({int(w.tote_container_id) for w in wave_orders if w.tote_container_id})
        _cancel_in_wave(conn, order_id, totes, actor_id)
        return order_view(order_id)


def _return_tote(conn: Connection, order_id: int, tote_id: int, actor_id: int | None) -> None:
    """Post the tote's units to its warehouse's staging, the tote with them."""
    held = conn.execute(sql.IN_TOTE, {"tote": tote_id}).all()
    if not held:
        return
    wh = conn.scalar(sql.WAREHOUSE_OF, {"loc": int(held[0].location_id)})
    if wh is None:  # a tote's stock stands in a warehouse's location: a guard, not a path
        raise NotFound("the tote is in no warehouse", {"tote_id": tote_id})
    staging = first_location(conn, int(wh), "staging")
    post(
        PostingRequest(
            movement_type="transfer",
            lines=tuple(
                MovementLine(
                    item_id=int(b.item_id),
                    quantity=int(b.quantity),
                    from_location_id=int(b.location_id),
                    to_location_id=staging,
                    lot_id=b.lot_id,
                    from_container_id=tote_id,
                    to_container_id=tote_id,
                    reason_code=REASON,
                )
                for b in held
            ),
            actor_id=actor_id,
            source_type="order",
            source_id=str(order_id),
        )
    )
    follow_stock(tote_id, staging)


def _cancel_in_wave(
    conn: Connection, order_id: int, tote_ids: list[int], actor_id: int | None
) -> None:
    now = utcnow()
    task_ids = sorted(int(t) for t in conn.scalars(sql.TASKS_OF_ORDER, {"order": order_id}))
    tasks = [locked_task(conn, t) for t in task_ids]
    orders = load_orders(conn, [order_id])
    if not orders:
        raise NotFound("order not found", {"order_id": order_id})
    done = [ln.id for ln in orders[0].lines if ln.status in DONE]
    if not done and conn.scalar(_IN_CARTONS, {"order": order_id}):
        # A line partly packed (or partly shipped) is still `picking`/`picked`, but its
        # units are in a carton or gone, which this cancel cannot take back to stock.
        done = [ln.id for ln in orders[0].lines if ln.consumed]
    if done:
        raise OrderPacked(
            "part of this order is packed or shipped: it can no longer be cancelled",
            {"order_id": order_id, "order_line_ids": done},
        )
    # Postings first, then reservations (docs/decisions/0009).
    for tote_id in tote_ids:
        _return_tote(conn, order_id, tote_id, actor_id)
    conn.execute(sql.CANCEL_OPEN_LINES, {"order": order_id})
    line_ids = [ln.id for ln in orders[0].lines]
    held = active_of_lines(conn, line_ids)
    lock_for_orders(conn, orders, now, {(h.item_id, h.warehouse_id) for h in held})
    order = load_orders(conn, [order_id])[0]
    held = active_of_lines(conn, line_ids)
    take_from(conn, held, sum(h.quantity for h in held), "released", now)
    live = [ln for ln in order.lines if ln.status != "cancelled"]
    restate(
        conn,
        [order],
        {ln.id: (ln.quantity, 0, ln.consumed, "cancelled") for ln in live},
        Actor.user(actor_id),
        now,
        NOTE,
    )
    conn.execute(sql.CLOSE_WAVE_ORDER, {"order": order_id})
    for task in tasks:
        refresh_task_status(conn, int(task.id), now)
    freed = {h.item_id for h in held}
    if freed:
        after_commit(lambda: _serve(freed))
    for wh in sorted({int(t.warehouse_id) for t in tasks}):
        for queue in ("to_pick", "to_put_away", "to_pack", "waves"):
            announce_floor_change(wh, queue)


def _serve(item_ids: set[int]) -> None:
    reallocate_items(item_ids)
