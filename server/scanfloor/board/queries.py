"""The board's reads: Core SELECTs built once, a fixed number per section whatever the size
of the floor (grouped counts, never a query per wave, task or order).

Every statement takes the warehouse as :wh. Ages are the oldest row's timestamp; the service
turns them into minutes. Queue definitions are in docs/decisions/0016-live-board.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, distinct, exists, func, not_, or_, select
from sqlalchemy.engine import Connection, Row

from ..allocation.models import Order
from ..auth.models import User
from ..catalog.models import Container, Item, Location
from ..counting.models import CountTask
from ..ledger.models import Balance, Movement, Posting
from ..packing.models import Carton
from ..picking.models import FloorException, PickLine, PickTask, Wave, WaveOrder
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine
from ..receiving.models import Receipt, ReceiptLine
from ..shipping.models import Shipment

_po, _pol = PurchaseOrder.__table__, PurchaseOrderLine.__table__
_rc, _rl = Receipt.__table__, ReceiptLine.__table__
_loc, _bal, _cont = Location.__table__, Balance.__table__, Container.__table__
_wave, _wo = Wave.__table__, WaveOrder.__table__
_task, _line = PickTask.__table__, PickLine.__table__
_ord, _carton, _ship = Order.__table__, Carton.__table__, Shipment.__table__
_exc, _count = FloorException.__table__, CountTask.__table__
_mov, _post, _user, _item = Movement.__table__, Posting.__table__, User.__table__, Item.__table__

WH: Any = bindparam("wh")
OPEN_WAVE = ("released", "picking")
_HERE = select(_loc.c.id).where(_loc.c.warehouse_id == WH).scalar_subquery()

# A PO that names its warehouse is expected there. One that does not (older POs) belongs to
# the warehouses it has been received into, and one not received anywhere yet is on every
# board: someone must expect it. Sent POs (issued through Scanfloor) and open ones (issued
# outside it) are both expected at the dock.
_RECEIVED_HERE = exists(
    select(1)
    .select_from(_rl.join(_rc, _rc.c.id == _rl.c.receipt_id))
    .join(_loc, _loc.c.id == _rl.c.location_id)
    .where(_rc.c.po_id == _po.c.id, _loc.c.warehouse_id == WH)
)
_RECEIVED_ANYWHERE = exists(select(1).where(_rc.c.po_id == _po.c.id))
TO_RECEIVE = (
    select(
        func.count(_pol.c.id).label("lines"),
        func.count(distinct(_po.c.id)).label("orders"),
        func.coalesce(func.sum(_pol.c.ordered - _pol.c.received), 0).label("units"),
        func.min(func.coalesce(_po.c.sent_at, _po.c.opened_at, _po.c.created_at)).label("since"),
    )
    .select_from(_pol.join(_po, _po.c.id == _pol.c.po_id))
    .where(
        _po.c.state.in_(("sent", "open", "partially_received")),
        _pol.c.received < _pol.c.ordered,
        or_(
            _po.c.warehouse_id == WH,
            and_(_po.c.warehouse_id.is_(None), or_(_RECEIVED_HERE, not_(_RECEIVED_ANYWHERE))),
        ),
    )
)

_done = case((_line.c.status.in_(("picked", "short")), 1), else_=0)
_live_line = case((_line.c.status != "cancelled", 1), else_=0)
_live_qty = case((_line.c.status != "cancelled", _line.c.quantity), else_=0)
WAVES = (
    select(
        _wave.c.id,
        _wave.c.status,
        _wave.c.mode,
        _wave.c.released_at,
        _wave.c.order_count,
        func.coalesce(func.sum(_live_line), 0).label("lines_total"),
        func.coalesce(func.sum(_done), 0).label("lines_done"),
        func.coalesce(func.sum(_live_qty), 0).label("units_total"),
        func.coalesce(func.sum(_line.c.picked_qty), 0).label("units_picked"),
    )
    .select_from(_wave.outerjoin(_line, _line.c.wave_id == _wave.c.id))
    .where(_wave.c.warehouse_id == WH, _wave.c.status.in_(OPEN_WAVE))
    .group_by(_wave.c.id, _wave.c.status, _wave.c.mode, _wave.c.released_at, _wave.c.order_count)
    .order_by(_wave.c.released_at, _wave.c.id)
)

PICK_TASKS = (
    select(_task.c.status, func.count().label("n"), func.min(_task.c.created_at).label("since"))
    .where(_task.c.warehouse_id == WH, _task.c.status.in_(("open", "claimed")))
    .group_by(_task.c.status)
)
PICK_LINES = (
    select(
        func.count().label("lines"),
        func.coalesce(func.sum(_line.c.quantity - _line.c.picked_qty - _line.c.short_qty), 0).label(
            "units"
        ),
    )
    .select_from(_line.join(_task, _task.c.id == _line.c.task_id))
    .where(_task.c.warehouse_id == WH, _line.c.status == "open")
)

# Ready to pack: an order of an open wave order here whose every live line is picked (the
# order's status says so: allocation/rules.order_status), since its last pick.
READY_TO_PACK = (
    select(_ord.c.id, func.max(_line.c.picked_at).label("since"))
    .select_from(_ord.join(_line, _line.c.order_id == _ord.c.id))
    .join(_wave, _wave.c.id == _line.c.wave_id)
    .where(
        _ord.c.status == "picked",
        _wave.c.warehouse_id == WH,
        exists(
            select(1).where(
                _wo.c.order_id == _ord.c.id, _wo.c.wave_id == _wave.c.id, _wo.c.open.is_(True)
            )
        ),
    )
    .group_by(_ord.c.id)
)
TOTES_AT_PACK = (
    select(
        func.count(distinct(_bal.c.container_id)).label("totes"),
        func.coalesce(func.sum(_bal.c.quantity), 0).label("units"),
    )
    .select_from(_bal.join(_loc, _loc.c.id == _bal.c.location_id))
    .join(_cont, _cont.c.id == _bal.c.container_id)
    .where(
        _loc.c.warehouse_id == WH,
        _loc.c.type == "pack_station",
        _cont.c.kind == "tote",
        _bal.c.quantity > 0,
    )
)
OPEN_CARTONS = select(func.count()).where(_carton.c.warehouse_id == WH, _carton.c.status == "open")

# Closed cartons not yet on a confirmed shipment (loose at the dock, or on an open one).
TO_SHIP = (
    select(
        func.count().label("cartons"),
        func.count(_carton.c.shipment_id).label("on_shipments"),
        func.min(_carton.c.closed_at).label("since"),
    )
    .select_from(_carton.outerjoin(_ship, _ship.c.id == _carton.c.shipment_id))
    .where(
        _carton.c.warehouse_id == WH,
        _carton.c.status == "closed",
        or_(_carton.c.shipment_id.is_(None), _ship.c.status != "confirmed"),
    )
)
OPEN_SHIPMENTS = select(func.count().label("n"), func.min(_ship.c.created_at).label("since")).where(
    _ship.c.warehouse_id == WH, _ship.c.status == "open"
)

_who, _where = _user.alias("who"), _loc.alias("place")
OPEN_EXCEPTIONS = select(func.count().label("n"), func.min(_exc.c.at).label("since")).where(
    _exc.c.warehouse_id == WH, _exc.c.resolved_at.is_(None)
)
LATEST_EXCEPTIONS = (
    select(
        _exc.c.id,
        _exc.c.kind,
        _exc.c.at,
        _exc.c.device_id,
        _exc.c.details,
        _exc.c.actor_id,
        _who.c.username,
        _who.c.display_name,
        _exc.c.location_id,
        _where.c.code.label("location_code"),
        _exc.c.item_id,
        _item.c.sku,
        _exc.c.order_id,
        _ord.c.external_id,
    )
    .select_from(_exc)
    .outerjoin(_who, _who.c.id == _exc.c.actor_id)
    .outerjoin(_where, _where.c.id == _exc.c.location_id)
    .outerjoin(_item, _item.c.id == _exc.c.item_id)
    .outerjoin(_ord, _ord.c.id == _exc.c.order_id)
    .where(_exc.c.warehouse_id == WH, _exc.c.resolved_at.is_(None))
    .order_by(_exc.c.at.desc(), _exc.c.id.desc())
    .limit(bindparam("limit"))
)
OPEN_COUNTS = (
    select(_count.c.reason, func.count().label("n"), func.min(_count.c.created_at).label("since"))
    .where(_count.c.warehouse_id == WH, _count.c.status == "open")
    .group_by(_count.c.reason)
)

# Picks out of this warehouse's bins since :since, per picker: a movement row is a line.
# Only units that went somewhere real (a tote at the pack station): a short pick's
# write-off line (bin -> INV-ADJ) is stock that was not there, not work done.
_VIRTUAL = select(_loc.c.id).where(_loc.c.is_virtual.is_(True)).scalar_subquery()
WORKER_RATES = (
    select(
        _mov.c.actor_id,
        _user.c.username,
        _user.c.display_name,
        func.count().label("lines"),
        func.sum(_mov.c.quantity).label("units"),
        func.max(_mov.c.occurred_at).label("last_at"),
    )
    .select_from(_mov.outerjoin(_user, _user.c.id == _mov.c.actor_id))
    .where(
        _mov.c.movement_type == "pick",
        _mov.c.occurred_at >= bindparam("since"),
        _mov.c.from_location_id.in_(_HERE),
        _mov.c.to_location_id.not_in(_VIRTUAL),
    )
    .group_by(_mov.c.actor_id, _user.c.username, _user.c.display_name)
    .order_by(func.count().desc(), _mov.c.actor_id)
)

# The newest postings that touched this warehouse: walk movements newest first (the primary
# key's index) and stop after :scan rows; then read those postings whole.
RECENT_POSTING_IDS = (
    select(_mov.c.posting_id)
    .where(or_(_mov.c.from_location_id.in_(_HERE), _mov.c.to_location_id.in_(_HERE)))
    .order_by(_mov.c.id.desc())
    .limit(bindparam("scan"))
)
_from, _to = _loc.alias("from_loc"), _loc.alias("to_loc")
POSTING_LINES = (
    select(
        _mov.c.posting_id,
        _mov.c.movement_type,
        _mov.c.quantity,
        _mov.c.reason_code,
        _post.c.recorded_at,
        _post.c.actor_id,
        _user.c.username,
        _item.c.sku,
        _mov.c.from_location_id,
        _mov.c.to_location_id,
        _from.c.code.label("from_code"),
        _from.c.warehouse_id.label("from_wh"),
        _from.c.is_virtual.label("from_virtual"),
        _to.c.code.label("to_code"),
        _to.c.warehouse_id.label("to_wh"),
        _to.c.is_virtual.label("to_virtual"),
    )
    .select_from(_mov.join(_post, _post.c.id == _mov.c.posting_id))
    .join(_item, _item.c.id == _mov.c.item_id)
    .join(_from, _from.c.id == _mov.c.from_location_id)
    .join(_to, _to.c.id == _mov.c.to_location_id)
    .outerjoin(_user, _user.c.id == _post.c.actor_id)
    .where(_mov.c.posting_id.in_(bindparam("ids", expanding=True)))
    .order_by(_mov.c.posting_id.desc(), _mov.c.id)
)

WAREHOUSE = select(_loc.c.id, _loc.c.code, _loc.c.name).where(
    _loc.c.id == WH, _loc.c.level == "warehouse"
)


def one(conn: Connection, stmt: Any, **params: Any) -> Row[Any]:
    return conn.execute(stmt, params).one()


def rows(conn: Connection, stmt: Any, **params: Any) -> list[Row[Any]]:
    return list(conn.execute(stmt, params).all())


def ready_to_pack(conn: Connection, wh: int) -> tuple[int, datetime | None]:
    found = rows(conn, READY_TO_PACK, wh=wh)
    stamps = [r.since for r in found if r.since is not None]
    return len(found), min(stamps) if stamps else None


def to_inspect(wh: int) -> tuple[int, int, datetime | None]:
    """RMAs with units awaiting inspection here, those units, and the oldest arrival: the
    returns context's own summary (returns/queries.py), so the queue has one definition."""
    from ..returns.queries import uninspected_summary

    rmas, units, oldest = uninspected_summary(wh)
    return int(rmas), int(units), oldest


