"""Reads for shipping: shipments and their cartons as views, rows held for a change.

Core statements built once (a carton scan reads a few rows); `lock=True` reads take the
row's lock on PostgreSQL (FOR UPDATE renders nothing on SQLite, whose writer is alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..allocation.models import Order
from ..catalog.models import Container, Location
from ..errors import NotFound
from ..extensions import db
from ..packing.models import Carton
from ..timeutil import as_utc
from .carriers import CarrierConfig, Parcel, adapter_for
from .models import Carrier, Shipment
from .rules import RateQuote

_S = Shipment.__table__
_K = Carton.__table__
_C = Carrier.__table__
_O = Order.__table__
_L = Location.__table__
_CT = Container.__table__

_SHIPMENT = select(_S).where(_S.c.id == bindparam("id"))
_SHIPMENT_LOCKED = _SHIPMENT.with_for_update()
_CARRIER_BY_ID = select(_C).where(_C.c.id == bindparam("id"))
_CARRIER_BY_CODE = select(_C).where(_C.c.code == bindparam("code"))
_CARTON_COLUMNS = (
    _K.c.id,
    _K.c.container_id,
    _K.c.order_id,
    _K.c.warehouse_id,
    _K.c.location_id,
    _K.c.status,
    _K.c.shipment_id,
    _K.c.tracking_number,
    _K.c.weight_g,
    _CT.c.code.label("sscc"),
    _O.c.external_id,
    _O.c.channel_id,
    _O.c.ship_to,
    _O.c.status.label("order_status"),
)
_CARTON_FROM = _K.join(_CT, _CT.c.id == _K.c.container_id).join(_O, _O.c.id == _K.c.order_id)
_CARTON_OF_CONTAINER = (
    select(*_CARTON_COLUMNS)
    .select_from(_CARTON_FROM)
    .where(_K.c.container_id == bindparam("container_id"))
)
_CARTON_OF_CONTAINER_LOCKED = _CARTON_OF_CONTAINER.with_for_update(of=_K)
_CARTON_BY_ID_LOCKED = (
    select(*_CARTON_COLUMNS)
    .select_from(_CARTON_FROM)
    .where(_K.c.id == bindparam("id"))
    .with_for_update(of=_K)
)
_CARTONS_OF_SHIPMENT = (
    select(*_CARTON_COLUMNS)
    .select_from(_CARTON_FROM)
    .where(_K.c.shipment_id == bindparam("shipment_id"))
    .order_by(_K.c.order_id, _K.c.seq, _K.c.id)
)
_CARTONS_OF_SHIPMENT_LOCKED = _CARTONS_OF_SHIPMENT.with_for_update(of=_K)
_ORDERS = select(_O.c.id, _O.c.external_id, _O.c.status).where(
    _O.c.id.in_(bindparam("ids", expanding=True))
)
_PLACES = select(_L.c.id, _L.c.code).where(_L.c.id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class CartonRow:
    id: int
    container_id: int
    order_id: int
    warehouse_id: int
    location_id: int
    status: str
    shipment_id: int | None
    tracking_number: str | None
    weight_g: int | None
    sscc: str
    external_id: str
    channel_id: int
    ship_to: dict[str, Any]
    order_status: str


def _carton(row: Any) -> CartonRow:
    return CartonRow(**{k: row._mapping[k] for k in CartonRow.__dataclass_fields__})


def shipment_row(shipment_id: int, *, lock: bool = False) -> Any:
    conn = db.session.connection()
    row = conn.execute(_SHIPMENT_LOCKED if lock else _SHIPMENT, {"id": shipment_id}).first()
    if row is None:
        raise NotFound("shipment not found", {"shipment_id": shipment_id})
    return row


def carrier_config(carrier_id: int) -> CarrierConfig:
    row = db.session.connection().execute(_CARRIER_BY_ID, {"id": carrier_id}).one()
    return CarrierConfig.of(row)


def carrier_by_code(code: str) -> Any:
    row = db.session.connection().execute(_CARRIER_BY_CODE, {"code": code.strip().upper()}).first()
    if row is None:
        raise NotFound("carrier not found", {"carrier": code})
    return row


def carton_of_container(container_id: int, *, lock: bool = False) -> CartonRow | None:
    stmt = _CARTON_OF_CONTAINER_LOCKED if lock else _CARTON_OF_CONTAINER
    row = db.session.connection().execute(stmt, {"container_id": container_id}).first()
    return None if row is None else _carton(row)


def carton_locked(carton_id: int) -> CartonRow | None:
    row = db.session.connection().execute(_CARTON_BY_ID_LOCKED, {"id": carton_id}).first()
    return None if row is None else _carton(row)


def cartons_of(conn: Connection, shipment_id: int, *, lock: bool = False) -> list[CartonRow]:
    stmt = _CARTONS_OF_SHIPMENT_LOCKED if lock else _CARTONS_OF_SHIPMENT
    return [_carton(r) for r in conn.execute(stmt, {"shipment_id": shipment_id})]


# --- views ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    id: int
    code: str


@dataclass(frozen=True)
class CarrierRef:
    code: str
    name: str


@dataclass(frozen=True)
class OrderRef:
    id: int
    external_id: str


@dataclass(frozen=True)
class ShippedCarton:
    id: int
    sscc: str
    order: OrderRef
    weight_g: int | None
    tracking_number: str | None
    tracking_url: str | None


@dataclass(frozen=True)
class ShipmentOrder:
    id: int
    external_id: str
    status: str


@dataclass(frozen=True)
class ShipmentView:
    id: int
    warehouse: Ref
    carrier: CarrierRef
    service: str
    dock_door: Ref | None
    status: str
    cartons: list[ShippedCarton]
    orders: list[ShipmentOrder]
    created_at: datetime
    confirmed_at: datetime | None
    rate: RateQuote
    replayed: bool = False


def shipment_view(shipment_id: int, replayed: bool = False) -> ShipmentView:
    conn = db.session.connection()
    s = shipment_row(shipment_id)
    config = carrier_config(s.carrier_id)
    adapter = adapter_for(config)
    cartons = cartons_of(conn, shipment_id)
    places = {
        r.id: r.code for r in conn.execute(_PLACES, {"ids": [s.warehouse_id, s.dock_door_id or 0]})
    }
    order_ids = sorted({c.order_id for c in cartons})
    orders = [
        ShipmentOrder(r.id, r.external_id, r.status)
        for r in (conn.execute(_ORDERS, {"ids": order_ids}) if order_ids else [])
    ]
    return ShipmentView(
        id=int(s.id),
        warehouse=Ref(s.warehouse_id, places[s.warehouse_id]),
        carrier=CarrierRef(config.code, config.name),
        service=s.service,
        dock_door=None if s.dock_door_id is None else Ref(s.dock_door_id, places[s.dock_door_id]),
        status=s.status,
        cartons=[
            ShippedCarton(
                id=int(c.id),
                sscc=c.sscc,
                order=OrderRef(c.order_id, c.external_id),
                weight_g=c.weight_g,
                tracking_number=c.tracking_number,
                tracking_url=(
                    adapter.tracking_url(c.tracking_number) if c.tracking_number else None
                ),
            )
            for c in cartons
        ],
        orders=sorted(orders, key=lambda o: o.id),
        created_at=as_utc(s.created_at),
        confirmed_at=None if s.confirmed_at is None else as_utc(s.confirmed_at),
        rate=adapter.rate(s.service, [Parcel(c.id, c.sscc, c.weight_g) for c in cartons]),
        replayed=replayed,
    )


def list_shipment_ids(warehouse_id: int | None, status: str | None, limit: int) -> list[int]:
    stmt = select(_S.c.id).order_by(_S.c.id.desc()).limit(limit)
    if warehouse_id is not None:
        stmt = stmt.where(_S.c.warehouse_id == warehouse_id)
    if status is not None:
        stmt = stmt.where(_S.c.status == status)
    return [int(i) for i in db.session.scalars(stmt)]
