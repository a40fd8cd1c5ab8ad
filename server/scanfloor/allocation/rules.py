"""Pure allocation rules: who gets stock, from where, and what each channel may sell.

No database here. The service loads a SupplyState for the positions an allocation touches
(holding their row locks), lets these rules decide, and writes the result.

Terms, per item and warehouse (a *position*):
- sellable: units on hand at sellable, non-virtual locations of the warehouse;
- reserved: units held by active reservations (all channels);
- pool: units ring-fenced for one channel; no other channel may take them;
- cap: a channel may hold at most floor(cap x sellable) of a position;
- buffer: units a channel never publishes (absorbs orders placed on a stale feed). The
  buffer shapes ATS only: an order that does arrive is real and may take those units.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

CHANNEL_KINDS = ("web", "marketplace", "wholesale", "retail")
LINE_STATUSES = (
    "received",
    "backordered",
    "partially_allocated",
    "allocated",
    "released",
    "picking",
    "picked",
    "packed",
    "shipped",
    "cancelled",
)
RESERVATION_STATUSES = ("active", "consumed", "released", "expired")
WAITING = ("received", "backordered", "partially_allocated")
# Lines in these states may still be changed or cancelled; later ones are being picked.
CHANGEABLE = ("received", "backordered", "partially_allocated", "allocated", "released")
PROGRESS = {s: i for i, s in enumerate(LINE_STATUSES)}
NO_EXPIRY = date.max


class RuleError(ValueError):
    """Input no rule can work with (a kit inside itself, a bad quantity)."""


@dataclass(frozen=True)
class ChannelRules:
    id: int
    priority: int = 0
    safety_buffer: int = 0
    cap_fraction: Decimal | None = None
    allow_partial_shipment: bool = True
    min_shelf_life_days: int = 0
    warehouse_ids: tuple[int, ...] = ()


@dataclass
class LotStock:
    """One lot of an expiry-tracked item in one warehouse (lot 0 = stock without a lot)."""

    expiry: date | None
    sellable: int
    reserved: int = 0

    @property
    def free(self) -> int:
        return max(0, self.sellable - self.reserved)


@dataclass
class Position:
    sellable: int
    reserved: int = 0
    pools: dict[int, int] = field(default_factory=dict)
    by_channel: dict[int, int] = field(default_factory=dict)
    lots: dict[int, LotStock] | None = None  # only for expiry-tracked items

    def copy(self) -> Position:
        lots = None if self.lots is None else {k: replace(v) for k, v in self.lots.items()}
        return replace(self, pools=dict(self.pools), by_channel=dict(self.by_channel), lots=lots)


def floor_share(fraction: Decimal, quantity: int) -> int:
    return int((fraction * quantity).to_integral_value(rounding=ROUND_FLOOR))


def fence_for_others(pos: Position, channel_id: int) -> int:
    """Units other channels' pools still hold back from this channel."""
    return sum(
        max(0, qty - pos.by_channel.get(ch, 0)) for ch, qty in pos.pools.items() if ch != channel_id
    )


def channel_free(pos: Position, ch: ChannelRules) -> int:
    """Units of a position this channel may reserve now (pools and cap applied, no buffer)."""
    free = pos.sellable - pos.reserved - fence_for_others(pos, ch.id)
    if ch.cap_fraction is not None:
        free = min(free, floor_share(ch.cap_fraction, pos.sellable) - pos.by_channel.get(ch.id, 0))
    return max(0, free)


def shelf_life_floor(promised: date | None, today: date, min_shelf_life_days: int) -> date:
    """A lot must not expire before this date to be allocated to the line."""
    return (promised or today) + timedelta(days=min_shelf_life_days)


def fefo_lots(lots: Mapping[int, LotStock], not_before: date) -> list[int]:
    """Eligible lots, first-expiring first; lots expiring before `not_before` never qualify."""
    eligible = [
        lot_id
        for lot_id, lot in lots.items()
        if lot.free > 0 and (lot.expiry is None or lot.expiry >= not_before)
    ]
    return sorted(eligible, key=lambda k: (lots[k].expiry or NO_EXPIRY, k))


def fefo_take(
    lots: Mapping[int, LotStock], quantity: int, not_before: date
) -> list[tuple[int, int]]:
    """(lot, units) to reserve, first-expiring eligible lots first; may cover less than asked."""
    taken: list[tuple[int, int]] = []
    left = quantity
    for lot_id in fefo_lots(lots, not_before):
        if left <= 0:
            break
        q = min(left, lots[lot_id].free)
        taken.append((lot_id, q))
        left -= q
    return taken


