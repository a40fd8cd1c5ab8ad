"""Pure margin rules: the one definition of gross margin, how an order's amounts reach its
lines, and the keys a margin report groups by.

Gross margin (the one definition, used by the report, its CSV and the console):
    net revenue  = revenue booked at shipment (the order lines' price x quantity less their
                   discounts, tax excluded: revenue_rules.py) - returns credited to the
                   customer (customer credits, Dr returns)
    net COGS     = cost of goods shipped (Dr cogs of the ship movements) - the cost of
                   returned units put back into stock (Cr cogs of customer returns, at their
                   original issue cost)
    gross margin = net revenue - net COGS - channel fees - shipping cost where known
    margin %     = gross margin / net revenue x 100, to 2 places half up (none when the net
                   revenue is 0)

Shipping cost is what the carriers quoted for an order's cartons when their shipment was
confirmed (each carton records its part and currency: shipping/cost_rules.py; an own fleet
without a rate records none). Nothing is invented for it, and it is no journal entry: the
carrier's invoice is booked through accounts payable by the accounting system, so the
report reads it from the cartons, not the books.
- An order's shipping cost on a shipment is its cartons' costs there in the functional
  currency: a cost in that currency as it stands, one in another currency times that
  currency's exchange rate on the ship day (fx_rules.rate_on: the latest on or before it),
  summed exactly and rounded half up to the cent once. It is dated by the ship day (the
  day its revenue and COGS are booked).
- It is unknown when any carton of the order (on any shipment, whatever the dates asked)
  has no cost, or a foreign one has no rate on its ship day: then the order's shipping is
  unknown everywhere, none of it is subtracted (its known cartons neither: half a cost is
  no cost), and its revenue is counted as revenue whose shipping is unknown.
- A known cost is split over the order's shipped lines (lines with units shipped) by the
  revenue each has booked, the weights revenue and fees use (evenly when none booked any),
  largest remainder to the cent: the parts sum exactly to the order's cost.
- A row (or the totals) subtracts the known shipping of its orders and says how many of its
  orders have an unknown one (`shipping_unknown_orders`) and how much revenue they booked
  in it (`shipping_unknown_revenue`); its shipping cost is shown as unknown (None) when
  every order it shipped has an unknown one.

Channel fees are what the channel's settlements kept for an order: every settlement line's
fee, and the amount of its fee, adjustment and other lines (a fee line of -2.50 is a cost of
2.50), exactly what the settlement booked to the channel fees account for the order.

Policy:
- Every amount belongs to one order; it is dated by its journal entry (its month is the
  entry's period). Amounts are read as booked: this module never re-prices a line.
- Revenue and fees are booked per order; they reach its ordered lines in proportion to what
  each line has booked so far (revenue_rules.booked_to of what it shipped), split by
  `allocate` (largest remainder: the parts sum exactly to the whole). When no line booked
  anything, they split evenly. COGS and restocked returns reach the line of their item (an
  item on several lines: split by units shipped of each); a credit reaches the line its
  return line names (none named: split as revenue is).
- Fulfilment path = channel x warehouse x carrier service. An amount without a warehouse or
  a shipment of its own (a fee, a credit, a return) takes its order's: the warehouse and
  shipment of the order's first shipment (lowest shipment id) in the report.
- Rows with every amount 0 are left out.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .fx_rules import is_foreign, rate_on
from .money import round_to
from .revenue_rules import LineRow, booked_to, ordered_lines, shipped_of

ZERO = Decimal(0)
PCT = Decimal("0.01")
GROUPS = ("order_line", "channel", "warehouse", "path", "month")
ORDER_LINE, CHANNEL, WAREHOUSE, PATH, MONTH = GROUPS
KNOWN, UNKNOWN = "known", "unknown"  # a fact's shipping
GroupKey = tuple[str | int | None, ...]
# Wide enough that cost x rate is exact before the one rounding to the cent.
_EXACT = decimal.Context(prec=60, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """The amounts of one row (or the totals), each >= 0 as booked. shipping_cost is the
    known part only; shipping_unknown_revenue is revenue of orders whose shipping is
    unknown (part of revenue, not another amount)."""

    revenue: Decimal = ZERO
    returns_credited: Decimal = ZERO
    cogs: Decimal = ZERO
    returns_restocked: Decimal = ZERO
    channel_fees: Decimal = ZERO
    shipping_cost: Decimal = ZERO
    shipping_unknown_revenue: Decimal = ZERO

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.revenue + other.revenue,
            self.returns_credited + other.returns_credited,
            self.cogs + other.cogs,
            self.returns_restocked + other.returns_restocked,
            self.channel_fees + other.channel_fees,
            self.shipping_cost + other.shipping_cost,
            self.shipping_unknown_revenue + other.shipping_unknown_revenue,
        )

    @property
    def net_revenue(self) -> Decimal:
        return self.revenue - self.returns_credited

    @property
    def net_cogs(self) -> Decimal:
        return self.cogs - self.returns_restocked

    @property
    def gross_margin(self) -> Decimal:
        return self.net_revenue - self.net_cogs - self.channel_fees - self.shipping_cost

    @property
    def margin_pct(self) -> Decimal | None:
        return margin_pct(self.gross_margin, self.net_revenue)

    @property
    def empty(self) -> bool:
        return not any(
            (self.revenue, self.returns_credited, self.cogs, self.returns_restocked,
             self.channel_fees, self.shipping_cost)
        )  # fmt: skip


NONE = Figures()


@dataclass(frozen=True)
class Fact:
    """Amounts of one ordered line (line_no None: not tied to a line) in one month, with
    where the order was fulfilled."""

    order_id: int
    external_id: str
    line_no: int | None
    sku: str | None
    channel: str
    warehouse: str | None
    carrier: str | None
    service: str | None
    month: str
    figures: Figures = field(default=NONE)
    shipping: str | None = None  # KNOWN / UNKNOWN: its order's shipping on a shipment


@dataclass(frozen=True)
class Summary:
    """A row's (or the totals') summed figures and the state of its shipping."""

    figures: Figures
    shipping_unknown_orders: int = 0  # its orders whose shipping cost is unknown
    shipping_known: bool = False  # it holds some order's known shipping cost

    @property
    def shipping_cost(self) -> Decimal | None:
        """What gross margin subtracts for shipping; None (unknown) when every order the
        row shipped has an unknown shipping cost, so nothing was subtracted."""
        if self.shipping_unknown_orders and not self.shipping_known:
            return None
        return self.figures.shipping_cost


@dataclass(frozen=True)
class ShippedCartons:
    """An order's cartons on one shipment in one currency, as the ship confirm recorded
    them: their summed cost (None when any of them has none) and the ship day."""

    order_id: int
    shipment_id: int
    day: date
    currency: str | None
    cost: Decimal | None


def margin_pct(margin: Decimal, net_revenue: Decimal) -> Decimal | None:
    """margin / net revenue x 100, to 2 places half up; None when the revenue is 0."""
    if net_revenue == 0:
        return None
    return (margin * 100 / net_revenue).quantize(PCT, rounding=ROUND_HALF_UP)


def allocate(amount: Decimal, weights: Sequence[Decimal], q: Decimal) -> list[Decimal]:
    """`amount` split over `weights` in proportion, each part rounded to `q`, the parts
    summing exactly to `amount` (largest remainder; ties to the earlier). Weights that are
    all 0 (or negative) split evenly. No weights: nothing to split onto."""
    if not weights:
        return []
    if len(weights) == 1:  # what the general case gives one part, without its arithmetic
        return [round_to(amount, q)]
    ws = [w if w > 0 else ZERO for w in weights]
    total = sum(ws, ZERO)
    if total == 0:
        ws, total = [Decimal(1)] * len(weights), Decimal(len(weights))
    exact = [amount * w / total for w in ws]
    parts = [_down(e, q) for e in exact]
    rest = round_to(amount, q) - sum(parts, ZERO)
    step = q if rest > 0 else -q
    order = sorted(range(len(ws)), key=lambda i: (-(abs(exact[i] - parts[i])), i))
    n = 0
    while rest != 0 and order:
        i = order[n % len(order)]
        parts[i] += step
        rest -= step
        n += 1
    return parts


def _down(value: Decimal, q: Decimal) -> Decimal:
    """`value` rounded towards zero to `q`."""
    return value.quantize(q, rounding="ROUND_DOWN")


def revenue_weights(
    rows: Iterable[LineRow], shipped: Mapping[int, int], q: Decimal
) -> dict[int, Decimal]:
    """Ordered line number -> the revenue it has booked once `shipped` (units per row id)
    have shipped: the weights an order's revenue and fees are split by."""
    return {
        line.line_no: booked_to(line, shipped_of(line, shipped), q).net
        for line in ordered_lines(rows)
    }


