"""Pure rules of a supplier invoice: the three-way match of one invoice line (purchase order
line <-> what was received against it <-> the invoice line), and which receipts an invoiced
quantity clears from GRNI, at what received and invoiced value.

The match (one invoice line against its PO line, under the supplier's tolerances):
- received: the units receipt movements brought in against the PO line (damaged units
  included: they were delivered), less the ones reversed; invoiced_before: what earlier
  invoices not rejected (held or posted) billed of the same PO line, plus earlier lines of
  the same invoice.
- Quantity tolerance: invoiced_before + quantity may exceed received by at most
  quantity_pct % of received: (invoiced_before + quantity - received) * 100
  <= received * quantity_pct. Billing less than received is always within it.
- Price tolerance: |unit_price - PO unit cost| <= price_pct % of the PO unit cost (a PO
  line at cost 0 matches only a price of 0). Above and below alike.
- Status (MATCH_STATUSES, as supplier_invoice_lines.match_status): `no_receipt` when
  nothing was received against the PO line (whatever the price); else `matched`,
  `quantity`, `price` or `quantity_price` by which tolerances the line is outside.
  Any line not `matched` holds the whole invoice for approval.

The allocation (when the invoice posts, matched or approved):
- An invoiced quantity clears the oldest receipt movements of its PO line first (FIFO by
  movement id), each up to its units not yet cleared by earlier invoices.
- Invoiced value: the line's amount is round(quantity x unit_price); each receipt's part
  is the rounding of the running total (round(cum x price) - round(previous cum x price)),
  so the parts sum to the amount exactly.
- Received value (what GRNI is cleared of): the receipt movement's value for the units,
  round(value x (cleared before + units) / quantity) less what was cleared before, so the
  receipt's last units clear exactly what is left and its GRNI reaches 0.
- Units billed beyond every receipt (within the tolerance, or approved) have no receipt:
  their invoiced value (`unreceived_value`) goes to price variance.
- A receipt's difference (invoiced - received value) is a change of what it cost, for the
  units invoiced; the caller books it to stock or price variance (adjust_rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from .money import share, times

MATCHED = "matched"
QUANTITY = "quantity"
PRICE = "price"
QUANTITY_PRICE = "quantity_price"
NO_RECEIPT = "no_receipt"
# The order of document_models.MATCH_STATUSES (a unit test holds them equal).
STATUSES = (MATCHED, QUANTITY, PRICE, QUANTITY_PRICE, NO_RECEIPT)
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Tolerances:
    quantity_pct: Decimal  # the supplier's invoice_qty_tolerance_pct
    price_pct: Decimal  # the supplier's invoice_price_tolerance_pct


@dataclass(frozen=True)
class LineFacts:
    """What one invoice line is matched against."""

    ordered: int
    received: int
    invoiced_before: int
    po_unit_cost: Decimal
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Match:
    status: str  # one of STATUSES
    quantity_ok: bool
    price_ok: bool
    detail: dict[str, Any]  # JSON-ready: ints and decimal strings


def quantity_within(facts: LineFacts, pct: Decimal) -> bool:
    """invoiced_before + quantity exceeds received by at most pct % of received."""
    over = facts.invoiced_before + facts.quantity - facts.received
    return Decimal(over) * HUNDRED <= Decimal(facts.received) * pct


def price_within(facts: LineFacts, pct: Decimal) -> bool:
    """|unit_price - PO unit cost| is at most pct % of the PO unit cost."""
    return abs(facts.unit_price - facts.po_unit_cost) * HUNDRED <= facts.po_unit_cost * pct


def match_line(facts: LineFacts, tol: Tolerances) -> Match:
    """The three-way match of one invoice line (module docstring)."""
    if facts.quantity <= 0:
        raise ValueError(f"an invoice line bills units: got {facts.quantity}")
    if facts.unit_price < 0:
        raise ValueError(f"a unit price is not negative: got {facts.unit_price}")
    q_ok = quantity_within(facts, tol.quantity_pct)
    p_ok = price_within(facts, tol.price_pct)
    if facts.received <= 0:
        status = NO_RECEIPT
    elif q_ok and p_ok:
        status = MATCHED
    elif p_ok:
        status = QUANTITY
    elif q_ok:
        status = PRICE
    else:
        status = QUANTITY_PRICE
    detail: dict[str, Any] = {
        "ordered": facts.ordered,
        "received": facts.received,
        "invoiced_before": facts.invoiced_before,
        "invoiced_after": facts.invoiced_before + facts.quantity,
        "po_unit_cost": str(facts.po_unit_cost),
        "unit_price": str(facts.unit_price),
        "price_difference": str(facts.unit_price - facts.po_unit_cost),
        "quantity_tolerance_pct": str(tol.quantity_pct),
        "price_tolerance_pct": str(tol.price_pct),
        "quantity_ok": q_ok,
        "price_ok": p_ok,
    }
    return Match(status, q_ok, p_ok, detail)


def invoice_status(statuses: Sequence[str]) -> str:
    """posted when every line matched, else held (for approval)."""
    return "posted" if statuses and all(s == MATCHED for s in statuses) else "held"


# --- allocation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """One receipt movement of the PO line, and what earlier invoices cleared of it."""

    movement_id: int
    quantity: int  # units the movement brought in
    value: Decimal  # its movement value (what GRNI was credited; 0 if never valued)
    matched_quantity: int = 0
    matched_value: Decimal = ZERO

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.matched_quantity


@dataclass(frozen=True)
class Allocation:
    movement_id: int
    quantity: int
    received_value: Decimal  # cleared from GRNI
    invoiced_value: Decimal

    @property
    def difference(self) -> Decimal:
        """invoiced - received: + the receipt cost more than it was received at."""
        return self.invoiced_value - self.received_value


@dataclass(frozen=True)
class LineAllocation:
    amount: Decimal  # round(quantity x unit_price): the line's part of accounts payable
    allocations: tuple[Allocation, ...]
    unreceived_quantity: int  # units no receipt covers
    unreceived_value: Decimal  # their invoiced value: to price variance
    receipts: tuple[Receipt, ...]  # the receipts after this line (for the next line)

    @property
    def received_value(self) -> Decimal:
        return sum((a.received_value for a in self.allocations), ZERO)


def allocate(
    quantity: int, unit_price: Decimal, receipts: Sequence[Receipt], q: Decimal
) -> LineAllocation:
    """Clear `quantity` units billed at `unit_price` from `receipts` (oldest first), FIFO
    (module docstring); `q` is the functional currency's quantum."""
    if quantity <= 0:
        raise ValueError(f"an invoice line bills units: got {quantity}")
    amount = times(quantity, unit_price, q)
    left, cum = quantity, 0
    billed = ZERO  # round(cum x price): the invoiced value given out so far
    out: list[Allocation] = []
    after: list[Receipt] = []
    for r in receipts:
        units = min(left, max(r.open_quantity, 0))
        if units <= 0:
            after.append(r)
            continue
        cum += units
        upto = times(cum, unit_price, q)
        invoiced, billed = upto - billed, upto
        cleared = r.matched_quantity + units
        received = share(r.value, cleared, r.quantity, q) - r.matched_value
        out.append(Allocation(r.movement_id, units, received, invoiced))
        after.append(replace(r, matched_quantity=cleared, matched_value=r.matched_value + received))
        left -= units
    return LineAllocation(amount, tuple(out), left, amount - billed, tuple(after))
