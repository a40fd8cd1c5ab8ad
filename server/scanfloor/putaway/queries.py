"""Reads behind putaway: stock waiting at inbound locations, candidate bins, barcodes.

Plain SQL on the session's connection, a fixed number of statements per call whatever the
number of tasks (no query per task). Locations of type dock or staging are inbound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, text

from ..catalog.models import Item
from ..dbtypes import UTCDateTime
from ..extensions import db
from .rules import INBOUND_TYPES, PUTAWAY_BIN_TYPES, BinCandidate

_INBOUND_SQL = ", ".join(f"'{t}'" for t in INBOUND_TYPES)
_BIN_TYPES_SQL = ", ".join(f"'{t}'" for t in sorted(PUTAWAY_BIN_TYPES))

# One row per non-zero inbound balance, with when its oldest unit still there arrived: the
# arrivals into the same balance key, newest first, cover what is on hand (first in, first
# out); the oldest arrival still needed to cover it is the age of the stock.
_OPEN_LINES = """
WITH open_lines AS (
  SELECT b.id AS balance_id, b.item_id, b.location_id, b.lot_id, b.container_id,
         b.quantity, l.code AS location_code, l.warehouse_id
  FROM balances b JOIN locations l ON l.id = b.location_id
  WHERE l.type IN ({inbound}) AND NOT l.is_virtual AND b.quantity > 0 {where}
),
arrivals AS (
  SELECT o.balance_id, o.quantity AS on_hand, m.quantity AS qty, m.occurred_at,
         SUM(m.quantity) OVER (
           PARTITION BY o.balance_id ORDER BY m.occurred_at DESC, m.id DESC
           ROWS UNBOUNDED PRECEDING
         ) AS newer_incl
  FROM open_lines o JOIN movements m
    ON m.to_location_id = o.location_id AND m.item_id = o.item_id
   AND COALESCE(m.lot_id, 0) = COALESCE(o.lot_id, 0)
   AND COALESCE(m.to_container_id, 0) = COALESCE(o.container_id, 0)
),
waiting AS (
  SELECT balance_id, MIN(occurred_at) AS since FROM arrivals
  WHERE newer_incl - qty < on_hand GROUP BY balance_id
)
SELECT o.balance_id, o.item_id, i.sku, i.name, o.lot_id, lt.code AS lot_code,
       o.container_id, c.code AS container_code, o.location_id, o.location_code,
       o.warehouse_id, o.quantity, w.since
FROM open_lines o
JOIN items i ON i.id = o.item_id
LEFT JOIN lots lt ON lt.id = o.lot_id
LEFT JOIN containers c ON c.id = o.container_id
LEFT JOIN waiting w ON w.balance_id = o.balance_id
ORDER BY o.balance_id
"""

_CANDIDATES = text(
    f"""
SELECT l.id, l.code, l.parent_id, p.level AS parent_level, l.type, l.walk_sequence,
       l.capacity,
       (SELECT COALESCE(SUM(b.quantity), 0) FROM balances b WHERE b.location_id = l.id)
         AS total
FROM locations l LEFT JOIN locations p ON p.id = l.parent_id
WHERE l.warehouse_id = :wh AND l.type IN ({_BIN_TYPES_SQL}) AND l.active AND NOT l.is_virtual
  AND (l.id IN (SELECT b.location_id FROM balances b
                WHERE b.item_id IN :items AND b.quantity <> 0)
       OR NOT EXISTS (SELECT 1 FROM balances b
                      WHERE b.location_id = l.id AND b.quantity <> 0))
