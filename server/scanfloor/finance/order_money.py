"""An order's money status, read from the books: a timeline of what happened to the money
of one order and the stage it has reached.

Steps (each with its day; money Decimal):
- captured: the channel sent the order (ordered_at, its UTC day); amount: what its priced
  lines come to (price x quantity - discount + tax), None when no line has a price.
- shipped: one per revenue entry its shipments booked (kind "revenue", source "order" / the
  order id; revenue_subscriber.py); amount: the channel receivable the entry debited.
- settled / refunded: one per settlement line mapped to the order (order lines: settled; a
  refund line: refunded, its amount negative; any other kind mapped to it: settled with
  its kind); amount and fee as the channel reported them, the settlement's reference and
  deposit date; dated the line's posted date, else the deposit date.
- credited: one per customer credit its returns' inspections booked (kind
  "customer_credit", source "return_inspection" / the inspection id; customer_credit.py);
  amount: the channel receivable the entry credited.

Stage (order_stage): "returned" once a customer credit is booked or the channel refunded it,
else "settled" once a settlement line of kind order names it, else "shipped" once revenue
is booked, else "captured".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import String, cast, func, or_, select

from ..allocation.models import Order, OrderLine
from ..errors import NotFound
from ..extensions import db
from ..returns.models import ReturnAuthorisation, ReturnInspection
from . import book_sql
from .document_models import ChannelSettlement, ChannelSettlementLine
from .journal_models import JournalEntry, JournalLine
from .money import round_to

PLACES = Decimal("0.0001")
ZERO = Decimal(0)
STAGES = ("captured", "shipped", "settled", "returned")
STEPS = ("captured", "shipped", "settled", "refunded", "credited")
RECEIVABLE = "channel_receivable"

_O, _OL = Order.__table__, OrderLine.__table__
_S, _L = ChannelSettlement.__table__, ChannelSettlementLine.__table__
_JE, _JL = JournalEntry.__table__, JournalLine.__table__
_RA, _RI = ReturnAuthorisation.__table__, ReturnInspection.__table__


@dataclass(frozen=True)
class MoneyStep:
    step: str  # STEPS
    on: date
    amount: Decimal | None
    fee: Decimal | None = None
    kind: str | None = None  # a settlement line's kind
    reference: str | None = None  # the settlement's reference (payout id, settlement id)
    deposit_date: date | None = None
    settlement_id: int | None = None
    entry_id: int | None = None


@dataclass(frozen=True)
class OrderMoney:
    order_id: int
    stage: str  # STAGES
    currency: str
    ordered: Decimal | None  # the priced lines' total, tax included
    invoiced: Decimal  # channel receivable booked by its shipments
    settled: Decimal  # settled order lines' amounts (refunds left out)
    refunded: Decimal  # refunded by the channel (positive)
    fees: Decimal  # what the channel kept on its lines
    credited: Decimal  # customer credits of its returns
    steps: list[MoneyStep] = field(default_factory=list)


def order_stage(steps: list[MoneyStep]) -> str:
    """The stage the order's money reached (module docstring)."""
    seen = {s.step for s in steps if s.step != "settled" or s.kind in (None, "order")}
    if seen & {"credited", "refunded"}:
        return "returned"
    if "settled" in seen:
        return "settled"
    if "shipped" in seen:
        return "shipped"
    return "captured"


