"""Daily demand history of a warehouse's items from the ledger, for every item at once.

The window: the `days` whole UTC days BEFORE `as_of` (as_of - days ... as_of - 1). The day of
the run is left out on purpose: it is not over, and a part-day counted as a whole one would
pull a smoothed forecast down (SES weighs the last day most). Days are UTC calendar dates of
`occurred_at` (movements) and `at` / `ordered_at` (order events, orders), as stored.

Per (item, day), one DemandDay (forecast_rules) for every calendar day of the window, quiet
days included:
- shipped: units of `ship` movements to the CUSTOMER location from a location of the
  warehouse, less units of `reversal` movements from CUSTOMER back into it (a ship posted in
  error and reversed did not ship); a day never goes below 0.
- returned: customer returns restocked: `return` movements into a sellable location of the
  warehouse from a location that is not one (the returns desk -> a bin; the receipt of a
  return at the desk is not sellable yet and does not count).
- backordered: per order line, on the first day it went to status `backordered`
  (order_events), the units of it never picked (quantity - consumed), for lines whose
  channel ships from this warehouse first (its lowest-id warehouse). Units picked for the
  line later leave as shipments and are counted there: each unit counts once.
- on hand at the start of the day: sellable on hand now, less the net sellable change of
  every day from that one until now (movements into the warehouse's sellable locations
  minus movements out of them, a bin-to-bin move nets 0). Derived backwards, so one
  aggregate over the window gives every day's figure.
The ledger figures come from the daily demand projection (demand_models.py: kept by a ledger
subscriber in every posting's transaction, so never behind the ledger), one row per (item,
day) with a movement, read in one range scan from the window's first day on; backorders
from one aggregate over order events.

Fallback: an item with no `ship` movement in the window (a site not shipping through
Scanfloor yet) takes its demand from the order lines allocation took in instead: per line,
on the day it was ordered (orders.ordered_at: the channel's time, else the capture time), the
units reserved for it in this warehouse (active or consumed reservations) plus, for the
channel's first warehouse, the units still unallocated (cancelled lines left out). Every
ordered unit is counted on its order day, so backorders are not counted again
(backordered = 0); source `allocated_lines`. No ship movement and no such line: source
`none` (all days 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from itertools import accumulate
from typing import Any

from sqlalchemy import (
    Date,
    bindparam,
    func,
    select,
)
from sqlalchemy.engine import Connection

from ..catalog.models import Location
from ..ledger.models import Balance
from .demand_models import DailyDemand
from .demand_order_sql import BACKORDERS, ORDER_LINES
from .forecast_rules import DemandDay

SHIPMENTS, ALLOCATED_LINES, NONE = "shipments", "allocated_lines", "none"
_BATCH = 10_000

_DD = DailyDemand.__table__
_L = Location.__table__
_B = Balance.__table__


@dataclass
class DemandHistory:
    """One item's window as columns, one entry per calendar day, oldest first, and where its
    demand came from. `days` gives them as forecast_rules.DemandDay records, built on first
    use: a run over thousands of items makes hundreds of thousands of them, so an item whose
    policy needs no forecast never pays for its own."""

    item_id: int
    source: str  # shipments | allocated_lines | none
    dates: tuple[date, ...]
    on_hand_at_start: list[int]
    shipped: list[int]
    backordered: list[int]
    returned: list[int]

    @cached_property
    def days(self) -> list[DemandDay]:
        return list(
            map(
                DemandDay,
                self.dates,
                self.on_hand_at_start,
                self.shipped,
                self.backordered,
                self.returned,
            )
        )


def window(as_of: date, days: int) -> tuple[date, date]:
    """(first day, last day) of the history before `as_of` (module docstring)."""
    if days < 1:
        raise ValueError("a demand history is at least one day")
    return as_of - timedelta(days=days), as_of - timedelta(days=1)


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- statements --------------------------------------------------------------------------


def _ledger() -> Any:
    # The projection's primary key leads with (warehouse, day): one range scan, no sort.
    return select(
        _DD.c.item_id, _DD.c.day, _DD.c.shipped, _DD.c.ships, _DD.c.returned, _DD.c.net
    ).where(_DD.c.warehouse_id == bindparam("wh"), _DD.c.day >= bindparam("first", type_=Date))


def _sellable_now() -> Any:
    return (
        select(_B.c.item_id, func.sum(_B.c.quantity).label("quantity"))
        .join(_L, _L.c.id == _B.c.location_id)
        .where(
            _L.c.warehouse_id == bindparam("wh"),
            _L.c.sellable.is_(True),
            _L.c.is_virtual.is_(False),
        )
        .group_by(_B.c.item_id)
    )


_LEDGER = _ledger()
_SELLABLE_NOW = _sellable_now()


# --- assembly ----------------------------------------------------------------------------


class _Days:
    """Day keys as the database returns them (text on SQLite, dates on PostgreSQL) -> index
    in the window (days after it get indexes past its end); parsed once per distinct day."""

    def __init__(self, first: date) -> None:
        self.first = first
        self.seen: dict[Any, int] = {}

    def index(self, raw: Any) -> int:
        found = self.seen.get(raw)
        if found is None:
            day = raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
            found = self.seen[raw] = (day - self.first).days
        return found


def daily_demand(
    conn: Connection,
    warehouse_id: int,
    as_of: date,
    days: int,
    item_ids: Iterable[int] | None = None,
) -> dict[int, DemandHistory]:
    """item_id -> its DemandHistory over the window (module docstring). With `item_ids`, the
    answer holds exactly those items (quiet ones too); without, every item the window's
    ledger touched in the warehouse."""
    first, _last = window(as_of, days)
    n = days
    base = {"wh": warehouse_id, "since": _start(first), "until": _start(as_of)}
    want = None if item_ids is None else {int(i) for i in item_ids}
    keys = _Days(first)
    ledger = _read_ledger(conn, base, want, keys, n)
    backordered: dict[int, list[int]] = {}
    for item, raw_day, units in conn.execute(BACKORDERS(conn), base):
        if want is None or item in want:
            _row(backordered, item, n)[keys.index(raw_day)] += int(units)
    on_hand = {int(r[0]): int(r[1] or 0) for r in conn.execute(_SELLABLE_NOW, base)}
    wanted = set(ledger.net) | set(backordered) if want is None else want
    ordered = _ordered_units(conn, base, sorted(wanted - ledger.ships), keys, n)
    dates = tuple(first + timedelta(days=i) for i in range(n))
    zero = [0] * n
    out: dict[int, DemandHistory] = {}
    for item in sorted(wanted):
        if item in ledger.ships:
            source, units, back = (
                SHIPMENTS,
                ledger.shipped.get(item, zero),
                backordered.get(item, zero),
            )
        elif item in ordered:
            source, units, back = ALLOCATED_LINES, ordered[item], zero
        else:
            source, units, back = NONE, zero, zero
        if min(units) < 0:  # a reversed shipment on a day that shipped less
            units = [u if u > 0 else 0 for u in units]
        at_end = on_hand.get(item, 0) - ledger.after.get(item, 0)
        starts = _starts(at_end, ledger.net.get(item, zero))
        returned = ledger.returned.get(item, zero)
        out[item] = DemandHistory(item, source, dates, starts, units, back, returned)
    return out


@dataclass
class _Ledger:
    """Per item: the window's daily shipped, returned and net sellable change, the net
    sellable change after the window (until now), and whether it shipped at all."""

    shipped: dict[int, list[int]] = field(default_factory=dict)
    returned: dict[int, list[int]] = field(default_factory=dict)
    net: dict[int, list[int]] = field(default_factory=dict)
    after: dict[int, int] = field(default_factory=dict)
    ships: set[int] = field(default_factory=set)


def _row(rows: dict[int, list[int]], item: int, n: int) -> list[int]:
    found = rows.get(item)
    if found is None:
        found = rows[item] = [0] * n
    return found


def _read_ledger(
    conn: Connection, base: dict[str, Any], want: set[int] | None, keys: _Days, n: int
) -> _Ledger:
    # The hot loop of a run, a row per item and day: the driver's own tuples fetched in
    # batches (a SQLAlchemy Row per row costs more than the arithmetic done on it; these
    # columns need no result processing: ints, and a day as text or a date), local dicts,
    # no attribute lookups or helper calls per row.
    out = _Ledger()
    result = conn.execute(_LEDGER, {"wh": base["wh"], "first": keys.first})
    cursor = result.cursor
    while rows := cursor.fetchmany(_BATCH):
        _add_rows(rows, want, keys, n, out)
    result.close()
    return out


def _add_rows(
    rows: Sequence[Any], want: set[int] | None, keys: _Days, n: int, out: _Ledger
) -> None:
    seen, index = keys.seen, keys.index
    net, shipped_rows, returned_rows, after = out.net, out.shipped, out.returned, out.after
    for item, raw_day, shipped, ships, returned, change in rows:
        if want is not None and item not in want:
            continue
        i = seen.get(raw_day)
        if i is None:
            i = index(raw_day)
        if i >= n:
            after[item] = after.get(item, 0) + change
            continue
        row = net.get(item)
        if row is None:
            row = net[item] = [0] * n
        row[i] += change
        if ships:
            out.ships.add(item)
        if shipped:
            row = shipped_rows.get(item)
            if row is None:
                row = shipped_rows[item] = [0] * n
            row[i] += shipped
        if returned:
            row = returned_rows.get(item)
            if row is None:
                row = returned_rows[item] = [0] * n
            row[i] += returned


def _starts(at_end: int, net: Sequence[int]) -> list[int]:
    """Sellable on hand at the start of each day, from the figure at the window's end:
    day i started with at_end - (the net change of day i and every day after it)."""
    suffix = list(accumulate(reversed(net)))
    return [at_end - s for s in reversed(suffix)]


def _ordered_units(
    conn: Connection, base: dict[str, Any], item_ids: list[int], keys: _Days, n: int
) -> dict[int, list[int]]:
    if not item_ids:
        return {}
    out: dict[int, list[int]] = {}
    for item, raw_day, units in conn.execute(ORDER_LINES(conn), {**base, "items": item_ids}):
        if units:
            _row(out, item, n)[keys.index(raw_day)] += int(units)
    return out
