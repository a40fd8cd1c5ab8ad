"""Releasing waves: which orders go, from which bins, bound to which reservations."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from scanfloor.allocation.models import OrderEvent, Reservation
from scanfloor.extensions import db
from scanfloor.picking.errors import NothingToRelease
from scanfloor.picking.models import PickLine, PickTask, Wave, WaveOrder
from scanfloor.picking.wave_candidates import ship_by
from scanfloor.picking.wave_service import (
    preview_wave,
    release_due_waves,
    release_wave,
    wave_rules,
)
from tests.factories import ledger_snapshot
from tests.picking_helpers import (
    active_reservations,
    add_channel,
    allocated_order,
    order_line_statuses,
    stock_item,
    stocked_warehouse,
)

T0 = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


def _lines(wave_id: int) -> list[Any]:
    db.session.commit()
    return list(
        db.session.execute(
            select(PickLine).where(PickLine.wave_id == wave_id).order_by(PickLine.id)
        ).scalars()
    )


def _reserved_rows() -> list[tuple[int, int, int, str]]:
    db.session.commit()
    rows = db.session.execute(
        select(Reservation.id, Reservation.order_line_id, Reservation.quantity, Reservation.status)
    ).all()
    return sorted(tuple(r) for r in rows)  # type: ignore[misc]


def test_release_takes_the_most_urgent_orders_up_to_the_cap(app, users):
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 50})
    late = allocated_order(floor, [(it, 1)], ordered_at=T0)
    urgent = allocated_order(floor, [(it, 1)], ordered_at=T0 - timedelta(hours=5))
    promised = allocated_order(floor, [(it, 1)], ordered_at=T0, promised=date(2029, 12, 31))

    wave = release_wave(
        floor.wh.id, wave_rules(mode="single", max_orders=2), actor_id=users["supervisor"].id
    )

    assert [o.order.id for o in sorted(wave.orders, key=lambda o: o.task_id or 0)] == [
        promised.id,
        urgent.id,
    ]
    assert wave.order_count == 2
    assert order_line_statuses(late.id) == ["allocated"]
    # Claims follow urgency: the promised order's task comes first.
    assert [t.priority for t in wave.tasks] == sorted(t.priority for t in wave.tasks)


def test_release_binds_each_pick_line_to_the_reservation_it_consumes(app, users):
    floor = stocked_warehouse()
    a = stock_item(floor, {"A-2": 3, "B-1": 10})
    b = stock_item(floor, {"A-1": 4})
    order = allocated_order(floor, [(a, 5), (b, 2)])
    held = {line: res for res, line, _lot, _q in active_reservations(order.id)}

    wave = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["supervisor"].id)

    lines = _lines(wave.id)
    assert {(pl.order_line_id, pl.reservation_id) for pl in lines} == set(held.items())
    # Fewest bins: the 5 come from B-1 alone, though A-2 is earlier on the walk.
    by_item = {(pl.item_id, pl.location_id): pl.quantity for pl in lines}
    assert by_item == {(a.id, floor.bin("B-1").id): 5, (b.id, floor.bin("A-1").id): 2}
    assert [pl.seq for pl in sorted(lines, key=lambda p: p.seq)] == [1, 2]
    task = wave.tasks[0]
    assert task.lines == 2 and task.units == 7 and task.status == "open"


def test_released_lines_keep_their_reservations_and_record_the_transition(app, users):
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 10})
    order = allocated_order(floor, [(it, 4)])
    before_res = _reserved_rows()
    before_ledger = ledger_snapshot()

    wave = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["supervisor"].id)

    assert order_line_statuses(order.id) == ["released"]
    assert _reserved_rows() == before_res
    assert ledger_snapshot() == before_ledger
    events = db.session.execute(
        select(OrderEvent.order_line_id, OrderEvent.from_status, OrderEvent.to_status).where(
            OrderEvent.order_id == order.id, OrderEvent.to_status == "released"
        )
    ).all()
    assert len(events) == 2  # the line and the order
    assert all(e.from_status == "allocated" for e in events)
    assert wave.status == "released"


def test_an_order_already_in_an_open_wave_is_not_released_again(app, users):
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 10})
    allocated_order(floor, [(it, 1)])
    release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["supervisor"].id)

    with pytest.raises(NothingToRelease):
        release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["supervisor"].id)


def test_fefo_item_is_picked_from_the_reserved_lot(app, users):
    floor = stocked_warehouse()
    it = stock_item(
        floor,
        lots={"LATE": date(2031, 1, 1), "SOON": date(2030, 6, 1)},
        lot_stock={("A-1", "LATE"): 10, ("B-3", "SOON"): 3, ("B-2", "SOON"): 2},
    )
    order = allocated_order(floor, [(it, 4)])

    wave = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["supervisor"].id)

    got = sorted((pl.lot_id, pl.location_id, pl.quantity) for pl in _lines(wave.id))
    soon = it.lots["SOON"].id
    # The first-expiring lot (as reserved); no bin holds 4, so the fullest first.
    assert got == sorted([(soon, floor.bin("B-3").id, 3), (soon, floor.bin("B-2").id, 1)])
    assert {lot for _r, _l, lot, _q in active_reservations(order.id)} == {soon}


def test_a_bin_is_never_planned_beyond_its_stock_less_open_picks(app, users):
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 5, "B-3": 5})
    first = allocated_order(floor, [(it, 4)])
    w1 = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["supervisor"].id)
    second = allocated_order(floor, [(it, 4)])

    w2 = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["supervisor"].id)

    planned: dict[int, int] = {}
    for pl in _lines(w1.id) + _lines(w2.id):
        planned[pl.location_id] = planned.get(pl.location_id, 0) + pl.quantity
    assert all(q <= 5 for q in planned.values()), planned
    assert sum(planned.values()) == 8
    assert {o.order.id for o in w1.orders} == {first.id}
    assert {o.order.id for o in w2.orders} == {second.id}


def test_an_order_whose_stock_left_the_bins_is_skipped_not_released_half(app, users):
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 5})
    other = stock_item(floor, {"A-2": 5})
    broken = allocated_order(floor, [(it, 5), (other, 1)])
    fine = allocated_order(floor, [(other, 2)])
    # After allocation the bin's units are stacked onto a pallet in that bin: allocation
    # still counts them (same sellable bin), a picker cannot take loose units from it.
    from scanfloor.catalog.containers_service import create_container
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    bin_id = floor.bin("A-1").id
    pallet = create_container(code="PAL-1", kind="pallet", location_id=bin_id)
    line = MovementLine(
        item_id=it.id,
        quantity=3,
        from_location_id=bin_id,
        to_location_id=bin_id,
        to_container_id=pallet.id,
    )
    post(PostingRequest(movement_type="transfer", lines=(line,)))
    held = active_reservations(broken.id)

    wave = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["supervisor"].id)

    assert {o.order.id for o in wave.orders} == {fine.id}
    assert [(s.order.id, s.reason) for s in wave.skipped] == [(broken.id, "stock_not_in_bins")]
    assert order_line_statuses(broken.id) == ["allocated", "allocated"]
    assert active_reservations(broken.id) == held
    assert all(pl.order_id == fine.id for pl in _lines(wave.id))


def test_preview_shows_exactly_what_release_creates(app, users):
    floor = stocked_warehouse(totes=0)
    items = [stock_item(floor, {"A-1": 20, "B-2": 20}) for _ in range(3)]
    for n in range(7):
        allocated_order(floor, [(items[n % 3], 1 + n % 2), (items[(n + 1) % 3], 1)])
    rules = wave_rules(mode="cluster", orders_per_picker=3, max_orders=6)

    preview = preview_wave(floor.wh.id, rules)
    wave = release_wave(floor.wh.id, rules, actor_id=users["supervisor"].id)

    assert preview.orders == wave.order_count == 6
    assert preview.lines == wave.line_count == len(_lines(wave.id))
    assert preview.units == wave.unit_count
    assert preview.tasks == len(wave.tasks) == 2
    assert preview.path_length == wave.path_length
    assert sorted(preview.order_ids) == sorted(o.order.id for o in wave.orders)


def test_ship_by_is_the_earlier_of_service_level_and_promised_date():
    ordered = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
    assert ship_by(ordered, 24, None) == datetime(2030, 3, 2, 10, 0, tzinfo=UTC)
    assert ship_by(ordered, 72, date(2030, 3, 2)).date() == date(2030, 3, 2)
    assert ship_by(ordered, None, None) is None


def test_a_partly_allocated_order_ships_its_complete_lines_and_the_rest_waits(app, users):
    floor = stocked_warehouse(allow_partial_shipment=True)
    strict = add_channel(floor, "STRICT", allow_partial_shipment=False)
    it = stock_item(floor, {"A-1": 3})
    missing = stock_item(floor)
    partial = allocated_order(floor, [(it, 1), (missing, 5)])
    whole = allocated_order(floor, [(it, 2)], channel=strict)

    wave = release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["supervisor"].id)

    assert {o.order.id for o in wave.orders} == {partial.id, whole.id}
    assert order_line_statuses(partial.id) == ["released", "backordered"]
    assert order_line_statuses(whole.id) == ["released"]
    assert {pl.order_line_id for pl in _lines(wave.id) if pl.order_id == partial.id} == {
        partial.lines[0].id
    }


def _race_release(app: Any, warehouse_id: int, user_id: int, n: int) -> list[Any]:
    barrier = threading.Barrier(n)
    answers: list[Any] = [None] * n

    def run(i: int) -> None:
        with app.app_context():
            barrier.wait(timeout=60)
            try:
                answers[i] = release_wave(
                    warehouse_id, wave_rules(mode="cluster"), actor_id=user_id
                )
            except Exception as exc:  # collected: NothingToRelease is a fair answer
                answers[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return answers


def test_concurrent_releases_never_put_an_order_in_two_open_waves(app, users):
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 100, "B-1": 100})
    orders = [allocated_order(floor, [(it, 2)]).id for _ in range(12)]
    wh_id, user_id = floor.wh.id, users["supervisor"].id
    db.session.commit()

    answers = _race_release(app, wh_id, user_id, 4)

    waves = [a for a in answers if not isinstance(a, Exception)]
    refused = [a for a in answers if isinstance(a, Exception)]
    assert waves and all(isinstance(a, NothingToRelease) for a in refused), refused
    db.session.commit()
    rows = db.session.execute(select(WaveOrder.order_id, func.count()).group_by(WaveOrder.order_id))
    counts = {int(o): int(n) for o, n in rows}
    assert counts == {o: 1 for o in orders}
    planned = db.session.scalar(select(func.sum(PickLine.quantity)))
    assert planned == 24


def test_scheduled_release_runs_once_per_slot(app):
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 50})
    allocated_order(floor, [(it, 1)])
    schedule = "WEB=*/30|single"

    first = release_due_waves(datetime(2030, 1, 1, 9, 5, tzinfo=UTC), schedule)
    allocated_order(floor, [(it, 1)])
    same_slot = release_due_waves(datetime(2030, 1, 1, 9, 29, tzinfo=UTC), schedule)
    next_slot = release_due_waves(datetime(2030, 1, 1, 9, 31, tzinfo=UTC), schedule)

    assert [w.order_count for w in first] == [1]
    assert first[0].released_via == "schedule:WEB"
    assert same_slot == []
    assert [w.order_count for w in next_slot] == [1]


def test_cli_release_due_releases_the_due_waves(app, monkeypatch):
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 50})
    order = allocated_order(floor, [(it, 1)])
    monkeypatch.setenv("SCANFLOOR_WAVE_SCHEDULE", "WEB=09:00;13:00|single")
    from scanfloor.cli import main

    result = CliRunner().invoke(
        main, ["waves", "release-due", "--at", "2030-01-01T13:10:00+00:00"], obj=_script(app)
    )

    assert result.exit_code == 0, result.output
    assert "1 wave(s) released" in result.output
    assert order_line_statuses(order.id) == ["released"]
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Wave)) == 1
    assert db.session.scalar(select(func.count()).select_from(PickTask)) == 1


def _script(app: Any) -> Any:
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)
