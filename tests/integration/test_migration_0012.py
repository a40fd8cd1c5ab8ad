"""Migration 0012 adds the outbound tables beside the data already there: an order allocated
before the upgrade is untouched and can be put into a wave afterwards, the new tables' rules
hold from the first row (a pick line cannot be over-picked, a carton's status is one of its
own), and the downgrade takes only the new tables away."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
T0 = datetime(2026, 12, 1, 8, 0, 0)
NEW_TABLES = {
    "waves",
    "wave_orders",
    "pick_tasks",
    "pick_lines",
    "floor_exceptions",
    "count_tasks",
    "carton_types",
    "cartons",
    "carriers",
    "shipments",
}


def _t(name: str, *cols: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in cols))


LOCATIONS = _t(
    "locations", "id", "code", "name", "level", "type", "warehouse_id", "is_virtual",
    "sellable", "active", "walk_sequence",
)  # fmt: skip
ITEMS = _t("items", "id", "sku", "sku_key", "name", "base_unit", "tracking", "expiry_tracked",
           "attributes", "active", "created_at")  # fmt: skip
CHANNELS = _t("channels", "id", "code", "kind", "name", "priority", "safety_buffer",
              "allow_partial_shipment", "min_shelf_life_days", "active", "created_at")  # fmt: skip
ORDERS = _t("orders", "id", "channel_id", "external_id", "status", "ship_to", "ordered_at",
            "created_at", "updated_at")  # fmt: skip
LINES = _t("order_lines", "id", "order_id", "line_no", "item_id", "quantity", "reserved_qty",
           "consumed_qty", "status")  # fmt: skip
WAVES = _t("waves", "id", "warehouse_id", "status", "mode", "rules", "order_count", "line_count",
           "unit_count", "path_length", "released_via", "released_at")  # fmt: skip
TASKS = _t("pick_tasks", "id", "wave_id", "warehouse_id", "status", "priority", "path_length",
           "created_at")  # fmt: skip
PICK_LINES = _t("pick_lines", "id", "task_id", "wave_id", "order_id", "order_line_id", "item_id",
                "location_id", "seq", "quantity", "picked_qty", "short_qty", "status")  # fmt: skip


def _fill_at_0011(conn: sa.Connection) -> None:
    conn.execute(
        LOCATIONS.insert(),
        [
            dict(id=40, code="WH-M", name="Main", level="warehouse", type="warehouse",
                 warehouse_id=None, is_virtual=False, sellable=False, active=True,
                 walk_sequence=None),
            dict(id=41, code="WH-M-A1", name="A1", level="bin", type="pick_face",
                 warehouse_id=40, is_virtual=False, sellable=True, active=True, walk_sequence=1),
        ],
    )  # fmt: skip
    conn.execute(
        ITEMS.insert().values(
            id=9, sku="SKU-9", sku_key="SKU-9", name="Nine", base_unit="each", tracking="none",
            expiry_tracked=False, attributes="{}", active=True, created_at=T0,
        )
    )  # fmt: skip
    conn.execute(
        CHANNELS.insert().values(
            id=3, code="WEB", kind="web", name="Web", priority=0, safety_buffer=0,
            allow_partial_shipment=True, min_shelf_life_days=0, active=True, created_at=T0,
        )
    )  # fmt: skip
    conn.execute(
        ORDERS.insert().values(
            id=70, channel_id=3, external_id="W-70", status="allocated", ship_to="{}",
            ordered_at=T0, created_at=T0, updated_at=T0,
        )
    )  # fmt: skip
    conn.execute(
        LINES.insert().values(
            id=71, order_id=70, line_no=1, item_id=9, quantity=2, reserved_qty=2,
            consumed_qty=0, status="allocated",
        )
    )  # fmt: skip


def _tables(conn: sa.Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def test_outbound_tables_arrive_beside_an_allocated_order_and_leave_it_on_downgrade(empty_url):
    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0011")
        with db.engine.begin() as conn:
            assert not NEW_TABLES & _tables(conn)
            _fill_at_0011(conn)
        upgrade(directory=MIGRATIONS, revision="0012")

        with db.engine.begin() as conn:
            assert _tables(conn) >= NEW_TABLES
            order = conn.execute(sa.select(ORDERS.c.external_id, ORDERS.c.status)).one()
            assert tuple(order) == ("W-70", "allocated")
            line = conn.execute(sa.select(LINES.c.reserved_qty, LINES.c.status)).one()
            assert tuple(line) == (2, "allocated")
            # The order allocated before the upgrade goes into a wave like any other.
            conn.execute(
                WAVES.insert().values(
                    id=1, warehouse_id=40, status="released", mode="single", rules="{}",
                    order_count=1, line_count=1, unit_count=2, path_length=0,
                    released_via="console", released_at=T0,
                )
            )  # fmt: skip
            conn.execute(
                TASKS.insert().values(
                    id=1, wave_id=1, warehouse_id=40, status="open", priority=0, path_length=0,
                    created_at=T0,
                )
            )  # fmt: skip
            conn.execute(
                PICK_LINES.insert().values(
                    id=1, task_id=1, wave_id=1, order_id=70, order_line_id=71, item_id=9,
                    location_id=41, seq=1, quantity=2, picked_qty=0, short_qty=0, status="open",
                )
            )  # fmt: skip
        # A pick line cannot take more than it was planned for, from the first row on.
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(PICK_LINES.update().values(picked_qty=2, short_qty=1))

        downgrade(directory=MIGRATIONS, revision="0011")
        with db.engine.begin() as conn:
            assert not NEW_TABLES & _tables(conn)
            assert conn.execute(sa.select(ORDERS.c.external_id)).scalars().all() == ["W-70"]
        db.engine.dispose()
