"""The runner of order exception priority (report_service.py): the open order exceptions,
ranked by priority_rules.prioritise.

What counts as an open order exception, and what each input is (the rule scores them):
- a floor exception naming an order and not resolved (a short pick, a pick plan reduced
  or unplanned, ...), in its own warehouse (else the order's);
- an order with lines waiting for stock (backordered or partly allocated): one exception
  per order, kind "waiting_for_stock", numbered by its first waiting line;
- ship by: the end of the earliest promised ship date of the order's open lines (not
  shipped, not cancelled); without one, capture + the channel's ship-within hours; none
  when neither is set;
- margin: what the order's open lines stand to earn: their net selling price (tax
  excluded) minus their units at the item's current average cost (its stock value over
  its units on hand, else its last known unit cost); unknown when a line has no price or
  an item no cost;
- channel penalty: Scanfloor keeps no penalty per channel, so the default is the
  channel's allocation priority scaled to 0..1 (its priority / the highest priority of any
  channel; 0 for a priority of 0 or below, and for every channel when none is above 0):
  the channel served first when stock is short is the one whose misses cost most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, or_
from sqlalchemy import select as sql_select

from ..allocation.models import Channel, Order, OrderLine
from ..extensions import db
from ..finance.money import quantum
from ..finance.revenue_rules import OrderedLine, line_net
from ..finance.valuation_models import StockValue
from ..picking.models import FloorException
from ..timeutil import as_utc, utcnow
from .filter_rules import Filters
from .priority_rules import OrderException, Ranked, prioritise
from .report_service import DECIMAL, INTEGER, TEXT, Column, Report, Row, runner
from .service_orders import (
    OrderRows,
    day_start,
    lines_of,
    order_warehouse,
    read_orders,
    scope,
    warehouse_id,
)
from .service_report import Ask
from .stats_rules import ZERO, rate

_O, _OL, _CH = Order.__table__, OrderLine.__table__, Channel.__table__
_FE, _SV = FloorException.__table__, StockValue.__table__
WAITING_FOR_STOCK = "waiting_for_stock"
SHORT_OF_STOCK = ("backordered", "partially_allocated")
CLOSED = ("shipped", "cancelled")
Raised = tuple[int, str, int, int | None, datetime]  # id, kind, order, warehouse, at


@dataclass(frozen=True)
class ExceptionRecord(OrderException):
    """An OrderException with the channel's order number and when it was raised."""

    external_id: str
    raised_at: datetime


def _floor_exceptions(filters: Filters) -> list[Any]:
    q = (
        sql_select(_FE.c.id, _FE.c.kind, _FE.c.order_id, _FE.c.warehouse_id, _FE.c.at)
        .join(_O, _O.c.id == _FE.c.order_id)
        .where(_FE.c.resolved_at.is_(None), _FE.c.order_id.in_(scope(_channel_only(filters))))
    )
    if filters.warehouse:
        place = func.coalesce(_FE.c.warehouse_id, order_warehouse())
        q = q.where(place == warehouse_id(filters.warehouse))
    return list(db.session.execute(q))


def _channel_only(filters: Filters) -> Filters:
    return Filters(channel=filters.channel)


def _short_orders(filters: Filters) -> Any:
    short = sql_select(_OL.c.order_id).where(_OL.c.status.in_(SHORT_OF_STOCK))
    return scope(filters).where(_O.c.id.in_(short))


def _open(rows: Sequence[Any]) -> list[Any]:
    return [r for r in rows if r.status not in CLOSED]


def ship_by(rows: Sequence[Any], head: Any) -> datetime | None:
    """The moment the order must ship by (module docstring)."""
    promised = [r.promised_ship_date for r in _open(rows) if r.promised_ship_date is not None]
    if promised:
        return day_start(min(promised) + timedelta(days=1))
    if head.ship_within_hours is not None:
        return as_utc(head.ordered_at) + timedelta(hours=int(head.ship_within_hours))
    return None


def unit_costs(item_ids: set[int]) -> dict[int, Decimal]:
    """Each item's current average unit cost over its places (module docstring)."""
    if not item_ids:
        return {}
    q = (
        sql_select(_SV.c.item_id, func.sum(_SV.c.value), func.sum(_SV.c.quantity),
                   func.max(_SV.c.last_rate))
        .where(_SV.c.item_id.in_(sorted(item_ids)))
        .group_by(_SV.c.item_id)
    )  # fmt: skip
    out = {}
    for item_id, value, units, last in db.session.execute(q):
        if units and int(units) > 0:
            out[int(item_id)] = Decimal(str(value)) / int(units)
        elif last is not None:
            out[int(item_id)] = Decimal(str(last))
    return out


def margin_at_stake(rows: Sequence[Any], costs: dict[int, Decimal], q: Decimal) -> Decimal | None:
    """Net price of the open lines minus their units at cost; None when a figure is missing."""
    total = ZERO
    open_ids = {int(r.id) for r in _open(rows)}
    for line in lines_of(rows):
        if not any(row.id in open_ids for row in line.rows):
            continue
        if line.price is None or any(r.item_id not in costs for r in _rows_of(line, rows)):
            return None
        cost = sum((costs[r.item_id] * int(r.quantity) for r in _rows_of(line, rows)), ZERO)
        total += line_net(line, q) - cost
    return total.quantize(q)


