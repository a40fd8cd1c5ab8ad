"""Reads behind packing: an order's lines, its totes and what they hold, its cartons and what
was packed into them. Core statements built once; a fixed number per call.

What a carton holds is read from the pack postings (source "carton", indexed) net of their
reversals, not from balances: the record stays true after the carton ships (its stock then
sits at Customer), so documents printed later say what went into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select

from ..allocation.models import Channel, Order, OrderLine
from ..catalog.models import Barcode, Container, Item, Location, PackLevel
from ..extensions import db
from ..ledger.models import Balance, Movement
from ..picking.models import WaveOrder
from .models import Carton, CartonType
from .rules import Line, Packed, ToteStock

SOURCE_TYPE = "carton"
_O, _L, _CH = Order.__table__, OrderLine.__table__, Channel.__table__
_C, _CT, _K = Carton.__table__, CartonType.__table__, Container.__table__
_B, _M, _WO = Balance.__table__, Movement.__table__, WaveOrder.__table__
_I, _P, _BC, _LOC = Item.__table__, PackLevel.__table__, Barcode.__table__, Location.__table__
_REV = _M.alias("rev")


@dataclass(frozen=True)
class OrderHead:
    id: int
    external_id: str
    channel: str
    status: str
    ship_to: dict[str, Any]


@dataclass(frozen=True)
class CartonRow:
    id: int
    order_id: int
    container_id: int
    sscc: str
    warehouse_id: int
    location_id: int
    seq: int
    status: str
    carton_type_code: str | None
    carton_type_name: str | None
    weight_g: int | None
    tracking_number: str | None
    shipment_id: int | None
    closed_at: datetime | None


@dataclass(frozen=True)
class ItemInfo:
    id: int
    sku: str
    name: str
    barcodes: tuple[str, ...]


_ORDER = (
    select(_O.c.id, _O.c.external_id, _CH.c.code, _O.c.status, _O.c.ship_to)
    .join(_CH, _CH.c.id == _O.c.channel_id)
    .where(_O.c.id == bindparam("id"))
)
_ORDERS_BY_EXTERNAL = select(_O.c.id).where(_O.c.external_id == bindparam("ext")).limit(3)
_LOCK_ORDER = select(_O.c.id).where(_O.c.id == bindparam("id")).with_for_update()
_LINES = (
    select(_L.c.id, _L.c.item_id, _L.c.quantity, _L.c.consumed_qty, _L.c.status)
    .where(_L.c.order_id == bindparam("id"))
    .order_by(_L.c.id)
)
_TOTES = (
    select(_K.c.id, _K.c.code)
    .join(_WO, _WO.c.tote_container_id == _K.c.id)
    .where(_WO.c.order_id == bindparam("id"), _WO.c.open.is_(True))
    .order_by(_K.c.id)
)
_ORDER_OF_TOTE = (
    select(_WO.c.order_id)
    .where(_WO.c.tote_container_id == bindparam("tote"), _WO.c.open.is_(True))
    .limit(1)
)
# By item first: the balance key's unique index starts with the item.
_TOTE_STOCK = select(
    _B.c.container_id, _B.c.location_id, _B.c.item_id, _B.c.lot_id, _B.c.quantity
).where(
    _B.c.item_id.in_(bindparam("items", expanding=True)),
    _B.c.container_id.in_(bindparam("totes", expanding=True)),
    _B.c.quantity > 0,
)
_CARTON_COLUMNS = (
    _C.c.id,
    _C.c.order_id,
    _C.c.container_id,
    _K.c.code,
    _C.c.warehouse_id,
    _C.c.location_id,
    _C.c.seq,
    _C.c.status,
    _CT.c.code,
    _CT.c.name,
    _C.c.weight_g,
    _C.c.tracking_number,
    _C.c.shipment_id,
    _C.c.closed_at,
)
_CARTONS_FROM = _C.join(_K, _K.c.id == _C.c.container_id).outerjoin(
    _CT, _CT.c.id == _C.c.carton_type_id
)
_CARTONS_OF_ORDER = (
    select(*_CARTON_COLUMNS)
    .select_from(_CARTONS_FROM)
    .where(_C.c.order_id == bindparam("id"))
    .order_by(_C.c.seq, _C.c.id)
)
_CARTON = select(*_CARTON_COLUMNS).select_from(_CARTONS_FROM).where(_C.c.id == bindparam("id"))
_LOCK_CARTON = select(_C.c.id).where(_C.c.id == bindparam("id")).with_for_update()
_CARTON_OF_CONTAINER = select(_C.c.order_id).where(_C.c.container_id == bindparam("cid"))
_COUNT_CARTONS = select(func.count()).select_from(_C).where(_C.c.order_id == bindparam("id"))
_PACKED = (
    select(
        _M.c.source_id,
        _M.c.item_id,
        _M.c.lot_id,
        func.sum(_M.c.quantity - func.coalesce(_REV.c.quantity, 0)),
    )
    .select_from(_M.outerjoin(_REV, _REV.c.reverses_movement_id == _M.c.id))
    .where(
        _M.c.source_type == SOURCE_TYPE,
        _M.c.movement_type == "pack",
        _M.c.source_id.in_(bindparam("ids", expanding=True)),
    )
    .group_by(_M.c.source_id, _M.c.item_id, _M.c.lot_id)
)
_ITEMS = select(_I.c.id, _I.c.sku, _I.c.name).where(_I.c.id.in_(bindparam("ids", expanding=True)))
_ITEM_BARCODES = (
    select(_P.c.item_id, _BC.c.code)
    .join(_P, _P.c.id == _BC.c.pack_id)
    .where(_P.c.item_id.in_(bindparam("ids", expanding=True)))
    .order_by(_P.c.quantity, _BC.c.id)
)
_PLACE = select(
    _LOC.c.id,
    _LOC.c.code,
    _LOC.c.name,
    _LOC.c.type,
    _LOC.c.warehouse_id,
    _LOC.c.active,
    _LOC.c.is_virtual,
).where(_LOC.c.id == bindparam("id"))
_CARTON_TYPE = select(
    _CT.c.id, _CT.c.code, _CT.c.name, _CT.c.tare_g, _CT.c.max_weight_g, _CT.c.active
).where(_CT.c.code == bindparam("code"))


def _conn() -> Any:
    return db.session.connection()


def order_head(order_id: int) -> OrderHead | None:
    row = _conn().execute(_ORDER, {"id": order_id}).first()
    if row is None:
        return None
    return OrderHead(int(row[0]), row[1], row[2], row[3], dict(row[4] or {}))


def orders_by_external_id(external_id: str) -> list[int]:
    return [int(r[0]) for r in _conn().execute(_ORDERS_BY_EXTERNAL, {"ext": external_id})]


def lock_order(order_id: int) -> bool:
    """Hold the order's row (PostgreSQL) so its cartons are numbered one at a time."""
    return _conn().execute(_LOCK_ORDER, {"id": order_id}).first() is not None


