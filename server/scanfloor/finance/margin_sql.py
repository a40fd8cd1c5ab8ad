"""The reads behind the margin report (margin_service.py): the journal's revenue, COGS and
customer-credit lines and the settlements' fees, summed in the database per order and month
(and per item, warehouse and shipment where the amount names them), filtered by entry date
and channel; then the facts of the orders and shipments they name.

Where each amount's order comes from:
- revenue: entries of kind "revenue" (source "order" / the order id); their shipment is the
  source of the posting they were booked with.
- COGS: entries of kind "shipment" (a ship movement; a reversal counts as the entry it
  reverses): the carton the movement left from names the order, the entry's source the
  shipment. Restocked returns: entries of kind "customer_return" (source "return" / the
  return's id): the return names the order.
- credits: entries of kind "customer_credit" (source "return_inspection" / its id): the
  inspection's return names the order, its return line the order line (if any).
- fees: settlement lines naming an order, dated by their settlement's entry.
- shipping: no entry (margin_rules: the carrier's invoice is booked elsewhere); the shipped
  cartons of the orders, dated by their shipment's ship movements (the moment its revenue
  and COGS are booked at), and the exchange rates of their currencies.
Sums are money to the cent (book_sql.money_of)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, case, cast, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from ..allocation.models import Channel, Order, OrderLine
from ..catalog.models import Item, Location
from ..ledger.models import Movement, Posting
from ..packing.models import Carton
from ..returns.models import ReturnAuthorisation, ReturnInspection, ReturnLine
from ..shipping.cost_rules import COST_PLACES
from ..shipping.models import Carrier, Shipment
from .book_sql import money_of
from .document_models import ChannelSettlement, ChannelSettlementLine
from .journal_models import JournalEntry, JournalLine
from .margin_rules import ShippedCartons
from .models import AccountRole, ExchangeRate
from .period_rules import utc_date

SHIPMENT_SOURCE = "shipment"
RETURN_SOURCE = "return"
FEE_KINDS = ("fee", "adjustment", "other")  # settlement_rules: booked to channel fees
_CHUNK = 1000
_RATE = Decimal("0.00000001")  # exchange_rates.rate: NUMERIC(18, 8)

_JE, _JL, _AR = JournalEntry.__table__, JournalLine.__table__, AccountRole.__table__
_REV = _JE.alias("reversed_entry")
_O, _OL, _CH = Order.__table__, OrderLine.__table__, Channel.__table__
_I, _LOC = Item.__table__, Location.__table__
_M, _P, _K = Movement.__table__, Posting.__table__, Carton.__table__
_R, _RL, _RI = ReturnAuthorisation.__table__, ReturnLine.__table__, ReturnInspection.__table__
_SH, _CA = Shipment.__table__, Carrier.__table__
_S, _SL = ChannelSettlement.__table__, ChannelSettlementLine.__table__
_XR = ExchangeRate.__table__


def _source_is(dialect: str, kind: str, row_id: Any, source_type: Any, source_id: Any) -> Any:
    """An entry whose source (a type and the id as text) is this row. SQLite joins through
    the row's primary key only when the text is cast to it (comparing the id cast to text
    scans every row for every entry: 75 s for the revenue of 28 days over 100,000 orders,
    bench_dashboards); PostgreSQL hashes the text either way, and could not cast another
    source's id that is not a number."""
    if dialect == "sqlite":
        return and_(source_type == kind, row_id == cast(source_id, Integer))
    return and_(source_type == kind, source_id == cast(row_id, String(64)))


_KIND = func.coalesce(_REV.c.kind, _JE.c.kind)
_MOVEMENT = func.coalesce(_REV.c.movement_id, _JE.c.movement_id)
_SOURCE_TYPE = case((_REV.c.id.is_(None), _JE.c.source_type), else_=_REV.c.source_type)
_SOURCE_ID = case((_REV.c.id.is_(None), _JE.c.source_id), else_=_REV.c.source_id)


@dataclass(frozen=True)
class Filters:
    start: date | None  # entry_date >= start
    end: date | None  # entry_date <= end
    channel_id: int | None


@dataclass(frozen=True)
class Sum:
    """An amount summed per order and month (item, order line, warehouse and shipment where
    the journal names them)."""

    order_id: int
    month: str
    amount: Decimal
    item_id: int | None = None
    order_line_id: int | None = None
    warehouse_id: int | None = None
    shipment_id: int | None = None


