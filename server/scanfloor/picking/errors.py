"""Picking's named errors (HTTP status and code come from the scanfloor.errors bases).

Shared by the wave/claim services (helper H2a) and the pick services (helper H2b): add
new ones at the end."""

from __future__ import annotations

from ..errors import Conflict, Forbidden, NotFound, ValidationFailed


class WarehouseNotAllowed(Forbidden):
    """The user has no rights to this warehouse (access/rules.py)."""

    code = "warehouse_not_allowed"


class TaskNotYours(Forbidden):
    """The task is held by someone else (or by nobody) and the caller is no supervisor."""

    code = "task_not_yours"


class TaskNotFound(NotFound):
    code = "not_found"


class WaveNotFound(NotFound):
    code = "not_found"


class TaskClosed(Conflict):
    """The task is done or cancelled: it can no longer be assigned or given back."""

    code = "task_closed"


class NotAPicker(ValidationFailed):
    """A task can only be assigned to an active user who may see its warehouse."""

    code = "invalid_assignee"


class BadWaveRules(ValidationFailed):
    """Wave rules no planner can work with (a cap below 1, an unknown channel...)."""

    code = "invalid_wave_rules"


class BadSchedule(ValidationFailed):
    """SCANFLOOR_WAVE_SCHEDULE cannot be read."""

    code = "invalid_wave_schedule"


# --- confirming picks and shorts (helper H2b) ----------------------------------------------


class WrongItem(ValidationFailed):
    """The scanned item is not the one the pick line asks for."""

    code = "wrong_item"


class WrongLot(ValidationFailed):
    """The scan's lot (or expiry) is not the lot the pick line was released with."""

    code = "wrong_lot"


class WrongTote(ValidationFailed):
    """Another tote than the order's own, a tote holding another open order, or (at an
    order's first pick) a tote still holding units."""

    code = "wrong_tote"


class OverPick(Conflict):
    """More than the pick line still needs."""

    code = "over_pick"


class PickLineClosed(Conflict):
    """The pick line is picked, short or cancelled: nothing is left to pick on it."""

    code = "pick_line_closed"


class NotShort(ValidationFailed):
    """A short report that finds all the line needs: that is a pick."""

    code = "not_short"


class NothingToRelease(Conflict):
    """No order in the warehouse fits the wave's rules (or every one was skipped)."""

    code = "nothing_to_release"


class OrderPacked(Conflict):
    """Cancelling an order with units in a carton (open or closed) or shipped: the cartons
    are the pack station's to unpack, not the tote's return to stock."""

    code = "order_packed"
