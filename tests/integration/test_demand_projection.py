"""The daily demand projection (purchasing/demand_projection.py) is kept inside every
posting's own transaction: after a history posted through the real services (receipts,
moves, transfers, an order picked, packed and shipped from its carton, a shipment reversed,
a customer return received and restocked) it holds exactly what a rebuild from the
movements says, per warehouse and per channel; a posting that rolls back leaves nothing in
it; postings of one item on one day add up in one row, also when they race. Runs on SQLite
and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.catalog.models import Item, Location
from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.service import reverse_movement
from scanfloor.ledger.writer import post
from scanfloor.purchasing.demand_models import DailyDemand as DD
from scanfloor.purchasing.demand_rebuild import rebuild, snapshot
from scanfloor.returns.capture_service import RmaInput, RmaLineInput, capture_return
from scanfloor.returns.inspect_service import Inspection, inspect_return
from scanfloor.returns.queries import rma_view
from scanfloor.returns.receive_service import ReturnScan, receive_return
from tests.factories import make_bin_in, make_warehouse, virtual
from tests.integration.test_ledger_concurrency import race
from tests.returns_helpers import return_site, scanned_item, shipped_order
from tests.suggestion_helpers import day_at, item, make_site, move, receive, today


def _kept_and_rebuilt() -> tuple[dict[str, Any], dict[str, Any]]:
    """The projection as the postings kept it, and as a rebuild from the movements makes it
    (the rebuild is rolled back: it only answers)."""
    db.session.rollback()
    conn = db.session.connection()
    kept = snapshot(conn)
    rebuild(conn)
    rebuilt = snapshot(conn)
    db.session.rollback()
    return kept, rebuilt


def _day_row(warehouse_id: int, item_id: int, at: datetime) -> tuple[int, ...] | None:
    """(shipped, ships, returned, net) of the demand_days row of `at`'s UTC day, None if
    there is none."""
    db.session.rollback()
    found = db.session.execute(
        select(DD.shipped, DD.ships, DD.returned, DD.net).where(
            DD.warehouse_id == warehouse_id,
            DD.item_id == item_id,
            DD.day == at.astimezone(UTC).date(),
        )
    ).one_or_none()
    db.session.rollback()
    return None if found is None else tuple(int(v) for v in found)


def _days_of(item_id: int) -> list[Any]:
    """The days of every demand_days row of the item, in any warehouse."""
    db.session.rollback()
    got = list(db.session.scalars(select(DD.day).where(DD.item_id == item_id).order_by(DD.day)))
    db.session.rollback()
    return got


def _all_rows() -> list[tuple[Any, ...]]:
    """Every demand_days row as stored, rows of zeros too."""
    db.session.rollback()
    got = db.session.execute(select(DD).order_by(DD.warehouse_id, DD.day, DD.item_id)).all()
    rows = [
        (d.warehouse_id, d.day, d.item_id, d.shipped, d.ships, d.returned, d.net) for (d,) in got
    ]
    db.session.rollback()
    return rows


# --- the kept projection is the rebuild -----------------------------------------------------


def _mixed_history(app: Any) -> dict[str, Any]:
    """A warehouse's history through the real services, on several days (module docstring)."""
    rs = return_site(app)
    far = make_warehouse("FAR")
    far_bin = make_bin_in(far, "FAR-1")
    tee = scanned_item(rs, 20)  # received into A-1 today
    cap = scanned_item(rs, 10)
    tee_row, cap_row = db.session.get(Item, tee.id), db.session.get(Item, cap.id)
    a1, restock_bin = rs.site.bin, db.session.get(Location, rs.restock.id)
    pack, customer = rs.site.pack_station, virtual("CUSTOMER")

    # Days gone by: receipts, bin-to-bin, a transfer to another warehouse, a ship posted
    # without a carton (no channel to tell), a pick, a scrap out of the sellable stock.
    move("receipt", tee_row, 30, virtual("VENDOR"), a1, day_at(5))
    move("transfer", tee_row, 6, a1, restock_bin, day_at(4))  # bin to bin: nets 0
    move("transfer", tee_row, 4, a1, far_bin, day_at(4))
    move("pick", tee_row, 5, a1, pack, day_at(3))
    move("ship", tee_row, 5, pack, customer, day_at(3, hour=14))
    move("ship", tee_row, 2, far_bin, customer, day_at(2))  # the other warehouse's demand
    move("scrap", cap_row, 1, a1, virtual("SCRAP"), day_at(2))
    # Late evening in New York is the next UTC day: both sides must put it on that day.
    new_york = timezone(timedelta(hours=-5))
    evening = datetime.combine(today() - timedelta(days=3), time(21, 30), tzinfo=new_york)
    move("pick", cap_row, 2, a1, pack, evening)

    # Today, through the flows: two orders picked, packed and shipped from their cartons.
    first = shipped_order(rs, [(tee, 3), (cap, 2)])
    shipped_order(rs, [(tee, 1)])
    db.session.rollback()
    undone = db.session.scalars(
        select(Movement.id)
        .where(Movement.movement_type == "ship", Movement.item_id == tee.id)
        .order_by(Movement.id.desc())
    ).first()
    assert undone is not None
    reverse_movement(undone)  # the second order's shipment taken back

    # A customer return of the first order: received at the desk, inspected sellable.
    rma = capture_return(
        RmaInput(channel=rs.channel, order_id=first.id, lines=[RmaLineInput(2, sku=tee.sku)])
    ).rma
    receive_return(ReturnScan(rma.id, tee.each, 2), actor_id=None)
    line_id = rma_view(rma.id).lines[0].id
    db.session.rollback()
    inspect_return(
        Inspection(rma.id, line_id, 2, "sellable", "full", location=rs.restock.code),
        actor_id=None,
    )
    return {"rs": rs, "far": far, "tee": tee, "cap": cap}


