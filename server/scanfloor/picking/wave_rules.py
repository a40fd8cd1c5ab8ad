"""Pure wave-planning rules: which allocated orders a wave takes, and how its pick lines are
grouped into tasks (one task = one picker's walk).

Selection (`select_orders`):
1. Filter: the rules' channels (none named: every channel); with `ship_by_before`, only
   orders due AT OR BEFORE it (an order without a ship-by deadline has none to meet, so a
   cutoff wave leaves it out; without a cutoff every order qualifies).
2. Urgency, most urgent first: ship_by (carrier cutoff / service-level deadline; none last),
   channel priority (higher first), promised date (none last), ordered_at, order id.
3. Take orders greedily in that order while every cap holds (max_orders, max_lines,
   max_units, and max_pickers counted as the tasks the grouping below needs). The first order
   that does not fit ends the wave: a less urgent order never takes the room a more urgent one
   needs. An order that ALONE breaks a cap (more lines or units than the wave allows, more
   lines than a task allows, more zones than pickers, nothing to pick) can never fit: it is
   skipped and reported, and the wave goes on. An order is never split across waves.

Grouping (`group_tasks`), every task's lines sequenced by path_rules.serpentine, seq 1..n:
- single: one task per order, tote slot 1.
- cluster: orders share a cart of `orders_per_picker` totes (slots 1..n). Orders are laid
  out by the walk position of their first bin (path_rules.walk_key), then cut into carts in
  that order, a new cart when the current one is full (orders_per_picker, or
  lines_per_picker lines): orders picked from nearby bins share a cart.
- zone: the same carts of orders, then one task per (cart, zone) holding only that zone's
  lines; an order spanning zones is in several tasks with the same slot in each.
`lines_per_picker` caps the lines of every task, in every mode. Tasks come most urgent
first (by their most urgent order): the service may use the index as the claim priority.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ..timeutil import as_utc
from .path_rules import Bin, path_length, serpentine_by, walk_key

MODES = ("single", "cluster", "zone")
MAX_CART_SLOTS = 24  # totes a cluster cart carries at most
_CAPS = ("max_orders", "max_lines", "max_units", "max_pickers", "lines_per_picker")
_NO_DEADLINE = datetime.min.replace(tzinfo=UTC)


class WaveRuleError(ValueError):
    """Wave rules or candidates the planner refuses; `code` names which rule."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class WaveRules:
    """What a wave may take and how it is picked; checked when built. A naive
    ship_by_before is read as UTC."""

    mode: str = "single"
    channel_ids: tuple[int, ...] = ()  # () = every channel
    ship_by_before: datetime | None = None
    max_orders: int | None = None
    max_lines: int | None = None
    max_units: int | None = None
    max_pickers: int | None = None
    orders_per_picker: int = 8  # cluster cart size (also the zone mode's order batch)
    lines_per_picker: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise WaveRuleError(
                "invalid_mode",
                "mode is single, cluster or zone",
                {"mode": self.mode, "allowed": list(MODES)},
            )
        for name in _CAPS:
            value = getattr(self, name)
            if value is not None and (not _int(value) or value < 1):
                raise WaveRuleError(
                    "invalid_cap", f"{name} is a whole number, 1 or more", {name: value}
                )
        opp = self.orders_per_picker
        if not _int(opp) or not 1 <= opp <= MAX_CART_SLOTS:
            raise WaveRuleError(
                "invalid_orders_per_picker",
                f"orders_per_picker is 1 to {MAX_CART_SLOTS}",
                {"orders_per_picker": opp, "max": MAX_CART_SLOTS},
            )
        channels = tuple(self.channel_ids)
        if not all(_int(c) for c in channels):
            raise WaveRuleError(
                "invalid_channel", "channel_ids are channel ids", {"channel_ids": list(channels)}
            )
        object.__setattr__(self, "channel_ids", channels)
        if self.ship_by_before is not None:
            object.__setattr__(self, "ship_by_before", as_utc(self.ship_by_before))

    def to_json(self) -> dict[str, Any]:
        """The rules as chosen, for the wave's audit column."""
        return {
            "mode": self.mode,
            "channel_ids": list(self.channel_ids),
            "ship_by_before": self.ship_by_before.isoformat() if self.ship_by_before else None,
            **{name: getattr(self, name) for name in _CAPS},
            "orders_per_picker": self.orders_per_picker,
        }


