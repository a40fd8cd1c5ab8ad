"""Pure pack verification: what may go into a carton, what is missing, when a carton closes.

Terms, per order line:
- picked: units the pick consumed (the line's consumed quantity); they wait in the order's
  totes until packed;
- packed: units in the order's cartons. The ledger knows cartons hold items, not lines, so
  an item's packed units are given first to its lines already packed or shipped, then to
  the others in line order, each up to what it picked (two lines of one SKU fill the first
  line first);
- to pack: picked minus packed.

A scan of an item with a quantity (base units) is accepted when:
1. the item is on a live (not cancelled) line of the order, else `wrong_item`;
2. some of it is picked and not yet packed, else `wrong_item` (nothing left to pack of it);
3. the quantity is at most what is picked and not packed, else `over_pack`;
4. a scanned lot (GS1 AI 10) is in the order's totes, else `wrong_lot`;
5. the totes hold that many, else `not_in_tote` (picked units someone moved elsewhere).
The units are taken from the totes in a fixed order (tote, then lot, then location), so a
replay or a retry takes the same ones.

Missing, per line: `not_picked` = ordered minus picked (short picks, backorders: these
will not reach the pack station from this wave), `not_packed` = picked minus packed.

Closing a carton: it holds at least one unit; the weight is the gross weight read off the
scale, so the carton's tare is INCLUDED (it is what the carrier weighs and what the shipping
label prints). A reading below the empty box's tare is refused as a misread; above the
type's max_weight_g is refused (the box would burst or the carrier would refuse it).

A line becomes `packed` when it is fully picked (status `picked`) and every picked unit is
in a closed carton. A line still being picked waits, however much of it is packed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

LIVE_EXCLUDED = ("cancelled",)
PACKED_ALREADY = ("packed", "shipped")
NOT_PICKED = "not_picked"
NOT_PACKED = "not_packed"


class PackRefused(Exception):
    """A scan, a carton or a close the rules refuse; `code` names the rule."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = details or {}


@dataclass(frozen=True)
class Line:
    """An order line as packing sees it."""

    id: int
    item_id: int
    ordered: int
    picked: int
    status: str

    @property
    def live(self) -> bool:
        return self.status not in LIVE_EXCLUDED


@dataclass(frozen=True)
class ToteStock:
    """Units of an item (and lot) in one of the order's totes, where the tote stands."""

    tote_id: int
    location_id: int
    item_id: int
    lot_id: int | None
    quantity: int


@dataclass(frozen=True)
class Packed:
    """Units of an item (and lot) in one of the order's cartons."""

    carton_id: int
    item_id: int
    lot_id: int | None
    quantity: int
    closed: bool


@dataclass(frozen=True)
class Take:
    """One movement's source: so many units from a tote (at its location), of a lot."""

    tote_id: int
    location_id: int
    lot_id: int | None
    quantity: int


@dataclass(frozen=True)
class PackDecision:
    order_line_id: int  # the first line the units count towards
    takes: tuple[Take, ...]


@dataclass(frozen=True)
class Missing:
    order_line_id: int
    item_id: int
    quantity: int
    reason: str  # not_picked | not_packed


@dataclass(frozen=True)
class CartonTypeSpec:
    code: str
    tare_g: int
    max_weight_g: int | None
    active: bool = True


def packed_by_line(
    lines: Sequence[Line], packed: Iterable[Packed], *, closed_only: bool = False
) -> dict[int, int]:
    """Packed units per line: each item's units given first to its lines already packed or
    shipped (every unit of theirs is in a carton), then to the others in line order, each up
    to what it picked; a surplus (never expected) stays on the item's last line, to be seen.
    Packed lines first, so a unit counted for one line is not counted again for another
    when a later pick changes what each line could hold."""
    per_item: dict[int, int] = defaultdict(int)
    for p in packed:
        if p.closed or not closed_only:
            per_item[p.item_id] += p.quantity
    result = {ln.id: 0 for ln in lines}
    by_item: dict[int, list[Line]] = defaultdict(list)
    in_order = sorted(lines, key=lambda x: x.id)
    for ln in sorted(in_order, key=lambda x: x.status not in PACKED_ALREADY):  # stable
        if ln.live:
            by_item[ln.item_id].append(ln)
    for item_id, units in per_item.items():
        mine = by_item.get(item_id, [])
        for i, ln in enumerate(mine):
            share = units if i == len(mine) - 1 else min(units, ln.picked)
            result[ln.id] += share
            units -= share
    return result


def to_pack(lines: Sequence[Line], packed: Iterable[Packed]) -> dict[int, int]:
    """Picked and not yet packed, per line (never below zero)."""
    done = packed_by_line(lines, packed)
    return {ln.id: max(0, ln.picked - done[ln.id]) if ln.live else 0 for ln in lines}


