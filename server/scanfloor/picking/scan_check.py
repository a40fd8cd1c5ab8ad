"""Pure picking rules: is a scan the pick the line asks for, and where does a short go.

A pick scan is checked against the pick line as the server reads it (never as the scanner
cached it), in this order, the first failure naming the refusal:
1. the task is claimed by the person scanning (task_not_yours): one picker answers for a
   task; a supervisor who wants to pick takes the task over first (reassign);
2. the line is open (pick_line_closed);
3. the scanned bin is the line's bin (wrong_location);
4. the scanned item is the line's item (wrong_item);
5. a scan that carries a lot (GS1 AI 10) names the line's lot, and an expiry it carries
   (AI 17) is the lot's (wrong_lot): the lot was chosen at release (FEFO), another lot
   picked would ship the wrong expiry and break the ledger's lot balances. A scan without
   lot data is the item's own barcode: the bin and the line say which lot it is;
6. the quantity (base units; a case scanned without a quantity is its pack quantity) is
   positive and at most what the line still needs (over_pick).
The tote: an order has one tote, bound at its first pick. A tote bound to another open
order is refused (wrong_tote); so is another tote than the order's own.

Short picks: the picker says what is really in the bin. What the ledger shows beyond it is
written off at once (the count raised for the bin gives it back if it was there), and the
line's shortfall is reserved again: first in the same warehouse, from the bins ahead of
the picker on the walk (then the ones behind), within what the channel may still take
there; what that cannot cover is the allocation engine's to place (another warehouse) or
backorder. `short_outcome` names the result for the picker and the supervisor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

WRONG_LOCATION = "wrong_location"
WRONG_ITEM = "wrong_item"
WRONG_LOT = "wrong_lot"
WRONG_TOTE = "wrong_tote"
OVER_PICK = "over_pick"
TASK_NOT_YOURS = "task_not_yours"
LINE_CLOSED = "pick_line_closed"
BAD_QUANTITY = "invalid_quantity"
NOT_SHORT = "not_short"

SAME_WAREHOUSE = "same_warehouse"
OTHER_WAREHOUSE = "other_warehouse"
BACKORDERED = "backordered"


class ScanRefused(Exception):
    """A scan that does not fit its pick line; `code` names the rule it broke."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = details or {}


@dataclass(frozen=True)
class LineFacts:
    """A pick line and its task as read inside the write transaction."""

    line_id: int
    task_id: int
    task_status: str
    assigned_to: int | None
    status: str
    location_id: int
    location_code: str
    item_id: int
    lot_id: int | None
    lot_code: str | None
    lot_expiry: date | None
    quantity: int
    picked: int
    short: int

    @property
    def remaining(self) -> int:
        return self.quantity - self.picked - self.short


@dataclass(frozen=True)
class ScannedItem:
    """What an item scan said: the item, the units one scan stands for, lot and expiry."""

    item_id: int
    units: int
    lot_code: str | None = None
    expiry: date | None = None


def check_holder(line: LineFacts, actor_id: int | None) -> None:
    # A closed task stays its picker's: a late scan on it hears that the line is closed.
    if line.task_status == "open" or line.assigned_to is None or line.assigned_to != actor_id:
        raise ScanRefused(
            TASK_NOT_YOURS,
            "this task is not claimed by you: claim it (or have it reassigned) first",
            {"task_id": line.task_id, "task_status": line.task_status},
        )


def check_open(line: LineFacts) -> None:
    if line.status != "open" or line.remaining <= 0:
        raise ScanRefused(
            LINE_CLOSED,
            f"this pick line is {line.status}: nothing is left to pick on it",
            {"line_id": line.line_id, "status": line.status},
        )


def check_bin(line: LineFacts, bin_id: int, bin_code: str) -> None:
    if bin_id != line.location_id:
        raise ScanRefused(
            WRONG_LOCATION,
            f"wrong bin: this line is picked from {line.location_code}",
            {
                "line_id": line.line_id,
                "expected": {"id": line.location_id, "code": line.location_code},
                "scanned": {"id": bin_id, "code": bin_code},
            },
        )


def check_item(line: LineFacts, item: ScannedItem) -> None:
    if item.item_id != line.item_id:
        raise ScanRefused(
            WRONG_ITEM,
            "wrong item: this is not the item the line asks for",
            {"line_id": line.line_id, "expected_item_id": line.item_id, "item_id": item.item_id},
        )
    if line.lot_id is None or (item.lot_code is None and item.expiry is None):
        return
    details = {
        "line_id": line.line_id,
        "expected": {"lot": line.lot_code, "expiry": _iso(line.lot_expiry)},
        "scanned": {"lot": item.lot_code, "expiry": _iso(item.expiry)},
    }
    if item.lot_code is not None and item.lot_code.casefold() != (line.lot_code or "").casefold():
        raise ScanRefused(WRONG_LOT, f"wrong lot: pick lot {line.lot_code}", details)
    if item.expiry is not None and line.lot_expiry is not None and item.expiry != line.lot_expiry:
        raise ScanRefused(WRONG_LOT, "this expiry is not the lot's: check the label", details)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def pick_quantity(requested: int | None, item: ScannedItem) -> int:
    """Base units picked: as given, else what one scan of the pack stands for."""
    quantity = item.units if requested is None else requested
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ScanRefused(
            BAD_QUANTITY, "quantity must be a positive number of base units", {"quantity": quantity}
        )
    return quantity


