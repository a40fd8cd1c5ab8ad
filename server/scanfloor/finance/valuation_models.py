"""What owned stock is worth, per item and place (a warehouse, or the virtual IN-TRANSIT
location for stock between warehouses), and how each valued movement was costed.

- stock_values: quantity and value (functional currency, to its minor unit) per (item,
  place), both methods; `last_rate` is the last known unit cost (an issue with no stock
  takes it). The inventory account of a warehouse equals the sum of its values, always.
- cost_layers (FIFO items): one per inbound movement, what is left of it; the values left
  of a place's layers sum to its stock_values.value.
- layer_issues: which layers an issue consumed, how much and at what value.
- movement_values: one per valued movement line: the quantity and value that left and/or
  entered owned stock, the unit cost, the method and where the cost came from.
layer_issues and movement_values are append-only like the ledger (database triggers).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")
# Up to 4 minor-unit places (ISO 4217 goes to 4: CLF, UYW); amounts are rounded to the
# functional currency's own quantum before they are stored (finance/money.py).
MONEY = Numeric(20, 4)
RATE = Numeric(18, 6)


class StockValue(db.Model):  # type: ignore[misc]
    __tablename__ = "stock_values"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    value: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    last_rate: Mapped[Decimal | None] = mapped_column(RATE)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CostLayer(db.Model):  # type: ignore[misc]
    __tablename__ = "cost_layers"
    __table_args__ = (Index("ix_cost_layers_open", "item_id", "place_id", "id"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    place_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    # NULL: stock valued by the opening valuation (document_models.OpeningValue), no movement.
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    quantity_in: Mapped[int] = mapped_column(BigInteger)
    quantity_left: Mapped[int] = mapped_column(BigInteger)
    unit_cost: Mapped[Decimal] = mapped_column(RATE)
    value_left: Mapped[Decimal] = mapped_column(MONEY)


class LayerIssue(db.Model):  # type: ignore[misc]
    __tablename__ = "layer_issues"

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("cost_layers.id"), index=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[Decimal] = mapped_column(MONEY)


class MovementValue(db.Model):  # type: ignore[misc]
    __tablename__ = "movement_values"

    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    from_place_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    to_place_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[Decimal] = mapped_column(MONEY)
    unit_cost: Mapped[Decimal] = mapped_column(RATE)
    method: Mapped[str] = mapped_column(String(16))
    # receipt | issue | transfer | original | last_rate | reversal | none
    cost_source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
