"""Inventory position per (item, warehouse), for every item at once, in ONE statement.

position = on hand + open PO + in transit - reserved - backordered (reorder_rules.Position),
each term read from the table that owns it and counted once:
- on hand: balances in the warehouse's sellable locations and its `dock` locations
  (received, awaiting putaway). Picked stock (totes, pack stations, shipping doors) is not on
  hand for purchasing: its reservation is already consumed, it is as good as gone.
- open PO: ordered - received (never below 0) over lines of POs that are approved, sent,
  open or partially received, plus drafts a person made or edited. A draft an earlier
  suggestion run made and nobody touched (state draft, revision 0, suggestion_run_id set) is
  left out: the next run cancels it before it computes positions, and a position read
  between runs must not count a proposal as stock on the way. A PO without a warehouse (from
  before POs named one) counts for the lowest-id warehouse.
- in transit: units at the virtual IN-TRANSIT location, counted for the lowest-id warehouse
  (the ledger does not say where they are headed); 0 today in practice.
- reserved: allocation's per-(item, warehouse) counter `stock_positions.reserved`, which it
  keeps equal to the item's active reservations there in the same transaction as every
  reservation change (one row per key, so no scan of the reservation history).
- backordered: units of waiting order lines (received, backordered, partially allocated)
  that no reservation holds (quantity - reserved - consumed), counted for the first
  (lowest-id) warehouse of the line's channel, as allocation would ship them from there.

The terms are one UNION ALL summed by a GROUP BY, so PostgreSQL and SQLite each answer in
one round trip whatever the number of items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection

from ..allocation.bulk_sql import member
from ..allocation.models import ChannelWarehouse, Order, OrderLine, StockPosition
from ..allocation.rules import WAITING
from ..catalog.models import Location
from ..ledger.models import Balance
from .models import PurchaseOrder, PurchaseOrderLine
from .reorder_rules import Position

# POs whose open quantity is on its way (drafts: see `_counted_po`).
OPEN_PO_STATES = ("approved", "sent", "open", "partially_received")
IN_TRANSIT_CODE = "IN-TRANSIT"

_B = Balance.__table__
_L = Location.__table__
_PO = PurchaseOrder.__table__
_PL = PurchaseOrderLine.__table__
_SP = StockPosition.__table__
_OL = OrderLine.__table__
_O = Order.__table__
_CW = ChannelWarehouse.__table__
TERMS = ("on_hand", "open_po", "in_transit", "reserved", "backordered")


@dataclass(frozen=True)
class PositionRow:
    item_id: int
    warehouse_id: int
    on_hand: int = 0
    open_po: int = 0
    in_transit: int = 0
    reserved: int = 0
    backordered: int = 0

    @property
    def total(self) -> int:
        return self.on_hand + self.open_po + self.in_transit - self.reserved - self.backordered

    def as_position(self) -> Position:
        """The reorder rules' value (they refuse a negative term; none can be here)."""
        return Position(
            on_hand=max(self.on_hand, 0),
            open_po=self.open_po,
            in_transit=self.in_transit,
            reserved=self.reserved,
            backordered=self.backordered,
        )


def _first_warehouse() -> Any:
    return select(func.min(_L.c.id)).where(_L.c.type == "warehouse").scalar_subquery()


def _zero(name: str) -> ColumnElement[Any]:
    return cast(literal(0), BigInteger).label(name)


def _branch(item: Any, warehouse: Any, term: str, quantity: Any) -> Select[Any]:
    """One term's rows: (item, warehouse, the five terms with only `term` non-zero)."""
    values = [cast(quantity, BigInteger).label(t) if t == term else _zero(t) for t in TERMS]
    return select(item.label("item_id"), warehouse.label("warehouse_id"), *values)


def channel_first_warehouse() -> Any:
    """(channel_id, warehouse_id): the warehouse a channel's unallocated lines count for,
    its lowest-id one (the first allocation tries)."""
    return (
        select(_CW.c.channel_id, func.min(_CW.c.warehouse_id).label("warehouse_id"))
        .group_by(_CW.c.channel_id)
        .subquery("ships_from")
    )