def split_by_line(
    amount: Decimal, weights: Mapping[int, Decimal], q: Decimal
) -> dict[int | None, Decimal]:
    """An order's amount over its lines by `weights` (line number -> weight); an order with
    no lines keeps it whole on None."""
    if not weights:
        return {None: amount}
    nos = sorted(weights)
    return dict(zip(nos, allocate(amount, [weights[n] for n in nos], q), strict=True))


def shipping_costs(
    parts: Iterable[ShippedCartons],
    rates: Mapping[str, Sequence[tuple[date, Decimal]]],
    functional: str,
    q: Decimal,
) -> dict[tuple[int, int], Decimal | None]:
    """(order id, shipment id) -> what the order's cartons on the shipment cost in the
    functional currency, to `q`; None when unknown (module docstring). `rates`: currency ->
    its (rate date, rate) pairs."""
    exact: dict[tuple[int, int], Decimal | None] = {}
    for p in parts:
        key = (p.order_id, p.shipment_id)
        value = _functional_cost(p, rates, functional)
        so_far = exact.get(key, ZERO)
        exact[key] = None if value is None or so_far is None else so_far + value
    return {k: None if v is None else round_to(v, q) for k, v in exact.items()}


def _functional_cost(
    p: ShippedCartons, rates: Mapping[str, Sequence[tuple[date, Decimal]]], functional: str
) -> Decimal | None:
    if p.cost is None or p.currency is None:
        return None
    if not is_foreign(p.currency, functional):
        return p.cost
    rate = rate_on(rates.get(p.currency.strip().upper(), ()), p.day)
    return None if rate is None else _EXACT.multiply(p.cost, rate)