@dataclass(frozen=True)
class OrderRow:
    """One order_lines row with its order's channel."""

    id: int
    order_id: int
    external_id: str
    channel: str
    line_no: int
    item_id: int
    sku: str
    quantity: int
    consumed_qty: int
    status: str
    price: Any
    discount: Any
    tax: Any
    kit_quantity: int | None


def _accounts(role: str) -> Select[Any]:
    return select(_AR.c.account_id).where(_AR.c.role == role)


def _filtered(q: Select[Any], f: Filters) -> Select[Any]:
    if f.start is not None:
        q = q.where(_JE.c.entry_date >= f.start)
    if f.end is not None:
        q = q.where(_JE.c.entry_date <= f.end)
    if f.channel_id is not None:
        q = q.where(_O.c.channel_id == f.channel_id)
    return q


def revenue(conn: Connection, f: Filters) -> list[Sum]:
    """Revenue (credit - debit on the revenue accounts) per order, warehouse, shipment, month."""
    shipment = case((_P.c.source_type == SHIPMENT_SOURCE, _P.c.source_id), else_=None)
    q = (
        select(_O.c.id, _JE.c.period, _JL.c.warehouse_id, shipment,
               func.sum(_JL.c.credit) - func.sum(_JL.c.debit))
        .select_from(
            _JL.join(_JE, _JE.c.id == _JL.c.entry_id)
            .join(_O, _source_is(conn.dialect.name, "order", _O.c.id, _JE.c.source_type,
                                 _JE.c.source_id))
            .outerjoin(_P, _P.c.id == _JE.c.posting_id)
        )
        .where(_JE.c.kind == "revenue", _JL.c.account_id.in_(_accounts("revenue")))
        .group_by(_O.c.id, _JE.c.period, _JL.c.warehouse_id, shipment)
    )  # fmt: skip
    return [
        Sum(int(o), str(m), money_of(a), warehouse_id=_id(w), shipment_id=_id(s))
        for o, m, w, s, a in conn.execute(_filtered(q, f))
    ]


def cogs(conn: Connection, f: Filters) -> tuple[list[Sum], list[Sum]]:
    """(shipped, restocked): debit - credit on the cogs accounts of the ship movements per
    order, item, warehouse, shipment and month; credit - debit of the customer returns per
    order, item, warehouse and month."""
    base = _JL.join(_JE, _JE.c.id == _JL.c.entry_id).outerjoin(
        _REV, _REV.c.id == _JE.c.reverses_entry_id
    )
    cogs_lines = _JL.c.account_id.in_(_accounts("cogs"))
    shipment = case((_SOURCE_TYPE == SHIPMENT_SOURCE, _SOURCE_ID), else_=None)
    shipped = (
        select(_K.c.order_id, _JE.c.period, _JL.c.item_id, _JL.c.warehouse_id, shipment,
               func.sum(_JL.c.debit) - func.sum(_JL.c.credit))
        .select_from(
            base.join(_M, _M.c.id == _MOVEMENT)
            .join(_K, _K.c.container_id == _M.c.from_container_id)
            .join(_O, _O.c.id == _K.c.order_id)
        )
        .where(_KIND == "shipment", cogs_lines)
        .group_by(_K.c.order_id, _JE.c.period, _JL.c.item_id, _JL.c.warehouse_id, shipment)
    )  # fmt: skip
    restocked = (
        select(_R.c.order_id, _JE.c.period, _JL.c.item_id, _JL.c.warehouse_id,
               func.sum(_JL.c.credit) - func.sum(_JL.c.debit))
        .select_from(
            base.join(_R, _source_is(conn.dialect.name, RETURN_SOURCE, _R.c.id, _SOURCE_TYPE,
                                     _SOURCE_ID))
            .join(_O, _O.c.id == _R.c.order_id)
        )
        .where(_KIND == "customer_return", cogs_lines)
        .group_by(_R.c.order_id, _JE.c.period, _JL.c.item_id, _JL.c.warehouse_id)
    )  # fmt: skip
    out = [
        Sum(int(o), str(m), money_of(a), item_id=_id(i), warehouse_id=_id(w), shipment_id=_id(s))
        for o, m, i, w, s, a in conn.execute(_filtered(shipped, f))
    ]
    back = [
        Sum(int(o), str(m), money_of(a), item_id=_id(i), warehouse_id=_id(w))
        for o, m, i, w, a in conn.execute(_filtered(restocked, f))
    ]
    return out, back


