"""Migration 0019 adds the reports' daily facts and backfills them from the ledger already
there: the rows it writes are the rows the postings would have kept one by one (values,
reasons, workers' quarter-hours and zones included). The downgrade drops both tables and the
anomaly acknowledgements and nothing else; upgrading again backfills the same rows and
makes a warehouse without a warehouse of its own (as the demo seed left it) its own root."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor.extensions import db
from scanfloor.reporting.facts_rebuild import TABLES, snapshot
from tests.factories import virtual
from tests.suggestion_helpers import day_at, item

from .test_migration_0012 import MIGRATIONS
from .test_migration_0016 import _migrations, _tables
from .test_reporting_facts import _post, _zoned_site


def _ledger(conn: sa.Connection) -> set[tuple[object, ...]]:
    return {tuple(r) for r in conn.execute(sa.text("SELECT * FROM movements"))}


def test_the_backfill_is_what_the_postings_kept_and_the_downgrade_keeps_the_ledger(empty_url):
    with _migrations(empty_url):
        upgrade(directory=MIGRATIONS)
        z = _zoned_site()
        site, tee = z["site"], item("M19-TEE")
        vendor, scrap = virtual("VENDOR").id, virtual("SCRAP").id
        _post("receipt", tee.id, 20, vendor, z["p1"].id, day_at(3), cost=Decimal("1.10"))
        _post("receipt", tee.id, 5, vendor, site.bin.id, day_at(3, hour=23), z["picker"],
              cost=Decimal("1.30"))  # fmt: skip
        at = day_at(1, hour=7) + timedelta(minutes=44)
        _post("pick", tee.id, 4, z["p1"].id, site.pack.id, at, z["picker"])
        _post("transfer", tee.id, 2, site.bin.id, site.returns.id, at, z["picker"])
        _post("scrap", tee.id, 1, z["p1"].id, scrap, day_at(1), z["picker"], reason="damaged")
        db.session.commit()
        with db.engine.begin() as conn:
            kept, ledger = snapshot(conn), _ledger(conn)
        assert all(kept[t] for t in TABLES)  # not a comparison of empty sets
        db.session.remove()

        downgrade(directory=MIGRATIONS, revision="0018")
        wh = site.warehouse.id
        with db.engine.begin() as conn:
            assert not {*TABLES, "anomaly_acks"} & _tables(conn)
            assert _ledger(conn) == ledger
            # As the demo seed left its warehouse: no warehouse of its own.
            conn.execute(sa.text(f"UPDATE locations SET warehouse_id = NULL WHERE id = {wh}"))

        upgrade(directory=MIGRATIONS, revision="0019")
        with db.engine.begin() as conn:
            assert snapshot(conn) == kept
            own = conn.execute(sa.text(f"SELECT warehouse_id FROM locations WHERE id = {wh}"))
            assert own.scalar() == wh  # a warehouse is its own root again