def shipping_unknown(costs: Mapping[tuple[int, int], Decimal | None]) -> set[int]:
    """The orders whose shipping cost is unknown: one of their shipments' costs is None."""
    return {order for (order, _), cost in costs.items() if cost is None}


def shipping_weights(weights: Mapping[int, Decimal], shipped: Iterable[int]) -> dict[int, Decimal]:
    """Line number -> the weight an order's shipping cost splits by: the revenue booked by
    each line that shipped (`shipped`), from the order's `weights`; the rest take none."""
    return {no: weights.get(no, ZERO) for no in sorted(set(shipped))}


def key_of(fact: Fact, group_by: str) -> GroupKey:
    """The report row a fact adds to."""
    if group_by == ORDER_LINE:
        return (fact.order_id, fact.line_no)
    if group_by == CHANNEL:
        return (fact.channel,)
    if group_by == WAREHOUSE:
        return (fact.warehouse,)
    if group_by == PATH:
        return (fact.channel, fact.warehouse, fact.carrier, fact.service)
    if group_by == MONTH:
        return (fact.month,)
    raise ValueError(f"group_by is one of {', '.join(GROUPS)}")


def roll_up(facts: Iterable[Fact], group_by: str) -> dict[GroupKey, tuple[Fact, Summary]]:
    """Key -> (the first fact of the row, for its labels; the row's summary), the rows
    with every amount 0 left out, in key order (None last)."""
    out = _summed(facts, lambda f: key_of(f, group_by))
    kept = {k: v for k, v in out.items() if not v[1].figures.empty}
    return dict(sorted(kept.items(), key=lambda kv: _sortable(kv[0])))


def total(facts: Iterable[Fact]) -> Summary:
    """Every fact summed in one summary (an order counted once however many rows it is in)."""
    found = _summed(facts, lambda _: ())
    return found[()][1] if found else Summary(NONE)


def _summed(
    facts: Iterable[Fact], key: Callable[[Fact], GroupKey]
) -> dict[GroupKey, tuple[Fact, Summary]]:
    first: dict[GroupKey, Fact] = {}
    # Each row's amounts summed field by field (Figures' order), in the facts' order: the
    # same additions as Figures.__add__, without a Figures per fact.
    sums: dict[GroupKey, list[Decimal]] = {}
    unknown: dict[GroupKey, set[int]] = {}
    known: set[GroupKey] = set()
    for f in facts:
        k = key(f)
        acc = sums.get(k)
        if acc is None:
            first[k] = f
            acc = sums[k] = [ZERO] * 7
        g = f.figures
        acc[0] += g.revenue
        acc[1] += g.returns_credited
        acc[2] += g.cogs
        acc[3] += g.returns_restocked
        acc[4] += g.channel_fees
        acc[5] += g.shipping_cost
        acc[6] += g.shipping_unknown_revenue
        if f.shipping == UNKNOWN:
            unknown.setdefault(k, set()).add(f.order_id)
        elif f.shipping == KNOWN:
            known.add(k)
    return {
        k: (first[k], Summary(Figures(*sums[k]), len(unknown.get(k, ())), k in known))
        for k in first
    }


def _sortable(key: GroupKey) -> tuple[tuple[int, str | int], ...]:
    return tuple((1, "") if part is None else (0, part) for part in key)
