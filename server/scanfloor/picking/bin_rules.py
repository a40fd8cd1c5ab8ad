"""Pure bin choice at wave release: from which bins (and lots) a reservation is picked.

Allocation reserves per warehouse (and per lot for expiry-tracked items); the bins are
chosen when the wave is released, from the stock as it is then (docs/decisions/0013).
For one reserved quantity of an item:
1. Only stock the caller may take: sellable, active, non-virtual bins of the warehouse,
   loose units (not inside a container), less what open pick lines already plan to take
   from each bin (`free`), and of the reserved lot when the reservation names one.
2. FEFO: lots are used first-expiring first (no expiry last, then lot id, stock without a
   lot last). A reservation naming a lot has one lot to use.
3. Within a lot, fewest bins: a bin that covers what is left alone is taken (the first on
   the walk among those); otherwise the fullest bin (walk order breaks ties), and again.
4. If the bins cannot cover the quantity, there is no plan (None): the order is skipped,
   never released half (its stock left the bins after it was reserved).
`take` lowers each bin's free units, so the next reservation planned in the same release
never counts them twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

_LAST = date.max


@dataclass
class BinStock:
    """Units of an item (one lot) in one bin a release may still plan to take."""

    location_id: int
    lot_id: int | None
    expiry: date | None
    free: int
    walk: tuple[int, bool, int, int]  # path_rules.walk_key of the bin


@dataclass(frozen=True)
class BinTake:
    location_id: int
    lot_id: int | None
    quantity: int


def _lot_order(s: BinStock) -> tuple[bool, bool, date, int]:
    return (s.lot_id is None, s.expiry is None, s.expiry or _LAST, s.lot_id or 0)


def plan_takes(stocks: Iterable[BinStock], quantity: int) -> list[BinTake] | None:
    """Where `quantity` comes from (rules 2-4), or None when the stock cannot cover it.
    Pure: `stocks` are not changed (see `take`)."""
    if quantity <= 0:
        return []
    usable = [s for s in stocks if s.free > 0]
    if sum(s.free for s in usable) < quantity:
        return None
    lots: dict[int | None, list[BinStock]] = {}
    for s in sorted(usable, key=_lot_order):
        lots.setdefault(s.lot_id, []).append(s)
    takes: list[BinTake] = []
    left = quantity
    for bins in lots.values():
        pool = {id(s): s.free for s in bins}
        while left > 0 and any(pool.values()):
            whole = [s for s in bins if pool[id(s)] >= left]
            if whole:
                chosen = min(whole, key=lambda s: s.walk)
            else:
                chosen = min(
                    (s for s in bins if pool[id(s)] > 0), key=lambda s: (-pool[id(s)], s.walk)
                )
            q = min(left, pool[id(chosen)])
            pool[id(chosen)] -= q
            takes.append(BinTake(chosen.location_id, chosen.lot_id, q))
            left -= q
        if left == 0:
            break
    return takes


def take(stocks: Iterable[BinStock], takes: Iterable[BinTake]) -> None:
    """Lower the bins' free units by what was planned from them."""
    index = {(s.location_id, s.lot_id): s for s in stocks}
    for t in takes:
        index[(t.location_id, t.lot_id)].free -= t.quantity