def _channel_id(code: str) -> int:
    from scanfloor.allocation.models import Channel

    found = db.session.scalar(select(Channel.id).where(Channel.code == code))
    assert found is not None
    return int(found)


def test_the_projection_kept_posting_by_posting_is_what_a_rebuild_from_the_ledger_says(app):
    h = _mixed_history(app)

    kept, rebuilt = _kept_and_rebuilt()

    assert kept == rebuilt
    # Both warehouses, several days, both tables: the comparison is not of empty sets.
    assert {r[0] for r in kept["demand_days"]} == {h["rs"].warehouse.id, h["far"].id}
    assert len({r[1] for r in kept["demand_days"]}) == 5
    assert len(kept["channel_demand_days"]) == 2


def test_shipped_and_restocked_units_count_for_the_order_and_return_channel(app):
    h = _mixed_history(app)
    wh, tee, cap = h["rs"].warehouse.id, h["tee"].id, h["cap"].id
    web = _channel_id(h["rs"].channel)
    day = today().isoformat()

    kept, _ = _kept_and_rebuilt()

    # tee: 3 shipped on the first order, 1 on the second, taken back; 2 restocked from the
    # first order's return. cap: 2 shipped. Units shipped without a carton have no channel.
    assert kept["channel_demand_days"] == {
        (wh, day, tee, web, 3, 2),
        (wh, day, cap, web, 2, 0),
    }
    today_rows = {r[2]: r[3:] for r in kept["demand_days"] if r[0] == wh and r[1] == day}
    # (shipped, ships, returned, net): tee received 20, picked 3 + 1, restocked 2.
    assert today_rows[tee] == (3, 2, 2, 20 - 3 - 1 + 2)
    assert today_rows[cap] == (2, 1, 0, 10 - 2)


def test_the_warehouse_figures_of_days_gone_by_are_kept_per_warehouse(app):
    h = _mixed_history(app)
    wh, far, tee, cap = h["rs"].warehouse.id, h["far"].id, h["tee"].id, h["cap"].id

    assert _day_row(wh, tee, day_at(5)) == (0, 0, 0, 30)
    assert _day_row(wh, tee, day_at(4)) == (0, 0, 0, -4)  # the bin-to-bin move nets 0
    assert _day_row(far, tee, day_at(4)) == (0, 0, 0, 4)
    assert _day_row(wh, tee, day_at(3)) == (5, 1, 0, -5)
    assert _day_row(far, tee, day_at(2)) == (2, 1, 0, -2)
    # The scrap of 1, and the pick of 2 at 21:30 in New York the day before: 02:30 UTC.
    assert _day_row(wh, cap, day_at(2)) == (0, 0, 0, -1 - 2)
    assert _day_row(wh, cap, day_at(3)) is None


# --- rollback -------------------------------------------------------------------------------


class _Refused(Exception):
    pass


