"""Reads and small writes shared by the replenishment services: warehouses and users named by
callers and their rights, reserve stock (the rules' source candidates), a face's stock, the
task row under its lock, and raising a task once per face (the partial unique index).

Statements are Core, built once; several items or bins are read in one statement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..access.service import find_warehouse, user_may_see
from ..auth.models import User
from ..catalog.models import Barcode, Item, Location, Lot, PackLevel
from ..errors import NotFound
from ..extensions import db
from ..ledger.models import Balance
from .errors import TaskNotFound, WarehouseNotAllowed
from .models import LIVE_STATUSES, PickFace, ReplenishmentTask
from .move_rules import BinFacts, Holding
from .rules import SourceStock, case_pack

_PF = PickFace.__table__
_RT = ReplenishmentTask.__table__
_LOC = Location.__table__
_B = Balance.__table__
_LOT = Lot.__table__
_PK = PackLevel.__table__
_BC = Barcode.__table__
_I = Item.__table__
_U = User.__table__


@dataclass(frozen=True)
class WarehouseRef:
    id: int
    code: str


def warehouse(ref: int | str) -> WarehouseRef:
    """The warehouse an id or a code names (NotFound otherwise)."""
    if isinstance(ref, str) and not ref.isprintable():  # NUL and the like: no code has them
        raise NotFound("no such warehouse", {"warehouse": ref.encode("unicode_escape").decode()})
    found = find_warehouse(ref.strip().upper() if isinstance(ref, str) else ref)
    if found is None and isinstance(ref, str) and ref.strip().isdigit():
        found = find_warehouse(int(ref.strip()))
    if found is None:
        raise NotFound("no such warehouse", {"warehouse": ref})
    return WarehouseRef(found.id, found.code)


_USER = select(_U.c.id, _U.c.username, _U.c.role, _U.c.active).where(_U.c.id == bindparam("u"))


def user(user_id: int) -> Any:
    row = db.session.connection().execute(_USER, {"u": user_id}).first()
    if row is None:
        raise NotFound("no such user", {"user_id": user_id})
    return row


def require_rights(user_id: int, warehouse_id: int) -> Any:
    """The user, if active and allowed in this warehouse; else WarehouseNotAllowed."""
    row = user(user_id)
    if not row.active or not user_may_see(row.id, row.role, warehouse_id):
        raise WarehouseNotAllowed(
            "you have no rights to this warehouse", {"warehouse_id": warehouse_id}
        )
    return row


# --- reserve stock -----------------------------------------------------------------------

_IS_FACE = exists().where(_PF.c.location_id == _LOC.c.id, _PF.c.active.is_(True))
_RESERVE_BIN = and_(
    _LOC.c.level == "bin",
    _LOC.c.sellable.is_(True),
    _LOC.c.is_virtual.is_(False),
    _LOC.c.active.is_(True),
    _LOC.c.type != "pick_face",
    ~_IS_FACE,
)
_SOURCES = (
    select(
        _B.c.item_id,
        _LOC.c.id,
        _LOC.c.code,
        _LOC.c.walk_sequence,
        _B.c.lot_id,
        _LOT.c.expiry,
        func.sum(_B.c.quantity).label("quantity"),
    )
    .select_from(
        _B.join(_LOC, _LOC.c.id == _B.c.location_id).outerjoin(_LOT, _LOT.c.id == _B.c.lot_id)
    )
    .where(
        _B.c.item_id.in_(bindparam("items", expanding=True)),
        _LOC.c.warehouse_id == bindparam("wh"),
        _RESERVE_BIN,
    )
    .group_by(
        _B.c.item_id, _LOC.c.id, _LOC.c.code, _LOC.c.walk_sequence, _B.c.lot_id, _LOT.c.expiry
    )
    .having(func.sum(_B.c.quantity) > 0)
)
_PACKS = select(_PK.c.item_id, _PK.c.level, _PK.c.quantity).where(
    _PK.c.item_id.in_(bindparam("items", expanding=True))
)


def reserve_stock(
    conn: Connection, warehouse_id: int, item_ids: Iterable[int]
) -> dict[int, list[SourceStock]]:
    """Each item's reserve stock in the warehouse, per (bin, lot): the rules' candidates."""
    items = sorted(set(item_ids))
    found: dict[int, list[SourceStock]] = {i: [] for i in items}
    if not items:
        return found
    for r in conn.execute(_SOURCES, {"items": items, "wh": warehouse_id}):
        found[int(r.item_id)].append(
            SourceStock(int(r.id), r.code, r.walk_sequence, r.lot_id, r.expiry, int(r.quantity))
        )
    return found


def case_packs(conn: Connection, item_ids: Iterable[int]) -> dict[int, int | None]:
    items = sorted(set(item_ids))
    levels: dict[int, list[tuple[str, int]]] = {i: [] for i in items}
    if items:
        for r in conn.execute(_PACKS, {"items": items}):
            levels[int(r.item_id)].append((r.level, int(r.quantity)))
    return {i: case_pack(lv) for i, lv in levels.items()}


# --- faces -------------------------------------------------------------------------------

_FACE_QTY = (
    select(_PF.c.id, func.coalesce(func.sum(_B.c.quantity), 0).label("quantity"))
    .select_from(
        _PF.outerjoin(
            _B, and_(_B.c.location_id == _PF.c.location_id, _B.c.item_id == _PF.c.item_id)
        )
    )
    .where(_PF.c.id.in_(bindparam("faces", expanding=True)))
    .group_by(_PF.c.id)
)


def face_quantities(conn: Connection, face_ids: Iterable[int]) -> dict[int, int]:
    """What each face's bin holds of its item now (every lot and container)."""
    ids = sorted(set(face_ids))
    if not ids:
        return {}
    return {int(r.id): int(r.quantity) for r in conn.execute(_FACE_QTY, {"faces": ids})}


