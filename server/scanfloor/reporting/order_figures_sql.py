"""The fill rates and order cycle time of settled orders, counted in SQL over their facts
(order_facts_models.py): one GROUP BY instead of a record per order.

The rules stay the definition (fill_rules.py, service_rules.py); what is written here is
what they come to for a settled order, whatever the day the report is asked:
- every line still wanted (demand > 0) of a settled order is shipped in full or cancelled,
  so it is judged: none is pending;
- line fill: judged = those lines, filled = those whose first shipment carried every unit
  still wanted (first_units >= demand);
- unit fill: judged = their demand, filled = their units shipped by the promise (by_promise,
  already at most the demand);
- order fill: an order with such a line is judged; it is filled when every such line is
  filled and they share one first shipment;
- cycle time: an order with a completion (order_facts.completed_at) is timed from its
  capture to it.
tests/integration/test_order_facts.py checks every figure against the rules over the same
orders assembled from their rows.

The orders counted are those `ids` selects (service_orders.scope: the filters' channel,
warehouse and capture dates) that have facts; the rest are assembled and counted by the
rules (service_report.py adds the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, distinct, func, null, select
from sqlalchemy.sql import ColumnElement, Select

from ..allocation.models import Channel, Order
from ..extensions import db
from ..timeutil import as_utc
from .filter_rules import Filters
from .order_facts_models import OrderFact, OrderLineFact
from .service_orders import OrderFacts, between, order_warehouse, warehouse_codes, warehouse_id

_O, _CH = Order.__table__, Channel.__table__
_F, _LF = OrderFact.__table__, OrderLineFact.__table__

Tally = tuple[int, int, int]  # judged, filled, pending (as fill_rules.Tally)


@dataclass(frozen=True)
class FillTallies:
    """What a group of settled orders adds to each fill rate."""

    lines: Tally
    units: Tally
    orders: Tally

    def of(self, noun: str) -> Tally:
        return {"lines": self.lines, "units": self.units, "orders": self.orders}[noun]


def _label(by: str | None) -> ColumnElement[Any] | None:
    if by == "channel":
        code: ColumnElement[Any] = _CH.c.code
        return code
    if by == "warehouse":
        return order_warehouse()
    return None


def settled_fills(ids: Select[Any], by: str | None) -> dict[str | None, FillTallies]:
    """Per group of the breakdown (None: one group), the settled orders' tallies."""
    counted = _LF.c.demand > 0
    filled = and_(counted, _LF.c.first_shipment_id.is_not(None), _LF.c.first_units >= _LF.c.demand)
    per_order = (
        select(
            _LF.c.order_id,
            func.sum(case((counted, 1), else_=0)).label("n"),
            func.sum(case((filled, 1), else_=0)).label("n_ok"),
            func.sum(case((counted, _LF.c.demand), else_=0)).label("units"),
            func.sum(case((counted, _LF.c.by_promise), else_=0)).label("units_ok"),
            func.count(distinct(case((counted, _LF.c.first_shipment_id)))).label("firsts"),
        )
        .where(_LF.c.order_id.in_(ids))
        .group_by(_LF.c.order_id)
        .subquery()
    )
    p = per_order.c
    label = _label(by)
    q = (
        select(
            (label if label is not None else null()).label("label"),
            func.sum(p.n), func.sum(p.n_ok), func.sum(p.units), func.sum(p.units_ok),
            func.sum(case((p.n > 0, 1), else_=0)),
            func.sum(case((and_(p.n > 0, p.n_ok == p.n, p.firsts == 1), 1), else_=0)),
        )
        .select_from(per_order.join(_O, _O.c.id == p.order_id)
                     .join(_CH, _CH.c.id == _O.c.channel_id))
    )  # fmt: skip
    if label is not None:
        q = q.group_by(label)
    codes = warehouse_codes() if by == "warehouse" else {}
    out: dict[str | None, FillTallies] = {}
    for key, n, n_ok, units, units_ok, orders, orders_ok in db.session.execute(q):
        if n is None:
            continue  # no settled order in scope
        name = codes.get(key) if by == "warehouse" else key
        out[None if name is None else str(name)] = FillTallies(
            (int(n), int(n_ok), 0), (int(units), int(units_ok), 0), (int(orders), int(orders_ok), 0)
        )
    return out


def settled_completions(filters: Filters, *, warehouses: bool) -> list[OrderFacts]:
    """The settled orders completed in the filters' date range (of their channel and
    warehouse): each a record with its capture and completion (no lines: the span is all
    the cycle time reads), and its warehouse when asked (a correlated read per order)."""
    wh = order_warehouse() if warehouses else null()
    q = (
        select(_O.c.id, _O.c.external_id, _O.c.ordered_at, _F.c.completed_at,
               _CH.c.code, wh.label("warehouse_id"))
        .select_from(_F.join(_O, _O.c.id == _F.c.order_id).join(_CH, _CH.c.id == _O.c.channel_id))
        .where(_F.c.completed_at.is_not(None))
    )  # fmt: skip
    dated = between(_F.c.completed_at, filters)
    if dated is not None:
        q = q.where(dated)
    if filters.channel:
        q = q.where(_CH.c.code == filters.channel)
    if filters.warehouse:
        q = q.where(order_warehouse() == warehouse_id(filters.warehouse))
    codes = warehouse_codes() if warehouses else {}
    return [
        OrderFacts(
            order_id=int(order_id),
            channel=str(channel),
            warehouse=codes.get(wh),
            ordered_at=as_utc(ordered_at),
            lines=(),
            external_id=str(external_id),
            completed_at=as_utc(done),
        )
        for order_id, external_id, ordered_at, done, channel, wh in db.session.execute(q)
    ]
