"""Pure reorder rules: how much of an item to buy under its policy, with the arithmetic
shown step by step so a buyer can check it.

Shared terms (quantities are whole base units; d, sd_d, L, sd_L are Decimal, per day / days):
- Inventory position = on hand + open PO + in transit - reserved - backordered. The caller
  counts each unit once: a shipped PO line is in transit, not also open.
- z from a service level: the inverse standard normal (statistics.NormalDist), rounded UP to
  2 places as service-level tables are, up so the stock held never falls below the level
  asked (0.95 -> 1.65, 0.975 -> 1.96, 0.99 -> 2.33).
- Safety stock SS = ceil(z * sqrt(L * sd_d^2 + d^2 * sd_L^2)): demand varies over the lead
  time and the lead time itself varies; rounded UP to whole units.
- Order terms, in this order: a need of 0 or less orders nothing; else at least the MOQ;
  then up to whole case packs (the MOQ is the supplier's floor, the case the unit they ship).
Policies:
- min/max: position BELOW min -> order max - position.
- reorder point: ROP = ceil(d * L + SS); position AT OR BELOW ROP -> order ROP + Q -
  position. Q is the policy's fixed order quantity when set, else the EOQ when costs are
  known: EOQ = ceil(sqrt(2 * D * S / H)), D = d * 365 units a year, S = cost per order,
  H = unit cost * yearly holding rate, then up to whole case packs.
- periodic review (order-up-to, review every R days): protection period P = R + L;
  S = ceil(d * P + z * sqrt(P * sd_d^2 + d^2 * sd_L^2)) (the SS formula over R + L; with
  sd_L = 0 it is d*(R+L) + z*sd_d*sqrt(R+L)); at a review, order S - position.
- buy-to-order: only confirmed demand not covered: position already nets reserved and
  backordered units, so need = confirmed-but-unallocated units - position.
Decimal arithmetic runs at a fixed 28-digit context so answers never depend on the caller's.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from statistics import NormalDist

from .rules import PurchasingRuleError, decimal_text

MIN_MAX, REORDER_POINT, PERIODIC_REVIEW, BUY_TO_ORDER = (
    "min_max",
    "reorder_point",
    "periodic_review",
    "buy_to_order",
)
DAYS_PER_YEAR = 365
MIN_SERVICE_LEVEL = Decimal("0.5")  # below 50% z is negative: safety stock would be negative
MAX_SERVICE_LEVEL = Decimal("0.9999")  # 100% needs infinite stock
Z_PLACES = Decimal("0.01")
_PRECISION = 28


def _context() -> decimal.Context:
    return decimal.Context(prec=_PRECISION, rounding=decimal.ROUND_HALF_EVEN)


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def _t(value: int | Decimal) -> str:
    return str(value) if isinstance(value, int) else decimal_text(value) or "0"


def _refuse(code: str, message: str, **details: object) -> PurchasingRuleError:
    return PurchasingRuleError(code, message, {k: str(v) for k, v in details.items()})


def _check_decimal(name: str, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise _refuse("invalid_" + name, f"{name} is a decimal, 0 or more", **{name: value})


def _check_int(name: str, value: int, lowest: int = 0) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
        raise _refuse(
            "invalid_" + name, f"{name} is a whole number, {lowest} or more", **{name: value}
        )


@dataclass(frozen=True)
class Step:
    """One line of a suggestion's arithmetic: what, how, and the result."""

    label: str
    working: str
    value: int | Decimal

    def text(self) -> str:
        return f"{self.label}: {self.working} = {_t(self.value)}"


@dataclass(frozen=True)
class Position:
    on_hand: int
    open_po: int = 0
    in_transit: int = 0
    reserved: int = 0
    backordered: int = 0

    def __post_init__(self) -> None:
        for name in ("on_hand", "open_po", "in_transit", "reserved", "backordered"):
            _check_int(name, getattr(self, name))

    @property
    def total(self) -> int:
        return self.on_hand + self.open_po + self.in_transit - self.reserved - self.backordered

    def step(self) -> Step:
        return Step(
            "inventory position",
            f"on hand {self.on_hand} + open PO {self.open_po} + in transit {self.in_transit}"
            f" - reserved {self.reserved} - backordered {self.backordered}",
            self.total,
        )


@dataclass(frozen=True)
class OrderTerms:
    """The supplier's terms for this item: minimum order and case pack, in base units."""

    moq: int = 0
    case_pack: int = 1

    def __post_init__(self) -> None:
        _check_int("moq", self.moq)
        _check_int("case_pack", self.case_pack, 1)


@dataclass(frozen=True)
class Demand:
    """Demand per day (mean d, deviation sd_d) and lead time in days (mean L, deviation sd_L)."""

    per_day: Decimal
    sd_per_day: Decimal
    lead_time_days: Decimal
    sd_lead_time_days: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        _check_decimal("per_day", self.per_day)
        _check_decimal("sd_per_day", self.sd_per_day)
        _check_decimal("lead_time_days", self.lead_time_days)
        _check_decimal("sd_lead_time_days", self.sd_lead_time_days)


