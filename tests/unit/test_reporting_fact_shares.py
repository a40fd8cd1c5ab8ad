"""What one posting adds to the reports' daily facts (reporting/facts_projection.fact_shares),
worked by hand: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from scanfloor.ledger.subscribers import PostedLine
from scanfloor.reporting.facts_projection import Place, Shares, fact_shares, quarter_of

BIN, OTHER_BIN, PACK, CUSTOMER, VENDOR = 1, 2, 3, 90, 91
PLACES = {
    BIN: Place(physical=True, zone_id=10),
    OTHER_BIN: Place(physical=True, zone_id=0),
    PACK: Place(physical=True, zone_id=0),
    CUSTOMER: Place(physical=False, zone_id=0),
    VENDOR: Place(physical=False, zone_id=0),
}
AT = datetime(2026, 3, 2, 9, 20, tzinfo=UTC)  # quarter (9 * 60 + 20) // 15 = 37


def _line(mid, qty, src, dst, item=7, reason=None):
    return PostedLine(mid, item, qty, src, dst, None, None, None, None, reason, None)


def test_the_quarter_hour_of_a_time_is_counted_on_its_utc_day():
    assert quarter_of(datetime(2026, 3, 2, 0, 0, tzinfo=UTC)) == 0
    assert quarter_of(datetime(2026, 3, 2, 23, 59, tzinfo=UTC)) == 95
    new_york = timezone(timedelta(hours=-5))
    assert quarter_of(datetime(2026, 3, 2, 4, 20, tzinfo=new_york)) == 37  # 09:20 UTC


def test_a_bin_to_bin_move_is_out_of_one_and_into_the_other():
    into = Shares()
    fact_shares("transfer", AT, None, [_line(1, 4, BIN, OTHER_BIN)], PLACES, {}, into)
    day = date(2026, 3, 2)
    assert dict(into.facts) == {
        (day, BIN, 7, "transfer", "", 0): [1, 0, 4, Decimal(0), Decimal(0)],
        (day, OTHER_BIN, 7, "transfer", "", 0): [1, 4, 0, Decimal(0), Decimal(0)],
    }
    assert dict(into.quarters) == {}  # nobody posted it: no labour


def test_a_virtual_side_has_no_facts_and_the_value_goes_with_the_physical_side():
    into = Shares()
    values = {5: Decimal("12.50")}
    fact_shares("receipt", AT, 4, [_line(5, 5, VENDOR, BIN)], PLACES, values, into)
    day = date(2026, 3, 2)
    assert dict(into.facts) == {(day, BIN, 7, "receipt", "", 4): [1, 5, 0, Decimal("12.50"), 0]}
    # The worker's quarter: one posting, one line of 5 units, in the bin's zone 10.
    assert dict(into.quarters) == {(day, 37, 4, 10, "receipt"): [1, 1, 5]}


def test_a_posting_across_two_zones_counts_once_in_each_and_its_lines_where_they_were():
    into = Shares()
    lines = [_line(1, 2, BIN, PACK), _line(2, 3, BIN, PACK, item=8), _line(3, 1, OTHER_BIN, PACK)]
    fact_shares("pick", AT, 4, lines, PLACES, {}, into)
    day = date(2026, 3, 2)
    # Zone 10 (the bin's): 1 posting, 2 lines, 2 + 3 units; zone 0 (neither side has one):
    # the same posting once more, 1 line of 1 unit.
    assert dict(into.quarters) == {
        (day, 37, 4, 10, "pick"): [1, 2, 5],
        (day, 37, 4, 0, "pick"): [1, 1, 1],
    }


def test_two_postings_on_one_row_add_up_and_the_reason_is_part_of_the_key():
    into = Shares()
    fact_shares("count", AT, 4, [_line(1, 3, BIN, CUSTOMER, reason="count_loss")], PLACES,
                {1: Decimal("7.5")}, into)  # fmt: skip
    fact_shares("count", AT, 4, [_line(2, 1, BIN, CUSTOMER, reason="count_loss")], PLACES,
                {2: Decimal("2.5")}, into)  # fmt: skip
    day = date(2026, 3, 2)
    assert into.facts[(day, BIN, 7, "count", "count_loss", 4)] == [2, 0, 4, 0, Decimal("10.0")]
    assert into.quarters[(day, 37, 4, 10, "count")] == [2, 2, 4]


def test_virtual_to_virtual_adds_nothing():
    into = Shares()
    fact_shares("adjustment", AT, 4, [_line(1, 3, VENDOR, CUSTOMER)], PLACES, {}, into)
    assert dict(into.facts) == {} and dict(into.quarters) == {}


def test_a_short_picks_write_off_is_no_work_in_hand_but_the_pick_still_counts():
    from scanfloor.picking.short_service import REASON
    from scanfloor.reporting.facts_models import NOT_IN_HAND

    assert REASON in NOT_IN_HAND  # the reason picking writes off with
    into = Shares()
    lines = [_line(1, 2, BIN, PACK), _line(2, 5, BIN, CUSTOMER, reason=REASON)]
    fact_shares("pick", AT, 4, lines, PLACES, {}, into)
    # One posting in zone 10; its one line in hand of 2 units; the 5 written off are not.
    assert dict(into.quarters) == {(date(2026, 3, 2), 37, 4, 10, "pick"): [1, 1, 2]}
    found_nothing = Shares()
    fact_shares(
        "pick", AT, 4, [_line(3, 5, BIN, CUSTOMER, reason=REASON)], PLACES, {}, found_nothing
    )
    assert dict(found_nothing.quarters) == {(date(2026, 3, 2), 37, 4, 10, "pick"): [1, 0, 0]}
