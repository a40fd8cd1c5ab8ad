"""Pure putaway rules: which bin a load should go to, task ids, and the age of a task.

Directed putaway, in order:
1. a bin that already holds the item and lot and has room for the load;
2. else an EMPTY storage or pick-face bin in the item's zone, lowest walk sequence first,
   whose capacity takes the load;
3. else any empty storage or pick-face bin in the warehouse, by walk sequence.
Capacity counts base units of all stock in the bin (the sum of its balances); a bin with no
capacity takes anything. Only storage and pick-face bins receive putaway: a quarantine or
pack-station bin holding the same item is never a suggestion.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

PUTAWAY_BIN_TYPES = frozenset({"storage", "pick_face"})
# Stock at these locations is received but not yet put away: each holding is a task.
INBOUND_TYPES = ("dock", "staging")

RULE_SAME_ITEM_LOT = "same_item_lot"
RULE_EMPTY_IN_ZONE = "empty_in_zone"
RULE_EMPTY_ANYWHERE = "empty_anywhere"

LOOSE = "loose"
LPN = "lpn"
_PREFIX = {LOOSE: "b", LPN: "c"}
_KIND = {prefix: kind for kind, prefix in _PREFIX.items()}
MAX_TASK_NUMBER = 10**18


class NoBinAvailable(Exception):
    """No bin can take this load under the putaway rules."""


class BadTaskId(ValueError):
    """Text that is not a putaway task id."""


@dataclass(frozen=True)
class BinCandidate:
    """A bin as the rules see it. `holds` lists (item_id, lot_id) pairs stocked there."""

    id: int
    code: str
    zone_id: int | None
    type: str
    walk_sequence: int | None
    capacity: int | None
    on_hand_total: int
    holds: frozenset[tuple[int, int | None]] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return self.on_hand_total == 0

    def room_for(self, quantity: int) -> bool:
        return self.capacity is None or self.capacity - self.on_hand_total >= quantity


@dataclass(frozen=True)
class LoadLine:
    item_id: int
    lot_id: int | None
    quantity: int


@dataclass(frozen=True)
class Suggestion:
    bin_id: int
    code: str
    rule: str


def _walk_order(b: BinCandidate) -> tuple[bool, int, str, int]:
    # Bins without a walk sequence come last: nobody planned a route past them.
    return (b.walk_sequence is None, b.walk_sequence or 0, b.code, b.id)


def _pairs(lines: Sequence[LoadLine]) -> frozenset[tuple[int, int | None]]:
    return frozenset((ln.item_id, ln.lot_id) for ln in lines)


def item_zone(
    item_id: int, bins: Iterable[BinCandidate], attribute_zone_id: int | None = None
) -> int | None:
    """The item's zone: where most of the bins holding it are (ties: the first on the walk);
    else the zone named in the item's attributes; else None (any storage zone)."""
    holding = sorted(
        (b for b in bins if b.type in PUTAWAY_BIN_TYPES and b.zone_id is not None),
        key=_walk_order,
    )
    holding = [b for b in holding if any(item == item_id for item, _lot in b.holds)]
    if holding:
        counts = Counter(b.zone_id for b in holding)
        best = max(counts.values())
        # `holding` is in walk order, so the first zone with the top count is the earliest.
        return next(b.zone_id for b in holding if counts[b.zone_id] == best)
    return attribute_zone_id


def suggest_bin_for_load(
    lines: Sequence[LoadLine], bins: Iterable[BinCandidate], zone_id: int | None
) -> Suggestion:
    """The bin a load (a loose line, or every line of a container) should go to."""
    if not lines:
        raise ValueError("a load has at least one line")
    quantity = sum(ln.quantity for ln in lines)
    if quantity <= 0:
        raise ValueError("a load has a positive quantity")
    pairs = _pairs(lines)
    ordered = sorted((b for b in bins if b.type in PUTAWAY_BIN_TYPES), key=_walk_order)
    for b in ordered:
        if not b.empty and pairs <= b.holds and b.room_for(quantity):
            return Suggestion(b.id, b.code, RULE_SAME_ITEM_LOT)
    empties = [b for b in ordered if b.empty and b.room_for(quantity)]
    if zone_id is not None:
        for b in empties:
            if b.zone_id == zone_id:
                return Suggestion(b.id, b.code, RULE_EMPTY_IN_ZONE)
    if empties:
        return Suggestion(empties[0].id, empties[0].code, RULE_EMPTY_ANYWHERE)
    raise NoBinAvailable("no bin holds this item and lot with room, and no empty bin fits it")


def bin_meets_rules(b: BinCandidate, lines: Sequence[LoadLine]) -> bool:
    """Whether a bin would be a rule-following destination: same item and lot with room, or
    empty with room. A scanner that cached a suggestion may still use it while this holds."""
    quantity = sum(ln.quantity for ln in lines)
    if b.type not in PUTAWAY_BIN_TYPES or not b.room_for(quantity):
        return False
    return b.empty or _pairs(lines) <= b.holds


def task_id(kind: str, number: int) -> str:
    """'b-<balance id>' for loose stock, 'c-<container id>' for a container (LPN)."""
    return f"{_PREFIX[kind]}-{number}"


def parse_task_id(raw: str) -> tuple[str, int]:
    """(kind, number) of a task id; BadTaskId for anything else."""
    prefix, sep, digits = raw.partition("-")
    if not sep or prefix not in _KIND or not (digits.isascii() and digits.isdigit()):
        raise BadTaskId("a putaway task id is b-<number> or c-<number>")
    number = int(digits)
    if not 0 < number < MAX_TASK_NUMBER or digits != str(number):
        raise BadTaskId("a putaway task id is b-<number> or c-<number>")
    return _KIND[prefix], number


def age_minutes(since: datetime | None, now: datetime) -> int | None:
    """Whole minutes stock has waited (never negative: clocks of devices drift)."""
    if since is None:
        return None
    return max(0, int((now - since).total_seconds() // 60))