"""
).bindparams(bindparam("items", expanding=True))

_HOLDS = text(
    "SELECT DISTINCT b.location_id, b.item_id, b.lot_id FROM balances b "
    "JOIN locations l ON l.id = b.location_id "
    f"WHERE l.warehouse_id = :wh AND l.type IN ({_BIN_TYPES_SQL}) "
    "AND b.item_id IN :items AND b.quantity <> 0"
).bindparams(bindparam("items", expanding=True))

# One read gives both what a bin holds and its total: zero rows add nothing to the sum.
_BIN_HOLDS = text(
    "SELECT item_id, lot_id, quantity FROM balances WHERE location_id = :loc AND quantity <> 0"
)
_PLACE_SQL = (
    "SELECT l.id, l.code, l.level, l.type, l.warehouse_id, l.parent_id, "
    "p.level AS parent_level, l.is_virtual, l.active, l.walk_sequence, l.capacity "
    "FROM locations l LEFT JOIN locations p ON p.id = l.parent_id WHERE l.id = :id"
)
_PLACE = text(_PLACE_SQL)
_PLACE_LOCKED_PG = text(_PLACE_SQL + " FOR NO KEY UPDATE OF l")


@dataclass(frozen=True)
class InboundLine:
    """One non-zero balance at a dock or staging location."""

    balance_id: int
    item_id: int
    sku: str
    name: str
    lot_id: int | None
    lot_code: str | None
    container_id: int | None
    container_code: str | None
    location_id: int
    location_code: str
    warehouse_id: int | None
    quantity: int
    since: datetime | None


@dataclass(frozen=True)
class PlaceRow:
    """A location as confirming a putaway checks it."""

    id: int
    code: str
    level: str
    type: str
    warehouse_id: int | None
    zone_id: int | None
    is_virtual: bool
    active: bool
    walk_sequence: int | None
    capacity: int | None


def inbound_lines(
    *,
    warehouse_id: int | None = None,
    balance_id: int | None = None,
    container_id: int | None = None,
) -> list[InboundLine]:
    """Stock waiting at inbound locations (optionally one warehouse, balance or container)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    for column, name, value in (
        ("l.warehouse_id", "wh", warehouse_id),
        ("b.id", "bal", balance_id),
        ("b.container_id", "cont", container_id),
    ):
        if value is not None:
            where.append(f"AND {column} = :{name}")
            params[name] = value
    stmt = text(_OPEN_LINES.format(inbound=_INBOUND_SQL, where=" ".join(where))).columns(
        since=UTCDateTime()
    )
    rows = db.session.connection().execute(stmt, params).all()
    return [InboundLine(**row._mapping) for row in rows]


def _zone(parent_id: int | None, parent_level: str | None) -> int | None:
    return parent_id if parent_level == "zone" else None


def bin_candidates(warehouse_id: int, item_ids: Collection[int]) -> list[BinCandidate]:
    """Active storage and pick-face bins of a warehouse that are empty or hold one of the
    items; `holds` lists the pairs of these items each bin stocks."""
    conn = db.session.connection()
    items = sorted(set(item_ids)) or [0]
    holds: dict[int, set[tuple[int, int | None]]] = defaultdict(set)
    for loc, item, lot in conn.execute(_HOLDS, {"wh": warehouse_id, "items": items}):
        holds[loc].add((item, lot))
    rows = conn.execute(_CANDIDATES, {"wh": warehouse_id, "items": items}).all()
    return [
        BinCandidate(
            id=r.id,
            code=r.code,
            zone_id=_zone(r.parent_id, r.parent_level),
            type=r.type,
            walk_sequence=r.walk_sequence,
            capacity=r.capacity,
            on_hand_total=int(r.total),
            holds=frozenset(holds.get(r.id, ())),
        )
        for r in rows
    ]


def place(location_id: int, *, lock: bool = False) -> PlaceRow | None:
    """A location with its zone. lock=True holds the row (PostgreSQL: FOR NO KEY UPDATE, which
    leaves foreign-key checks of other postings free) until the transaction ends, so two
    putaways into one bin check its capacity one after the other."""
    conn = db.session.connection()
    statement = _PLACE_LOCKED_PG if lock and conn.dialect.name != "sqlite" else _PLACE
    row = conn.execute(statement, {"id": location_id}).first()
    if row is None:
        return None
    return PlaceRow(
        id=row.id,
        code=row.code,
        level=row.level,
        type=row.type,
        warehouse_id=row.warehouse_id,
        zone_id=_zone(row.parent_id, row.parent_level),
        is_virtual=bool(row.is_virtual),
        active=bool(row.active),
        walk_sequence=row.walk_sequence,
        capacity=row.capacity,
    )


