"""Replenishment rules: when a face needs a task, how much, which source, and move checks."""

from __future__ import annotations

from datetime import date

import pytest

from scanfloor.replenishment.move_rules import (
    BinFacts,
    Holding,
    ScannedItem,
    Take,
    TaskFacts,
    check_move,
    plan_take,
    status_after,
)
from scanfloor.replenishment.rules import (
    FaceRuleError,
    MoveRefused,
    SourceStock,
    case_pack,
    check_face_limits,
    full_cases,
    needs_task,
    next_instruction,
    rank_sources,
    suggest_source,
    supervises,
    task_quantity,
)

WH = 1
FACE = 50


def src(loc: int, qty: int, *, expiry: date | None = None, lot: int | None = None,
        walk: int | None = None, code: str | None = None) -> SourceStock:  # fmt: skip
    return SourceStock(loc, code or f"R-{loc}", walk, lot, expiry, qty)


# --- when and how much -------------------------------------------------------------------


def test_a_face_below_its_min_needs_a_task_and_at_its_min_it_does_not():
    assert needs_task(9, 10) is True
    assert needs_task(10, 10) is False
    assert needs_task(0, 0) is False


def test_a_task_brings_the_face_back_to_its_max():
    assert task_quantity(4, 50) == 46
    assert task_quantity(0, 50) == 50
    assert task_quantity(60, 50) == 0


@pytest.mark.parametrize(("lo", "hi"), [(-1, 5), (5, 5), (6, 5), (0, 10**13)])
def test_a_face_needs_a_min_of_zero_or_more_and_a_max_above_it(lo, hi):
    with pytest.raises(FaceRuleError):
        check_face_limits(lo, hi)
    check_face_limits(0, 1)


def test_the_case_pack_is_the_case_level_above_one_unit():
    assert case_pack([("each", 1), ("case", 12), ("pallet", 480)]) == 12
    assert case_pack([("each", 1), ("inner", 6)]) is None
    assert case_pack([("case", 1)]) is None


def test_full_cases_are_whole_multiples_of_at_least_one_case():
    assert full_cases(24, 12) and full_cases(12, 12)
    assert not full_cases(18, 12) and not full_cases(6, 12) and not full_cases(24, None)


# --- which source ------------------------------------------------------------------------


def test_the_lot_that_expires_first_is_taken_first_and_undated_stock_last():
    later = src(1, 5, expiry=date(2031, 1, 1), lot=1)
    sooner = src(2, 500, expiry=date(2030, 1, 1), lot=2)
    undated = src(3, 1, lot=3)
    assert [s.location_id for s in rank_sources([undated, later, sooner], None)] == [2, 1, 3]


def test_within_one_expiry_full_cases_come_before_a_broken_case():
    broken = src(1, 7)
    whole = src(2, 24)
    assert suggest_source([broken, whole], 12) == whole


def test_without_a_case_pack_the_bin_with_least_stock_is_emptied_first():
    assert suggest_source([src(1, 30), src(2, 8), src(3, 12)], None).location_id == 2


def test_among_full_cases_the_smallest_holding_goes_first_then_the_walk():
    big, small = src(1, 48, walk=5), src(2, 12, walk=90)
    assert rank_sources([big, small], 12)[0] == small
    a, b = src(3, 12, walk=20), src(4, 12, walk=10)
    assert [s.location_id for s in rank_sources([a, b], 12)] == [4, 3]


def test_empty_or_negative_holdings_are_never_a_source():
    assert suggest_source([src(1, 0), src(2, -3)], None) is None


# --- checking a move ---------------------------------------------------------------------


def task(**kw) -> TaskFacts:
    base = dict(task_id=7, status="claimed", claimed_by=11, warehouse_id=WH, item_id=3,
                to_location_id=FACE, to_code="P-1", quantity=20, moved=0)  # fmt: skip
    base.update(kw)
    return TaskFacts(**base)


def bin_(id_: int = 60, **kw) -> BinFacts:
    base = dict(id=id_, code=f"R-{id_}", warehouse_id=WH, level="bin", type="storage",
                sellable=True, is_virtual=False, active=True, is_face=False)  # fmt: skip
    base.update(kw)
    return BinFacts(**base)


