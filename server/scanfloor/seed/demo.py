"""`scanfloor seed-demo`: fill an empty database with the demo warehouse, catalog and stock.

Reference data goes in through ORM bulk inserts; every unit of stock arrives as a receipt posted
through the one ledger writer, so the demo ledger verifies like any other. Everything runs in
one write transaction: the demo is either all there or not there at all.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update

from ..auth.models import User
from ..auth.service import create_user
from ..catalog.codes import canonical_barcode, normalise_sku, sku_key
from ..catalog.models import Barcode, Item, Location, Lot, PackLevel
from ..database import write_transaction
from ..errors import Conflict
from ..extensions import db
from ..ledger.models import Balance, Movement, Posting
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..purchasing.demo import seed_demo_purchase_orders
from .catalog_plan import ItemSpec, plan_catalog
from .closed_work import closed_work_summary, seed_closed_work
from .finance_demo import finance_summary, seed_finance_demo
from .layout import WAREHOUSE, LocationSpec, plan_layout
from .loss_history import seed_loss_history
from .outbound import outbound_summary, seed_outbound
from .purchasing_demo import purchasing_summary, seed_purchasing_demo
from .returns_counts import returns_counts_summary, seed_returns_counts
from .shipped_history import seed_shipped_history, shipped_summary
from .stock_plan import ReceiptLine, plan_stock

SEED = 42
LINES_PER_POSTING = 250
PASSWORD = "demo"
SOURCE = ("seed", "demo")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    badge: str
    pin: str
    password: str = PASSWORD


DEMO_USERS = (
    DemoUser("admin", "admin", "Alex Admin", "BADGE-0001", "1234"),
    DemoUser("manager", "manager", "Morgan Manager", "BADGE-0002", "2345"),
    DemoUser("super", "supervisor", "Sam Supervisor", "BADGE-0003", "3456"),
    DemoUser("worker1", "worker", "Wren Walker", "BADGE-0004", "4567"),
    DemoUser("worker2", "worker", "Wade Porter", "BADGE-0005", "5678"),
    # Finance books and approves the money (docs/decisions/0026): the held invoice waits for
    # this login.
    DemoUser("finance", "finance", "Fiona Finance", "BADGE-0006", "6789"),
)


def seed_demo() -> str:
    """Build the demo data unless it is already there; return a summary to print."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    layout = plan_layout()
    catalog = plan_catalog(rng, today=date.today())
    stock = plan_stock(rng, catalog, layout)
    with write_transaction():
        if _warehouse_exists():
            return _summary(
                f"Demo data already present (location {WAREHOUSE} exists): nothing changed.",
                skipped_users=(),
            )
        _refuse_sku_clashes(catalog)
        locations = _insert_locations(layout)
        items, lots = _insert_catalog(catalog)
        skipped = _create_users()
        _post_receipts(stock, locations, items, lots)
        purchase_orders = seed_demo_purchase_orders()
        seed_outbound(locations, catalog, stock, layout)
        seed_returns_counts(locations)
        seed_purchasing_demo(locations)
        shipped = seed_shipped_history(locations, catalog)
        seed_closed_work(locations, catalog, shipped)
        seed_loss_history(catalog, locations[WAREHOUSE])
        seed_finance_demo()
    elapsed = time.perf_counter() - started
    done = f"Demo data seeded in {elapsed:.1f} s."
    if purchase_orders:
        done += f" Purchase orders to receive: {', '.join(purchase_orders)}."
    return _summary(done, skipped_users=skipped)


def _warehouse_exists() -> bool:
    return db.session.scalar(select(Location.id).where(Location.code == WAREHOUSE)) is not None


def _refuse_sku_clashes(catalog: list[ItemSpec]) -> None:
    keys = [sku_key(spec.sku) for spec in catalog]
    taken = db.session.scalars(select(Item.sku).where(Item.sku_key.in_(keys)).limit(5)).all()
    if taken:
        raise Conflict(
            "the catalog already holds items with demo SKUs; seed an empty database",
            {"skus": list(taken)},
        )


