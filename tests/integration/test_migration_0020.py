"""Migration 0020 recomputes the workers' quarter-hours so a short pick's write-off (reason
short_pick: units the bin did not have) adds no line and no units to the picker's work,
while the pick still counts; the downgrade puts 0019's figures back, and the ledger and the
movement facts are untouched either way."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.reporting.facts_rebuild import snapshot
from tests.factories import virtual
from tests.suggestion_helpers import day_at, item

from .test_migration_0012 import MIGRATIONS
from .test_migration_0016 import _migrations
from .test_reporting_facts import _post, _zoned_site


def _pick_quarters(conn: sa.Connection) -> list[tuple[int, int, int]]:
    rows = conn.execute(
        sa.text(
            "SELECT postings, lines, units FROM worker_quarters WHERE movement_type = 'pick' "
            "ORDER BY day, quarter"
        )
    )
    return [tuple(r) for r in rows]


def test_a_short_picks_write_off_leaves_the_pickers_units_and_the_downgrade_restores_them(
    empty_url,
):
    with _migrations(empty_url):
        upgrade(directory=MIGRATIONS)
        z = _zoned_site()
        site, tee = z["site"], item("M20-TEE")
        _post("receipt", tee.id, 20, virtual("VENDOR").id, z["p1"].id, day_at(3),
              cost=Decimal("1.10"))  # fmt: skip
        # A short pick: 2 found into the tote, the 5 the bin did not have written off.
        found = MovementLine(tee.id, 2, z["p1"].id, site.pack.id)
        lost = MovementLine(tee.id, 5, z["p1"].id, virtual("INV-ADJ").id,
                            reason_code="short_pick")  # fmt: skip
        post(PostingRequest("pick", (found, lost), actor_id=z["picker"],
                            occurred_at=day_at(1, hour=9)))  # fmt: skip
        # A short that found nothing: still a pick (the walk was made), no units.
        post(PostingRequest("pick", (lost,), actor_id=z["picker"],
                            occurred_at=day_at(1, hour=11)))  # fmt: skip
        db.session.commit()
        with db.engine.begin() as conn:
            kept = snapshot(conn)
            assert _pick_quarters(conn) == [(1, 1, 2), (1, 0, 0)]
        db.session.remove()

        downgrade(directory=MIGRATIONS, revision="0019")
        with db.engine.begin() as conn:
            assert _pick_quarters(conn) == [(1, 2, 7), (1, 1, 5)]  # 0019's rule
            assert snapshot(conn)["movement_day_facts"] == kept["movement_day_facts"]

        upgrade(directory=MIGRATIONS, revision="0020")
        with db.engine.begin() as conn:
            assert snapshot(conn) == kept