FACE_BIN = bin_(FACE, type="pick_face")
STOCK = [Holding(None, None, None, None, 30)]


def move(units: int = 10, *, t: TaskFacts | None = None, source: BinFacts | None = None,
         item: int = 3, holdings=STOCK, dest: BinFacts = FACE_BIN, actor: int | None = 11,
         lot: str | None = None) -> list[Take]:  # fmt: skip
    return check_move(
        t or task(),
        actor_id=actor,
        source=source or bin_(),
        item=ScannedItem(item, units, lot),
        holdings=holdings,
        destination=dest,
    )


def refused(**kw) -> str:
    with pytest.raises(MoveRefused) as exc:
        move(**kw)
    return exc.value.code


def test_a_fitting_move_takes_the_units_from_the_source():
    assert move(10) == [Take(None, None, 10)]


def test_a_move_on_a_task_not_claimed_by_the_scanner_is_refused():
    assert refused(actor=12) == "task_not_yours"
    assert refused(t=task(status="open", claimed_by=None)) == "task_not_yours"
    assert refused(t=task(status="done")) == "task_closed"


@pytest.mark.parametrize(
    "source",
    [
        bin_(type="pick_face"),
        bin_(is_face=True),
        bin_(warehouse_id=2),
        bin_(sellable=False, type="quarantine"),
        bin_(active=False),
        bin_(level="zone"),
    ],
)
def test_a_source_that_is_no_reserve_bin_of_the_warehouse_is_refused(source):
    assert refused(source=source) == "wrong_source"


def test_another_item_is_refused_before_anything_about_stock():
    assert refused(item=4, holdings=[]) == "wrong_item"


def test_a_source_holding_none_of_the_item_is_refused():
    assert refused(holdings=[]) == "wrong_source"


def test_a_scanned_lot_the_source_does_not_hold_is_refused():
    held = [Holding(5, "L1", date(2030, 1, 1), None, 30)]
    assert refused(holdings=held, lot="L2") == "wrong_lot"
    assert move(5, holdings=held, lot="l1") == [Take(5, None, 5)]


def test_a_destination_other_than_the_face_is_refused():
    assert refused(dest=bin_(61, type="pick_face")) == "wrong_destination"


def test_more_than_the_task_needs_is_an_over_move():
    assert refused(units=11, t=task(moved=10)) == "over_move"
    assert move(10, t=task(moved=10)) == [Take(None, None, 10)]


def test_more_than_the_source_holds_is_refused_and_nothing_is_a_bad_quantity():
    assert refused(units=15, holdings=[Holding(None, None, None, None, 12)]) == (
        "insufficient_stock"
    )
    assert refused(units=0) == "invalid_quantity"


def test_a_move_takes_fefo_and_loose_stock_before_containers():
    held = [
        Holding(2, "LATE", date(2031, 1, 1), None, 10),
        Holding(1, "SOON", date(2030, 1, 1), 9, 4),
        Holding(1, "SOON", date(2030, 1, 1), None, 3),
    ]
    assert plan_take(held, 12) == [Take(1, None, 3), Take(1, 9, 4), Take(2, None, 5)]


def test_a_task_is_done_once_all_of_it_moved():
    assert status_after(20, 20) == "done"
    assert status_after(20, 19) == "claimed"


def test_supervisors_and_above_supervise_and_workers_do_not():
    assert supervises("supervisor") and supervises("admin")
    assert not supervises("worker") and not supervises("nobody")


# --- the next instruction ----------------------------------------------------------------


def test_the_next_instruction_names_the_source_the_quantity_and_the_face():
    step = next_instruction(
        status="claimed", remaining=30, sku="SKU-1", face_code="P-1", source=src(9, 24)
    )
    assert (step.action, step.quantity, step.from_location_id) == ("scan_source", 24, 9)
    assert step.text == "Take 24 of SKU-1 from R-9 to P-1"


def test_the_next_instruction_for_other_states():
    kw = dict(sku="S", face_code="P-1", source=None)
    assert next_instruction(status="open", remaining=5, **kw).action == "claim"
    assert next_instruction(status="claimed", remaining=5, **kw).action == "no_stock"
    assert next_instruction(status="done", remaining=5, **kw).action == "done"
    assert next_instruction(status="cancelled", remaining=5, **kw).action == "cancelled"