FACE_COLUMNS = (
    _PF.c.id,
    _PF.c.location_id,
    _PF.c.item_id,
    _PF.c.warehouse_id,
    _PF.c.min_qty,
    _PF.c.max_qty,
    _PF.c.active,
)
# Faces whose (bin, item) a posting took stock from, with what the bin holds now.
_TOUCHED = (
    select(*FACE_COLUMNS, func.coalesce(func.sum(_B.c.quantity), 0).label("quantity"))
    .select_from(
        _PF.outerjoin(
            _B, and_(_B.c.location_id == _PF.c.location_id, _B.c.item_id == _PF.c.item_id)
        )
    )
    .where(
        _PF.c.active.is_(True),
        _PF.c.location_id.in_(bindparam("locs", expanding=True)),
        _PF.c.item_id.in_(bindparam("items", expanding=True)),
    )
    .group_by(*FACE_COLUMNS)
)


def touched_faces(conn: Connection, locs: Iterable[int], items: Iterable[int]) -> list[Any]:
    return list(conn.execute(_TOUCHED, {"locs": sorted(set(locs)), "items": sorted(set(items))}))


_FACES_OF_WAREHOUSE = (
    select(*FACE_COLUMNS, func.coalesce(func.sum(_B.c.quantity), 0).label("quantity"))
    .select_from(
        _PF.outerjoin(
            _B, and_(_B.c.location_id == _PF.c.location_id, _B.c.item_id == _PF.c.item_id)
        )
    )
    .where(_PF.c.active.is_(True), _PF.c.warehouse_id == bindparam("wh"))
    .group_by(*FACE_COLUMNS)
    .order_by(_PF.c.id)
)


def active_faces(conn: Connection, warehouse_id: int) -> list[Any]:
    return list(conn.execute(_FACES_OF_WAREHOUSE, {"wh": warehouse_id}))


# --- tasks -------------------------------------------------------------------------------

_LIVE_TASK = select(_RT.c.id).where(
    _RT.c.pick_face_id == bindparam("face"), _RT.c.status.in_(LIVE_STATUSES)
)
_TASK_COLUMNS = (
    "pick_face_id", "warehouse_id", "item_id", "to_location_id", "from_location_id",
    "lot_id", "quantity", "moved", "status", "trigger", "created_at",
)  # fmt: skip
_INSERTS: dict[str, Any] = {}


def live_task(conn: Connection, face_id: int) -> int | None:
    found = conn.execute(_LIVE_TASK, {"face": face_id}).scalar()
    return None if found is None else int(found)


