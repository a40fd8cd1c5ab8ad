"""What a posting did to sellable stock: which positions fell, which items rose."""

from __future__ import annotations

from dataclasses import dataclass

from scanfloor.allocation.sellable_change import sellable_change

WH1, WH2 = 100, 200
BIN_A, BIN_B, BIN_C = 1, 2, 3  # sellable: A and B in WH1, C in WH2
DOCK, SCRAP = 8, 9  # not sellable
SELLABLE = {BIN_A: WH1, BIN_B: WH1, BIN_C: WH2}


@dataclass(frozen=True)
class Line:
    item_id: int
    quantity: int
    from_location_id: int
    to_location_id: int
    lot_id: int | None = None


def test_stock_leaving_a_sellable_bin_is_a_fall_at_its_warehouse():
    got = sellable_change([Line(7, 3, BIN_A, SCRAP)], SELLABLE)
    assert (got.fell, got.rose, got.changed) == ({(7, WH1)}, set(), {7})


def test_stock_arriving_in_a_sellable_bin_is_a_rise():
    got = sellable_change([Line(7, 3, DOCK, BIN_A)], SELLABLE)
    assert (got.fell, got.rose, got.changed) == (set(), {7}, {7})


def test_a_move_between_sellable_bins_of_one_warehouse_changes_nothing():
    got = sellable_change([Line(7, 3, BIN_A, BIN_B)], SELLABLE)
    assert got.nothing
    assert (got.fell, got.rose) == (set(), set())


def test_a_move_between_warehouses_falls_in_one_and_rises_in_the_other():
    got = sellable_change([Line(7, 3, BIN_A, BIN_C)], SELLABLE)
    assert (got.fell, got.rose) == ({(7, WH1)}, {7})


def test_a_posting_that_touches_no_sellable_location_changes_nothing():
    assert sellable_change([Line(7, 3, DOCK, SCRAP)], SELLABLE).nothing


def test_lines_are_netted_per_item_warehouse_and_lot():
    got = sellable_change([Line(7, 3, BIN_A, SCRAP), Line(7, 3, DOCK, BIN_B)], SELLABLE)
    assert got.nothing
    out_and_in = [Line(7, 3, BIN_A, SCRAP), Line(7, 1, DOCK, BIN_B)]
    assert sellable_change(out_and_in, SELLABLE).fell == {(7, WH1)}


def test_a_lot_swap_is_a_fall_for_the_lot_that_left_and_a_rise_for_the_item():
    swap = [Line(7, 2, BIN_A, SCRAP, lot_id=11), Line(7, 2, DOCK, BIN_A, lot_id=12)]
    got = sellable_change(swap, SELLABLE)
    assert (got.fell, got.rose, got.changed) == ({(7, WH1)}, {7}, {7})


def test_stock_without_a_lot_is_not_the_same_position_as_any_lot():
    swap = [Line(7, 2, BIN_A, SCRAP, lot_id=1), Line(7, 2, DOCK, BIN_A)]
    got = sellable_change(swap, SELLABLE)
    assert (got.fell, got.rose, got.changed) == ({(7, WH1)}, {7}, {7})


def test_a_single_unit_arriving_or_leaving_is_a_change():
    got = sellable_change([Line(7, 1, DOCK, BIN_A), Line(8, 1, BIN_B, SCRAP)], SELLABLE)
    assert (got.fell, got.rose, got.changed) == ({(8, WH1)}, {7}, {7, 8})
