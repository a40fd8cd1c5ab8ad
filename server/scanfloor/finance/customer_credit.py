"""The credit a return inspection gives the customer, booked in the inspection's own
transaction: Dr returns / Cr channel_receivable the credit amount (after any restocking
fee), kind "customer_credit", source "return_inspection" / the inspection id, linked to the
inspection's posting, dated the day it was inspected (UTC), at the return's warehouse. A
credit of 0 books nothing. A closed month refuses it (PeriodClosed) and, with it, the
inspection. The goods' half (restocked units back to inventory at their original cost) is
valuation's (subscriber.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy.engine import Connection

from .adjust_service import DocLine, write_document_entry
from .money import quantum, round_to
from .period_rules import utc_date

KIND = "customer_credit"
SOURCE_TYPE = "return_inspection"
RETURNS, RECEIVABLE = "returns", "channel_receivable"


def book_customer_credit(
    conn: Connection,
    *,
    inspection_id: int,
    amount: Decimal,
    warehouse_id: int | None,
    at: datetime,
    actor_id: int | None,
    posting_id: int | None = None,
) -> int | None:
    """Dr returns / Cr channel_receivable `amount` (module docstring); the entry id, or
    None when the credit is 0."""
    q = quantum(str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR"))
    credit = round_to(Decimal(str(amount)), q)
    if credit <= 0:
        return None
    return write_document_entry(
        conn,
        kind=KIND,
        entry_date=utc_date(at),
        source_type=SOURCE_TYPE,
        source_id=str(inspection_id),
        memo=f"return inspection {inspection_id}",
        actor_id=actor_id,
        posting_id=posting_id,
        lines=[
            DocLine(RETURNS, warehouse_id, credit),
            DocLine(RECEIVABLE, warehouse_id, -credit),
        ],
    )
