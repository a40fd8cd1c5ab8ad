"""Changing orders after capture: cancel an order or a line, lower a quantity, and consume
reservations as picks fulfil them.

Rules: a line may change while it is received, backordered, (partially) allocated or
released to a wave; once picking has started it is refused (409 picking_started). A cancel
of an already cancelled order answers with the order as it is. Freed units go to waiting
lines in a transaction of their own right after commit.

A line released to a wave has open pick lines planning its reserved units. The units a
cancel or a lower quantity releases are named as lost (lost_reservations.py), and picking
takes those pick lines down to what is still reserved in the same transaction, before it
commits (picking/reconcile.py: cancelled, or replaced by a smaller line, and a floor
exception for the supervisor): the answer is the truth on the floor too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from ..database import after_commit, write_transaction
from ..errors import Conflict, NotFound, PickingStarted, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .engine import LineRow, OrderRow, load_orders
from .lost_reservations import note_lost
from .models import OrderLine
from .order_history import Actor
from .order_views import OrderView, order_view
from .reserve import Held, active_of_lines, lock_for_orders, restate, take_from
from .rules import allocation_status, can_change, status_after_pick


@dataclass(frozen=True)
class ConsumeResult:
    order_line_id: int
    consumed: int
    line_status: str
    reservation_ids: list[int]


def _locked_order(order_id: int) -> tuple[OrderRow, list[Held]]:
    """The order and its active reservations, read under the locks of its positions."""
    conn = db.session.connection()
    now = utcnow()
    orders = load_orders(conn, [order_id])
    if not orders:
        raise NotFound("order not found", {"order_id": order_id})
    ids = [ln.id for ln in orders[0].lines]
    held = active_of_lines(conn, ids)
    lock_for_orders(conn, orders, now, {(h.item_id, h.warehouse_id) for h in held})
    return load_orders(conn, [order_id])[0], active_of_lines(conn, ids)


def _refuse_if_started(lines: list[LineRow]) -> None:
    started = [ln.id for ln in lines if ln.status != "cancelled" and not can_change(ln.status)]
    if started:
        raise PickingStarted(
            "picking has started on this order: these lines can no longer change",
            {"order_line_ids": started},
        )


def _reallocate_after_commit(item_ids: set[int]) -> None:
    if item_ids:
        from .realloc import reallocate_items

        def _then() -> None:
            reallocate_items(item_ids)

        after_commit(_then)


def cancel_order(order_id: int, actor_id: int | None = None) -> OrderView:
    """Cancel every line; their reservations are released."""
    with write_transaction():
        order, held = _locked_order(order_id)
        live = [ln for ln in order.lines if ln.status != "cancelled"]
        if live:
            _refuse_if_started(live)
            _cancel(order, live, held, Actor.user(actor_id), "order cancelled")
        return order_view(order_id)


def cancel_line(order_id: int, line_no: int, actor_id: int | None = None) -> OrderView:
    """Cancel one ordered line (all components of a kit line)."""
    with write_transaction():
        order, held = _locked_order(order_id)
        lines = _lines(order, line_no)
        live = [ln for ln in lines if ln.status != "cancelled"]
        if live:
            _refuse_if_started(live)
            _cancel(order, live, held, Actor.user(actor_id), f"line {line_no} cancelled")
        return order_view(order_id)


def _lines(order: OrderRow, line_no: int) -> list[LineRow]:
    lines = [ln for ln in order.lines if ln.line_no == line_no]
    if not lines:
        raise NotFound("order line not found", {"order_id": order.id, "line_no": line_no})
    return lines


def _cancel(
    order: OrderRow, lines: list[LineRow], held: list[Held], actor: Actor, note: str
) -> None:
    conn = db.session.connection()
    now = utcnow()
    ids = {ln.id for ln in lines}
    mine = [h for h in held if h.line_id in ids]
    take_from(conn, mine, sum(h.quantity for h in mine), "released", now)
    note_lost(h.line_id for h in mine)
    restate(
        conn,
        [order],
        {ln.id: (ln.quantity, 0, ln.consumed, "cancelled") for ln in lines},
        actor,
        now,
        note,
    )
    _reallocate_after_commit({h.item_id for h in mine})


def change_line_quantity(
    order_id: int, line_no: int, quantity: int, actor_id: int | None = None
) -> OrderView:
    """Lower an ordered line's quantity (kits: in kits); excess reservations are released."""
    with write_transaction():
        order, held = _locked_order(order_id)
        lines = [ln for ln in _lines(order, line_no) if ln.status != "cancelled"]
        if not lines:
            raise Conflict("this line is cancelled", {"order_id": order_id, "line_no": line_no})
        _refuse_if_started(lines)
        conn = db.session.connection()
        now = utcnow()
        kit_qty = lines[0].kit_quantity
        ordered = kit_qty if kit_qty is not None else lines[0].quantity
        if isinstance(quantity, bool) or not 1 <= quantity < ordered:
            raise ValidationFailed(
                "a quantity can only go down, to at least 1 (cancel the line instead)",
                {"line_no": line_no, "ordered": ordered, "quantity": quantity},
            )
        changed: dict[int, tuple[int, int, int, str]] = {}
        freed: set[int] = set()
        for ln in lines:
            new_q = ln.quantity // ordered * quantity
            excess = ln.reserved + ln.consumed - new_q
            reserved = ln.reserved
            if excess > 0:
                mine = [h for h in held if h.line_id == ln.id]
                take_from(conn, list(reversed(mine)), excess, "released", now)
                note_lost([ln.id])
                reserved -= excess
                freed.add(ln.item_id)
            status = allocation_status(new_q, reserved, ln.consumed)
            if ln.status == "released" and reserved + ln.consumed == new_q:
                status = "released"
            changed[ln.id] = (new_q, reserved, ln.consumed, status)
        _set_kit_quantity(lines, quantity)
        restate(
            conn, [order], changed, Actor.user(actor_id), now, f"line {line_no} quantity {quantity}"
        )
        _reallocate_after_commit(freed)
        return order_view(order_id)


