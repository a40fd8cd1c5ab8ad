"""Pick path rules: aisles in rank order, each aisle walked the way that continues best (the
serpentine), unsequenced bins last by id, never by code; path length as documented."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.picking.path_rules import (
    AISLE_CHANGE,
    UNRANKED_AISLE,
    UNSEQUENCED_STEP,
    Bin,
    aisle_of,
    path_length,
    rank_aisles,
    serpentine,
    serpentine_by,
    walk_key,
)


def ids(bins: list[Bin]) -> list[int]:
    return [b.location_id for b in bins]


def position_layout(aisles: int, bays: int) -> list[Bin]:
    """Every aisle numbered from the front (walk_sequence = position along the aisle)."""
    return [
        Bin(location_id=a * 100 + bay, aisle=a, walk_sequence=bay * 10, code=f"A{a}-{bay}")
        for a in range(1, aisles + 1)
        for bay in range(1, bays + 1)
    ]


def test_aisles_are_walked_in_rank_order_whatever_the_input_order() -> None:
    bins = [Bin(1, 3, 5), Bin(2, 1, 5), Bin(3, 2, 5)]
    assert [b.aisle for b in serpentine(bins)] == [1, 2, 3]


def test_position_numbered_aisles_are_walked_up_then_down_then_up() -> None:
    bins = position_layout(aisles=3, bays=4)
    random.Random(1).shuffle(bins)
    walked = serpentine(bins)
    assert [b.walk_sequence for b in walked if b.aisle == 1] == [10, 20, 30, 40]
    assert [b.walk_sequence for b in walked if b.aisle == 2] == [40, 30, 20, 10]
    assert [b.walk_sequence for b in walked if b.aisle == 3] == [10, 20, 30, 40]
    assert [b.aisle for b in walked] == [1] * 4 + [2] * 4 + [3] * 4


def test_the_first_aisle_is_walked_ascending_even_when_descending_would_be_shorter() -> None:
    # Aisle 2's picks are at the front: ending aisle 1 at the front would save the walk
    # back, but the picker comes from the start of the walk.
    bins = [Bin(1, 1, 0), Bin(2, 1, 50), Bin(3, 2, 0), Bin(4, 2, 5)]
    assert ids(serpentine(bins)) == [1, 2, 4, 3]


def test_a_walk_numbered_through_the_warehouse_stays_ascending() -> None:
    # The demo numbers one serpentine through every zone: zone (aisle rank) 2 continues at
    # 1090 where zone 1 ended at 1080. Flipping zone 2 would start at its far end.
    zone1 = [Bin(10 + n, 1, ws) for n, ws in enumerate((10, 500, 1080))]
    zone2 = [Bin(20 + n, 2, ws) for n, ws in enumerate((1090, 1500, 2160))]
    zone3 = [Bin(30 + n, 3, ws) for n, ws in enumerate((2170, 2600, 3240))]
    walked = serpentine([*zone3, *zone1, *zone2])
    assert [b.walk_sequence for b in walked] == [10, 500, 1080, 1090, 1500, 2160, 2170, 2600, 3240]


def test_each_aisle_is_entered_at_the_end_nearer_where_the_last_one_was_left() -> None:
    # Aisle 1 ends at 40; aisle 2's picks lie at 35 and 90: entering at 35 is nearer.
    bins = [Bin(1, 1, 10), Bin(2, 1, 40), Bin(3, 2, 90), Bin(4, 2, 35)]
    assert ids(serpentine(bins)) == [1, 2, 4, 3]
    # ... and at 90 when aisle 1 ends near it.
    bins = [Bin(1, 1, 10), Bin(2, 1, 85), Bin(3, 2, 90), Bin(4, 2, 35)]
    assert ids(serpentine(bins)) == [1, 2, 3, 4]


def test_unsequenced_bins_come_after_the_sequenced_bins_of_their_aisle_by_id() -> None:
    bins = [
        Bin(9, 1, None),
        Bin(5, 1, None),
        Bin(1, 1, 10),
        Bin(2, 1, 20),
        Bin(8, 2, None),
        Bin(3, 2, 10),
        Bin(4, 2, 20),
        Bin(7, 2, None),
    ]
    assert ids(serpentine(bins)) == [1, 2, 5, 9, 3, 4, 7, 8]


def test_aisle_direction_still_reverses_around_unsequenced_bins() -> None:
    front_numbered = [Bin(1, 1, 10), Bin(2, 1, 90), Bin(3, 2, 10), Bin(4, 2, 90), Bin(6, 2, None)]
    assert ids(serpentine(front_numbered)) == [1, 2, 4, 3, 6]


def test_walk_order_never_reads_the_bin_code() -> None:
    # By code "A-10" sorts before "A-9"; the walk goes by walk sequence.
    bins = [Bin(1, 1, 100, code="A-10"), Bin(2, 1, 90, code="A-9"), Bin(3, 1, 5, code="Z-1")]
    assert [b.code for b in serpentine(bins)] == ["Z-1", "A-9", "A-10"]
    renamed = [
        Bin(b.location_id, b.aisle, b.walk_sequence, code=f"X{-i}") for i, b in enumerate(bins)
    ]
    assert ids(serpentine(renamed)) == ids(serpentine(bins))


def test_equal_walk_sequences_go_by_location_id() -> None:
    assert ids(serpentine([Bin(7, 1, 10), Bin(3, 1, 10), Bin(5, 1, 10)])) == [3, 5, 7]


def test_lines_at_one_location_stay_together_in_the_order_given() -> None:
    lines = [("a", Bin(2, 1, 20)), ("b", Bin(1, 1, 10)), ("c", Bin(2, 1, 20)), ("d", Bin(1, 1, 10))]
    assert [name for name, _ in serpentine_by(lines, lambda t: t[1])] == ["b", "d", "a", "c"]


def test_a_location_keeps_the_place_of_its_first_description() -> None:
    # The same location passed twice with different data walks as first described.
    walked = serpentine([Bin(1, 1, 50), Bin(2, 1, 20), Bin(1, 1, 5)])
    assert ids(walked) == [2, 1, 1]


def test_path_length_counts_walk_distance_and_aisle_changes() -> None:
    walk = [Bin(1, 1, 10), Bin(2, 1, 40), Bin(3, 2, 35), Bin(4, 2, 5)]
    assert path_length(walk) == 30 + (AISLE_CHANGE + 5) + 30


def test_path_length_of_a_repeat_location_is_nothing_and_of_an_unsequenced_step_fixed() -> None:
    assert path_length([Bin(1, 1, 10), Bin(1, 1, 10)]) == 0
    assert path_length([Bin(1, 1, 10), Bin(2, 1, None), Bin(3, 1, 500)]) == 2 * UNSEQUENCED_STEP
    assert path_length([Bin(1, 1, None), Bin(2, 2, None)]) == UNSEQUENCED_STEP + AISLE_CHANGE
    assert path_length([]) == 0
    assert path_length([Bin(1, 1, 10)]) == 0


def test_the_serpentine_is_shorter_than_walking_by_bin_code() -> None:
    bins = position_layout(aisles=4, bays=12)
    by_code = sorted(bins, key=lambda b: b.code)  # "A1-10" before "A1-2"
    assert path_length(serpentine(bins)) < path_length(by_code)
    assert path_length(serpentine(bins)) < path_length(sorted(bins, key=walk_key))


def test_path_length_is_deterministic() -> None:
    bins = position_layout(aisles=3, bays=5)
    shuffled = list(bins)
    random.Random(2).shuffle(shuffled)
    assert path_length(serpentine(bins)) == path_length(serpentine(shuffled))


def test_aisles_rank_by_parent_walk_sequence_then_id_unsequenced_last() -> None:
    ranks = rank_aisles([(30, 5), (10, None), (20, 5), (40, 1), (20, 99)])
    assert ranks == {40: 1, 20: 2, 30: 3, 10: 4}


def test_a_bin_without_a_ranked_parent_walks_last() -> None:
    ranks = rank_aisles([(1, 10), (2, 20)])
    assert aisle_of(2, ranks) == 2
    assert aisle_of(99, ranks) == aisle_of(None, ranks) == UNRANKED_AISLE
    walked = serpentine([Bin(1, aisle_of(None, ranks), 1), Bin(2, aisle_of(2, ranks), 900)])
    assert ids(walked) == [2, 1]


bin_lists = st.lists(
    st.builds(
        Bin,
        location_id=st.integers(1, 40),
        aisle=st.integers(1, 5),
        walk_sequence=st.none() | st.integers(0, 200),
        code=st.text("AZ-019", max_size=4),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(bin_lists)
def test_the_walk_visits_every_bin_once_aisle_by_aisle_each_aisle_one_way(bins: list[Bin]) -> None:
    walked = serpentine(bins)
    assert sorted(map(id, walked)) == sorted(map(id, bins))  # a permutation of the input
    first: dict[int, Bin] = {}
    for b in bins:  # a location walks as first described
        first.setdefault(b.location_id, b)
    aisles = [first[b.location_id].aisle for b in walked]
    assert aisles == sorted(aisles)
    for aisle in set(aisles):
        here = [first[b.location_id] for b in walked if first[b.location_id].aisle == aisle]
        seqs = [b.walk_sequence for b in here if b.walk_sequence is not None]
        assert seqs in (sorted(seqs), sorted(seqs, reverse=True))
        tail = here[len(seqs) :]
        assert all(b.walk_sequence is None for b in tail)
        assert [b.location_id for b in tail] == sorted(b.location_id for b in tail)


@settings(max_examples=200, deadline=None)
@given(bin_lists)
def test_the_walk_is_never_longer_than_walking_every_aisle_ascending(bins: list[Bin]) -> None:
    distinct = list({b.location_id: b for b in reversed(bins)}.values())
    assert path_length(serpentine(distinct)) <= path_length(sorted(distinct, key=walk_key))


@settings(max_examples=200, deadline=None)
@given(bin_lists, st.randoms(use_true_random=False))
def test_the_walk_does_not_depend_on_input_order_or_codes(
    bins: list[Bin], rnd: random.Random
) -> None:
    distinct = list({b.location_id: b for b in bins}.values())
    shuffled = list(distinct)
    rnd.shuffle(shuffled)
    recoded = [Bin(b.location_id, b.aisle, b.walk_sequence, code="") for b in shuffled]
    assert ids(serpentine(recoded)) == ids(serpentine(distinct))
