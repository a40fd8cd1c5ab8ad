"""Migration 0021 adds the order facts empty: an upgraded database answers every order KPI
as before (an order without facts is assembled from its rows), `scanfloor facts rebuild`
then fills them with what the orders settled into, and the downgrade drops them without
touching an order."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from scanfloor.allocation.models import Order
from scanfloor.extensions import db
from scanfloor.reporting import order_facts_store
from scanfloor.reporting.order_facts_store import order_records

from .test_migration_0012 import MIGRATIONS
from .test_migration_0016 import _migrations, _tables
from .test_reports_service import _outbound


def _records() -> list[object]:
    found = order_records(select(Order.id))
    db.session.rollback()
    return sorted(found, key=lambda o: o.order_id)


def test_the_order_facts_arrive_empty_the_reports_read_the_same_and_a_rebuild_fills_them(
    empty_url,
):
    with _migrations(empty_url) as app:
        upgrade(directory=MIGRATIONS)
        _outbound(app)  # two orders shipped in full (settled), two waiting for stock
        with db.engine.begin() as conn:
            kept = order_facts_store.snapshot(conn)
            orders = conn.execute(sa.text("SELECT id, status FROM orders ORDER BY id")).all()
        assert len(kept["order_facts"]) == 2
        before = _records()
        db.session.remove()

        downgrade(directory=MIGRATIONS, revision="0020")
        with db.engine.begin() as conn:
            assert not {"order_facts", "order_line_facts", "order_ship_facts"} & _tables(conn)
            assert conn.execute(sa.text("SELECT id, status FROM orders ORDER BY id")).all() == (
                orders
            )

        upgrade(directory=MIGRATIONS, revision="0021")
        with db.engine.begin() as conn:
            assert order_facts_store.snapshot(conn) == {t: set() for t in kept}
        assert _records() == before  # every order assembled from its rows
        db.session.remove()
        with db.engine.begin() as conn:
            order_facts_store.rebuild(conn)
            assert order_facts_store.snapshot(conn) == kept
        assert _records() == before
