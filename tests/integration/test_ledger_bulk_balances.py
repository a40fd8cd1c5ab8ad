"""The writer's set-based path for postings of many balance keys (a batch pick) does what the
one-key-at-a-time path does: the same balances after, the same refusal (the first short key
in key order, with what it holds), and nothing kept when it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from scanfloor.errors import InsufficientStock
from scanfloor.extensions import db
from scanfloor.ledger import balance_sql
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from tests.ledger_helpers import (
    assert_ledger_clean,
    balances_of,
    counts,
    location_id,
    make_bin,
    make_item,
    move,
)

LINES = balance_sql.BULK_KEYS + 4  # past the threshold: the set-based path runs


def _stocked(n: int, quantity: int) -> tuple[list[int], list[int]]:
    """n items, each stocked `quantity` in a bin of its own."""
    items = [make_item() for _ in range(n)]
    bins = [make_bin() for _ in range(n)]
    for item, b in zip(items, bins, strict=True):
        move(item, quantity, location_id("VENDOR"), b, "receipt")
    return items, bins


def _transfer(items: list[int], bins: list[int], dest: int, qty: list[int]) -> PostingRequest:
    return PostingRequest(
        movement_type="transfer",
        lines=tuple(
            MovementLine(item_id=i, quantity=q, from_location_id=b, to_location_id=dest)
            for i, b, q in zip(items, bins, qty, strict=True)
        ),
    )


@pytest.fixture(params=["set_based", "one_key_at_a_time"])
def path(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "one_key_at_a_time":
        monkeypatch.setattr(balance_sql, "BULK_KEYS", 10**9)
    return str(request.param)


def test_a_posting_of_many_keys_moves_every_balance_as_single_postings_would(app, path):
    items, bins = _stocked(LINES, 5)
    dest = make_bin()
    qty = [1 + n % 5 for n in range(LINES)]
    move(items[0], 2, bins[0], dest)  # one destination key exists already, the rest are new

    result = post(_transfer(items, bins, dest, qty))

    assert len(result.movement_ids) == LINES
    got = balances_of(items)
    for n, (item, b) in enumerate(zip(items, bins, strict=True)):
        left = 5 - qty[n] - (2 if n == 0 else 0)
        assert got.get((item, b), 0) == left
        assert got[(item, dest)] == qty[n] + (2 if n == 0 else 0)
    assert_ledger_clean()


def test_a_posting_of_many_keys_may_take_a_bin_to_zero_and_a_virtual_source_below(app, path):
    items, bins = _stocked(LINES, 3)
    dest = make_bin()
    lines = [
        MovementLine(item_id=i, quantity=3, from_location_id=b, to_location_id=dest)
        for i, b in zip(items, bins, strict=True)
    ] + [
        MovementLine(
            item_id=items[0],
            quantity=7,
            from_location_id=location_id("VENDOR"),
            to_location_id=dest,
        )
    ]

    post(PostingRequest(movement_type="transfer", lines=tuple(lines)))

    got = balances_of(items)
    assert all((i, b) not in got for i, b in zip(items, bins, strict=True))
    assert got[(items[0], dest)] == 10 and got[(items[0], location_id("VENDOR"))] == -10
    assert_ledger_clean()


def test_a_posting_of_many_keys_refuses_the_first_short_key_in_key_order_and_keeps_nothing(
    app, path
):
    items, bins = _stocked(LINES, 4)
    dest = make_bin()
    qty = [2] * LINES
    qty[-1] = 9  # short by 5: the later key
    qty[3] = 6  # short by 2: the first short key in key order (items are created in order)
    before_counts, before = counts(), balances_of(items)

    with pytest.raises(InsufficientStock) as info:
        post(_transfer(items, bins, dest, qty))

    assert info.value.details == {
        "item_id": items[3],
        "location_id": bins[3],
        "lot_id": None,
        "container_id": None,
        "requested": 6,
        "available": 4,
    }
    db.session.rollback()
    assert counts() == before_counts and balances_of(items) == before
    assert_ledger_clean()


def test_a_posting_of_many_keys_from_a_bin_that_never_held_the_item_is_refused(app, path):
    items, bins = _stocked(LINES, 4)
    empty = make_bin()
    sources = list(bins)
    sources[5] = empty  # this item was never there: no balance row at all
    before_counts, before = counts(), balances_of(items)

    with pytest.raises(InsufficientStock) as info:
        post(_transfer(items, sources, make_bin(), [1] * LINES))

    assert (info.value.details["location_id"], info.value.details["available"]) == (empty, 0)
    db.session.rollback()
    assert counts() == before_counts and balances_of(items) == before
    assert_ledger_clean()