@dataclass(frozen=True)
class Demand:
    """What one order line still needs."""

    line_id: int
    item_id: int
    quantity: int
    promised: date | None = None


@dataclass(frozen=True)
class Grant:
    line_id: int
    item_id: int
    warehouse_id: int
    lot_id: int | None
    quantity: int


@dataclass
class SupplyState:
    """Positions keyed (item_id, warehouse_id), as read under their row locks."""

    positions: dict[tuple[int, int], Position]
    today: date

    def free(self, ch: ChannelRules, d: Demand, warehouse_id: int) -> int:
        pos = self.positions.get((d.item_id, warehouse_id))
        if pos is None:
            return 0
        free = channel_free(pos, ch)
        if pos.lots is not None:
            floor = shelf_life_floor(d.promised, self.today, ch.min_shelf_life_days)
            free = min(free, sum(pos.lots[k].free for k in fefo_lots(pos.lots, floor)))
        return free

    def take(self, ch: ChannelRules, d: Demand, warehouse_id: int, quantity: int) -> list[Grant]:
        """Reserve up to `quantity` for the line here; returns what was granted."""
        q = min(quantity, self.free(ch, d, warehouse_id))
        if q <= 0:
            return []
        pos = self.positions[(d.item_id, warehouse_id)]
        parts: list[tuple[int | None, int]]
        if pos.lots is None:
            parts = [(None, q)]
        else:
            floor = shelf_life_floor(d.promised, self.today, ch.min_shelf_life_days)
            parts = []
            for lot_id, n in fefo_take(pos.lots, q, floor):
                pos.lots[lot_id].reserved += n
                parts.append((lot_id or None, n))
        pos.reserved += q
        pos.by_channel[ch.id] = pos.by_channel.get(ch.id, 0) + q
        return [Grant(d.line_id, d.item_id, warehouse_id, lot, n) for lot, n in parts]

    def snapshot(self, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Position]:
        return {k: self.positions[k].copy() for k in keys if k in self.positions}

    def restore(self, saved: Mapping[tuple[int, int], Position]) -> None:
        self.positions.update(saved)


def route_warehouses(
    warehouse_ids: Sequence[int], ranks: Mapping[int, int], preferred: Iterable[int] = ()
) -> list[int]:
    """Warehouses in the order to try: those already serving the order, then nearest first."""
    pref = set(preferred)
    return sorted(warehouse_ids, key=lambda w: (w not in pref, ranks.get(w, math.inf), w))


def plan_order(
    demands: Sequence[Demand],
    ch: ChannelRules,
    state: SupplyState,
    ranks: Mapping[int, int],
    preferred: Iterable[int] = (),
) -> list[Grant]:
    """Allocate one order's waiting lines, changing `state` by what is granted.

    1. A warehouse that can ship every line complete, nearest first.
    2. Else, if the channel allows partial shipment: line by line, nearest first, splitting
       a line across warehouses and leaving the rest backordered.
    3. Else nothing (all-or-nothing): the whole order waits.
    """
    demands = [d for d in demands if d.quantity > 0]
    if not demands:
        return []
    order = route_warehouses(ch.warehouse_ids, ranks, preferred)
    # With each item once, whether a warehouse ships complete is a read-only check; an
    # order naming an item twice is tried on a copy instead.
    repeated = len({d.item_id for d in demands}) < len(demands)
    keys = {(d.item_id, w) for d in demands for w in order}
    for w in order:
        if not repeated:
            if all(state.free(ch, d, w) >= d.quantity for d in demands):
                return [g for d in demands for g in state.take(ch, d, w, d.quantity)]
            continue
        saved = state.snapshot(keys)
        grants: list[Grant] = []
        complete = True
        for d in demands:
            got = state.take(ch, d, w, d.quantity)
            grants += got
            if sum(g.quantity for g in got) < d.quantity:
                complete = False
                break
        if complete:
            return grants
        state.restore(saved)
    if not ch.allow_partial_shipment:
        return []
    grants = []
    for d in demands:
        left = d.quantity
        for w in order:
            if left <= 0:
                break
            got = state.take(ch, d, w, left)
            left -= sum(g.quantity for g in got)
            grants += got
    return grants