def test_a_rolled_back_posting_leaves_no_demand_behind(app):
    site, tee = make_site(), item("TEE")
    receive(site, tee, 20, day_at(5))
    move("ship", tee, 2, site.bin, virtual("CUSTOMER"), day_at(1))
    before = _all_rows()

    with pytest.raises(_Refused), write_transaction():
        move("ship", tee, 3, site.bin, virtual("CUSTOMER"), day_at(1))
        move("transfer", tee, 4, site.bin, site.returns, day_at(3))
        raise _Refused

    assert _all_rows() == before
    assert _day_row(site.warehouse.id, tee.id, day_at(1)) == (2, 1, 0, -2)


def test_a_rolled_back_posting_is_not_written_by_the_next_transaction_to_commit(app):
    site, tee = make_site(), item("TEE")
    receive(site, tee, 20, day_at(5))

    with pytest.raises(_Refused), write_transaction():
        move("ship", tee, 3, site.bin, virtual("CUSTOMER"), day_at(1))
        raise _Refused
    move("ship", tee, 1, site.bin, virtual("CUSTOMER"), day_at(1))

    assert _day_row(site.warehouse.id, tee.id, day_at(1)) == (1, 1, 0, -1)
    kept, rebuilt = _kept_and_rebuilt()
    assert kept == rebuilt


# --- one row per item and day ---------------------------------------------------------------


def test_two_postings_of_the_same_item_on_the_same_day_add_up_in_one_row(app):
    site, tee = make_site(), item("TEE")
    receive(site, tee, 20, day_at(5))

    move("ship", tee, 2, site.bin, virtual("CUSTOMER"), day_at(1, hour=8))
    move("ship", tee, 3, site.bin, virtual("CUSTOMER"), day_at(1, hour=20))

    assert _day_row(site.warehouse.id, tee.id, day_at(1)) == (5, 2, 0, -5)
    assert _days_of(tee.id) == [day_at(5).date(), day_at(1).date()]
    kept, rebuilt = _kept_and_rebuilt()
    assert kept == rebuilt


def test_postings_in_one_transaction_add_up_in_one_row(app):
    site, tee = make_site(), item("TEE")
    receive(site, tee, 20, day_at(5))

    with write_transaction():
        move("ship", tee, 2, site.bin, virtual("CUSTOMER"), day_at(1, hour=8))
        move("ship", tee, 3, site.bin, virtual("CUSTOMER"), day_at(1, hour=20))
        move("transfer", tee, 4, site.bin, site.returns, day_at(1, hour=21))

    assert _day_row(site.warehouse.id, tee.id, day_at(1)) == (5, 2, 0, -9)


# --- concurrency ----------------------------------------------------------------------------

THREADS = 8
ROUNDS = 3


def test_racing_shipments_of_one_item_on_one_day_all_add_up_in_its_row(app):
    """Each thread has its own app context, session and connection (as separate requests
    do) and ships from its own sellable bin, so the demand row is the only row of the
    projection they share: no upsert may lose another's units, and no transaction may
    deadlock or fail on it. (PostgreSQL: the postings also queue on the ledger's chain head,
    which each holds until its commit; SQLite: on the write lock.) Runs on both."""
    site, tee = make_site(), item("TEE")
    customer = virtual("CUSTOMER").id
    bins = [make_bin_in(site.warehouse, f"RACE-{i}").id for i in range(THREADS)]
    for b in bins:
        receive(site, tee, 100, day_at(5), to=db.session.get(Location, b))
    tee_id, wh = tee.id, site.warehouse.id
    at = day_at(1, hour=10)

    def ship_from_own_bin(i: int) -> int:
        shipped = 0
        for r in range(ROUNDS):
            quantity = 1 + (i + r) % 3
            line = MovementLine(tee_id, quantity, bins[i], customer)
            post(PostingRequest("ship", (line,), occurred_at=at + timedelta(minutes=r)))
            shipped += quantity
        return shipped

    outcome = race(app, ship_from_own_bin, threads=THREADS)

    assert outcome.errors == [], [f"{type(e).__name__}: {e}" for e in outcome.errors]
    assert outcome.refused == []
    total = sum(outcome.results)
    assert _day_row(wh, tee_id, at) == (total, THREADS * ROUNDS, 0, -total)
    kept, rebuilt = _kept_and_rebuilt()
    assert kept == rebuilt
