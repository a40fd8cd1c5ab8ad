"""Migration 0022 indexes balances by container (a tote's contents are read by its id at
every order's first pick); the downgrade drops the index and no balance changes."""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor.extensions import db

from .test_migration_0012 import MIGRATIONS
from .test_migration_0016 import _migrations
from .test_reports_service import _outbound


def _indexes(conn: sa.Connection) -> set[str]:
    with warnings.catch_warnings():  # SQLite's reflection skips the expression index
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        return {str(ix["name"]) for ix in sa.inspect(conn).get_indexes("balances")}


def _balances(conn: sa.Connection) -> list[tuple[object, ...]]:
    rows = conn.execute(
        sa.text(
            "SELECT item_id, location_id, lot_id, container_id, quantity FROM balances ORDER BY id"
        )
    )
    return [tuple(r) for r in rows]


def test_balances_are_indexed_by_container_and_the_downgrade_keeps_every_balance(empty_url):
    with _migrations(empty_url) as app:
        upgrade(directory=MIGRATIONS)
        _outbound(app)  # picks into totes, packs into cartons, ships
        db.session.remove()
        with db.engine.begin() as conn:
            assert "ix_balances_container" in _indexes(conn)
            held = _balances(conn)
        assert any(row[3] is not None for row in held)

        downgrade(directory=MIGRATIONS, revision="0021")
        with db.engine.begin() as conn:
            assert "ix_balances_container" not in _indexes(conn)
            assert _balances(conn) == held

        upgrade(directory=MIGRATIONS, revision="0022")
        with db.engine.begin() as conn:
            assert "ix_balances_container" in _indexes(conn)
            assert _balances(conn) == held
