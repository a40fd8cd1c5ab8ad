"""Pure GRNI ageing rules: what is still received-not-invoiced on a purchase order, and how
old it is.

GRNI (goods received, not invoiced) per purchase order is the credits to the grni accounts
from its receipts (Cr grni, finance/posting_rules.py) minus the debits from its returns to
vendor (Dr grni) and from the supplier invoices that cleared it (Dr grni). Amounts are what
is owed: credit - debit, so a PO with goods waiting for their invoice is positive.

Ageing, FIFO within the purchase order:
- the credits are taken oldest first (by entry date); every debit of the PO, whatever its
  own date, clears the oldest credit still open first (an invoice clears the first receipt
  before the second, a return to vendor too);
- what is left open of each credit is aged by its entry date, in whole days before the
  as-of date: 0-30, 31-60, 61-90, over 90 (a credit dated after the as-of date, which the
  reads never pass, counts as 0 days);
- when the debits exceed the credits (invoiced or returned more than was received), the
  excess is a negative amount aged by the date of the newest debit, so the buckets always
  add up to credits - debits;
- oldest_open is the date of the oldest credit still open (None when none is).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

BUCKETS = ("days_0_30", "days_31_60", "days_61_90", "days_over_90")
_LIMITS = (30, 60, 90)  # the last day of each bucket but the last
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Flow:
    """The grni amounts of one purchase order on one day (both >= 0)."""

    day: date
    credit: Decimal
    debit: Decimal


@dataclass(frozen=True)
class Ageing:
    """Open GRNI in the four buckets (module docstring); total == their sum."""

    buckets: tuple[Decimal, Decimal, Decimal, Decimal]
    oldest_open: date | None

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO)


def bucket_of(age_days: int) -> int:
    """The index in BUCKETS of an age in days (negative ages count as 0)."""
    for i, limit in enumerate(_LIMITS):
        if age_days <= limit:
            return i
    return len(_LIMITS)


def open_credits(flows: Iterable[Flow]) -> tuple[list[tuple[date, Decimal]], Decimal]:
    """(what is left open of each day's credits, oldest first; the excess of debits over
    every credit, >= 0): the debits clear the oldest credits first."""
    credits = sorted((f.day, f.credit) for f in flows if f.credit > 0)
    to_clear = sum((f.debit for f in flows), ZERO)
    left: list[tuple[date, Decimal]] = []
    for day, amount in credits:
        cleared = min(amount, to_clear)
        to_clear -= cleared
        if amount > cleared:
            left.append((day, amount - cleared))
    return left, to_clear


def age(flows: Sequence[Flow], as_of: date) -> Ageing:
    """The open GRNI of one purchase order in its buckets as of a day (module docstring)."""
    left, excess = open_credits(flows)
    sums = [ZERO, ZERO, ZERO, ZERO]
    for day, amount in left:
        sums[bucket_of((as_of - day).days)] += amount
    if excess > 0:
        newest = max(f.day for f in flows if f.debit > 0)
        sums[bucket_of((as_of - newest).days)] -= excess
    return Ageing((sums[0], sums[1], sums[2], sums[3]), left[0][0] if left else None)


def add(ageings: Iterable[Ageing]) -> Ageing:
    """The bucket-wise sum (the totals row); oldest_open is the oldest of them."""
    sums = [ZERO, ZERO, ZERO, ZERO]
    oldest: date | None = None
    for a in ageings:
        for i, amount in enumerate(a.buckets):
            sums[i] += amount
        if a.oldest_open is not None and (oldest is None or a.oldest_open < oldest):
            oldest = a.oldest_open
    return Ageing((sums[0], sums[1], sums[2], sums[3]), oldest)


def split_by_match(net: Decimal, matched: dict[int, Decimal]) -> tuple[dict[int, Decimal], Decimal]:
    """A supplier invoice entry's grni amount (net debit, + clears GRNI) shared over the
    purchase orders its lines are against: one PO takes it all; several take what their
    matched receipts cleared (the sign of `net`), and the rest is returned unassigned."""
    if len(matched) == 1:
        return {next(iter(matched)): net}, ZERO
    sign = Decimal(1) if net >= 0 else Decimal(-1)
    shares = {po: sign * value for po, value in matched.items() if value}
    return shares, net - sum(shares.values(), ZERO)


def flow_of(day: date, net_credit: Decimal) -> Flow:
    """A net amount (+ credit, - debit) as a Flow."""
    if net_credit >= 0:
        return Flow(day, net_credit, ZERO)
    return Flow(day, ZERO, -net_credit)