def count_approvals(wh: int) -> tuple[int, datetime | None, int, int, int]:
    """Count tasks waiting for approval here, since when the oldest waits, how many need a
    manager; and the open and recount tasks (counting/queue_queries.py)."""
    from ..counting.queue_queries import approval_summary, open_summary

    tasks, oldest, needs_manager = approval_summary(wh)
    open_, recount = open_summary(wh)
    return int(tasks), oldest, int(needs_manager), int(open_), int(recount)


def replenishment_queue(conn: Connection, wh: int) -> tuple[int, int, int, datetime | None]:
    """Live replenishment tasks here: open, claimed, units still to move, the oldest's time
    (replenishment/queries.py)."""
    from ..replenishment.queries import queue_summary

    s = queue_summary(conn, wh)
    return s.open, s.claimed, s.units, s.oldest


def low_stock_counts(conn: Connection, wh: int) -> tuple[int, int]:
    """Pick faces below min and items low in the warehouse (replenishment/low_stock.py)."""
    from ..replenishment.low_stock import low_stock_of

    found = low_stock_of(conn, wh, "")
    return len(found.pick_faces), len(found.items)


def recent_posting_ids(conn: Connection, wh: int, n: int) -> list[int]:
    seen: list[int] = []
    for (posting_id,) in conn.execute(RECENT_POSTING_IDS, {"wh": wh, "scan": n * 8}):
        if posting_id not in seen:
            seen.append(posting_id)
            if len(seen) == n:
                break
    return seen
