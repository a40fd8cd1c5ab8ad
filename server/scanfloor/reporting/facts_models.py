"""Daily facts the reports read instead of the movements, kept by an in-transaction ledger
subscriber (facts_projection.py) so a dashboard never aggregates the whole ledger on a
request. Why facts: docs/decisions/0027-reporting-facts.md.

movement_day_facts, per (UTC day, physical location, item, movement type, reason code,
actor), for each physical side of every movement line (a bin-to-bin move has two: out of one,
into the other; a virtual place such as VENDOR, CUSTOMER or ADJUSTMENT has none):
- lines: movement lines that touched the location;
- units_in / units_out: units into / out of it;
- value_in / value_out: what finance valued those lines at when they were posted
  (movement_values.value; 0 for lines finance does not value, such as a bin-to-bin move).
  A later cost adjustment (an invoice at another price, a landed cost) does not change them.
`reason_code` is '' and `actor_id` 0 when a movement has none (key columns cannot be NULL).
A reversal is its own movement type: it undoes its original's units on the other side.

worker_quarters, per (UTC day, quarter-hour of the day 0-95, actor, zone, movement type):
the postings, lines and units an actor posted of that type in that quarter-hour in that zone
(picks apart from putaways and counts, so each kind of work has its own hours). A line's zone is its
`from` location's zone when it has one, else its `to` location's (a location's zone is
itself at level zone, else its parent when that is a zone; 0 when neither). A quarter-hour
with a row is an active quarter-hour for its type of work: the labour-hour KPIs count them
(4 make an hour). A line whose reason is in NOT_IN_HAND moved nothing through the worker's
hands (a short pick's write-off of the units the bin did not have, posted in the pick
itself): it adds no line and no units, while its posting still counts (the walk was made).

Only the subscriber, `scanfloor facts rebuild` and the migrations that backfilled history
write these tables.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Integer, Numeric, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

MONEY = Numeric(20, 4)
# Reasons of lines that are no work in hand (module docstring): picking/short_service.REASON,
# spelled out here because reporting reads the ledger, not the picking package
# (tests/unit/test_reporting_fact_shares.py checks the two agree).
NOT_IN_HAND = frozenset({"short_pick"})


class MovementDayFact(db.Model):  # type: ignore[misc]
    __tablename__ = "movement_day_facts"

    day: Mapped[date] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    movement_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    reason_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    actor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lines: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    units_in: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    units_out: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    value_in: Mapped[Decimal] = mapped_column(MONEY, default=0, server_default="0")
    value_out: Mapped[Decimal] = mapped_column(MONEY, default=0, server_default="0")


class WorkerQuarter(db.Model):  # type: ignore[misc]
    __tablename__ = "worker_quarters"

    day: Mapped[date] = mapped_column(primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    zone_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    movement_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    postings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lines: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    units: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class AnomalyAck(db.Model):  # type: ignore[misc]
    """A flag someone looked at: who, when, and what they found (the note). A flag is
    known by its fingerprint (reporting/anomaly_rules.py says what makes one), so the same
    flag stays acknowledged when the report is run again, and a new one is not."""

    __tablename__ = "anomaly_acks"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    acked_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
