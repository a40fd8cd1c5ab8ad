"""Reading channels' rules and warehouse routing ranks as plain values (Core, read-only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from .models import Channel, ChannelWarehouse, WarehouseRegion
from .rules import ChannelRules

_CH = Channel.__table__
_CW = ChannelWarehouse.__table__
_WR = WarehouseRegion.__table__


@dataclass(frozen=True)
class ChannelInfo:
    rules: ChannelRules
    code: str
    webhook: bool


_CHANNELS = select(
    _CH.c.id,
    _CH.c.code,
    _CH.c.priority,
    _CH.c.safety_buffer,
    _CH.c.cap_fraction,
    _CH.c.allow_partial_shipment,
    _CH.c.min_shelf_life_days,
    _CH.c.webhook_url,
).where(_CH.c.id.in_(bindparam("ids", expanding=True)))
_WAREHOUSES = select(_CW.c.channel_id, _CW.c.warehouse_id).where(
    _CW.c.channel_id.in_(bindparam("ids", expanding=True))
)
_RANKS = select(_WR.c.warehouse_id, _WR.c.rank).where(_WR.c.region == bindparam("region"))


def load_channels(conn: Connection, ids: Iterable[int]) -> dict[int, ChannelInfo]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    whs: dict[int, list[int]] = defaultdict(list)
    for ch, wh in conn.execute(_WAREHOUSES, {"ids": wanted}):
        whs[ch].append(wh)
    out: dict[int, ChannelInfo] = {}
    for r in conn.execute(_CHANNELS, {"ids": wanted}):
        out[r.id] = ChannelInfo(
            rules=ChannelRules(
                id=r.id,
                priority=r.priority,
                safety_buffer=r.safety_buffer,
                cap_fraction=r.cap_fraction,
                allow_partial_shipment=bool(r.allow_partial_shipment),
                min_shelf_life_days=r.min_shelf_life_days,
                warehouse_ids=tuple(sorted(whs.get(r.id, ()))),
            ),
            code=r.code,
            webhook=bool(r.webhook_url),
        )
    return out


class RankCache:
    """Warehouse ranks per ship-to region, read once per region per allocation run."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._by_region: dict[str | None, dict[int, int]] = {}

    def __call__(self, region: str | None) -> dict[int, int]:
        if region not in self._by_region:
            self._by_region[region] = (
                {}
                if region is None
                else {int(w): int(r) for w, r in self.conn.execute(_RANKS, {"region": region})}
            )
        return self._by_region[region]