def _insert_locations(layout: list[LocationSpec]) -> dict[str, int]:
    """Insert level by level, so each row's parent already has an id."""
    ids = dict(
        db.session.execute(select(Location.code, Location.id).where(Location.is_virtual)).all()
    )
    for level in ("warehouse", "zone", "bin"):
        specs = [spec for spec in layout if spec.level == level]
        rows = [
            {
                "code": spec.code,
                "name": spec.name,
                "level": spec.level,
                "type": spec.type,
                "parent_id": ids.get(spec.parent) if spec.parent else None,
                "warehouse_id": ids.get(WAREHOUSE),
                "is_virtual": False,
                "sellable": spec.sellable,
                "walk_sequence": spec.walk_sequence,
                "active": True,
            }
            for spec in specs
        ]
        new_ids = _insert(Location, rows)
        ids.update({spec.code: new_id for spec, new_id in zip(specs, new_ids, strict=True)})
        if level == "warehouse":
            # A warehouse is its own root (catalog/locations_service.create_location), so a
            # location later made under it belongs to it and reports filter it in.
            db.session.execute(
                update(Location).where(Location.id.in_(new_ids)).values(warehouse_id=Location.id)
            )
    # Bins carry their code as a barcode label; zones and the building are not scanned.
    _insert(
        Barcode,
        [
            {
                "code": code,
                "symbology": symbology,
                "target": "location",
                "location_id": ids[spec.code],
            }
            for spec in layout
            if spec.level == "bin"
            for symbology, code in [canonical_barcode(spec.code)]
        ],
    )
    return ids


def _insert(model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """ORM bulk INSERT (one executemany, ids back in row order): thousands of catalog rows
    through the per-object unit of work took most of the seed's time."""
    if not rows:
        return []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(stmt, rows).all())


