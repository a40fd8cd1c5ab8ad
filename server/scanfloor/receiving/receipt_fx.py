"""A receipt on a PO in a foreign currency is costed in the functional one at the rate of
its business day (finance/fx_rules.py). The PO's currency and that rate are read before
the write transaction starts (it holds the write lock); under the PO's lock the same
currency takes what was read, and the refusal (ExchangeRateMissing) comes after the
confirmation's own checks, so a wrong scan is still answered as one. (Split from
receive_service.py, which calls these.)"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..extensions import db
from ..finance.fx_rules import Conversion
from ..finance.fx_service import DayRate, day_rate
from ..purchasing.models import PurchaseOrder

_CURRENCY = select(PurchaseOrder.currency).where(PurchaseOrder.id == bindparam("po_id"))


def read_rate(po_id: int, business_date: date) -> DayRate | None:
    """Before the write transaction: the PO's currency and its rate on the day (None for
    no such PO: the transaction answers that)."""
    conn = db.session.connection()
    currency = conn.execute(_CURRENCY, {"po_id": po_id}).scalar()
    return None if currency is None else day_rate(conn, str(currency), business_date)


def conversion(
    conn: Connection, read: DayRate | None, currency: str, business_date: date
) -> Conversion | None:
    """Under the PO's lock: what this receipt converts at (read again only if the PO's
    currency is not the one read before); ExchangeRateMissing when no rate is known."""
    if read is None or read.currency != currency or read.day != business_date:
        read = day_rate(conn, currency, business_date)
    return read.conversion()
