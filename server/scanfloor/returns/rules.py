"""Pure rules of returns: RMA numbers, what a receipt flags, the credit due, the status an
RMA is in, the reason code a disposition posts with, and how long a return took.

- An RMA number is "RMA" and the id zero-padded to 7 digits ("RMA0000012"); scanned text is
  read case-insensitively, spaces around it ignored.
- A receipt is checked per item over the RMA: an item the order never had is `not_on_order`;
  more units of an item than the RMA expects is `over_return`. A flag is never accepted
  silently: the worker must say so.
- Credit per inspected quantity: full = unit price x quantity; partial = full less a
  restocking fee (by default the configured percent of full, rounded half-up to a cent;
  0 <= fee <= full); none = 0. An unknown unit price credits 0: finance prices it.
- Status: authorised (nothing arrived) -> arrived (a unit arrived) -> completed (receipt
  closed and every received unit has its final disposition); cancelled stays cancelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

PREFIX = "RMA"
DIGITS = 7
CENT = Decimal("0.01")
MAX_REASON_CODE = 32

NOT_ON_ORDER = "not_on_order"
OVER_RETURN = "over_return"

AUTHORISED = "authorised"
ARRIVED = "arrived"
COMPLETED = "completed"
CANCELLED = "cancelled"
OPEN_STATUSES = (AUTHORISED, ARRIVED)

FULL = "full"
PARTIAL = "partial"
NONE = "none"
CREDITS_ALLOWED = (FULL, PARTIAL, NONE)

# Disposition -> (the location type its units go to, the reason code by default); scrap
# goes to the virtual SCRAP location, sellable to the bin the worker scanned.
DISPOSITION_TARGETS: dict[str, str | None] = {
    "sellable": None,
    "damaged": "quarantine",
    "refurbish": "refurbish",
    "rtv": "rtv",
    "scrap": None,
}
DEFAULT_REASON_CODES: dict[str, str] = {
    "sellable": "return_restock",
    "damaged": "return_damaged",
    "refurbish": "return_refurbish",
    "rtv": "return_to_vendor",
    "scrap": "return_scrap",
}
RECEIPT_REASON_CODE = "customer_return"

_NUMBER = re.compile(rf"\A{PREFIX}(\d{{1,18}})\Z")
_REASON = re.compile(r"\A[a-z0-9_]{1,32}\Z")


class ReturnRuleError(ValueError):
    """A rule broken by what was asked (a fee above the credit, an unknown disposition)."""

    def __init__(self, code: str, message: str, details: dict[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, object] = dict(details or {})


def rma_number(rma_id: int) -> str:
    return f"{PREFIX}{rma_id:0{DIGITS}d}"


def parse_rma_number(text: str) -> int | None:
    """The RMA id a scanned or typed number names; None when it is not an RMA number."""
    found = _NUMBER.match(text.strip().upper())
    if found is None:
        return None
    number = int(found.group(1))
    return number if number > 0 else None


def receipt_flag(expected_qty: int, received_qty: int, adding: int, on_order: bool) -> str | None:
    """Why receiving `adding` more units of an item needs the worker's say-so (None: it
    does not). expected/received are the item's totals over the RMA so far."""
    if not on_order:
        return NOT_ON_ORDER
    if received_qty + adding > expected_qty:
        return OVER_RETURN
    return None


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def credit_due(
    unit_price: Decimal | None,
    quantity: int,
    credit: str,
    fee: Decimal | None,
    fee_percent: Decimal,
) -> tuple[Decimal, Decimal]:
    """(restocking fee, credit amount) for `quantity` units inspected with this credit."""
    if credit not in CREDITS_ALLOWED:
        raise ReturnRuleError(
            "unknown_credit", "credit is full, partial or none", {"credit": credit}
        )
    if quantity <= 0:
        raise ReturnRuleError("bad_quantity", "a credit is for a positive quantity")
    if fee is not None and credit != PARTIAL:
        raise ReturnRuleError(
            "fee_without_partial", "a restocking fee goes with a partial credit", {"credit": credit}
        )
    if fee is not None and fee < 0:
        raise ReturnRuleError("negative_fee", "a restocking fee cannot be negative")
    if unit_price is None or credit == NONE:
        return Decimal("0.00"), Decimal("0.00")
    full = money(unit_price * quantity)
    if credit == FULL:
        return Decimal("0.00"), full
    charged = money(full * fee_percent / 100) if fee is None else money(fee)
    if charged > full:
        raise ReturnRuleError(
            "fee_above_credit",
            "the restocking fee is more than the full credit",
            {"restocking_fee": str(charged), "full_credit": str(full)},
        )
    return charged, full - charged


@dataclass(frozen=True)
class Totals:
    """An RMA's units: expected, received and inspected over all its lines."""

    expected: int
    received: int
    inspected: int

    @property
    def awaiting(self) -> int:
        return self.received - self.inspected


def next_status(status: str, totals: Totals, receipt_closed: bool) -> str:
    """The status an RMA is in after a change."""
    if status == CANCELLED:
        return CANCELLED
    if totals.received == 0:
        return AUTHORISED
    if receipt_closed and totals.awaiting == 0:
        return COMPLETED
    return ARRIVED


@dataclass(frozen=True)
class LineState:
    expected: int
    received: int
    flag: str | None


def receipt_complete(lines: list[LineState]) -> bool:
    """Whether the receipt closes by itself: every expected unit arrived, nothing more, and
    no line was flagged (a flagged receipt is closed by a worker, knowingly)."""
    if not lines or not any(ln.expected for ln in lines):
        return False
    return all(ln.flag is None and ln.received == ln.expected for ln in lines)


def default_reason_code(disposition: str) -> str:
    if disposition not in DEFAULT_REASON_CODES:
        raise ReturnRuleError(
            "unknown_disposition",
            "a disposition is sellable, damaged, refurbish, rtv or scrap",
            {"disposition": disposition},
        )
    return DEFAULT_REASON_CODES[disposition]


def reason_code(disposition: str, given: str | None) -> str:
    """The reason code an inspection posts with: the one given (lower-case letters, digits,
    underscores, at most 32), else the disposition's default."""
    default = default_reason_code(disposition)
    if given is None or not given.strip():
        return default
    code = given.strip().lower()
    if not _REASON.match(code):
        raise ReturnRuleError(
            "bad_reason_code",
            f"a reason code is 1-{MAX_REASON_CODE} lower-case letters, digits or underscores",
            {"reason_code": given},
        )
    return code


def disposition_seconds(arrived_at: datetime | None, completed_at: datetime | None) -> int | None:
    """Arrival to final disposition, in whole seconds (None until both are known)."""
    if arrived_at is None or completed_at is None:
        return None
    return max(0, int((completed_at - arrived_at).total_seconds()))


def age_minutes(
    arrived_at: datetime | None, completed_at: datetime | None, now: datetime
) -> int | None:
    """How long an arrived return has waited for its disposition (None: not arrived, or done)."""
    if arrived_at is None or completed_at is not None:
        return None
    return max(0, int((now - arrived_at).total_seconds() // 60))
