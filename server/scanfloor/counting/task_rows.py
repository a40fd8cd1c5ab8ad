"""Reads and writes shared by the count services: the task row under its lock, warehouses
and users named by callers and their rights, what the ledger holds loose in a bin, and the
one count posting (bin <-> Inventory Loss/Gain through the one ledger writer).

Loose stock only: a count counts what lies in the bin, as picking picks it and a short
writes it off; stock inside a container standing in the bin (a pallet's LPN) moves and is
counted with its container."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select, update
from sqlalchemy.engine import Connection

from ..access.service import find_warehouse, user_may_see
from ..auth.models import User
from ..catalog.models import Location
from ..errors import NotConfigured, NotFound
from ..extensions import db
from ..ledger.models import Balance
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..picking.errors import WarehouseNotAllowed
from .models import CountLine, CountTask
from .variance_rules import adjustment

MOVEMENT_TYPE = "count"
SOURCE_TYPE = "count_task"
COUNTABLE = ("open", "recount")  # statuses in which a worker counts

_CT = CountTask.__table__
_CL = CountLine.__table__
_B = Balance.__table__
_U = User.__table__
_LOC = Location.__table__


class TaskNotFound(NotFound):
    code = "not_found"


_LOCK_TASK = select(_CT).where(_CT.c.id == bindparam("task")).with_for_update()
_USER = select(_U.c.id, _U.c.username, _U.c.role, _U.c.active)
_INV_ADJ = select(_LOC.c.id).where(_LOC.c.code == "INV-ADJ", _LOC.c.is_virtual.is_(True))
_LOOSE = select(
    _B.c.item_id, func.coalesce(_B.c.lot_id, 0).label("lot_key"), _B.c.lot_id, _B.c.quantity
).where(
    _B.c.location_id == bindparam("loc"),
    _B.c.container_id.is_(None),
)
_LOOSE_ONE = select(func.coalesce(func.sum(_B.c.quantity), 0)).where(
    _B.c.location_id == bindparam("loc"),
    _B.c.item_id == bindparam("item"),
    func.coalesce(_B.c.lot_id, literal_column("0")) == bindparam("lot"),
    _B.c.container_id.is_(None),
)
_SET = update(_CT).where(_CT.c.id == bindparam("b_task"))


@dataclass(frozen=True)
class WarehouseRef:
    id: int
    code: str


def warehouse(ref: int | str) -> WarehouseRef:
    """The warehouse an id or a code names (NotFound otherwise)."""
    found = find_warehouse(ref.strip().upper() if isinstance(ref, str) else ref)
    if found is None and isinstance(ref, str) and ref.strip().isdigit():
        found = find_warehouse(int(ref.strip()))
    if found is None:
        raise NotFound("no such warehouse", {"warehouse": ref})
    return WarehouseRef(found.id, found.code)


def user(user_id: int) -> Any:
    row = db.session.execute(_USER.where(_U.c.id == user_id)).first()
    if row is None:
        raise NotFound("no such user", {"user_id": user_id})
    return row


def user_by_ref(ref: int | str) -> Any:
    """A user by id or username."""
    if isinstance(ref, int):
        return user(ref)
    row = db.session.execute(_USER.where(_U.c.username == ref.strip().lower())).first()
    if row is None:
        raise NotFound("no such user", {"user": ref})
    return row


def require_rights(user_id: int, warehouse_id: int) -> Any:
    """The user, if active and allowed in this warehouse; else WarehouseNotAllowed."""
    row = user(user_id)
    if not row.active or not user_may_see(row.id, row.role, warehouse_id):
        raise WarehouseNotAllowed(
            "you have no rights to this warehouse", {"warehouse_id": warehouse_id}
        )
    return row


def lock_task(conn: Connection, task_id: int) -> Any:
    """The task row, locked until the transaction ends (every change to a task takes it)."""
    row = conn.execute(_LOCK_TASK, {"task": task_id}).first()
    if row is None:
        raise TaskNotFound("no such count task", {"task_id": task_id})
    return row


def set_task(conn: Connection, task_id: int, **values: Any) -> None:
    conn.execute(_SET.values(**values), {"b_task": task_id})


def loose_in_bin(
    conn: Connection, location_id: int, item_id: int | None
) -> dict[tuple[int, int], tuple[int | None, int]]:
    """(item, lot key) -> (lot id, quantity) of what the ledger holds loose in the bin now
    (quantity > 0; of one item when given)."""
    q = _LOOSE.where(_B.c.quantity > 0)
    if item_id is not None:
        q = q.where(_B.c.item_id == item_id)
    return {
        (int(r.item_id), int(r.lot_key)): (r.lot_id, int(r.quantity))
        for r in conn.execute(q, {"loc": location_id})
    }


def loose_qty(conn: Connection, location_id: int, item_id: int, lot_id: int | None) -> int:
    """What the ledger holds loose of this item and lot in the bin, now."""
    got = conn.scalar(_LOOSE_ONE, {"loc": location_id, "item": item_id, "lot": lot_id or 0})
    return int(got or 0)


def inventory_adjustment(conn: Connection) -> int:
    found = conn.scalar(_INV_ADJ)
    if found is None:  # made by the first migration
        raise NotConfigured("the INV-ADJ virtual location is missing", {"code": "INV-ADJ"})
    return int(found)


@dataclass(frozen=True)
class Variance:
    item_id: int
    lot_id: int | None
    variance: int


def post_variances(
    conn: Connection,
    task: Any,
    variances: Sequence[Variance],
    *,
    actor_id: int,
    device_id: str | None,
) -> int | None:
    """One `count` posting of these variances (gains INV-ADJ -> bin, losses bin -> INV-ADJ,
    reason count_gain / count_loss), as deltas: what moved since stays accounted for. The
    writer refuses a loss the bin no longer holds (InsufficientStock): nothing is kept.
    Returns the posting id (None when nothing varies)."""
    lines = []
    adj = None
    for v in variances:
        move = adjustment(v.variance)
        if move is None:
            continue
        adj = adj or inventory_adjustment(conn)
        bin_id = int(task.location_id)
        lines.append(
            MovementLine(
                item_id=v.item_id,
                quantity=move.quantity,
                from_location_id=adj if move.into_bin else bin_id,
                to_location_id=bin_id if move.into_bin else adj,
                lot_id=v.lot_id,
                reason_code=move.reason_code,
            )
        )
    if not lines:
        return None
    result = post(
        PostingRequest(
            movement_type=MOVEMENT_TYPE,
            lines=tuple(lines),
            actor_id=actor_id,
            device_id=device_id,
            source_type=SOURCE_TYPE,
            source_id=str(task.id),
        )
    )
    return result.posting_id


def set_outcomes(conn: Connection, outcomes: Iterable[tuple[int, str]]) -> None:
    """line id -> outcome."""
    stmt = update(_CL).where(_CL.c.id == bindparam("b_line")).values(outcome=bindparam("b_out"))
    rows = [{"b_line": i, "b_out": o} for i, o in outcomes]
    if rows:
        conn.execute(stmt, rows)
