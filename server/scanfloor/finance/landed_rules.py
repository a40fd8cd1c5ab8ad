"""Pure landed-cost rules: how one charge (freight, duty, handling, insurance) is spread over
the receipt movements it is entered against. The definition of landed cost these rules
serve, and how the parts flow into stock value and COGS: docs/landed-cost.md.

Policy:
- A charge is spread over receipt movements (one per receipt line, two when damaged units
  went to quarantine) on ONE basis, chosen per charge:
  - quantity: the units each movement brought in;
  - value: what each movement was valued at when received (its purchase cost);
  - weight / volume: units x the supplier's case weight (kg) / volume (m3) / case pack.
- Each movement's exact share is amount x figure / total of figures. Shares are rounded
  by the largest remainder method to the currency's quantum: every share is first rounded
  down, then the quanta still missing go one each to the largest remainders (a tie goes
  to the movement listed first). So the parts always sum to the charge exactly, none is
  negative, and none is off its exact share by a quantum or more.
- Arithmetic is exact (fractions): a figure such as 7 units x 1.25 kg / 3 per case is not
  rounded before it is compared.
- Refusals (SpreadRefused, each with a code): an unknown basis; nothing to spread over;
  an amount not above 0 or not in whole quanta of the currency; a negative figure; a
  movement whose weight (volume) is not known when the basis needs it, naming every such
  movement; every figure 0 (nothing to weigh the shares by).
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

BASES = ("quantity", "value", "weight", "volume")
FIGURE_PLACES = Decimal("0.000001")  # a shown basis figure (the shares use it exactly)
_CONTEXT = decimal.Context(prec=28, rounding=ROUND_HALF_UP)


class SpreadRefused(ValueError):
    """A charge that cannot be spread as asked (code names the rule, details say why)."""

    def __init__(self, code: str, message: str, details: dict[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, object] = details or {}


@dataclass(frozen=True)
class SpreadLine:
    """One receipt movement a charge may be spread over."""

    key: int  # the movement id
    quantity: int  # units it brought in
    value: Decimal  # what it was valued at when received
    case_weight_kg: Decimal | None = None  # the supplier's terms for the item
    case_volume_m3: Decimal | None = None
    case_pack: int = 1  # units per case


@dataclass(frozen=True)
class Part:
    """What one movement bears of the charge."""

    key: int
    figure: Decimal  # its basis figure (units, value, kg or m3), to 6 places
    amount: Decimal  # its share, in whole quanta


def figure_of(line: SpreadLine, basis: str) -> Fraction | None:
    """The line's exact basis figure (None: its weight or volume is not known)."""
    if basis == "quantity":
        return Fraction(line.quantity)
    if basis == "value":
        return Fraction(line.value)
    per_case = line.case_weight_kg if basis == "weight" else line.case_volume_m3
    if per_case is None or line.case_pack <= 0:
        return None
    return Fraction(line.quantity) * Fraction(per_case) / line.case_pack


def _check(basis: str, amount: Decimal, lines: Sequence[SpreadLine], q: Decimal) -> None:
    if basis not in BASES:
        raise SpreadRefused(
            "unknown_basis", f"a charge is spread by {', '.join(BASES)}", {"basis": basis}
        )
    if not lines:
        raise SpreadRefused("nothing_to_spread_over", "the receipts brought in no stock")
    if amount <= 0:
        raise SpreadRefused("amount_not_positive", "a charge is above 0", {"amount": str(amount)})
    if Fraction(amount) / Fraction(q) != int(Fraction(amount) / Fraction(q)):
        raise SpreadRefused(
            "amount_not_in_minor_units",
            f"a charge is in whole units of {q}",
            {"amount": str(amount), "quantum": str(q)},
        )


def _figures(basis: str, lines: Sequence[SpreadLine]) -> list[Fraction]:
    figures = [figure_of(line, basis) for line in lines]
    unknown = [line.key for line, f in zip(lines, figures, strict=True) if f is None]
    if unknown:
        raise SpreadRefused(
            f"{basis}_unknown",
            f"the supplier's terms give no case {basis} for every line: spread by another basis",
            {"basis": basis, "movements": unknown},
        )
    known = [f for f in figures if f is not None]
    negative = [line.key for line, f in zip(lines, known, strict=True) if f < 0]
    if negative:
        raise SpreadRefused(
            "negative_figure", f"a {basis} below 0", {"basis": basis, "movements": negative}
        )
    if sum(known) == 0:
        raise SpreadRefused(
            "nothing_to_weigh_by",
            f"every line's {basis} is 0: spread by another basis",
            {"basis": basis},
        )
    return known


def spread(
    amount: Decimal, basis: str, lines: Sequence[SpreadLine], q: Decimal
) -> tuple[Part, ...]:
    """Spread `amount` over `lines` by `basis` (see the module docstring), in their order."""
    _check(basis, amount, lines, q)
    figures = _figures(basis, lines)
    total = sum(figures, Fraction(0))
    quanta = int(Fraction(amount) / Fraction(q))  # the charge in whole quanta
    exact = [quanta * f / total for f in figures]
    floors = [e.numerator // e.denominator for e in exact]
    missing = quanta - sum(floors)
    # Largest remainder first; a tie goes to the line listed first (sorted() is stable).
    order = sorted(range(len(lines)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:missing]:
        floors[i] += 1
    return tuple(
        Part(line.key, shown(f), (q * n).quantize(q))
        for line, f, n in zip(lines, figures, floors, strict=True)
    )


def shown(f: Fraction) -> Decimal:
    """A basis figure as shown: to FIGURE_PLACES (half up)."""
    exact = _CONTEXT.divide(Decimal(f.numerator), Decimal(f.denominator))
    return exact.quantize(FIGURE_PLACES, context=_CONTEXT)
