"""Pure cost rules: what a receipt adds to and an issue takes from the value of one item at
one place (a warehouse, or In Transit), under moving average or FIFO cost layers.

A Position is (quantity Q, value V, last_rate). Values are Decimal to the currency's
quantum q (round half up, finance/money.py), rates to 6 places. Quantities are whole units;
Q may be negative: an issue before the cost is known (negative stock).

Moving average:
- Receive q units worth v (r = v / q) with Q > 0: Q' = Q + q, V' = V + v, so the rate is
  (Q*R + q*r) / (Q + q); last_rate' = V' / Q'.
- Receive with Q <= 0 ("when Q <= 0 the incoming rate"): n = min(q, -Q) units cover the
  shortfall. They went out at the booked rate b = V / Q, booked(n) = round(n * b) (all of -V
  when the receipt covers the whole shortfall, so nothing is left behind; this also sweeps a
  value left at Q == 0); at the incoming rate they cost real(n) = round(n * r) (v itself
  when n == q). correction = real(n) - booked(n) goes to COGS (+ = they cost more than
  booked). V' = V + v - correction: the remaining shortfall keeps its booked value and the
  q - n units on hand are worth v - real(n) (the incoming rate). last_rate' = r.
- Issue k units with Q >= k: value = round(V * k / Q) (all of V when k == Q: no residue),
  source "issue". With Q < k: the Q units on hand (if any) as above, the rest at the known
  rate (V / Q when Q > 0, else last_rate), source "last_rate", or at 0 with no known rate,
  source "none". Q' = Q - k may go negative; V' = V - value keeps the booked (negative)
  value until a receipt corrects it. last_rate' = the known rate.
FIFO:
- Receive: as the average (same cover and correction when Q < 0), the q - n units left
  become a new layer (id 0: the caller writes it) at unit cost r, value_left v - real(n),
  of the receipt's lot when the item is lot-tracked. last_rate' = r.
- Issue k units: consume layers oldest first (by id; unwritten id 0 layers last, in the
  order given); units of a lot take that lot's layers first, so a lot keeps its own cost
  (other layers only when its own run out: stock received before it was tracked);
  `prefer` (a layer id, for the reversal of that inbound) first of all. Each
  part taken is round(value_left * taken / left) (all that is left takes value_left
  exactly). Units beyond the layers: last_rate (else the newest layer's unit cost), else 0,
  as for the average. value = sum of consumed + the uncovered part. last_rate' = that rate.
- Layers with nothing left are dropped: every layer returned has quantity_left > 0.
Given value (`value=` on an issue, source "given": a reversal takes out exactly what it
put in): value is the given one. Average: if Q' == 0 (or Q' > 0 and V - value < 0) the
difference goes to correction so V' = 0. FIFO: layers are consumed as above; when they
cover the issue the difference correction = consumed - value keeps V' = the layers' sum;
else the uncovered units carry value - consumed as their booked value.

Identity (both methods, every call): V' = V + value - correction - rounding for a receipt,
V' = V - value - correction - rounding for an issue; so over any sequence
V_final = V_0 + sum(values in) - sum(values out) - sum(corrections) - sum(roundings), which
is exactly how the journal moves the inventory account (finance/posting_rules.py). Every
amount is split by subtraction (a part and what is left), so no rounding residue ever
arises here: `rounding` is always 0 from these rules. Without given values, Q == 0 means
V == 0; FIFO with Q >= 0: V == sum(value_left) and Q == sum(quantity_left).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .money import rate, share, times

ZERO = Decimal(0)


@dataclass(frozen=True)
class Position:
    """One (item, place): quantity may be < 0 (issued before costed)."""

    quantity: int
    value: Decimal  # to the currency's quantum
    last_rate: Decimal | None


@dataclass(frozen=True)
class Layer:
    """FIFO: what is left of one inbound."""

    id: int  # 0 for a layer not yet written (the caller assigns ids)
    quantity_left: int
    unit_cost: Decimal
    value_left: Decimal
    lot_id: int | None = None  # a lot-tracked item's layer belongs to its lot


@dataclass(frozen=True)
class Consumed:
    layer_id: int
    quantity: int
    value: Decimal


@dataclass(frozen=True)
class Outcome:
    position: Position  # after
    value: Decimal  # value that moved (>= 0): out for an issue, in for a receipt
    unit_cost: Decimal  # value / quantity to 6 places (the rate used)
    source: str  # "issue" | "last_rate" | "none" | "receipt" | "given"
    consumed: tuple[Consumed, ...] = ()  # FIFO issues
    layers: tuple[Layer, ...] = ()  # FIFO: the place's layers after (left > 0; new: id 0)
    correction: Decimal = ZERO  # negative-stock correction to COGS (+ = more cost)
    rounding: Decimal = ZERO  # residue to the rounding account (+ = debit rounding)


def _check(quantity: int, value: Decimal | None = None) -> None:
    if quantity <= 0:
        raise ValueError(f"quantity must be positive, got {quantity}")
    if value is not None and value < 0:
        raise ValueError(f"value must not be negative, got {value}")


def _cover(
    pos: Position, quantity: int, value: Decimal, q: Decimal
) -> tuple[int, Decimal, Decimal]:
    """A receipt into a shortfall: (units covered n, real(n), correction to COGS)."""
    if pos.quantity > 0:
        return 0, ZERO, ZERO
    short = -pos.quantity
    n = min(quantity, short)
    booked = -pos.value if n == short else share(-pos.value, n, short, q)
    real = share(value, n, quantity, q)
    return n, real, real - booked


def average_receive(pos: Position, quantity: int, value: Decimal, q: Decimal) -> Outcome:
    """Moving average: `quantity` units worth `value` come in."""
    _check(quantity, value)
    incoming = rate(value, quantity)
    _, _, correction = _cover(pos, quantity, value, q)
    new_q = pos.quantity + quantity
    new_v = pos.value + value - correction
    last = rate(new_v, new_q) if pos.quantity > 0 else incoming
    return Outcome(Position(new_q, new_v, last), value, incoming, "receipt", correction=correction)


def _given_average(pos: Position, quantity: int, value: Decimal) -> tuple[Decimal, Decimal]:
    """(V', correction) for an issue at a given value."""
    new_q, left = pos.quantity - quantity, pos.value - value
    # Nothing on hand is worth nothing, and stock on hand is never worth less than nothing:
    # the difference is cost of units already gone.
    if new_q == 0 or (new_q > 0 and left < 0):
        return ZERO, left
    return left, ZERO


def average_issue(
    pos: Position, quantity: int, q: Decimal, *, value: Decimal | None = None
) -> Outcome:
    """Moving average: `quantity` units go out (at `value` when given: a reversal)."""
    _check(quantity, value)
    known = rate(pos.value, pos.quantity) if pos.quantity > 0 else pos.last_rate
    correction = ZERO
    if value is not None:
        new_v, correction = _given_average(pos, quantity, value)
        source = "given"
    else:
        on_hand = min(quantity, max(pos.quantity, 0))
        value = share(pos.value, on_hand, pos.quantity, q) if on_hand else ZERO
        rest = quantity - on_hand
        if rest == 0:
            source = "issue"
        elif known is None:
            source = "none"
        else:
            source = "last_rate"
            value += times(rest, known, q)
        new_v = pos.value - value
    after = Position(pos.quantity - quantity, new_v, known)
    return Outcome(after, value, rate(value, quantity), source, correction=correction)


def _age_order(layers: Sequence[Layer], prefer: int | None = None) -> list[Layer]:
    # Written layers by id; unwritten ones (id 0) are the newest, in the order given.
    ordered = sorted(layers, key=lambda layer: (layer.id == 0, layer.id))
    if prefer is not None:
        ordered.sort(key=lambda layer: layer.id != prefer)  # stable: the rest keep their age
    return ordered


def fifo_receive(
    pos: Position,
    layers: Sequence[Layer],
    quantity: int,
    value: Decimal,
    q: Decimal,
    lot: int | None = None,
) -> Outcome:
    """FIFO: `quantity` units worth `value` (of `lot`, when tracked) come in as a new layer
    (after any shortfall)."""
    _check(quantity, value)
    incoming = rate(value, quantity)
    n, real, correction = _cover(pos, quantity, value, q)
    kept = [layer for layer in _age_order(layers) if layer.quantity_left > 0]
    if quantity > n:
        kept.append(Layer(0, quantity - n, incoming, value - real, lot))
    after = Position(pos.quantity + quantity, pos.value + value - correction, incoming)
    return Outcome(after, value, incoming, "receipt", layers=tuple(kept), correction=correction)


def fifo_issue(
    pos: Position,
    layers: Sequence[Layer],
    quantity: int,
    q: Decimal,
    prefer: int | None = None,
    *,
    value: Decimal | None = None,
    lot: int | None = None,
) -> Outcome:
    """FIFO: `quantity` units go out, oldest layers first (`prefer` first of all; units of
    `lot`: that lot's layers, oldest first, before any other)."""
    _check(quantity, value)
    by_age = _age_order(layers)  # sorted once: the rebuild runs this for every issue
    newest = by_age[-1].unit_cost if by_age else None
    if lot is not None:  # stable: each group keeps its age
        by_age = [la for la in by_age if la.lot_id == lot] + [
            la for la in by_age if la.lot_id != lot
        ]
    if prefer is not None:
        by_age = [la for la in by_age if la.id == prefer] + [la for la in by_age if la.id != prefer]
    ordered = [layer for layer in by_age if layer.quantity_left > 0]
    known = pos.last_rate if pos.last_rate is not None else newest
    remaining, consumed, after = quantity, [], []
    for layer in ordered:
        if remaining == 0:
            after.append(layer)
            continue
        take = min(remaining, layer.quantity_left)
        part = share(layer.value_left, take, layer.quantity_left, q)
        consumed.append(Consumed(layer.id, take, part))
        if take < layer.quantity_left:
            left = layer.quantity_left - take
            after.append(replace(layer, quantity_left=left, value_left=layer.value_left - part))
        remaining -= take
    taken = sum((c.value for c in consumed), ZERO)
    correction = ZERO
    if value is not None:
        source = "given"
        if remaining == 0:
            correction = taken - value  # the layers lose what they held, no more, no less
    elif remaining == 0:
        source, value = "issue", taken
    elif known is None:
        source, value = "none", taken
    else:
        source, value = "last_rate", taken + times(remaining, known, q)
    new_pos = Position(pos.quantity - quantity, pos.value - value - correction, known)
    return Outcome(
        new_pos,
        value,
        rate(value, quantity),
        source,
        consumed=tuple(consumed),
        # What is left is in age order already, unless a preferred layer or lot went first.
        layers=tuple(after) if prefer is None and lot is None else tuple(_age_order(after)),
        correction=correction,
    )
