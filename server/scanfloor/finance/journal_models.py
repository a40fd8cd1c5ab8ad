"""Double-entry journal entries, append-only like the ledger (database triggers): a
mistake is corrected by a reversing entry, never by an edit. Each entry is linked to what
caused it: a movement (movement_id, posting_id) or a document (source_type, source_id).
Per line, exactly one of debit and credit is above 0; per entry they balance (the writer
checks it, `scanfloor finance verify` re-checks it)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")
# Up to 4 minor-unit places (ISO 4217 goes to 4: CLF, UYW); amounts are rounded to the
# functional currency's own quantum before they are stored (finance/money.py).
MONEY = Numeric(20, 4)


class JournalEntry(db.Model):  # type: ignore[misc]
    __tablename__ = "journal_entries"
    __table_args__ = (Index("ix_journal_entries_period", "period", "id"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    entry_date: Mapped[date] = mapped_column()
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(32))  # the posting rule's name
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"), index=True)
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id"))
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[str | None] = mapped_column(String(64))
    memo: Mapped[str] = mapped_column(String(200), default="")
    reverses_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JournalLine(db.Model):  # type: ignore[misc]
    __tablename__ = "journal_lines"
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0", name="not_negative"),
        CheckConstraint("(debit = 0) <> (credit = 0)", name="one_side"),
        Index("ix_journal_lines_account", "account_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    debit: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    credit: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
