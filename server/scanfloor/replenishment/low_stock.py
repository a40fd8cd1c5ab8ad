"""Low-stock alerts of a warehouse, for the supervisor board and the console.

Two lists:
- pick faces below their min (what the face's bin holds of its item, every lot and
  container, is below min_qty), each with its live replenishment task if there is one;
- items short in the warehouse as a whole: sellable on hand (units in the warehouse's
  sellable, non-virtual locations) at or below the min_qty of the item's active `min_max`
  reorder policy there (reason `below_min`), or sellable on hand of 0 while order-line
  units wait unallocated (reason `out_with_demand`). Waiting units are those of order
  lines in received / backordered / partially_allocated minus what is reserved or already
  consumed, for channels whose first warehouse (lowest id) is this one, as purchasing
  counts backorders.
Reads only; a fixed number of statements whatever the size of the warehouse."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection

from ..allocation.models import ChannelWarehouse, Order, OrderLine
from ..allocation.rules import WAITING
from ..catalog.models import Item, Location
from ..extensions import db
from ..ledger.models import Balance
from ..purchasing.terms_models import ReorderPolicy
from . import queries
from .views import BinRef, ItemRef, Ref, faces_of

_B = Balance.__table__
_LOC = Location.__table__
_I = Item.__table__
_RP = ReorderPolicy.__table__
_OL = OrderLine.__table__
_O = Order.__table__
_CW = ChannelWarehouse.__table__

BELOW_MIN = "below_min"
OUT_WITH_DEMAND = "out_with_demand"


@dataclass(frozen=True)
class LowFace:
    pick_face_id: int
    location: BinRef
    item: ItemRef
    quantity: int
    min_qty: int
    max_qty: int
    live_task_id: int | None


@dataclass(frozen=True)
class LowItem:
    item: ItemRef
    on_hand: int
    min_qty: int | None
    reason: str
    backordered: int


@dataclass(frozen=True)
class LowStock:
    warehouse: Ref
    pick_faces: list[LowFace]
    items: list[LowItem]

    @property
    def total(self) -> int:
        return len(self.pick_faces) + len(self.items)


_SELLABLE = (
    select(_B.c.item_id, func.sum(_B.c.quantity).label("on_hand"))
    .select_from(_B.join(_LOC, _LOC.c.id == _B.c.location_id))
    .where(
        _LOC.c.warehouse_id == bindparam("wh"),
        _LOC.c.sellable.is_(True),
        _LOC.c.is_virtual.is_(False),
    )
    .group_by(_B.c.item_id)
    .subquery()
)
_POLICY_LOW = (
    select(
        _I.c.id,
        _I.c.sku,
        _I.c.name,
        _RP.c.min_qty,
        func.coalesce(_SELLABLE.c.on_hand, 0).label("on_hand"),
    )
    .select_from(
        _RP.join(_I, _I.c.id == _RP.c.item_id).outerjoin(
            _SELLABLE, _SELLABLE.c.item_id == _RP.c.item_id
        )
    )
    .where(
        _RP.c.warehouse_id == bindparam("wh"),
        _RP.c.active.is_(True),
        _RP.c.policy == "min_max",
        _RP.c.min_qty.is_not(None),
        func.coalesce(_SELLABLE.c.on_hand, 0) <= _RP.c.min_qty,
    )
)
_FIRST_WAREHOUSE = (
    select(_CW.c.channel_id, func.min(_CW.c.warehouse_id).label("warehouse_id"))
    .group_by(_CW.c.channel_id)
    .subquery()
)
_WAITING_UNITS = _OL.c.quantity - _OL.c.reserved_qty - _OL.c.consumed_qty
_WAITING = (
    select(_OL.c.item_id, func.sum(_WAITING_UNITS).label("waiting"))
    .select_from(
        _OL.join(_O, _O.c.id == _OL.c.order_id).join(
            _FIRST_WAREHOUSE,
            and_(
                _FIRST_WAREHOUSE.c.channel_id == _O.c.channel_id,
                _FIRST_WAREHOUSE.c.warehouse_id == bindparam("wh"),
            ),
        )
    )
    .where(_OL.c.status.in_(WAITING))
    .group_by(_OL.c.item_id)
    .having(func.sum(_WAITING_UNITS) > 0)
    .subquery()
)
_OUT_WITH_DEMAND = (
    select(
        _I.c.id,
        _I.c.sku,
        _I.c.name,
        _WAITING.c.waiting,
        func.coalesce(_SELLABLE.c.on_hand, 0).label("on_hand"),
    )
    .select_from(
        _WAITING.join(_I, _I.c.id == _WAITING.c.item_id).outerjoin(
            _SELLABLE, _SELLABLE.c.item_id == _WAITING.c.item_id
        )
    )
    .where(func.coalesce(_SELLABLE.c.on_hand, 0) <= 0)
)


def _items(conn: Connection, warehouse_id: int) -> list[LowItem]:
    params = {"wh": warehouse_id}
    waiting = {int(r.id): (r, int(r.waiting)) for r in conn.execute(_OUT_WITH_DEMAND, params)}
    found: dict[int, LowItem] = {}
    for r in conn.execute(_POLICY_LOW, params):
        found[int(r.id)] = LowItem(
            ItemRef(int(r.id), r.sku, r.name),
            int(r.on_hand),
            int(r.min_qty),
            BELOW_MIN,
            waiting.get(int(r.id), (None, 0))[1],
        )
    for item_id, (r, units) in waiting.items():
        if item_id not in found:
            found[item_id] = LowItem(
                ItemRef(item_id, r.sku, r.name), int(r.on_hand), None, OUT_WITH_DEMAND, units
            )
    return sorted(found.values(), key=lambda x: (x.on_hand, x.item.sku))


def low_stock(warehouse: int | str, *, viewer_id: int) -> LowStock:
    """Faces below min and items at or below their reorder min (or out with demand)."""
    wh = queries.warehouse(warehouse)
    queries.require_rights(viewer_id, wh.id)
    return low_stock_of(db.session.connection(), wh.id, wh.code)


def low_stock_of(conn: Connection, warehouse_id: int, code: str) -> LowStock:
    faces = [
        LowFace(f.id, f.location, f.item, f.quantity, f.min_qty, f.max_qty, f.live_task_id)
        for f in faces_of(conn, warehouse_id)
        if f.below_min
    ]
    return LowStock(Ref(warehouse_id, code), faces, _items(conn, warehouse_id))
