"""Reads shared by picking: warehouses and users named by callers, task views (what a
scanner caches), task summaries, and `refresh_task_status`, which the pick services call
after a line changes so a task (and its wave) closes when its last line does.

Statements are Core, built once; a task view is six small queries whatever its size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.engine import Connection

from ..access.service import user_may_see
from ..allocation.models import Order
from ..auth.models import User
from ..catalog.models import Barcode, Container, Item, Location, Lot, PackLevel
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from .errors import TaskNotFound, WarehouseNotAllowed
from .models import PickLine, PickTask, Wave, WaveOrder
from .views import (
    BinInfo,
    ItemInfo,
    LotInfo,
    OrderRef,
    PackInfo,
    Ref,
    TaskLine,
    TaskSummary,
    TaskView,
    ToteSlot,
    UserRef,
)

_T = PickTask.__table__
_L = PickLine.__table__
_W = Wave.__table__
_WO = WaveOrder.__table__
_O = Order.__table__
_I = Item.__table__
_LOT = Lot.__table__
_LOC = Location.__table__
_BC = Barcode.__table__
_PK = PackLevel.__table__
_C = Container.__table__
_U = User.__table__
_WH = _LOC.alias("wh")
_ZONE = _LOC.alias("zone")

OPEN_TASK = ("open", "claimed")

# --- callers -------------------------------------------------------------------------------

_WAREHOUSE_BY_CODE = select(_LOC.c.id, _LOC.c.code).where(
    _LOC.c.level == "warehouse", _LOC.c.code == bindparam("code")
)
_WAREHOUSE_BY_ID = select(_LOC.c.id, _LOC.c.code).where(
    _LOC.c.level == "warehouse", _LOC.c.id == bindparam("id")
)
_USER = select(_U.c.id, _U.c.username, _U.c.role, _U.c.active).where(_U.c.id == bindparam("id"))


def warehouse(ref: int | str) -> Ref:
    """The warehouse an id or a code names (a code of digits wins over the same id)."""
    if isinstance(ref, bool):
        raise ValidationFailed("a warehouse is an id or a code", {"warehouse": ref})
    row = None
    if isinstance(ref, str):
        code = ref.strip().upper()
        row = db.session.execute(_WAREHOUSE_BY_CODE, {"code": code}).first()
        if row is None and code.isdigit() and len(code) <= 18:
            ref = int(code)
    if row is None and isinstance(ref, int):
        row = db.session.execute(_WAREHOUSE_BY_ID, {"id": ref}).first()
    if row is None:
        raise NotFound("no such warehouse", {"warehouse": ref})
    return Ref(int(row.id), str(row.code))


def user(user_id: int) -> Any:
    """(id, username, role, active) of a user, or NotFound."""
    row = db.session.execute(_USER, {"id": user_id}).first()
    if row is None:
        raise NotFound("no such user", {"user_id": user_id})
    return row


def require_rights(user_id: int, wh: Ref) -> Any:
    """The user, if they may work in this warehouse; else WarehouseNotAllowed."""
    row = user(user_id)
    if not row.active or not user_may_see(row.id, row.role, wh.id):
        raise WarehouseNotAllowed(
            "you have no rights to this warehouse", {"warehouse_id": wh.id, "code": wh.code}
        )
    return row


# --- task views ----------------------------------------------------------------------------

_TASK = (
    select(
        _T.c.id,
        _T.c.wave_id,
        _T.c.warehouse_id,
        _WH.c.code.label("warehouse_code"),
        _T.c.status,
        _T.c.assigned_to,
        _U.c.username,
        _W.c.mode,
        _T.c.priority,
        _T.c.zone_id,
        _ZONE.c.code.label("zone_code"),
        _T.c.path_length,
        _T.c.claimed_at,
        _T.c.completed_at,
        _T.c.created_at,
    )
    .join(_W, _W.c.id == _T.c.wave_id)
    .join(_WH, _WH.c.id == _T.c.warehouse_id)
    .outerjoin(_ZONE, _ZONE.c.id == _T.c.zone_id)
    .outerjoin(_U, _U.c.id == _T.c.assigned_to)
)
_TASK_BY_ID = _TASK.where(_T.c.id == bindparam("id"))
_LINES = (
    select(
        _L.c.id,
        _L.c.seq,
        _L.c.order_id,
        _O.c.external_id,
        _L.c.order_line_id,
        _L.c.item_id,
        _I.c.sku,
        _I.c.name,
        _L.c.lot_id,
        _LOT.c.code.label("lot_code"),
        _LOT.c.expiry,
        _L.c.location_id,
        _LOC.c.code.label("bin_code"),
        _L.c.quantity,
        _L.c.picked_qty,
        _L.c.short_qty,
        _L.c.status,
        _WO.c.slot,
    )
    .join(_O, _O.c.id == _L.c.order_id)
    .join(_I, _I.c.id == _L.c.item_id)
    .join(_LOC, _LOC.c.id == _L.c.location_id)
    .outerjoin(_LOT, _LOT.c.id == _L.c.lot_id)
    .outerjoin(_WO, and_(_WO.c.wave_id == _L.c.wave_id, _WO.c.order_id == _L.c.order_id))
    .where(_L.c.task_id == bindparam("id"))
    .order_by(_L.c.seq, _L.c.id)
)
_BIN_BARCODES = (
    select(_BC.c.location_id, _BC.c.code)
    .where(_BC.c.location_id.in_(bindparam("ids", expanding=True)))
    .order_by(_BC.c.id)
)
_PACKS = (
    select(_PK.c.item_id, _PK.c.level, _PK.c.quantity, _BC.c.code)
    .outerjoin(_BC, _BC.c.pack_id == _PK.c.id)
    .where(_PK.c.item_id.in_(bindparam("ids", expanding=True)))
    .order_by(_PK.c.item_id, _PK.c.quantity, _PK.c.id, _BC.c.id)
)
_TOTES = (
    select(_WO.c.slot, _WO.c.order_id, _O.c.external_id, _C.c.id, _C.c.code)
    .join(_O, _O.c.id == _WO.c.order_id)
    .outerjoin(_C, _C.c.id == _WO.c.tote_container_id)
    .where(_WO.c.wave_id == bindparam("wave"), _WO.c.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(_WO.c.slot, _WO.c.order_id)
)


def _user_ref(row: Any) -> UserRef | None:
    return None if row.assigned_to is None else UserRef(int(row.assigned_to), str(row.username))


def _zone_ref(row: Any) -> Ref | None:
    return None if row.zone_id is None else Ref(int(row.zone_id), str(row.zone_code))


def task_row(task_id: int) -> Any:
    row = db.session.execute(_TASK_BY_ID, {"id": task_id}).first()
    if row is None:
        raise TaskNotFound("no such pick task", {"task_id": task_id})
    return row


def item_infos(item_ids: Iterable[int]) -> dict[int, ItemInfo]:
    """Each item with every barcode of each pack (what a scanner checks a scan against)."""
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    head = {
        r.id: (r.sku, r.name)
        for r in db.session.execute(select(_I.c.id, _I.c.sku, _I.c.name).where(_I.c.id.in_(ids)))
    }
    packs: dict[int, dict[str, PackInfo]] = defaultdict(dict)
    for item_id, level, qty, code in db.session.execute(_PACKS, {"ids": ids}):
        pack = packs[item_id].setdefault(level, PackInfo(level, int(qty), []))
        if code is not None:
            pack.barcodes.append(str(code))
    return {
        i: ItemInfo(
            i,
            str(sku),
            str(name),
            [c for p in packs[i].values() for c in p.barcodes],
            list(packs[i].values()),
        )
        for i, (sku, name) in head.items()
    }


def task_view(task_id: int) -> TaskView:
    """One task as the scanner caches it: lines in walk order with everything to check."""
    row = task_row(task_id)
    lines = db.session.execute(_LINES, {"id": task_id}).all()
    items = item_infos(ln.item_id for ln in lines)
    bin_ids = sorted({int(ln.location_id) for ln in lines})
    barcodes: dict[int, str] = {}
    if bin_ids:
        for loc_id, code in db.session.execute(_BIN_BARCODES, {"ids": bin_ids}):
            barcodes.setdefault(int(loc_id), str(code))
    order_ids = sorted({int(ln.order_id) for ln in lines})
    totes = []
    if order_ids:
        totes = [
            ToteSlot(
                int(t[0]),
                OrderRef(int(t[1]), str(t[2])),
                None if t[3] is None else Ref(int(t[3]), str(t[4])),
            )
            for t in db.session.execute(_TOTES, {"wave": row.wave_id, "ids": order_ids})
        ]
    path: list[str] = []
    for ln in lines:
        if not path or path[-1] != ln.bin_code:
            path.append(str(ln.bin_code))
    return TaskView(
        id=int(row.id),
        wave_id=int(row.wave_id),
        warehouse=Ref(int(row.warehouse_id), str(row.warehouse_code)),
        status=str(row.status),
        assigned_to=_user_ref(row),
        mode=str(row.mode),
        priority=int(row.priority),
        zone=_zone_ref(row),
        lines=[
            TaskLine(
                id=int(ln.id),
                seq=int(ln.seq),
                order=OrderRef(int(ln.order_id), str(ln.external_id)),
                order_line_id=int(ln.order_line_id),
                item=items[int(ln.item_id)],
                lot=None
                if ln.lot_id is None
                else LotInfo(int(ln.lot_id), str(ln.lot_code), ln.expiry),
                bin=BinInfo(int(ln.location_id), str(ln.bin_code), barcodes.get(ln.location_id)),
                quantity=int(ln.quantity),
                picked=int(ln.picked_qty),
                short=int(ln.short_qty),
                status=str(ln.status),
                slot=int(ln.slot or 1),
            )
            for ln in lines
        ],
        totes=totes,
        path=path,
        path_length=int(row.path_length),
        claimed_at=row.claimed_at,
        completed_at=row.completed_at,
    )


# --- task summaries ------------------------------------------------------------------------

_COUNTS = (
    select(
        _L.c.task_id,
        func.count(func.distinct(_L.c.order_id)),
        func.count(),
        func.sum(case((_L.c.status == "open", 1), else_=0)),
        func.sum(_L.c.quantity),
    )
    .where(_L.c.task_id.in_(bindparam("ids", expanding=True)))
    .group_by(_L.c.task_id)
)


def summaries(rows: Sequence[Any]) -> list[TaskSummary]:
    """Task rows (as _TASK selects them) with their line counts."""
    ids = [int(r.id) for r in rows]
    counts: dict[int, tuple[int, int, int, int]] = {}
    if ids:
        for task_id, orders, lines, open_, units in db.session.execute(_COUNTS, {"ids": ids}):
            counts[int(task_id)] = (int(orders), int(lines), int(open_ or 0), int(units or 0))
    out = []
    for r in rows:
        orders, lines, open_, units = counts.get(int(r.id), (0, 0, 0, 0))
        out.append(
            TaskSummary(
                id=int(r.id),
                wave_id=int(r.wave_id),
                warehouse=Ref(int(r.warehouse_id), str(r.warehouse_code)),
                status=str(r.status),
                assigned_to=_user_ref(r),
                mode=str(r.mode),
                priority=int(r.priority),
                zone=_zone_ref(r),
                orders=orders,
                lines=lines,
                lines_open=open_,
                units=units,
                path_length=int(r.path_length),
                claimed_at=r.claimed_at,
                created_at=r.created_at,
            )
        )
    return out


def task_summaries(
    *, warehouse_id: int | None = None, wave_id: int | None = None, status: str | None = None
) -> list[TaskSummary]:
    q = _TASK.order_by(_T.c.priority, _T.c.id)
    if warehouse_id is not None:
        q = q.where(_T.c.warehouse_id == warehouse_id)
    if wave_id is not None:
        q = q.where(_T.c.wave_id == wave_id)
    if status is not None:
        q = q.where(_T.c.status == status)
    return summaries(db.session.execute(q).all())


def task_summaries_of_waves(wave_ids: Sequence[int]) -> list[TaskSummary]:
    q = _TASK.where(_T.c.wave_id.in_(sorted(set(wave_ids)))).order_by(_T.c.priority, _T.c.id)
    return summaries(db.session.execute(q).all())


# --- closing tasks and waves ---------------------------------------------------------------

_LINE_STATES = (
    select(_L.c.status, func.count()).where(_L.c.task_id == bindparam("id")).group_by(_L.c.status)
)
_CLOSE_TASK = (
    update(_T)
    .where(_T.c.id == bindparam("b_id"), _T.c.status.in_(OPEN_TASK))
    .values(status=bindparam("b_status"), completed_at=bindparam("b_now"))
)
_TASK_STATES = (
    select(_T.c.status, func.count()).where(_T.c.wave_id == bindparam("wave")).group_by(_T.c.status)
)
_CLOSE_WAVE = (
    update(_W)
    .where(_W.c.id == bindparam("b_id"), _W.c.status.in_(("released", "picking")))
    .values(status=bindparam("b_status"), completed_at=bindparam("b_now"))
)
_WAVE_OF = select(_T.c.wave_id, _T.c.status).where(_T.c.id == bindparam("id"))


def refresh_task_status(conn: Connection, task_id: int, now: datetime | None = None) -> str:
    """Inside the caller's transaction, after pick lines of the task changed: a task with no
    open line left is `done` (`cancelled` when every line was cancelled), and a wave whose
    tasks are all closed is `picked` (`cancelled` when all were). Returns the task status."""
    from ..timeutil import utcnow

    now = now or utcnow()
    head = conn.execute(_WAVE_OF, {"id": task_id}).first()
    if head is None:
        raise TaskNotFound("no such pick task", {"task_id": task_id})
    states: dict[str, int] = dict(conn.execute(_LINE_STATES, {"id": task_id}).all())
    if states.get("open", 0) or head.status not in OPEN_TASK:
        return str(head.status)
    closed = "cancelled" if set(states) <= {"cancelled"} else "done"
    conn.execute(_CLOSE_TASK, {"b_id": task_id, "b_status": closed, "b_now": now})
    tasks: dict[str, int] = dict(conn.execute(_TASK_STATES, {"wave": head.wave_id}).all())
    if not any(tasks.get(s, 0) for s in OPEN_TASK):
        wave_status = "cancelled" if set(tasks) <= {"cancelled"} else "picked"
        conn.execute(_CLOSE_WAVE, {"b_id": head.wave_id, "b_status": wave_status, "b_now": now})
    return closed
