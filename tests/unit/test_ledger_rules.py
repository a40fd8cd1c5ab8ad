"""Ledger rules: what a movement line may be, its net effect on balances, the fingerprint that
tells a replay from a reused key, and the line that reverses a movement (no database)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from scanfloor.ledger.rules import (
    MAX_QUANTITY,
    BalanceKey,
    LineError,
    MovementLine,
    PostingRequest,
    check_line,
    fingerprint,
    net_deltas,
    reversal_of,
)

ITEM, DOCK, BIN, VENDOR = 7, 10, 20, 1
LOT, TOTE, PALLET = 33, 501, 502


def line(**changes: object) -> MovementLine:
    base: dict[str, object] = {
        "item_id": ITEM,
        "quantity": 12,
        "from_location_id": DOCK,
        "to_location_id": BIN,
    }
    return MovementLine(**(base | changes))  # type: ignore[arg-type]


def refusal(bad: MovementLine) -> str:
    with pytest.raises(LineError) as caught:
        check_line(bad)
    return str(caught.value)


# --- one line ------------------------------------------------------------------------------


def test_a_whole_positive_quantity_between_two_places_is_a_line():
    check_line(line())
    check_line(line(quantity=1))
    check_line(line(unit_cost=Decimal("0")))
    check_line(line(unit_cost=Decimal("2.50")))


def test_the_largest_quantity_passes_and_one_more_is_refused():
    check_line(line(quantity=MAX_QUANTITY))
    assert MAX_QUANTITY == 10**12
    assert refusal(line(quantity=MAX_QUANTITY + 1)) == "quantity must be at most 1000000000000"


@pytest.mark.parametrize("quantity", [0, -1, -12])
def test_zero_and_negative_quantities_are_refused(quantity):
    assert refusal(line(quantity=quantity)) == "quantity must be positive"


@pytest.mark.parametrize("quantity", [True, 1.0, Decimal("1"), "1"])
def test_a_quantity_is_an_integer_number_of_base_units(quantity):
    assert refusal(line(quantity=quantity)) == "quantity must be an integer number of base units"


def test_a_line_must_go_from_one_place_to_another():
    assert refusal(line(to_location_id=DOCK)) == "a movement must go from one place to another"
    same_tote = line(to_location_id=DOCK, from_container_id=TOTE, to_container_id=TOTE)
    assert refusal(same_tote) == "a movement must go from one place to another"


def test_moving_into_or_out_of_a_container_in_the_same_location_is_a_move():
    check_line(line(to_location_id=DOCK, to_container_id=TOTE))
    check_line(line(to_location_id=DOCK, from_container_id=TOTE))
    check_line(line(to_location_id=DOCK, from_container_id=TOTE, to_container_id=PALLET))


def test_a_negative_unit_cost_is_refused():
    assert refusal(line(unit_cost=Decimal("-0.01"))) == "unit cost cannot be negative"


# --- net effect on balances ------------------------------------------------------------------


def test_a_line_takes_from_its_source_and_adds_to_its_destination():
    assert net_deltas([line()]) == [
        (BalanceKey(ITEM, DOCK, 0, 0), -12),
        (BalanceKey(ITEM, BIN, 0, 0), 12),
    ]


def test_lot_and_containers_are_part_of_where_stock_sits():
    moved = line(lot_id=LOT, from_container_id=TOTE, to_container_id=PALLET, quantity=3)
    assert net_deltas([moved]) == [
        (BalanceKey(ITEM, DOCK, LOT, TOTE), -3),
        (BalanceKey(ITEM, BIN, LOT, PALLET), 3),
    ]


def test_effects_on_one_place_add_up_and_cancelling_ones_drop_out():
    there = line(quantity=5)
    back = line(quantity=5, from_location_id=BIN, to_location_id=DOCK)
    onward = line(quantity=2, from_location_id=BIN, to_location_id=VENDOR)
    assert net_deltas([there, back]) == []
    assert net_deltas([there, onward]) == [
        (BalanceKey(ITEM, VENDOR, 0, 0), 2),
        (BalanceKey(ITEM, DOCK, 0, 0), -5),
        (BalanceKey(ITEM, BIN, 0, 0), 3),
    ]


def test_balance_keys_come_sorted_so_rows_are_always_locked_in_one_order():
    lines = [
        line(item_id=9, from_location_id=BIN, to_location_id=DOCK),
        line(item_id=2),
        line(item_id=2, lot_id=LOT),
    ]
    keys = [key for key, _ in net_deltas(lines)]
    assert keys == sorted(keys)
    assert keys[0] == BalanceKey(2, DOCK, 0, 0)
    assert len(keys) == 6


# --- fingerprint ------------------------------------------------------------------------


def request(*lines: MovementLine, **changes: object) -> PostingRequest:
    base: dict[str, object] = {
        "movement_type": "receipt",
        "lines": lines or (line(),),
        "source_type": "po",
        "source_id": "PO-1",
        "idempotency_key": "k-1",
    }
    return PostingRequest(**(base | changes))  # type: ignore[arg-type]


def test_the_same_posting_has_the_same_fingerprint():
    first = fingerprint(request(line(unit_cost=Decimal("2.50"))))
    assert first == fingerprint(request(line(unit_cost=Decimal("2.50"))))
    assert len(first) == 64
    assert int(first, 16) >= 0


def test_who_posts_when_and_with_which_key_is_not_part_of_what_is_asked():
    plain = fingerprint(request())
    assert plain == fingerprint(request(idempotency_key="k-2", actor_id=4, device_id="HH-1"))
    assert plain == fingerprint(request(meta={"note": "retry"}))


@pytest.mark.parametrize(
    "other",
    [
        request(movement_type="adjustment"),
        request(source_type="transfer"),
        request(source_id="PO-2"),
        request(line(item_id=ITEM + 1)),
        request(line(quantity=13)),
        request(line(from_location_id=VENDOR)),
        request(line(to_location_id=VENDOR)),
        request(line(lot_id=LOT)),
        request(line(from_container_id=TOTE)),
        request(line(to_container_id=TOTE)),
        request(line(unit_cost=Decimal("2.51"))),
        request(line(unit_cost=Decimal("0"))),
        request(line(reason_code="damaged")),
        request(line(reverses_movement_id=99)),
        request(line(), line()),
    ],
    ids=[
        "type",
        "source type",
        "source id",
        "item",
        "quantity",
        "from",
        "to",
        "lot",
        "from container",
        "to container",
        "unit cost",
        "zero cost",
        "reason",
        "reverses",
        "lines",
    ],
)
def test_any_change_to_what_is_asked_changes_the_fingerprint(other):
    assert fingerprint(other) != fingerprint(request())


def test_a_retry_with_another_unit_cost_is_not_a_replay():
    assert fingerprint(request(line(unit_cost=Decimal("2.50")))) != fingerprint(
        request(line(unit_cost=Decimal("2.60")))
    )


def test_the_fingerprint_is_the_sha256_of_the_canonical_body():
    # Kept answers store this hash: a new form would turn every retry into "key reused".
    body = (
        '{"lines":[[7,12,10,20,33,501,502,"2.50","damaged",null]],'
        '"source":["po","PO-1"],"type":"receipt"}'
    )
    asked = line(
        lot_id=LOT,
        from_container_id=TOTE,
        to_container_id=PALLET,
        unit_cost=Decimal("2.50"),
        reason_code="damaged",
    )
    assert fingerprint(request(asked)) == hashlib.sha256(body.encode()).hexdigest()


# --- reversal ---------------------------------------------------------------------------


def test_a_reversal_moves_the_same_quantity_back_and_names_what_it_reverses():
    undo = reversal_of(ITEM, 12, DOCK, BIN, None, None, None, movement_id=41)
    assert undo == MovementLine(
        item_id=ITEM,
        quantity=12,
        from_location_id=BIN,
        to_location_id=DOCK,
        reason_code="reversal",
        reverses_movement_id=41,
    )


def test_a_reversal_of_a_lot_tracked_movement_keeps_the_lot():
    undo = reversal_of(ITEM, 4, DOCK, BIN, LOT, None, None, movement_id=42)
    assert undo.lot_id == LOT
    assert net_deltas([line(quantity=4, lot_id=LOT), undo]) == []


def test_a_reversal_of_a_containerised_movement_swaps_the_containers_too():
    undo = reversal_of(ITEM, 6, DOCK, BIN, LOT, TOTE, PALLET, movement_id=43)
    assert (undo.from_location_id, undo.from_container_id) == (BIN, PALLET)
    assert (undo.to_location_id, undo.to_container_id) == (DOCK, TOTE)
    original = line(quantity=6, lot_id=LOT, from_container_id=TOTE, to_container_id=PALLET)
    assert net_deltas([original, undo]) == []
    check_line(undo)


def test_a_line_without_a_cost_is_fingerprinted_with_a_null_cost():
    body = (
        '{"lines":[[7,12,10,20,null,null,null,null,null,null]],'
        '"source":[null,null],"type":"transfer"}'
    )
    posting = PostingRequest("transfer", (line(),))
    assert fingerprint(posting) == hashlib.sha256(body.encode()).hexdigest()
