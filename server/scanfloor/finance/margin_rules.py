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
Shipping cost is known where Scanfloor records what a carrier charged; today it records no
rate on shipments or cartons, so shipping cost is unknown (None), is NOT subtracted, and the
report says so (`shipping_cost_known` false). Nothing is invented for it.

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .money import round_to
from .revenue_rules import LineRow, booked_to, ordered_lines, shipped_of

ZERO = Decimal(0)
PCT = Decimal("0.01")
GROUPS = ("order_line", "channel", "warehouse", "path", "month")
ORDER_LINE, CHANNEL, WAREHOUSE, PATH, MONTH = GROUPS
GroupKey = tuple[str | int | None, ...]


@dataclass(frozen=True)
class Figures:
    """The amounts of one row (or the totals), each >= 0 as booked."""

    revenue: Decimal = ZERO
    returns_credited: Decimal = ZERO
    cogs: Decimal = ZERO
    returns_restocked: Decimal = ZERO
    channel_fees: Decimal = ZERO
    shipping_cost: Decimal | None = None  # unknown: module docstring

    def __add__(self, other: Figures) -> Figures:
        ship = (
            None
            if self.shipping_cost is None and other.shipping_cost is None
            else (self.shipping_cost or ZERO) + (other.shipping_cost or ZERO)
        )
        return Figures(
            self.revenue + other.revenue,
            self.returns_credited + other.returns_credited,
            self.cogs + other.cogs,
            self.returns_restocked + other.returns_restocked,
            self.channel_fees + other.channel_fees,
            ship,
        )

    @property
    def net_revenue(self) -> Decimal:
        return self.revenue - self.returns_credited

    @property
    def net_cogs(self) -> Decimal:
        return self.cogs - self.returns_restocked

    @property
    def gross_margin(self) -> Decimal:
        return self.net_revenue - self.net_cogs - self.channel_fees - (self.shipping_cost or ZERO)

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


def roll_up(facts: Iterable[Fact], group_by: str) -> dict[GroupKey, tuple[Fact, Figures]]:
    """Key -> (the first fact of the row, for its labels; the row's summed figures), the
    rows with every amount 0 left out, in key order (None last)."""
    out: dict[GroupKey, tuple[Fact, Figures]] = {}
    for f in facts:
        k = key_of(f, group_by)
        first, sums = out.get(k, (f, NONE))
        out[k] = (first, sums + f.figures)
    kept = {k: v for k, v in out.items() if not v[1].empty}
    return dict(sorted(kept.items(), key=lambda kv: _sortable(kv[0])))


def total(rows: Iterable[Figures]) -> Figures:
    return sum(rows, NONE)


def _sortable(key: GroupKey) -> tuple[tuple[int, str | int], ...]:
    return tuple((1, "") if part is None else (0, part) for part in key)
