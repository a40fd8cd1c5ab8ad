"""Available-to-sell per channel: full snapshots and the change feed a connector syncs from.

The feed is the ats_changes table: a row per committed transaction that changed some items'
ATS (reservations, stock postings, pools, kits) or a channel's rules (every item). Its ids are
handed out in commit order (ats_feed._write_feed), so the cursor is simply the last id seen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.engine import Connection

from ..catalog.models import Item
from ..errors import ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .channel_loader import ChannelInfo, load_channels
from .models import AtsChange, Channel, ChannelPool, ChannelWarehouse, KitComponent
from .orders_service import channel_by_code
from .positions import (
    Key,
    load_state,
    read_reserved,
)
from .rules import channel_ats, kit_ats

_I = Item.__table__
_K = KitComponent.__table__
_ALL_ITEMS = select(_I.c.id, _I.c.sku, _I.c.expiry_tracked).where(_I.c.active.is_(True))
_SOME_ITEMS = select(_I.c.id, _I.c.sku, _I.c.expiry_tracked).where(
    _I.c.id.in_(bindparam("ids", expanding=True))
)
_KITS = select(_K.c.kit_item_id, _K.c.component_item_id, _K.c.quantity)
_A = AtsChange.__table__
_W = ChannelWarehouse.__table__
_CH = Channel.__table__
_POOLED = select(ChannelPool.__table__.c.item_id).distinct()


@dataclass(frozen=True)
class Availability:
    channel: str
    cursor: str
    full: bool
    items: list[tuple[int, str, int]]  # (item_id, sku, ats)


@dataclass
class Supply:
    """What every channel's ATS is computed from, read once (statements kept plain: a full
    snapshot reads a row per item and per stocked position, so per-row type processing
    would cost more than the arithmetic)."""

    items: list[tuple[int, str, bool]]
    kits: dict[int, dict[int, int]]
    pooled: set[int]
    sellable: dict[Key, int]
    reserved: dict[Key, int]
    free_by_warehouses: dict[frozenset[int], dict[int, int]] = field(default_factory=dict)
    expiring: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.expiring = {i for i, _, expiry in self.items if expiry}

    def free(self, whs: frozenset[int]) -> dict[int, int]:
        """Free units per item over these warehouses (a negative position counts 0), worked
        out once for all channels that ship from the same warehouses."""
        if whs not in self.free_by_warehouses:
            free: dict[int, int] = defaultdict(int)
            reserved = self.reserved
            for (i, w), q in self.sellable.items():
                if w in whs:
                    f = q - reserved.get((i, w), 0)
                    if f > 0:
                        free[i] += f
            self.free_by_warehouses[whs] = free
        return self.free_by_warehouses[whs]


_ITEMS_SQL = "SELECT id, sku, expiry_tracked FROM items WHERE active = TRUE ORDER BY id"
_SELLABLE_SQL = (
    "SELECT b.item_id, l.warehouse_id, SUM(b.quantity) FROM balances b"
    " JOIN locations l ON l.id = b.location_id"
    " WHERE l.sellable = TRUE AND l.is_virtual = FALSE GROUP BY b.item_id, l.warehouse_id"
)
_RESERVED_SQL = "SELECT item_id, warehouse_id, reserved FROM stock_positions WHERE reserved > 0"


def _kits(conn: Connection) -> dict[int, dict[int, int]]:
    kits: dict[int, dict[int, int]] = defaultdict(dict)
    for kit, comp, qty in conn.execute(_KITS):
        kits[kit][comp] = qty
    return kits


def _raw(conn: Connection, sql: str) -> list[Any]:
    """Rows as plain tuples from the driver, on the transaction's own connection."""
    cur = conn.connection.cursor()
    try:
        cur.execute(sql)
        return list(cur.fetchall())
    finally:
        cur.close()


def read_supply(conn: Connection, item_ids: Iterable[int] | None = None) -> Supply:
    """Everything (None) or these items, with the components of any kit among them."""
    kits = _kits(conn)
    pooled = set(conn.scalars(_POOLED))
    if item_ids is None:
        items = _raw(conn, _ITEMS_SQL)
        sellable = {(i, w): int(q) for i, w, q in _raw(conn, _SELLABLE_SQL)}
        reserved = {(i, w): int(q) for i, w, q in _raw(conn, _RESERVED_SQL)}
        return Supply(items, kits, pooled, sellable, reserved)
    wanted = set(item_ids)
    wanted |= {c for k in wanted if k in kits for c in kits[k]}
    items = [(i, sku, bool(e)) for i, sku, e in conn.execute(_SOME_ITEMS, {"ids": sorted(wanted)})]
    whs = sorted(set(conn.scalars(select(_W.c.warehouse_id).distinct())))
    keys = {(i, w) for i, _, _ in items for w in whs}
    state = load_state(conn, keys, read_reserved(conn, keys), utcnow().date())
    return Supply(
        items,
        kits,
        pooled,
        {k: p.sellable for k, p in state.positions.items()},
        {k: p.reserved for k, p in state.positions.items()},
    )


