"""The journal: one balanced entry per valued movement, linked to it and to its posting;
a reversal reverses the entry exactly (same accounts, sides swapped, naming the entry it
reverses) and puts the stock value back; entries and lines are append-only in the
database. The reads (journal pages, the trial balance) add up to the same figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from scanfloor.extensions import db
from scanfloor.finance import queries
from scanfloor.finance.verify import verify
from scanfloor.ledger.service import reverse_movement
from tests import finance_helpers as fh
from tests.factories import virtual
from tests.returns_helpers import return_site, scanned_item, shipped_order

D = Decimal


def test_an_entry_names_its_movement_posting_source_date_and_period(app, users):
    s = fh.site()
    it = fh.item()
    when = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    res = fh.posting(
        "receipt",
        fh.line(it, 4, virtual("VENDOR"), s.bin, unit_cost=D("1.25")),
        occurred_at=when,
        actor_id=users["manager"].id,
        source_type="manual",
        source_id="GRN-7",
    )
    entry, lines = fh.entry_of(res.movement_ids[0])
    assert entry is not None
    assert (entry.movement_id, entry.posting_id) == (res.movement_ids[0], res.posting_id)
    assert (entry.entry_date, entry.period, entry.kind) == (date(2026, 3, 31), "2026-03", "receipt")
    assert (entry.source_type, entry.source_id, entry.created_by) == (
        "manual",
        "GRN-7",
        users["manager"].id,
    )
    assert sum(d for _, d, _ in lines) == sum(c for _, _, c in lines) == D("5.00")


def test_a_shipment_books_cogs_against_the_inventory_of_its_warehouse(app):
    rs = return_site(app)
    it = scanned_item(rs, 0)
    fh.receive(it, rs.site.bin, 5, "3.10")
    shipped_order(rs, [(it, 2)])
    (ship,) = fh.movements_of(it.id, "ship")
    entry, lines = fh.entry_of(ship)
    assert entry is not None and (entry.kind, entry.source_type) == ("shipment", "shipment")
    assert fh.codes(lines) == {("5000", "6.20", "0.00"), ("1300", "0.00", "6.20")}
    # Picking and packing moved the units inside the warehouse: no entries for them.
    for kind in ("pick", "pack"):
        for movement in fh.movements_of(it.id, kind):
            assert fh.entry_of(movement) == (None, [])
    assert fh.balance("inventory", rs.warehouse) == D("9.30")


@pytest.mark.parametrize("method", ["moving_average", "fifo"])
def test_reversing_a_receipt_reverses_its_entry_exactly_and_puts_the_value_back(app, users, method):
    s = fh.site()
    it = fh.item(method)
    fh.receive(it, s.bin, 4, "2.50")
    before = fh.stock_value(it, s.wh)
    wrong = fh.receive(it, s.bin, 6, "3.33")
    undo = reverse_movement(wrong, actor_id=users["manager"].id).movement_ids[0]

    original, lines = fh.entry_of(wrong)
    reversal, back = fh.entry_of(undo)
    assert original is not None and reversal is not None
    assert reversal.reverses_entry_id == original.id
    assert reversal.kind == original.kind == "receipt"
    assert sorted(back) == sorted((c, k, d) for c, d, k in lines)
    mv = fh.movement_value(undo)
    assert mv is not None and (D(mv.value), mv.cost_source) == (D("19.98"), "reversal")
    assert fh.stock_value(it, s.wh) == before == (4, D("10.00"))
    assert fh.balance("grni") == D("-10.00")
    if method == "fifo":
        assert fh.layers_left(it, s.wh) == [(4, "2.5", "10.00")]
    assert verify() == []


@pytest.mark.parametrize("method", ["moving_average", "fifo"])
def test_reversing_a_shipment_reverses_its_entry_exactly_and_puts_the_value_back(
    app, users, method
):
    s = fh.site()
    it = fh.item(method)
    fh.receive(it, s.bin, 3, "10")
    fh.receive(it, s.bin, 3, "12")
    before = fh.stock_value(it, s.wh)
    shipped = fh.ship(it, s.bin, 4)
    undo = reverse_movement(shipped, actor_id=users["manager"].id).movement_ids[0]

    original, lines = fh.entry_of(shipped)
    reversal, back = fh.entry_of(undo)
    assert original is not None and reversal is not None
    assert reversal.reverses_entry_id == original.id
    assert sorted(back) == sorted((c, k, d) for c, d, k in lines)
    assert fh.stock_value(it, s.wh) == before == (6, D("66.00"))
    assert fh.balance("cogs") == D("0.00")
    assert verify() == []


def test_reversing_a_fifo_receipt_partly_issued_puts_the_difference_to_cogs(app, users):
    """Receive 5 @ 10 and 5 @ 20, ship 3 (from the first), reverse the first receipt: its
    layer gives its 2 units left, the 3 more come from the second (60); the entry reverses
    the receipt's 50 and puts the 30 it took beyond them to COGS."""
    s = fh.site()
    it = fh.item("fifo")
    first = fh.receive(it, s.bin, 5, "10")
    fh.receive(it, s.bin, 5, "20")
    fh.ship(it, s.bin, 3)
    undo = reverse_movement(first, actor_id=users["manager"].id).movement_ids[0]
    _, lines = fh.entry_of(undo)
    assert fh.codes(lines) == {
        ("2100", "50.00", "0.00"),
        ("1300", "0.00", "50.00"),
        ("5000", "30.00", "0.00"),
        ("1300", "0.00", "30.00"),
    }
    assert fh.stock_value(it, s.wh) == (2, D("40.00"))
    assert fh.layers_left(it, s.wh) == [(2, "20", "40.00")]
    assert verify() == []


