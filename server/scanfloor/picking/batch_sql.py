"""Core statements behind confirming picks, shorts and cancels, built once at import.

One pick reads its task and line under locks (PostgreSQL: the task row, then the order's
wave_orders row, so two scans of one task or two tasks of one order's tote bind in turn;
SQLite serialises writers anyway), and writes the line back. A batch reads every line of
the task in one statement and writes them back with one executemany.
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, func, literal_column, select, update

from ..allocation.models import Order, Reservation
from ..catalog.models import Barcode, Container, Item, Location, Lot, PackLevel
from ..ledger.models import Balance
from .models import PickLine, PickTask, WaveOrder

_T = PickTask.__table__
_L = PickLine.__table__
_WO = WaveOrder.__table__
_LOC = Location.__table__
_LOT = Lot.__table__
_R = Reservation.__table__
_B = Balance.__table__
_C = Container.__table__

LAST = 10**9  # a location without a walk sequence sorts after every one that has one

TASK_FOR_UPDATE = (
    select(_T.c.id, _T.c.wave_id, _T.c.warehouse_id, _T.c.status, _T.c.assigned_to)
    .where(_T.c.id == bindparam("task"))
    .with_for_update()
)
# The same lock for one pick, with the pick destination read in the same statement (the
# warehouse's first active pack_station, as FIRST_OF_TYPE below: one round trip less).
_DEST = (
    select(_LOC.c.id)
    .where(
        _LOC.c.warehouse_id == _T.c.warehouse_id,
        _LOC.c.type == "pack_station",
        _LOC.c.active.is_(True),
        _LOC.c.is_virtual.is_(False),
    )
    .order_by(func.coalesce(_LOC.c.walk_sequence, LAST), _LOC.c.id)
    .limit(1)
    .correlate(_T)
    .scalar_subquery()
)
TASK_FOR_PICK = (
    select(
        _T.c.id, _T.c.wave_id, _T.c.warehouse_id, _T.c.status, _T.c.assigned_to, _DEST.label("dest")
    )
    .where(_T.c.id == bindparam("task"))
    .with_for_update(of=_T)
)
_LINE_COLUMNS = (
    _L.c.id,
    _L.c.task_id,
    _L.c.wave_id,
    _L.c.order_id,
    _L.c.order_line_id,
    _L.c.item_id,
    _L.c.lot_id,
    _LOT.c.code.label("lot_code"),
    _LOT.c.expiry.label("lot_expiry"),
    _L.c.location_id,
    _LOC.c.code.label("location_code"),
    _LOC.c.walk_sequence,
    _L.c.quantity,
    _L.c.picked_qty,
    _L.c.short_qty,
    _L.c.status,
    _R.c.lot_id.label("reserved_lot_id"),
)
_LINES = (
    select(*_LINE_COLUMNS)
    .join(_LOC, _LOC.c.id == _L.c.location_id)
    .outerjoin(_LOT, _LOT.c.id == _L.c.lot_id)
    .outerjoin(_R, _R.c.id == _L.c.reservation_id)
)
LINE = _LINES.where(_L.c.id == bindparam("line"), _L.c.task_id == bindparam("task"))
LINES_OF_TASK = _LINES.where(_L.c.task_id == bindparam("task")).order_by(_L.c.seq, _L.c.id)
TASKS_OF_ORDER = select(_L.c.task_id).distinct().where(_L.c.order_id == bindparam("order"))

UPDATE_LINE = (
    update(_L)
    .where(_L.c.id == bindparam("b_id"), _L.c.status == "open")
    .values(
        picked_qty=bindparam("b_picked"),
        short_qty=bindparam("b_short"),
        status=bindparam("b_status"),
        picked_by=bindparam("b_by"),
        picked_at=bindparam("b_at"),
    )
)
# A batch's lines written back at once (driver SQL: the rows are thousands).
PG_UPDATE_LINES = (
    "UPDATE pick_lines AS l SET picked_qty = v.p, short_qty = v.s, status = v.st,"
    " picked_by = %s, picked_at = %s"
    " FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[]) AS v(id, p, s, st)"
    " WHERE l.id = v.id AND l.status = 'open'"
)
SQLITE_UPDATE_LINE = (
    "UPDATE pick_lines SET picked_qty = ?, short_qty = ?, status = ?, picked_by = ?,"
    " picked_at = ? WHERE id = ? AND status = 'open'"
)
CANCEL_OPEN_LINES = (
    update(_L)
    .where(_L.c.order_id == bindparam("order"), _L.c.status == "open")
    .values(status="cancelled")
)
NEXT_OPEN_LINE = (
    select(_L.c.id)
    .where(_L.c.task_id == bindparam("task"), _L.c.status == "open")
    .order_by(_L.c.seq, _L.c.id)
    .limit(1)
)
LAST_SEQ = select(func.coalesce(func.max(_L.c.seq), 0)).where(_L.c.task_id == bindparam("task"))
INSERT_LINE = _L.insert()

WAVE_ORDER_FOR_UPDATE = (
    select(_WO.c.tote_container_id, _WO.c.open)
    .where(_WO.c.wave_id == bindparam("wave"), _WO.c.order_id == bindparam("order"))
    .with_for_update()
)
# Every open wave order of an order: one per warehouse it is picked in (a short re-reserved
# elsewhere puts its rest in a wave of another warehouse).
OPEN_WAVE_ORDERS = (
    select(_WO.c.wave_id, _WO.c.tote_container_id)
    .where(_WO.c.order_id == bindparam("order"), _WO.c.open.is_(True))
    .order_by(_WO.c.wave_id)
)
# The same lock for one pick, with where the scanned tote stands now (a tote already at the
# pick destination need not be moved there again).
WAVE_ORDER_TOTE_FOR_UPDATE = (
    select(
        _WO.c.tote_container_id,
        _WO.c.open,
        select(_C.c.location_id)
        .where(_C.c.id == bindparam("tote"))
        .scalar_subquery()
        .label("tote_location"),
    )
    .where(_WO.c.wave_id == bindparam("wave"), _WO.c.order_id == bindparam("order"))
    .with_for_update(of=_WO)
)
# At a tote's first scan for an order: the open order it is bound to, if another, and the
# units it still holds (a cancelled order's tote waiting at staging to be put away).
TOTE_AT_BIND = select(
    select(_WO.c.order_id)
    .where(
        _WO.c.tote_container_id == bindparam("tote"),
        _WO.c.open.is_(True),
        ~and_(_WO.c.wave_id == bindparam("wave"), _WO.c.order_id == bindparam("order")),
    )
    .limit(1)
    .scalar_subquery()
    .label("holder"),
    select(func.coalesce(func.sum(_B.c.quantity), 0))
    .where(_B.c.container_id == bindparam("tote"), _B.c.quantity > 0)
    .scalar_subquery()
    .label("held"),
)
BIND_TOTE = (
    update(_WO)
    .where(
        _WO.c.wave_id == bindparam("b_wave"),
        _WO.c.order_id == bindparam("b_order"),
        _WO.c.tote_container_id.is_(None),
    )
    .values(tote_container_id=bindparam("b_tote"))
)
CLOSE_WAVE_ORDER = (
    update(_WO).where(_WO.c.order_id == bindparam("order"), _WO.c.open.is_(True)).values(open=False)
)

# The warehouse's first active location of a type (pick destination: pack_station; where
# a cancelled order's tote goes back: staging): lowest walk sequence, then id.
FIRST_OF_TYPE = (
    select(_LOC.c.id)
    .where(
        _LOC.c.warehouse_id == bindparam("wh"),
        _LOC.c.type == bindparam("type"),
        _LOC.c.active.is_(True),
        _LOC.c.is_virtual.is_(False),
    )
    .order_by(func.coalesce(_LOC.c.walk_sequence, LAST), _LOC.c.id)
    .limit(1)
)
VIRTUAL_BY_CODE = select(_LOC.c.id).where(_LOC.c.code == bindparam("code"), _LOC.c.is_virtual)

# Loose units of an item (and lot) in a bin, as the ledger shows them.
LOOSE_IN_BIN = select(func.coalesce(func.sum(_B.c.quantity), 0)).where(
    _B.c.location_id == bindparam("loc"),
    _B.c.item_id == bindparam("item"),
    func.coalesce(_B.c.lot_id, literal_column("0")) == bindparam("lot"),
    _B.c.container_id.is_(None),
)
# Loose units per sellable bin of a warehouse for an item, by lot, with what open pick
# lines still plan to take from each: the bins a shortfall may be re-picked from.
SELLABLE_BINS = (
    select(_B.c.location_id, _LOC.c.walk_sequence, _B.c.lot_id, _B.c.quantity)
    .join(_LOC, _LOC.c.id == _B.c.location_id)
    .where(
        _B.c.item_id == bindparam("item"),
        _B.c.container_id.is_(None),
        _B.c.quantity > 0,
        _LOC.c.warehouse_id == bindparam("wh"),
        _LOC.c.sellable.is_(True),
        _LOC.c.active.is_(True),
        _LOC.c.is_virtual.is_(False),
    )
)
PLANNED_FROM_BINS = (
    select(
        _L.c.location_id,
        _L.c.lot_id,
        func.sum(_L.c.quantity - _L.c.picked_qty - _L.c.short_qty),
    )
    .join(_T, _T.c.id == _L.c.task_id)
    .where(
        _L.c.item_id == bindparam("item"),
        _L.c.status == "open",
        _T.c.warehouse_id == bindparam("wh"),
    )
    .group_by(_L.c.location_id, _L.c.lot_id)
)
NEW_RESERVATIONS = (
    select(_R.c.id, _R.c.lot_id, _R.c.quantity)
    .where(
        _R.c.order_line_id == bindparam("line"),
        _R.c.warehouse_id == bindparam("wh"),
        _R.c.status == "active",
        _R.c.id > bindparam("after"),
    )
    .order_by(_R.c.id)
)
MAX_RESERVATION = select(func.coalesce(func.max(_R.c.id), 0))
# What a tote holds, wherever it stands (a tote bound to an open order holds only that order).
IN_TOTE = (
    select(_B.c.item_id, _B.c.location_id, _B.c.lot_id, _B.c.quantity)
    .where(_B.c.container_id == bindparam("tote"), _B.c.quantity > 0)
    .order_by(_B.c.item_id, _B.c.location_id, _B.c.lot_id)
)
WAREHOUSE_OF = select(_LOC.c.warehouse_id).where(_LOC.c.id == bindparam("loc"))
TASK_BRIEF = select(
    _T.c.status,
    select(func.count())
    .where(_L.c.task_id == _T.c.id, _L.c.status == "open")
    .scalar_subquery()
    .label("lines_open"),
).where(_T.c.id == bindparam("task"))

# A batch's expected codes, one statement each whatever its size: every barcode of the
# task's items (with the units one scan counts) and every barcode of its bins.
_PK = PackLevel.__table__
_BC = Barcode.__table__
TASK_ITEM_CODES = (
    select(_BC.c.code, _PK.c.item_id, _PK.c.quantity)
    .join(_PK, _PK.c.id == _BC.c.pack_id)
    .where(_PK.c.item_id.in_(select(_L.c.item_id).where(_L.c.task_id == bindparam("task"))))
)
TASK_BINS = select(_LOC.c.id, _LOC.c.code).where(
    _LOC.c.id.in_(select(_L.c.location_id).where(_L.c.task_id == bindparam("task")))
)
TASK_BIN_CODES = (
    select(_BC.c.code, _LOC.c.id, _LOC.c.code.label("location_code"))
    .join(_LOC, _LOC.c.id == _BC.c.location_id)
    .where(_LOC.c.id.in_(select(_L.c.location_id).where(_L.c.task_id == bindparam("task"))))
)

# A confirmation's answer, read after commit (a replay reads it as it is then): the line as
# the task view shows it, with its task's status, open lines and next open line, and its
# item's packs and their barcodes (one row each), in ONE statement (queries.task_view's
# shapes, for one line).
_O = Order.__table__
_I = Item.__table__
_OTHER = _L.alias("other")
_PACK_CODE = _BC.alias("pack_code")
PICKED_LINE = (
    select(
        _L.c.id,
        _L.c.task_id,
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
        select(_BC.c.code)
        .where(_BC.c.location_id == _L.c.location_id)
        .order_by(_BC.c.id)
        .limit(1)
        .scalar_subquery()
        .label("bin_barcode"),
        _L.c.quantity,
        _L.c.picked_qty,
        _L.c.short_qty,
        _L.c.status,
        _WO.c.slot,
        _T.c.status.label("task_status"),
        select(func.count())
        .where(_OTHER.c.task_id == _L.c.task_id, _OTHER.c.status == "open")
        .scalar_subquery()
        .label("lines_open"),
        select(_OTHER.c.id)
        .where(_OTHER.c.task_id == _L.c.task_id, _OTHER.c.status == "open")
        .order_by(_OTHER.c.seq, _OTHER.c.id)
        .limit(1)
        .scalar_subquery()
        .label("next_line_id"),
        _PK.c.level.label("pack_level"),
        _PK.c.quantity.label("pack_quantity"),
        _PACK_CODE.c.code.label("pack_code"),
    )
    .join(_T, _T.c.id == _L.c.task_id)
    .join(_O, _O.c.id == _L.c.order_id)
    .join(_I, _I.c.id == _L.c.item_id)
    .join(_LOC, _LOC.c.id == _L.c.location_id)
    .outerjoin(_LOT, _LOT.c.id == _L.c.lot_id)
    .outerjoin(_WO, and_(_WO.c.wave_id == _L.c.wave_id, _WO.c.order_id == _L.c.order_id))
    .outerjoin(_PK, _PK.c.item_id == _L.c.item_id)
    .outerjoin(_PACK_CODE, _PACK_CODE.c.pack_id == _PK.c.id)
    .where(_L.c.id == bindparam("line"))
    .order_by(_PK.c.quantity, _PK.c.id, _PACK_CODE.c.id)
)
