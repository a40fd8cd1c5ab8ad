"""Reads of returns: one RMA whole (five statements whatever its size), RMA lists with
their unit totals, the warehouse's locations a return uses, and the board's uninspected
queue. Statements are Core, built once."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.engine import Connection

from ..allocation.models import Channel, Order
from ..auth.models import User
from ..catalog.models import Barcode, Item, Location, Lot, PackLevel
from ..errors import NotConfigured, NotFound
from ..extensions import db
from ..purchasing.models import Supplier
from ..timeutil import as_utc, utcnow
from .models import ReturnAuthorisation, ReturnInspection, ReturnLine, ReturnPhoto
from .rules import ARRIVED, age_minutes, disposition_seconds, money, parse_rma_number, rma_number
from .views import (
    BarcodeRef,
    InspectionView,
    ItemRef,
    LineView,
    OrderRef,
    PhotoView,
    QueueRow,
    Ref,
    RmaSummary,
    RmaView,
    UserRef,
)

PHOTO_URL = "/api/v1/returns/photos/{id}"
MAX_LIST = 200

_R = ReturnAuthorisation.__table__
_RL = ReturnLine.__table__
_RI = ReturnInspection.__table__
_RP = ReturnPhoto.__table__
_CH = Channel.__table__
_O = Order.__table__
_LOC = Location.__table__
_WH = _LOC.alias("wh")
_I = Item.__table__
_LOT = Lot.__table__
_BC = Barcode.__table__
_PK = PackLevel.__table__
_U = User.__table__
_S = Supplier.__table__

_CREDIT = (
    select(func.coalesce(func.sum(_RI.c.credit_amount), 0))
    .where(_RI.c.rma_id == _R.c.id)
    .correlate(_R)
    .scalar_subquery()
)
_HEAD = (
    select(
        _R,
        _CH.c.code.label("channel_code"),
        _O.c.external_id.label("order_external_id"),
        _WH.c.code.label("warehouse_code"),
        _CREDIT.label("credit_due"),
    )
    .join(_CH, _CH.c.id == _R.c.channel_id)
    .join(_O, _O.c.id == _R.c.order_id)
    .join(_WH, _WH.c.id == _R.c.warehouse_id)
)
_HEAD_BY_ID = _HEAD.where(_R.c.id == bindparam("id"))
_LINES = (
    select(_RL, _I.c.sku, _I.c.name, _LOT.c.code.label("lot_code"))
    .join(_I, _I.c.id == _RL.c.item_id)
    .outerjoin(_LOT, _LOT.c.id == _RL.c.lot_id)
    .where(_RL.c.rma_id == bindparam("id"))
    .order_by(_RL.c.line_no)
)
_ITEM_BARCODES = (
    select(_PK.c.item_id, _BC.c.code, _PK.c.quantity)
    .join(_BC, _BC.c.pack_id == _PK.c.id)
    .where(_PK.c.item_id.in_(bindparam("ids", expanding=True)))
    .order_by(_PK.c.item_id, _PK.c.quantity, _BC.c.id)
)
_INSPECTIONS = (
    select(
        _RI,
        _LOC.c.code.label("to_code"),
        _S.c.code.label("supplier_code"),
        _U.c.username,
    )
    .join(_LOC, _LOC.c.id == _RI.c.to_location_id)
    .outerjoin(_S, _S.c.id == _RI.c.supplier_id)
    .outerjoin(_U, _U.c.id == _RI.c.inspected_by)
    .where(_RI.c.rma_id == bindparam("id"))
    .order_by(_RI.c.id)
)
_PHOTOS = (
    select(_RP.c.id, _RP.c.return_line_id, _RP.c.content_type, _RP.c.byte_size, _RP.c.created_at)
    .where(_RP.c.rma_id == bindparam("id"))
    .order_by(_RP.c.id)
)
_UNITS = (
    select(
        _RL.c.rma_id,
        func.sum(_RL.c.expected_qty).label("expected"),
        func.sum(_RL.c.received_qty).label("received"),
        func.sum(_RL.c.inspected_qty).label("inspected"),
    )
    .group_by(_RL.c.rma_id)
    .subquery("units")
)
_PHOTO_DATA = select(_RP.c.id, _RP.c.rma_id, _RP.c.content_type, _RP.c.data).where(
    _RP.c.id == bindparam("id")
)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _head_fields(r: Any, now: datetime) -> dict[str, Any]:
    arrived, completed = _utc(r.arrived_at), _utc(r.completed_at)
    return {
        "id": int(r.id),
        "number": rma_number(int(r.id)),
        "channel": Ref(int(r.channel_id), str(r.channel_code)),
        "external_id": r.external_id,
        "order": OrderRef(int(r.order_id), str(r.order_external_id)),
        "warehouse": Ref(int(r.warehouse_id), str(r.warehouse_code)),
        "source": r.source,
        "status": r.status,
        "reason": r.reason,
        "customer_name": r.customer_name,
        "customer_email": r.customer_email,
        "note": r.note,
        "created_at": as_utc(r.created_at),
        "arrived_at": arrived,
        "receipt_closed_at": _utc(r.receipt_closed_at),
        "completed_at": completed,
        "age_minutes": age_minutes(arrived, completed, now),
        "disposition_seconds": disposition_seconds(arrived, completed),
        "credit_due": money(Decimal(r.credit_due or 0)),
    }


def item_refs(conn: Connection, items: dict[int, tuple[str, str]]) -> dict[int, ItemRef]:
    """Each item (id -> (sku, name)) with every barcode of each of its packs."""
    codes: dict[int, list[BarcodeRef]] = defaultdict(list)
    if items:
        for item_id, code, quantity in conn.execute(_ITEM_BARCODES, {"ids": sorted(items)}):
            codes[item_id].append(BarcodeRef(str(code), int(quantity)))
    return {i: ItemRef(i, sku, name, codes.get(i, [])) for i, (sku, name) in items.items()}


def _line(r: Any, item: ItemRef) -> LineView:
    return LineView(
        id=int(r.id),
        line_no=int(r.line_no),
        order_line_id=r.order_line_id,
        item=item,
        lot=None if r.lot_id is None else Ref(int(r.lot_id), str(r.lot_code)),
        expected_qty=int(r.expected_qty),
        received_qty=int(r.received_qty),
        inspected_qty=int(r.inspected_qty),
        awaiting_inspection=int(r.received_qty) - int(r.inspected_qty),
        flag=r.flag,
        reason=r.reason,
        unit_price=r.unit_price,
    )


def _inspection(r: Any) -> InspectionView:
    return InspectionView(
        id=int(r.id),
        return_line_id=int(r.return_line_id),
        quantity=int(r.quantity),
        disposition=r.disposition,
        to_location=Ref(int(r.to_location_id), str(r.to_code)),
        reason_code=r.reason_code,
        credit=r.credit,
        restocking_fee=money(Decimal(r.restocking_fee)),
        credit_amount=money(Decimal(r.credit_amount)),
        supplier=None if r.supplier_id is None else Ref(int(r.supplier_id), str(r.supplier_code)),
        photo_id=r.photo_id,
        posting_id=int(r.posting_id),
        inspected_by=None if r.inspected_by is None else UserRef(int(r.inspected_by), r.username),
        inspected_at=as_utc(r.inspected_at),
        note=r.note,
    )


def photo_view(r: Any) -> PhotoView:
    return PhotoView(
        id=int(r.id),
        return_line_id=r.return_line_id,
        content_type=r.content_type,
        byte_size=int(r.byte_size),
        url=PHOTO_URL.format(id=int(r.id)),
        created_at=as_utc(r.created_at),
    )


def rma_view(rma_id: int) -> RmaView:
    """The RMA whole: head, lines (items with their barcodes), inspections and photos."""
    conn = db.session.connection()
    head = conn.execute(_HEAD_BY_ID, {"id": rma_id}).first()
    if head is None:
        raise NotFound("no such return", {"rma_id": rma_id})
    lines = conn.execute(_LINES, {"id": rma_id}).all()
    items = item_refs(conn, {int(r.item_id): (str(r.sku), str(r.name)) for r in lines})
    return RmaView(
        **_head_fields(head, utcnow()),
        lines=[_line(r, items[int(r.item_id)]) for r in lines],
        inspections=[_inspection(r) for r in conn.execute(_INSPECTIONS, {"id": rma_id})],
        photos=[photo_view(r) for r in conn.execute(_PHOTOS, {"id": rma_id})],
    )


def rma_row(rma_id: int, *, lock: bool = False) -> Any:
    """The RMA's own row; lock=True holds it to the end of the transaction (PostgreSQL: every
    step of one RMA runs in turn; SQLite has one writer anyway)."""
    statement = select(_R).where(_R.c.id == rma_id)
    if lock:
        statement = statement.with_for_update()
    row = db.session.connection().execute(statement).first()
    if row is None:
        raise NotFound("no such return", {"rma_id": rma_id})
    return row


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_rmas(
    *,
    warehouse_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
    limit: int = MAX_LIST,
) -> list[RmaSummary]:
    """RMAs newest first with their unit totals; q matches the RMA number, its or its
    order's external id, or the customer's name or e-mail."""
    statement = (
        _HEAD.add_columns(_UNITS.c.expected, _UNITS.c.received, _UNITS.c.inspected)
        .outerjoin(_UNITS, _UNITS.c.rma_id == _R.c.id)
        .order_by(_R.c.id.desc())
        .limit(min(limit, MAX_LIST))
    )
    if warehouse_id is not None:
        statement = statement.where(_R.c.warehouse_id == warehouse_id)
    if status is not None:
        statement = statement.where(_R.c.status == status)
    if q and q.strip():
        text = q.strip()
        pattern = f"%{_escape_like(text.lower())}%"
        conditions = [
            func.lower(_R.c.external_id).like(pattern, escape="\\"),
            func.lower(_O.c.external_id).like(pattern, escape="\\"),
            func.lower(_R.c.customer_name).like(pattern, escape="\\"),
            func.lower(_R.c.customer_email).like(pattern, escape="\\"),
        ]
        number = parse_rma_number(text)
        if number is not None:
            conditions.append(_R.c.id == number)
        statement = statement.where(or_(*conditions))
    now = utcnow()
    out = []
    for r in db.session.connection().execute(statement):
        expected, received, inspected = (int(v or 0) for v in (r.expected, r.received, r.inspected))
        out.append(
            RmaSummary(
                **_head_fields(r, now),
                units_expected=expected,
                units_received=received,
                units_awaiting=received - inspected,
            )
        )
    return out


def typed_location(conn: Connection, warehouse_id: int, type_: str) -> Ref | None:
    """The warehouse's location of this type: the first active one on the walk (then by
    code); None when the warehouse has none."""
    row = conn.execute(
        select(_LOC.c.id, _LOC.c.code)
        .where(
            _LOC.c.warehouse_id == warehouse_id,
            _LOC.c.type == type_,
            _LOC.c.active.is_(True),
            _LOC.c.is_virtual.is_(False),
        )
        .order_by(_LOC.c.walk_sequence.is_(None), _LOC.c.walk_sequence, _LOC.c.code, _LOC.c.id)
        .limit(1)
    ).first()
    return None if row is None else Ref(int(row.id), str(row.code))


def virtual_location(conn: Connection, code: str) -> Ref:
    row = conn.execute(
        select(_LOC.c.id, _LOC.c.code).where(_LOC.c.code == code, _LOC.c.is_virtual.is_(True))
    ).first()
    if row is None:
        raise NotConfigured(f"the {code} virtual location is missing", {"code": code})
    return Ref(int(row.id), str(row.code))


def photo_file(photo_id: int) -> tuple[bytes, str]:
    """A photo's bytes and content type (NotFound if there is none)."""
    row = db.session.connection().execute(_PHOTO_DATA, {"id": photo_id}).first()
    if row is None:
        raise NotFound("no such photo", {"photo_id": photo_id})
    return bytes(row.data), str(row.content_type)


