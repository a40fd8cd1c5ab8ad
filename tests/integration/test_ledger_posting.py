"""The one ledger writer: what a posting does, and what it refuses without keeping anything."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.errors import (
    IdempotencyMismatch,
    InsufficientStock,
    NotFound,
    ValidationFailed,
)
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from tests.ledger_helpers import (
    assert_ledger_clean,
    balance,
    balances_of,
    counts,
    location_id,
    make_bin,
    make_item,
    move,
)


@dataclass(frozen=True)
class Site:
    item: int
    other_item: int
    bin_a: int
    bin_b: int
    bin_c: int
    vendor: int
    customer: int
    adjust: int
    scrap: int


@pytest.fixture
def site(app: Any) -> Site:
    return Site(
        item=make_item(),
        other_item=make_item(),
        bin_a=make_bin(),
        bin_b=make_bin(),
        bin_c=make_bin(),
        vendor=location_id("VENDOR"),
        customer=location_id("CUSTOMER"),
        adjust=location_id("INV-ADJ"),
        scrap=location_id("SCRAP"),
    )


def line(item: int, qty: Any, src: int, dst: int, **kw: Any) -> MovementLine:
    return MovementLine(item_id=item, quantity=qty, from_location_id=src, to_location_id=dst, **kw)


def test_receipt_from_vendor_puts_stock_in_the_bin_and_balances_match_the_ledger(site):
    result = move(site.item, 40, site.vendor, site.bin_a, "receipt")

    assert result.replayed is False
    assert len(result.movement_ids) == 1
    assert balance(site.item, site.bin_a) == 40
    assert balance(site.item, site.vendor) == -40
    mv = db.session.get(Movement, result.movement_ids[0])
    assert (mv.item_id, mv.quantity, mv.from_location_id, mv.to_location_id, mv.movement_type) == (
        site.item,
        40,
        site.vendor,
        site.bin_a,
        "receipt",
    )
    assert mv.posting_id == result.posting_id
    assert_ledger_clean()


def test_rebuilt_balances_equal_the_ones_kept_by_the_writer(site):
    from scanfloor.ledger.verify import rebuild_balances

    move(site.item, 30, site.vendor, site.bin_a, "receipt")
    move(site.item, 12, site.bin_a, site.bin_b)
    move(site.other_item, 5, site.vendor, site.bin_c, "receipt")
    move(site.item, 2, site.bin_b, site.customer, "ship")
    kept = balances_of([site.item, site.other_item])

    rebuild_balances()

    assert balances_of([site.item, site.other_item]) == kept
    assert_ledger_clean()


def test_transfer_between_bins_moves_stock_and_nothing_else(site):
    move(site.item, 25, site.vendor, site.bin_a, "receipt")

    move(site.item, 10, site.bin_a, site.bin_b)

    assert balances_of([site.item]) == {
        (site.item, site.vendor): -25,
        (site.item, site.bin_a): 15,
        (site.item, site.bin_b): 10,
    }
    assert_ledger_clean()


def test_a_posting_with_several_lines_commits_them_together(site):
    move(site.item, 20, site.vendor, site.bin_a, "receipt")
    before = counts()

    result = post(
        PostingRequest(
            "transfer",
            (
                line(site.item, 5, site.bin_a, site.bin_b),
                line(site.item, 7, site.bin_a, site.bin_c),
                line(site.other_item, 3, site.vendor, site.bin_c),
            ),
        )
    )

    assert len(result.movement_ids) == 3
    assert counts() == (before[0] + 1, before[1] + 3)
    posting_ids = set(
        db.session.scalars(select(Movement.posting_id).where(Movement.id.in_(result.movement_ids)))
    )
    assert posting_ids == {result.posting_id}
    assert balance(site.item, site.bin_a) == 8
    assert balance(site.item, site.bin_b) == 5
    assert balance(site.item, site.bin_c) == 7
    assert balance(site.other_item, site.bin_c) == 3
    assert_ledger_clean()


def test_posting_whose_second_line_would_empty_a_bin_below_zero_is_refused_whole(site):
    move(site.item, 20, site.vendor, site.bin_a, "receipt")
    move(site.item, 4, site.vendor, site.bin_c, "receipt")
    before_counts = counts()
    before = balances_of([site.item])

    with pytest.raises(InsufficientStock) as info:
        post(
            PostingRequest(
                "transfer",
                (
                    line(site.item, 5, site.bin_a, site.bin_b),
                    line(site.item, 9, site.bin_c, site.customer),
                ),
                idempotency_key="refused-whole",
            )
        )

    assert info.value.details["item_id"] == site.item
    assert info.value.details["location_id"] == site.bin_c
    assert info.value.details["requested"] == 9
    assert info.value.details["available"] == 4
    assert counts() == before_counts
    assert balances_of([site.item]) == before
    assert balance(site.item, site.bin_b) == 0
    assert_ledger_clean()


def test_same_idempotency_key_twice_posts_once_and_replays_the_first_answer(site):
    req = PostingRequest(
        "receipt", (line(site.item, 12, site.vendor, site.bin_a),), idempotency_key="scan-0001"
    )
    first = post(req)
    after_first = counts()

    second = post(req)

    assert first.replayed is False
    assert second.replayed is True
    assert second.posting_id == first.posting_id
    assert second.movement_ids == first.movement_ids
    assert counts() == after_first
    assert balance(site.item, site.bin_a) == 12
    assert_ledger_clean()


def test_same_idempotency_key_with_a_different_body_is_refused(site):
    post(
        PostingRequest(
            "receipt", (line(site.item, 12, site.vendor, site.bin_a),), idempotency_key="scan-0002"
        )
    )
    after_first = counts()

    with pytest.raises(IdempotencyMismatch) as info:
        post(
            PostingRequest(
                "receipt",
                (line(site.item, 13, site.vendor, site.bin_a),),
                idempotency_key="scan-0002",
            )
        )

    assert info.value.details["idempotency_key"] == "scan-0002"
    assert counts() == after_first
    assert balance(site.item, site.bin_a) == 12


def test_virtual_locations_may_go_negative_but_a_physical_bin_never(site):
    move(site.item, 8, site.vendor, site.bin_a, "receipt")
    move(site.item, 3, site.adjust, site.bin_b, "adjustment")
    assert balance(site.item, site.vendor) == -8
    assert balance(site.item, site.adjust) == -3
    before = counts()

    with pytest.raises(InsufficientStock) as info:
        move(site.item, 9, site.bin_a, site.customer, "ship")

    assert info.value.details["available"] == 8
    assert info.value.details["requested"] == 9
    assert counts() == before
    assert balance(site.item, site.bin_a) == 8
    assert_ledger_clean()


def test_taking_from_a_bin_that_never_held_the_item_is_refused_with_nothing_available(site):
    with pytest.raises(InsufficientStock) as info:
        move(site.item, 1, site.bin_c, site.scrap, "scrap")

    assert info.value.details["available"] == 0
    assert counts() == (0, 0)


@pytest.mark.parametrize("quantity", [0, -5, 1.5, True, "3", Decimal("2"), 10**12 + 1])
def test_quantity_that_is_not_a_positive_whole_number_is_refused_before_any_write(site, quantity):
    before = counts()

    with pytest.raises(ValidationFailed) as info:
        post(
            PostingRequest(
                "receipt",
                (
                    line(site.item, 1, site.vendor, site.bin_a),
                    line(site.item, quantity, site.vendor, site.bin_a),
                ),
            )
        )

    assert info.value.details == {"line": 1}
    assert counts() == before
    assert balances_of([site.item]) == {}


def test_a_movement_must_go_from_one_place_to_another(site):
    with pytest.raises(ValidationFailed):
        move(site.item, 1, site.bin_a, site.bin_a)
    assert counts() == (0, 0)


def test_unknown_movement_type_or_empty_posting_is_refused(site):
    with pytest.raises(ValidationFailed):
        move(site.item, 1, site.vendor, site.bin_a, "teleport")
    with pytest.raises(ValidationFailed):
        post(PostingRequest("receipt", ()))
    assert counts() == (0, 0)


def test_unknown_location_is_refused_as_not_found_and_nothing_is_kept(site):
    missing = 987_654

    with pytest.raises(NotFound) as info:
        post(
            PostingRequest(
                "receipt",
                (
                    line(site.item, 4, site.vendor, site.bin_a),
                    line(site.item, 4, site.vendor, missing),
                ),
            )
        )

    assert info.value.details["location_ids"] == [missing]
    assert counts() == (0, 0)
    assert balances_of([site.item]) == {}


def test_every_item_sums_to_zero_over_all_locations(site):
    move(site.item, 50, site.vendor, site.bin_a, "receipt")
    move(site.item, 20, site.bin_a, site.bin_b)
    move(site.item, 5, site.bin_b, site.customer, "ship")
    move(site.item, 2, site.bin_a, site.scrap, "scrap")
    move(site.item, 1, site.adjust, site.bin_c, "adjustment")
    move(site.other_item, 9, site.vendor, site.bin_c, "receipt")
    move(site.other_item, 9, site.bin_c, site.customer, "ship")

    rows = db.session.execute(
        select(Balance.item_id, func.sum(Balance.quantity)).group_by(Balance.item_id)
    ).all()
    sums = {item_id: total for item_id, total in rows}

    assert sums == {site.item: 0, site.other_item: 0}
    assert balance(site.item, site.bin_a) == 28
    assert_ledger_clean()


# Bugs found while writing these tests, now fixed in the writer.


def test_unknown_item_is_refused_as_not_found_and_nothing_is_kept(site):
    with pytest.raises(NotFound):
        move(987_654, 3, site.vendor, site.bin_a, "receipt")
    assert counts() == (0, 0)


def test_reversing_a_movement_that_does_not_exist_is_refused_as_not_found(site):
    move(site.item, 5, site.vendor, site.bin_a, "receipt")
    before = counts()

    with pytest.raises(NotFound):
        post(
            PostingRequest(
                "reversal",
                (line(site.item, 5, site.bin_a, site.vendor, reverses_movement_id=987_654),),
            )
        )

    assert counts() == before


def test_an_idempotency_key_longer_than_200_characters_is_refused_before_any_write(site):
    before = counts()

    with pytest.raises(ValidationFailed):
        move(site.item, 1, site.vendor, site.bin_a, "receipt", key="k" * 201)

    assert counts() == before
