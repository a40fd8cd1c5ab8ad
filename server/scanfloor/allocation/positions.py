"""Stock positions: locking them, reading them into a SupplyState, and writing reservations.

Every change to reservations holds the row lock of each (item, warehouse) position it
touches, taken in one fixed order, sorted by (warehouse_id, item_id), so two transactions
never wait on each other in a cycle (PostgreSQL); SQLite serialises writers with BEGIN
IMMEDIATE. The lock is an upsert, so a position that has no row yet gets one and is locked
by the same statement. The write that raises `reserved` is conditional on the sellable
stock summed in the same statement: even a bug upstream cannot reserve more than there is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..catalog.models import Item, Location, Lot
from ..errors import Conflict
from ..ledger.models import Balance
from .bulk_sql import PerDialect, columns, is_pg, member, run_pg
from .models import ChannelPool, Reservation, StockPosition
from .order_history import many, naive
from .rules import Grant, LotStock, Position, SupplyState

Key = tuple[int, int]  # (item_id, warehouse_id)
CHUNK = 500

_POS = StockPosition.__table__
_RES = Reservation.__table__
_BAL = Balance.__table__
_LOC = Location.__table__
_SELLABLE_SUM = (
    "SELECT COALESCE(SUM(b.quantity), 0) FROM balances b JOIN locations l ON l.id = b.location_id "
    "WHERE b.item_id = :item_id AND l.warehouse_id = :warehouse_id "
    "AND l.sellable = TRUE AND l.is_virtual = FALSE"
)
_RAISE = text(
    "UPDATE stock_positions SET reserved = reserved + :q, updated_at = :now "
    "WHERE item_id = :item_id AND warehouse_id = :warehouse_id "
    f"AND reserved + :q <= ({_SELLABLE_SUM})"
)
_LOWER = text(
    "UPDATE stock_positions SET reserved = reserved - :q, updated_at = :now "
    "WHERE item_id = :item_id AND warehouse_id = :warehouse_id AND reserved >= :q"
)
# Reads by id lists: an expanding IN on SQLite, one array parameter on PostgreSQL (bulk_sql).
_SELLABLE = PerDialect(
    lambda d: (
        select(_BAL.c.item_id, _LOC.c.warehouse_id, func.sum(_BAL.c.quantity))
        .join(_LOC, _LOC.c.id == _BAL.c.location_id)
        .where(
            member(_BAL.c.item_id, "items", d),
            member(_LOC.c.warehouse_id, "whs", d),
            _LOC.c.sellable.is_(True),
            _LOC.c.is_virtual.is_(False),
        )
        .group_by(_BAL.c.item_id, _LOC.c.warehouse_id)
    )
)
_LOT_SELLABLE = PerDialect(
    lambda d: (
        select(
            _BAL.c.item_id,
            _LOC.c.warehouse_id,
            func.coalesce(_BAL.c.lot_id, literal_column("0")),
            func.sum(_BAL.c.quantity),
        )
        .join(_LOC, _LOC.c.id == _BAL.c.location_id)
        .where(
            member(_BAL.c.item_id, "items", d),
            member(_LOC.c.warehouse_id, "whs", d),
            _LOC.c.sellable.is_(True),
            _LOC.c.is_virtual.is_(False),
        )
        .group_by(
            _BAL.c.item_id, _LOC.c.warehouse_id, func.coalesce(_BAL.c.lot_id, literal_column("0"))
        )
    )
)
_LOT_RESERVED = PerDialect(
    lambda d: (
        select(
            _RES.c.item_id,
            _RES.c.warehouse_id,
            func.coalesce(_RES.c.lot_id, literal_column("0")),
            func.sum(_RES.c.quantity),
        )
        .where(member(_RES.c.item_id, "items", d), _RES.c.status == "active")
        .group_by(
            _RES.c.item_id, _RES.c.warehouse_id, func.coalesce(_RES.c.lot_id, literal_column("0"))
        )
    )
)
_BY_CHANNEL = PerDialect(
    lambda d: (
        select(_RES.c.item_id, _RES.c.warehouse_id, _RES.c.channel_id, func.sum(_RES.c.quantity))
        .where(
            member(_RES.c.item_id, "items", d),
            member(_RES.c.channel_id, "channels", d),
            _RES.c.status == "active",
        )
        .group_by(_RES.c.item_id, _RES.c.warehouse_id, _RES.c.channel_id)
    )
)
_POOL = ChannelPool.__table__
_POOLS = PerDialect(
    lambda d: select(
        _POOL.c.item_id, _POOL.c.warehouse_id, _POOL.c.channel_id, _POOL.c.quantity
    ).where(member(_POOL.c.item_id, "items", d))
)
_EXPIRY_ITEMS = PerDialect(
    lambda d: select(Item.__table__.c.id).where(
        member(Item.__table__.c.id, "items", d), Item.__table__.c.expiry_tracked.is_(True)
    )
)
_LOT_EXPIRY = PerDialect(
    lambda d: select(Lot.__table__.c.id, Lot.__table__.c.expiry).where(
        member(Lot.__table__.c.id, "lots", d)
    )
)
_RESERVED = PerDialect(
    lambda d: select(_POS.c.item_id, _POS.c.warehouse_id, _POS.c.reserved).where(
        member(_POS.c.item_id, "items", d), member(_POS.c.warehouse_id, "whs", d)
    )
)
# PostgreSQL: lock (creating) every position in one statement. INSERT ... SELECT ... ORDER BY
# inserts, and so locks, in the fixed order; RETURNING hands back reserved without a re-read.
_PG_LOCK = (
    "INSERT INTO stock_positions (item_id, warehouse_id, reserved, updated_at)"
    " SELECT v.i, v.w, 0, %s::timestamp FROM unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY"
    " AS v(i, w, k) ORDER BY v.k"
    " ON CONFLICT (item_id, warehouse_id) DO UPDATE SET reserved = stock_positions.reserved"
    " RETURNING item_id, warehouse_id, reserved"
)
# PostgreSQL: every raise in one statement, each still conditional on its sellable sum.
_PG_RAISE = (
    "UPDATE stock_positions AS p SET reserved = p.reserved + v.q, updated_at = %s"
    " FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS v(i, w, q)"
    " WHERE p.item_id = v.i AND p.warehouse_id = v.w AND p.reserved + v.q <= ("
    "SELECT COALESCE(SUM(b.quantity), 0) FROM balances b JOIN locations l"
    " ON l.id = b.location_id WHERE b.item_id = v.i AND l.warehouse_id = v.w"
    " AND l.sellable = TRUE AND l.is_virtual = FALSE)"
)
_PG_RESERVE = (
    "INSERT INTO reservations (order_line_id, channel_id, item_id, warehouse_id, lot_id,"
    " quantity, status, created_at)"
    " SELECT v.l, v.c, v.i, v.w, v.lot, v.q, 'active', %s::timestamp"
    " FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[],"
    " %s::bigint[]) WITH ORDINALITY AS v(l, c, i, w, lot, q, k) ORDER BY v.k"
)

_LOCKS: dict[str, Any] = {}


def _lock_statement(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE (no-op), built once per dialect. A no-op update, not
    DO NOTHING: the update takes the row lock even when the row exists, and waits for a
    concurrent insert of the same key to commit."""
    if dialect not in _LOCKS:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        _LOCKS[dialect] = (
            insert(_POS)
            .values(
                item_id=bindparam("b_item"),
                warehouse_id=bindparam("b_wh"),
                reserved=0,
                updated_at=bindparam("b_now"),
            )
            .on_conflict_do_update(
                index_elements=[_POS.c.item_id, _POS.c.warehouse_id],
                set_={"reserved": _POS.c.reserved},
            )
        )
    return _LOCKS[dialect]