def decide_pack(
    lines: Sequence[Line],
    totes: Sequence[ToteStock],
    packed: Sequence[Packed],
    *,
    item_id: int,
    quantity: int,
    lot_id: int | None = None,
    lot_named: bool = False,
) -> PackDecision:
    """Accept a scanned item and quantity into a carton of the order, or refuse it (see the
    module docstring). `lot_named`: the scan carried a lot (lot_id None: an unknown lot)."""
    if isinstance(quantity, bool) or quantity < 1:
        raise PackRefused("bad_quantity", "the quantity is a whole number of units, at least 1")
    mine = sorted((ln for ln in lines if ln.live and ln.item_id == item_id), key=lambda x: x.id)
    details: dict[str, Any] = {"item_id": item_id, "quantity": quantity}
    if not mine:
        raise PackRefused("wrong_item", "this item is not on the order", details)
    left = to_pack(lines, packed)
    remaining = sum(left[ln.id] for ln in mine)
    details["to_pack"] = remaining
    if remaining == 0:
        raise PackRefused("wrong_item", "nothing of this item is left to pack", details)
    if quantity > remaining:
        raise PackRefused(
            "over_pack", f"only {remaining} of this item are picked and not packed", details
        )
    held = [t for t in totes if t.item_id == item_id and t.quantity > 0]
    if lot_named:
        held = [t for t in held if lot_id is not None and t.lot_id == lot_id]
        if not held:
            raise PackRefused(
                "wrong_lot",
                "the order's totes hold none of this lot",
                {**details, "lot_id": lot_id},
            )
    in_totes = sum(t.quantity for t in held)
    if in_totes < quantity:
        raise PackRefused(
            "not_in_tote",
            f"the order's totes hold only {in_totes} of this item",
            {**details, "in_totes": in_totes},
        )
    takes: list[Take] = []
    need = quantity
    for t in sorted(held, key=lambda t: (t.tote_id, t.lot_id or 0, t.location_id)):
        if need == 0:
            break
        n = min(need, t.quantity)
        takes.append(Take(t.tote_id, t.location_id, t.lot_id, n))
        need -= n
    first = next(ln for ln in mine if left[ln.id] > 0)
    return PackDecision(first.id, tuple(takes))


def missing(lines: Sequence[Line], packed: Iterable[Packed]) -> list[Missing]:
    """What keeps the order from being complete, per live line: never picked, or picked and
    not yet packed."""
    done = packed_by_line(lines, packed)
    found: list[Missing] = []
    for ln in sorted(lines, key=lambda x: x.id):
        if not ln.live:
            continue
        if ln.ordered > ln.picked:
            found.append(Missing(ln.id, ln.item_id, ln.ordered - ln.picked, NOT_PICKED))
        if ln.picked > done[ln.id]:
            found.append(Missing(ln.id, ln.item_id, ln.picked - done[ln.id], NOT_PACKED))
    return found


def check_close(units: int, weight_g: int, carton_type: CartonTypeSpec) -> None:
    """Refuse closing a carton that is empty, or weighed impossibly (see the docstring)."""
    if not carton_type.active:
        raise PackRefused(
            "carton_type_inactive", "this carton type is no longer used", {"code": carton_type.code}
        )
    if units < 1:
        raise PackRefused("carton_empty", "an empty carton cannot be closed: pack it first")
    details = {"weight_g": weight_g, "tare_g": carton_type.tare_g, "code": carton_type.code}
    if isinstance(weight_g, bool) or weight_g < 1:
        raise PackRefused(
            "bad_weight", "the weight is a whole number of grams, at least 1", details
        )
    if weight_g < carton_type.tare_g:
        raise PackRefused(
            "weight_below_tare",
            f"{weight_g} g is less than the empty {carton_type.code} box ({carton_type.tare_g} g):"
            " weigh it again",
            details,
        )
    if carton_type.max_weight_g is not None and weight_g > carton_type.max_weight_g:
        raise PackRefused(
            "over_max_weight",
            f"a {carton_type.code} carton takes at most {carton_type.max_weight_g} g",
            {**details, "max_weight_g": carton_type.max_weight_g},
        )


def lines_now_packed(lines: Sequence[Line], packed: Iterable[Packed]) -> list[int]:
    """Fully picked lines whose every picked unit is in a closed carton."""
    closed = packed_by_line(lines, packed, closed_only=True)
    return [
        ln.id
        for ln in sorted(lines, key=lambda x: x.id)
        if ln.status == "picked" and ln.picked > 0 and closed[ln.id] >= ln.picked
    ]
