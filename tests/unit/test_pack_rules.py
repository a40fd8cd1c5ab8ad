"""Pack verification rules: what a scan may put in a carton, what is missing, closing."""

from __future__ import annotations

import pytest

from scanfloor.packing.rules import (
    CartonTypeSpec,
    Line,
    Packed,
    PackRefused,
    Take,
    ToteStock,
    check_close,
    decide_pack,
    lines_now_packed,
    missing,
    packed_by_line,
    to_pack,
)

TOTE, OTHER_TOTE, STATION = 501, 502, 9
TEE, MUG, CAP = 1, 2, 3


def line(id_: int, item: int, ordered: int, picked: int, status: str = "picked") -> Line:
    return Line(id_, item, ordered, picked, status)


def tote(item: int, qty: int, tote_id: int = TOTE, lot: int | None = None) -> ToteStock:
    return ToteStock(tote_id, STATION, item, lot, qty)


def packed(carton: int, item: int, qty: int, closed: bool = False) -> Packed:
    return Packed(carton, item, None, qty, closed)


def refusal(**kw) -> PackRefused:
    with pytest.raises(PackRefused) as info:
        decide_pack(**kw)
    return info.value


LINES = [line(10, TEE, 5, 5), line(11, MUG, 3, 2, "picking")]
TOTES = [tote(TEE, 5), tote(MUG, 2)]


def test_a_picked_item_in_the_tote_is_accepted_and_taken_from_the_tote():
    decision = decide_pack(LINES, TOTES, [], item_id=TEE, quantity=2)
    assert decision.order_line_id == 10
    assert decision.takes == (Take(TOTE, STATION, None, 2),)


def test_an_item_not_on_the_order_is_a_wrong_item():
    err = refusal(lines=LINES, totes=TOTES, packed=[], item_id=CAP, quantity=1)
    assert err.code == "wrong_item"


def test_an_item_already_all_packed_is_a_wrong_item():
    err = refusal(lines=LINES, totes=TOTES, packed=[packed(1, TEE, 5)], item_id=TEE, quantity=1)
    assert err.code == "wrong_item"
    assert err.details["to_pack"] == 0


def test_an_item_of_a_cancelled_line_is_a_wrong_item():
    lines = [line(10, TEE, 5, 0, "cancelled")]
    assert refusal(lines=lines, totes=[], packed=[], item_id=TEE, quantity=1).code == "wrong_item"


def test_more_than_picked_and_not_packed_is_an_over_pack():
    err = refusal(lines=LINES, totes=TOTES, packed=[packed(1, MUG, 1)], item_id=MUG, quantity=2)
    assert err.code == "over_pack"
    assert err.details["to_pack"] == 1


def test_ordered_but_unpicked_units_cannot_be_packed():
    # 3 mugs ordered, 2 picked: the third is not at the station.
    assert refusal(lines=LINES, totes=TOTES, packed=[], item_id=MUG, quantity=3).code == (
        "over_pack"
    )


def test_picked_units_missing_from_the_totes_are_refused_as_not_in_tote():
    err = refusal(lines=LINES, totes=[tote(TEE, 1)], packed=[], item_id=TEE, quantity=2)
    assert err.code == "not_in_tote"
    assert err.details["in_totes"] == 1


def test_a_scanned_lot_must_be_in_the_totes():
    totes = [tote(TEE, 5, lot=7)]
    err = refusal(
        lines=LINES, totes=totes, packed=[], item_id=TEE, quantity=1, lot_id=8, lot_named=True
    )
    assert err.code == "wrong_lot"
    unknown = refusal(
        lines=LINES, totes=totes, packed=[], item_id=TEE, quantity=1, lot_id=None, lot_named=True
    )
    assert unknown.code == "wrong_lot"
    ok = decide_pack(LINES, totes, [], item_id=TEE, quantity=1, lot_id=7, lot_named=True)
    assert ok.takes == (Take(TOTE, STATION, 7, 1),)


