"""The demo's purchasing history as a pure, deterministic plan (no database).

Three suppliers and thirteen item slots (a slot is a role an item of the seeded catalog is
given: purchasing_demo.py picks the items). For the slots with a demand history, a small
day-by-day simulation over the last HISTORY_DAYS days: an opening stock, each supplier's
purchase orders on its ordering cycle (the history's buyer orders up to a cover target),
deliveries after the promised lead time plus that PO's lateness, some lines short, daily
shipments to customers (never more than the stock of the morning: a day that starts with
none is a stock-out day) and the odd customer return. So the suggestions, the lead times
and the supplier scores the demo shows come from a history that hangs together: receipts
before the shipments they feed, late deliveries causing the stock-outs.

Days are offsets from today (-1 is yesterday); purchasing_demo.py turns them into dates.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

HISTORY_DAYS = 182  # 26 weeks of daily shipments: six monthly points on a supplier's trend
SHORT_SHARE = Decimal("0.75")  # what a short line delivers
RETURN_CHANCE = 0.015  # per steady slot and day: a customer return restocked
CLOSE_AFTER_DAYS = 30  # full deliveries older than this were closed by the buyer


@dataclass(frozen=True)
class SupplierPlan:
    code: str
    name: str
    email: str
    po_endpoint: str | None
    lead_time_days: int  # promised
    order_every: int  # the history's ordering cycle, days
    last_order: int  # day of the latest history PO (the cycle runs back from it)
    lateness: tuple[int, ...]  # actual - promised lead time, per PO oldest first (cycled)
    short: frozenset[int] = frozenset()  # POs (by index) whose first line arrives short
    partial: int | None = None  # a PO (index) whose first line only arrived: still open
    production_days: int = 0
    transit_days: int = 0
    customs_days: int = 0
    imports: bool = False
    safety_days: int = 4  # the history's buyer's cover beyond the cycle and lead time
    moq_cases: int = 1  # the supplier's minimum order, in cases
    cost_factor: Decimal = Decimal("1")  # its price against the item's standard cost


# .example names never resolve (RFC 2606): a PO sent to ACME or HAIXIN in the demo is a
# delivery the outbox retries and shows, never a request to a real company.
SUPPLIERS = (
    SupplierPlan(
        code="ACME",
        name="Acme Wholesale",
        email="orders@acme-wholesale.example",
        po_endpoint="https://edi.acme-wholesale.example/purchase-orders",
        lead_time_days=7,
        order_every=14,
        last_order=-14,  # today is its review day: the demo's suggestions order from it
        # Late often in the first months, on time lately: an improving trend.
        lateness=(3, 5, 1, 4, 2, 3, 0, 1, 0, -1, 0, 1, 0),
        short=frozenset({4}),
        moq_cases=2,
    ),
    SupplierPlan(
        code="BRIGHTLINE",
        name="Brightline Supplies",
        email="purchasing@brightline.example",
        po_endpoint=None,  # e-mail only: the PDF goes out, nothing is posted
        lead_time_days=10,
        order_every=21,
        last_order=-21,
        # On time at first, later and later: a worsening trend; the latest PO is overdue.
        lateness=(0, 0, -1, 1, 0, 2, 3, 5, 12),
        short=frozenset({5}),
        partial=7,
    ),
    SupplierPlan(
        code="HAIXIN",
        name="Haixin Trading Co.",
        email="export@haixin-trading.example",
        po_endpoint="https://api.haixin-trading.example/po",
        lead_time_days=63,
        order_every=56,
        last_order=-56,  # today is its review day; the latest container is still at sea
        lateness=(0, 6, 1, 0),
        production_days=35,
        transit_days=21,
        customs_days=7,
        imports=True,
        safety_days=10,
        moq_cases=10,
        cost_factor=Decimal("0.7"),
    ),
)
SUPPLIER = {s.code: s for s in SUPPLIERS}

STEADY, INTERMITTENT, ORDERS, BACKORDER, UNSOURCED = (
    "steady",
    "intermittent",
    "orders",  # no shipments yet: demand from its allocated order lines
    "backorder",  # out of stock, one customer order waiting: bought to order
    "unsourced",  # a policy but no supplier: the run says so
)
HISTORY_ROLES = (STEADY, INTERMITTENT)


@dataclass(frozen=True)
class SlotPlan:
    role: str
    category: str | None  # SKU prefix of the item it takes (None: any)
    supplier: str | None  # the preferred supplier
    policy: str
    per_day: int  # mean units a day (steady) or per order (intermittent)
    chance: float = 1.0  # share of days with demand
    second: str | None = None  # another, dearer source of the same item
    service_level: Decimal | None = None
    review_days: int | None = None
    order_qty: int | None = None
    order_cost: Decimal | None = None
    holding_rate: Decimal | None = None
    pick_face: bool = False  # its pick-face bin gets a min/max

    @property
    def mean_per_day(self) -> Decimal:
        return Decimal(self.per_day) * Decimal(str(self.chance))


_SL95, _SL98, _SL90 = Decimal("0.95"), Decimal("0.98"), Decimal("0.90")
_ORDER_COST, _HOLDING = Decimal("40"), Decimal("0.25")  # EOQ costs: per order, per year
# Wholesale groceries from ACME, hardware now and then from BRIGHTLINE, kitchenware shipped
# from HAIXIN by container; every policy at least once.
SLOTS = (
    SlotPlan(STEADY, "GRO", "ACME", "min_max", 12, second="BRIGHTLINE", pick_face=True),
    SlotPlan(STEADY, "GRO", "ACME", "min_max", 8, pick_face=True),
    SlotPlan(
        STEADY,
        "GRO",
        "ACME",
        "reorder_point",
        20,
        service_level=_SL95,
        pick_face=True,
        order_cost=_ORDER_COST,
        holding_rate=_HOLDING,
    ),
    SlotPlan(
        STEADY,
        "GRO",
        "ACME",
        "reorder_point",
        6,
        service_level=_SL98,
        order_qty=120,
        pick_face=True,
    ),
    SlotPlan(STEADY, "GRO", "ACME", "periodic_review", 15, service_level=_SL95, review_days=14),
    SlotPlan(
        INTERMITTENT,
        "HDW",
        "BRIGHTLINE",
        "reorder_point",
        6,
        chance=0.25,
        second="ACME",
        service_level=_SL90,
        order_qty=24,
    ),
    SlotPlan(
        INTERMITTENT,
        "HDW",
        "BRIGHTLINE",
        "periodic_review",
        8,
        chance=0.3,
        service_level=_SL95,
        review_days=21,
    ),
    SlotPlan(STEADY, "KIT", "HAIXIN", "periodic_review", 10, service_level=_SL95, review_days=56),
    SlotPlan(STEADY, "KIT", "HAIXIN", "periodic_review", 5, service_level=_SL95, review_days=56),
    SlotPlan(
        STEADY,
        "KIT",
        "HAIXIN",
        "reorder_point",
        3,
        second="BRIGHTLINE",
        service_level=_SL95,
        order_cost=_ORDER_COST,
        holding_rate=_HOLDING,
    ),
    SlotPlan(ORDERS, None, "BRIGHTLINE", "reorder_point", 2, service_level=_SL95, order_qty=24),
    SlotPlan(BACKORDER, "ELC", "BRIGHTLINE", "buy_to_order", 0),
    SlotPlan(UNSOURCED, "PCR", None, "min_max", 4),
)


def min_max_levels(slot: SlotPlan) -> tuple[int, int]:
    """A buyer's min/max for a min/max slot: min covers the lead time and a week, max adds
    one ordering cycle (a supplier's, else two weeks)."""
    sup = SUPPLIER.get(slot.supplier or "")
    lead = sup.lead_time_days if sup else 14
    cycle = sup.order_every if sup else 14
    mean = slot.mean_per_day
    low = math.ceil(mean * (lead + 7))
    return low, low + max(1, math.ceil(mean * cycle))


@dataclass(frozen=True)
class Flow:
    """Units of a slot moving on a day: opening stock, a shipment or a customer return."""

    day: int
    slot: int
    quantity: int


@dataclass(frozen=True)
class PoLinePlan:
    slot: int
    ordered: int
    received: int


@dataclass(frozen=True)
class PoPlan:
    number: str
    supplier: str
    ordered_on: int
    expected_on: int
    arrived_on: int | None  # None: not delivered yet
    lines: tuple[PoLinePlan, ...]
    state: str  # sent | partially_received | received | closed
    closed_on: int | None = None


@dataclass(frozen=True)
class HistoryPlan:
    opening: tuple[Flow, ...]
    purchase_orders: tuple[PoPlan, ...]
    shipments: tuple[Flow, ...]
    returns: tuple[Flow, ...]
    stock_at_end: tuple[int, ...]  # per slot: what the history leaves in its reserve bin


@dataclass
class _Order:
    supplier: SupplierPlan
    index: int
    ordered_on: int
    arrives_on: int
    lines: list[tuple[int, int]] = field(default_factory=list)  # (slot, ordered)


def _round_up(quantity: int, case: int) -> int:
    return -(-quantity // case) * case


def _order_days(sup: SupplierPlan) -> list[int]:
    """The supplier's PO days, oldest first: every cycle back from its last order, as long
    as the PO arrives (as promised) within the history."""
    days = []
    day = sup.last_order
    while day + sup.lead_time_days >= -HISTORY_DAYS:
        days.append(day)
        day -= sup.order_every
    return sorted(days)


def _target(slot: SlotPlan, sup: SupplierPlan) -> int:
    cover = sup.order_every + sup.lead_time_days + sup.safety_days
    return math.ceil(slot.mean_per_day * cover)


def _demand(rng: random.Random, slot: SlotPlan) -> int:
    if slot.role == STEADY:
        return max(0, round(rng.gauss(slot.per_day, slot.per_day * 0.3)))
    if rng.random() < slot.chance:
        return rng.randint(max(1, slot.per_day // 3), slot.per_day * 2)
    return 0


def _delivered(order: _Order, line_no: int, ordered: int, case: int) -> int:
    sup = order.supplier
    if line_no == 0 and order.index == sup.partial:
        return max(case, _round_up(ordered // 2, case))
    if line_no == 0 and order.index in sup.short:
        return max(case, int(ordered * SHORT_SHARE) // case * case)
    return ordered


def plan_history(
    rng: random.Random, slots: Sequence[SlotPlan], cases: Sequence[int]
) -> HistoryPlan:
    """The history of the slots with a demand history (see the module); `cases` holds each
    slot's case pack (base units) the history's buyer orders in."""
    live = [i for i, s in enumerate(slots) if s.role in HISTORY_ROLES and s.supplier]
    orders: dict[int, list[_Order]] = {}
    for sup in SUPPLIERS:
        for index, day in enumerate(_order_days(sup)):
            late = sup.lateness[index % len(sup.lateness)]
            arrives = day + sup.lead_time_days + late
            orders.setdefault(day, []).append(_Order(sup, index, day, arrives))
    stock = [0] * len(slots)
    opening = []
    for i in live:
        sup = SUPPLIER[slots[i].supplier or ""]
        first = min(o.arrives_on for os in orders.values() for o in os if o.supplier is sup)
        days = first + HISTORY_DAYS + sup.safety_days
        stock[i] = _round_up(math.ceil(slots[i].mean_per_day * days), cases[i])
        opening.append(Flow(-HISTORY_DAYS - 1, i, stock[i]))
    placed: list[_Order] = []
    for day in sorted(d for d in orders if d < -HISTORY_DAYS):  # on their way at the start
        for order in orders[day]:
            _fill(order, slots, live, cases, stock, placed)
    shipments, returns = [], []
    for day in range(-HISTORY_DAYS, 0):
        for order in placed:
            if order.arrives_on == day:
                for n, (slot, ordered) in enumerate(order.lines):
                    stock[slot] += _delivered(order, n, ordered, cases[slot])
        for order in orders.get(day, []):
            _fill(order, slots, live, cases, stock, placed)
        for i in live:
            wanted = _demand(rng, slots[i])
            shipped = min(wanted, stock[i])
            if shipped:
                stock[i] -= shipped
                shipments.append(Flow(day, i, shipped))
            if slots[i].role == STEADY and shipments and rng.random() < RETURN_CHANCE:
                back = rng.randint(1, 2)
                stock[i] += back
                returns.append(Flow(day, i, back))
    pos = tuple(_po_plan(n, order, cases) for n, order in enumerate(placed, start=1001))
    return HistoryPlan(tuple(opening), pos, tuple(shipments), tuple(returns), tuple(stock))


def _fill(
    order: _Order,
    slots: Sequence[SlotPlan],
    live: list[int],
    cases: Sequence[int],
    stock: list[int],
    placed: list[_Order],
) -> None:
    """The history's buyer: order each of the supplier's slots up to its cover target."""
    for i in live:
        if slots[i].supplier != order.supplier.code:
            continue
        on_order = sum(
            qty for o in placed if o.arrives_on > order.ordered_on for s, qty in o.lines if s == i
        )
        need = _target(slots[i], order.supplier) - stock[i] - on_order
        if need > 0:
            order.lines.append((i, _round_up(need, cases[i])))
    if order.lines:
        placed.append(order)


def _po_plan(number: int, order: _Order, cases: Sequence[int]) -> PoPlan:
    sup = order.supplier
    expected = order.ordered_on + sup.lead_time_days
    arrived = order.arrives_on if order.arrives_on < 0 else None
    lines = tuple(
        PoLinePlan(
            slot,
            ordered,
            _delivered(order, n, ordered, cases[slot]) if arrived is not None else 0,
        )
        for n, (slot, ordered) in enumerate(order.lines)
    )
    closed_on = None
    if arrived is None:
        state = "sent"
    elif order.index == sup.partial:
        state = "partially_received"
    elif order.index in sup.short or arrived < -CLOSE_AFTER_DAYS:
        state, closed_on = "closed", min(arrived + 2, -1)
    else:
        state = "received"
    return PoPlan(
        f"PO-HIST-{number}", sup.code, order.ordered_on, expected, arrived, lines, state, closed_on
    )