@dataclass(frozen=True)
class PickNeed:
    """One planned pick line: take `quantity` of an item (and lot) from a bin the service
    chose, for an order line."""

    order_line_id: int
    item_id: int
    lot_id: int | None
    quantity: int
    bin: Bin


@dataclass(frozen=True)
class OrderCandidate:
    """An allocated order the wave may take, with its planned pick lines."""

    order_id: int
    channel_id: int
    channel_priority: int
    ship_by: datetime | None  # carrier cutoff / service-level deadline, earliest first
    promised_date: date | None
    ordered_at: datetime
    needs: tuple[PickNeed, ...]

    @property
    def lines(self) -> int:
        return len(self.needs)

    @property
    def units(self) -> int:
        return sum(n.quantity for n in self.needs)


@dataclass(frozen=True)
class PlannedLine:
    """A need placed on a task's walk: `seq` from 1, `slot` the order's tote on the cart."""

    need: PickNeed
    order_id: int
    seq: int
    slot: int


@dataclass(frozen=True)
class PlannedTask:
    """One picker's walk. `orders` in slot order; zone_id only for zone tasks."""

    orders: tuple[int, ...]
    zone_id: int | None
    lines: tuple[PlannedLine, ...]
    path_length: int

    @property
    def units(self) -> int:
        return sum(ln.need.quantity for ln in self.lines)


@dataclass(frozen=True)
class WavePlan:
    """The orders taken (most urgent first), the orders skipped (order id, reason code) and
    the tasks (most urgent first)."""

    orders: tuple[int, ...]
    skipped: tuple[tuple[int, str], ...]
    tasks: tuple[PlannedTask, ...]

    @property
    def order_count(self) -> int:
        return len(self.orders)

    @property
    def line_count(self) -> int:
        return sum(len(t.lines) for t in self.tasks)

    @property
    def unit_count(self) -> int:
        return sum(t.units for t in self.tasks)

    @property
    def path_length(self) -> int:
        return sum(t.path_length for t in self.tasks)

    @property
    def pickers(self) -> int:
        """Pickers the wave can use at once: one per task (never above max_pickers)."""
        return len(self.tasks)

    def slots(self) -> dict[int, int]:
        """order id -> its tote slot (the same in every task of the order)."""
        return {ln.order_id: ln.slot for t in self.tasks for ln in t.lines}


def urgency_key(c: OrderCandidate) -> tuple[bool, datetime, int, bool, date, datetime, int]:
    """Most urgent first: ship_by (none last), channel priority (high first), promised date
    (none last), ordered_at, order id."""
    return (
        c.ship_by is None,
        as_utc(c.ship_by) if c.ship_by is not None else _NO_DEADLINE,
        -c.channel_priority,
        c.promised_date is None,
        c.promised_date or date.min,
        as_utc(c.ordered_at),
        c.order_id,
    )


def _zone_lines(c: OrderCandidate) -> dict[int | None, int]:
    counts: dict[int | None, int] = {}
    for n in c.needs:
        counts[n.bin.zone_id] = counts.get(n.bin.zone_id, 0) + 1
    return counts


def _too_big(c: OrderCandidate, rules: WaveRules) -> str | None:
    """Why this order could never fit a wave under these rules, or None."""
    if not c.needs:
        return "nothing_to_pick"
    if rules.max_lines is not None and c.lines > rules.max_lines:
        return "exceeds_max_lines"
    if rules.max_units is not None and c.units > rules.max_units:
        return "exceeds_max_units"
    lpp = rules.lines_per_picker
    if rules.mode == "zone":
        zones = _zone_lines(c)
        if rules.max_pickers is not None and len(zones) > rules.max_pickers:
            return "exceeds_max_pickers"
        if lpp is not None and max(zones.values()) > lpp:
            return "exceeds_lines_per_picker"
    elif lpp is not None and c.lines > lpp:
        return "exceeds_lines_per_picker"
    return None