def check_quantity(line: LineFacts, quantity: int) -> None:
    if quantity > line.remaining:
        raise ScanRefused(
            OVER_PICK,
            f"over-pick: this line needs {line.remaining} more",
            {"line_id": line.line_id, "quantity": quantity, "remaining": line.remaining},
        )


def check_pick(
    line: LineFacts,
    *,
    actor_id: int | None,
    bin_id: int,
    bin_code: str,
    item: ScannedItem,
    requested: int | None,
) -> int:
    """Every check of one pick scan, in order; returns the base units picked."""
    check_holder(line, actor_id)
    check_open(line)
    check_bin(line, bin_id, bin_code)
    check_item(line, item)
    quantity = pick_quantity(requested, item)
    check_quantity(line, quantity)
    return quantity


def tote_binding(
    order_tote_id: int | None, scanned_tote_id: int, other_order: int | None, held: int
) -> bool:
    """Whether the scanned tote must be bound to the order now (True) or already is (False).

    `order_tote_id`: the order's tote, if bound; `other_order`: an open order the scanned
    tote is bound to, other than this one; `held`: the units the scanned tote holds. An
    order's first pick needs an empty tote: units already in it (a cancelled order's,
    waiting at staging to be put away) would ride to the pack station as this order's."""
    if order_tote_id is not None:
        if order_tote_id != scanned_tote_id:
            raise ScanRefused(
                WRONG_TOTE,
                "wrong tote: this order is picked into its own tote",
                {"expected_tote_id": order_tote_id, "tote_id": scanned_tote_id},
            )
        return False
    if other_order is not None:
        raise ScanRefused(
            WRONG_TOTE,
            "this tote holds another order: take an empty one",
            {"tote_id": scanned_tote_id, "order_id": other_order},
        )
    if held > 0:
        raise ScanRefused(
            WRONG_TOTE,
            f"this tote still holds {held} units: put them away, or take an empty one",
            {"tote_id": scanned_tote_id, "held": held},
        )
    return True


def line_status(quantity: int, picked: int, short: int) -> str:
    """A line closes when nothing is left: picked in full, else short."""
    if picked + short < quantity:
        return "open"
    return "short" if short else "picked"


def check_short(line: LineFacts, found: int) -> int:
    """The units short on a line if the picker found `found` in the bin; refuses a report
    that is no short (found all the line needs)."""
    if isinstance(found, bool) or not isinstance(found, int) or found < 0:
        raise ScanRefused(
            BAD_QUANTITY, "found quantity must be 0 or more base units", {"found_quantity": found}
        )
    if found >= line.remaining:
        raise ScanRefused(
            NOT_SHORT,
            f"the line needs {line.remaining}: with {found} found, confirm a pick instead",
            {"line_id": line.line_id, "found_quantity": found, "remaining": line.remaining},
        )
    return line.remaining - found


# --- re-allocating a short ---------------------------------------------------------------


@dataclass(frozen=True)
class BinStock:
    """Units of an item (and lot) in a bin that no open pick line plans to take."""

    location_id: int
    walk_sequence: int | None
    lot_id: int | None
    free: int


@dataclass(frozen=True)
class Placement:
    location_id: int
    lot_id: int | None
    quantity: int


def walk_from(bins: Sequence[BinStock], from_walk: int | None) -> list[BinStock]:
    """Bins in walk order, those ahead of the picker first, then the ones behind."""
    here = -1 if from_walk is None else from_walk

    def key(b: BinStock) -> tuple[bool, int, int]:
        walk = b.walk_sequence if b.walk_sequence is not None else 10**9
        return (walk <= here, walk, b.location_id)

    return sorted(bins, key=key)


def plan_same_warehouse(
    short: int,
    allowed: int,
    bins: Sequence[BinStock],
    from_walk: int | None,
    lots: Mapping[int, int] | None = None,
) -> list[Placement]:
    """Where in this warehouse the shortfall is picked instead.

    `allowed`: units the channel may still reserve in the warehouse (allocation's rules);
    `lots`: for an expiry-tracked item, lot -> units allowed of it, in FEFO order (None:
    any lot, the bins decide). Bins in walk order from the short bin; never more than a
    bin's free units, `allowed` in total, or `short`."""
    left = min(short, max(0, allowed))
    placements: list[Placement] = []
    ordered = walk_from([b for b in bins if b.free > 0], from_walk)
    budgets: list[tuple[int | None, int]] = (
        [(None, left)] if lots is None else [(lot, q) for lot, q in lots.items()]
    )
    for lot, budget in budgets:
        lot_left = min(left, budget)
        for b in ordered:
            if lot_left <= 0:
                break
            if lot is not None and (b.lot_id or 0) != lot:
                continue
            q = min(lot_left, b.free)  # each (bin, lot) is one entry, met once per lot
            if q > 0:
                placements.append(Placement(b.location_id, b.lot_id, q))
                lot_left -= q
                left -= q
        if left <= 0:
            break
    return placements


def short_outcome(short: int, same_warehouse: int, other_warehouse: int) -> str:
    """What became of a shortfall: units still uncovered make it a backorder (the customer
    waits), else units in another warehouse a later wave there, else it is picked here."""
    if same_warehouse + other_warehouse < short:
        return BACKORDERED
    if other_warehouse > 0:
        return OTHER_WAREHOUSE
    return SAME_WAREHOUSE
