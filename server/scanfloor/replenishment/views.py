"""What a replenishment task and a pick face look like to a scanner and the console.

A task view carries everything a scanner checks offline: the face's bin (code and barcode),
the item with every barcode and the units one scan of it counts, the live source
candidates in the rules' order (each bin with its barcode, lot and stock) and the next
instruction. Sources are worked out from today's stock each time a task is read (the task
keeps the source suggested when it was raised; stock may have moved since). Several tasks
are read in a fixed number of statements, whatever their count."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection

from ..auth.models import User
from ..catalog.models import Barcode, Item, Location, Lot, PackLevel
from ..extensions import db
from ..timeutil import as_utc
from . import queries
from .errors import TaskNotFound
from .models import LIVE_STATUSES, PickFace, ReplenishmentTask
from .rules import SourceStock, next_instruction, rank_sources

MAX_SOURCES = 10

_RT = ReplenishmentTask.__table__
_PF = PickFace.__table__
_LOC = Location.__table__
_WH = _LOC.alias("wh")
_TO = _LOC.alias("face_bin")
_I = Item.__table__
_LOT = Lot.__table__
_BC = Barcode.__table__
_PK = PackLevel.__table__
_U = User.__table__
_CLAIMER = _U.alias("claimer")
_DONER = _U.alias("doner")


@dataclass(frozen=True)
class Ref:
    id: int
    code: str


@dataclass(frozen=True)
class BinRef:
    id: int
    code: str
    barcode: str | None


@dataclass(frozen=True)
class ItemRef:
    id: int
    sku: str
    name: str


@dataclass(frozen=True)
class BarcodeInfo:
    code: str
    level: str
    quantity: int


@dataclass(frozen=True)
class ItemInfo:
    id: int
    sku: str
    name: str
    barcodes: list[BarcodeInfo]


@dataclass(frozen=True)
class LotRef:
    id: int
    code: str
    expiry: date | None


@dataclass(frozen=True)
class UserRef:
    id: int
    username: str


@dataclass(frozen=True)
class SourceView:
    location: BinRef
    lot: LotRef | None
    quantity: int


@dataclass(frozen=True)
class FaceBrief:
    id: int
    min_qty: int
    max_qty: int
    quantity: int


@dataclass(frozen=True)
class NextStep:
    action: str
    text: str
    from_location: BinRef | None
    to_location: BinRef
    quantity: int | None


@dataclass(frozen=True)
class TaskView:
    id: int
    status: str
    trigger: str
    warehouse: Ref
    item: ItemInfo
    lot: LotRef | None
    to_location: BinRef
    suggested_source: SourceView | None
    sources: list[SourceView]
    quantity: int
    moved: int
    remaining: int
    pick_face: FaceBrief
    claimed_by: UserRef | None
    claimed_at: datetime | None
    created_at: datetime
    done_at: datetime | None
    done_by: UserRef | None
    next: NextStep


_TASKS = (
    select(
        _RT,
        _WH.c.code.label("wh_code"),
        _TO.c.code.label("to_code"),
        _I.c.sku,
        _I.c.name.label("item_name"),
        _LOT.c.code.label("lot_code"),
        _LOT.c.expiry.label("lot_expiry"),
        _CLAIMER.c.username.label("claimer"),
        _DONER.c.username.label("doner"),
        _PF.c.min_qty,
        _PF.c.max_qty,
    )
    .select_from(
        _RT.join(_WH, _WH.c.id == _RT.c.warehouse_id)
        .join(_TO, _TO.c.id == _RT.c.to_location_id)
        .join(_I, _I.c.id == _RT.c.item_id)
        .join(_PF, _PF.c.id == _RT.c.pick_face_id)
        .outerjoin(_LOT, _LOT.c.id == _RT.c.lot_id)
        .outerjoin(_CLAIMER, _CLAIMER.c.id == _RT.c.claimed_by)
        .outerjoin(_DONER, _DONER.c.id == _RT.c.done_by)
    )
    .where(_RT.c.id.in_(bindparam("ids", expanding=True)))
)
_TASK_IDS = select(_RT.c.id).where(_RT.c.warehouse_id == bindparam("wh"))
_BIN_BARCODES = (
    select(_BC.c.location_id, func.min(_BC.c.code).label("code"))
    .where(_BC.c.target == "location", _BC.c.location_id.in_(bindparam("ids", expanding=True)))
    .group_by(_BC.c.location_id)
)
_ITEM_BARCODES = (
    select(_PK.c.item_id, _BC.c.code, _PK.c.level, _PK.c.quantity)
    .select_from(_BC.join(_PK, and_(_PK.c.id == _BC.c.pack_id, _BC.c.target == "pack")))
    .where(_PK.c.item_id.in_(bindparam("items", expanding=True)))
    .order_by(_PK.c.item_id, _PK.c.quantity, _BC.c.code)
)
_LOTS = select(_LOT.c.id, _LOT.c.code, _LOT.c.expiry).where(
    _LOT.c.id.in_(bindparam("ids", expanding=True))
)


def bin_barcodes(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {int(r.location_id): r.code for r in conn.execute(_BIN_BARCODES, {"ids": wanted})}


def item_barcodes(conn: Connection, item_ids: Iterable[int]) -> dict[int, list[BarcodeInfo]]:
    items = sorted(set(item_ids))
    found: dict[int, list[BarcodeInfo]] = defaultdict(list)
    if items:
        for r in conn.execute(_ITEM_BARCODES, {"items": items}):
            found[int(r.item_id)].append(BarcodeInfo(r.code, r.level, int(r.quantity)))
    return found


def _lots(conn: Connection, ids: Iterable[int | None]) -> dict[int, LotRef]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {
        int(r.id): LotRef(int(r.id), r.code, r.expiry) for r in conn.execute(_LOTS, {"ids": wanted})
    }


def _user(user_id: int | None, name: str | None) -> UserRef | None:
    return None if user_id is None else UserRef(int(user_id), name or "")


def _at(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def task_views(conn: Connection, ids: Sequence[int]) -> list[TaskView]:
    """The tasks, in the order of `ids` (missing ones left out)."""
    if not ids:
        return []
    rows = {int(r.id): r for r in conn.execute(_TASKS, {"ids": sorted(set(ids))})}
    live = [r for r in rows.values() if r.status in LIVE_STATUSES]
    by_wh: dict[int, set[int]] = defaultdict(set)
    for r in live:
        by_wh[int(r.warehouse_id)].add(int(r.item_id))
    stock: dict[tuple[int, int], list[SourceStock]] = {}
    for wh, items in by_wh.items():
        for item, found in queries.reserve_stock(conn, wh, items).items():
            stock[(wh, item)] = found
    packs = queries.case_packs(conn, {int(r.item_id) for r in live})
    ranked = {
        int(r.id): rank_sources(
            stock.get((int(r.warehouse_id), int(r.item_id)), []), packs.get(int(r.item_id))
        )[:MAX_SOURCES]
        for r in live
    }
    bins = {int(r.to_location_id) for r in rows.values()} | {
        s.location_id for found in ranked.values() for s in found
    }
    codes = bin_barcodes(conn, bins)
    lots = _lots(conn, [s.lot_id for f in ranked.values() for s in f])
    barcodes = item_barcodes(conn, {int(r.item_id) for r in rows.values()})
    on_face = queries.face_quantities(conn, {int(r.pick_face_id) for r in rows.values()})

    def source(s: SourceStock) -> SourceView:
        lot = lots.get(s.lot_id) if s.lot_id is not None else None
        return SourceView(BinRef(s.location_id, s.code, codes.get(s.location_id)), lot, s.quantity)

    views: list[TaskView] = []
    for task_id in ids:
        if int(task_id) not in rows:
            continue
        r = rows[int(task_id)]
        found = ranked.get(int(r.id), [])
        sources = [source(s) for s in found]
        best = sources[0] if sources else None
        stored_lot = None if r.lot_id is None else LotRef(int(r.lot_id), r.lot_code, r.lot_expiry)
        to_bin = BinRef(int(r.to_location_id), r.to_code, codes.get(int(r.to_location_id)))
        remaining = int(r.quantity) - int(r.moved)
        step = next_instruction(
            status=r.status,
            remaining=remaining,
            sku=r.sku,
            face_code=r.to_code,
            source=found[0] if found else None,
        )
        views.append(
            TaskView(
                id=int(r.id),
                status=r.status,
                trigger=r.trigger,
                warehouse=Ref(int(r.warehouse_id), r.wh_code),
                item=ItemInfo(int(r.item_id), r.sku, r.item_name, barcodes.get(int(r.item_id), [])),
                lot=best.lot if best is not None else stored_lot,
                to_location=to_bin,
                suggested_source=best,
                sources=sources,
                quantity=int(r.quantity),
                moved=int(r.moved),
                remaining=remaining,
                pick_face=FaceBrief(
                    int(r.pick_face_id),
                    int(r.min_qty),
                    int(r.max_qty),
                    on_face.get(int(r.pick_face_id), 0),
                ),
                claimed_by=_user(r.claimed_by, r.claimer),
                claimed_at=_at(r.claimed_at),
                created_at=as_utc(r.created_at),
                done_at=_at(r.done_at),
                done_by=_user(r.done_by, r.doner),
                next=NextStep(
                    step.action,
                    step.text,
                    best.location if best is not None and step.from_location_id else None,
                    to_bin,
                    step.quantity,
                ),
            )
        )
    return views


def task_view(task_id: int) -> TaskView:
    found = task_views(db.session.connection(), [task_id])
    if not found:
        raise TaskNotFound("no such replenishment task", {"task_id": task_id})
    return found[0]


def warehouse_task_ids(conn: Connection, warehouse_id: int, statuses: Sequence[str]) -> list[int]:
    """Ids of the warehouse's tasks in these statuses, oldest first."""
    stmt = _TASK_IDS.where(_RT.c.status.in_(list(statuses))).order_by(_RT.c.created_at, _RT.c.id)
    return [int(i) for i in conn.execute(stmt, {"wh": warehouse_id}).scalars()]


