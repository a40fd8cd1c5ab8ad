"""The margin report: gross margin per order line, channel, warehouse, fulfilment path
(channel x warehouse x carrier service) or month, from what the journal and the channel
settlements booked (margin_sql.py reads them; margin_rules.py defines gross margin and
how an order's amounts reach its lines).

Filters: entry dates from/to (inclusive, the entries' own dates; shipping cost: its ship
day), channel (code: its orders only) and warehouse (amounts the report places in that
warehouse: margin_rules says where an amount without a warehouse of its own goes; shipping
cost is its shipment's).

Shipping cost is what the carriers quoted for the orders' cartons at ship confirm, in the
functional currency (margin_rules: conversion, allocation over lines, when it is unknown).
It is no journal entry and this report posts none: the carrier's invoice is booked through
accounts payable by the accounting system, so shipping cost is read from the cartons."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Connection

from ..allocation.orders_service import channel_by_code
from ..extensions import db
from ..returns.order_facts import shipped_items
from ..shipping.rules import LineState, shipped_per_line
from . import margin_sql
from .fx_rules import is_foreign
from .fx_service import functional_currency
from .margin_rules import (
    CHANNEL,
    GROUPS,
    KNOWN,
    MONTH,
    ORDER_LINE,
    PATH,
    UNKNOWN,
    WAREHOUSE,
    ZERO,
    Fact,
    Figures,
    Summary,
    allocate,
    revenue_weights,
    roll_up,
    shipping_costs,
    shipping_unknown,
    shipping_weights,
    split_by_line,
    total,
)
from .margin_sql import Filters, OrderRow, Sum
from .money import quantum
from .period_rules import period_of
from .revenue_rules import line_row


@dataclass(frozen=True)
class MarginRow:
    """One row; the labels its grouping does not use are None."""

    order_id: int | None
    external_id: str | None
    line_no: int | None
    sku: str | None
    channel: str | None
    warehouse: str | None
    carrier: str | None
    service: str | None
    month: str | None
    summary: Summary


@dataclass(frozen=True)
class MarginReport:
    group_by: str
    start: date | None
    end: date | None
    channel: str | None
    warehouse: str | None
    rows: list[MarginRow]
    totals: Summary

    @property
    def shipping_cost_known(self) -> bool:
        """No order in the report has an unknown shipping cost."""
        return self.totals.shipping_unknown_orders == 0


@dataclass(frozen=True)
class _Where:
    """Where an order was fulfilled: its first shipment in the report."""

    warehouse_id: int | None
    carrier: str | None
    service: str | None


def margin_report(
    group_by: str,
    start: date | None = None,
    end: date | None = None,
    channel: str | None = None,
    warehouse: tuple[int, str] | None = None,
) -> MarginReport:
    """Gross margin grouped by `group_by` (margin_rules.GROUPS) over entries dated start to
    end; channel by code (NotFound when unknown), warehouse as (id, code)."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by is one of {', '.join(GROUPS)}")
    channel_id = channel_code = None
    if channel is not None:
        found = channel_by_code(channel)
        channel_id, channel_code = int(found.id), str(found.code)
    conn = db.session.connection()
    facts = _facts(conn, Filters(start, end, channel_id))
    if warehouse is not None:
        facts = [f for f in facts if f.warehouse == warehouse[1]]
    rows = [_row(first, sums, group_by) for first, sums in roll_up(facts, group_by).values()]
    return MarginReport(
        group_by=group_by,
        start=start,
        end=end,
        channel=channel_code,
        warehouse=None if warehouse is None else warehouse[1],
        rows=rows,
        totals=total(facts),
    )


