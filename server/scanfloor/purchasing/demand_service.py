"""One item's demand in one warehouse, in total and per sales channel (the API's GET
/api/v1/purchasing/demand): what a suggestion run forecasts from, and who it sells to.

- window: the `days` whole UTC days before `as_of` (demand_sql.window: the day of the call is
  not over and is left out); `days` defaults to SCANFLOOR_DEMAND_HISTORY_DAYS, the history a
  suggestion run reads, so the total estimate is the one a run on `as_of` plans with;
- total: forecast_rules.estimate_columns over the item's DemandHistory (demand_sql: shipped,
  backordered, returns restocked, on hand at the start of each day), with its daily series;
- per channel (demand_channel_sql): shipped, returned, net (shipped - returned) and its
  share of the net told to any channel, and an estimate of its own: estimate_columns over
  the ITEM's on hand at the start of each day (a stock-out is the item's, so every channel
  loses the same days), the channel's shipped and returned per day, and no backorders:
  backorders are counted in the item's total, not per channel;
- not told: the item's net units that no channel was told for (a ship posted without a
  carton), when its history is of shipments (allocated order lines are not units told to
  anyone); 0 otherwise, and never below 0.
Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from ..catalog.codes import sku_key
from ..catalog.models import Item
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..picking.queries import warehouse
from ..timeutil import utcnow
from .demand_channel_sql import channel_daily, channel_totals
from .demand_sql import SHIPMENTS, DemandHistory, daily_demand, window
from .forecast_rules import DemandEstimate, estimate_columns
from .rules import decimal_text
from .terms_views import ItemRef, WarehouseRef

_MAX_ITEM_ID = 2**31 - 1  # items.id is an INTEGER key


@dataclass(frozen=True)
class WindowView:
    first: date
    last: date
    days: int


@dataclass(frozen=True)
class EstimateView:
    method: str  # ses | croston_sba | no_history | no_demand
    classification: str | None  # smooth | erratic | intermittent | lumpy
    mean_per_day: str
    sd_per_day: str
    days_used: int
    stock_out_days: int


@dataclass(frozen=True)
class DemandDayView:
    date: date
    shipped: int
    returned: int
    backordered: int
    on_hand_at_start: int


@dataclass(frozen=True)
class ChannelRef:
    id: int
    code: str


@dataclass(frozen=True)
class ChannelDemandView:
    channel: ChannelRef
    shipped: int
    returned: int
    net: int
    share: str  # of the net told to any channel, 0 to 1 (4 places)
    estimate: EstimateView


@dataclass(frozen=True)
class DemandTotals:
    shipped: int
    returned: int
    backordered: int
    net: int  # shipped - returned
    not_told: int  # net units no channel was told for


@dataclass(frozen=True)
class ItemDemandView:
    item: ItemRef
    warehouse: WarehouseRef
    window: WindowView
    source: str  # shipments | allocated_lines | none
    totals: DemandTotals
    estimate: EstimateView
    days: list[DemandDayView]
    channels: list[ChannelDemandView]


def item_for(ref: int | str) -> Item:
    """The item an id or a SKU names (a SKU of digits wins over the same id)."""
    found: Item | None = None
    if isinstance(ref, str):
        found = db.session.scalar(select(Item).where(Item.sku_key == sku_key(ref)))
        text = ref.strip()
        if found is None and text.isdigit() and len(text) <= 18:
            ref = int(text)
    if found is None and isinstance(ref, int) and not isinstance(ref, bool):
        found = db.session.get(Item, ref) if 0 < ref <= _MAX_ITEM_ID else None
    if found is None:
        raise NotFound("item not found", {"item": ref})
    return found


def _estimate(e: DemandEstimate) -> EstimateView:
    return EstimateView(
        method=e.method,
        classification=e.classification,
        mean_per_day=_text(e.mean_per_day),
        sd_per_day=_text(e.sd_per_day),
        days_used=e.days_used,
        stock_out_days=e.stock_out_days,
    )


def _text(value: Decimal) -> str:
    return decimal_text(value) or "0"


def item_demand(
    item_ref: int | str,
    warehouse_ref: int | str,
    days: int | None = None,
    as_of: date | None = None,
) -> ItemDemandView:
    """The item's demand in the warehouse over the `days` before `as_of` (module docstring)."""
    n = int(current_app.config["SCANFLOOR_DEMAND_HISTORY_DAYS"]) if days is None else days
    if n < 1:
        raise ValidationFailed("a demand history is at least one day", {"days": n})
    item = item_for(item_ref)
    wh = warehouse(warehouse_ref)
    day = as_of or utcnow().date()
    first, last = window(day, n)
    conn = db.session.connection()
    history: DemandHistory = daily_demand(conn, wh.id, day, n, [item.id])[item.id]
    per_day = channel_daily(conn, wh.id, first, n, [item.id]).get(item.id, {})
    units = channel_totals(conn, wh.id, first, n, [item.id]).get(item.id, [])
    zeros = [0] * n
    channels = []
    for u in units:
        shipped, returned = per_day.get(u.channel_id, (zeros, zeros))
        est = estimate_columns(history.on_hand_at_start, shipped, zeros, returned)
        channels.append(
            ChannelDemandView(
                channel=ChannelRef(u.channel_id, u.code),
                shipped=u.shipped,
                returned=u.returned,
                net=u.net,
                share=_text(u.share),
                estimate=_estimate(est),
            )
        )
    shipped_total, returned_total = sum(history.shipped), sum(history.returned)
    net = shipped_total - returned_total
    told = sum(u.net for u in units)
    not_told = max(net - told, 0) if history.source == SHIPMENTS else 0
    return ItemDemandView(
        item=ItemRef(item.id, item.sku, item.name),
        warehouse=WarehouseRef(wh.id, wh.code),
        window=WindowView(first, last, n),
        source=history.source,
        totals=DemandTotals(
            shipped=shipped_total,
            returned=returned_total,
            backordered=sum(history.backordered),
            net=net,
            not_told=not_told,
        ),
        estimate=_estimate(
            estimate_columns(
                history.on_hand_at_start, history.shipped, history.backordered, history.returned
            )
        ),
        days=[
            DemandDayView(d, s, r, b, h)
            for d, h, s, b, r in zip(
                history.dates,
                history.on_hand_at_start,
                history.shipped,
                history.backordered,
                history.returned,
                strict=True,
            )
        ],
        channels=channels,
    )
