"""Demand per sales channel from the daily demand projection (channel_demand_days,
demand_models.py): per item and channel, the units shipped and the returns restocked over
the window of UTC days [first, first + n), one statement per reader.

Only units that can be told to a channel are here. The item's whole demand (a ship posted
without a carton counts for no channel) is in demand_days, read by demand_sql.py; what the
channels do not cover is that total less theirs.

A channel's day below 0 shipped (it reversed more than it shipped) counts as 0, as
demand_sql counts the item's day, so a channel's totals are sums of the same clamped days
as DemandHistory.shipped and the two compare.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from ..allocation.models import Channel
from .demand_models import ChannelDailyDemand

SHARE_PLACES = Decimal("0.0001")
# More items than this: read the warehouse's whole window and keep the wanted ones here (an
# IN list of thousands of parameters costs more than the rows it saves, and has a limit).
_IN_LIMIT = 1000

_CD = ChannelDailyDemand.__table__
_CH = Channel.__table__

ChannelColumns = tuple[list[int], list[int]]  # (shipped per day, returned per day)


@dataclass(frozen=True)
class ChannelUnits:
    """One channel's units of one item over the window."""

    channel_id: int
    code: str
    shipped: int
    returned: int
    net: int  # shipped - returned
    share: Decimal  # of the item's net told to any channel, 0.xxxx (0 when that is <= 0)


def _window(stmt: Any, warehouse_id: int, first: date, n: int, want: set[int] | None) -> Any:
    if n < 1:
        raise ValueError("a demand window is at least one day")
    stmt = stmt.where(
        _CD.c.warehouse_id == warehouse_id,
        _CD.c.day >= first,
        _CD.c.day < first + timedelta(days=n),
    )
    if want is not None and len(want) <= _IN_LIMIT:
        stmt = stmt.where(_CD.c.item_id.in_(sorted(want)))
    return stmt


def _wanted(item_ids: Iterable[int] | None) -> set[int] | None:
    return None if item_ids is None else {int(i) for i in item_ids}


def _day(raw: Any) -> date:
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])


def channel_daily(
    conn: Connection,
    warehouse_id: int,
    first: date,
    n: int,
    item_ids: Iterable[int] | None = None,
) -> dict[int, dict[int, ChannelColumns]]:
    """item_id -> channel_id -> (shipped, returned) per day of the window, oldest first, n
    entries each; only the items and channels with a row in the window."""
    want = _wanted(item_ids)
    stmt = _window(
        select(_CD.c.item_id, _CD.c.channel_id, _CD.c.day, _CD.c.shipped, _CD.c.returned),
        warehouse_id,
        first,
        n,
        want,
    )
    out: dict[int, dict[int, ChannelColumns]] = {}
    for item, channel, day, shipped, returned in conn.execute(stmt):
        if want is not None and item not in want:
            continue
        columns = out.setdefault(int(item), {}).setdefault(int(channel), ([0] * n, [0] * n))
        i = (_day(day) - first).days
        columns[0][i] += max(int(shipped), 0)
        columns[1][i] += int(returned)
    return out


def share(net: int, told: int) -> Decimal:
    """`net` as a fraction of `told`, half-up to 4 places; 0 when `told` is not above 0."""
    if told <= 0:
        return Decimal(0).quantize(SHARE_PLACES)
    ctx = decimal.Context(prec=28, rounding=ROUND_HALF_UP)
    return ctx.divide(Decimal(net), Decimal(told)).quantize(SHARE_PLACES, context=ctx)


def channel_totals(
    conn: Connection,
    warehouse_id: int,
    first: date,
    n: int,
    item_ids: Iterable[int] | None = None,
) -> dict[int, list[ChannelUnits]]:
    """item_id -> its channels' units over the window, the largest net first (then by code);
    only the items with a channel's unit in the window."""
    want = _wanted(item_ids)
    shipped = func.sum(case((_CD.c.shipped > 0, _CD.c.shipped), else_=0))
    stmt = _window(
        select(_CD.c.item_id, _CD.c.channel_id, _CH.c.code, shipped, func.sum(_CD.c.returned))
        .join(_CH, _CH.c.id == _CD.c.channel_id)
        .group_by(_CD.c.item_id, _CD.c.channel_id, _CH.c.code),
        warehouse_id,
        first,
        n,
        want,
    )
    rows: dict[int, list[tuple[int, str, int, int]]] = {}
    for item, channel, code, out_units, back_units in conn.execute(stmt):
        if want is not None and item not in want:
            continue
        s, r = int(out_units or 0), int(back_units or 0)
        if s or r:
            rows.setdefault(int(item), []).append((int(channel), str(code), s, r))
    out: dict[int, list[ChannelUnits]] = {}
    for item, found in rows.items():
        told = sum(s - r for _c, _code, s, r in found)
        units = [ChannelUnits(c, code, s, r, s - r, share(s - r, told)) for c, code, s, r in found]
        out[item] = sorted(units, key=lambda u: (-u.net, u.code))
    return out
