"""ABC classification: ranked by the ledger's metric, classes by the cumulative share held by
the items ranked before (A below 80 %, B below 95 %, C after), zero-metric items C."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.counting.abc_rules import DEFAULT_SHARES, ShareError, check_shares, classify, rank

D = Decimal
ORDER = {"A": 0, "B": 1, "C": 2}


def metrics(*values: int | str) -> dict[int, Decimal]:
    return {i + 1: D(str(v)) for i, v in enumerate(values)}


def test_the_top_of_the_ranking_is_a_then_b_then_c() -> None:
    # 70 + 15 + 10 + 5 = 100: before item 1 0 %, item 2 70 %, item 3 85 %, item 4 95 %.
    assert classify(metrics(70, 15, 10, 5), DEFAULT_SHARES) == {1: "A", 2: "A", 3: "B", 4: "C"}


def test_an_item_that_crosses_a_boundary_keeps_the_class_it_started_in() -> None:
    # One item holds 90 %: the share before it is 0, so it is A, and the next starts at 90 %.
    assert classify(metrics(90, 6, 4), DEFAULT_SHARES) == {1: "A", 2: "B", 3: "C"}


def test_the_share_before_exactly_at_the_boundary_belongs_to_the_next_class() -> None:
    # Before item 2: exactly 80 % -> not below A's share -> B.
    assert classify(metrics(80, 15, 5), DEFAULT_SHARES) == {1: "A", 2: "B", 3: "C"}


def test_items_that_did_not_move_are_c_whatever_the_shares() -> None:
    shares = {"A": D("1"), "B": D("1"), "C": D("1")}
    assert classify(metrics(5, 0, 0), shares) == {1: "A", 2: "C", 3: "C"}
    assert classify(metrics(0, 0), DEFAULT_SHARES) == {1: "C", 2: "C"}
    assert classify({}, DEFAULT_SHARES) == {}


def test_a_negative_metric_ranks_as_nothing_moved() -> None:
    assert classify(metrics(-3, 10), DEFAULT_SHARES) == {1: "C", 2: "A"}


def test_equal_metrics_rank_by_item_id_so_the_plan_is_repeatable() -> None:
    ranked = rank({7: D(5), 3: D(5), 9: D(1)}, DEFAULT_SHARES)
    assert [(r.item_id, r.rank) for r in ranked] == [(3, 1), (7, 2), (9, 3)]


def test_configured_shares_move_the_boundaries() -> None:
    shares = {"A": D("0.5"), "B": D("0.75"), "C": D("1")}
    assert classify(metrics(40, 20, 20, 20), shares) == {1: "A", 2: "A", 3: "B", 4: "C"}


@pytest.mark.parametrize(
    "shares",
    [
        {"A": D("0.9"), "B": D("0.8"), "C": D("1")},
        {"A": D("0"), "B": D("0.8"), "C": D("1")},
        {"A": D("0.8"), "B": D("0.95"), "C": D("0.99")},
        {"A": D("0.8"), "B": D("0.95")},
    ],
)
def test_shares_that_cannot_split_a_ranking_are_refused(shares: dict[str, Decimal]) -> None:
    with pytest.raises(ShareError):
        check_shares(shares)
    with pytest.raises(ShareError):
        classify(metrics(1, 2), shares)


_metric = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
_metrics = st.dictionaries(st.integers(1, 10_000), _metric, max_size=60)
_shares = (
    st.tuples(st.decimals("0.01", "1", places=2), st.decimals("0.01", "1", places=2))
    .map(sorted)
    .map(lambda ab: {"A": ab[0], "B": ab[1], "C": D("1")})
)


@given(_metrics, _shares)
def test_classes_are_monotone_in_the_metric(ms: dict[int, Decimal], shares: dict) -> None:
    classes = classify(ms, shares)
    for x, mx in ms.items():
        for y, my in ms.items():
            if mx > my:
                assert ORDER[classes[x]] <= ORDER[classes[y]]


@given(_metrics, _shares)
def test_every_item_gets_one_class_and_the_top_item_is_a(
    ms: dict[int, Decimal], shares: dict
) -> None:
    ranked = rank(ms, shares)
    assert sorted(r.item_id for r in ranked) == sorted(ms)
    assert [r.rank for r in ranked] == list(range(1, len(ms) + 1))
    moving = [r for r in ranked if r.metric > 0]
    if moving:
        assert moving[0].abc_class == "A"
    assert all(r.abc_class == "C" for r in ranked if r.metric == 0)


@given(_metrics)
def test_the_a_items_before_the_last_hold_less_than_as_share(ms: dict[int, Decimal]) -> None:
    ranked = rank(ms, DEFAULT_SHARES)
    total = sum((r.metric for r in ranked), D(0))
    a_items = [r for r in ranked if r.abc_class == "A"]
    if a_items:
        held_before_last = sum((r.metric for r in a_items[:-1]), D(0))
        assert held_before_last < DEFAULT_SHARES["A"] * total