@dataclass(frozen=True)
class EoqCosts:
    """Money per order placed, the unit cost, and the yearly holding rate (0.25 = 25%)."""

    order_cost: Decimal
    unit_cost: Decimal
    holding_rate: Decimal

    def __post_init__(self) -> None:
        _check_decimal("order_cost", self.order_cost)
        _check_decimal("unit_cost", self.unit_cost)
        _check_decimal("holding_rate", self.holding_rate)
        if self.unit_cost * self.holding_rate <= 0:
            raise _refuse("invalid_holding_cost", "holding a unit for a year costs above 0")

    @property
    def holding_cost(self) -> Decimal:
        return self.unit_cost * self.holding_rate


@dataclass(frozen=True)
class ReorderSuggestion:
    """What to order (0 = nothing) and why; `steps` is the arithmetic, in order."""

    policy: str
    quantity: int
    position: Position
    demand_per_day: Decimal | None
    lead_time_days: Decimal | None
    steps: tuple[Step, ...]

    def lines(self) -> tuple[str, ...]:
        return tuple(s.text() for s in self.steps)


# --- building blocks ---------------------------------------------------------------------


def z_for_service_level(level: Decimal) -> Decimal:
    """z for a cycle service level (0.5-0.9999), rounded up to 2 places."""
    if not isinstance(level, Decimal) or not MIN_SERVICE_LEVEL <= level <= MAX_SERVICE_LEVEL:
        raise _refuse(
            "invalid_service_level",
            f"a service level is from {MIN_SERVICE_LEVEL} to {MAX_SERVICE_LEVEL}",
            level=level,
        )
    z = NormalDist().inv_cdf(float(level))
    # repr of the float is exact enough; the ceiling to 2 places is the documented rounding.
    return Decimal(repr(z)).quantize(Z_PLACES, rounding=ROUND_CEILING, context=_context())


def _sigma(demand: Demand, days: Decimal) -> Decimal:
    with decimal.localcontext(_context()):
        d, sd_d, sd_l = demand.per_day, demand.sd_per_day, demand.sd_lead_time_days
        return (days * sd_d**2 + d**2 * sd_l**2).sqrt()


def _sigma_working(demand: Demand, days: Decimal, z: Decimal) -> str:
    return (
        f"ceil({_t(z)} x sqrt({_t(days)} x {_t(demand.sd_per_day)}^2"
        f" + {_t(demand.per_day)}^2 x {_t(demand.sd_lead_time_days)}^2))"
    )


def safety_stock(demand: Demand, z: Decimal) -> int:
    """SS = ceil(z * sqrt(L * sd_d^2 + d^2 * sd_L^2)), whole units."""
    _check_decimal("z", z)
    with decimal.localcontext(_context()):
        return _ceil(z * _sigma(demand, demand.lead_time_days))


def reorder_point(demand: Demand, z: Decimal) -> int:
    """ROP = ceil(d * L + SS)."""
    with decimal.localcontext(_context()):
        return _ceil(demand.per_day * demand.lead_time_days + safety_stock(demand, z))


def economic_order_quantity(per_day: Decimal, costs: EoqCosts) -> int:
    """EOQ = ceil(sqrt(2 * D * S / H)), D = d * 365; before the case pack."""
    _check_decimal("per_day", per_day)
    with decimal.localcontext(_context()):
        annual = per_day * DAYS_PER_YEAR
        return _ceil((2 * annual * costs.order_cost / costs.holding_cost).sqrt())


