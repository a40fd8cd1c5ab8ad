"""The daily demand projection's share of one posting (purchasing/demand_projection.py
`day_shares`), per (warehouse, day, item): shipped, ship lines, restocked returns and the
change of the warehouse's sellable stock, and per channel the shipped and returned units it
can be told to. Hand-built places and lines (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from itertools import count

from scanfloor.ledger.subscribers import PostedLine
from scanfloor.purchasing.demand_projection import Place, Shares, day_shares, utc_day

DAY = date(2026, 3, 14)
ITEM, OTHER_ITEM = 9, 10
WH, FAR = 100, 200
WEB, SHOP = 3, 4

# Location ids: the warehouse WH's bins, FAR's bin, a bin in no warehouse, the virtual ones.
BIN, BIN_2, PACK, RETURNS, FAR_BIN, LOOSE, CUSTOMER, VENDOR, SCRAP = range(1, 10)
PLACES = {
    BIN: Place(WH, sellable=True, customer=False),
    BIN_2: Place(WH, sellable=True, customer=False),
    PACK: Place(WH, sellable=False, customer=False),
    RETURNS: Place(WH, sellable=False, customer=False),
    FAR_BIN: Place(FAR, sellable=True, customer=False),
    LOOSE: Place(None, sellable=False, customer=False),
    CUSTOMER: Place(None, sellable=False, customer=True),
    VENDOR: Place(None, sellable=False, customer=False),
    SCRAP: Place(None, sellable=False, customer=False),
}
_ids = count(1000)


def line(
    src: int, dst: int, quantity: int, item: int = ITEM, reverses: int | None = None
) -> PostedLine:
    return PostedLine(
        movement_id=next(_ids),
        item_id=item,
        quantity=quantity,
        from_location_id=src,
        to_location_id=dst,
        lot_id=None,
        from_container_id=None,
        to_container_id=None,
        unit_cost=None,
        reason_code=None,
        reverses_movement_id=reverses,
    )


def shares(kind: str, *lines: PostedLine, channel_of: dict[int, int] | None = None) -> Shares:
    into = Shares()
    day_shares(kind, DAY, lines, PLACES, channel_of or {}, into)
    return into


def days(got: Shares) -> dict[tuple[int, date, int], list[int]]:
    """The demand_days rows the shares would write: [shipped, ships, returned, net], rows of
    zeros left out (write_shares skips them)."""
    return {k: list(v) for k, v in got.days.items() if any(v)}


def channels(got: Shares) -> dict[tuple[int, date, int, int], list[int]]:
    """The channel_demand_days rows: [shipped, returned], rows of zeros left out."""
    return {k: list(v) for k, v in got.channels.items() if any(v)}


# --- shipments and their reversals --------------------------------------------------------


def test_a_ship_from_a_sellable_bin_is_shipped_demand_and_lowers_the_sellable_stock():
    got = shares("ship", line(BIN, CUSTOMER, 4))

    assert days(got) == {(WH, DAY, ITEM): [4, 1, 0, -4]}


def test_a_ship_from_the_pack_station_is_shipped_demand_and_leaves_the_sellable_stock_alone():
    got = shares("ship", line(PACK, CUSTOMER, 4))

    assert days(got) == {(WH, DAY, ITEM): [4, 1, 0, 0]}


def test_every_ship_line_counts_as_one_ship_and_their_units_add_up():
    got = shares("ship", line(PACK, CUSTOMER, 4), line(PACK, CUSTOMER, 2),
                 line(PACK, CUSTOMER, 1, item=OTHER_ITEM))  # fmt: skip

    assert days(got) == {(WH, DAY, ITEM): [6, 2, 0, 0], (WH, DAY, OTHER_ITEM): [1, 1, 0, 0]}


def test_postings_of_the_same_day_add_to_the_same_shares():
    into = Shares()
    day_shares("ship", DAY, [line(PACK, CUSTOMER, 4)], PLACES, {}, into)
    day_shares("ship", DAY, [line(BIN, CUSTOMER, 3)], PLACES, {}, into)
    day_shares("ship", DAY + timedelta(days=1), [line(PACK, CUSTOMER, 1)], PLACES, {}, into)

    assert days(into) == {
        (WH, DAY, ITEM): [7, 2, 0, -3],
        (WH, DAY + timedelta(days=1), ITEM): [1, 1, 0, 0],
    }


def test_a_ship_that_does_not_go_to_the_customer_is_not_demand():
    got = shares("ship", line(PACK, SCRAP, 4))

    assert days(got) == {}


def test_a_ship_from_outside_any_warehouse_is_no_warehouses_demand():
    assert days(shares("ship", line(LOOSE, CUSTOMER, 4))) == {}
    assert days(shares("ship", line(VENDOR, CUSTOMER, 4))) == {}


def test_a_reversal_from_the_customer_takes_the_units_back_off_shipped():
    got = shares("reversal", line(CUSTOMER, PACK, 4, reverses=1))

    assert days(got) == {(WH, DAY, ITEM): [-4, 0, 0, 0]}  # not a ship line taken back


def test_a_reversal_from_the_customer_into_a_sellable_bin_also_raises_the_sellable_stock():
    got = shares("reversal", line(CUSTOMER, BIN, 4, reverses=1))

    assert days(got) == {(WH, DAY, ITEM): [-4, 0, 0, 4]}


def test_a_reversal_that_does_not_come_from_the_customer_is_not_a_shipment_taken_back():
    got = shares("reversal", line(PACK, BIN, 4, reverses=1))  # an undone pick

    assert days(got) == {(WH, DAY, ITEM): [0, 0, 0, 4]}


# --- returns --------------------------------------------------------------------------------


def test_a_return_into_a_sellable_bin_from_the_returns_desk_is_a_restock():
    got = shares("return", line(RETURNS, BIN, 2))

    assert days(got) == {(WH, DAY, ITEM): [0, 0, 2, 2]}


def test_a_return_straight_from_the_customer_into_a_sellable_bin_is_a_restock():
    got = shares("return", line(CUSTOMER, BIN, 2))

    assert days(got) == {(WH, DAY, ITEM): [0, 0, 2, 2]}


def test_a_customer_return_received_at_the_returns_desk_is_not_yet_restocked():
    got = shares("return", line(CUSTOMER, RETURNS, 2))

    assert days(got) == {}


def test_a_return_from_a_sellable_bin_of_the_same_warehouse_is_not_a_restock():
    got = shares("return", line(BIN, BIN_2, 2))

    assert days(got) == {}  # out of and into the sellable stock: it nets 0 too


def test_a_return_from_another_warehouses_sellable_bin_restocks_this_one():
    got = shares("return", line(FAR_BIN, BIN, 2))

    assert days(got) == {(WH, DAY, ITEM): [0, 0, 2, 2], (FAR, DAY, ITEM): [0, 0, 0, -2]}


def test_a_return_to_a_non_sellable_place_is_not_a_restock():
    assert days(shares("return", line(RETURNS, PACK, 2))) == {}
    assert days(shares("return", line(BIN, RETURNS, 2))) == {(WH, DAY, ITEM): [0, 0, 0, -2]}


def test_a_movement_into_a_sellable_bin_that_is_not_a_return_is_no_restock():
    got = shares("putaway", line(RETURNS, BIN, 2))

    assert days(got) == {(WH, DAY, ITEM): [0, 0, 0, 2]}


# --- the sellable stock ---------------------------------------------------------------------


def test_a_bin_to_bin_move_in_one_warehouse_nets_zero():
    got = shares("transfer", line(BIN, BIN_2, 5))

    assert days(got) == {}
    assert got.days[(WH, DAY, ITEM)] == [0, 0, 0, 0]  # touched, but write_shares skips it


def test_a_transfer_between_two_warehouses_lowers_one_and_raises_the_other():
    got = shares("transfer", line(BIN, FAR_BIN, 5))

    assert days(got) == {(WH, DAY, ITEM): [0, 0, 0, -5], (FAR, DAY, ITEM): [0, 0, 0, 5]}


def test_a_receipt_into_a_sellable_bin_raises_the_sellable_stock_and_a_pick_lowers_it():
    assert days(shares("receipt", line(VENDOR, BIN, 20))) == {(WH, DAY, ITEM): [0, 0, 0, 20]}
    assert days(shares("pick", line(BIN, PACK, 3))) == {(WH, DAY, ITEM): [0, 0, 0, -3]}


def test_stock_moved_outside_the_sellable_stock_changes_nothing():
    assert days(shares("pack", line(PACK, PACK, 3))) == {}
    assert days(shares("putaway", line(PACK, RETURNS, 3))) == {}


def test_virtual_to_virtual_adds_nothing():
    got = shares("adjustment", line(VENDOR, SCRAP, 3), line(CUSTOMER, VENDOR, 1))

    assert days(got) == {}
    assert channels(got) == {}
    assert dict(got.days) == {}


# --- channels -------------------------------------------------------------------------------


def test_shipped_units_count_for_the_channel_their_line_is_told_to():
    web, shop, unknown = line(PACK, CUSTOMER, 4), line(PACK, CUSTOMER, 2), line(PACK, CUSTOMER, 1)

    got = shares("ship", web, shop, unknown,
                 channel_of={web.movement_id: WEB, shop.movement_id: SHOP})  # fmt: skip

    assert channels(got) == {(WH, DAY, ITEM, WEB): [4, 0], (WH, DAY, ITEM, SHOP): [2, 0]}
    # A line no channel can be told to is in the warehouse's figures only.
    assert days(got) == {(WH, DAY, ITEM): [7, 3, 0, 0]}


def test_a_reversed_shipment_comes_off_its_channel():
    undo = line(CUSTOMER, PACK, 4, reverses=1)

    got = shares("reversal", undo, channel_of={undo.movement_id: WEB})

    assert channels(got) == {(WH, DAY, ITEM, WEB): [-4, 0]}


def test_a_restocked_return_counts_for_its_channel():
    restock = line(RETURNS, BIN, 2)

    got = shares("return", restock, channel_of={restock.movement_id: SHOP})

    assert channels(got) == {(WH, DAY, ITEM, SHOP): [0, 2]}


def test_a_line_that_is_not_demand_gets_no_channel_share_even_with_a_channel():
    desk, pick = line(CUSTOMER, RETURNS, 2), line(BIN, PACK, 3)

    got = Shares()
    day_shares("return", DAY, [desk], PLACES, {desk.movement_id: WEB}, got)
    day_shares("pick", DAY, [pick], PLACES, {pick.movement_id: WEB}, got)

    assert channels(got) == {}


# --- the day ----------------------------------------------------------------------------------


def test_the_day_of_an_aware_time_is_its_utc_date():
    new_york = timezone(timedelta(hours=-5))
    berlin = timezone(timedelta(hours=2))

    assert utc_day(datetime(2026, 3, 14, 21, 30, tzinfo=new_york)) == date(2026, 3, 15)
    assert utc_day(datetime(2026, 3, 15, 1, 30, tzinfo=berlin)) == date(2026, 3, 14)
    assert utc_day(datetime(2026, 3, 14, 23, 59, tzinfo=UTC)) == date(2026, 3, 14)


def test_the_day_of_a_naive_time_takes_it_as_utc():
    assert utc_day(datetime(2026, 3, 14, 23, 59)) == date(2026, 3, 14)
