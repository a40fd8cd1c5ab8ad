"""Pure variance rules of a count: how far a counted line is from the ledger, whether that is
within the class's tolerance, what each line's fate is when the count is finished, and what
the task does next.

- variance = counted - system, where system is the ledger's quantity of that item and lot in
  the bin at the moment the line was entered (the freeze rule lives in the service: it reads
  the ledger in the transaction that writes the line).
- variance value = variance * unit value, rounded half-up to 0.01; unknown when the item
  has no unit value.
- within tolerance: |variance| <= the policy's units AND (value unknown OR |variance value|
  <= the policy's value). An item never costed is judged by its units only: refusing every
  count of it would stall the floor, and the units tolerance still holds.
- attempt 1 (the count): 0 -> matched, within -> adjusted (posted at once), beyond ->
  recount (a different worker counts it again). Attempt 2 (the recount): 0 -> matched,
  within -> adjusted, beyond -> approval (a supervisor or manager decides).
- an adjustment is a gain (Inventory Loss/Gain -> bin, reason count_gain) or a loss (bin ->
  Inventory Loss/Gain, reason count_loss) of |variance| units: a delta, never "set to", so
  what moved since the line was entered stays accounted for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

CENT = Decimal("0.01")

MATCHED = "matched"
ADJUSTED = "adjusted"
RECOUNT = "recount"
APPROVAL = "approval"
APPROVED = "approved"
REJECTED = "rejected"
SUPERSEDED = "superseded"

GAIN = "count_gain"
LOSS = "count_loss"

FIRST_COUNT = 1
RECOUNT_ATTEMPT = 2


class Tolerance(Protocol):
    """What a class's policy allows without a recount (counting.policies.Policy has it)."""

    @property
    def tolerance_units(self) -> int: ...

    @property
    def tolerance_value(self) -> Decimal: ...


@dataclass(frozen=True)
class Judgement:
    variance: int
    variance_value: Decimal | None
    within_tolerance: bool


def variance_value(variance: int, unit_value: Decimal | None) -> Decimal | None:
    """The variance in money, 0.01 half-up; None when the unit value is unknown."""
    if unit_value is None:
        return None
    return (Decimal(variance) * unit_value).quantize(CENT, rounding=ROUND_HALF_UP)


def accuracy_weight(system_qty: int, counted_qty: int, unit_value: Decimal | None) -> Decimal:
    """What one counted record weighs in value-weighted accuracy: the larger of the booked
    and the counted quantity at the item's unit cost (so stock found where none was booked
    weighs too); 0 when the cost is unknown. The one definition: the count accuracy report
    (counting/accuracy.py) and the KPI (reporting/accuracy_rules.py) both use it."""
    if unit_value is None:
        return Decimal(0)
    return abs(Decimal(max(system_qty, counted_qty)) * unit_value)


def within_tolerance(variance: int, value: Decimal | None, tolerance: Tolerance) -> bool:
    """Units within the policy, and value too when it is known."""
    if abs(variance) > tolerance.tolerance_units:
        return False
    return value is None or abs(value) <= tolerance.tolerance_value


def judge(counted: int, system: int, unit_value: Decimal | None, tolerance: Tolerance) -> Judgement:
    """One counted line against the ledger's quantity when it was entered."""
    if counted < 0 or system < 0:
        raise ValueError("counted and system quantities are never negative")
    variance = counted - system
    value = variance_value(variance, unit_value)
    return Judgement(variance, value, within_tolerance(variance, value, tolerance))


def line_outcome(attempt: int, variance: int, within: bool) -> str:
    """A line's fate when its attempt is finished."""
    if variance == 0:
        return MATCHED
    if within:
        return ADJUSTED
    return RECOUNT if attempt == FIRST_COUNT else APPROVAL


@dataclass(frozen=True)
class Finish:
    """What finishing an attempt does to the task: its next status and attempt, and the one
    word the counter hears (matched | adjusted | recount | approval)."""

    status: str
    attempt: int
    outcome: str


def finish(attempt: int, outcomes: Iterable[str]) -> Finish:
    """The task after an attempt whose lines ended with these outcomes: a line beyond
    tolerance sends the first count to a recount and the recount to approval; otherwise the
    task is counted (adjusted when something posted, else matched)."""
    seen = set(outcomes)
    if RECOUNT in seen:
        if attempt != FIRST_COUNT:
            raise ValueError("only a first count is sent to a recount")
        return Finish("recount", RECOUNT_ATTEMPT, RECOUNT)
    if APPROVAL in seen:
        if attempt != RECOUNT_ATTEMPT:
            raise ValueError("only a recount waits for approval")
        return Finish("approval", attempt, APPROVAL)
    return Finish("counted", attempt, ADJUSTED if ADJUSTED in seen else MATCHED)


def posts_now(outcome: str) -> bool:
    """Lines whose variance is posted when their attempt is finished."""
    return outcome == ADJUSTED


@dataclass(frozen=True)
class Adjustment:
    """One movement of a count: into the bin (gain) or out of it (loss)."""

    reason_code: str
    quantity: int
    into_bin: bool


def adjustment(variance: int) -> Adjustment | None:
    """The movement that brings the ledger to what was counted; None for no variance."""
    if variance == 0:
        return None
    if variance > 0:
        return Adjustment(GAIN, variance, True)
    return Adjustment(LOSS, -variance, False)


def pending_value(values: Iterable[Decimal | None]) -> Decimal:
    """Sum of |variance value| of the lines waiting for approval (unknown values add 0:
    there is nothing to weigh them by)."""
    return sum((abs(v) for v in values if v is not None), Decimal("0.00"))


def uncounted(
    in_scope: Iterable[tuple[int, int]], counted: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The (item, lot key) pairs in the count's scope that no line counted: counted zero
    when the count is finished, in a stable order."""
    done = set(counted)
    return sorted({k for k in in_scope if k not in done})