def compute_ats(conn: Connection, ch: ChannelInfo, supply: Supply) -> list[tuple[int, str, int]]:
    """(item_id, sku, ATS) for one channel, kits included."""
    rules = ch.rules
    whs = list(rules.warehouse_ids)
    items = supply.items
    if not whs:
        return [(i, sku, 0) for i, sku, _ in items]
    today = utcnow().date()
    # Items the plain formula does not cover go through the rules one position at a time.
    capped = rules.cap_fraction is not None
    special = {i for i, _, _ in items} if capped else supply.expiring | supply.pooled
    buffer = rules.safety_buffer
    ats = {i: (f - buffer if f > buffer else 0) for i, f in supply.free(frozenset(whs)).items()}
    if special:
        keys = {(i, w) for i in special for w in whs}
        own = [rules.id] if capped else []
        state = load_state(conn, keys, read_reserved(conn, keys), today, own)
        for item_id in special:
            positions = [state.positions[(item_id, w)] for w in whs]
            ats[item_id] = channel_ats(positions, rules, today)
    kits = supply.kits
    get = ats.get
    return [(i, sku, kit_ats(ats, kits[i]) if i in kits else get(i, 0)) for i, sku, _ in items]


def _parse_cursor(cursor: str) -> int:
    if not (cursor.isascii() and cursor.isdigit()) or len(cursor) > 18:
        raise ValidationFailed("cursor is not one this server gave out", {"cursor": cursor})
    return int(cursor)


def _changed_since(conn: Connection, channel_id: int, after: int, upto: int) -> set[int] | None:
    """Items whose ATS may have changed; None when everything may have (rules changed)."""
    rows = conn.execute(
        select(_A.c.item_ids).where(
            _A.c.id > after,
            _A.c.id <= upto,
            or_(_A.c.channel_id.is_(None), _A.c.channel_id == channel_id),
        )
    )
    items: set[int] = set()
    for (ids,) in rows:
        if ids is None:
            return None
        items.update(int(i) for i in ids)
    if items:
        kits = conn.execute(
            select(_K.c.kit_item_id).where(_K.c.component_item_id.in_(sorted(items)))
        )
        items.update(k for (k,) in kits)
    return items


def channel_availability(code: str, cursor: str | None = None) -> Availability:
    """A full snapshot (no cursor) or what changed since the cursor, with the next cursor."""
    ch_row = channel_by_code(code)
    conn = db.session.connection()
    ch = load_channels(conn, [ch_row.id])[ch_row.id]
    # Read first: whatever commits after this is in the next delta, even if this answer
    # already shows its effect (at-least-once; values are absolute, so a repeat is harmless).
    upto = int(conn.scalar(select(func.max(_A.c.id))) or 0)
    changed: set[int] | None = None
    if cursor:
        changed = _changed_since(conn, ch_row.id, _parse_cursor(cursor), upto)
    rows: list[tuple[int, str, int]] = []
    if changed is None or changed:
        rows = compute_ats(conn, ch, read_supply(conn, changed))
    if changed is not None:
        rows = [r for r in rows if r[0] in changed]
    return Availability(ch.code, str(upto), changed is None, rows)


def all_snapshots() -> list[Availability]:
    """Full snapshots of every active channel, the supply read once for all of them."""
    conn = db.session.connection()
    upto = int(conn.scalar(select(func.max(_A.c.id))) or 0)
    ids = list(conn.scalars(select(_CH.c.id).where(_CH.c.active.is_(True)).order_by(_CH.c.id)))
    supply = read_supply(conn)
    return [
        Availability(ch.code, str(upto), True, compute_ats(conn, ch, supply))
        for ch in load_channels(conn, ids).values()
    ]


def item_ats_across_channels(item_id: int) -> dict[str, int]:
    """One item's ATS in every channel (the console's item view)."""
    conn = db.session.connection()
    ids = list(conn.scalars(select(Channel.__table__.c.id)))
    out: dict[str, int] = {}
    for ch in load_channels(conn, ids).values():
        rows = compute_ats(conn, ch, read_supply(conn, [item_id]))
        out[ch.code] = next((r[2] for r in rows if r[0] == item_id), 0)
    return out


def channel_ats_of(channel_id: int, item_ids: list[int] | None) -> list[dict[str, Any]]:
    """Current ATS rows of these items for one channel (webhook payloads); [] for None."""
    if not item_ids:
        return []
    conn = db.session.connection()
    ch = load_channels(conn, [channel_id])[channel_id]
    wanted = set(item_ids)
    rows = compute_ats(conn, ch, read_supply(conn, wanted))
    return [{"item_id": i, "sku": sku, "ats": q} for i, sku, q in rows if i in wanted]