def insert_task_once(conn: Connection, values: dict[str, Any]) -> int | None:
    """Insert a task unless its face has a live one (the partial unique index, both
    databases: ON CONFLICT DO NOTHING); the new id, or None when one was live."""
    dialect = conn.dialect.name
    stmt = _INSERTS.get(dialect)
    if stmt is None:
        insert = pg_insert(_RT) if dialect == "postgresql" else sqlite_insert(_RT)
        stmt = (
            insert.values({c: bindparam(c) for c in _TASK_COLUMNS})
            .on_conflict_do_nothing()
            .returning(_RT.c.id)
        )
        _INSERTS[dialect] = stmt
    found = conn.execute(stmt, values).scalar()
    return None if found is None else int(found)


_LOCK_TASK = select(_RT).where(_RT.c.id == bindparam("task")).with_for_update()
_SET_TASK = update(_RT).where(_RT.c.id == bindparam("b_task"))


def lock_task(conn: Connection, task_id: int) -> Any:
    """The task row, locked until the transaction ends (every change to a task takes it)."""
    row = conn.execute(_LOCK_TASK, {"task": task_id}).first()
    if row is None:
        raise TaskNotFound("no such replenishment task", {"task_id": task_id})
    return row


def set_task(conn: Connection, task_id: int, **values: Any) -> None:
    conn.execute(_SET_TASK.values(**values), {"b_task": task_id})


# --- bins and holdings -------------------------------------------------------------------

_BINS = select(
    _LOC.c.id,
    _LOC.c.code,
    _LOC.c.warehouse_id,
    _LOC.c.level,
    _LOC.c.type,
    _LOC.c.sellable,
    _LOC.c.is_virtual,
    _LOC.c.active,
    _IS_FACE.label("is_face"),
).where(_LOC.c.id.in_(bindparam("ids", expanding=True)))


def bin_facts(conn: Connection, ids: Iterable[int]) -> dict[int, BinFacts]:
    found: dict[int, BinFacts] = {}
    for r in conn.execute(_BINS, {"ids": sorted(set(ids))}):
        found[int(r.id)] = BinFacts(
            int(r.id),
            r.code,
            r.warehouse_id,
            r.level,
            r.type,
            bool(r.sellable),
            bool(r.is_virtual),
            bool(r.active),
            bool(r.is_face),
        )
    return found


_HOLDINGS = (
    select(_B.c.lot_id, _LOT.c.code, _LOT.c.expiry, _B.c.container_id, _B.c.quantity)
    .select_from(_B.outerjoin(_LOT, _LOT.c.id == _B.c.lot_id))
    .where(
        _B.c.location_id == bindparam("loc"),
        _B.c.item_id == bindparam("item"),
        _B.c.quantity > 0,
    )
    .order_by(_B.c.id)
)


def holdings(conn: Connection, location_id: int, item_id: int) -> list[Holding]:
    return [
        Holding(r.lot_id, r.code, r.expiry, r.container_id, int(r.quantity))
        for r in conn.execute(_HOLDINGS, {"loc": location_id, "item": item_id})
    ]


# --- the board's queue ---------------------------------------------------------------------

_QUEUE = (
    select(
        _RT.c.status,
        func.count().label("n"),
        func.coalesce(func.sum(_RT.c.quantity - _RT.c.moved), 0).label("units"),
        func.min(_RT.c.created_at).label("since"),
    )
    .where(_RT.c.warehouse_id == bindparam("wh"), _RT.c.status.in_(LIVE_STATUSES))
    .group_by(_RT.c.status)
)


@dataclass(frozen=True)
class QueueSummary:
    open: int
    claimed: int
    units: int
    oldest: datetime | None


def queue_summary(conn: Connection, warehouse_id: int) -> QueueSummary:
    """Live tasks of a warehouse (open and claimed), units still to move, the oldest's time."""
    rows = {r.status: r for r in conn.execute(_QUEUE, {"wh": warehouse_id})}
    stamps = [r.since for r in rows.values() if r.since is not None]
    return QueueSummary(
        int(rows["open"].n) if "open" in rows else 0,
        int(rows["claimed"].n) if "claimed" in rows else 0,
        sum(int(r.units) for r in rows.values()),
        min(stamps) if stamps else None,
    )
