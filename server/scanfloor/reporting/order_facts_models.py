"""Order facts: the record the fill rates and order cycle time count of every settled order,
kept so a report reads one row per line instead of assembling each order from its rows,
events, cartons, shipments and ship movements (docs/decisions/0029-order-facts.md).

An order is settled when nothing of it is left to ship (reporting/service_rules.open_to_ship:
every line shipped in full or its rest cancelled). Its record can then no longer change:
no line is picked, packed or shipped again, and a return does not change what shipped. An
order that is not settled has no facts; the reports assemble it as it stands.

- order_facts: one row per settled order; completed_at is when its shipping ended
  (service_rules.completed_at; None when nothing ever shipped).
- order_line_facts: one row per ordered line (a kit is one line, in kits): what the records
  hold (ordered, promised_on, cancelled_on, sku) and what the rules work out of them, which
  do not depend on the day a report is asked (demand, shipped, the first shipment and its
  units, units shipped by the promise, the last shipment's confirmation).
- order_ship_facts: the units (kits) of a line each confirmed shipment carried.

Written only by the transaction that settles or unsettles an order (order_facts_store.refresh,
as it commits), by `scanfloor facts rebuild`, and never by hand.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db

_ORDER, _SETTLED = "orders.id", "order_facts.order_id"


class OrderFact(db.Model):  # type: ignore[misc]
    __tablename__ = "order_facts"

    order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey(_ORDER, ondelete="CASCADE"), primary_key=True
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class OrderLineFact(db.Model):  # type: ignore[misc]
    __tablename__ = "order_line_facts"

    order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey(_SETTLED, ondelete="CASCADE"), primary_key=True
    )
    line_no: Mapped[int] = mapped_column(primary_key=True)
    ordered: Mapped[int] = mapped_column(BigInteger)
    promised_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    sku: Mapped[str] = mapped_column(String(64))
    demand: Mapped[int] = mapped_column(BigInteger)
    shipped: Mapped[int] = mapped_column(BigInteger)
    first_shipment_id: Mapped[int | None] = mapped_column(BigInteger)
    first_units: Mapped[int] = mapped_column(BigInteger)
    by_promise: Mapped[int] = mapped_column(BigInteger)
    last_shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrderShipFact(db.Model):  # type: ignore[misc]
    __tablename__ = "order_ship_facts"

    order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey(_SETTLED, ondelete="CASCADE"), primary_key=True
    )
    line_no: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    units: Mapped[int] = mapped_column(BigInteger)
