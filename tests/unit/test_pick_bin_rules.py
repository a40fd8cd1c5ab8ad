"""Bin choice at wave release (picking/bin_rules.py): FEFO, fewest bins, walk order, and
never a plan the bins cannot cover."""

from __future__ import annotations

from datetime import date

from scanfloor.picking.bin_rules import BinStock, BinTake, plan_takes, take


def _bin(loc: int, free: int, *, lot: int | None = None, expiry: date | None = None,
         walk: int | None = None) -> BinStock:  # fmt: skip
    return BinStock(loc, lot, expiry, free, (1, False, walk if walk is not None else loc, loc))


def test_a_bin_that_covers_the_quantity_alone_is_taken_first_on_the_walk():
    stocks = [_bin(1, 2), _bin(2, 9, walk=50), _bin(3, 5, walk=20)]

    assert plan_takes(stocks, 4) == [BinTake(3, None, 4)]


def test_without_a_bin_that_covers_it_the_fullest_bins_go_first():
    stocks = [_bin(1, 2, walk=10), _bin(2, 3, walk=30), _bin(3, 3, walk=20)]

    # 3 and 3 are the fullest (walk breaks the tie); the one left: the first bin covering it.
    assert plan_takes(stocks, 7) == [BinTake(3, None, 3), BinTake(2, None, 3), BinTake(1, None, 1)]


def test_lots_are_used_first_expiring_first_then_no_expiry_then_no_lot():
    stocks = [
        _bin(1, 5),  # no lot
        _bin(2, 2, lot=20, expiry=None),
        _bin(3, 2, lot=30, expiry=date(2031, 1, 1)),
        _bin(4, 2, lot=40, expiry=date(2030, 6, 1)),
    ]

    assert plan_takes(stocks, 7) == [
        BinTake(4, 40, 2),
        BinTake(3, 30, 2),
        BinTake(2, 20, 2),
        BinTake(1, None, 1),
    ]


def test_stock_the_bins_cannot_cover_gives_no_plan():
    assert plan_takes([_bin(1, 2), _bin(2, 1)], 4) is None
    assert plan_takes([], 1) is None


def test_bins_with_nothing_free_are_never_planned():
    stocks = [_bin(1, 0), _bin(2, -3), _bin(3, 1)]

    assert plan_takes(stocks, 1) == [BinTake(3, None, 1)]
    assert plan_takes(stocks, 2) is None


def test_nothing_to_take_is_an_empty_plan():
    assert plan_takes([_bin(1, 5)], 0) == []


def test_planning_changes_nothing_until_taken_and_taking_counts_each_unit_once():
    stocks = [_bin(1, 3, walk=10), _bin(2, 3, walk=20)]

    first = plan_takes(stocks, 3)
    assert [s.free for s in stocks] == [3, 3]
    assert first is not None
    take(stocks, first)
    second = plan_takes(stocks, 3)

    assert first == [BinTake(1, None, 3)]
    assert second == [BinTake(2, None, 3)]
    assert plan_takes(stocks, 1) is not None and [s.free for s in stocks] == [0, 3]


def test_a_plan_given_back_frees_its_units_again():
    stocks = [_bin(1, 4)]
    planned = plan_takes(stocks, 4)
    assert planned is not None
    take(stocks, planned)

    take(stocks, [BinTake(t.location_id, t.lot_id, -t.quantity) for t in planned])

    assert stocks[0].free == 4