def _insert_catalog(
    catalog: list[ItemSpec],
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    item_ids = _insert(
        Item,
        [
            {
                "sku": normalise_sku(spec.sku),
                "sku_key": sku_key(spec.sku),
                "name": spec.name,
                "base_unit": "each",
                "tracking": "lot" if spec.lot_tracked else "none",
                "expiry_tracked": spec.lot_tracked,
                "attributes": {
                    "category": spec.category,
                    "brand": spec.brand,
                    "standard_cost": str(spec.unit_cost),
                },
                "active": True,
            }
            for spec in catalog
        ],
    )
    packs = [
        (item_id, pack)
        for spec, item_id in zip(catalog, item_ids, strict=True)
        for pack in spec.packs
    ]
    pack_ids = _insert(
        PackLevel,
        [
            {"item_id": item_id, "level": pack.level, "quantity": pack.quantity}
            for item_id, pack in packs
        ],
    )
    _insert(
        Barcode,
        [
            {"code": code, "symbology": symbology, "target": "pack", "pack_id": pack_id}
            for (_, pack), pack_id in zip(packs, pack_ids, strict=True)
            for symbology, code in [canonical_barcode(pack.gtin)]
        ],
    )
    lots = [
        (spec.sku, item_id, lot)
        for spec, item_id in zip(catalog, item_ids, strict=True)
        for lot in spec.lots
    ]
    lot_ids = _insert(
        Lot,
        [{"item_id": item_id, "code": lot.code, "expiry": lot.expiry} for _, item_id, lot in lots],
    )
    return (
        {spec.sku: item_id for spec, item_id in zip(catalog, item_ids, strict=True)},
        {(sku, lot.code): lot_id for (sku, _, lot), lot_id in zip(lots, lot_ids, strict=True)},
    )


def _create_users() -> tuple[str, ...]:
    """Create the demo logins; leave alone any whose username or badge is already taken."""
    taken = {
        (row.username, row.badge) for row in db.session.execute(select(User.username, User.badge))
    }
    names = {u for u, _ in taken}
    badges = {b for _, b in taken if b}
    skipped = []
    for user in DEMO_USERS:
        if user.username in names or user.badge in badges:
            skipped.append(user.username)
            continue
        create_user(
            username=user.username,
            role=user.role,
            password=user.password,
            display_name=user.display_name,
            badge=user.badge,
            pin=user.pin,
        )
    return tuple(skipped)


def _post_receipts(
    stock: list[ReceiptLine],
    locations: dict[str, int],
    items: dict[str, int],
    lots: dict[tuple[str, str], int],
) -> None:
    vendor = locations["VENDOR"]
    lines = [
        MovementLine(
            item_id=items[ln.sku],
            quantity=ln.quantity,
            from_location_id=vendor,
            to_location_id=locations[ln.location],
            lot_id=lots[(ln.sku, ln.lot)] if ln.lot else None,
            unit_cost=ln.unit_cost,
            reason_code=ln.reason,
        )
        for ln in stock
    ]
    for n, start in enumerate(range(0, len(lines), LINES_PER_POSTING), start=1):
        post(
            PostingRequest(
                movement_type="receipt",
                lines=tuple(lines[start : start + LINES_PER_POSTING]),
                source_type=SOURCE[0],
                source_id=SOURCE[1],
                idempotency_key=f"seed-demo-{n}",
            )
        )


def _summary(headline: str, skipped_users: tuple[str, ...]) -> str:
    wh_id = db.session.scalar(select(Location.id).where(Location.code == WAREHOUSE))
    by_type = Counter(
        dict(
            db.session.execute(
                select(Location.type, func.count())
                .where(Location.warehouse_id == wh_id)
                .group_by(Location.type)
            ).all()
        )
    )
    count = db.session.scalar
    items = count(select(func.count()).select_from(Item)) or 0
    lot_items = count(select(func.count()).select_from(Item).where(Item.tracking == "lot")) or 0
    lots = count(select(func.count()).select_from(Lot)) or 0
    packs = count(select(func.count()).select_from(PackLevel)) or 0
    gtins = count(select(func.count()).select_from(Barcode).where(Barcode.target == "pack")) or 0
    seeded = (Posting.source_type == SOURCE[0]) & (Posting.source_id == SOURCE[1])
    postings = count(select(func.count()).select_from(Posting).where(seeded)) or 0
    moves = (
        count(
            select(func.count())
            .select_from(Movement)
            .where((Movement.source_type == SOURCE[0]) & (Movement.source_id == SOURCE[1]))
        )
        or 0
    )
    on_hand = (
        count(
            select(func.coalesce(func.sum(Balance.quantity), 0))
            .join(Location, Location.id == Balance.location_id)
            .where(Location.is_virtual.is_(False))
        )
        or 0
    )
    out = [
        headline,
        "",
        f"Warehouse {WAREHOUSE}: {by_type['zone']} zones, {by_type['storage']} storage bins, "
        f"{by_type['pick_face']} pick faces, {by_type['dock']} dock, "
        f"{by_type['pack_station']} pack stations, {by_type['shipping']} shipping, "
        f"{by_type['staging']} staging, "
        f"{by_type['returns']} returns, {by_type['quarantine']} quarantine, "
        f"{by_type['refurbish']} refurbish, {by_type['rtv']} return to vendor",
        f"Catalog: {items} items ({lot_items} lot-tracked with {lots} lots), "
        f"{packs} pack levels, {gtins} GTINs",
        f"Stock: {moves} receipt lines in {postings} postings, {int(on_hand):,} units on hand",
        *outbound_summary(),
        *returns_counts_summary(),
        *purchasing_summary(),
        *shipped_summary(),
        *closed_work_summary(),
        *finance_summary(),
        "",
        "Logins (console at /):",
        f"  {'username':<10}{'password':<10}{'role':<12}{'badge':<12}PIN",
    ]
    for user in DEMO_USERS:
        note = "  (already existed: unchanged)" if user.username in skipped_users else ""
        login = f"{user.username:<10}{user.password:<10}{user.role:<12}{user.badge:<12}"
        out.append(f"  {login}{user.pin}{note}")
    return "\n".join(out)
