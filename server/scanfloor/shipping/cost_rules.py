"""What each carton of a shipment costs to carry, from its carrier's quote (pure).

Policy (the ship confirm records it on the cartons; finance's margin reads it):
- At ship confirm the carrier's adapter quotes the shipment's service for its cartons
  (carriers.CarrierAdapter.rate); that quote, as it stands then, is what the cartons cost.
  A rate changed later never changes a carton already shipped.
- A quote on the own fleet's basis (the manual carrier has no rate for the service) is no
  price: every carton's cost is unknown (None, with no currency), never zero; so is a
  quote that is not a finite amount of 0 or more (an adapter's fault: the truck still
  leaves). A rate configured as "0" is a known cost of zero.
- Any other quote is split evenly over the cartons, each part to 4 decimals (COST_PLACES,
  the column's scale), the remainder a ten-thousandth at a time to the earlier cartons, so
  the parts sum exactly to the quote (rounded half up to 4 decimals). A flat rate per
  carton gives each carton exactly that rate.
- The currency is the quote's; a quote without one is in the functional currency (the
  company's, SCANFLOOR_CURRENCY), so every known cost names its currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .rules import OWN_FLEET, RateQuote

COST_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class CartonCost:
    """One carton's cost to carry; cost None: unknown (and currency None with it)."""

    cost: Decimal | None
    currency: str | None


UNKNOWN = CartonCost(None, None)


def split_quote(quote: RateQuote, cartons: int, functional: str) -> list[CartonCost]:
    """Each of `cartons` cartons' part of `quote`, in order (module docstring)."""
    if cartons <= 0:
        return []
    if quote.basis == OWN_FLEET or not quote.amount.is_finite() or quote.amount < 0:
        return [UNKNOWN] * cartons
    currency = (quote.currency or functional).strip().upper()
    whole = quote.amount.quantize(COST_PLACES, rounding=ROUND_HALF_UP)
    each = (whole / cartons).quantize(COST_PLACES, rounding=ROUND_DOWN)
    extra = int((whole - each * cartons) / COST_PLACES)  # 0 <= extra < cartons
    return [CartonCost(each + (COST_PLACES if n < extra else 0), currency) for n in range(cartons)]
