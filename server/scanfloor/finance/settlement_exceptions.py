"""Settlement exception queues (settlement_rules.QUEUES), each row with its age in whole days
and its amount, oldest first:

- not_settled: an order shipped (a shipped carton on a confirmed shipment) more than
  SCANFLOOR_SETTLEMENT_DAYS days ago (default 14; SCANFLOOR_SETTLEMENT_DAYS_<CHANNEL> for
  one channel) with no settled order line; amount: what its shipments invoiced (0 for an
  order with no price), age from its first shipment.
- refund_without_return: a settled refund line of an order none of whose returns has
  arrived (return_authorisations.arrived_at); amount: what was refunded (positive), age
  from the line's posted date (else the deposit date).
- settled_not_shipped: an order with settled order lines and neither a shipped carton nor
  a revenue entry; amount: the settled sum, age from its first settled line.
- amount_differs: a shipped order whose settled order lines differ from what its
  shipments invoiced (the channel receivable debits of its revenue entries) by more than
  SCANFLOOR_SETTLEMENT_TOLERANCE (default 0.01); amount: settled - invoiced, age from its
  last settlement's deposit date. Refunds are left out of both sides (a return's credit is
  the customer_credit entry; its settlement is the refund queue's business).
- unmapped: a settlement line naming an order reference the channel has no order for;
  amount: amount - fee, age from its posted date (else the deposit date).

A revenue entry names its order (source_type "order", source_id its id;
revenue_subscriber.py): that is how invoiced amounts are found per order.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ..allocation.models import Channel, Order
from ..extensions import db
from ..finance.journal_models import JournalEntry, JournalLine
from ..packing.models import Carton
from ..returns.models import ReturnAuthorisation
from ..shipping.models import Shipment
from . import book_sql
from .document_models import ChannelSettlement, ChannelSettlementLine
from .money import round_to
from .settlement_rules import QUEUES, age_days, differs, overdue
from .settlement_views import SettlementException

PLACES = Decimal("0.0001")
ZERO = Decimal(0)
_S, _L, _O, _CH = (ChannelSettlement.__table__, ChannelSettlementLine.__table__,
                   Order.__table__, Channel.__table__)  # fmt: skip
_K, _SH, _R = Carton.__table__, Shipment.__table__, ReturnAuthorisation.__table__
_JE, _JL = JournalEntry.__table__, JournalLine.__table__


def _m(value: Any) -> Decimal:
    return round_to(Decimal(str(value if value is not None else 0)), PLACES)


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return (value if value.tzinfo is None else value.astimezone(UTC)).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _days_for(channel: str, default: int) -> int:
    """Days a channel has to settle a shipment: its own setting, else the default."""
    own = current_app.config.get(f"SCANFLOOR_SETTLEMENT_DAYS_{str(channel).upper()}")
    return default if own is None else int(own)


def settlement_exceptions(
    *, queue: str | None = None, channel: str | None = None, today: date | None = None
) -> list[SettlementException]:
    """The exception queues' rows (module docstring), one queue or all, one channel or all."""
    conn = db.session.connection()
    today = today or datetime.now(UTC).date()
    days = int(current_app.config.get("SCANFLOOR_SETTLEMENT_DAYS", 14))
    tolerance = Decimal(str(current_app.config.get("SCANFLOOR_SETTLEMENT_TOLERANCE", "0.01")))
    code = channel.strip().upper() if channel else None
    wanted = [queue] if queue else list(QUEUES)
    settled = _settled_lines(conn, code)
    shipped = _shipped(conn, code) if {"not_settled", "settled_not_shipped",
                                         "amount_differs"} & set(wanted) else {}  # fmt: skip
    invoiced = _invoiced(conn) if set(wanted) - {"refund_without_return", "unmapped"} else {}
    out: list[SettlementException] = []
    by_order: dict[int, list[Any]] = defaultdict(list)
    for r in settled:
        if r.order_id is not None and r.kind == "order":
            by_order[int(r.order_id)].append(r)
    if "not_settled" in wanted:
        for oid, (on, ch, ref) in shipped.items():
            if oid not in by_order and overdue(on, today, _days_for(ch, days)):
                out.append(
                    SettlementException(
                        "not_settled",
                        ch,
                        oid,
                        ref,
                        None,
                        None,
                        on,
                        age_days(on, today),
                        invoiced.get(oid, ZERO),
                    )
                )
    if "refund_without_return" in wanted:
        arrived = _arrived(
            conn,
            {int(r.order_id) for r in settled if r.kind == "refund" and r.order_id is not None},
        )
        for r in settled:
            if r.kind == "refund" and r.order_id is not None and int(r.order_id) not in arrived:
                on = _day(r.posted_date or r.deposit_date)
                out.append(_line_row("refund_without_return", r, on, today, -_m(r.amount)))
    for oid, rows in by_order.items():
        first = rows[0]
        amount = sum((_m(r.amount) for r in rows), ZERO)
        if oid not in shipped and oid not in invoiced:
            if "settled_not_shipped" in wanted:
                on = min(_day(r.posted_date or r.deposit_date) for r in rows)
                out.append(
                    SettlementException(
                        "settled_not_shipped",
                        first.channel_code,
                        oid,
                        first.order_reference,
                        int(first.settlement_id),
                        None,
                        on,
                        age_days(on, today),
                        amount,
                    )
                )
        elif "amount_differs" in wanted:
            billed = invoiced.get(oid, ZERO)
            if differs(amount, billed, tolerance):
                on = max(_day(r.deposit_date) for r in rows)
                out.append(
                    SettlementException(
                        "amount_differs",
                        first.channel_code,
                        oid,
                        first.order_reference,
                        int(rows[-1].settlement_id),
                        None,
                        on,
                        age_days(on, today),
                        amount - billed,
                        {"settled": str(amount), "invoiced": str(billed)},
                    )
                )
    if "unmapped" in wanted:
        for r in settled:
            if r.order_id is None and r.order_reference:
                on = _day(r.posted_date or r.deposit_date)
                out.append(_line_row("unmapped", r, on, today, _m(r.amount) - _m(r.fee)))
    out.sort(key=lambda e: (-e.age_days, QUEUES.index(e.queue), e.order_id or 0, e.line_id or 0))
    return out