def _facts(conn: Connection, f: Filters) -> list[Fact]:
    revenue = margin_sql.revenue(conn, f)
    shipped, restocked = margin_sql.cogs(conn, f)
    credits = margin_sql.credits(conn, f)
    fees = margin_sql.fees(conn, f)
    everything = [*revenue, *shipped, *restocked, *credits, *fees]
    order_ids = {s.order_id for s in everything} | margin_sql.shipped_orders(conn, f)
    if not order_ids:
        return []
    functional = functional_currency()
    q = quantum(functional)
    carriage, unknown = _shipping(conn, f, order_ids, functional, q)
    everything += carriage
    rows = margin_sql.order_rows(conn, order_ids)
    heads = margin_sql.orders(conn, order_ids)
    ships = margin_sql.shipments(conn, {s.shipment_id for s in everything if s.shipment_id})
    shipped_units = _shipped_per_row(conn, rows)
    homes = _homes([*revenue, *shipped], ships)
    places = margin_sql.place_codes(
        conn,
        {s.warehouse_id for s in everything if s.warehouse_id}
        | {w.warehouse_id for w in homes.values() if w.warehouse_id}
        | {w for w, _, _ in ships.values()},
    )
    builders = {
        o: _Order(o, heads[o], rows.get(o, []), shipped_units, homes.get(o), ships, places, q,
                  o in unknown)
        for o in order_ids
    }  # fmt: skip
    out: list[Fact] = []
    for s in revenue:
        out += builders[s.order_id].by_weight(s, "revenue")
    for s in carriage:
        out += builders[s.order_id].by_shipping(s)
    for s in fees:
        out += builders[s.order_id].by_weight(s, "channel_fees")
    for s in credits:
        out += builders[s.order_id].by_line_id(s)
    for s in shipped:
        out += builders[s.order_id].by_item(s, "cogs")
    for s in restocked:
        out += builders[s.order_id].by_item(s, "returns_restocked")
    return out


def _shipping(
    conn: Connection, f: Filters, order_ids: set[int], functional: str, q: Decimal
) -> tuple[list[Sum], set[int]]:
    """(each order's shipping cost per shipment shipped on the filter's days, as a sum on
    the shipment's month, 0 where unknown; the orders whose shipping cost is unknown). Every
    shipment of the orders is read, whatever its day: one unknown carton makes the order's
    shipping unknown in every month (margin_rules)."""
    parts = margin_sql.shipped_cartons(conn, order_ids)
    foreign = {p.currency for p in parts if p.currency and is_foreign(p.currency, functional)}
    costs = shipping_costs(parts, margin_sql.rates(conn, foreign), functional, q)
    days = {(p.order_id, p.shipment_id): p.day for p in parts}
    sums = []
    for (order_id, shipment_id), cost in sorted(costs.items()):
        day = days[(order_id, shipment_id)]
        if (f.start is None or day >= f.start) and (f.end is None or day <= f.end):
            amount = ZERO if cost is None else cost
            sums.append(Sum(order_id, period_of(day), amount, shipment_id=shipment_id))
    return sums, shipping_unknown(costs)


def _shipped_per_row(conn: Connection, rows: dict[int, list[OrderRow]]) -> dict[int, int]:
    """order line row id -> units shipped (shipping's rule over the ledger, as revenue)."""
    totals = shipped_items(conn, sorted(rows))
    out: dict[int, int] = {}
    for order_id, lines in rows.items():
        states = [LineState(r.id, r.item_id, r.quantity, r.status, r.consumed_qty) for r in lines]
        out.update(shipped_per_line(states, totals.get(order_id, {})))
    return out


def _homes(sums: Iterable[Sum], ships: dict[int, tuple[int, str, str]]) -> dict[int, _Where]:
    """order id -> its first shipment's warehouse and carrier service (else a warehouse)."""
    first: dict[int, int] = {}
    some_place: dict[int, int] = {}
    for s in sums:
        sid = s.shipment_id
        if sid is not None and sid in ships and sid < first.get(s.order_id, sid + 1):
            first[s.order_id] = sid
        if s.warehouse_id is not None:
            some_place.setdefault(s.order_id, s.warehouse_id)
    out = {o: _Where(w, None, None) for o, w in some_place.items()}
    for o, sid in first.items():
        w, carrier, service = ships[sid]
        out[o] = _Where(w, carrier, service)
    return out