# --- the board's queue ------------------------------------------------------------------

_QUEUE = (
    select(
        _R.c.id,
        _O.c.external_id,
        _R.c.arrived_at,
        (_UNITS.c.received - _UNITS.c.inspected).label("awaiting"),
    )
    .join(_O, _O.c.id == _R.c.order_id)
    .join(_UNITS, _UNITS.c.rma_id == _R.c.id)
    .where(
        _R.c.warehouse_id == bindparam("wh"),
        _R.c.status == ARRIVED,
        _UNITS.c.received > _UNITS.c.inspected,
    )
    .order_by(_R.c.arrived_at, _R.c.id)
)
_SUMMARY = (
    select(
        func.count(_R.c.id),
        func.coalesce(func.sum(_UNITS.c.received - _UNITS.c.inspected), 0),
        func.min(_R.c.arrived_at),
    )
    .join(_UNITS, _UNITS.c.rma_id == _R.c.id)
    .where(
        _R.c.warehouse_id == bindparam("wh"),
        _R.c.status == ARRIVED,
        _UNITS.c.received > _UNITS.c.inspected,
    )
)


def uninspected_queue(warehouse_id: int) -> list[QueueRow]:
    """Arrived RMAs with units waiting for inspection in a warehouse, oldest arrival first."""
    rows = db.session.connection().execute(_QUEUE, {"wh": warehouse_id})
    return [
        QueueRow(int(r.id), rma_number(int(r.id)), str(r.external_id), int(r.awaiting),
                 _utc(r.arrived_at))
        for r in rows
    ]  # fmt: skip


def uninspected_summary(warehouse_id: int) -> tuple[int, int, datetime | None]:
    """(RMAs waiting for inspection, units waiting, the oldest one's arrival) for the board."""
    rmas, units, oldest = db.session.connection().execute(_SUMMARY, {"wh": warehouse_id}).one()
    return int(rmas or 0), int(units or 0), _utc(oldest)