def _order_cap(rules: WaveRules) -> int | None:
    """max_orders, tightened by what max_pickers allows at most (one order per single task,
    a full cart per cluster task)."""
    caps = [rules.max_orders] if rules.max_orders is not None else []
    if rules.max_pickers is not None and rules.mode != "zone":
        per_task = 1 if rules.mode == "single" else rules.orders_per_picker
        caps.append(rules.max_pickers * per_task)
    return min(caps) if caps else None


def _carts(orders: Sequence[OrderCandidate], rules: WaveRules) -> list[list[OrderCandidate]]:
    """The orders cut into carts (module docstring), in walk order of their first bins."""
    if rules.mode == "single":
        return [[c] for c in orders]
    laid_out = sorted(orders, key=lambda c: min(walk_key(n.bin) for n in c.needs))
    return _cut(laid_out, rules)


def _cut(laid_out: Iterable[OrderCandidate], rules: WaveRules) -> list[list[OrderCandidate]]:
    size, lpp, zone = rules.orders_per_picker, rules.lines_per_picker, rules.mode == "zone"
    carts: list[list[OrderCandidate]] = []
    cart: list[OrderCandidate] = []
    used: dict[int | None, int] = {}  # lines on the cart per zone (one key unless zone mode)
    for c in laid_out:
        adds = _zone_lines(c) if zone else {None: c.lines}
        fits = len(cart) < size and (
            lpp is None or all(used.get(z, 0) + n <= lpp for z, n in adds.items())
        )
        if not fits:
            carts.append(cart)
            cart, used = [], {}
        cart.append(c)
        for z, n in adds.items():
            used[z] = used.get(z, 0) + n
    if cart:
        carts.append(cart)
    return carts


def _task_count(carts: list[list[OrderCandidate]], rules: WaveRules) -> int:
    if rules.mode != "zone":
        return len(carts)
    return sum(len({n.bin.zone_id for c in cart for n in c.needs}) for cart in carts)


def _fit_pickers(selected: list[OrderCandidate], rules: WaveRules) -> list[OrderCandidate]:
    """The longest urgency prefix whose grouping needs at most max_pickers tasks. Carts are
    cut along the walk, so the count can only be known by cutting: a binary search over the
    prefix length (a few cuts of an already sorted list, not one per order)."""
    cap = rules.max_pickers
    if cap is None or rules.mode == "single":
        return selected  # single: _order_cap already holds it to max_pickers orders
    if rules.mode == "cluster" and rules.lines_per_picker is None:
        return selected  # carts of orders_per_picker: _order_cap already holds it
    rank = {c.order_id: i for i, c in enumerate(selected)}
    laid_out = sorted(selected, key=lambda c: min(walk_key(n.bin) for n in c.needs))

    def tasks_for(k: int) -> int:
        return _task_count(_cut((c for c in laid_out if rank[c.order_id] < k), rules), rules)

    if tasks_for(len(selected)) <= cap:
        return selected
    low, high = 0, len(selected)  # tasks_for(low) fits, tasks_for(high) does not
    while high - low > 1:
        mid = (low + high) // 2
        if tasks_for(mid) <= cap:
            low = mid
        else:
            high = mid
    return selected[:low]


