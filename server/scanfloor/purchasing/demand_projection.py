"""Keeping the daily demand projection (demand_models.py says what each figure counts)
inside every posting's own transaction, so it is never behind the ledger and never ahead
of it: a posting that rolls back leaves no trace in it.

At the posting (a ledger subscriber): ONE read of the posting's locations (warehouse,
sellable, virtual, code) decides each line's share, the pure `day_shares` below computes
it, and the shares wait in the session until the commit. A ship line's channel is its
carton's order's channel, a reversal of a ship takes the channel of the ship it undoes, a
restock of a customer return takes the return authorisation's channel: one read each, only
for postings that have such lines.

As the transaction commits (before_commit, on the same connection): the shares of all its
postings are added to their rows with one upsert per table (INSERT ... ON CONFLICT DO
UPDATE adds to the row), in key order. Why at the commit: the rows are hot (every pick of
an item on a day adds to one row), so on PostgreSQL they are locked last, for the shortest
time, and always in the same order, after the balances and positions the rest of the
transaction locks in their own fixed order. The day is the posting's `occurred_at` as a
UTC date, like the readers' window. A rollback drops the pending shares (after_rollback);
no posting path rolls back to a savepoint, which would keep them (as it would allocation's
pending work).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import Flask
from sqlalchemy import Date, bindparam, text
from sqlalchemy.engine import Connection

from ..ledger.commit_buffer import CommitBuffer
from ..ledger.subscribers import Posted, PostedLine, subscribe

NAME = "purchasing.demand_projection"
_PENDING = "scanfloor.demand_pending"
CUSTOMER = "CUSTOMER"

_LOCATIONS = text(
    "SELECT id, warehouse_id, sellable, is_virtual, code FROM locations WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_CARTON_CHANNELS = text(
    "SELECT c.container_id, o.channel_id FROM cartons c JOIN orders o ON o.id = c.order_id "
    "WHERE c.container_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_REVERSED_CHANNELS = text(
    "SELECT m.id, o.channel_id FROM movements m "
    "JOIN cartons c ON c.container_id = m.from_container_id "
    "JOIN orders o ON o.id = c.order_id "
    "WHERE m.id IN :ids AND m.movement_type = 'ship'"
).bindparams(bindparam("ids", expanding=True))
_RETURN_CHANNEL = text("SELECT channel_id FROM return_authorisations WHERE id = :id")

_UPSERT_DAYS = text(
    "INSERT INTO demand_days (warehouse_id, day, item_id, shipped, ships, returned, net) "
    "VALUES (:wh, :day, :item, :shipped, :ships, :returned, :net) "
    "ON CONFLICT (warehouse_id, day, item_id) DO UPDATE SET "
    "shipped = demand_days.shipped + excluded.shipped, "
    "ships = demand_days.ships + excluded.ships, "
    "returned = demand_days.returned + excluded.returned, "
    "net = demand_days.net + excluded.net"
).bindparams(bindparam("day", type_=Date))
_UPSERT_CHANNEL_DAYS = text(
    "INSERT INTO channel_demand_days (warehouse_id, day, item_id, channel_id, shipped, returned) "
    "VALUES (:wh, :day, :item, :channel, :shipped, :returned) "
    "ON CONFLICT (warehouse_id, day, item_id, channel_id) DO UPDATE SET "
    "shipped = channel_demand_days.shipped + excluded.shipped, "
    "returned = channel_demand_days.returned + excluded.returned"
).bindparams(bindparam("day", type_=Date))


@dataclass(frozen=True)
class Place:
    """What a line's share depends on about one of its locations."""

    warehouse_id: int | None  # None: virtual, or outside any warehouse
    sellable: bool
    customer: bool


DayKey = tuple[int, date, int]  # (warehouse, day, item)
ChannelKey = tuple[int, date, int, int]  # (warehouse, day, item, channel)


@dataclass
class Shares:
    """Per key, the figures to add: demand_days [shipped, ships, returned, net] and
    channel_demand_days [shipped, returned]."""

    days: dict[DayKey, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * 4))
    channels: dict[ChannelKey, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )


