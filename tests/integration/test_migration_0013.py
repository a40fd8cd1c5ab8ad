"""Migration 0013 adds returns and the counting workflow beside the data already there: a
count task raised before the upgrade (by a short pick) stays open as a first count and can
go through recount and approval afterwards; every warehouse starts from the default count
policies; the downgrade takes the new tables away and puts a task still in doubt back to
open, which the old workflow understands."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.extensions import db

from .test_migration_0012 import MIGRATIONS, _fill_at_0011, _t

T0 = datetime(2026, 12, 2, 8, 0, 0)
NEW_TABLES = {
    "return_authorisations",
    "return_lines",
    "return_inspections",
    "return_photos",
    "count_lines",
    "count_policies",
    "item_classes",
}
COUNT_TASKS = _t("count_tasks", "id", "warehouse_id", "location_id", "item_id", "reason",
                 "status", "created_at")  # fmt: skip
RMAS = _t("return_authorisations", "id", "channel_id", "order_id", "warehouse_id", "source",
          "status", "created_at", "updated_at")  # fmt: skip


def _tables(conn: sa.Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def _columns(conn: sa.Connection, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def test_a_count_raised_before_the_upgrade_is_a_first_count_after_it(empty_url):
    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0012")
        with db.engine.begin() as conn:
            assert not NEW_TABLES & _tables(conn)
            _fill_at_0011(conn)
            conn.execute(
                COUNT_TASKS.insert(),
                [
                    dict(id=1, warehouse_id=40, location_id=41, item_id=9, reason="short_pick",
                         status="open", created_at=T0),
                    dict(id=2, warehouse_id=40, location_id=41, item_id=None, reason="adhoc",
                         status="cancelled", created_at=T0),
                ],
            )  # fmt: skip
        upgrade(directory=MIGRATIONS, revision="0013")

        with db.engine.begin() as conn:
            assert _tables(conn) >= NEW_TABLES
            rows = conn.execute(
                sa.text("SELECT id, status, attempt, assigned_to FROM count_tasks ORDER BY id")
            ).all()
            assert [tuple(r) for r in rows] == [(1, "open", 1, None), (2, "cancelled", 1, None)]
            policies = conn.execute(
                sa.text(
                    "SELECT abc_class, interval_days, tolerance_units, warehouse_key "
                    "FROM count_policies ORDER BY abc_class"
                )
            ).all()
            assert [tuple(p) for p in policies] == [
                ("A", 30, 0, 0),
                ("B", 91, 1, 0),
                ("C", 182, 2, 0),
            ]
            # The recount and approval statuses are new and allowed from the first row on.
            conn.execute(
                sa.text("UPDATE count_tasks SET status = 'recount', attempt = 2 WHERE id = 1")
            )
            conn.execute(
                RMAS.insert().values(
                    id=5, channel_id=3, order_id=70, warehouse_id=40, source="unannounced",
                    status="arrived", created_at=T0, updated_at=T0,
                )
            )  # fmt: skip
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE count_tasks SET status = 'weird' WHERE id = 1"))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE count_tasks SET attempt = 3 WHERE id = 1"))

        downgrade(directory=MIGRATIONS, revision="0012")
        with db.engine.begin() as conn:
            assert not NEW_TABLES & _tables(conn)
            assert "attempt" not in _columns(conn, "count_tasks")
            rows = conn.execute(sa.text("SELECT id, status FROM count_tasks ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(1, "open"), (2, "cancelled")]
        upgrade(directory=MIGRATIONS, revision="0013")
        db.engine.dispose()