def as_candidate(p: PlaceRow) -> BinCandidate:
    """The bin with what it holds now (all items), for the capacity and rule checks."""
    conn = db.session.connection()
    held = conn.execute(_BIN_HOLDS, {"loc": p.id}).all()
    return BinCandidate(
        id=p.id,
        code=p.code,
        zone_id=p.zone_id,
        type=p.type,
        walk_sequence=p.walk_sequence,
        capacity=p.capacity,
        on_hand_total=sum(int(r.quantity) for r in held),
        holds=frozenset((r.item_id, r.lot_id) for r in held),
    )


def attribute_zones(warehouse_id: int, item_ids: Collection[int]) -> dict[int, int]:
    """item id -> zone id named by the item's `zone` attribute (a zone code of this
    warehouse, with or without the warehouse prefix); items naming none are left out."""
    if not item_ids:
        return {}
    conn = db.session.connection()
    zones = conn.execute(
        text(
            "SELECT z.id, z.code, w.code AS wh_code FROM locations z "
            "JOIN locations w ON w.id = z.warehouse_id "
            "WHERE z.warehouse_id = :wh AND z.level = 'zone'"
        ),
        {"wh": warehouse_id},
    ).all()
    by_code: dict[str, int] = {}
    for z in zones:
        by_code[z.code.upper()] = z.id
        prefix = f"{z.wh_code}-".upper()
        if z.code.upper().startswith(prefix):
            by_code.setdefault(z.code.upper()[len(prefix) :], z.id)
    found: dict[int, int] = {}
    rows = db.session.execute(
        select(Item.id, Item.attributes).where(Item.id.in_(sorted(item_ids)))
    ).all()
    for item_id, attributes in rows:
        named = (attributes or {}).get("zone")
        if isinstance(named, str) and named.strip().upper() in by_code:
            found[item_id] = by_code[named.strip().upper()]
    return found


def location_barcodes(location_ids: Collection[int]) -> dict[int, str]:
    if not location_ids:
        return {}
    rows = db.session.connection().execute(
        text(
            "SELECT location_id, code FROM barcodes WHERE target = 'location' "
            "AND location_id IN :ids ORDER BY id"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": sorted(location_ids)},
    )
    found: dict[int, str] = {}
    for loc, code in rows:
        found.setdefault(loc, code)
    return found


@dataclass(frozen=True)
class ItemBarcode:
    code: str
    symbology: str
    item_id: int
    level: str
    quantity: int


def item_barcodes(item_ids: Collection[int]) -> list[ItemBarcode]:
    """Every pack barcode of these items, as stored."""
    if not item_ids:
        return []
    rows = db.session.connection().execute(
        text(
            "SELECT b.code, b.symbology, p.item_id, p.level, p.quantity FROM barcodes b "
            "JOIN pack_levels p ON p.id = b.pack_id WHERE p.item_id IN :ids "
            "ORDER BY p.item_id, p.quantity, b.id"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": sorted(item_ids)},
    )
    return [ItemBarcode(**r._mapping) for r in rows]


def container_barcode(container_id: int) -> str | None:
    code = db.session.connection().scalar(
        text(
            "SELECT code FROM barcodes WHERE target = 'container' AND container_id = :c "
            "ORDER BY id LIMIT 1"
        ),
        {"c": container_id},
    )
    return None if code is None else str(code)


def exists(table: str, row_id: int) -> bool:
    """Whether a balance or container row exists (a stale task versus one never made)."""
    if table not in ("balances", "containers"):
        raise ValueError(table)
    found = db.session.connection().scalar(
        text(f"SELECT 1 FROM {table} WHERE id = :id"), {"id": row_id}
    )
    return found is not None
