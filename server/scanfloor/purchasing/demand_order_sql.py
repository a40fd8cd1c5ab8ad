"""The order side of a demand history (demand_sql.py's docstring says what is counted):
backorders per (item, day) from order events, and the fallback to order lines per (item,
day) for items that shipped nothing; with the SQL helpers both sides share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Date, and_, bindparam, cast, func, select, union_all

from ..allocation.bulk_sql import PerDialect, member
from ..allocation.models import Order, OrderEvent, OrderLine, Reservation
from .position_sql import channel_first_warehouse

_OE = OrderEvent.__table__
_OL = OrderLine.__table__
_O = Order.__table__
_R = Reservation.__table__


def day_of(col: Any, dialect: str) -> Any:
    # SQLite keeps timestamps as 'YYYY-MM-DD HH:MM:SS...' text: its first 10 characters are
    # the UTC date; PostgreSQL casts its naive-UTC timestamp.
    if dialect == "sqlite":
        return func.substr(col, 1, 10)
    return cast(col, Date)


def total(expr: Any) -> Any:
    # SUM of a bigint is numeric on PostgreSQL (a Decimal per value in Python): back to bigint.
    return cast(func.sum(expr), BigInteger)


def _backorders(dialect: str) -> Any:
    first = (
        select(_OE.c.order_line_id, func.min(_OE.c.at).label("at"))
        .where(_OE.c.to_status == "backordered", _OE.c.order_line_id.is_not(None))
        .group_by(_OE.c.order_line_id)
        .subquery("first_backorder")
    )
    ships_from = channel_first_warehouse()
    never_picked = _OL.c.quantity - _OL.c.consumed_qty
    day = day_of(first.c.at, dialect)
    return (
        select(_OL.c.item_id, day.label("day"), total(never_picked).label("units"))
        .select_from(first)
        .join(_OL, _OL.c.id == first.c.order_line_id)
        .join(_O, _O.c.id == _OL.c.order_id)
        .join(ships_from, ships_from.c.channel_id == _O.c.channel_id)
        .where(
            ships_from.c.warehouse_id == bindparam("wh"),
            first.c.at >= bindparam("since"),
            first.c.at < bindparam("until"),
            never_picked > 0,
        )
        .group_by(_OL.c.item_id, day)
    )


def _order_lines(dialect: str) -> Any:
    in_window = and_(_O.c.ordered_at >= bindparam("since"), _O.c.ordered_at < bindparam("until"))
    day = day_of(_O.c.ordered_at, dialect)
    allocated = (
        select(_OL.c.item_id, day.label("day"), _R.c.quantity.label("units"))
        .select_from(_R)
        .join(_OL, _OL.c.id == _R.c.order_line_id)
        .join(_O, _O.c.id == _OL.c.order_id)
        .where(
            _R.c.warehouse_id == bindparam("wh"),
            _R.c.status.in_(("active", "consumed")),
            _OL.c.status != "cancelled",
            member(_OL.c.item_id, "items", dialect),
            in_window,
        )
    )
    ships_from = channel_first_warehouse()
    rest = _OL.c.quantity - _OL.c.reserved_qty - _OL.c.consumed_qty
    unallocated = (
        select(_OL.c.item_id, day.label("day"), rest.label("units"))
        .select_from(_OL)
        .join(_O, _O.c.id == _OL.c.order_id)
        .join(ships_from, ships_from.c.channel_id == _O.c.channel_id)
        .where(
            ships_from.c.warehouse_id == bindparam("wh"),
            _OL.c.status != "cancelled",
            rest > 0,
            member(_OL.c.item_id, "items", dialect),
            in_window,
        )
    )
    both = union_all(allocated, unallocated).subquery("ordered")
    return select(both.c.item_id, both.c.day, func.sum(both.c.units).label("units")).group_by(
        both.c.item_id, both.c.day
    )


BACKORDERS = PerDialect(_backorders)
ORDER_LINES = PerDialect(_order_lines)