def _set_kit_quantity(lines: list[LineRow], quantity: int) -> None:
    db.session.execute(
        update(OrderLine)
        .where(OrderLine.id.in_([ln.id for ln in lines]), OrderLine.kit_quantity.is_not(None))
        .values(kit_quantity=quantity)
    )


def consume_reservation(
    order_line_id: int,
    quantity: int,
    actor_id: int | None = None,
    *,
    warehouse_id: int | None = None,
    lot_id: int | None = None,
) -> ConsumeResult:
    """A pick fulfils `quantity` of a line: that many reserved units resolve as consumed.

    Runs inside the pick's transaction when there is one (the pick posts the movement out of
    the sellable bin through the ledger writer in the same transaction)."""
    if isinstance(quantity, bool) or quantity <= 0:
        raise ValidationFailed("quantity must be positive", {"quantity": quantity})
    with write_transaction():
        order_id = db.session.scalar(
            select(OrderLine.order_id).where(OrderLine.id == order_line_id)
        )
        if order_id is None:
            raise NotFound("order line not found", {"order_line_id": order_line_id})
        order, held = _locked_order(order_id)
        line = next(ln for ln in order.lines if ln.id == order_line_id)
        if line.status == "cancelled":
            raise Conflict("this line is cancelled", {"order_line_id": order_line_id})
        mine = [
            h
            for h in held
            if h.line_id == line.id
            and (warehouse_id is None or h.warehouse_id == warehouse_id)
            and (lot_id is None or h.lot_id == lot_id)
        ]
        available = sum(h.quantity for h in mine)
        if available < quantity:
            raise Conflict(
                "not that many units are reserved for this line",
                {"order_line_id": line.id, "reserved": available, "quantity": quantity},
            )
        conn = db.session.connection()
        now = utcnow()
        touched = take_from(conn, mine, quantity, "consumed", now)
        consumed = line.consumed + quantity
        status = status_after_pick(line.quantity, line.reserved - quantity, consumed)
        restate(
            conn,
            [order],
            {line.id: (line.quantity, line.reserved - quantity, consumed, status)},
            Actor.user(actor_id),
            now,
        )
        return ConsumeResult(line.id, consumed, status, touched)
