"""Pure picking rules: checking a scan against its pick line, binding totes, closing lines,
and where a short pick's shortfall goes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from scanfloor.picking.scan_check import (
    BACKORDERED,
    OTHER_WAREHOUSE,
    SAME_WAREHOUSE,
    BinStock,
    LineFacts,
    Placement,
    ScannedItem,
    ScanRefused,
    check_pick,
    check_short,
    line_status,
    plan_same_warehouse,
    short_outcome,
    tote_binding,
    walk_from,
)

PICKER = 7
LINE = LineFacts(
    line_id=1,
    task_id=10,
    task_status="claimed",
    assigned_to=PICKER,
    status="open",
    location_id=100,
    location_code="A-1",
    item_id=5,
    lot_id=None,
    lot_code=None,
    lot_expiry=None,
    quantity=6,
    picked=2,
    short=0,
)
LOT_LINE = replace(LINE, lot_id=9, lot_code="L-EARLY", lot_expiry=date(2030, 1, 31))
EACH = ScannedItem(item_id=5, units=1)


def _code(fn, *args, **kw) -> str:
    with pytest.raises(ScanRefused) as err:
        fn(*args, **kw)
    return err.value.code


def _pick(line=LINE, actor=PICKER, bin_id=100, item=EACH, requested=1):
    return check_pick(
        line, actor_id=actor, bin_id=bin_id, bin_code="X", item=item, requested=requested
    )


def test_a_scan_that_fits_its_line_picks_the_quantity_given():
    assert _pick(requested=4) == 4


def test_a_case_scanned_without_a_quantity_counts_its_pack_quantity():
    assert _pick(item=ScannedItem(5, units=4), requested=None) == 4


def test_another_bin_is_wrong_location():
    assert _code(_pick, bin_id=101) == "wrong_location"


def test_another_item_is_wrong_item():
    assert _code(_pick, item=ScannedItem(6, 1)) == "wrong_item"


def test_picking_more_than_the_line_still_needs_is_an_over_pick():
    assert _pick(requested=4) == 4
    assert _code(_pick, requested=5) == "over_pick"


def test_a_case_that_holds_more_than_the_line_needs_is_an_over_pick():
    assert _code(_pick, item=ScannedItem(5, units=12), requested=None) == "over_pick"


def test_a_quantity_of_zero_is_refused():
    assert _code(_pick, requested=0) == "invalid_quantity"


def test_someone_elses_task_is_not_yours():
    assert _code(_pick, actor=8) == "task_not_yours"


def test_an_unclaimed_task_is_not_yours():
    assert _code(_pick, line=replace(LINE, task_status="open", assigned_to=None)) == (
        "task_not_yours"
    )


def test_a_closed_line_takes_no_pick():
    assert _code(_pick, line=replace(LINE, status="picked", picked=6)) == "pick_line_closed"


def test_the_holder_is_checked_before_the_bin():
    assert _code(_pick, actor=8, bin_id=101) == "task_not_yours"


def test_a_gs1_scan_of_another_lot_is_wrong_lot():
    scanned = ScannedItem(5, 1, lot_code="L-LATE", expiry=date(2031, 6, 30))
    assert _code(_pick, line=LOT_LINE, item=scanned) == "wrong_lot"


def test_a_lot_code_matches_whatever_its_case():
    assert _pick(line=LOT_LINE, item=ScannedItem(5, 1, lot_code="l-early")) == 1


def test_the_right_lot_with_another_expiry_is_wrong_lot():
    scanned = ScannedItem(5, 1, lot_code="L-EARLY", expiry=date(2030, 2, 1))
    assert _code(_pick, line=LOT_LINE, item=scanned) == "wrong_lot"


def test_a_scan_without_lot_data_is_the_lines_lot():
    assert _pick(line=LOT_LINE, item=EACH) == 1


def test_an_unbound_free_tote_is_bound_at_the_first_pick():
    assert tote_binding(None, 3, None, 0) is True


def test_the_orders_own_tote_needs_no_binding():
    assert tote_binding(3, 3, None, 0) is False


def test_another_tote_than_the_orders_is_wrong_tote():
    assert _code(tote_binding, 3, 4, None, 0) == "wrong_tote"


def test_a_tote_of_another_open_order_is_wrong_tote():
    assert _code(tote_binding, None, 4, 99, 0) == "wrong_tote"


def test_a_tote_still_holding_units_is_refused_at_an_orders_first_pick():
    assert _code(tote_binding, None, 4, None, 3) == "wrong_tote"


def test_the_orders_own_tote_may_hold_its_picks():
    assert tote_binding(4, 4, None, 3) is False


@pytest.mark.parametrize(
    ("picked", "short", "status"),
    [(0, 0, "open"), (3, 0, "open"), (6, 0, "picked"), (4, 2, "short"), (0, 6, "short")],
)
def test_a_line_closes_when_nothing_is_left(picked, short, status):
    assert line_status(6, picked, short) == status


def test_a_short_is_what_the_line_needs_beyond_what_was_found():
    assert check_short(LINE, 1) == 3
    assert check_short(LINE, 0) == 4


def test_finding_all_the_line_needs_is_no_short():
    assert _code(check_short, LINE, 4) == "not_short"


def test_bins_ahead_of_the_picker_come_first_then_the_ones_behind():
    bins = [BinStock(1, 10, None, 5), BinStock(2, 50, None, 5), BinStock(3, 30, None, 5)]
    assert [b.location_id for b in walk_from(bins, 30)] == [2, 1, 3]


def test_the_shortfall_is_placed_in_bins_in_walk_order_within_their_free_units():
    bins = [BinStock(1, 10, None, 5), BinStock(2, 50, None, 2), BinStock(3, 60, None, 9)]
    got = plan_same_warehouse(6, 100, bins, from_walk=20)
    assert got == [Placement(2, None, 2), Placement(3, None, 4)]


def test_no_more_is_placed_than_the_channel_may_still_take():
    bins = [BinStock(1, 10, None, 5), BinStock(2, 50, None, 5)]
    assert plan_same_warehouse(6, 3, bins, from_walk=None) == [Placement(1, None, 3)]


def test_an_expiry_tracked_shortfall_takes_the_lots_in_fefo_order():
    bins = [BinStock(1, 10, 8, 5), BinStock(2, 20, 9, 5), BinStock(3, 30, 9, 1)]
    got = plan_same_warehouse(4, 10, bins, from_walk=None, lots={9: 2, 8: 5})
    assert got == [Placement(2, 9, 2), Placement(1, 8, 2)]


def test_nothing_free_places_nothing():
    assert plan_same_warehouse(3, 0, [BinStock(1, 10, None, 5)], from_walk=None) == []
    assert plan_same_warehouse(3, 5, [], from_walk=None) == []


@pytest.mark.parametrize(
    ("same", "other", "outcome"),
    [
        (3, 0, SAME_WAREHOUSE),
        (0, 3, OTHER_WAREHOUSE),
        (1, 2, OTHER_WAREHOUSE),
        (0, 0, BACKORDERED),
        (2, 0, BACKORDERED),
        (1, 1, BACKORDERED),
    ],
)
def test_a_short_is_picked_here_sent_elsewhere_or_backordered(same, other, outcome):
    assert short_outcome(3, same, other) == outcome