def _rows_of(line: OrderedLine, rows: Sequence[Any]) -> list[Any]:
    ids = {row.id for row in line.rows}
    return [r for r in rows if int(r.id) in ids]


def channel_penalties() -> dict[str, Decimal]:
    """The default penalty of every channel (module docstring)."""
    priorities = {
        str(c): int(p) for c, p in db.session.execute(sql_select(_CH.c.code, _CH.c.priority))
    }
    top = max((p for p in priorities.values() if p > 0), default=0)
    if top == 0:
        return dict.fromkeys(priorities, ZERO)
    return {code: _scaled(p, top) for code, p in priorities.items()}


def _scaled(priority: int, top: int) -> Decimal:
    penalty = rate(max(priority, 0), top)
    assert penalty is not None  # top > 0
    return penalty


def order_exceptions(filters: Filters) -> list[ExceptionRecord]:
    """Every open order exception under the filters, with its inputs (module docstring)."""
    floor = _floor_exceptions(filters)
    order_ids = sql_select(_O.c.id).where(
        or_(_O.c.id.in_(_short_orders(filters)), _O.c.id.in_([int(f.order_id) for f in floor]))
    )
    found = read_orders(order_ids, shipments=False, money=True)
    items = {int(r.item_id) for rows in found.rows.values() for r in _open(rows)}
    costs = unit_costs(items)
    q = quantum(str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR"))
    raised: list[Raised] = [
        (int(f.id), str(f.kind), int(f.order_id), f.warehouse_id, as_utc(f.at)) for f in floor
    ]
    raised += _waiting_for_stock(found)
    out = []
    for exception_id, kind, order_id, wh, at in raised:
        head, rows = found.heads[order_id], found.rows.get(order_id, [])
        out.append(
            ExceptionRecord(
                exception_id=exception_id,
                order_id=order_id,
                channel=str(head.channel),
                warehouse=found.warehouses.get(wh if wh is not None else head.warehouse_id),
                kind=kind,
                ship_by=ship_by(rows, head),
                margin=margin_at_stake(rows, costs, q),
                external_id=str(head.external_id),
                raised_at=at,
            )
        )
    return out


def _waiting_for_stock(found: OrderRows) -> list[Raised]:
    out: list[Raised] = []
    for order_id, rows in found.rows.items():
        short = [r for r in rows if r.status in SHORT_OF_STOCK]
        if short:
            head = found.heads[order_id]
            out.append((min(int(r.id) for r in short), WAITING_FOR_STOCK, order_id, None,
                        as_utc(head.ordered_at)))  # fmt: skip
    return out


PRIORITY_COLUMNS = (
    Column("rank", "Rank", INTEGER),
    Column("order", "Order", TEXT),
    Column("channel", "Channel", TEXT),
    Column("warehouse", "Warehouse", TEXT),
    Column("kind", "Exception", TEXT),
    Column("hours_to_ship", "Hours to promised ship (negative: late)", DECIMAL),
    Column("margin", "Margin at stake", DECIMAL),
    Column("service_risk", "Service risk (0-2)", DECIMAL),
    Column("margin_impact", "Margin impact (0-1)", DECIMAL),
    Column("channel_penalty", "Channel penalty (0-1)", DECIMAL),
    Column("score", "Score", DECIMAL),
)


def label_of(e: OrderException) -> str:
    """A row's label: the exception's kind and number (stable while it stays open)."""
    return f"{e.kind}-{e.exception_id}"


def _cells(r: Ranked) -> dict[str, Any]:
    e = r.exception
    return {
        "rank": r.rank, "order": getattr(e, "external_id", str(e.order_id)),
        "channel": e.channel, "warehouse": e.warehouse, "kind": e.kind,
        "hours_to_ship": r.hours_to_ship, "margin": e.margin, "service_risk": r.service,
        "margin_impact": r.margin, "channel_penalty": r.channel, "score": r.score,
    }  # fmt: skip


@runner("exception_priority")
def exception_priority_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Open order exceptions now, the most urgent first, each with the three parts of its
    score."""
    ranked = prioritise(order_exceptions(filters), utcnow(), channel_penalties(), filters)
    notes = (
        "Channel penalty: none is kept per channel, so it defaults to the channel's "
        "allocation priority / the highest channel priority (0 when none is above 0).",
        "Margin at stake: the open lines' net price (tax excluded) minus their units at "
        "the item's current average cost; unknown (scored 0) without a price or a cost.",
        "Waiting for stock: an order with backordered or partly allocated lines is one exception.",
    )
    rows = [Row(label_of(r.exception), _cells(r)) for r in ranked]
    records = tuple((label_of(r.exception), r.exception) for r in ranked)
    return Ask("exception_priority", filters, by, as_of).report(
        PRIORITY_COLUMNS, rows, None, records, notes
    )
