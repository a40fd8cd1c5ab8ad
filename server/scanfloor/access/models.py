"""Which warehouses a user is assigned to; managers and admins need no rows (rules.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class UserWarehouse(db.Model):  # type: ignore[misc]
    __tablename__ = "user_warehouses"

    # Deleting a user or a warehouse takes its rights with it: a right never outlives either.
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
