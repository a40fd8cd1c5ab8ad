"""Pure pick-path rules: the order a picker walks a task's bins, and how long that walk is.

The walk (`serpentine`):
1. Aisles are visited in ascending aisle rank. A bin's aisle is the rank of its PARENT
   location within the warehouse, by (parent walk_sequence, parent id), parents without a
   walk sequence last (`rank_aisles`, `aisle_of`): the service passes that rank.
2. The first aisle is walked in ascending walk_sequence (the picker comes from the start of
   the walk). Each later aisle is walked in the direction that continues best from where the
   picker left the previous one: the directions are chosen together so that the whole walk
   is the shortest by path_length (ties: ascending). When every aisle numbers its bins from
   the same end (a position along the aisle), picks spanning the aisles give the classic
   serpentine: the 1st, 3rd, 5th... visited aisle ascending, the 2nd, 4th... descending.
   When the site already numbered walk_sequence as one serpentine through the warehouse
   (the demo layout: odd aisles up, even aisles down, each zone ending where the next
   begins), the walk stays ascending: a fixed odd/even flip would walk aisles backwards.
3. Bins without a walk_sequence go after every sequenced bin of their aisle, by location id:
   nobody planned a route past them, and ordering is never by code or name (codes sort
   "A-10" before "A-9").
4. Equal walk sequences in one aisle: by location id. One Bin per pick line is allowed: the
   lines of one location stay together in the order given (a stable sort), at the position
   of that location's first occurrence.

The length (`path_length`), in walk-sequence units, for bins already in walk order: the walk
starts at the first bin; each next bin costs |difference of walk_sequence|, or UNSEQUENCED_STEP
when either bin has no walk sequence, plus AISLE_CHANGE when the aisle changes; a repeat of
the same location costs nothing. Deterministic: it reads only aisle, walk_sequence and
location id. It compares groupings and shows in the wave preview; it is not metres.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar

T = TypeVar("T")

# Crossing from one aisle to the next (walking the cross-aisle), in walk-sequence units.
AISLE_CHANGE = 100
# A step to or from a bin without a walk sequence: its place is unknown, so a fixed cost.
UNSEQUENCED_STEP = 10
# The aisle of a bin whose parent is unknown to the ranking: after every ranked aisle.
UNRANKED_AISLE = 2**31 - 1


@dataclass(frozen=True)
class Bin:
    """A bin as the path rules see it. `code` is for display only: ordering never reads it."""

    location_id: int
    aisle: int
    walk_sequence: int | None
    zone_id: int | None = None
    code: str = ""


def rank_aisles(parent_keys: Iterable[tuple[int, int | None]]) -> dict[int, int]:
    """parent_id -> aisle rank (1, 2, ...) from (parent_id, parent walk_sequence) pairs, by
    (walk_sequence, id), parents without a walk sequence last. A repeated parent keeps its
    first walk sequence."""
    seen: dict[int, int | None] = {}
    for parent_id, walk_sequence in parent_keys:
        seen.setdefault(parent_id, walk_sequence)
    ordered = sorted(seen.items(), key=lambda kv: (kv[1] is None, kv[1] or 0, kv[0]))
    return {parent_id: rank for rank, (parent_id, _ws) in enumerate(ordered, start=1)}


def aisle_of(parent_id: int | None, ranks: Mapping[int, int]) -> int:
    """The aisle rank of a bin whose parent location is `parent_id` (see rank_aisles); a bin
    without a ranked parent walks last (UNRANKED_AISLE)."""
    if parent_id is None:
        return UNRANKED_AISLE
    return ranks.get(parent_id, UNRANKED_AISLE)


def walk_key(b: Bin) -> tuple[int, bool, int, int]:
    """A bin's place in the warehouse regardless of direction (aisle, then walk sequence,
    unsequenced last, then id): how the wave rules tell which orders lie near each other."""
    return (b.aisle, b.walk_sequence is None, b.walk_sequence or 0, b.location_id)


def _aisle_walks(bins: list[Bin]) -> tuple[list[Bin], list[Bin]]:
    """One aisle's distinct bins walked ascending and descending; unsequenced bins last in
    both, by id; equal walk sequences by id."""
    sequenced = [b for b in bins if b.walk_sequence is not None]
    rest = sorted((b for b in bins if b.walk_sequence is None), key=lambda b: b.location_id)
    up = sorted(sequenced, key=lambda b: (b.walk_sequence, b.location_id))
    down = sorted(sequenced, key=lambda b: (-(b.walk_sequence or 0), b.location_id))
    return up + rest, down + rest


def _directions(walks: list[tuple[list[Bin], list[Bin]]]) -> list[int]:
    """Per aisle in visit order, 0 (ascending) or 1 (descending): the choice that makes the
    whole walk shortest, the first aisle ascending. Within-aisle cost is the same both ways,
    so only the steps between aisles count. Dynamic programming over the aisles: O(aisles)."""
    if not walks:
        return []
    best = [0, -1]  # cost so far ending each way (-1: not allowed); first aisle ascending
    came: list[tuple[int, int]] = []
    for prev, cur in pairwise(walks):
        row: list[int] = []
        back: list[int] = []
        for d in (0, 1):
            options = [
                (best[p] + step_cost(prev[p][-1], cur[d][0]), p) for p in (0, 1) if best[p] >= 0
            ]
            cost, p = min(options)  # ties: the ascending predecessor (p = 0) sorts first
            row.append(cost)
            back.append(p)
        best = row
        came.append((back[0], back[1]))
    d = 0 if best[0] <= best[1] or best[1] < 0 else 1
    chosen = [d]
    for back_pair in reversed(came):
        d = back_pair[d]
        chosen.append(d)
    return chosen[::-1]


def serpentine_by(items: Iterable[T], bin_of: Callable[[T], Bin]) -> list[T]:
    """`items` (pick lines, needs...) in walk order of their bins (see the module docstring).
    O(n log n); items at one location keep their given order."""
    listed = list(items)
    first: dict[int, Bin] = {}  # a location walks as first described
    for item in listed:
        b = bin_of(item)
        if b.location_id not in first:
            first[b.location_id] = b
    by_aisle: dict[int, list[Bin]] = {}
    for b in first.values():
        by_aisle.setdefault(b.aisle, []).append(b)
    walks = [_aisle_walks(by_aisle[a]) for a in sorted(by_aisle)]
    place: dict[int, int] = {}
    for walk, d in zip(walks, _directions(walks), strict=True):
        for b in walk[d]:
            place[b.location_id] = len(place)
    return sorted(listed, key=lambda item: place[bin_of(item).location_id])


def _same(b: Bin) -> Bin:
    return b


def serpentine(bins: Iterable[Bin]) -> list[Bin]:
    """The bins in walk order (see the module docstring); duplicates kept, grouped."""
    return serpentine_by(bins, _same)


def step_cost(a: Bin, b: Bin) -> int:
    """What walking from bin `a` to bin `b` costs (see the module docstring)."""
    if a.location_id == b.location_id:
        return 0
    if a.walk_sequence is None or b.walk_sequence is None:
        cost = UNSEQUENCED_STEP
    else:
        cost = abs(b.walk_sequence - a.walk_sequence)
    return cost + (AISLE_CHANGE if a.aisle != b.aisle else 0)


def path_length(bins_in_walk_order: Sequence[Bin]) -> int:
    """The length of a walk through these bins in the order given (0 for none or one)."""
    return sum(step_cost(a, b) for a, b in pairwise(bins_in_walk_order))