def lock_positions(conn: Connection, keys: Iterable[Key], now: datetime) -> dict[Key, int]:
    """Lock (creating if need be) each position in the fixed order; returns reserved."""
    ordered = sorted(set(keys), key=lambda k: (k[1], k[0]))
    if not ordered:
        return {}
    if is_pg(conn):
        rows = conn.exec_driver_sql(_PG_LOCK, (naive(now), *columns(ordered, 2)))
        return {(int(i), int(w)): int(r) for i, w, r in rows}
    # executemany runs the statements one after another in this order (psycopg pipelines
    # them), so the locks are taken in the fixed order.
    conn.execute(
        _lock_statement(conn.dialect.name),
        [{"b_item": i, "b_wh": w, "b_now": now} for i, w in ordered],
    )
    return read_reserved(conn, ordered)


def read_reserved(conn: Connection, keys: Iterable[Key]) -> dict[Key, int]:
    """Reserved per position without locking (for ATS pages)."""
    keys = set(keys)
    items = sorted({k[0] for k in keys})
    whs = sorted({k[1] for k in keys})
    if not items:
        return {}
    rows = conn.execute(_RESERVED(conn), {"items": items, "whs": whs})
    return {(r[0], r[1]): int(r[2]) for r in rows if (r[0], r[1]) in keys}


