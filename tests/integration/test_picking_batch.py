"""A batch of picks (a scanner's queue, a cart picked offline) is one transaction and one
posting: every scan is checked as a single pick is, and one bad scan refuses them all."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.allocation.models import OrderLine, Reservation
from scanfloor.errors import ScanfloorError
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement, Posting
from scanfloor.picking.batch_service import confirm_picks
from scanfloor.picking.models import PickLine, PickTask
from scanfloor.picking.pick_service import PickScan
from tests.factories import ledger_snapshot
from tests.picking_helpers import allocated_order, stock_item, stocked_warehouse
from tests.picking_released import (
    assert_books_balance,
    bulk_task,
    pick_line_rows,
    released_task,
    reservation_rows,
)


@pytest.fixture
def floor(app: Any) -> Any:
    return stocked_warehouse()


def test_a_batch_of_1000_picks_posts_in_one_posting(floor, users):
    worker = users["worker"]
    task_id, scans = bulk_task(floor, 1000, picker=worker)
    postings = db.session.scalar(select(func.count()).select_from(Posting))

    started = time.perf_counter()
    got = confirm_picks(task_id, scans, actor_id=worker.id, idempotency_key="cart-1")
    took = time.perf_counter() - started

    assert (got.lines, got.units) == (1000, 1000)
    assert got.task.status == "done" and got.task.lines_open == 0 and got.next_line_id is None
    assert db.session.scalar(select(func.count()).select_from(Posting)) == postings + 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(Movement).where(Movement.posting_id == got.posting_id)
        )
        == 1000
    )
    assert set(db.session.scalars(select(PickLine.status).where(PickLine.task_id == task_id))) == {
        "picked"
    }
    assert set(db.session.scalars(select(OrderLine.status))) == {"picked"}
    assert (
        db.session.scalar(
            select(func.count()).select_from(Reservation).where(Reservation.status == "active")
        )
        == 0
    )
    assert db.session.get(PickTask, task_id).status == "done"
    assert_books_balance()
    print(f"\n1000-line batch: {took * 1000:.0f} ms")  # informal; bench/ measures it


def test_one_bad_scan_refuses_the_whole_batch_and_changes_nothing(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 5, "A-2": 5})
    order = allocated_order(floor, [(it, 8)])
    rel = released_task(floor, [order], picker=worker)
    a, b = rel.line_ids
    scans = [
        PickScan(rel.task_id, a, "A-1", it.each_barcode, 5, "TOTE-1"),
        PickScan(rel.task_id, b, "A-1", it.each_barcode, 3, "TOTE-1"),  # b is in A-2
    ]
    before = (ledger_snapshot(), reservation_rows(), pick_line_rows())

    with pytest.raises(ScanfloorError) as err:
        confirm_picks(rel.task_id, scans, actor_id=worker.id)

    assert err.value.code == "wrong_location" and err.value.details["pick"] == 1
    assert (ledger_snapshot(), reservation_rows(), pick_line_rows()) == before


def test_a_batch_counts_earlier_scans_of_the_same_line_against_what_it_needs(floor, users):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 10})
    order = allocated_order(floor, [(it, 4)])
    rel = released_task(floor, [order], picker=worker)
    scan = PickScan(rel.task_id, rel.line_ids[0], "A-1", it.each_barcode, 3, "TOTE-1")
    before = (ledger_snapshot(), reservation_rows(), pick_line_rows())

    with pytest.raises(ScanfloorError) as err:
        confirm_picks(rel.task_id, [scan, scan], actor_id=worker.id)

    assert err.value.code == "over_pick" and err.value.details["pick"] == 1
    assert (ledger_snapshot(), reservation_rows(), pick_line_rows()) == before


def test_a_replayed_batch_posts_nothing(floor, users, client, auth):
    worker = users["worker"]
    it = stock_item(floor, {"A-1": 10})
    order = allocated_order(floor, [(it, 4)])
    rel = released_task(floor, [order], picker=worker)
    body = {
        "client_scan_id": "cart-7",
        "picks": [
            {
                "line_id": rel.line_ids[0],
                "bin": "A-1",
                "item": it.each_barcode,
                "quantity": 1,
                "tote": "TOTE-1",
            },
            {
                "line_id": rel.line_ids[0],
                "bin": "A-1",
                "item": it.each_barcode,
                "quantity": 3,
                "tote": "TOTE-1",
            },
        ],
    }
    url = f"/api/v1/pick-tasks/{rel.task_id}/picks/batch"

    r = client.post(url, json=body, headers=auth("worker"))
    after = ledger_snapshot()
    again = client.post(url, json=body, headers=auth("worker"))

    assert r.status_code == 200, r.get_json()
    assert r.get_json()["lines"] == 2 and r.get_json()["units"] == 4
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    assert ledger_snapshot() == after
    assert_books_balance()
