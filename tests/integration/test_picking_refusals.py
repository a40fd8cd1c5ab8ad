"""A pick scan that does not fit its line is refused with its code, and changes nothing:
not the ledger, not a reservation, not a pick line, not the tote's binding."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from scanfloor.catalog.items_service import PackSpec, create_item
from scanfloor.catalog.lots_service import create_lot
from scanfloor.errors import ScanfloorError
from scanfloor.picking.pick_service import PickScan, confirm_pick
from tests.factories import ledger_snapshot
from tests.picking_helpers import (
    StockedItem,
    allocated_order,
    receive_into,
    stock_item,
    stocked_warehouse,
)
from tests.picking_released import (
    assert_books_balance,
    pick_line_rows,
    released_task,
    reservation_rows,
    tote_of,
)

GTIN = "09506000134352"


@pytest.fixture
def floor(app: Any) -> Any:
    return stocked_warehouse()


@pytest.fixture
def picking(floor: Any, users: Any) -> dict[str, Any]:
    """Order of 5 of an item in A-1, released into a task the worker holds."""
    it = stock_item(floor, {"A-1": 10, "B-1": 10})
    other = stock_item(floor, {"A-2": 10})
    order = allocated_order(floor, [(it, 5)])
    rel = released_task(floor, [order], picker=users["worker"])
    return {"item": it, "other": other, "order": order, "rel": rel, "worker": users["worker"]}


def _scan(p: dict[str, Any], **kw: Any) -> PickScan:
    rel = p["rel"]
    base = dict(
        task_id=rel.task_id,
        line_id=rel.line_ids[0],
        bin="A-1",
        item=p["item"].each_barcode,
        quantity=2,
        tote="TOTE-1",
    )
    base.update(kw)
    return PickScan(**base)


def _refused(scan: PickScan, actor_id: int, code: str, status: int) -> ScanfloorError:
    before = (ledger_snapshot(), reservation_rows(), pick_line_rows())
    with pytest.raises(ScanfloorError) as err:
        confirm_pick(scan, actor_id=actor_id, idempotency_key=f"refused-{code}")
    assert (err.value.code, err.value.status) == (code, status), err.value.to_dict()
    assert (ledger_snapshot(), reservation_rows(), pick_line_rows()) == before
    assert_books_balance()
    return err.value


def test_a_pick_from_another_bin_is_refused(picking):
    err = _refused(_scan(picking, bin="B-1"), picking["worker"].id, "wrong_location", 422)
    assert err.details["expected"]["code"] == "A-1"


def test_a_pick_of_another_item_is_refused(picking):
    _refused(
        _scan(picking, item=picking["other"].each_barcode), picking["worker"].id, "wrong_item", 422
    )


def test_picking_more_than_the_line_needs_is_refused(picking):
    err = _refused(_scan(picking, quantity=6), picking["worker"].id, "over_pick", 409)
    assert err.details["remaining"] == 5


def test_picking_a_line_of_someone_elses_task_is_refused(picking, users):
    _refused(_scan(picking), users["supervisor"].id, "task_not_yours", 403)


def test_a_tote_holding_another_open_order_is_refused(floor, picking, users):
    it = picking["item"]
    other_order = allocated_order(floor, [(it, 1)])
    other = released_task(floor, [other_order], picker=users["manager"])
    confirm_pick(
        PickScan(other.task_id, other.line_ids[0], "A-1", it.each_barcode, 1, "TOTE-1"),
        actor_id=users["manager"].id,
    )

    _refused(_scan(picking, tote="TOTE-1"), picking["worker"].id, "wrong_tote", 422)

    assert tote_of(picking["rel"].wave_id, picking["order"].id) is None


def test_a_second_tote_for_one_order_is_refused(picking):
    confirm_pick(_scan(picking, quantity=1, tote="TOTE-2"), actor_id=picking["worker"].id)

    _refused(_scan(picking, quantity=1, tote="TOTE-3"), picking["worker"].id, "wrong_tote", 422)


def test_a_line_picked_in_full_takes_no_more_picks(picking):
    confirm_pick(_scan(picking, quantity=5), actor_id=picking["worker"].id)

    _refused(_scan(picking, quantity=1), picking["worker"].id, "pick_line_closed", 409)


def _lot_item(floor: Any) -> StockedItem:
    made = create_item(
        sku="FEFO-1",
        name="Yoghurt",
        tracking="lot",
        expiry_tracked=True,
        packs=[PackSpec("each", 1, (GTIN,))],
    )
    early = create_lot(made.id, code="L-EARLY", expiry=date(2030, 1, 31))
    late = create_lot(made.id, code="L-LATE", expiry=date(2031, 6, 30))
    receive_into(made.id, floor.bin("A-3").id, 4, lot_id=early.id)
    receive_into(made.id, floor.bin("B-2").id, 4, lot_id=late.id)
    return StockedItem(made, GTIN, GTIN, 1, {"L-EARLY": early, "L-LATE": late})


def test_a_gs1_scan_of_another_lot_is_refused(floor, users):
    it = _lot_item(floor)
    order = allocated_order(floor, [(it, 2)])
    rel = released_task(floor, [order], picker=users["worker"])
    wrong = f"(01){GTIN}(10)L-LATE(17)310630"

    err = _refused(
        PickScan(rel.task_id, rel.line_ids[0], "A-3", wrong, 1, "TOTE-1"),
        users["worker"].id,
        "wrong_lot",
        422,
    )

    assert err.details["expected"]["lot"] == "L-EARLY"


def test_a_gs1_scan_of_the_lines_lot_is_picked(floor, users):
    it = _lot_item(floor)
    order = allocated_order(floor, [(it, 2)])
    rel = released_task(floor, [order], picker=users["worker"])
    right = f"(01){GTIN}(10)L-EARLY(17)300131"

    got = confirm_pick(
        PickScan(rel.task_id, rel.line_ids[0], "A-3", right, 2, "TOTE-1"),
        actor_id=users["worker"].id,
    )

    assert got.line.status == "picked" and got.line.lot.code == "L-EARLY"
    assert_books_balance()
