"""Pure rules for a change to what a receipt cost, after it was received (a supplier invoice
at another price, a landed cost): which part of the change stays in stock and which part
belongs to units already gone.

A change of `amount` (+ the receipt cost more, - less) is for the `received` units one
receipt movement brought into one place. History is never rewritten: the receipt keeps its
movement value; the change is a new fact applied now.

- FIFO: the receipt's own layer says how many of its units are still on hand (`left`).
  on_hand = round(amount * left / received) (all of it when left == received) goes into
  that layer (value_left; its unit cost becomes value_left / left, what a unit of it costs
  now) and into the place's stock value; the rest, amount - on_hand, belongs to units gone.
- Moving average: a receipt's units are not told apart from the rest of the place's stock,
  so as many of them count as on hand as the place holds, up to what was received:
  left = min(received, max(Q, 0)); on_hand as above goes into the place's value (the rate
  becomes V' / Q); the rest belongs to units gone.
- No place (the receipt was never valued: before finance was installed) or nothing left:
  the whole amount belongs to units gone.
- Stock is never worth less than nothing: a decrease larger than what the layer (FIFO) or
  the place (average) holds stops at 0 and the excess belongs to units gone.
Units gone: the caller books that part to price variance (an invoice) or COGS (a landed
cost). on_hand + gone == amount, exactly: the split is by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .cost_rules import Layer, Position
from .money import rate, share

ZERO = Decimal(0)


@dataclass(frozen=True)
class Split:
    on_hand_quantity: int
    on_hand_amount: Decimal
    gone_amount: Decimal
    position: Position  # the place after
    layers: tuple[Layer, ...]  # FIFO: the place's layers after (as given for the average)


def _part(amount: Decimal, left: int, received: int, holds: Decimal, q: Decimal) -> Decimal:
    part = share(amount, left, received, q) if left > 0 else ZERO
    # Never below nothing: a decrease takes at most what is held.
    return max(part, -holds)


def adjust_average(pos: Position, received: int, amount: Decimal, q: Decimal) -> Split:
    """Moving average: the receipt's `received` units cost `amount` more (or less)."""
    _check(received)
    left = min(received, max(pos.quantity, 0))
    part = _part(amount, left, received, max(pos.value, ZERO), q)
    value = pos.value + part
    last = rate(value, pos.quantity) if pos.quantity > 0 else pos.last_rate
    return Split(left, part, amount - part, Position(pos.quantity, value, last), ())


def adjust_fifo(
    pos: Position,
    layers: Sequence[Layer],
    layer_id: int | None,
    received: int,
    amount: Decimal,
    q: Decimal,
) -> Split:
    """FIFO: the receipt whose layer is `layer_id` (None: it has none left) cost `amount`
    more (or less) for its `received` units."""
    _check(received)
    found = next((la for la in layers if la.id == layer_id), None) if layer_id else None
    if found is None or found.quantity_left <= 0:
        return Split(0, ZERO, amount, pos, tuple(layers))
    left = min(found.quantity_left, received)
    part = _part(amount, left, received, found.value_left, q)
    value_left = found.value_left + part
    changed = replace(found, value_left=value_left, unit_cost=rate(value_left, found.quantity_left))
    after = tuple(changed if la.id == found.id else la for la in layers)
    return Split(left, part, amount - part,
                 Position(pos.quantity, pos.value + part, pos.last_rate), after)  # fmt: skip


def _check(received: int) -> None:
    if received <= 0:
        raise ValueError(f"a receipt brings in units: got {received}")
