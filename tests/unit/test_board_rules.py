"""How the board names what a posting did (board/rules.py): a short pick's write-off never
reads as picked."""

from __future__ import annotations

from scanfloor.board.rules import FeedLine, FeedPart, line_kind, parts_of, summary


def _line(qty: int, to: str, virtual: bool = False, reason: str | None = None) -> FeedLine:
    return FeedLine(qty, reason, "A-01-01", to, virtual)


def test_a_short_picks_write_off_is_its_own_kind_beside_the_units_picked():
    lines = [_line(1, "PACK-01"), _line(84, "INV-ADJ", virtual=True, reason="short_pick")]
    parts = parts_of("pick", lines)
    assert parts == [
        FeedPart("pick", 1, 1, "PACK-01"),
        FeedPart("short-pick write-off", 84, 1, "INV-ADJ"),
    ]
    assert summary(parts) == "pick 1 \u2192 PACK-01, short-pick write-off 84 \u2192 INV-ADJ"


def test_a_floor_movement_into_a_virtual_location_without_a_reason_is_a_write_off():
    assert line_kind("putaway", _line(2, "INV-ADJ", virtual=True)) == "write-off"


def test_movements_that_normally_start_or_end_outside_keep_their_type():
    assert line_kind("receipt", _line(5, "DOCK-01")) == "receipt"
    assert line_kind("ship", _line(5, "CUSTOMER", virtual=True)) == "ship"
    adjustment = _line(5, "INV-ADJ", virtual=True, reason="damaged")
    assert line_kind("adjustment", adjustment) == "adjustment"


def test_lines_of_one_kind_and_destination_add_up_in_the_order_they_first_appear():
    lines = [_line(2, "PACK-01"), _line(3, "PACK-02"), _line(4, "PACK-01")]
    assert parts_of("pick", lines) == [
        FeedPart("pick", 6, 2, "PACK-01"),
        FeedPart("pick", 3, 1, "PACK-02"),
    ]


def test_a_long_posting_shows_its_first_parts_and_how_many_more():
    parts = [FeedPart("putaway", 1, 1, f"B-{n}") for n in range(6)]
    assert summary(parts).endswith("putaway 1 \u2192 B-3, +2 more")