def _line_row(queue: str, r: Any, on: date, today: date, amount: Decimal) -> SettlementException:
    return SettlementException(
        queue, r.channel_code, None if r.order_id is None else int(r.order_id),
        r.order_reference, int(r.settlement_id), int(r.id), on, age_days(on, today), amount,
        {"kind": r.kind, "description": r.description},
    )  # fmt: skip


def _settled_lines(conn: Connection, code: str | None) -> list[Any]:
    q = (
        select(_L.c.id, _L.c.settlement_id, _L.c.kind, _L.c.order_reference, _L.c.order_id,
               _L.c.posted_date, _L.c.amount, _L.c.fee, _L.c.description, _S.c.deposit_date,
               _CH.c.code.label("channel_code"))
        .join(_S, _S.c.id == _L.c.settlement_id)
        .join(_CH, _CH.c.id == _S.c.channel_id)
        .where(_L.c.kind != "payout")
        .order_by(_L.c.settlement_id, _L.c.line_no)
    )  # fmt: skip
    if code:
        q = q.where(_CH.c.code == code)
    return list(conn.execute(q))


def _shipped(conn: Connection, code: str | None) -> dict[int, tuple[date, str, str]]:
    """Order id -> (first shipped day, channel code, external id) of every shipped order."""
    q = (
        select(_K.c.order_id, func.min(_SH.c.confirmed_at), _CH.c.code, _O.c.external_id)
        .join(_SH, _SH.c.id == _K.c.shipment_id)
        .join(_O, _O.c.id == _K.c.order_id)
        .join(_CH, _CH.c.id == _O.c.channel_id)
        .where(_K.c.status == "shipped", _SH.c.confirmed_at.is_not(None))
        .group_by(_K.c.order_id, _CH.c.code, _O.c.external_id)
    )
    if code:
        q = q.where(_CH.c.code == code)
    return {int(o): (_day(at), str(c), str(e)) for o, at, c, e in conn.execute(q)}


def _invoiced(conn: Connection) -> dict[int, Decimal]:
    """Order id -> the channel receivable its revenue entries debited."""
    accounts = sorted({a for (role, _w), a in book_sql.roles(conn).items()
                       if role == "channel_receivable"})  # fmt: skip
    if not accounts:
        return {}
    q = (
        select(_JE.c.source_id, func.sum(_JL.c.debit))
        .join(_JL, _JL.c.entry_id == _JE.c.id)
        .where(
            _JE.c.kind == "revenue",
            _JE.c.source_type == "order",
            _JL.c.account_id.in_(accounts),
        )
        .group_by(_JE.c.source_id)
    )
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for source_id, debit in conn.execute(q):
        if source_id and str(source_id).isdigit():
            out[int(source_id)] += _m(debit)
    return dict(out)


def _arrived(conn: Connection, order_ids: set[int]) -> set[int]:
    """The orders of `order_ids` with a return that has arrived."""
    if not order_ids:
        return set()
    q = select(_R.c.order_id).where(
        _R.c.order_id.in_(sorted(order_ids)), _R.c.arrived_at.is_not(None)
    )
    return {int(o) for o in conn.execute(q).scalars()}
