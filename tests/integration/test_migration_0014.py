"""Migration 0014 adds purchasing terms, suggestions, PO approval and replenishment beside the
data already there: a supplier and an open PO from before the upgrade keep what they were (the
PO stays open, revision 0, no warehouse; the supplier gets the default 14-day lead time and
the company currency); the new states are allowed from the first row on; the downgrade puts a
sent PO back to open and a cancelled one to closed, which the old states understand."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.extensions import db

from .test_migration_0012 import MIGRATIONS, _fill_at_0011, _t

T0 = datetime(2026, 12, 1, 8, 0, 0)
NEW_TABLES = {
    "supplier_items",
    "reorder_policies",
    "suggestion_runs",
    "suggestion_lines",
    "po_amendments",
    "pick_faces",
    "replenishment_tasks",
}
SUPPLIERS = _t("suppliers", "id", "code", "name", "over_receipt_tolerance_pct", "active",
               "created_at")  # fmt: skip
POS = _t("purchase_orders", "id", "number", "supplier_id", "state", "blind_receipt",
         "created_at")  # fmt: skip
PO_LINES = _t("purchase_order_lines", "id", "po_id", "line_no", "item_id", "ordered",
              "received", "damaged", "unit_cost")  # fmt: skip
SUPPLIER_ITEMS = _t("supplier_items", "id", "supplier_id", "item_id", "unit_cost", "currency",
                    "moq", "case_pack", "purchase_unit", "units_per_purchase_unit",
                    "lead_time_days", "preferred", "active", "updated_at")  # fmt: skip


def _tables(conn: sa.Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def _supplier_item(sid: int, supplier_id: int, preferred: bool) -> dict[str, object]:
    return dict(id=sid, supplier_id=supplier_id, item_id=9, unit_cost="2.50",
                currency="EUR", moq=1, case_pack=12, purchase_unit="case",
                units_per_purchase_unit=12, lead_time_days=10, preferred=preferred,
                active=True, updated_at=T0)  # fmt: skip


def test_an_open_po_from_before_the_upgrade_stays_open_and_receivable(empty_url):
    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0013")
        with db.engine.begin() as conn:
            assert not NEW_TABLES & _tables(conn)
            _fill_at_0011(conn)
            conn.execute(
                SUPPLIERS.insert(),
                [
                    dict(id=1, code="ACME", name="Acme", over_receipt_tolerance_pct="5",
                         active=True, created_at=T0),
                    dict(id=2, code="BOLT", name="Bolt", over_receipt_tolerance_pct="0",
                         active=True, created_at=T0),
                ],
            )  # fmt: skip
            conn.execute(
                POS.insert(),
                [
                    dict(id=1, number="PO-1", supplier_id=1, state="open", blind_receipt=False,
                         created_at=T0),
                    dict(id=2, number="PO-2", supplier_id=1, state="draft", blind_receipt=False,
                         created_at=T0),
                ],
            )  # fmt: skip
            conn.execute(
                PO_LINES.insert().values(id=1, po_id=1, line_no=1, item_id=9, ordered=24,
                                         received=0, damaged=0, unit_cost="2.5")
            )  # fmt: skip
        upgrade(directory=MIGRATIONS, revision="0014")

        with db.engine.begin() as conn:
            assert _tables(conn) >= NEW_TABLES
            po = conn.execute(
                sa.text(
                    "SELECT state, revision, currency, warehouse_id, approved_by, sent_at "
                    "FROM purchase_orders WHERE id = 1"
                )
            ).one()
            assert tuple(po) == ("open", 0, "EUR", None, None, None)
            supplier = conn.execute(
                sa.text(
                    "SELECT lead_time_days, currency, imports, production_days, email "
                    "FROM suppliers WHERE id = 1"
                )
            ).one()
            assert tuple(supplier) == (14, "EUR", False, 0, None)
            # The new states are allowed at once; one preferred supplier per item.
            conn.execute(sa.text("UPDATE purchase_orders SET state = 'sent' WHERE id = 1"))
            conn.execute(sa.text("UPDATE purchase_orders SET state = 'cancelled' WHERE id = 2"))
            conn.execute(SUPPLIER_ITEMS.insert().values(**_supplier_item(1, 1, True)))
            conn.execute(SUPPLIER_ITEMS.insert().values(**_supplier_item(2, 2, False)))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE supplier_items SET preferred = TRUE WHERE id = 2"))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE purchase_orders SET state = 'weird' WHERE id = 1"))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE purchase_orders SET revision = -1 WHERE id = 1"))

        downgrade(directory=MIGRATIONS, revision="0013")
        with db.engine.begin() as conn:
            assert not NEW_TABLES & _tables(conn)
            rows = conn.execute(sa.text("SELECT id, state FROM purchase_orders ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(1, "open"), (2, "closed")]
            cols = {c["name"] for c in sa.inspect(conn).get_columns("purchase_orders")}
            assert "revision" not in cols and "warehouse_id" not in cols
        upgrade(directory=MIGRATIONS, revision="0014")
        db.engine.dispose()
