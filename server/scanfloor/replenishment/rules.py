"""Pure replenishment rules: when a pick face needs a task, how much, where to take it from,
and what the worker does next.

A face (a bin and an item, with a min and a max in base units) needs a task when what the
bin holds of the item (every lot and container) is below its min; the task brings it back
to its max: quantity = max - what the bin holds.

Source choice (directed replenishment), among the warehouse's reserve stock of the item:
sellable, active bin-level locations of the same warehouse that are no pick face (neither
of type pick_face nor set up as an active face), one candidate per (bin, lot):
1. FEFO: the lot that expires first; stock without an expiry after every dated lot;
2. full cases first: a bin whose stock of the lot is a whole number (>= 1) of the item's
   case pack (pack level `case`) is untouched cases, lifted whole; an item without a case
   pack level (or a case of 1) has no preference here;
3. the bin with the least stock first, so small remainders empty bins for putaway;
4. then walk sequence (bins without one last), code and id: a stable order.
The suggested move takes min(what the task still needs, what the source holds).

How a worker's move is checked against its task: replenishment/move_rules.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

CASE_LEVEL = "case"
FACE_BIN_TYPES = frozenset({"pick_face", "storage"})
MAX_FACE_QTY = 10**12

TASK_NOT_YOURS = "task_not_yours"
TASK_CLOSED = "task_closed"
WRONG_SOURCE = "wrong_source"
WRONG_ITEM = "wrong_item"
WRONG_LOT = "wrong_lot"
WRONG_DESTINATION = "wrong_destination"
BAD_QUANTITY = "invalid_quantity"
OVER_MOVE = "over_move"
INSUFFICIENT = "insufficient_stock"

LIVE = ("open", "claimed")
ROLES = ("worker", "supervisor", "manager", "admin")


class FaceRuleError(ValueError):
    """A min/max no face can have."""


class MoveRefused(Exception):
    """A move that does not fit its task; `code` names the rule it broke."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = details or {}


def supervises(role: str) -> bool:
    """Supervisors and above release, cancel and finish other people's tasks."""
    return role in ROLES and ROLES.index(role) >= ROLES.index("supervisor")


# --- faces -------------------------------------------------------------------------------


def check_face_limits(min_qty: int, max_qty: int) -> None:
    """A face's min is 0 or more and its max above the min (both base units)."""
    if min_qty < 0:
        raise FaceRuleError("min_qty must be 0 or more")
    if max_qty <= min_qty:
        raise FaceRuleError("max_qty must be above min_qty")
    if max_qty > MAX_FACE_QTY:
        raise FaceRuleError(f"max_qty must be at most {MAX_FACE_QTY}")


def needs_task(quantity: int, min_qty: int) -> bool:
    """A face below its min needs a task (at the min it does not)."""
    return quantity < min_qty


def task_quantity(quantity: int, max_qty: int) -> int:
    """Units that bring the face back to its max (never negative)."""
    return max(0, max_qty - quantity)


def case_pack(levels: Iterable[tuple[str, int]]) -> int | None:
    """The item's case pack in base units (its `case` pack level), if it has one above 1."""
    for level, quantity in levels:
        if level == CASE_LEVEL and quantity > 1:
            return quantity
    return None


# --- sources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceStock:
    """What one reserve bin holds of the item, per lot (containers summed)."""

    location_id: int
    code: str
    walk_sequence: int | None
    lot_id: int | None
    expiry: date | None
    quantity: int


def full_cases(quantity: int, pack: int | None) -> bool:
    """Whether `quantity` is whole cases (at least one)."""
    return pack is not None and quantity >= pack and quantity % pack == 0


def _source_order(pack: int | None) -> Any:
    def key(s: SourceStock) -> tuple[Any, ...]:
        return (
            s.expiry is None,
            s.expiry or date.max,
            not full_cases(s.quantity, pack),
            s.quantity,
            s.walk_sequence is None,
            s.walk_sequence or 0,
            s.code,
            s.location_id,
            s.lot_id or 0,
        )

    return key


def rank_sources(stock: Iterable[SourceStock], pack: int | None) -> list[SourceStock]:
    """Every candidate holding stock, best first (the module docstring's order)."""
    return sorted((s for s in stock if s.quantity > 0), key=_source_order(pack))


def suggest_source(stock: Iterable[SourceStock], pack: int | None) -> SourceStock | None:
    ranked = rank_sources(stock, pack)
    return ranked[0] if ranked else None


def take_from(source: SourceStock, remaining: int) -> int:
    """Units the suggested move takes from a source."""
    return max(0, min(source.quantity, remaining))


# --- the next instruction ----------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    action: str  # claim | scan_source | no_stock | done | cancelled
    text: str
    from_location_id: int | None
    quantity: int | None


def next_instruction(
    *,
    status: str,
    remaining: int,
    sku: str,
    face_code: str,
    source: SourceStock | None,
) -> Instruction:
    """What the worker does next with a task, in words and as a step."""
    if status == "cancelled":
        return Instruction("cancelled", "This task was cancelled: nothing to move", None, None)
    if status == "done" or remaining <= 0:
        return Instruction("done", f"Done: {face_code} is refilled", None, None)
    if status == "open":
        return Instruction(
            "claim", f"Claim this task to move {remaining} of {sku} to {face_code}", None, None
        )
    if source is None:
        return Instruction(
            "no_stock",
            f"No reserve stock of {sku} in this warehouse: finish the task short",
            None,
            None,
        )
    qty = take_from(source, remaining)
    return Instruction(
        "scan_source",
        f"Take {qty} of {sku} from {source.code} to {face_code}",
        source.location_id,
        qty,
    )