def test_units_are_taken_tote_by_tote_then_lot_by_lot():
    totes = [tote(TEE, 2, OTHER_TOTE, lot=1), tote(TEE, 1, TOTE, lot=2), tote(TEE, 2, TOTE, lot=1)]
    decision = decide_pack(LINES, totes, [], item_id=TEE, quantity=4)
    assert decision.takes == (
        Take(TOTE, STATION, 1, 2),
        Take(TOTE, STATION, 2, 1),
        Take(OTHER_TOTE, STATION, 1, 1),
    )


def test_a_quantity_below_one_is_refused():
    assert refusal(lines=LINES, totes=TOTES, packed=[], item_id=TEE, quantity=0).code == (
        "bad_quantity"
    )


def test_two_lines_of_one_item_fill_in_line_order():
    lines = [line(20, TEE, 2, 2), line(21, TEE, 3, 3)]
    assert packed_by_line(lines, [packed(1, TEE, 3)]) == {20: 2, 21: 1}
    assert to_pack(lines, [packed(1, TEE, 3)]) == {20: 0, 21: 2}
    decision = decide_pack(lines, [tote(TEE, 2)], [packed(1, TEE, 3)], item_id=TEE, quantity=2)
    assert decision.order_line_id == 21


def test_missing_flags_unpicked_and_unpacked_units_per_line():
    found = missing(LINES, [packed(1, TEE, 4)])
    assert [(m.order_line_id, m.quantity, m.reason) for m in found] == [
        (10, 1, "not_packed"),
        (11, 1, "not_picked"),
        (11, 2, "not_packed"),
    ]


def test_nothing_is_missing_once_everything_ordered_is_packed():
    lines = [line(10, TEE, 5, 5)]
    assert missing(lines, [packed(1, TEE, 3), packed(2, TEE, 2)]) == []


BOX = CartonTypeSpec("BOX-S", tare_g=100, max_weight_g=5000)


@pytest.mark.parametrize(
    ("units", "weight", "code"),
    [
        (0, 500, "carton_empty"),
        (1, 0, "bad_weight"),
        (1, 99, "weight_below_tare"),
        (1, 5001, "over_max_weight"),
    ],
)
def test_a_carton_closes_only_with_units_and_a_possible_weight(units, weight, code):
    with pytest.raises(PackRefused) as info:
        check_close(units, weight, BOX)
    assert info.value.code == code


def test_a_weight_from_the_tare_to_the_maximum_closes():
    check_close(1, 100, BOX)
    check_close(1, 5000, BOX)
    check_close(1, 10**6, CartonTypeSpec("BAG", tare_g=0, max_weight_g=None))


def test_an_inactive_carton_type_is_refused():
    with pytest.raises(PackRefused) as info:
        check_close(1, 500, CartonTypeSpec("OLD", 0, None, active=False))
    assert info.value.code == "carton_type_inactive"


def test_a_line_is_packed_only_when_every_picked_unit_is_in_closed_cartons():
    lines = [line(10, TEE, 5, 5)]
    assert lines_now_packed(lines, [packed(1, TEE, 5)]) == []  # carton still open
    assert lines_now_packed(lines, [packed(1, TEE, 3, True), packed(2, TEE, 2)]) == []
    assert lines_now_packed(lines, [packed(1, TEE, 3, True), packed(2, TEE, 2, True)]) == [10]


def test_a_line_still_being_picked_is_not_packed_however_much_is_packed():
    lines = [line(11, MUG, 3, 2, "picking")]
    assert lines_now_packed(lines, [packed(1, MUG, 2, True)]) == []


def test_a_unit_packed_for_a_line_is_not_counted_again_for_an_earlier_line_picked_later():
    """Line 2 was picked, packed and closed first (so it is `packed`); line 1 is picked
    later and its unit waits in the tote: it is not packed, and the carton's unit stays
    line 2's."""
    lines = [Line(1, 100, 1, 1, "picked"), Line(2, 100, 1, 1, "packed")]
    box = [Packed(7, 100, None, 1, True)]
    assert packed_by_line(lines, box) == {1: 0, 2: 1}
    assert lines_now_packed(lines, box) == []
    assert to_pack(lines, box) == {1: 1, 2: 0}