class _Order:
    """Turns one order's sums into facts (margin_rules: how amounts reach lines)."""

    def __init__(
        self,
        order_id: int,
        head: tuple[str, str],
        rows: list[OrderRow],
        shipped: dict[int, int],
        home: _Where | None,
        ships: dict[int, tuple[int, str, str]],
        places: dict[int, str],
        q: Decimal,
        shipping_unknown: bool,
    ) -> None:
        self.id, (self.external_id, self.channel) = order_id, head
        self.home = home or _Where(None, None, None)
        self.ships, self.places, self.q = ships, places, q
        self.shipping_unknown = shipping_unknown
        self.weights = revenue_weights([line_row(r) for r in rows], shipped, q)
        self.sku: dict[int, str] = {}
        self.line_of_row: dict[int, int] = {}
        units: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for r in rows:
            self.sku.setdefault(r.line_no, r.sku)
            self.line_of_row[r.id] = r.line_no
            units[r.item_id][r.line_no] += shipped.get(r.id, 0)
        self.item_lines = {i: dict(per) for i, per in units.items()}
        self.shipped_lines = {r.line_no for r in rows if shipped.get(r.id, 0) > 0}

    def _fact(
        self, s: Sum, line_no: int | None, field: str, amount: Decimal, shipping: str | None = None
    ) -> Fact:
        where = self.home
        warehouse_id = s.warehouse_id if s.warehouse_id is not None else where.warehouse_id
        carrier, service = where.carrier, where.service
        if s.shipment_id in self.ships:
            _, carrier, service = self.ships[s.shipment_id]
        figures = Figures(**{field: amount})
        if field == "revenue" and self.shipping_unknown:
            figures = Figures(revenue=amount, shipping_unknown_revenue=amount)
        return Fact(
            order_id=self.id,
            external_id=self.external_id,
            line_no=line_no,
            sku=None if line_no is None else self.sku.get(line_no),
            channel=self.channel,
            warehouse=None if warehouse_id is None else self.places.get(warehouse_id),
            carrier=carrier,
            service=service,
            month=s.month,
            figures=figures,
            shipping=shipping,
        )

    def by_weight(self, s: Sum, field: str) -> list[Fact]:
        parts = split_by_line(s.amount, self.weights, self.q)
        return [self._fact(s, no, field, a) for no, a in parts.items()]

    def by_shipping(self, s: Sum) -> list[Fact]:
        """The order's shipping cost on one shipment over its shipped lines, or (unknown)
        a mark on each of them that subtracts nothing."""
        weights = shipping_weights(self.weights, self.shipped_lines)
        if s.shipment_id in self.ships:  # the cost is its shipment's warehouse's
            s = replace(s, warehouse_id=self.ships[s.shipment_id][0])
        if self.shipping_unknown:
            nos: list[int | None] = [*sorted(weights)] or [None]
            return [self._fact(s, no, "shipping_cost", ZERO, UNKNOWN) for no in nos]
        parts = split_by_line(s.amount, weights, self.q)
        return [self._fact(s, no, "shipping_cost", a, KNOWN) for no, a in parts.items()]

    def by_line_id(self, s: Sum) -> list[Fact]:
        no = None if s.order_line_id is None else self.line_of_row.get(s.order_line_id)
        if no is None:
            return self.by_weight(s, "returns_credited")
        return [self._fact(s, no, "returns_credited", s.amount)]

    def by_item(self, s: Sum, field: str) -> list[Fact]:
        lines = self.item_lines.get(s.item_id or -1, {})
        if not lines:
            return [self._fact(s, None, field, s.amount)]
        nos = sorted(lines)
        parts = allocate(s.amount, [Decimal(lines[n]) for n in nos], self.q)
        return [self._fact(s, no, field, a) for no, a in zip(nos, parts, strict=True)]


def _row(first: Fact, sums: Summary, group_by: str) -> MarginRow:
    line = group_by == ORDER_LINE
    path = group_by == PATH
    return MarginRow(
        order_id=first.order_id if line else None,
        external_id=first.external_id if line else None,
        line_no=first.line_no if line else None,
        sku=first.sku if line else None,
        channel=first.channel if group_by in (ORDER_LINE, CHANNEL, PATH) else None,
        warehouse=first.warehouse if group_by in (ORDER_LINE, WAREHOUSE, PATH) else None,
        carrier=first.carrier if line or path else None,
        service=first.service if line or path else None,
        month=first.month if group_by == MONTH else None,
        summary=sums,
    )
