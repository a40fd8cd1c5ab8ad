"""The statements of the count task views (task_views.py), built once at import."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from ..auth.models import User
from ..catalog.models import Barcode, Item, Location, Lot, PackLevel
from .models import CountLine, CountTask

_CT = CountTask.__table__
_CL = CountLine.__table__
_LOC = Location.__table__
_WH = _LOC.alias("wh")
_I = Item.__table__
_LOT = Lot.__table__
_U = User.__table__
_BC = Barcode.__table__
_PK = PackLevel.__table__


TASK = (
    select(_CT, _WH.c.code.label("warehouse_code"), _LOC.c.code.label("location_code"))
    .join(_WH, _WH.c.id == _CT.c.warehouse_id)
    .join(_LOC, _LOC.c.id == _CT.c.location_id)
)
TASK_BY_ID = TASK.where(_CT.c.id == bindparam("id"))
LINES = (
    select(_CL, _LOT.c.code.label("lot_code"))
    .outerjoin(_LOT, _LOT.c.id == _CL.c.lot_id)
    .where(_CL.c.task_id.in_(bindparam("ids", expanding=True)))
    .order_by(_CL.c.attempt, _CL.c.item_id, _CL.c.lot_key)
)
ITEMS = select(_I.c.id, _I.c.sku, _I.c.name).where(_I.c.id.in_(bindparam("ids", expanding=True)))
ITEM_CODES = (
    select(_PK.c.item_id, _PK.c.quantity, _BC.c.code)
    .join(_BC, _BC.c.pack_id == _PK.c.id)
    .where(_PK.c.item_id.in_(bindparam("ids", expanding=True)))
    .order_by(_PK.c.item_id, _PK.c.quantity, _BC.c.id)
)
BIN_CODES = (
    select(_BC.c.location_id, _BC.c.code)
    .where(_BC.c.location_id.in_(bindparam("ids", expanding=True)))
    .order_by(_BC.c.id)
)
USERS = select(_U.c.id, _U.c.username).where(_U.c.id.in_(bindparam("ids", expanding=True)))

# The worker's view in two statements (three when an item needs its barcodes), where the
# supervisor's reads every reference apart: the task with its warehouse, bin, first bin
# barcode and holder; its lines with their items and lots; the barcodes only of the items
# the counter is told to find (an item count's item, a recount's items).
_HOLDER = _U.alias("holder")
_FIRST_BIN_BARCODE = (
    select(_BC.c.code)
    .where(_BC.c.location_id == _CT.c.location_id)
    .order_by(_BC.c.id)
    .limit(1)
    .correlate_except(_BC)
    .scalar_subquery()
)
# A command that answers with the worker's view reads (and locks) the task with this.
WORKER_TASK = (
    select(
        _CT.c.id,
        _CT.c.status,
        _CT.c.attempt,
        _CT.c.reason,
        _CT.c.warehouse_id,
        _CT.c.location_id,
        _CT.c.item_id,
        _CT.c.assigned_to,
        _WH.c.code.label("warehouse_code"),
        _LOC.c.code.label("location_code"),
        _FIRST_BIN_BARCODE.label("bin_barcode"),
        _HOLDER.c.username.label("holder_name"),
    )
    .join(_WH, _WH.c.id == _CT.c.warehouse_id)
    .join(_LOC, _LOC.c.id == _CT.c.location_id)
    .outerjoin(_HOLDER, _HOLDER.c.id == _CT.c.assigned_to)
    .where(_CT.c.id == bindparam("id"))
)
WORKER_LINES = (
    select(
        _CL.c.attempt,
        _CL.c.item_id,
        _CL.c.lot_id,
        _CL.c.lot_key,
        _CL.c.counted_qty,
        _CL.c.unexpected,
        _CL.c.outcome,
        _LOT.c.code.label("lot_code"),
        _I.c.sku,
        _I.c.name,
    )
    .join(_I, _I.c.id == _CL.c.item_id)
    .outerjoin(_LOT, _LOT.c.id == _CL.c.lot_id)
    .where(_CL.c.task_id == bindparam("task"))
    .order_by(_CL.c.attempt, _CL.c.item_id, _CL.c.lot_key)
)
ITEMS_WITH_CODES = (
    select(_I.c.id, _I.c.sku, _I.c.name, _PK.c.quantity, _BC.c.code)
    .select_from(_I)
    .outerjoin(_PK, _PK.c.item_id == _I.c.id)
    .outerjoin(_BC, _BC.c.pack_id == _PK.c.id)
    .where(_I.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_I.c.id, _PK.c.quantity, _BC.c.id)
)