def _counted_po() -> ColumnElement[bool]:
    untouched_run_draft = and_(_PO.c.suggestion_run_id.is_not(None), _PO.c.revision == 0)
    return or_(
        _PO.c.state.in_(OPEN_PO_STATES),
        and_(_PO.c.state == "draft", ~untouched_run_draft),
    )


def _terms() -> Any:
    on_hand = (
        _branch(_B.c.item_id, _L.c.warehouse_id, "on_hand", _B.c.quantity)
        .join_from(_B, _L, _L.c.id == _B.c.location_id)
        .where(
            _L.c.is_virtual.is_(False),
            _L.c.warehouse_id.is_not(None),
            or_(_L.c.sellable.is_(True), _L.c.type == "dock"),
        )
    )
    open_qty = case((_PL.c.ordered > _PL.c.received, _PL.c.ordered - _PL.c.received), else_=0)
    open_po = (
        _branch(
            _PL.c.item_id,
            func.coalesce(_PO.c.warehouse_id, _first_warehouse()),
            "open_po",
            open_qty,
        )
        .join_from(_PL, _PO, _PO.c.id == _PL.c.po_id)
        .where(_counted_po())
    )
    in_transit = (
        _branch(_B.c.item_id, _first_warehouse(), "in_transit", _B.c.quantity)
        .join_from(_B, _L, _L.c.id == _B.c.location_id)
        .where(_L.c.code == IN_TRANSIT_CODE, _L.c.is_virtual.is_(True))
    )
    reserved = _branch(_SP.c.item_id, _SP.c.warehouse_id, "reserved", _SP.c.reserved).where(
        _SP.c.reserved != 0
    )
    ships_from = channel_first_warehouse()
    unallocated = _OL.c.quantity - _OL.c.reserved_qty - _OL.c.consumed_qty
    backordered = (
        _branch(_OL.c.item_id, ships_from.c.warehouse_id, "backordered", unallocated)
        .join_from(_OL, _O, _O.c.id == _OL.c.order_id)
        .join(ships_from, ships_from.c.channel_id == _O.c.channel_id)
        .where(_OL.c.status.in_(WAITING), unallocated > 0)
    )
    return union_all(on_hand, open_po, in_transit, reserved, backordered).subquery("terms")


def _statement(dialect: str, by_warehouse: bool, by_items: bool) -> Select[Any]:
    t = _terms()
    stmt = select(
        t.c.item_id, t.c.warehouse_id, *(func.sum(t.c[name]).label(name) for name in TERMS)
    ).group_by(t.c.item_id, t.c.warehouse_id)
    if by_warehouse:
        stmt = stmt.where(t.c.warehouse_id == bindparam("wh", type_=BigInteger))
    if by_items:
        stmt = stmt.where(member(t.c.item_id, "items", dialect))
    return stmt


_BUILT: dict[tuple[str, bool, bool], Select[Any]] = {}


def inventory_positions(
    conn: Connection,
    warehouse_id: int | None = None,
    item_ids: Sequence[int] | None = None,
) -> dict[tuple[int, int], PositionRow]:
    """(item_id, warehouse_id) -> its position terms, for every item with any term non-zero
    (a key not in the answer has a position of 0). One statement (module docstring)."""
    if item_ids is not None and not item_ids:
        return {}
    key = (conn.dialect.name, warehouse_id is not None, item_ids is not None)
    stmt = _BUILT.get(key)
    if stmt is None:
        stmt = _BUILT[key] = _statement(*key)
    params: dict[str, Any] = {}
    if warehouse_id is not None:
        params["wh"] = warehouse_id
    if item_ids is not None:
        params["items"] = sorted({int(i) for i in item_ids})
    out: dict[tuple[int, int], PositionRow] = {}
    for r in conn.execute(stmt, params):
        if r.warehouse_id is None:
            continue  # an open PO with no warehouse when no warehouse exists at all
        terms = r._mapping
        row = PositionRow(int(r.item_id), int(r.warehouse_id), *(int(terms[n] or 0) for n in TERMS))
        if any(getattr(row, n) for n in TERMS):
            out[(row.item_id, row.warehouse_id)] = row
    return out