def credits(conn: Connection, f: Filters) -> list[Sum]:
    """Returns credited (debit - credit on the returns accounts) per order, order line,
    warehouse and month."""
    q = (
        select(_R.c.order_id, _JE.c.period, _RL.c.order_line_id, _JL.c.warehouse_id,
               func.sum(_JL.c.debit) - func.sum(_JL.c.credit))
        .select_from(
            _JL.join(_JE, _JE.c.id == _JL.c.entry_id)
            .join(_RI, _source_is(conn.dialect.name, "return_inspection", _RI.c.id,
                                  _JE.c.source_type, _JE.c.source_id))
            .join(_RL, _RL.c.id == _RI.c.return_line_id)
            .join(_R, _R.c.id == _RI.c.rma_id)
            .join(_O, _O.c.id == _R.c.order_id)
        )
        .where(_JE.c.kind == "customer_credit", _JL.c.account_id.in_(_accounts("returns")))
        .group_by(_R.c.order_id, _JE.c.period, _RL.c.order_line_id, _JL.c.warehouse_id)
    )  # fmt: skip
    return [
        Sum(int(o), str(m), money_of(a), order_line_id=_id(ol), warehouse_id=_id(w))
        for o, m, ol, w, a in conn.execute(_filtered(q, f))
    ]


def fees(conn: Connection, f: Filters) -> list[Sum]:
    """Channel fees per order and month: every line's fee plus minus the amount of its fee,
    adjustment and other lines (what the settlement booked to channel fees for the order)."""
    cost = _SL.c.fee - case((_SL.c.kind.in_(FEE_KINDS), _SL.c.amount), else_=0)
    q = (
        select(_SL.c.order_id, _JE.c.period, func.sum(cost))
        .select_from(
            _SL.join(_S, _S.c.id == _SL.c.settlement_id)
            .join(_JE, _JE.c.id == _S.c.entry_id)
            .join(_O, _O.c.id == _SL.c.order_id)
        )
        .where(_SL.c.kind != "payout")
        .group_by(_SL.c.order_id, _JE.c.period)
    )  # fmt: skip
    return [Sum(int(o), str(m), money_of(a)) for o, m, a in conn.execute(_filtered(q, f))]


