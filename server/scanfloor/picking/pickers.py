"""Who may pick in a warehouse: what a supervisor chooses from when handing a task over.

A picker is an active user who may work in the warehouse (access rules: managers and
admins everywhere, everyone else where a user_warehouses row says so), listed with how
many open tasks they hold there, so the supervisor sees who is free. Two queries,
whatever the number of users.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, func, or_, select

from ..access.models import UserWarehouse
from ..access.rules import EVERY_WAREHOUSE_ROLES, FLOOR_ROLES
from ..auth.models import User
from ..errors import NotFound
from ..extensions import db
from . import queries
from .errors import TaskNotYours
from .models import PickTask
from .queries import OPEN_TASK

_U = User.__table__
_UW = UserWarehouse.__table__
_T = PickTask.__table__

_PICKERS = (
    select(_U.c.id, _U.c.username, _U.c.display_name, _U.c.role)
    .where(
        _U.c.active.is_(True),
        _U.c.role.in_(sorted(FLOOR_ROLES)),  # finance picks nowhere, even where assigned
        or_(
            _U.c.role.in_(sorted(EVERY_WAREHOUSE_ROLES)),
            exists(
                select(_UW.c.user_id).where(
                    _UW.c.user_id == _U.c.id, _UW.c.warehouse_id == bindparam("wh")
                )
            ),
        ),
    )
    .order_by(_U.c.username, _U.c.id)
)
_HELD = (
    select(_T.c.assigned_to, func.count())
    .where(
        _T.c.warehouse_id == bindparam("wh"),
        _T.c.status.in_(OPEN_TASK),
        _T.c.assigned_to.is_not(None),
    )
    .group_by(_T.c.assigned_to)
)
_BY_USERNAME = select(_U.c.id).where(_U.c.username == bindparam("name"))


@dataclass(frozen=True)
class Picker:
    id: int
    username: str
    display_name: str
    role: str
    open_tasks: int


def list_pickers(warehouse_id: int | str, *, viewer_id: int | None = None) -> list[Picker]:
    """Active users who may pick in this warehouse, by username, with their open tasks
    there. A viewer must be a supervisor (or above) with rights to the warehouse."""
    wh = queries.warehouse(warehouse_id)
    if viewer_id is not None:
        who = queries.require_rights(viewer_id, wh)
        if who.role not in ("supervisor", *EVERY_WAREHOUSE_ROLES):
            raise TaskNotYours("only a supervisor lists pickers", {"warehouse_id": wh.id})
    held = {int(u): int(n) for u, n in db.session.execute(_HELD, {"wh": wh.id})}
    return [
        Picker(int(r.id), str(r.username), str(r.display_name), str(r.role), held.get(r.id, 0))
        for r in db.session.execute(_PICKERS, {"wh": wh.id})
    ]


def user_id_of(ref: int | str) -> int:
    """The user a reference names: an id (a number), or a username (a string, exactly)."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    name = str(ref).strip()
    found = db.session.scalar(_BY_USERNAME, {"name": name})
    if found is None:
        raise NotFound("no such user", {"user": name})
    return int(found)
