"""The reports' daily facts are kept with every posting, in its own transaction: what the
postings kept is what a rebuild from the ledger says, a rolled-back posting leaves nothing,
and each figure is the one facts_models.py defines (on SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from scanfloor.auth.service import create_user
from scanfloor.catalog.models import Location
from scanfloor.database import write_transaction
from scanfloor.errors import InsufficientStock
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.reporting.facts_models import MovementDayFact as F
from scanfloor.reporting.facts_models import WorkerQuarter as Q
from scanfloor.reporting.facts_rebuild import rebuild, snapshot
from tests.factories import make_bin, virtual
from tests.integration.test_demand_projection import _mixed_history
from tests.suggestion_helpers import day_at, item, make_site, receive


def _kept_and_rebuilt() -> tuple[dict[str, Any], dict[str, Any]]:
    """The facts as the postings kept them, and as a rebuild makes them (rolled back)."""
    db.session.rollback()
    conn = db.session.connection()
    kept = snapshot(conn)
    rebuild(conn)
    rebuilt = snapshot(conn)
    db.session.rollback()
    return kept, rebuilt


def _post(kind, item_id, qty, src, dst, at, actor=None, reason=None, cost=None):
    line = MovementLine(item_id, qty, src, dst, unit_cost=cost, reason_code=reason)
    post(PostingRequest(kind, (line,), actor_id=actor, occurred_at=at))


_SITES = itertools.count(1)


def _zoned_site() -> dict[str, Any]:
    """A warehouse (its bins A-1, RET-1, PACK-1 straight under it) with a zone PICK holding
    bin P-1, and a worker; codes prefixed anew for each call (Hypothesis examples share one
    database)."""
    p = f"Z{next(_SITES)}"
    site = make_site(p)
    zone = Location(code=f"{p}-PICK", name="Pick zone", level="zone", type="zone",
                    parent_id=site.warehouse.id, warehouse_id=site.warehouse.id)  # fmt: skip
    db.session.add(zone)
    db.session.commit()
    p1 = make_bin(f"{p}-P-1", parent_id=zone.id, warehouse_id=site.warehouse.id)
    db.session.commit()
    picker = create_user(username=f"picker-{p.lower()}", role="worker", password="pw-picker-1")
    return {"site": site, "zone": zone, "p1": p1, "picker": picker.id, "prefix": p}


def test_the_facts_kept_posting_by_posting_are_what_a_rebuild_from_the_ledger_says(app):
    _mixed_history(app)

    kept, rebuilt = _kept_and_rebuilt()

    assert kept == rebuilt
    kinds = {r[3] for r in kept["movement_day_facts"]}
    assert {"receipt", "transfer", "pick", "ship", "scrap", "reversal", "return"} <= kinds


def test_a_bin_to_bin_move_is_out_of_one_bin_and_into_the_other_with_no_value(app):
    site, tee = make_site(), item("TEE")
    receive(site, tee, 10, day_at(3))
    _post("transfer", tee.id, 4, site.bin.id, site.returns.id, day_at(2))

    db.session.rollback()
    rows = db.session.execute(
        select(F.location_id, F.lines, F.units_in, F.units_out, F.value_in, F.value_out).where(
            F.item_id == tee.id, F.movement_type == "transfer"
        )
    ).all()
    assert sorted(tuple(r) for r in rows) == sorted(
        [
            (site.bin.id, 1, 0, 4, Decimal("0"), Decimal("0")),
            (site.returns.id, 1, 4, 0, Decimal("0"), Decimal("0")),
        ]
    )


def test_a_count_loss_is_out_of_its_bin_at_the_value_finance_gave_it_with_its_reason(app):
    site, tee = make_site(), item("TEE")
    _post("receipt", tee.id, 10, virtual("VENDOR").id, site.bin.id, day_at(3), cost=Decimal("2.5"))
    _post("count", tee.id, 3, site.bin.id, virtual("INV-ADJ").id, day_at(1),
          reason="count_loss")  # fmt: skip

    db.session.rollback()
    row = db.session.execute(
        select(F.day, F.lines, F.units_in, F.units_out, F.value_out, F.reason_code).where(
            F.item_id == tee.id, F.movement_type == "count"
        )
    ).one()
    assert tuple(row) == (day_at(1).date(), 1, 0, 3, Decimal("7.5000"), "count_loss")
    receipt = db.session.scalar(
        select(F.value_in).where(F.item_id == tee.id, F.movement_type == "receipt")
    )
    assert receipt == Decimal("25.0000")  # 10 x 2.50


def test_a_workers_postings_count_in_their_quarter_hour_and_zone(app):
    z = _zoned_site()
    site, tee = z["site"], item("TEE")
    receive(site, tee, 50, day_at(2), to=z["p1"])
    receive(site, tee, 5, day_at(2))  # into A-1, straight under the warehouse
    at = day_at(1, hour=9) + timedelta(minutes=20)  # 09:20: quarter 37
    _post("pick", tee.id, 2, z["p1"].id, site.pack.id, at, actor=z["picker"])
    _post("pick", tee.id, 3, z["p1"].id, site.pack.id, at + timedelta(minutes=5), actor=z["picker"])
    _post("transfer", tee.id, 1, site.bin.id, site.returns.id, at, actor=z["picker"])  # no zone

    db.session.rollback()
    rows = db.session.execute(
        select(Q.day, Q.quarter, Q.zone_id, Q.movement_type, Q.postings, Q.lines, Q.units).where(
            Q.actor_id == z["picker"]
        )
    ).all()
    d = at.date()
    assert sorted(tuple(r) for r in rows) == [
        (d, 37, 0, "transfer", 1, 1, 1),
        (d, 37, z["zone"].id, "pick", 2, 2, 5),
    ]
    kept, rebuilt = _kept_and_rebuilt()
    assert kept == rebuilt


class _Refused(Exception):
    pass


def test_a_rolled_back_posting_leaves_no_facts_behind(app):
    site, tee = make_site(), item("TEE")
    receive(site, tee, 10, day_at(3))
    db.session.rollback()
    before = snapshot(db.session.connection())
    db.session.rollback()

    with pytest.raises(_Refused), write_transaction():
        _post("transfer", tee.id, 4, site.bin.id, site.returns.id, day_at(1))
        raise _Refused

    db.session.rollback()
    assert snapshot(db.session.connection()) == before
    db.session.rollback()


# --- any run of postings ---------------------------------------------------------------------

# "short": a short pick's write-off (a pick posting, reason short_pick, no work in hand).
_KINDS = ("transfer", "pick", "ship", "scrap", "count", "receipt", "short")
_step = st.tuples(
    st.sampled_from(_KINDS),
    st.integers(min_value=1, max_value=6),  # quantity
    st.integers(min_value=0, max_value=4),  # days ago
    st.integers(min_value=0, max_value=23),  # hour
    st.booleans(),  # posted by the worker (else by nobody)
    st.integers(min_value=0, max_value=2),  # which bin it starts from
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(_step, min_size=1, max_size=14))
def test_after_any_run_of_postings_the_facts_equal_a_rebuild_from_the_ledger(app, steps):
    db.session.rollback()
    z = _zoned_site()
    site, tee = z["site"], item(f"{z['prefix']}-TEE")
    bins = [site.bin.id, z["p1"].id, site.returns.id]
    for b in bins:
        _post("receipt", tee.id, 30, virtual("VENDOR").id, b, day_at(6), cost=Decimal("1.25"))
    places = {
        "transfer": lambda b: bins[(bins.index(b) + 1) % 3],
        "pick": lambda b: site.pack.id,
        "ship": lambda b: virtual("CUSTOMER").id,
        "scrap": lambda b: virtual("SCRAP").id,
        "count": lambda b: virtual("INV-ADJ").id,
        "short": lambda b: virtual("INV-ADJ").id,
    }
    for kind, qty, ago, hour, by_worker, start in steps:
        actor = z["picker"] if by_worker else None
        at = day_at(ago, hour=hour)
        src = bins[start]
        try:
            if kind == "receipt":
                _post(kind, tee.id, qty, virtual("VENDOR").id, src, at, actor, cost=Decimal("2"))
            elif kind == "short":
                _post("pick", tee.id, qty, src, places[kind](src), at, actor, reason="short_pick")
            else:
                _post(kind, tee.id, qty, src, places[kind](src), at, actor, reason="r1")
        except InsufficientStock:
            db.session.rollback()

    kept, rebuilt = _kept_and_rebuilt()
    assert kept == rebuilt
