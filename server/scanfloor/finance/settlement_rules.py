"""Pure settlement rules: which orders a settlement line names, what a settlement books, and
when an order is an exception.

Policy:
- A line is money the channel moved for us: `amount` (+ the channel owes us, - we owe it)
  less `fee` (what the channel kept; a negative fee is one it gave back). The settlement's
  net is the sum of (amount - fee) over every line but the payout itself; it must equal the
  settlement's total (what reached the bank).
- Order reference: a Shopify order name "#1001" names the channel's order whose external id
  is "1001" or "#1001" (leading "#" and spaces ignored, case kept); a Shopify JSON
  transaction's source_order_id names the order whose external id is that number. An Amazon
  line names the order whose external id is its order-id, else its merchant-order-id. Only
  the settlement's own channel's orders are looked at.
- Booking (one entry per settlement; roles):
    order / refund lines   Dr channel_clearing amount / Cr channel_receivable amount
                           (a refund's amount is negative: the sides flip, Dr receivable)
    fee / adjustment /     Dr channel_clearing amount / Cr channel_fees amount
    other lines            (a chargeback, a reserve, a reimbursement, a fee line's own amount
                           are the channel's cost of selling, not a customer's debt)
    every line's fee       Dr channel_fees fee / Cr channel_clearing fee
  Clearing then holds the settlement's net: what the channel paid out. Payout lines book
  nothing (the transfer is the total).
- Exceptions: an order shipped and not settled is overdue once more than `days` whole days
  have passed since it shipped; a settled amount differs from the invoiced one when they
  are further apart than the tolerance (strictly); age is whole days since the fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)
CLEARING, RECEIVABLE, FEES = "channel_clearing", "channel_receivable", "channel_fees"
CUSTOMER_KINDS = frozenset({"order", "refund"})
QUEUES = ("not_settled", "refund_without_return", "settled_not_shipped", "amount_differs",
          "unmapped")  # fmt: skip


@dataclass(frozen=True)
class Booked:
    """One settlement line as booking reads it."""

    kind: str
    amount: Decimal
    fee: Decimal


def normalise_reference(reference: str) -> str:
    """A channel order reference without its leading "#" and surrounding spaces."""
    return reference.strip().lstrip("#").strip()


def reference_candidates(*references: str | None) -> tuple[str, ...]:
    """External ids an order may carry for these references, in order of preference (module
    docstring): each reference as given, without its "#", and with one."""
    out: list[str] = []
    for ref in references:
        if ref is None or not ref.strip():
            continue
        bare = normalise_reference(ref)
        for cand in (ref.strip(), bare, f"#{bare}"):
            if cand and cand not in out:
                out.append(cand)
    return tuple(out)


def net(lines: Iterable[Booked]) -> Decimal:
    """What the lines moved to us: sum of amount - fee, payouts left out."""
    return sum((ln.amount - ln.fee for ln in lines if ln.kind != "payout"), ZERO)


def entry_amounts(lines: Iterable[Booked]) -> dict[str, Decimal]:
    """Role -> signed amount (+ debit, - credit) of the settlement's entry (module docstring);
    the amounts sum to 0."""
    out = {CLEARING: ZERO, RECEIVABLE: ZERO, FEES: ZERO}
    for ln in lines:
        if ln.kind == "payout":
            continue
        against = RECEIVABLE if ln.kind in CUSTOMER_KINDS else FEES
        out[CLEARING] += ln.amount - ln.fee
        out[against] -= ln.amount
        out[FEES] += ln.fee
    return out


def age_days(since: date, today: date) -> int:
    """Whole days from `since` to `today` (0 on the day, never negative)."""
    return max((today - since).days, 0)


def overdue(shipped_on: date, today: date, days: int) -> bool:
    """An order shipped on `shipped_on` and not settled is an exception after `days` days."""
    return age_days(shipped_on, today) > days


def differs(settled: Decimal, invoiced: Decimal, tolerance: Decimal) -> bool:
    """The settled amount is further from the invoiced one than the tolerance."""
    return abs(settled - invoiced) > tolerance