def day_shares(
    kind: str,
    day: date,
    lines: Iterable[PostedLine],
    places: Mapping[int, Place],
    channel_of: Mapping[int, int],
    into: Shares,
) -> None:
    """Add one posting's shares to `into`. `channel_of` maps a line's movement id to the
    channel its shipped or returned units count for (lines missing from it count for
    none)."""
    for ln in lines:
        src, dst, q = places[ln.from_location_id], places[ln.to_location_id], ln.quantity
        shipped = ships = returned = 0
        wh: int | None = None
        if kind == "ship" and dst.customer and src.warehouse_id is not None:
            wh, shipped, ships = src.warehouse_id, q, 1
        elif kind == "reversal" and src.customer and dst.warehouse_id is not None:
            wh, shipped = dst.warehouse_id, -q
        elif (
            kind == "return"
            and dst.sellable
            and dst.warehouse_id is not None
            and not (src.sellable and src.warehouse_id == dst.warehouse_id)
        ):
            wh, returned = dst.warehouse_id, q
        if wh is not None:
            row = into.days[(wh, day, ln.item_id)]
            row[0] += shipped
            row[1] += ships
            row[2] += returned
            channel = channel_of.get(ln.movement_id)
            if channel is not None:
                crow = into.channels[(wh, day, ln.item_id, channel)]
                crow[0] += shipped
                crow[1] += returned
        if src.sellable and src.warehouse_id is not None:
            into.days[(src.warehouse_id, day, ln.item_id)][3] -= q
        if dst.sellable and dst.warehouse_id is not None:
            into.days[(dst.warehouse_id, day, ln.item_id)][3] += q


def utc_day(at: datetime) -> date:
    return (at.astimezone(UTC) if at.tzinfo else at).date()


def register(app: Flask) -> None:
    subscribe(app, NAME, on_posting)


def on_posting(conn: Connection, posted: Posted) -> None:
    """Note the posting's shares; they are written as the transaction commits."""
    places = _places(conn, posted.location_ids)
    if not any(p.warehouse_id is not None for p in places.values()):
        return  # virtual to virtual: nothing a warehouse's demand can see
    pending = _BUFFER.pending()
    channel_of = _channels(conn, posted, places)
    day_shares(
        posted.movement_type, utc_day(posted.occurred_at), posted.lines, places, channel_of, pending
    )


def _places(conn: Connection, location_ids: Iterable[int]) -> dict[int, Place]:
    out: dict[int, Place] = {}
    for loc_id, wh, sellable, virtual, code in conn.execute(
        _LOCATIONS, {"ids": list(location_ids)}
    ):
        physical = not virtual
        out[int(loc_id)] = Place(
            warehouse_id=int(wh) if physical and wh is not None else None,
            sellable=bool(sellable) and physical,
            customer=bool(virtual) and code == CUSTOMER,
        )
    return out


def _channels(conn: Connection, posted: Posted, places: Mapping[int, Place]) -> dict[int, int]:
    kind, lines = posted.movement_type, posted.lines
    if kind == "ship":
        by_box = {ln.from_container_id: ln.movement_id for ln in lines if ln.from_container_id}
        if not by_box:
            return {}
        boxes = {int(c): int(ch) for c, ch in conn.execute(_CARTON_CHANNELS, {"ids": list(by_box)})}
        return {
            ln.movement_id: boxes[ln.from_container_id]
            for ln in lines
            if ln.from_container_id in boxes
        }
    if kind == "reversal":
        undone = {ln.reverses_movement_id: ln for ln in lines if ln.reverses_movement_id}
        undone = {m: ln for m, ln in undone.items() if places[ln.from_location_id].customer}
        if not undone:
            return {}
        rows = conn.execute(_REVERSED_CHANNELS, {"ids": list(undone)})
        return {undone[int(m)].movement_id: int(ch) for m, ch in rows}
    if kind == "return" and posted.source_type == "return" and (posted.source_id or "").isdigit():
        channel = conn.execute(_RETURN_CHANNEL, {"id": int(posted.source_id or 0)}).scalar()
        if channel is None:
            return {}
        return {ln.movement_id: int(channel) for ln in lines}
    return {}


def write_shares(conn: Connection, shares: Shares) -> None:
    """Add the shares to their rows, in key order (module docstring); rows whose figures
    are all 0 (a bin-to-bin move) are not written."""
    days = [
        {"wh": k[0], "day": k[1], "item": k[2], "shipped": v[0], "ships": v[1],
         "returned": v[2], "net": v[3]}
        for k, v in sorted(shares.days.items())
        if any(v)
    ]  # fmt: skip
    channels = [
        {"wh": k[0], "day": k[1], "item": k[2], "channel": k[3], "shipped": v[0],
         "returned": v[1]}
        for k, v in sorted(shares.channels.items())
        if any(v)
    ]  # fmt: skip
    if days:
        conn.execute(_UPSERT_DAYS, days)
    if channels:
        conn.execute(_UPSERT_CHANNEL_DAYS, channels)


# Made after allocation's and the ATS feed's hooks: these rows are the last locks a
# transaction takes (ledger/commit_buffer.py).
_BUFFER = CommitBuffer(_PENDING, Shares, write_shares)