# --- pick faces --------------------------------------------------------------------------


@dataclass(frozen=True)
class PickFaceView:
    id: int
    warehouse: Ref
    location: BinRef
    item: ItemRef
    min_qty: int
    max_qty: int
    quantity: int
    below_min: bool
    live_task_id: int | None
    active: bool
    updated_at: datetime


_LIVE = (
    select(_RT.c.pick_face_id, func.min(_RT.c.id).label("task_id"))
    .where(_RT.c.status.in_(LIVE_STATUSES))
    .group_by(_RT.c.pick_face_id)
    .subquery()
)
_BIN = _LOC.alias("bin")
_FACES = select(
    _PF,
    _WH.c.code.label("wh_code"),
    _BIN.c.code.label("bin_code"),
    _BIN.c.walk_sequence,
    _I.c.sku,
    _I.c.name.label("item_name"),
    _LIVE.c.task_id,
).select_from(
    _PF.join(_WH, _WH.c.id == _PF.c.warehouse_id)
    .join(_BIN, _BIN.c.id == _PF.c.location_id)
    .join(_I, _I.c.id == _PF.c.item_id)
    .outerjoin(_LIVE, _LIVE.c.pick_face_id == _PF.c.id)
)


def face_views(conn: Connection, rows: Sequence[Any]) -> list[PickFaceView]:
    codes = bin_barcodes(conn, {int(r.location_id) for r in rows})
    qty = queries.face_quantities(conn, {int(r.id) for r in rows})
    views = []
    for r in rows:
        on_hand = qty.get(int(r.id), 0)
        views.append(
            PickFaceView(
                id=int(r.id),
                warehouse=Ref(int(r.warehouse_id), r.wh_code),
                location=BinRef(int(r.location_id), r.bin_code, codes.get(int(r.location_id))),
                item=ItemRef(int(r.item_id), r.sku, r.item_name),
                min_qty=int(r.min_qty),
                max_qty=int(r.max_qty),
                quantity=on_hand,
                below_min=on_hand < int(r.min_qty),
                live_task_id=None if r.task_id is None else int(r.task_id),
                active=bool(r.active),
                updated_at=as_utc(r.updated_at),
            )
        )
    return views


def faces_of(
    conn: Connection, warehouse_id: int, *, active: bool | None = True, item_id: int | None = None
) -> list[PickFaceView]:
    """A warehouse's faces in walk order (bins without a walk sequence last), then code."""
    stmt = _FACES.where(_PF.c.warehouse_id == warehouse_id)
    if active is not None:
        stmt = stmt.where(_PF.c.active.is_(active))
    if item_id is not None:
        stmt = stmt.where(_PF.c.item_id == item_id)
    stmt = stmt.order_by(
        _BIN.c.walk_sequence.is_(None), _BIN.c.walk_sequence, _BIN.c.code, _PF.c.id
    )
    return face_views(conn, list(conn.execute(stmt)))


def face_view(conn: Connection, face_id: int) -> PickFaceView | None:
    found = face_views(conn, list(conn.execute(_FACES.where(_PF.c.id == face_id))))
    return found[0] if found else None
