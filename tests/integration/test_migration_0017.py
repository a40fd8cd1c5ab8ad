"""Migration 0017 adds finance's documents beside a working ledger and book: every ledger,
valuation and journal row stays as it was; existing suppliers match invoices exactly (0 %
tolerances) and existing order lines have no discount or tax; the chart gains three roles
(landed costs accrued, channel clearing, channel fees), each with its account, while the
old roles keep theirs and a role still has one default account. Invoice matches and cost
adjustments are append-only from the first row. The downgrade drops the documents and the
three roles and leaves the rest."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor.extensions import db

from .test_migration_0012 import MIGRATIONS
from .test_migration_0016 import APPEND_ONLY as BOOK_TABLES
from .test_migration_0016 import (
    _at_0015_with_a_ledger,
    _chart,
    _migrations,
    _one_row_in_each_append_only_table,
    _tables,
    _triggers,
)


def _migration() -> ModuleType:
    path = Path(MIGRATIONS) / "versions" / "0017_finance_documents.py"
    spec = importlib.util.spec_from_file_location("migration_0017_finance_documents", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MIGRATION = _migration()
NEW_TABLES = {
    "opening_values",
    "exchange_rates",
    "channel_settlements",
    "channel_settlement_lines",
    "supplier_invoices",
    "supplier_invoice_lines",
    "supplier_invoice_matches",
    "landed_costs",
    "landed_cost_receipts",
    "cost_adjustments",
}


def _at_0016_with_a_book() -> None:
    _at_0015_with_a_ledger()
    upgrade(directory=MIGRATIONS, revision="0016")
    with db.engine.begin() as conn:
        _one_row_in_each_append_only_table(conn)
        conn.execute(
            sa.text(
                "INSERT INTO suppliers (code, name, over_receipt_tolerance_pct, "
                "active, created_at, currency, lead_time_days, production_days, "
                "transit_days, customs_days, imports) VALUES ('S17', 'Supplier', 0, "
                "true, '2026-12-01 00:00:00', 'EUR', 14, 0, 0, 0, false)"
            )
        )


def _snapshot(conn: sa.Connection) -> dict[str, set[tuple[object, ...]]]:
    tables = ("movements", "postings", "balances", "stock_values", "cost_layers", *BOOK_TABLES)
    return {t: {tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t}"))} for t in tables}


def test_the_upgrade_keeps_the_book_and_adds_three_roles_with_their_accounts(empty_url):
    with _migrations(empty_url):
        _at_0016_with_a_book()
        with db.engine.begin() as conn:
            before, chart_before = _snapshot(conn), _chart(conn)
            assert not NEW_TABLES & _tables(conn)

        upgrade(directory=MIGRATIONS, revision="0017")

        with db.engine.begin() as conn:
            assert _tables(conn) >= NEW_TABLES
            assert _snapshot(conn) == before
            assert _chart(conn) == chart_before | set(MIGRATION.NEW_CHART)
            tolerances = conn.execute(sa.text(
                "SELECT invoice_qty_tolerance_pct, invoice_price_tolerance_pct FROM suppliers"
            )).all()  # fmt: skip
            assert tolerances and all(float(q) == 0 and float(p) == 0 for q, p in tolerances)
            lines = conn.execute(sa.text("SELECT discount, tax FROM order_lines")).all()
            assert all(d is None and t is None for d, t in lines)
            # Still one default per role: a second default for a new role is refused.
            account = conn.execute(sa.text("SELECT id FROM accounts WHERE code = '1300'")).scalar()
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO account_roles (role, warehouse_id, account_id) "
                                 f"VALUES ('landed_cost', NULL, {account})"))  # fmt: skip
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO account_roles (role, warehouse_id, account_id) "
                                 f"VALUES ('no_such_role', NULL, {account})"))  # fmt: skip


def test_cost_adjustments_are_append_only_and_the_downgrade_takes_the_documents_away(empty_url):
    with _migrations(empty_url):
        _at_0016_with_a_book()
        with db.engine.begin() as conn:
            triggers_before = _triggers(conn)
        upgrade(directory=MIGRATIONS, revision="0017")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO cost_adjustments (id, kind, source_type, source_id, movement_id, "
                "item_id, place_id, after_movement_id, amount, quantity, on_hand_quantity, "
                "on_hand_amount, gone_amount, method, created_at) SELECT 1, 'landed_cost', "
                "'landed_cost', '1', m.id, m.item_id, NULL, m.id, 5, m.quantity, 0, 0, 5, "
                "'fifo', '2026-12-03 09:00:00' FROM movements m WHERE m.id = 1"
            ))  # fmt: skip
        for sql in ("UPDATE cost_adjustments SET amount = 6", "DELETE FROM cost_adjustments"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as c:
                c.execute(sa.text(sql))

        downgrade(directory=MIGRATIONS, revision="0016")

        with db.engine.begin() as conn:
            assert not NEW_TABLES & _tables(conn)
            assert _triggers(conn) == triggers_before
            roles = set(conn.execute(sa.text("SELECT role FROM account_roles")).scalars())
            assert roles == set(MIGRATION.OLD_ROLES)
            columns = {c["name"] for c in sa.inspect(conn).get_columns("suppliers")}
            assert "invoice_qty_tolerance_pct" not in columns
        upgrade(directory=MIGRATIONS, revision="0017")  # and up again