@pytest.mark.parametrize("table", ["journal_lines", "journal_entries", "movement_values"])
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_the_database_refuses_to_change_booked_rows(app, table, verb):
    s = fh.site()
    fh.receive(fh.item(), s.bin, 1, "1")
    column = {"journal_lines": "debit", "journal_entries": "memo", "movement_values": "value"}
    value = {"journal_lines": "2", "journal_entries": "'x'", "movement_values": "2"}
    sql = (
        f"UPDATE {table} SET {column[table]} = {value[table]}"
        if verb == "UPDATE"
        else f"DELETE FROM {table}"
    )
    with pytest.raises(DBAPIError):
        db.session.execute(text(sql))
        db.session.flush()
    db.session.rollback()
    assert verify() == []


def test_the_journal_pages_newest_first_and_the_trial_balance_adds_up(app):
    s = fh.site()
    it = fh.item()
    received = [fh.receive(it, s.bin, 2, cost) for cost in ("1.00", "2.00", "3.00")]
    shipped = fh.ship(it, s.bin, 3)

    page = queries.journal(limit=2)
    assert [e.movement_id for e in page.rows] == [shipped, received[2]]
    rest = queries.journal(limit=2, cursor=page.next_cursor)
    assert [e.movement_id for e in rest.rows] == received[1::-1] and rest.next_cursor is None
    (only,) = queries.journal(movement_id=shipped).rows
    assert {(ln.account_code, ln.debit, ln.credit) for ln in only.lines} == {
        ("5000", D("6.00"), D("0.00")),
        ("1300", D("0.00"), D("6.00")),
    }
    by_account = queries.journal(account_id=fh.account_id("cogs")).rows
    assert [e.movement_id for e in by_account] == [shipped]

    tb = queries.trial_balance()
    assert tb.balanced and tb.debit == tb.credit == D("18.00")
    rows = {a.code: a for a in tb.accounts}
    assert (rows["1300"].debit, rows["1300"].credit, rows["1300"].balance) == (
        D("12.00"),
        D("6.00"),
        D("6.00"),
    )
    assert rows["2100"].balance == D("-12.00") and rows["5000"].balance == D("6.00")
    assert queries.trial_balance("2000-01").debit == D("0.00")

    (row,) = queries.valuation(warehouse_id=s.wh.id, item_id=it.id).rows
    assert (row.quantity, row.value, row.unit_cost, row.method) == (
        3,
        D("6.00"),
        D("2.000000"),
        "moving_average",
    )
