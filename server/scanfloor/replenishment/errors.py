"""Replenishment's named errors (HTTP status and code come from the scanfloor.errors bases)."""

from __future__ import annotations

from ..errors import (
    Conflict,
    Forbidden,
    InsufficientStock,
    NotFound,
    ScanfloorError,
    ValidationFailed,
)
from . import rules


class PickFaceNotFound(NotFound):
    code = "not_found"


class TaskNotFound(NotFound):
    code = "not_found"


class TaskNotYours(Forbidden):
    """The task is held by someone else (or by nobody) and the caller may not act for them."""

    code = rules.TASK_NOT_YOURS


class TaskClosed(Conflict):
    """The task is done or cancelled."""

    code = rules.TASK_CLOSED


class WarehouseNotAllowed(Forbidden):
    code = "warehouse_not_allowed"


class WrongSource(ValidationFailed):
    code = rules.WRONG_SOURCE


class WrongItem(ValidationFailed):
    code = rules.WRONG_ITEM


class WrongLot(ValidationFailed):
    code = rules.WRONG_LOT


class WrongDestination(ValidationFailed):
    code = rules.WRONG_DESTINATION


class BadQuantity(ValidationFailed):
    code = rules.BAD_QUANTITY


class OverMove(Conflict):
    code = rules.OVER_MOVE


REFUSALS: dict[str, type[ScanfloorError]] = {
    rules.TASK_NOT_YOURS: TaskNotYours,
    rules.TASK_CLOSED: TaskClosed,
    rules.WRONG_SOURCE: WrongSource,
    rules.WRONG_ITEM: WrongItem,
    rules.WRONG_LOT: WrongLot,
    rules.WRONG_DESTINATION: WrongDestination,
    rules.BAD_QUANTITY: BadQuantity,
    rules.OVER_MOVE: OverMove,
    rules.INSUFFICIENT: InsufficientStock,
}


def named(refused: rules.MoveRefused) -> ScanfloorError:
    """The API error a rule's refusal becomes."""
    cls = REFUSALS.get(refused.code, ValidationFailed)
    return cls(refused.message, refused.details)
