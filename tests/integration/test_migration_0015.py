"""Migration 0015 adds the daily demand projection and backfills it from the ledger already
there: per warehouse, UTC day and item the units shipped to the customer (less those a
reversal took back), the ship lines, the customer returns restocked and the change of the
sellable stock; per channel the shipped units of cartons of that channel's orders and the
restocked units of that channel's returns. The downgrade drops both tables and nothing
else; upgrading again backfills the same rows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.extensions import db

from .test_migration_0012 import MIGRATIONS, _fill_at_0011, _t

DAY_1 = datetime(2026, 12, 1, 8, 0, 0)
DAY_2 = datetime(2026, 12, 2, 23, 59, 59)  # the last second of the UTC day
NEW_TABLES = {"demand_days", "channel_demand_days"}
WH, PICK_FACE, PACK, RETURNS, BIN_B, FAR, FAR_BIN = 40, 41, 42, 43, 44, 50, 51
ITEM = 9  # _fill_at_0011's item; its channel WEB is 3, its order 70
WEB, SHOP = 3, 4
WEB_BOX, SHOP_BOX = 90, 91

LOCATIONS = _t("locations", "id", "code", "name", "level", "type", "parent_id", "warehouse_id",
               "is_virtual", "sellable", "active")  # fmt: skip
CHANNELS = _t("channels", "id", "code", "kind", "name", "priority", "safety_buffer",
              "allow_partial_shipment", "min_shelf_life_days", "active", "created_at")  # fmt: skip
ORDERS = _t("orders", "id", "channel_id", "external_id", "status", "ship_to", "ordered_at",
            "created_at", "updated_at")  # fmt: skip
CONTAINERS = _t("containers", "id", "code", "kind", "location_id", "active", "created_at")
CARTONS = _t("cartons", "id", "container_id", "order_id", "warehouse_id", "location_id", "seq",
             "status", "opened_at")  # fmt: skip
RMAS = _t("return_authorisations", "id", "channel_id", "order_id", "warehouse_id", "source",
          "status", "created_at", "updated_at")  # fmt: skip
POSTINGS = sa.table(
    "postings",
    sa.column("id"),
    sa.column("movement_type"),
    sa.column("source_type"),
    sa.column("source_id"),
    sa.column("recorded_at", sa.DateTime),
)
MOVEMENTS = sa.table(
    "movements",
    *(sa.column(c) for c in ("id", "posting_id", "item_id", "quantity", "from_location_id",
                             "from_container_id", "to_location_id", "to_container_id",
                             "movement_type", "source_type", "source_id",
                             "reverses_movement_id")),
    sa.column("occurred_at", sa.DateTime),
    sa.column("recorded_at", sa.DateTime),
)  # fmt: skip


def _tables(conn: sa.Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def _location(id_: int, code: str, warehouse: int, type_: str, sellable: bool) -> dict[str, object]:
    level = "warehouse" if type_ == "warehouse" else "bin"
    return dict(id=id_, code=code, name=code, level=level, type=type_,
                parent_id=None if id_ == warehouse else warehouse, warehouse_id=warehouse,
                is_virtual=False, sellable=sellable, active=True)  # fmt: skip


def _fill_at_0014(conn: sa.Connection) -> None:
    """Two warehouses, an order of each of two channels packed into a carton, a return of the
    second one, and a ledger over two days: receipts, picks, ships from the cartons and one
    without, a ship reversed, a return received and restocked, a transfer, a bin-to-bin
    move."""
    _fill_at_0011(conn)  # WH-M (40) with pick face 41, item 9, channel WEB (3), order 70
    conn.execute(sa.text("UPDATE locations SET warehouse_id = 40 WHERE id = 40"))
    conn.execute(
        LOCATIONS.insert(),
        [
            _location(PACK, "WH-M-PACK", WH, "pack_station", False),
            _location(RETURNS, "WH-M-RET", WH, "returns", False),
            _location(BIN_B, "WH-M-B1", WH, "storage", True),
            _location(FAR, "WH-F", FAR, "warehouse", False),
            _location(FAR_BIN, "WH-F-A1", FAR, "storage", True),
        ],
    )
    conn.execute(
        CHANNELS.insert().values(
            id=SHOP, code="SHOP", kind="retail", name="Shop", priority=1, safety_buffer=0,
            allow_partial_shipment=True, min_shelf_life_days=0, active=True, created_at=DAY_1,
        )
    )  # fmt: skip
    conn.execute(
        ORDERS.insert().values(
            id=80, channel_id=SHOP, external_id="S-80", status="shipped", ship_to="{}",
            ordered_at=DAY_1, created_at=DAY_1, updated_at=DAY_1,
        )
    )  # fmt: skip
    conn.execute(
        CONTAINERS.insert(),
        [
            dict(id=box, code=f"00061414100000000{box}", kind="carton", location_id=PACK,
                 active=True, created_at=DAY_1)
            for box in (WEB_BOX, SHOP_BOX)
        ],
    )  # fmt: skip
    conn.execute(
        CARTONS.insert(),
        [
            dict(id=1, container_id=WEB_BOX, order_id=70, warehouse_id=WH, location_id=PACK,
                 seq=1, status="shipped", opened_at=DAY_1),
            dict(id=2, container_id=SHOP_BOX, order_id=80, warehouse_id=WH, location_id=PACK,
                 seq=1, status="shipped", opened_at=DAY_1),
        ],
    )  # fmt: skip
    conn.execute(
        RMAS.insert().values(
            id=5, channel_id=SHOP, order_id=80, warehouse_id=WH, source="back_office",
            status="completed", created_at=DAY_2, updated_at=DAY_2,
        )
    )  # fmt: skip
    vendor, customer = (
        conn.execute(sa.text("SELECT id FROM locations WHERE code = :c"), {"c": c}).scalar_one()
        for c in ("VENDOR", "CUSTOMER")
    )
    ledger = [
        # (kind, qty, from, from box, to, to box, source type, source id, reverses, at)
        ("receipt", 20, vendor, None, PICK_FACE, None, None, None, None, DAY_1),
        ("receipt", 5, vendor, None, FAR_BIN, None, None, None, None, DAY_1),
        ("pick", 3, PICK_FACE, None, PACK, WEB_BOX, None, None, None, DAY_1),
        ("ship", 3, PACK, WEB_BOX, customer, None, "shipment", "1", None, DAY_1),
        ("pick", 2, PICK_FACE, None, PACK, SHOP_BOX, None, None, None, DAY_1),
        ("ship", 2, PACK, SHOP_BOX, customer, None, "shipment", "2", None, DAY_1),
        ("ship", 1, FAR_BIN, None, customer, None, None, None, None, DAY_1),  # no carton
        ("reversal", 2, customer, None, PACK, SHOP_BOX, "movement", "6", 6, DAY_2),
        ("return", 1, customer, None, RETURNS, None, "return", "5", None, DAY_2),
        ("return", 1, RETURNS, None, PICK_FACE, None, "return", "5", None, DAY_2),
        ("transfer", 4, PICK_FACE, None, FAR_BIN, None, None, None, None, DAY_2),
        ("transfer", 5, PICK_FACE, None, BIN_B, None, None, None, None, DAY_2),  # nets 0
    ]
    for mid, (kind, qty, src, src_box, dst, dst_box, stype, sid, rev, at) in enumerate(ledger, 1):
        conn.execute(POSTINGS.insert().values(id=mid, movement_type=kind, source_type=stype,
                                              source_id=sid, recorded_at=at))  # fmt: skip
        conn.execute(
            MOVEMENTS.insert().values(
                id=mid, posting_id=mid, item_id=ITEM, quantity=qty, from_location_id=src,
                from_container_id=src_box, to_location_id=dst, to_container_id=dst_box,
                movement_type=kind, source_type=stype, source_id=sid, reverses_movement_id=rev,
                occurred_at=at, recorded_at=at,
            )
        )  # fmt: skip


def _rows(conn: sa.Connection) -> dict[str, set[tuple[object, ...]]]:
    days = conn.execute(
        sa.text("SELECT warehouse_id, day, item_id, shipped, ships, returned, net FROM demand_days")
    ).all()
    channels = conn.execute(
        sa.text(
            "SELECT warehouse_id, day, item_id, channel_id, shipped, returned "
            "FROM channel_demand_days"
        )
    ).all()
    return {
        "demand_days": {(r[0], str(r[1])[:10], *r[2:]) for r in days},
        "channel_demand_days": {(r[0], str(r[1])[:10], *r[2:]) for r in channels},
    }


# (warehouse, day, item, shipped, ships, returned, net)
EXPECTED_DAYS = {
    # 3 + 2 shipped from the cartons; 20 received, 3 + 2 picked.
    (WH, "2026-12-01", ITEM, 5, 2, 0, 20 - 3 - 2),
    # 1 shipped straight from the bin; 5 received.
    (FAR, "2026-12-01", ITEM, 1, 1, 0, 5 - 1),
    # 2 shipped taken back; 1 restocked from the returns desk, 4 transferred away, 5 moved
    # bin to bin; the customer's return at the desk is not stock to sell yet.
    (WH, "2026-12-02", ITEM, -2, 0, 1, 1 - 4),
    (FAR, "2026-12-02", ITEM, 0, 0, 0, 4),
}
# (warehouse, day, item, channel, shipped, returned)
EXPECTED_CHANNELS = {
    (WH, "2026-12-01", ITEM, WEB, 3, 0),
    (WH, "2026-12-01", ITEM, SHOP, 2, 0),
    (WH, "2026-12-02", ITEM, SHOP, -2, 1),  # the reversal of its ship, its return restocked
}


def test_the_upgrade_backfills_the_demand_of_the_ledger_already_there(empty_url):
    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0014")
        with db.engine.begin() as conn:
            assert not NEW_TABLES & _tables(conn)
            _fill_at_0014(conn)
        upgrade(directory=MIGRATIONS, revision="0015")

        with db.engine.begin() as conn:
            assert _tables(conn) >= NEW_TABLES
            assert _rows(conn) == {
                "demand_days": EXPECTED_DAYS,
                "channel_demand_days": EXPECTED_CHANNELS,
            }

        downgrade(directory=MIGRATIONS, revision="0014")
        with db.engine.begin() as conn:
            assert not NEW_TABLES & _tables(conn)
            assert conn.execute(sa.text("SELECT COUNT(*) FROM movements")).scalar() == 12
        upgrade(directory=MIGRATIONS, revision="0015")
        with db.engine.begin() as conn:
            assert _rows(conn) == {
                "demand_days": EXPECTED_DAYS,
                "channel_demand_days": EXPECTED_CHANNELS,
            }
        db.engine.dispose()


def test_the_backfill_is_what_the_rebuild_makes_of_the_same_ledger(empty_url):
    from scanfloor.purchasing.demand_rebuild import rebuild, snapshot

    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0014")
        with db.engine.begin() as conn:
            _fill_at_0014(conn)
        upgrade(directory=MIGRATIONS, revision="0015")
        with db.engine.begin() as conn:
            backfilled = snapshot(conn)
            rebuild(conn)
            assert snapshot(conn) == backfilled
        db.engine.dispose()