def load_state(
    conn: Connection,
    keys: Iterable[Key],
    reserved: Mapping[Key, int],
    today: date,
    by_channel_for: Iterable[int] = (),
) -> SupplyState:
    """Read sellable stock, pools, per-channel holdings and lots for these positions.

    `by_channel_for`: channels whose own holdings matter (capped ones); pool channels are
    added for items that have pools.
    """
    keys = set(keys)
    items = sorted({k[0] for k in keys})
    whs = sorted({k[1] for k in keys})
    positions = {k: Position(sellable=0, reserved=reserved.get(k, 0)) for k in keys}
    if not items:
        return SupplyState(positions, today)
    for item, wh, qty in conn.execute(_SELLABLE(conn), {"items": items, "whs": whs}):
        if (item, wh) in positions:
            positions[(item, wh)].sellable = int(qty)
    channels = set(by_channel_for)
    pooled: set[int] = set()
    for item, wh, ch, qty in conn.execute(_POOLS(conn), {"items": items}):
        if (item, wh) in positions and qty > 0:
            positions[(item, wh)].pools[ch] = int(qty)
            channels.add(ch)
            pooled.add(item)
    wanted = items if by_channel_for else sorted(pooled)
    if channels and wanted:
        for item, wh, ch, qty in conn.execute(
            _BY_CHANNEL(conn), {"items": wanted, "channels": sorted(channels)}
        ):
            if (item, wh) in positions:
                positions[(item, wh)].by_channel[ch] = int(qty)
    expiring = list(conn.scalars(_EXPIRY_ITEMS(conn), {"items": items}))
    if expiring:
        _load_lots(conn, positions, expiring, whs)
    return SupplyState(positions, today)


def _load_lots(
    conn: Connection, positions: dict[Key, Position], items: list[int], whs: list[int]
) -> None:
    lots: dict[Key, dict[int, LotStock]] = defaultdict(dict)
    lot_ids: set[int] = set()
    for item, wh, lot, qty in conn.execute(_LOT_SELLABLE(conn), {"items": items, "whs": whs}):
        lots[(item, wh)][lot] = LotStock(expiry=None, sellable=int(qty))
        lot_ids.add(lot)
    for item, wh, lot, qty in conn.execute(_LOT_RESERVED(conn), {"items": items}):
        entry = lots[(item, wh)].setdefault(lot, LotStock(expiry=None, sellable=0))
        entry.reserved = int(qty)
        lot_ids.add(lot)
    expiry = {i: e for i, e in conn.execute(_LOT_EXPIRY(conn), {"lots": sorted(lot_ids - {0})})}
    for per_lot in lots.values():
        for lot_id, stock in per_lot.items():
            stock.expiry = expiry.get(lot_id)
    for item in items:
        for wh in whs:
            if (item, wh) in positions:
                positions[(item, wh)].lots = lots.get((item, wh), {})


def raise_reserved(conn: Connection, grants: Sequence[Grant], now: datetime) -> None:
    """Add granted units to their positions, each conditional on the sellable stock.

    The rows are locked already, so this is the guard, not the serialisation: if any
    position would go past its sellable stock, nothing is written."""
    totals: dict[Key, int] = defaultdict(int)
    for g in grants:
        totals[(g.item_id, g.warehouse_id)] += g.quantity
    params = [
        {"item_id": i, "warehouse_id": w, "q": q, "now": now}
        for (i, w), q in sorted(totals.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
    if not params:
        return
    if is_pg(conn):
        cols = columns([(p["item_id"], p["warehouse_id"], p["q"]) for p in params], 3)
        if run_pg(conn, _PG_RAISE, (naive(now), *cols)) == len(params):
            return
    elif conn.execute(_RAISE, params).rowcount == len(params):
        return
    raise Conflict(
        "allocation would reserve more than the sellable stock",
        {
            "positions": [
                {"item_id": p["item_id"], "warehouse_id": p["warehouse_id"]} for p in params
            ]
        },
    )


def lower_reserved(conn: Connection, totals: Mapping[Key, int], now: datetime) -> None:
    for (i, w), q in sorted(totals.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (
            q
            and conn.execute(_LOWER, {"item_id": i, "warehouse_id": w, "q": q, "now": now}).rowcount
            != 1
        ):
            raise Conflict(
                "a position holds fewer reserved units than its reservations",
                {"item_id": i, "warehouse_id": w, "quantity": q},
            )


def insert_reservations(
    conn: Connection, grants: Sequence[Grant], channel_of: Mapping[int, int], now: datetime
) -> None:
    at = naive(now)
    if is_pg(conn):
        if grants:
            rows = [
                (g.line_id, channel_of[g.line_id], g.item_id, g.warehouse_id, g.lot_id, g.quantity)
                for g in grants
            ]
            run_pg(conn, _PG_RESERVE, (at, *columns(rows, 6)))
        return
    many(
        conn,
        "INSERT INTO reservations (order_line_id, channel_id, item_id, warehouse_id, lot_id,"
        " quantity, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?)",
        [
            (g.line_id, channel_of[g.line_id], g.item_id, g.warehouse_id, g.lot_id, g.quantity, at)
            for g in grants
        ],
    )
