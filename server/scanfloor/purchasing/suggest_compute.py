"""A suggestion run's arithmetic, from what the run read: one line per reorder policy, and
the ordered lines grouped into draft POs. No database here (suggest_service.py reads and
writes); plain values in, plain values out.

Per policy (item, warehouse):
- position: the position terms (position_sql), 0 for a key with none;
- demand: forecast_rules.estimate_demand over the item's daily history (demand_sql), for
  the policies that plan with it (reorder point, periodic review); min/max and
  buy-to-order never use a forecast, so none is made for them (method `not_used`);
- supplier: the item's preferred active supplier item, else its cheapest (terms_service);
  none -> outcome `no_supplier`: the policy still runs (with no MOQ or case pack, and a
  lead time of DEFAULT_LEAD_TIME_DAYS) so the buyer sees what it would order; no PO;
- lead time: leadtime_sql (the item's receipts, the supplier's, else the promise), rounded
  half-up to 3 places (the column's precision) before the rules use it, so the line shows
  the figure its arithmetic used;
- the rule (reorder_rules) by policy. Periodic review orders only when a review is due: the
  item's last PO line to the warehouse (any PO not cancelled: a superseded draft does not
  count) is at least review_days old, or there is none; between reviews it waits
  (`no_need`), else it would top up to S at every run and review nothing. buy-to-order buys
  for confirmed demand only: the backordered units the position already nets; none ->
  outcome `no_demand`;
- outcome: `ordered` (quantity > 0, a supplier), `no_need` (the policy says not yet),
  `no_supplier`, `no_demand`. A rule that refuses its inputs (an EOQ with a unit cost of 0)
  orders nothing, and its last step says why.
- demand by channel (the policies that plan with demand): the net units (shipped -
  returned) each sales channel took over the window with its share (demand_channel_sql), and
  the item's net units no channel was told for (a ship posted without a carton): the
  DemandHistory's sum(shipped) - sum(returned) less the channels', shown when above 0 and the
  history is of shipments (allocated order lines are not units told to anyone). The value is
  the units told to a channel. It explains; the forecast stays the item's whole demand.
- steps: the inputs (demand, deviation, demand by channel, lead time, in transit) then the
  rule's own steps, each {label, working, value} with the value as text.
Draft POs: ordered lines by (supplier, warehouse, currency of the terms: the supplier's, one
currency per PO), numbered by supplier code then warehouse id; lines by item id; each line
expected at as_of + its lead time (whole days, rounded up), the PO at the latest of them.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from .demand_channel_sql import ChannelUnits
from .demand_sql import NONE, SHIPMENTS, DemandHistory
from .forecast_rules import DemandEstimate, estimate_columns, estimate_demand
from .leadtime_sql import LeadTimeSamples, PlannedLeadTime
from .position_sql import PositionRow
from .reorder_rules import (
    BUY_TO_ORDER,
    MIN_MAX,
    PERIODIC_REVIEW,
    REORDER_POINT,
    Demand,
    EoqCosts,
    OrderTerms,
    ReorderSuggestion,
    Step,
    suggest_buy_to_order,
    suggest_min_max,
    suggest_periodic_review,
    suggest_reorder_point,
    z_for_service_level,
)
from .rules import PurchasingRuleError, decimal_text
from .terms_views import PolicyRow, TermsRow

ORDERED, NO_NEED, NO_SUPPLIER, NO_DEMAND = "ordered", "no_need", "no_supplier", "no_demand"
DEFAULT_LEAD_TIME_DAYS = 14  # a supplier's promise when none is set (suppliers.lead_time_days)
DEFAULT, NOT_USED = "default", "not_used"
USES_DEMAND = (REORDER_POINT, PERIODIC_REVIEW)
POLICY_NAMES = {
    MIN_MAX: "min/max",
    REORDER_POINT: "reorder point",
    PERIODIC_REVIEW: "periodic review",
    BUY_TO_ORDER: "buy-to-order",
}
LEAD_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class DemandFigures:
    source: str  # shipments | allocated_lines | none
    method: str | None  # ses | croston_sba | no_history | no_demand | not_used
    per_day: Decimal
    sd: Decimal


@dataclass(frozen=True)
class LeadFigures:
    days: Decimal
    sd: Decimal
    source: str  # receipts_item | receipts | promised | default


@dataclass(frozen=True)
class ComputedLine:
    item_id: int
    warehouse_id: int
    policy: str
    outcome: str
    quantity: int
    position: PositionRow
    demand: DemandFigures
    lead_time: LeadFigures
    terms: TermsRow | None
    steps: tuple[dict[str, str], ...]
    expected_date: date

    @property
    def supplier_id(self) -> int | None:
        return self.terms.supplier_id if self.terms else None


@dataclass(frozen=True)
class DraftPo:
    n: int  # SUG-<run>-<n>
    supplier_id: int
    warehouse_id: int
    currency: str
    expected_date: date
    lines: tuple[ComputedLine, ...]  # line_no = index + 1


@dataclass(frozen=True)
class RunInputs:
    as_of: date
    history_days: int
    policies: Sequence[PolicyRow]
    positions: Mapping[tuple[int, int], PositionRow]
    demand: Mapping[int, Mapping[int, DemandHistory]]  # warehouse -> item -> history
    terms: Mapping[int, TermsRow]  # item -> the supplier to buy from
    lead_times: LeadTimeSamples
    transit_warehouse: tuple[int, str] | None  # where in-transit units count (lowest id)
    last_ordered: Mapping[tuple[int, int], date]  # (item, warehouse) -> last PO line's date
    # warehouse -> item -> its channels' units over the window (demand_channel_sql)
    channel_units: Mapping[int, Mapping[int, Sequence[ChannelUnits]]] = field(default_factory=dict)


def _text(value: int | Decimal) -> str:
    return str(value) if isinstance(value, int) else decimal_text(value) or "0"


def _step(s: Step) -> dict[str, str]:
    return {"label": s.label, "working": s.working, "value": _text(s.value)}


# --- inputs ------------------------------------------------------------------------------


def forecast(history: DemandHistory | None) -> DemandEstimate:
    """The forecast rule over an item's window (no history: no days at all), on its columns:
    no DemandDay per day (a run makes 5,000 x 365 of them otherwise)."""
    if history is None:
        return estimate_demand(())
    h = history
    return estimate_columns(h.on_hand_at_start, h.shipped, h.backordered, h.returned)


def _demand(
    policy: str, history: DemandHistory | None, n_days: int
) -> tuple[DemandFigures, list[Step]]:
    source = history.source if history is not None else NONE
    if policy not in USES_DEMAND:
        figures = DemandFigures(source, NOT_USED, Decimal(0), Decimal(0))
        return figures, [Step("demand per day", f"not used by {POLICY_NAMES[policy]}", 0)]
    est = forecast(history)
    figures = DemandFigures(source, est.method, est.mean_per_day, est.sd_per_day)
    where = {
        "shipments": "shipments to customers",
        "allocated_lines": "allocated order lines (nothing shipped yet)",
        "none": "no shipments or orders",
    }[source]
    kind = f" ({est.classification})" if est.classification else ""
    working = (
        f"{est.method}{kind} over {est.days_used} in-stock days of the last {n_days}"
        f" ({est.stock_out_days} stock-out days left out), from {where}"
    )
    return figures, [
        Step("demand per day", working, est.mean_per_day),
        Step("demand deviation", "sample sd of daily demand on in-stock days", est.sd_per_day),
    ]


def _by_channel(
    history: DemandHistory | None, channels: Sequence[ChannelUnits], n_days: int
) -> Step:
    """The net units per sales channel and what no channel was told for (module docstring)."""
    label = "demand by channel"
    if not channels:
        return Step(label, "no shipment told to a channel yet", 0)
    told = sum(c.net for c in channels)
    parts = ", ".join(f"{c.code} {c.net} ({decimal_text(c.share.scaleb(2))} %)" for c in channels)
    working = f"{parts} net units in the last {n_days} days"
    if history is not None and history.source == SHIPMENTS:
        untold = sum(history.shipped) - sum(history.returned) - told
        if untold > 0:
            working += f"; {untold} more not told to a channel"
    return Step(label, working, told)


def _round_lead(value: Decimal) -> Decimal:
    return value.quantize(LEAD_PLACES, rounding=ROUND_HALF_UP)


def _lead(
    terms: TermsRow | None, samples: LeadTimeSamples, item_id: int
) -> tuple[LeadFigures, list[Step]]:
    if terms is None:
        days = Decimal(DEFAULT_LEAD_TIME_DAYS)
        figures = LeadFigures(days, Decimal(0), DEFAULT)
        return figures, [Step("lead time", "no supplier: the default promise", days)]
    planned: PlannedLeadTime = samples.plan(terms.supplier_id, item_id, terms.lead_time_days)
    figures = LeadFigures(
        _round_lead(planned.stats.mean_days), _round_lead(planned.stats.sd_days), planned.source
    )
    return figures, [
        Step("lead time (days)", f"{terms.supplier_code}: {planned.working()}", figures.days),
        Step("lead time deviation", "sample sd of those receipts' lead times", figures.sd),
    ]


def _transit(position: PositionRow, transit: tuple[int, str] | None) -> Step:
    if transit is not None and transit[0] == position.warehouse_id:
        working = f"units at the IN-TRANSIT location, all counted for {transit[1]} (lowest id)"
    else:
        working = "units at IN-TRANSIT count for the lowest-id warehouse only"
    return Step("in transit", working, position.in_transit)


# --- the rule ----------------------------------------------------------------------------


def _apply(
    p: PolicyRow,
    position: PositionRow,
    demand: DemandFigures,
    lead: LeadFigures,
    terms: TermsRow | None,
) -> ReorderSuggestion:
    pos = position.as_position()
    order_terms = OrderTerms(terms.moq, terms.case_pack) if terms else OrderTerms()
    if p.policy == MIN_MAX:
        return suggest_min_max(pos, p.min_qty or 0, p.max_qty or 0, order_terms)
    if p.policy == BUY_TO_ORDER:
        # The backordered units are the confirmed demand and the position nets them already.
        return suggest_buy_to_order(pos, 0, order_terms)
    if p.service_level is None:
        raise PurchasingRuleError("missing_service_level", "the policy has no service level")
    z = z_for_service_level(p.service_level)
    rate = Demand(demand.per_day, demand.sd, lead.days, lead.sd)
    if p.policy == PERIODIC_REVIEW:
        return suggest_periodic_review(pos, rate, z, p.review_days or 0, order_terms)
    costs = None
    if p.order_qty is None and p.order_cost is not None and p.holding_rate is not None:
        unit_cost = terms.unit_cost if terms else Decimal(0)
        costs = EoqCosts(p.order_cost, unit_cost, p.holding_rate)
    return suggest_reorder_point(pos, rate, z, order_terms, order_quantity=p.order_qty, costs=costs)


def _review_not_due(p: PolicyRow, inputs: RunInputs) -> Step | None:
    """For periodic review between reviews: the step that says when the next one is."""
    if p.policy != PERIODIC_REVIEW or not p.review_days:
        return None
    last = inputs.last_ordered.get((p.item_id, p.warehouse_id))
    if last is None:
        return None
    since = (inputs.as_of - last).days
    if since >= p.review_days:
        return None
    due = last + timedelta(days=p.review_days)
    return Step(
        "review due?",
        f"last ordered {last.isoformat()}, every {p.review_days} days: next review"
        f" {due.isoformat()}, {since} < {p.review_days}: no",
        0,
    )


def compute_line(p: PolicyRow, inputs: RunInputs) -> ComputedLine:
    """One policy's line (module docstring)."""
    position = inputs.positions.get((p.item_id, p.warehouse_id)) or PositionRow(
        p.item_id, p.warehouse_id
    )
    history = inputs.demand.get(p.warehouse_id, {}).get(p.item_id)
    terms = inputs.terms.get(p.item_id)
    demand, demand_steps = _demand(p.policy, history, inputs.history_days)
    if p.policy in USES_DEMAND:
        channels = inputs.channel_units.get(p.warehouse_id, {}).get(p.item_id, ())
        demand_steps.append(_by_channel(history, channels, inputs.history_days))
    lead, lead_steps = _lead(terms, inputs.lead_times, p.item_id)
    steps = [*demand_steps, *lead_steps, _transit(position, inputs.transit_warehouse)]
    waiting = _review_not_due(p, inputs)
    if waiting is not None:
        quantity = 0
        steps.append(waiting)
    else:
        try:
            suggestion = _apply(p, position, demand, lead, terms)
            quantity = suggestion.quantity
            steps.extend(suggestion.steps)
        except PurchasingRuleError as exc:
            quantity = 0
            steps.append(Step("not computed", f"{exc.message} ({exc.code})", 0))
    if p.policy == BUY_TO_ORDER and position.backordered == 0:
        outcome = NO_DEMAND
    elif quantity <= 0:
        outcome = NO_NEED
    elif terms is None:
        outcome = NO_SUPPLIER
        steps.append(Step("supplier", "no active supplier sells this item: no PO", quantity))
    else:
        outcome = ORDERED
        steps.append(
            Step(
                "supplier",
                f"{terms.supplier_code} ({'preferred' if terms.preferred else 'cheapest'})"
                f" at {decimal_text(terms.unit_cost, 2)} {terms.currency} a unit",
                quantity,
            )
        )
    lead_days = int(lead.days.to_integral_value(rounding=ROUND_CEILING, context=decimal.Context()))
    return ComputedLine(
        item_id=p.item_id,
        warehouse_id=p.warehouse_id,
        policy=p.policy,
        outcome=outcome,
        quantity=quantity,
        position=position,
        demand=demand,
        lead_time=lead,
        terms=terms,
        steps=tuple(_step(s) for s in steps),
        expected_date=inputs.as_of + timedelta(days=lead_days),
    )


def compute_lines(inputs: RunInputs) -> list[ComputedLine]:
    """Every policy's line, by warehouse then item."""
    ordered = sorted(inputs.policies, key=lambda p: (p.warehouse_id, p.item_id))
    return [compute_line(p, inputs) for p in ordered]


def group_orders(lines: Sequence[ComputedLine]) -> list[DraftPo]:
    """The ordered lines as draft POs (module docstring)."""
    groups: dict[tuple[str, int, int, str], list[ComputedLine]] = defaultdict(list)
    for ln in lines:
        if ln.outcome == ORDERED and ln.terms is not None:
            t = ln.terms
            groups[(t.supplier_code, t.supplier_id, ln.warehouse_id, t.currency)].append(ln)
    out = []
    for n, key in enumerate(sorted(groups), 1):
        _code, supplier_id, warehouse_id, currency = key
        members = sorted(groups[key], key=lambda ln: ln.item_id)
        out.append(
            DraftPo(
                n=n,
                supplier_id=supplier_id,
                warehouse_id=warehouse_id,
                currency=currency,
                expected_date=max(ln.expected_date for ln in members),
                lines=tuple(members),
            )
        )
    return out