@dataclass(frozen=True)
class QueuedOrder:
    order_id: int
    channel_priority: int
    promised: date | None
    ordered_at: datetime


def allocation_sequence(orders: Iterable[QueuedOrder]) -> list[QueuedOrder]:
    """Serve waiting orders by channel priority (high first), promised date, then age."""
    return sorted(
        orders,
        key=lambda o: (-o.channel_priority, o.promised or NO_EXPIRY, o.ordered_at, o.order_id),
    )


def releases_for_shortfall(held: Sequence[tuple[int, int]], shortfall: int) -> list[int]:
    """Stock fell below what is reserved: which reservations to give up.

    `held` is (reservation_id, quantity) in serving order (first = most deserving); the last
    served give theirs up first, whole rows, until the shortfall is covered.
    """
    released: list[int] = []
    for res_id, qty in reversed(held):
        if shortfall <= 0:
            break
        released.append(res_id)
        shortfall -= qty
    return released


# --- available to sell -------------------------------------------------------------------


def position_ats(pos: Position, ch: ChannelRules, today: date) -> int:
    """Units of one position this channel may still sell (before its buffer)."""
    free = channel_free(pos, ch)
    if pos.lots is not None:
        # A lot that expires inside the channel's minimum shelf life from today can serve
        # no order of this channel, so it is not offered.
        floor = shelf_life_floor(None, today, ch.min_shelf_life_days)
        free = min(free, sum(pos.lots[k].free for k in fefo_lots(pos.lots, floor)))
    return free


def channel_ats(positions: Iterable[Position], ch: ChannelRules, today: date) -> int:
    """ATS = sellable - reserved - buffer, shaped by pools and caps, summed over warehouses."""
    return max(0, sum(position_ats(p, ch, today) for p in positions) - ch.safety_buffer)


def kit_ats(component_ats: Mapping[int, int], recipe: Mapping[int, int]) -> int:
    """Whole kits the components' ATS makes: min over components of floor(ats / qty)."""
    if not recipe:
        return 0
    return max(0, min(component_ats.get(item, 0) // qty for item, qty in recipe.items()))


# --- kits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderedLine:
    line_no: int
    item_id: int
    quantity: int


@dataclass(frozen=True)
class ExpandedLine:
    line_no: int
    item_id: int
    quantity: int
    kit_item_id: int | None = None
    kit_quantity: int | None = None


def expand_kits(
    lines: Sequence[OrderedLine], kits: Mapping[int, Mapping[int, int]]
) -> list[ExpandedLine]:
    """A kit sold as one SKU becomes its components x quantity (one level: kits of kits
    are refused when the kit is defined)."""
    out: list[ExpandedLine] = []
    for ln in lines:
        if ln.quantity <= 0:
            raise RuleError(f"line {ln.line_no}: quantity must be positive")
        recipe = kits.get(ln.item_id)
        if not recipe:
            out.append(ExpandedLine(ln.line_no, ln.item_id, ln.quantity))
            continue
        for comp, per_kit in sorted(recipe.items()):
            out.append(
                ExpandedLine(ln.line_no, comp, per_kit * ln.quantity, ln.item_id, ln.quantity)
            )
    return out


# --- statuses ---------------------------------------------------------------------------


def allocation_status(quantity: int, reserved: int, consumed: int) -> str:
    held = reserved + consumed
    if held >= quantity:
        return "allocated"
    return "partially_allocated" if held > 0 else "backordered"


def status_after_pick(quantity: int, reserved: int, consumed: int) -> str:
    """A line's status once a pick consumed some of it: `picked` when every unit is; still
    waiting (partially allocated / backordered) while some units are neither reserved nor
    picked, so allocation goes on serving them; `picking` otherwise."""
    if consumed >= quantity:
        return "picked"
    if reserved + consumed < quantity:
        return allocation_status(quantity, reserved, consumed)
    return "picking"


def order_status(line_statuses: Iterable[str]) -> str:
    """One status for the order: its least advanced live line (cancelled lines aside)."""
    live = [s for s in line_statuses if s != "cancelled"]
    if not live:
        return "cancelled"
    least = min(live, key=PROGRESS.__getitem__)
    if least in ("received", "backordered") and any(
        PROGRESS[s] >= PROGRESS["partially_allocated"] for s in live
    ):
        return "partially_allocated"
    return least


def can_change(status: str) -> bool:
    """Quantity down, line cancel and order cancel stop once picking has started."""
    return status in CHANGEABLE
