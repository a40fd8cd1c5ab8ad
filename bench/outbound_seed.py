"""A stocked warehouse, allocated orders and totes for the outbound benchmarks
(bench_pick.py, bench_batch_pick.py), in bulk: reference rows through Core (the catalog
services make one row per call), stock through the one ledger writer, allocation by its own
batch run. Not a benchmark itself (`make bench` runs bench_*.py only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outbound:
    """A stocked warehouse: bin i holds item i; item i's each barcode is item_codes[i]."""

    warehouse_id: int
    warehouse_code: str
    pack_station: int
    items: list[int]
    item_codes: list[str]
    bins: list[int]
    bin_codes: list[str]


def _ids(conn: Any, table: Any, column: Any, prefix: str) -> list[int]:
    return [
        int(i)
        for i in conn.scalars(
            table.select()
            .with_only_columns(table.c.id)
            .where(column.like(f"{prefix}%"))
            .order_by(table.c.id)
        )
    ]


def seed_outbound(code: str, items: int, stock: int) -> Outbound:
    """Inside an app context: warehouse `code` (zone, pack station, staging) through the
    catalog services; `items` items with an each barcode and as many sellable bins through
    Core in bulk; `stock` units of item i in bin i through the one ledger writer."""
    from scanfloor.catalog.locations_service import create_location
    from scanfloor.catalog.models import Barcode, Item, Location, PackLevel
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    wh = create_location(code=code, type="warehouse")
    zone = create_location(code=f"{code}-A", type="zone", parent_id=wh.id)
    out = create_location(code=f"{code}-OUT", type="zone", parent_id=wh.id)
    pack = create_location(
        code=f"{code}-PACK", type="pack_station", parent_id=out.id, walk_sequence=10**6
    )
    create_location(code=f"{code}-STAGE", type="staging", parent_id=out.id)
    _I, _P, _B, _L = (m.__table__ for m in (Item, PackLevel, Barcode, Location))
    sku = f"{code}-SKU-"
    with write_transaction():
        conn = db.session.connection()
        conn.execute(
            _I.insert(),
            [
                {
                    "sku": f"{sku}{i:06d}",
                    "sku_key": f"{sku}{i:06d}".casefold(),
                    "name": f"Pick item {i}",
                    "base_unit": "each",
                    "tracking": "none",
                    "expiry_tracked": False,
                    "attributes": {},
                    "active": True,
                }
                for i in range(items)
            ],
        )
        item_ids = _ids(conn, _I, _I.c.sku, sku)
        conn.execute(
            _P.insert(), [{"item_id": i, "level": "each", "quantity": 1} for i in item_ids]
        )
        packs = dict(
            conn.execute(
                _P.select()
                .with_only_columns(_P.c.item_id, _P.c.id)
                .where(_P.c.item_id.in_(item_ids))
            ).all()
        )
        item_codes = [f"{code}-EA-{i:06d}" for i in range(items)]
        conn.execute(
            _B.insert(),
            [
                {"code": c, "symbology": "internal", "target": "pack", "pack_id": packs[i]}
                for c, i in zip(item_codes, item_ids, strict=True)
            ],
        )
        bin_codes = [f"{code}-B{i:06d}" for i in range(items)]
        conn.execute(
            _L.insert(),
            [
                {
                    "code": c,
                    "name": c,
                    "level": "bin",
                    "type": "storage",
                    "parent_id": zone.id,
                    "warehouse_id": wh.id,
                    "is_virtual": False,
                    "sellable": True,
                    "walk_sequence": 10 * (n + 1),
                    "active": True,
                }
                for n, c in enumerate(bin_codes)
            ],
        )
        bin_ids = _ids(conn, _L, _L.c.code, f"{code}-B")
        conn.execute(
            _B.insert(),
            [
                {"code": c, "symbology": "internal", "target": "location", "location_id": b}
                for c, b in zip(bin_codes, bin_ids, strict=True)
            ],
        )
    vendor = db.session.scalar(db.select(Location.id).where(Location.code == "VENDOR"))
    for start in range(0, items, 5000):
        post(
            PostingRequest(
                movement_type="receipt",
                lines=tuple(
                    MovementLine(
                        item_id=item_ids[i],
                        quantity=stock,
                        from_location_id=vendor,
                        to_location_id=bin_ids[i],
                    )
                    for i in range(start, min(items, start + 5000))
                ),
            )
        )
    return Outbound(wh.id, wh.code, pack.id, item_ids, item_codes, bin_ids, bin_codes)


def add_totes(floor: Outbound, codes: Sequence[str]) -> None:
    """Empty totes (kind tote, with their barcodes) waiting at the pack station."""
    from scanfloor.catalog.models import Barcode, Container
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db

    _C, _B = Container.__table__, Barcode.__table__
    with write_transaction():
        conn = db.session.connection()
        conn.execute(
            _C.insert(),
            [
                {"code": c, "kind": "tote", "location_id": floor.pack_station, "active": True}
                for c in codes
            ],
        )
        ids = dict(
            conn.execute(
                _C.select().with_only_columns(_C.c.code, _C.c.id).where(_C.c.code.in_(codes))
            ).all()
        )
        conn.execute(
            _B.insert(),
            [
                {"code": c, "symbology": "lpn", "target": "container", "container_id": ids[c]}
                for c in codes
            ],
        )


def allocated_orders(
    channel_id: int, external_prefix: str, orders: Sequence[Sequence[tuple[int, int]]]
) -> None:
    """Orders of (item id, quantity) lines, inserted in bulk as received; allocated by
    allocation's batch run (the caller runs it once for all)."""
    from scanfloor.allocation.models import Order, OrderLine
    from scanfloor.database import write_transaction
    from scanfloor.extensions import db
    from scanfloor.timeutil import utcnow

    _O, _OL = Order.__table__, OrderLine.__table__
    now = utcnow()
    with write_transaction():
        conn = db.session.connection()
        conn.execute(
            _O.insert(),
            [
                {
                    "channel_id": channel_id,
                    "external_id": f"{external_prefix}{n}",
                    "status": "received",
                    "ship_to": {},
                    "ordered_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(len(orders))
            ],
        )
        ids = dict(
            conn.execute(
                _O.select()
                .with_only_columns(_O.c.external_id, _O.c.id)
                .where(_O.c.external_id.like(f"{external_prefix}%"))
            ).all()
        )
        conn.execute(
            _OL.insert(),
            [
                {
                    "order_id": ids[f"{external_prefix}{n}"],
                    "line_no": no,
                    "item_id": item,
                    "quantity": qty,
                    "reserved_qty": 0,
                    "consumed_qty": 0,
                    "status": "received",
                }
                for n, lines in enumerate(orders)
                for no, (item, qty) in enumerate(lines, start=1)
            ],
        )


def tote_code(external_id: str) -> str:
    """The tote a picker takes for an order (one per order, so none is bound twice)."""
    return f"TOTE-{external_id}"
