"""Pure rules of a replenishment move: does what the worker scanned fit the task.

A move confirmation is checked in this order, the first failure naming the refusal:
1. the task is live (task_closed) and claimed by the person scanning (task_not_yours);
2. the source is a reserve bin of the task's warehouse: bin-level, active, sellable, not
   virtual, of no pick-face type and set up as no active face (wrong_source);
3. the scanned item is the task's item (wrong_item);
4. the source holds some of it (wrong_source), and of the scanned lot / expiry when the
   scan carries one (wrong_lot);
5. the destination is the task's face (wrong_destination);
6. the quantity is 1..what the task still needs (invalid_quantity, over_move) and at most
   what the source holds of the item (and lot) (insufficient_stock).
Stock is taken from the source in FEFO order, loose stock before stock in containers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .rules import (
    BAD_QUANTITY,
    INSUFFICIENT,
    LIVE,
    OVER_MOVE,
    TASK_CLOSED,
    TASK_NOT_YOURS,
    WRONG_DESTINATION,
    WRONG_ITEM,
    WRONG_LOT,
    WRONG_SOURCE,
    MoveRefused,
)


@dataclass(frozen=True)
class TaskFacts:
    """A task as read, under its lock, inside the move's transaction."""

    task_id: int
    status: str
    claimed_by: int | None
    warehouse_id: int
    item_id: int
    to_location_id: int
    to_code: str
    quantity: int
    moved: int

    @property
    def remaining(self) -> int:
        return self.quantity - self.moved


@dataclass(frozen=True)
class BinFacts:
    id: int
    code: str
    warehouse_id: int | None
    level: str
    type: str
    sellable: bool
    is_virtual: bool
    active: bool
    is_face: bool  # an active pick face of any item


@dataclass(frozen=True)
class Holding:
    """One balance row of the item in the source bin."""

    lot_id: int | None
    lot_code: str | None
    expiry: date | None
    container_id: int | None
    quantity: int


@dataclass(frozen=True)
class Take:
    lot_id: int | None
    container_id: int | None
    quantity: int


@dataclass(frozen=True)
class ScannedItem:
    item_id: int
    units: int
    lot_code: str | None = None
    expiry: date | None = None


def is_reserve_bin(b: BinFacts, warehouse_id: int) -> bool:
    return (
        b.level == "bin"
        and not b.is_virtual
        and b.active
        and b.sellable
        and b.type != "pick_face"
        and not b.is_face
        and b.warehouse_id == warehouse_id
    )


def check_task(task: TaskFacts, actor_id: int | None) -> None:
    if task.status not in LIVE:
        raise MoveRefused(
            TASK_CLOSED,
            f"this replenishment task is {task.status}: nothing more moves on it",
            {"task_id": task.task_id, "status": task.status},
        )
    if task.status != "claimed" or actor_id is None or task.claimed_by != actor_id:
        raise MoveRefused(
            TASK_NOT_YOURS,
            "this task is not claimed by you: claim it first",
            {"task_id": task.task_id, "status": task.status},
        )


def _bin(b: BinFacts) -> dict[str, Any]:
    return {"id": b.id, "code": b.code}


def check_source(task: TaskFacts, source: BinFacts) -> None:
    if not is_reserve_bin(source, task.warehouse_id):
        why = (
            "a pick face is refilled from reserve, not from another face"
            if source.type == "pick_face" or source.is_face
            else "another warehouse's bin"
            if source.warehouse_id != task.warehouse_id
            else "not a sellable, active reserve bin"
        )
        raise MoveRefused(
            WRONG_SOURCE,
            f"wrong source: {source.code} is {why}",
            {"task_id": task.task_id, "scanned": _bin(source)},
        )


def check_item(task: TaskFacts, item: ScannedItem) -> None:
    if item.item_id != task.item_id:
        raise MoveRefused(
            WRONG_ITEM,
            "wrong item: this is not the item the task moves",
            {"task_id": task.task_id, "expected_item_id": task.item_id, "item_id": item.item_id},
        )


def _lot_matches(h: Holding, item: ScannedItem) -> bool:
    if item.lot_code is not None and (h.lot_code or "").casefold() != item.lot_code.casefold():
        return False
    return item.expiry is None or h.expiry is None or h.expiry == item.expiry


def usable_holdings(
    task: TaskFacts, source: BinFacts, item: ScannedItem, holdings: Sequence[Holding]
) -> list[Holding]:
    """The source's stock of the item a move may take (the scanned lot's, if it names one)."""
    held = [h for h in holdings if h.quantity > 0]
    if not held:
        raise MoveRefused(
            WRONG_SOURCE,
            f"wrong source: {source.code} holds none of this item",
            {"task_id": task.task_id, "scanned": _bin(source)},
        )
    if item.lot_code is None and item.expiry is None:
        return held
    fits = [h for h in held if _lot_matches(h, item)]
    if not fits:
        raise MoveRefused(
            WRONG_LOT,
            f"wrong lot: {source.code} holds no stock of the scanned lot",
            {
                "task_id": task.task_id,
                "scanned": {"lot": item.lot_code, "expiry": _iso(item.expiry)},
                "held": sorted({h.lot_code or "" for h in held}),
            },
        )
    return fits


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def check_destination(task: TaskFacts, destination: BinFacts) -> None:
    if destination.id != task.to_location_id:
        raise MoveRefused(
            WRONG_DESTINATION,
            f"wrong destination: this task refills {task.to_code}",
            {
                "task_id": task.task_id,
                "expected": {"id": task.to_location_id, "code": task.to_code},
                "scanned": _bin(destination),
            },
        )


def check_quantity(task: TaskFacts, units: int, held: int) -> None:
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise MoveRefused(
            BAD_QUANTITY, "quantity must be a positive number of units", {"units": units}
        )
    if units > task.remaining:
        raise MoveRefused(
            OVER_MOVE,
            f"over-move: this task needs {task.remaining} more",
            {"task_id": task.task_id, "units": units, "remaining": task.remaining},
        )
    if units > held:
        raise MoveRefused(
            INSUFFICIENT,
            f"the source holds only {held} of this item",
            {"task_id": task.task_id, "units": units, "held": held},
        )


def plan_take(holdings: Sequence[Holding], units: int) -> list[Take]:
    """Which balance rows a move of `units` takes: FEFO, loose before containers."""
    order = sorted(
        holdings,
        key=lambda h: (
            h.expiry is None,
            h.expiry or date.max,
            h.lot_id or 0,
            h.container_id is not None,
            h.container_id or 0,
        ),
    )
    takes: list[Take] = []
    left = units
    for h in order:
        if left <= 0:
            break
        q = min(left, h.quantity)
        if q > 0:
            takes.append(Take(h.lot_id, h.container_id, q))
            left -= q
    if left > 0:
        raise ValueError("holdings do not cover the move")
    return takes


def check_move(
    task: TaskFacts,
    *,
    actor_id: int | None,
    source: BinFacts,
    item: ScannedItem,
    holdings: Sequence[Holding],
    destination: BinFacts,
) -> list[Take]:
    """Every check of one move, in order; returns the balance rows it takes."""
    check_task(task, actor_id)
    check_source(task, source)
    check_item(task, item)
    usable = usable_holdings(task, source, item, holdings)
    check_destination(task, destination)
    check_quantity(task, item.units, sum(h.quantity for h in usable))
    return plan_take(usable, item.units)


def status_after(quantity: int, moved: int) -> str:
    """A task is done once everything it asked for has moved."""
    return "done" if moved >= quantity else "claimed"
