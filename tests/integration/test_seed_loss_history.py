"""The demo's six weeks of shelf losses (seed/loss_history.py): the weekly shrink trend has
weeks to show, and the anomaly dashboard flags the two things planted in it, the leak's
scrap and the bin found a unit short again and again, with nothing else on those bins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.catalog.models import Item, Location
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from scanfloor.reporting.filter_rules import Filters
from scanfloor.reporting.report_service import run_report
from scanfloor.seed.loss_history import DAYS, PATTERN_DAYS, WATER_DAMAGE
from scanfloor.timeutil import as_utc, utcnow


@pytest.fixture
def seeded(app: Any) -> str:
    from scanfloor.seed.demo import seed_demo

    return seed_demo()


def _last(days: int) -> Filters:
    today = utcnow().date()
    return Filters(date_from=today - timedelta(days=days - 1), date_to=today)


def test_the_demo_leak_and_the_shrink_pattern_are_flagged_on_the_default_view(seeded):
    leak = db.session.execute(
        select(Location.code, Item.sku, Movement.quantity)
        .join(Location, Location.id == Movement.from_location_id)
        .join(Item, Item.id == Movement.item_id)
        .where(Movement.reason_code == "water_damage")
    ).one()
    assert leak.quantity == WATER_DAMAGE
    flagged = {r.label for r in run_report("unusual_losses", "supervisor", _last(28), None).rows}
    assert f"location {leak.code}: scraps" in flagged
    assert f"item {leak.sku}: scraps" in flagged

    patterns = run_report("repeated_small_losses", "supervisor", _last(28), None).rows
    (pattern,) = [p for p in patterns if p.cells["losses"] >= len(PATTERN_DAYS) - 1]
    short_days = {
        as_utc(at).date()
        for at in db.session.scalars(
            select(Movement.occurred_at)
            .join(Location, Location.id == Movement.from_location_id)
            .where(Location.code == pattern.label, Movement.reason_code == "missing")
        )
    }
    today = utcnow().date()
    assert short_days == {today - timedelta(days=ago) for ago in PATTERN_DAYS}


def test_the_demo_shrink_trend_has_a_row_for_every_week_of_its_history(seeded):
    weeks = run_report("adjustment_trend", "manager", _last(DAYS), None).rows
    assert len(weeks) >= DAYS // 7
    assert sum(w.cells["scrapped_units"] for w in weeks) >= WATER_DAMAGE