def _m(value: Any) -> Decimal:
    # SQLite hands NUMERIC back through float: 4 places, as the columns.
    return round_to(Decimal(str(value if value is not None else 0)), PLACES)


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return (value if value.tzinfo is None else value.astimezone(UTC)).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def order_money(order_id: int) -> OrderMoney:
    """One order's money timeline and stage (module docstring)."""
    conn = db.session.connection()
    ordered_at = conn.execute(select(_O.c.ordered_at).where(_O.c.id == order_id)).scalar()
    if ordered_at is None:
        raise NotFound("order not found", {"order_id": order_id})
    ordered = _ordered(order_id)
    steps = [MoneyStep("captured", _day(ordered_at), ordered)]
    steps += _entries(order_id)
    steps += _settled(order_id)
    steps.sort(key=lambda s: (s.on, STEPS.index(s.step), s.entry_id or 0, s.settlement_id or 0))

    def total(step: str) -> Decimal:
        return sum((s.amount or ZERO for s in steps if s.step == step), ZERO)

    return OrderMoney(
        order_id=order_id,
        stage=order_stage(steps),
        currency=str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR").strip().upper(),
        ordered=ordered,
        invoiced=total("shipped"),
        settled=sum(
            (s.amount or ZERO for s in steps if s.step == "settled" and s.kind == "order"), ZERO
        ),
        refunded=-total("refunded"),
        fees=sum((s.fee or ZERO for s in steps if s.fee is not None), ZERO),
        credited=total("credited"),
        steps=steps,
    )


def _ordered(order_id: int) -> Decimal | None:
    q = select(_OL.c.price, _OL.c.quantity, _OL.c.discount, _OL.c.tax).where(
        _OL.c.order_id == order_id, _OL.c.price.is_not(None)
    )
    rows = db.session.connection().execute(q).all()
    if not rows:
        return None
    return sum((_m(r.price) * int(r.quantity) - _m(r.discount) + _m(r.tax) for r in rows), ZERO)


def _entries(order_id: int) -> list[MoneyStep]:
    """Its revenue entries (shipped) and its returns' customer credits (credited)."""
    conn = db.session.connection()
    accounts = sorted({a for (role, _w), a in book_sql.roles(conn).items() if role == RECEIVABLE})
    if not accounts:
        return []
    inspections = (
        select(cast(_RI.c.id, String(64)))
        .join(_RA, _RA.c.id == _RI.c.rma_id)
        .where(_RA.c.order_id == order_id)
    )
    q = (
        select(_JE.c.id, _JE.c.kind, _JE.c.entry_date, func.sum(_JL.c.debit).label("debit"),
               func.sum(_JL.c.credit).label("credit"))
        .join(_JL, _JL.c.entry_id == _JE.c.id)
        .where(
            _JL.c.account_id.in_(accounts),
            or_(
                (_JE.c.kind == "revenue") & (_JE.c.source_type == "order")
                & (_JE.c.source_id == str(order_id)),
                (_JE.c.kind == "customer_credit") & (_JE.c.source_type == "return_inspection")
                & _JE.c.source_id.in_(inspections),
            ),
        )
        .group_by(_JE.c.id, _JE.c.kind, _JE.c.entry_date)
        .order_by(_JE.c.id)
    )  # fmt: skip
    out = []
    for r in conn.execute(q):
        shipped = r.kind == "revenue"
        amount = _m(r.debit) - _m(r.credit)
        out.append(
            MoneyStep("shipped" if shipped else "credited", _day(r.entry_date),
                      amount if shipped else -amount, entry_id=int(r.id))
        )  # fmt: skip
    return out


def _settled(order_id: int) -> list[MoneyStep]:
    """The settlement lines mapped to it (payouts never name an order)."""
    q = (
        select(_L.c.kind, _L.c.posted_date, _L.c.amount, _L.c.fee, _S.c.id, _S.c.reference,
               _S.c.deposit_date, _S.c.entry_id)
        .join(_S, _S.c.id == _L.c.settlement_id)
        .where(_L.c.order_id == order_id, _L.c.kind != "payout")
        .order_by(_L.c.settlement_id, _L.c.line_no)
    )  # fmt: skip
    return [
        MoneyStep(
            "refunded" if r.kind == "refund" else "settled",
            _day(r.posted_date or r.deposit_date),
            _m(r.amount),
            fee=_m(r.fee),
            kind=str(r.kind),
            reference=str(r.reference),
            deposit_date=_day(r.deposit_date),
            settlement_id=int(r.id),
            entry_id=None if r.entry_id is None else int(r.entry_id),
        )
        for r in db.session.connection().execute(q)
    ]
