"""Migration 0016 adds finance beside the ledger already there: every movement, posting,
balance and demand row stays as it was; the finance tables arrive empty (stock moved before
the upgrade gets no value: valuation starts with the first movement after it) but for the
default chart, one account per role, each mapped once as the default. Journal entries and
lines, layer issues and movement values are append-only in the database from the first row
on; a role has one default account and one per warehouse at most. The downgrade takes the
finance tables and their guards away and leaves the ledger (and its own guard); upgrading
again seeds the chart again."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.dbtypes import UTCDateTime
from scanfloor.extensions import db
from scanfloor.finance.models import ROLES

from .test_migration_0012 import MIGRATIONS
from .test_migration_0015 import FAR, ITEM, WH, _fill_at_0014


def _migration() -> ModuleType:
    path = Path(MIGRATIONS) / "versions" / "0016_finance.py"
    spec = importlib.util.spec_from_file_location("migration_0016_finance", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MIGRATION = _migration()
CHART: tuple[tuple[str, str, str, str], ...] = MIGRATION.CHART  # code, name, kind, role
APPEND_ONLY: tuple[str, ...] = MIGRATION.APPEND_ONLY
FINANCE_TABLES = {
    "accounts",
    "account_roles",
    "category_cost_methods",
    "item_cost_methods",
    "fiscal_periods",
    "stock_values",
    "cost_layers",
    "layer_issues",
    "movement_values",
    "journal_entries",
    "journal_lines",
}
LEDGER_TABLES = ("postings", "movements", "balances", "demand_days", "channel_demand_days")
LATER_ROLES = {  # migration 0017
    "channel_clearing", "landed_cost", "channel_fees", "opening_balance", "tax_receivable",
}  # fmt: skip
T1 = datetime(2026, 12, 3, 9, 0, 0)  # after the ledger of _fill_at_0014 (1 and 2 December)

BALANCES = sa.table(
    "balances",
    *(sa.column(c) for c in ("id", "item_id", "location_id", "lot_id", "container_id",
                             "quantity")),
    sa.column("updated_at", UTCDateTime()),
)  # fmt: skip
JOURNAL_ENTRIES = sa.table(
    "journal_entries",
    *(sa.column(c) for c in ("id", "period", "kind", "movement_id", "posting_id", "memo")),
    sa.column("entry_date", sa.Date()),
    sa.column("created_at", UTCDateTime()),
)
JOURNAL_LINES = sa.table(
    "journal_lines",
    *(sa.column(c) for c in ("id", "entry_id", "account_id", "debit", "credit", "warehouse_id",
                             "item_id")),
)  # fmt: skip
COST_LAYERS = sa.table(
    "cost_layers",
    *(sa.column(c) for c in ("id", "item_id", "place_id", "movement_id", "quantity_in",
                             "quantity_left", "unit_cost", "value_left")),
    sa.column("received_at", UTCDateTime()),
)  # fmt: skip
LAYER_ISSUES = sa.table(
    "layer_issues", *(sa.column(c) for c in ("id", "layer_id", "movement_id", "quantity", "value"))
)
MOVEMENT_VALUES = sa.table(
    "movement_values",
    *(sa.column(c) for c in ("movement_id", "item_id", "from_place_id", "to_place_id",
                             "quantity", "value", "unit_cost", "method", "cost_source")),
    sa.column("created_at", UTCDateTime()),
)  # fmt: skip
ACCOUNT_ROLES = sa.table("account_roles", *(sa.column(c) for c in ("role", "warehouse_id",
                                                                   "account_id")))  # fmt: skip


@contextmanager
def _migrations(empty_url: str) -> Iterator[Flask]:
    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        try:
            yield app
        finally:
            db.engine.dispose()


def _tables(conn: sa.Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def _at_0015_with_a_ledger() -> None:
    """The 0015 test's ledger (two warehouses, receipts, picks, ships, a reversal, a return,
    transfers) with its demand backfilled by 0015, and the balances that ledger leaves in the
    real (non-virtual) places."""
    upgrade(directory=MIGRATIONS, revision="0014")
    with db.engine.begin() as conn:
        _fill_at_0014(conn)
    upgrade(directory=MIGRATIONS, revision="0015")
    with db.engine.begin() as conn:
        net = conn.execute(
            sa.text(
                "SELECT m.item_id, m.loc, m.box, SUM(m.qty) FROM ("
                " SELECT item_id, to_location_id AS loc, to_container_id AS box,"
                "  quantity AS qty FROM movements"
                " UNION ALL"
                " SELECT item_id, from_location_id, from_container_id, -quantity FROM movements"
                ") m JOIN locations l ON l.id = m.loc WHERE NOT l.is_virtual "
                "GROUP BY m.item_id, m.loc, m.box HAVING SUM(m.qty) <> 0"
            )
        ).all()
        assert net, "the ledger leaves stock somewhere"
        conn.execute(
            BALANCES.insert(),
            [
                dict(id=i, item_id=item, location_id=loc, lot_id=None, container_id=box,
                     quantity=qty, updated_at=T1)
                for i, (item, loc, box, qty) in enumerate(net, 1)
            ],
        )  # fmt: skip


def _ledger(conn: sa.Connection) -> dict[str, set[tuple[object, ...]]]:
    return {
        t: {tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t}"))} for t in LEDGER_TABLES
    }


def _count(conn: sa.Connection, table: str) -> int:
    return int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def _chart(conn: sa.Connection) -> set[tuple[str, str, str, str]]:
    """(code, name, kind, role) of each default role and its account."""
    rows = conn.execute(
        sa.text(
            "SELECT a.code, a.name, a.kind, r.role FROM account_roles r "
            "JOIN accounts a ON a.id = r.account_id WHERE r.warehouse_id IS NULL"
        )
    ).all()
    return {tuple(r) for r in rows}  # type: ignore[misc]


def _assert_the_default_chart(conn: sa.Connection) -> None:
    assert len(CHART) == 13
    assert _count(conn, "accounts") == 13
    accounts = conn.execute(sa.text("SELECT code, name, kind, active FROM accounts")).all()
    assert {tuple(a) for a in accounts} == {(c, n, k, True) for c, n, k, _ in CHART}
    # Every role the table allows has its default, once, and no per-warehouse row yet.
    assert _count(conn, "account_roles") == 13
    # Every role the table allowed at 0016 (0017 adds LATER_ROLES).
    assert {r for *_, r in CHART} == set(ROLES) - LATER_ROLES
    assert _chart(conn) == set(CHART)


def _inventory_account(conn: sa.Connection) -> int:
    return int(
        conn.execute(
            sa.text(
                "SELECT account_id FROM account_roles "
                "WHERE role = 'inventory' AND warehouse_id IS NULL"
            )
        ).scalar_one()
    )


def _one_row_in_each_append_only_table(conn: sa.Connection) -> None:
    """Plain SQL rows that respect the foreign keys: the seeded inventory account, the filled
    ledger's first receipt (movement and posting 1, 20 units into the pick face of WH) and
    its first pick (movement 3)."""
    conn.execute(
        JOURNAL_ENTRIES.insert().values(
            id=1, entry_date=date(2026, 12, 3), period="2026-12", kind="receipt",
            movement_id=1, posting_id=1, memo="", created_at=T1,
        )
    )  # fmt: skip
    conn.execute(
        JOURNAL_LINES.insert().values(
            id=1, entry_id=1, account_id=_inventory_account(conn), debit="50", credit="0",
            warehouse_id=WH, item_id=ITEM,
        )
    )  # fmt: skip
    conn.execute(
        COST_LAYERS.insert().values(
            id=1, item_id=ITEM, place_id=WH, movement_id=1, received_at=T1, quantity_in=20,
            quantity_left=17, unit_cost="2.5", value_left="42.5",
        )
    )  # fmt: skip
    conn.execute(
        LAYER_ISSUES.insert().values(id=1, layer_id=1, movement_id=3, quantity=3, value="7.5")
    )
    conn.execute(
        MOVEMENT_VALUES.insert().values(
            movement_id=1, item_id=ITEM, from_place_id=None, to_place_id=WH, quantity=20,
            value="50", unit_cost="2.5", method="fifo", cost_source="receipt", created_at=T1,
        )
    )  # fmt: skip


# One harmless change per table: a statement the guard alone refuses.
UPDATES = {
    "journal_entries": "UPDATE journal_entries SET memo = 'edited' WHERE id = 1",
    "journal_lines": "UPDATE journal_lines SET debit = 60 WHERE id = 1",
    "layer_issues": "UPDATE layer_issues SET quantity = 4 WHERE id = 1",
    "movement_values": "UPDATE movement_values SET value = 60 WHERE movement_id = 1",
}


def _refused(sql: str) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(sa.text(sql))


def _append_only_rows(conn: sa.Connection) -> dict[str, set[tuple[object, ...]]]:
    return {t: {tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t}"))} for t in APPEND_ONLY}


def _triggers(conn: sa.Connection) -> set[str]:
    if conn.dialect.name == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return set(conn.execute(sa.text(sql)).scalars())


def test_the_upgrade_keeps_the_ledger_and_seeds_only_the_default_chart(empty_url):
    with _migrations(empty_url):
        _at_0015_with_a_ledger()
        with db.engine.begin() as conn:
            assert not FINANCE_TABLES & _tables(conn)
            before = _ledger(conn)
        assert len(before["movements"]) == 12 and before["balances"]
        assert before["demand_days"] and before["channel_demand_days"]

        upgrade(directory=MIGRATIONS, revision="0016")

        with db.engine.begin() as conn:
            assert _tables(conn) >= FINANCE_TABLES
            assert _ledger(conn) == before
            # Stock moved before the upgrade has no value, no layer, no entry: valuation
            # starts with the first movement after it.
            for table in FINANCE_TABLES - {"accounts", "account_roles"}:
                assert _count(conn, table) == 0, table
            _assert_the_default_chart(conn)


def test_journal_layer_issues_and_movement_values_are_append_only_from_the_first_row(empty_url):
    with _migrations(empty_url):
        _at_0015_with_a_ledger()
        upgrade(directory=MIGRATIONS, revision="0016")
        with db.engine.begin() as conn:
            _one_row_in_each_append_only_table(conn)
            rows = _append_only_rows(conn)
        assert all(len(r) == 1 for r in rows.values())

        for table in APPEND_ONLY:
            _refused(UPDATES[table])
            _refused(f"DELETE FROM {table}")
        if db.engine.dialect.name == "postgresql":
            for table in APPEND_ONLY:
                # CASCADE: journal_lines references journal_entries, and without it
                # PostgreSQL refuses on that foreign key before any trigger runs; with it
                # the append-only guard must refuse.
                _refused(f"TRUNCATE {table} CASCADE")

        with db.engine.begin() as conn:
            assert _append_only_rows(conn) == rows
            # The cost layer is a running balance, not a record: it may change.
            conn.execute(sa.text("UPDATE cost_layers SET quantity_left = 14 WHERE id = 1"))


def test_a_role_has_one_default_account_and_one_per_warehouse(empty_url):
    with _migrations(empty_url):
        _at_0015_with_a_ledger()
        upgrade(directory=MIGRATIONS, revision="0016")
        with db.engine.begin() as conn:
            account = _inventory_account(conn)
            other = int(
                conn.execute(sa.text("SELECT id FROM accounts WHERE code = '1310'")).scalar_one()
            )

        def role(warehouse: int | None, account_id: int) -> None:
            with db.engine.begin() as conn:
                conn.execute(
                    ACCOUNT_ROLES.insert().values(
                        role="inventory", warehouse_id=warehouse, account_id=account_id
                    )
                )

        # A second default for a role is refused, whichever account it names.
        with pytest.raises(sa.exc.IntegrityError):
            role(None, other)
        # A warehouse of its own: once, and once per warehouse.
        role(WH, other)
        with pytest.raises(sa.exc.IntegrityError):
            role(WH, account)
        role(FAR, account)

        with db.engine.begin() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT warehouse_id, account_id FROM account_roles WHERE role = 'inventory'"
                )
            ).all()
            assert {tuple(r) for r in rows} == {(None, account), (WH, other), (FAR, account)}


def test_the_downgrade_drops_finance_and_keeps_the_ledger_and_its_guard(empty_url):
    with _migrations(empty_url):
        _at_0015_with_a_ledger()
        with db.engine.begin() as conn:
            before = _ledger(conn)
            triggers_before = _triggers(conn)
        upgrade(directory=MIGRATIONS, revision="0016")
        with db.engine.begin() as conn:
            assert _triggers(conn) > triggers_before
            _one_row_in_each_append_only_table(conn)  # the guards do not stop the downgrade

        downgrade(directory=MIGRATIONS, revision="0015")

        with db.engine.begin() as conn:
            assert not FINANCE_TABLES & _tables(conn)
            assert _triggers(conn) == triggers_before
            assert not {t for t in _triggers(conn) if t.startswith(APPEND_ONLY)}
            assert _ledger(conn) == before
        # The ledger's own guard (and on PostgreSQL the function it shares) is still there.
        _refused("UPDATE movements SET quantity = 99 WHERE id = 1")
        _refused("DELETE FROM movements WHERE id = 12")

        upgrade(directory=MIGRATIONS, revision="0016")
        with db.engine.begin() as conn:
            for table in FINANCE_TABLES - {"accounts", "account_roles"}:
                assert _count(conn, table) == 0, table
            _assert_the_default_chart(conn)
            assert _ledger(conn) == before
