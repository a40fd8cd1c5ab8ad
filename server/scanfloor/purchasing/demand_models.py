"""The daily demand projection: what the ledger did to each item's demand figures per
warehouse and UTC day, kept by an in-transaction ledger subscriber (demand_projection.py) so
that a suggestion run reads one row per (item, day) instead of aggregating the movements.

demand_days, per (warehouse, day, item):
- shipped: units shipped to CUSTOMER from a physical location of the warehouse, less units
  of reversals from CUSTOMER back into one (may go below 0 on a day that reversed more than
  it shipped; the reader clamps);
- ships: how many ship lines that was (an item that never shipped takes its demand from
  allocated order lines instead);
- returned: units of `return` movements into a sellable location of the warehouse from a
  location that is not sellable (a restocked customer return);
- net: the change of the warehouse's sellable stock (into its sellable physical locations
  minus out of them), from which the on-hand figure at the start of each day is derived.

channel_demand_days, per (warehouse, day, item, channel): the shipped and returned units of
demand_days that can be told to a channel (the order of the carton shipped, the channel of
the return authorisation, the channel of the shipment a reversal undoes). Units that cannot
be told to one (a ship posted without a carton) are in demand_days only.

Only the subscriber and the migration that backfilled history write these tables; the
demand readers never write them. Why a projection: docs/decisions/0023-demand-projection.md.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DailyDemand(db.Model):  # type: ignore[misc]
    __tablename__ = "demand_days"

    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    shipped: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    ships: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    returned: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    net: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class ChannelDailyDemand(db.Model):  # type: ignore[misc]
    __tablename__ = "channel_demand_days"

    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)
    shipped: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    returned: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
