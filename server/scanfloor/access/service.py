"""Reading and setting a user's warehouse rights (managers and above set them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Select, delete, select

from ..auth.models import User
from ..catalog.models import Location
from ..database import write_transaction
from ..errors import NotFound
from ..extensions import db
from .models import UserWarehouse
from .rules import may_see, sees_every_warehouse

WarehouseRef = int | str  # a warehouse's id or its code


@dataclass(frozen=True)
class Warehouse:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class WarehouseRights:
    user_id: int
    role: str
    every_warehouse: bool
    warehouses: list[Warehouse]


_ASSIGNED = UserWarehouse.__table__
_WAREHOUSES = select(Location.id, Location.code, Location.name).where(Location.level == "warehouse")


def find_warehouse(ref: WarehouseRef) -> Warehouse | None:
    """The warehouse an id or a code names; None for anything that is not a warehouse."""
    column = Location.id if isinstance(ref, int) else Location.code
    row = db.session.execute(_WAREHOUSES.where(column == ref)).first()
    return Warehouse(row.id, row.code, row.name) if row else None


def assigned(conn: Connection, user_ids: Iterable[int]) -> dict[int, set[int]]:
    """The warehouses assigned to each user (one query, for many connections at once)."""
    ids = sorted(set(user_ids))
    found: dict[int, set[int]] = {uid: set() for uid in ids}
    if ids:
        rows = conn.execute(
            select(_ASSIGNED.c.user_id, _ASSIGNED.c.warehouse_id).where(
                _ASSIGNED.c.user_id.in_(ids)
            )
        )
        for user_id, warehouse_id in rows:
            found[user_id].add(warehouse_id)
    return found


def user_may_see(user_id: int, role: str, warehouse_id: int) -> bool:
    if sees_every_warehouse(role):
        return True
    conn = db.session.connection()
    return may_see(role, assigned(conn, [user_id])[user_id], warehouse_id)


def visible_warehouse_ids(user_id: int, role: str) -> Select[tuple[int]] | None:
    """The ids of the warehouses a user may see, as a select a list filters by in its own
    statement (no extra read); None for a role that sees every one."""
    if sees_every_warehouse(role):
        return None
    return select(_ASSIGNED.c.warehouse_id).where(_ASSIGNED.c.user_id == user_id)


def _rights(user: User) -> WarehouseRights:
    rows = db.session.execute(
        _WAREHOUSES.join(UserWarehouse, UserWarehouse.warehouse_id == Location.id)
        .where(UserWarehouse.user_id == user.id)
        .order_by(Location.code)
    ).all()
    return WarehouseRights(
        user.id,
        user.role,
        sees_every_warehouse(user.role),
        [Warehouse(r.id, r.code, r.name) for r in rows],
    )


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound("no such user", {"user_id": user_id})
    return user


def warehouse_rights(user_id: int) -> WarehouseRights:
    return _rights(_user(user_id))


def set_user_warehouses(user_id: int, refs: Sequence[WarehouseRef]) -> WarehouseRights:
    """Replace the user's assigned warehouses with these (ids or codes; [] assigns none)."""
    with write_transaction():
        user = _user(user_id)
        found = {ref: find_warehouse(ref) for ref in refs}
        unknown = [ref for ref, wh in found.items() if wh is None]
        if unknown:
            raise NotFound("no such warehouse", {"warehouses": unknown})
        wanted = {wh.id for wh in found.values() if wh is not None}
        db.session.execute(delete(UserWarehouse).where(UserWarehouse.user_id == user.id))
        db.session.add_all(UserWarehouse(user_id=user.id, warehouse_id=w) for w in wanted)
        db.session.flush()
        return _rights(user)
