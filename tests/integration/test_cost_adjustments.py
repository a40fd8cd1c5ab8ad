"""Changing a receipt's cost after it was received (adjust_service.py, used by supplier
invoices and landed costs): the part on hand moves the stock value and its layer, the part
gone goes to the account the document names, the entry balances, and `finance verify` and
`finance rebuild --check` stay clean, with postings before and after the change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.finance.adjust_service import (
    CostChange,
    DocLine,
    apply_cost_changes,
    plan_cost_changes,
    write_document_entry,
)
from scanfloor.finance.errors import PeriodClosed
from scanfloor.finance.periods_service import close_period
from scanfloor.finance.rebuild import rebuild_check
from scanfloor.finance.verify import verify
from tests import finance_helpers as fh

D = Decimal


def _charge(movement_id: int, amount: str, gone_role: str = "cogs", day: date | None = None):
    """A landed-cost-like change: Dr inventory (on hand) / Dr gone_role / Cr landed_cost."""
    with write_transaction():
        conn = db.session.connection()
        plan = plan_cost_changes(conn, [CostChange(movement_id, D(amount))])
        (a,) = plan.adjusted
        entry = write_document_entry(
            conn,
            kind="landed_cost",
            entry_date=day or date.today(),
            source_type="test",
            source_id=str(movement_id),
            memo="test charge",
            actor_id=None,
            lines=[
                DocLine("inventory", a.place_id, a.on_hand_amount, a.item_id),
                DocLine(gone_role, a.place_id, a.gone_amount, a.item_id),
                DocLine("landed_cost", None, -a.amount),
            ],
        )
        apply_cost_changes(conn, plan, kind="landed_cost", source_type="test",
                           source_id=str(movement_id), entry_id=entry, actor_id=None)  # fmt: skip
    return a


@pytest.mark.parametrize("method", ["fifo", "moving_average"])
def test_a_charge_on_a_receipt_fully_on_hand_raises_its_stock_value(app, method):
    s = fh.site()
    it = fh.item(method)
    m = fh.receive(it, s.bin, 10, "200")
    a = _charge(m, "250")
    assert (a.on_hand_quantity, a.on_hand_amount, a.gone_amount) == (10, D("250.00"), 0)
    assert fh.stock_value(it, s.wh) == (10, D("2250.00"))
    assert fh.balance("inventory", s.wh) == D("2250.00")
    assert fh.balance("landed_cost") == D("-250.00")
    if method == "fifo":
        assert fh.layers_left(it, s.wh) == [(10, "225", "2250.00")]
    assert verify() == []
    assert rebuild_check() == []


@pytest.mark.parametrize("method", ["fifo", "moving_average"])
def test_a_charge_after_part_of_the_receipt_shipped_puts_that_share_to_cogs(app, method):
    s = fh.site()
    it = fh.item(method)
    m = fh.receive(it, s.bin, 10, "10")
    fh.ship(it, s.bin, 4)
    a = _charge(m, "20")
    assert (a.on_hand_amount, a.gone_amount) == (D("12.00"), D("8.00"))
    assert fh.stock_value(it, s.wh) == (6, D("72.00"))
    assert fh.balance("cogs") == D("48.00")
    # What ships next carries the charge; a later receipt and issue replay in order.
    fh.ship(it, s.bin, 3)
    fh.receive(it, s.bin, 5, "11")
    fh.ship(it, s.bin, 4)
    assert fh.balance("inventory", s.wh) == fh.stock_value(it, s.wh)[1]
    assert verify() == []
    assert rebuild_check() == []


def test_an_invoice_below_the_receipt_price_lowers_stock_and_credits_variance_for_units_gone(app):
    s = fh.site()
    it = fh.item("fifo")
    m = fh.receive(it, s.bin, 10, "10")
    fh.ship(it, s.bin, 5)
    a = _charge(m, "-10", gone_role="price_variance")
    assert (a.on_hand_amount, a.gone_amount) == (D("-5.00"), D("-5.00"))
    assert fh.stock_value(it, s.wh) == (5, D("45.00"))
    assert fh.balance("price_variance") == D("-5.00")
    assert verify() == []
    assert rebuild_check() == []


def test_a_document_dated_in_a_closed_month_is_refused_and_changes_nothing(app):
    s = fh.site()
    it = fh.item("fifo")
    m = fh.receive(it, s.bin, 10, "10")
    before = fh.values_snapshot()
    close_period("2026-01", None)
    with pytest.raises(PeriodClosed):
        _charge(m, "5", day=date(2026, 1, 15))
    assert fh.values_snapshot() == before
    assert fh.balance("landed_cost") == 0
    assert verify() == []