def lines(order_id: int) -> list[Line]:
    return [
        Line(int(r[0]), int(r[1]), int(r[2]), int(r[3]), r[4])
        for r in _conn().execute(_LINES, {"id": order_id})
    ]


def totes(order_id: int) -> list[tuple[int, str]]:
    """The order's totes (bound by picking to its open wave order)."""
    return [(int(r[0]), r[1]) for r in _conn().execute(_TOTES, {"id": order_id})]


def order_of_tote(container_id: int) -> int | None:
    found = _conn().execute(_ORDER_OF_TOTE, {"tote": container_id}).scalar()
    return None if found is None else int(found)


def order_of_carton_container(container_id: int) -> int | None:
    found = _conn().execute(_CARTON_OF_CONTAINER, {"cid": container_id}).scalar()
    return None if found is None else int(found)


def tote_stock(tote_ids: Sequence[int], item_ids: Sequence[int]) -> list[ToteStock]:
    if not tote_ids or not item_ids:
        return []
    rows = _conn().execute(
        _TOTE_STOCK, {"totes": sorted(set(tote_ids)), "items": sorted(set(item_ids))}
    )
    return [ToteStock(int(r[0]), int(r[1]), int(r[2]), r[3], int(r[4])) for r in rows]


def _carton(row: Any) -> CartonRow:
    return CartonRow(
        id=int(row[0]),
        order_id=int(row[1]),
        container_id=int(row[2]),
        sscc=row[3],
        warehouse_id=int(row[4]),
        location_id=int(row[5]),
        seq=int(row[6]),
        status=row[7],
        carton_type_code=row[8],
        carton_type_name=row[9],
        weight_g=row[10],
        tracking_number=row[11],
        shipment_id=row[12],
        closed_at=row[13],
    )


def cartons_of_order(order_id: int) -> list[CartonRow]:
    return [_carton(r) for r in _conn().execute(_CARTONS_OF_ORDER, {"id": order_id})]


def carton(carton_id: int, *, lock: bool = False) -> CartonRow | None:
    if lock and _conn().execute(_LOCK_CARTON, {"id": carton_id}).first() is None:
        return None
    row = _conn().execute(_CARTON, {"id": carton_id}).first()
    return None if row is None else _carton(row)


def carton_count(order_id: int) -> int:
    return int(_conn().execute(_COUNT_CARTONS, {"id": order_id}).scalar() or 0)


def packed(cartons: Sequence[CartonRow]) -> list[Packed]:
    """What went into each carton (pack postings net of their reversals)."""
    if not cartons:
        return []
    closed = {c.id: c.status != "open" for c in cartons}
    rows = _conn().execute(_PACKED, {"ids": [str(c.id) for c in cartons]})
    return [
        Packed(int(r[0]), int(r[1]), r[2], int(r[3]), closed[int(r[0])])
        for r in rows
        if int(r[3]) != 0
    ]


def items(item_ids: Sequence[int]) -> dict[int, ItemInfo]:
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    codes: dict[int, list[str]] = {i: [] for i in ids}
    for item_id, code in _conn().execute(_ITEM_BARCODES, {"ids": ids}):
        codes[int(item_id)].append(code)
    return {
        int(r[0]): ItemInfo(int(r[0]), r[1], r[2], tuple(codes[int(r[0])]))
        for r in _conn().execute(_ITEMS, {"ids": ids})
    }


def place(location_id: int) -> Any:
    return _conn().execute(_PLACE, {"id": location_id}).first()


def carton_type(code: str) -> Any:
    return _conn().execute(_CARTON_TYPE, {"code": code}).first()
