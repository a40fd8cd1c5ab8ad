"""Directed putaway rules: same item and lot first, then an empty bin in the item's zone by
walk sequence, then any empty bin; capacity counts all stock in the bin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scanfloor.putaway.rules import (
    RULE_EMPTY_ANYWHERE,
    RULE_EMPTY_IN_ZONE,
    RULE_SAME_ITEM_LOT,
    BadTaskId,
    BinCandidate,
    LoadLine,
    NoBinAvailable,
    Suggestion,
    age_minutes,
    bin_meets_rules,
    item_zone,
    parse_task_id,
    suggest_bin_for_load,
    task_id,
)

ITEM, OTHER, LOT, LOT2 = 1, 2, 10, 11
ZONE_A, ZONE_B = 100, 200


def suggest_bin(
    item_id: int, lot_id: int | None, quantity: int, bins: list[BinCandidate], zone_id: int | None
) -> Suggestion:
    """The bin for loose stock: a load of one line."""
    return suggest_bin_for_load([LoadLine(item_id, lot_id, quantity)], bins, zone_id)


def bin_(
    id: int,
    walk: int | None,
    *,
    zone: int | None = ZONE_A,
    total: int = 0,
    holds: set[tuple[int, int | None]] | None = None,
    capacity: int | None = None,
    type: str = "storage",
) -> BinCandidate:
    return BinCandidate(
        id=id,
        code=f"BIN-{id}",
        zone_id=zone,
        type=type,
        walk_sequence=walk,
        capacity=capacity,
        on_hand_total=total,
        holds=frozenset(holds or set()),
    )


# --- rule 1: a bin already holding the item and lot ------------------------------------


def test_a_bin_holding_the_same_item_and_lot_comes_before_an_empty_bin_earlier_on_the_walk():
    bins = [bin_(1, 10), bin_(2, 50, total=5, holds={(ITEM, LOT)})]
    s = suggest_bin(ITEM, LOT, 3, bins, ZONE_A)
    assert (s.bin_id, s.rule) == (2, RULE_SAME_ITEM_LOT)


def test_a_bin_holding_the_item_in_another_lot_is_not_the_same_item_and_lot():
    bins = [bin_(1, 10), bin_(2, 5, total=5, holds={(ITEM, LOT2)})]
    s = suggest_bin(ITEM, LOT, 3, bins, ZONE_A)
    assert (s.bin_id, s.rule) == (1, RULE_EMPTY_IN_ZONE)


def test_an_item_without_lots_matches_bins_holding_it_without_a_lot():
    bins = [bin_(1, 10), bin_(2, 50, total=4, holds={(ITEM, None)})]
    assert suggest_bin(ITEM, None, 3, bins, ZONE_A).bin_id == 2


def test_a_same_item_bin_without_room_for_the_whole_quantity_is_passed_over():
    bins = [bin_(1, 10), bin_(2, 5, total=8, holds={(ITEM, LOT)}, capacity=10)]
    assert suggest_bin(ITEM, LOT, 3, bins, ZONE_A).bin_id == 1
    assert suggest_bin(ITEM, LOT, 2, bins, ZONE_A).bin_id == 2


def test_capacity_counts_every_item_in_the_bin_not_only_this_one():
    mixed = bin_(2, 5, total=9, holds={(ITEM, LOT), (OTHER, None)}, capacity=10)
    assert suggest_bin(ITEM, LOT, 2, [mixed, bin_(1, 10)], ZONE_A).bin_id == 1


def test_several_same_item_bins_are_taken_in_walk_order():
    bins = [
        bin_(3, 70, total=1, holds={(ITEM, LOT)}),
        bin_(4, 30, total=1, holds={(ITEM, LOT)}),
        bin_(5, None, total=1, holds={(ITEM, LOT)}),
    ]
    assert suggest_bin(ITEM, LOT, 1, bins, ZONE_A).bin_id == 4


# --- rule 2: an empty bin in the item's zone --------------------------------------------


def test_the_empty_bin_of_the_items_zone_with_the_lowest_walk_sequence_is_suggested():
    bins = [bin_(1, 30), bin_(2, 10, zone=ZONE_B), bin_(3, 20), bin_(4, 40)]
    s = suggest_bin(ITEM, None, 1, bins, ZONE_A)
    assert (s.bin_id, s.rule) == (3, RULE_EMPTY_IN_ZONE)


def test_an_empty_bin_too_small_for_the_quantity_is_skipped():
    bins = [bin_(1, 10, capacity=5), bin_(2, 20, capacity=12), bin_(3, 30)]
    assert suggest_bin(ITEM, None, 12, bins, ZONE_A).bin_id == 2
    assert suggest_bin(ITEM, None, 13, bins, ZONE_A).bin_id == 3


def test_a_bin_that_holds_other_stock_is_not_empty():
    bins = [bin_(1, 10, total=1, holds={(OTHER, None)}), bin_(2, 20)]
    assert suggest_bin(ITEM, None, 1, bins, ZONE_A).bin_id == 2


def test_equal_walk_sequences_fall_back_to_the_code_then_the_id():
    a = BinCandidate(7, "A-2", ZONE_A, "storage", 10, None, 0)
    b = BinCandidate(8, "A-1", ZONE_A, "storage", 10, None, 0)
    assert suggest_bin(ITEM, None, 1, [a, b], ZONE_A).bin_id == 8


def test_bins_without_a_walk_sequence_come_after_every_planned_bin():
    bins = [bin_(1, None), bin_(2, 900)]
    assert suggest_bin(ITEM, None, 1, bins, ZONE_A).bin_id == 2


def test_only_storage_and_pick_face_bins_receive_putaway():
    bins = [
        bin_(1, 1, type="quarantine", total=3, holds={(ITEM, LOT)}),
        bin_(2, 2, type="pack_station"),
        bin_(3, 3, type="dock"),
        bin_(4, 4, type="pick_face"),
    ]
    assert suggest_bin(ITEM, LOT, 1, bins, ZONE_A).bin_id == 4


# --- rule 3: any empty bin --------------------------------------------------------------


def test_with_no_room_in_its_zone_the_first_empty_bin_anywhere_on_the_walk_is_suggested():
    bins = [
        bin_(1, 10, total=1, holds={(OTHER, None)}),
        bin_(2, 90, zone=ZONE_B),
        bin_(3, 50, zone=ZONE_B),
    ]
    s = suggest_bin(ITEM, None, 1, bins, ZONE_A)
    assert (s.bin_id, s.rule) == (3, RULE_EMPTY_ANYWHERE)


def test_an_item_without_a_zone_goes_to_the_first_empty_bin_of_any_zone():
    bins = [bin_(1, 30, zone=ZONE_B), bin_(2, 20, zone=ZONE_A)]
    s = suggest_bin(ITEM, None, 1, bins, None)
    assert (s.bin_id, s.rule) == (2, RULE_EMPTY_ANYWHERE)


def test_no_bin_with_room_anywhere_raises_no_bin_available():
    bins = [bin_(1, 10, capacity=2), bin_(2, 20, total=1, holds={(OTHER, None)})]
    why = "no bin holds this item and lot with room, and no empty bin fits it"
    with pytest.raises(NoBinAvailable, match=f"^{why}$"):
        suggest_bin(ITEM, None, 3, bins, ZONE_A)
    with pytest.raises(NoBinAvailable, match=f"^{why}$"):
        suggest_bin(ITEM, None, 1, [], None)


# --- the item's zone --------------------------------------------------------------------


def test_the_items_zone_is_where_most_of_its_bins_are():
    bins = [
        bin_(1, 10, zone=ZONE_A, total=1, holds={(ITEM, LOT)}),
        bin_(2, 80, zone=ZONE_B, total=1, holds={(ITEM, LOT2)}),
        bin_(3, 90, zone=ZONE_B, total=1, holds={(ITEM, None)}),
        bin_(4, 5, zone=ZONE_A, total=1, holds={(OTHER, None)}),
    ]
    assert item_zone(ITEM, bins, attribute_zone_id=ZONE_A) == ZONE_B


def test_a_tie_between_zones_goes_to_the_zone_first_on_the_walk():
    bins = [
        bin_(1, 60, zone=ZONE_A, total=1, holds={(ITEM, None)}),
        bin_(2, 20, zone=ZONE_B, total=1, holds={(ITEM, None)}),
    ]
    assert item_zone(ITEM, bins) == ZONE_B


def test_an_item_nowhere_in_stock_takes_the_zone_of_its_attributes_else_none():
    bins = [bin_(1, 10, total=1, holds={(OTHER, None)})]
    assert item_zone(ITEM, bins, attribute_zone_id=ZONE_B) == ZONE_B
    assert item_zone(ITEM, bins) is None


def test_stock_in_a_quarantine_bin_does_not_give_the_item_a_zone():
    bins = [bin_(1, 10, zone=ZONE_B, type="quarantine", total=1, holds={(ITEM, None)})]
    assert item_zone(ITEM, bins, attribute_zone_id=ZONE_A) == ZONE_A


# --- loads of several lines (a container moving whole) ----------------------------------


def test_a_mixed_load_needs_room_for_its_total_quantity():
    load = [LoadLine(ITEM, None, 4), LoadLine(OTHER, None, 4)]
    bins = [bin_(1, 10, capacity=6), bin_(2, 20, capacity=8)]
    assert suggest_bin_for_load(load, bins, ZONE_A).bin_id == 2


def test_a_mixed_load_goes_to_a_bin_holding_all_of_its_lines_only():
    load = [LoadLine(ITEM, LOT, 4), LoadLine(OTHER, None, 4)]
    partly = bin_(1, 10, total=1, holds={(ITEM, LOT)})
    fully = bin_(2, 90, total=2, holds={(ITEM, LOT), (OTHER, None)})
    s = suggest_bin_for_load(load, [partly, fully, bin_(3, 20)], ZONE_A)
    assert (s.bin_id, s.rule) == (2, RULE_SAME_ITEM_LOT)


def test_a_load_with_nothing_in_it_is_a_programming_error():
    with pytest.raises(ValueError, match=r"^a load has at least one line$"):
        suggest_bin_for_load([], [bin_(1, 1)], None)


# --- a cached suggestion that still follows the rules ------------------------------------


def test_a_bin_still_empty_or_holding_the_same_lot_with_room_still_follows_the_rules():
    load = [LoadLine(ITEM, LOT, 5)]
    assert bin_meets_rules(bin_(1, 10), load)
    assert bin_meets_rules(bin_(2, 10, total=3, holds={(ITEM, LOT)}, capacity=8), load)
    assert not bin_meets_rules(bin_(3, 10, total=3, holds={(ITEM, LOT)}, capacity=7), load)
    assert not bin_meets_rules(bin_(4, 10, total=1, holds={(OTHER, None)}), load)
    assert not bin_meets_rules(bin_(5, 10, type="dock"), load)


# --- task ids and ages ------------------------------------------------------------------


def test_task_ids_name_the_balance_or_the_container_and_parse_back():
    assert task_id("loose", 12) == "b-12"
    assert task_id("lpn", 7) == "c-7"
    assert parse_task_id("b-12") == ("loose", 12)
    assert parse_task_id("c-7") == ("lpn", 7)


@pytest.mark.parametrize(
    "raw",
    ["", "b", "b-", "x-1", "b-0", "b-01", "b--1", "b-1.5", "B-1", "c-\u0661", "b-" + "9" * 19],
)
def test_anything_else_is_not_a_task_id(raw):
    with pytest.raises(BadTaskId, match=r"^a putaway task id is b-<number> or c-<number>$"):
        parse_task_id(raw)


def test_age_is_whole_minutes_and_never_negative():
    now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    assert age_minutes(now - timedelta(minutes=90, seconds=59), now) == 90
    assert age_minutes(now + timedelta(minutes=5), now) == 0
    assert age_minutes(None, now) is None