def round_up_to_pack(quantity: int, case_pack: int) -> int:
    """Whole case packs covering `quantity`."""
    _check_int("case_pack", case_pack, 1)
    return -(-quantity // case_pack) * case_pack


def apply_terms(need: int, terms: OrderTerms) -> tuple[int, tuple[Step, ...]]:
    """The quantity to order for a need, after the MOQ then the case pack, with the steps."""
    if need <= 0:
        return 0, (Step("order", "nothing needed", 0),)
    steps = []
    quantity = need
    if terms.moq > quantity:
        steps.append(Step("minimum order (MOQ)", f"max({quantity}, {terms.moq})", terms.moq))
        quantity = terms.moq
    packed = round_up_to_pack(quantity, terms.case_pack)
    if terms.case_pack > 1:
        steps.append(
            Step("case pack", f"{quantity} up to whole cases of {terms.case_pack}", packed)
        )
    steps.append(Step("order", f"{packed // terms.case_pack} x {terms.case_pack}", packed))
    return packed, tuple(steps)


# --- policies ----------------------------------------------------------------------------


def suggest_min_max(
    position: Position, minimum: int, maximum: int, terms: OrderTerms = OrderTerms()
) -> ReorderSuggestion:
    """Below min, order up to max (then MOQ, then case pack)."""
    _check_int("minimum", minimum)
    _check_int("maximum", maximum)
    if maximum < minimum:
        raise _refuse("invalid_min_max", "max is at least min", minimum=minimum, maximum=maximum)
    pos = position.total
    steps = [position.step()]
    if pos >= minimum:
        steps.append(Step("below min?", f"{pos} < {minimum}: no", 0))
        quantity = 0
    else:
        need = maximum - pos
        steps.append(Step("need up to max", f"{maximum} - {pos}", need))
        quantity, order = apply_terms(need, terms)
        steps.extend(order)
    return ReorderSuggestion(MIN_MAX, quantity, position, None, None, tuple(steps))


def suggest_reorder_point(
    position: Position,
    demand: Demand,
    z: Decimal,
    terms: OrderTerms = OrderTerms(),
    *,
    order_quantity: int | None = None,
    costs: EoqCosts | None = None,
) -> ReorderSuggestion:
    """At or below ROP, order enough to reach ROP + Q (Q fixed, else EOQ in case packs)."""
    pos = position.total
    ss = safety_stock(demand, z)
    rop = reorder_point(demand, z)
    d, lt = demand.per_day, demand.lead_time_days
    steps = [
        position.step(),
        Step("safety stock", _sigma_working(demand, lt, z), ss),
        Step("reorder point", f"ceil({_t(d)} x {_t(lt)} + {ss})", rop),
    ]
    if order_quantity is not None:
        _check_int("order_quantity", order_quantity)
        q = order_quantity
        steps.append(Step("order quantity", "fixed on the policy", q))
    elif costs is not None:
        eoq = economic_order_quantity(d, costs)
        steps.append(
            Step(
                "EOQ",
                f"ceil(sqrt(2 x {_t(d)} x {DAYS_PER_YEAR} x {_t(costs.order_cost)}"
                f" / ({_t(costs.unit_cost)} x {_t(costs.holding_rate)})))",
                eoq,
            )
        )
        q = round_up_to_pack(eoq, terms.case_pack)
        steps.append(Step("order quantity", f"EOQ {eoq} up to cases of {terms.case_pack}", q))
    else:
        raise _refuse(
            "missing_order_quantity", "a reorder point policy needs an order quantity or costs"
        )
    if pos > rop:
        steps.append(Step("at or below ROP?", f"{pos} <= {rop}: no", 0))
        quantity = 0
    else:
        need = rop + q - pos
        steps.append(Step("need up to ROP + Q", f"{rop} + {q} - {pos}", need))
        quantity, order = apply_terms(need, terms)
        steps.extend(order)
    return ReorderSuggestion(REORDER_POINT, quantity, position, d, lt, tuple(steps))


def order_up_to_level(demand: Demand, z: Decimal, review_days: int) -> int:
    """S = ceil(d * (R + L) + z * sqrt((R + L) * sd_d^2 + d^2 * sd_L^2))."""
    _check_int("review_days", review_days, 1)
    _check_decimal("z", z)
    with decimal.localcontext(_context()):
        period = review_days + demand.lead_time_days
        return _ceil(demand.per_day * period + z * _sigma(demand, period))


def suggest_periodic_review(
    position: Position,
    demand: Demand,
    z: Decimal,
    review_days: int,
    terms: OrderTerms = OrderTerms(),
) -> ReorderSuggestion:
    """At a review, order up to S (then MOQ, then case pack)."""
    level = order_up_to_level(demand, z, review_days)
    period = _context().add(demand.lead_time_days, review_days)
    pos = position.total
    steps = [
        position.step(),
        Step("protection period", f"R {review_days} + L {_t(demand.lead_time_days)}", period),
        Step(
            "order-up-to level",
            f"ceil({_t(demand.per_day)} x {_t(period)} + "
            + _sigma_working(demand, period, z).removeprefix("ceil("),
            level,
        ),
    ]
    need = level - pos
    steps.append(Step("need up to S", f"{level} - {pos}", need))
    quantity, order = apply_terms(need, terms)
    steps.extend(order)
    return ReorderSuggestion(
        PERIODIC_REVIEW, quantity, position, demand.per_day, demand.lead_time_days, tuple(steps)
    )


def suggest_buy_to_order(
    position: Position, unallocated_confirmed: int = 0, terms: OrderTerms = OrderTerms()
) -> ReorderSuggestion:
    """Buy only what confirmed demand needs beyond the stock and orders that cover it."""
    _check_int("unallocated_confirmed", unallocated_confirmed)
    pos = position.total
    need = unallocated_confirmed - pos
    steps = [
        position.step(),
        Step("confirmed, not yet allocated", "open confirmed order units", unallocated_confirmed),
        Step("uncovered demand", f"{unallocated_confirmed} - {pos}", need),
    ]
    quantity, order = apply_terms(need, terms)
    steps.extend(order)
    return ReorderSuggestion(BUY_TO_ORDER, quantity, position, None, None, tuple(steps))