def _select(
    candidates: Iterable[OrderCandidate], rules: WaveRules
) -> tuple[list[OrderCandidate], list[tuple[int, str]]]:
    channels = set(rules.channel_ids)
    cutoff = rules.ship_by_before
    pool: list[OrderCandidate] = []
    seen: set[int] = set()
    for c in candidates:
        if c.order_id in seen:
            raise WaveRuleError(
                "duplicate_order", "an order is a candidate once", {"order_id": c.order_id}
            )
        seen.add(c.order_id)
        for n in c.needs:
            if not _int(n.quantity) or n.quantity < 1:
                raise WaveRuleError(
                    "invalid_quantity",
                    "a pick line takes 1 or more units",
                    {"order_id": c.order_id, "order_line_id": n.order_line_id},
                )
        if channels and c.channel_id not in channels:
            continue
        if cutoff is not None and (c.ship_by is None or as_utc(c.ship_by) > cutoff):
            continue
        pool.append(c)
    pool.sort(key=urgency_key)
    order_cap = _order_cap(rules)
    selected: list[OrderCandidate] = []
    skipped: list[tuple[int, str]] = []
    lines = units = 0
    full = False
    for c in pool:
        reason = _too_big(c, rules)
        if reason is not None:
            skipped.append((c.order_id, reason))
            continue
        if full:
            continue  # still looked at: oversized orders further down are reported too
        c_lines, c_units = c.lines, c.units
        full = (
            (order_cap is not None and len(selected) >= order_cap)
            or (rules.max_lines is not None and lines + c_lines > rules.max_lines)
            or (rules.max_units is not None and units + c_units > rules.max_units)
        )
        if not full:
            selected.append(c)
            lines += c_lines
            units += c_units
    return _fit_pickers(selected, rules), skipped


def select_orders(candidates: Iterable[OrderCandidate], rules: WaveRules) -> list[OrderCandidate]:
    """The orders a wave takes under `rules`, most urgent first (module docstring)."""
    return _select(candidates, rules)[0]


def _task(
    cart: list[OrderCandidate], needs: list[tuple[PickNeed, int, int]], zone_id: int | None
) -> PlannedTask:
    walked = serpentine_by(needs, lambda t: t[0].bin)
    lines = tuple(
        PlannedLine(need=need, order_id=oid, seq=seq, slot=slot)
        for seq, (need, oid, slot) in enumerate(walked, start=1)
    )
    present = {ln.order_id for ln in lines}
    return PlannedTask(
        orders=tuple(c.order_id for c in cart if c.order_id in present),
        zone_id=zone_id,
        lines=lines,
        path_length=path_length([ln.need.bin for ln in lines]),
    )


def group_tasks(orders: Sequence[OrderCandidate], rules: WaveRules) -> list[PlannedTask]:
    """The tasks that pick these orders (module docstring), most urgent first. `orders` are
    taken as given (most urgent first: select_orders' answer)."""
    orders = [c for c in orders if c.needs]  # nothing to pick: no task
    rank = {c.order_id: i for i, c in enumerate(orders)}
    carts = sorted(_carts(orders, rules), key=lambda cart: min(rank[c.order_id] for c in cart))
    tasks: list[PlannedTask] = []
    for cart in carts:
        needs = [(n, c.order_id, slot) for slot, c in enumerate(cart, start=1) for n in c.needs]
        if rules.mode != "zone":
            tasks.append(_task(cart, needs, None))
            continue
        by_zone: dict[int | None, list[tuple[PickNeed, int, int]]] = {}
        for t in needs:
            by_zone.setdefault(t[0].bin.zone_id, []).append(t)
        # A cart's zone tasks in walk order of each zone's first bin.
        for zone_id in sorted(by_zone, key=lambda z: min(walk_key(t[0].bin) for t in by_zone[z])):
            tasks.append(_task(cart, by_zone[zone_id], zone_id))
    return tasks


def plan_wave(candidates: Iterable[OrderCandidate], rules: WaveRules) -> WavePlan:
    """Select, then group. One candidate in single mode is the one-order pick."""
    selected, skipped = _select(candidates, rules)
    return WavePlan(
        orders=tuple(c.order_id for c in selected),
        skipped=tuple(skipped),
        tasks=tuple(group_tasks(selected, rules)),
    )
