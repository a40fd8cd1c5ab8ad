"""Pure rules of the opening valuation: stock that was on hand before valuation began
(migration 0016 gave it no value) is valued once, as if received at a known cost when
`scanfloor finance open-valuation` runs.

- What is valued, per item and warehouse: the units on hand in its physical locations
  (the ledger's balances) that the book does not hold yet: on_hand - valued quantity, when
  above 0. Less on hand than the book holds is not an opening (nothing is valued; `finance
  verify` and the counts deal with it).
- At which unit cost, the first known of: a cost given for the SKU (a CSV the finance team
  prepares), the item's latest purchase order line in the functional currency, the
  preferred supplier item's cost in the functional currency. None known: the item is left
  out and reported, never valued at 0 by guess.
- How it enters the book: like a receipt at that cost (cost_rules: moving average or a FIFO
  layer per lot where on-hand lots are known and the book held nothing; any units issued
  before, booked at the last rate or 0, are corrected to COGS by the cover rule), with one
  journal entry Dr Inventory / Cr Opening balance equity (role opening_balance).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class KnownCosts:
    given: Decimal | None  # from the CSV, for the SKU
    po: Decimal | None  # the latest PO line's unit cost (functional currency)
    supplier_item: Decimal | None  # the preferred supplier item's cost (functional)


def units_to_open(on_hand: int, valued_quantity: int) -> int:
    """Units on hand the book does not hold (0 when it holds as many or more)."""
    return max(on_hand - valued_quantity, 0)


def opening_cost(known: KnownCosts) -> tuple[Decimal, str] | None:
    """(unit cost, where it came from), the first known; None when none is."""
    for cost, source in (
        (known.given, "given"),
        (known.po, "po"),
        (known.supplier_item, "supplier_item"),
    ):
        if cost is not None and cost >= 0:
            return cost, source
    return None


def lot_split(lots: dict[int | None, int], units: int, book_empty: bool) -> dict[int | None, int]:
    """How the units to open split over lots: per lot as on hand when the book held nothing
    of the item there (each lot its own layer); otherwise one part with no lot (which units
    the book already holds is not known per lot)."""
    if book_empty and sum(lots.values()) == units and all(q > 0 for q in lots.values()):
        return dict(sorted(lots.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))
    return {None: units}