_ROWS = (
    select(_OL.c.id, _OL.c.order_id, _O.c.external_id, _CH.c.code, _OL.c.line_no,
           _OL.c.item_id, _I.c.sku, _OL.c.quantity, _OL.c.consumed_qty, _OL.c.status,
           _OL.c.price, _OL.c.discount, _OL.c.tax, _OL.c.kit_quantity)
    .join(_O, _O.c.id == _OL.c.order_id)
    .join(_CH, _CH.c.id == _O.c.channel_id)
    .join(_I, _I.c.id == _OL.c.item_id)
    .where(_OL.c.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(_OL.c.order_id, _OL.c.line_no, _OL.c.id)
)  # fmt: skip
_ORDERS = (
    select(_O.c.id, _O.c.external_id, _CH.c.code)
    .join(_CH, _CH.c.id == _O.c.channel_id)
    .where(_O.c.id.in_(bindparam("ids", expanding=True)))
)
_SHIPMENTS = (
    select(_SH.c.id, _SH.c.warehouse_id, _CA.c.code, _SH.c.service)
    .join(_CA, _CA.c.id == _SH.c.carrier_id)
    .where(_SH.c.id.in_(bindparam("ids", expanding=True)))
)
_PLACES = select(_LOC.c.id, _LOC.c.code).where(_LOC.c.id.in_(bindparam("ids", expanding=True)))
_SHIP_MOVES = and_(
    _M.c.source_type == SHIPMENT_SOURCE,
    _M.c.movement_type == "ship",
    _M.c.reverses_movement_id.is_(None),
)
_SHIPPED_CARTONS = (
    select(_K.c.order_id, _K.c.shipment_id, _K.c.shipping_currency,
           func.sum(_K.c.shipping_cost), func.count(), func.count(_K.c.shipping_cost))
    .where(_K.c.order_id.in_(bindparam("ids", expanding=True)), _K.c.status == "shipped",
           _K.c.shipment_id.is_not(None))
    .group_by(_K.c.order_id, _K.c.shipment_id, _K.c.shipping_currency)
)  # fmt: skip
_SHIP_TIMES = (
    select(_M.c.source_id, func.min(_M.c.occurred_at))
    .where(_SHIP_MOVES, _M.c.source_id.in_(bindparam("refs", expanding=True)))
    .group_by(_M.c.source_id)
)
_RATES = select(_XR.c.currency, _XR.c.rate_date, _XR.c.rate).where(
    _XR.c.currency.in_(bindparam("codes", expanding=True))
)


def order_rows(conn: Connection, ids: set[int]) -> dict[int, list[OrderRow]]:
    """order id -> its order_lines rows (line number order)."""
    out: dict[int, list[OrderRow]] = {}
    for chunk in _chunks(ids):
        for r in conn.execute(_ROWS, {"ids": chunk}):
            out.setdefault(int(r.order_id), []).append(
                OrderRow(int(r.id), int(r.order_id), str(r.external_id), str(r.code),
                         int(r.line_no), int(r.item_id), str(r.sku), int(r.quantity),
                         int(r.consumed_qty), str(r.status), r.price, r.discount, r.tax,
                         None if r.kit_quantity is None else int(r.kit_quantity))
            )  # fmt: skip
    return out


def orders(conn: Connection, ids: set[int]) -> dict[int, tuple[str, str]]:
    """order id -> (external id, channel code)."""
    out = {}
    for chunk in _chunks(ids):
        for i, ext, code in conn.execute(_ORDERS, {"ids": chunk}):
            out[int(i)] = (str(ext), str(code))
    return out


def shipments(conn: Connection, ids: set[int]) -> dict[int, tuple[int, str, str]]:
    """shipment id -> (warehouse id, carrier code, service)."""
    out = {}
    for chunk in _chunks(ids):
        for i, w, code, service in conn.execute(_SHIPMENTS, {"ids": chunk}):
            out[int(i)] = (int(w), str(code), str(service))
    return out


def place_codes(conn: Connection, ids: set[int]) -> dict[int, str]:
    out = {}
    for chunk in _chunks(ids):
        for i, code in conn.execute(_PLACES, {"ids": chunk}):
            out[int(i)] = str(code)
    return out


def shipped_orders(conn: Connection, f: Filters) -> set[int]:
    """The orders (of the channel filter's) with a carton on a shipment that shipped on the
    filter's days (UTC), whether or not the journal has anything of theirs."""
    moved = select(_M.c.source_id).where(_SHIP_MOVES).distinct()
    if f.start is not None:
        moved = moved.where(_M.c.occurred_at >= datetime.combine(f.start, time(), UTC))
    if f.end is not None:
        after = f.end + timedelta(days=1)
        moved = moved.where(_M.c.occurred_at < datetime.combine(after, time(), UTC))
    q = (
        select(_K.c.order_id)
        .join(_O, _O.c.id == _K.c.order_id)
        .where(_K.c.status == "shipped", cast(_K.c.shipment_id, String(64)).in_(moved))
        .distinct()
    )
    if f.channel_id is not None:
        q = q.where(_O.c.channel_id == f.channel_id)
    return {int(o) for o in conn.execute(q).scalars()}


def shipped_cartons(conn: Connection, ids: set[int]) -> list[ShippedCartons]:
    """Every shipped carton of these orders, on any day, summed per order, shipment and
    currency, with the ship day (a shipment without ship movements has none and is left
    out: confirming one always posts them)."""
    groups: list[Any] = []
    for chunk in _chunks(ids):
        groups += conn.execute(_SHIPPED_CARTONS, {"ids": chunk}).all()
    refs = sorted({str(g.shipment_id) for g in groups})
    days: dict[str, date] = {}
    for start in range(0, len(refs), _CHUNK):
        for ref, at in conn.execute(_SHIP_TIMES, {"refs": refs[start : start + _CHUNK]}):
            days[str(ref)] = utc_date(at)
    return [
        ShippedCartons(int(o), int(sid), days[str(sid)], currency,
                       _cost(cost) if cartons == costed else None)
        for o, sid, currency, cost, cartons, costed in groups
        if str(sid) in days
    ]  # fmt: skip


def rates(conn: Connection, currencies: set[str]) -> dict[str, list[tuple[date, Decimal]]]:
    """currency -> its (rate date, rate) pairs, in any order."""
    out: dict[str, list[tuple[date, Decimal]]] = {c: [] for c in currencies}
    if currencies:
        for code, day, value in conn.execute(_RATES, {"codes": sorted(currencies)}):
            out[str(code)].append((day, Decimal(str(value)).quantize(_RATE)))
    return out


def _cost(value: Any) -> Decimal:
    # SQLite hands NUMERIC back through float: re-quantized, the column's places are exact.
    return Decimal(str(value)).quantize(COST_PLACES)


def _id(value: Any) -> int | None:
    """A row id, or a source id text that is one; else None."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _chunks(ids: set[int]) -> Iterator[Sequence[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]
