"""Migration 0010 adds warehouse rights beside the data already there: users and warehouses
survive the upgrade untouched, nobody holds a right until a manager assigns one, a right goes
with its user or warehouse, and the downgrade takes only the new table away."""

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

USERS = sa.table(
    "users",
    *(sa.column(c) for c in ("id", "username", "display_name", "role", "pin_failures", "active")),
    sa.column("created_at", sa.DateTime()),
)
LOCATIONS = sa.table(
    "locations",
    *(sa.column(c) for c in ("id", "code", "name", "level", "type", "warehouse_id", "is_virtual")),
    *(sa.column(c) for c in ("sellable", "active")),
)
RIGHTS = sa.table(
    "user_warehouses",
    sa.column("user_id"),
    sa.column("warehouse_id"),
    sa.column("granted_at", sa.DateTime()),
)


def _fill_at_0008(conn: sa.Connection) -> None:
    for uid, name in ((7, "w7"), (8, "w8")):
        conn.execute(
            USERS.insert().values(
                id=uid, username=name, display_name=name, role="worker", pin_failures=0,
                active=True, created_at=T0,
            )
        )  # fmt: skip
    conn.execute(
        LOCATIONS.insert().values(
            id=30, code="WH-N", name="North", level="warehouse", type="warehouse",
            warehouse_id=None, is_virtual=False, sellable=False, active=True,
        )
    )  # fmt: skip


def test_rights_arrive_empty_beside_the_existing_users_and_warehouses(empty_url):
    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        with db.engine.begin() as conn:
            _fill_at_0008(conn)
        upgrade(directory=MIGRATIONS, revision="0010")

        with db.engine.begin() as conn:
            assert conn.execute(
                sa.select(USERS.c.username).order_by(USERS.c.id)
            ).scalars().all() == [
                "w7",
                "w8",
            ]
            assert conn.execute(
                sa.select(LOCATIONS.c.code).where(LOCATIONS.c.id == 30)
            ).scalars().all() == ["WH-N"]
            assert conn.execute(sa.select(sa.func.count()).select_from(RIGHTS)).scalar() == 0
            conn.execute(RIGHTS.insert().values(user_id=7, warehouse_id=30, granted_at=T0))
            conn.execute(RIGHTS.insert().values(user_id=8, warehouse_id=30, granted_at=T0))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(RIGHTS.insert().values(user_id=7, warehouse_id=30, granted_at=T0))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(RIGHTS.insert().values(user_id=7, warehouse_id=999, granted_at=T0))

        with db.engine.begin() as conn:
            conn.execute(USERS.delete().where(USERS.c.id == 8))
            assert conn.execute(sa.select(RIGHTS.c.user_id)).scalars().all() == [7]

        downgrade(directory=MIGRATIONS, revision="0008")
        assert not sa.inspect(db.engine).has_table("user_warehouses")
        with db.engine.connect() as conn:
            assert conn.execute(sa.select(USERS.c.username)).scalars().all() == ["w7"]
        db.engine.dispose()
