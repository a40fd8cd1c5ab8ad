"""Migration 0006 carries a ledger that already holds movements into the hash chain: after
the upgrade `ledger verify` finds nothing, and the writer extends the chain from there."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from scanfloor import create_app
from scanfloor.config import Settings
from scanfloor.extensions import db
from scanfloor.ledger.verify import verify_ledger
from tests.ledger_helpers import location_id, move

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def _old_ledger() -> list[int]:
    """Movements as 0004 stored them: a receipt, and a transfer with a cost (raw SQL: the
    writer of today would chain them)."""
    run = db.session.execute
    run(
        text(
            "INSERT INTO items (sku, sku_key, name, base_unit, tracking, expiry_tracked, "
            "attributes, active, created_at) "
            "VALUES ('OLD-1', 'OLD-1', 'Old', 'each', 'none', false, '{}', true, :t)"
        ),
        {"t": "2026-01-02 03:04:05.678901"},
    )
    run(
        text(
            "INSERT INTO locations (code, name, level, type, is_virtual, sellable, active) "
            "VALUES ('OLD-BIN', 'Old bin', 'bin', 'storage', false, true, true), "
            "('OLD-BIN-2', 'Old bin 2', 'bin', 'storage', false, true, true)"
        )
    )
    ids = {
        code: run(text("SELECT id FROM locations WHERE code = :c"), {"c": code}).scalar_one()
        for code in ("VENDOR", "OLD-BIN", "OLD-BIN-2")
    }
    item = run(text("SELECT id FROM items WHERE sku = 'OLD-1'")).scalar_one()
    run(
        text("INSERT INTO postings (movement_type, recorded_at) VALUES ('receipt', :t)"),
        {"t": "2026-01-02 03:04:05"},
    )
    posting = run(text("SELECT MAX(id) FROM postings")).scalar_one()
    insert = text(
        "INSERT INTO movements (posting_id, item_id, quantity, from_location_id, "
        "to_location_id, movement_type, unit_cost, occurred_at, recorded_at) "
        "VALUES (:p, :i, :q, :f, :t, 'receipt', :c, :at, :at)"
    )
    for qty, src, dst, cost in ((7, "VENDOR", "OLD-BIN", None), (3, "OLD-BIN", "OLD-BIN-2", 2.5)):
        run(
            insert,
            {
                "p": posting,
                "i": item,
                "q": qty,
                "f": ids[src],
                "t": ids[dst],
                "c": cost,
                "at": "2026-01-02 03:04:05.000001",
            },
        )
    for loc, qty in ((ids["VENDOR"], -7), (ids["OLD-BIN"], 4), (ids["OLD-BIN-2"], 3)):
        run(
            text(
                "INSERT INTO balances (item_id, location_id, quantity, updated_at) "
                "VALUES (:i, :l, :q, :at)"
            ),
            {"i": item, "l": loc, "q": qty, "at": "2026-01-02 03:04:05"},
        )
    db.session.commit()
    return [ids["OLD-BIN"], ids["OLD-BIN-2"], item]


def test_upgrading_a_ledger_with_movements_chains_them_and_verifies_clean(empty_url):
    app = create_app(Settings(mode="test", database_url=empty_url))
    with app.app_context():
        try:
            upgrade(directory=MIGRATIONS, revision="0004")
            bin_a, bin_b, item = _old_ledger()

            upgrade(directory=MIGRATIONS, revision="0006")
            report = verify_ledger()
            assert report.clean, report.lines()
            assert report.chain_checked == 2

            upgrade(directory=MIGRATIONS, revision="heads")
            move(item, 1, bin_b, bin_a)
            move(item, 5, location_id("VENDOR"), bin_b, "receipt")
            report = verify_ledger()
            assert report.clean, report.lines()
            assert report.chain_checked == 4
        finally:
            db.session.remove()
            db.engine.dispose()
