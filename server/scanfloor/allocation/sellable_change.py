"""What a posting did to sellable stock, as allocation sees it.

Policy: stock is sellable while it sits in a physical location flagged sellable (ARCHITECTURE
rule 3), and it counts for that location's warehouse. A movement line out of a sellable
location lowers its warehouse's sellable stock of the line's item and lot; a line into one
raises it. Lines are netted per (item, warehouse, lot), so a move between two sellable bins
of one warehouse changes nothing a channel can sell.

- Sellable stock of a position FELL when any lot (or the lot-less stock) of that item in that
  warehouse went down: only then can reservations exceed what is there (invariant 4), whole
  or lot by lot, so only those positions need to be checked.
- An item ROSE when any of its lots went up somewhere: only then can a waiting line be
  served (a lot swap counts: a fresher lot may serve a channel with a minimum shelf life).
- The item's ATS CHANGED when anything netted to non-zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol


class MovedLine(Protocol):
    @property
    def item_id(self) -> int: ...
    @property
    def lot_id(self) -> int | None: ...
    @property
    def quantity(self) -> int: ...
    @property
    def from_location_id(self) -> int: ...
    @property
    def to_location_id(self) -> int: ...


@dataclass(frozen=True)
class SellableChange:
    fell: frozenset[tuple[int, int]]  # (item_id, warehouse_id)
    rose: frozenset[int]  # item ids
    changed: frozenset[int]  # item ids whose ATS may have moved

    @property
    def nothing(self) -> bool:
        return not self.changed


def sellable_change(lines: Iterable[MovedLine], warehouse_of: Mapping[int, int]) -> SellableChange:
    """`warehouse_of` maps each sellable location the lines touch to its warehouse; a
    location missing from it is not sellable."""
    net: dict[tuple[int, int, int], int] = defaultdict(int)
    for ln in lines:
        lot = ln.lot_id or 0
        src = warehouse_of.get(ln.from_location_id)
        dst = warehouse_of.get(ln.to_location_id)
        if src is not None:
            net[(ln.item_id, src, lot)] -= ln.quantity
        if dst is not None:
            net[(ln.item_id, dst, lot)] += ln.quantity
    moved = {k: q for k, q in net.items() if q}
    return SellableChange(
        fell=frozenset((item, wh) for (item, wh, _), q in moved.items() if q < 0),
        rose=frozenset(item for (item, _, _), q in moved.items() if q > 0),
        changed=frozenset(item for item, _, _ in moved),
    )
