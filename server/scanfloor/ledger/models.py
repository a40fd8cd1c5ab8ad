"""Ledger tables. Only ledger/writer.py inserts movements or touches balances."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

MOVEMENT_TYPES = (
    "receipt",
    "putaway",
    "transfer",
    "adjustment",
    "pick",
    "pack",
    "ship",
    "return",
    "count",
    "scrap",
    "reversal",
)


class Posting(db.Model):  # type: ignore[misc]
    """One call of the writer: its movements commit together or not at all."""

    __tablename__ = "postings"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    movement_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Movement(db.Model):  # type: ignore[misc]
    __tablename__ = "movements"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "from_location_id <> to_location_id OR "
            "COALESCE(from_container_id, 0) <> COALESCE(to_container_id, 0)",
            name="goes_somewhere",
        ),
        Index("ix_movements_item_occurred", "item_id", "occurred_at"),
        Index("ix_movements_source", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True
    )
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    from_container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    to_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    to_container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    movement_type: Mapped[str] = mapped_column(String(16), index=True)
    reason_code: Mapped[str | None] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[str | None] = mapped_column(String(64))
    # "<posting key>#<line>": unique, so a replayed key can never post a line twice.
    idempotency_key: Mapped[str | None] = mapped_column(String(220), unique=True)
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    # Unique: a movement can be reversed once only, enforced by the database.
    reverses_movement_id: Mapped[int | None] = mapped_column(
        ForeignKey("movements.id"), unique=True
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # sha256 of this movement's fields and the previous movement's chain_hash (ledger/chain.py).
    # Nullable so a row inserted behind the writer's back is stored and then reported by
    # `ledger verify` as a broken link, rather than hidden by a failed insert.
    chain_hash: Mapped[str | None] = mapped_column(String(64))


class LedgerChain(db.Model):  # type: ignore[misc]
    """The chain's head, one row: its lock orders chain extension (ledger/chain.py)."""

    __tablename__ = "ledger_chain"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_movement_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class Balance(db.Model):  # type: ignore[misc]
    """On hand per (item, location, lot, container): a projection of the movements."""

    __tablename__ = "balances"
    __table_args__ = (
        # NULL lot / container count as one key (expression index works on both databases).
        Index(
            "uq_balances_key",
            "item_id",
            "location_id",
            func.coalesce(db.column("lot_id"), 0),
            func.coalesce(db.column("container_id"), 0),
            unique=True,
        ),
        Index("ix_balances_location", "location_id"),
        # A tote's or a carton's contents, read by its id (migration 0022).
        Index("ix_balances_container", "container_id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
