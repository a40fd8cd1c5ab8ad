"""Accounting months: a closed month refuses every posting whose valuation would be dated
in it (409 period_closed, nothing written), a reversal posts now into the open month, and
closing is idempotent, never for a month still to come, and reversible by reopening."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from scanfloor.errors import ValidationFailed
from scanfloor.finance import queries
from scanfloor.finance.errors import PeriodClosed, PeriodInFuture
from scanfloor.finance.period_rules import period_of
from scanfloor.finance.periods_service import close_period, reopen_period
from scanfloor.finance.verify import verify
from scanfloor.timeutil import utcnow
from tests import finance_helpers as fh
from tests.factories import ledger_snapshot

D = Decimal
JANUARY = datetime(2020, 1, 15, 10, 0, tzinfo=UTC)


def _receipt_body(it, bin_, when: str) -> dict:
    return {
        "type": "receipt",
        "occurred_at": when,
        "lines": [
            {"item_id": it.id, "quantity": 5, "from_location": "VENDOR",
             "to_location": bin_.code, "unit_cost": "2.00"}
        ],
    }  # fmt: skip


def test_a_receipt_dated_in_a_closed_month_is_refused_and_nothing_is_written(
    app, client, auth, users
):
    s = fh.site()
    it = fh.item()
    fh.receive(it, s.bin, 2, "1.50")
    close_period("2020-01", users["manager"].id)
    ledger, counts, values = ledger_snapshot(), fh.table_counts(), fh.values_snapshot()
    trial = queries.trial_balance()

    r = client.post(
        "/api/v1/movements",
        headers=auth("manager"),
        json=_receipt_body(it, s.bin, "2020-01-20T08:00:00Z"),
    )
    assert r.status_code == 409, r.get_json()
    error = r.get_json()["error"]
    assert (error["code"], error["details"]) == ("period_closed", {"period": "2020-01"})
    assert ledger_snapshot() == ledger
    assert fh.table_counts() == counts
    assert fh.values_snapshot() == values
    assert queries.trial_balance() == trial

    r = client.post(
        "/api/v1/movements",
        headers=auth("manager"),
        json=_receipt_body(it, s.bin, "2020-02-01T00:00:00Z"),
    )
    assert r.status_code == 201, r.get_json()
    assert fh.stock_value(it, s.wh) == (7, D("13.00"))
    assert verify() == []


def test_a_posting_that_moves_no_value_is_not_refused_in_a_closed_month(app, users):
    s = fh.site()
    it = fh.item()
    fh.receive(it, s.bin, 2, "1.50")
    close_period("2020-01", users["manager"].id)
    moved = fh.posting("transfer", fh.line(it, 1, s.bin, s.bin2), occurred_at=JANUARY)
    assert fh.movement_value(moved.movement_ids[0]) is None


def test_a_reversal_of_a_movement_in_a_closed_month_lands_in_the_open_month(
    app, client, auth, users
):
    s = fh.site()
    it = fh.item()
    old = fh.receive(it, s.bin, 3, "4", occurred_at=JANUARY)
    close_period("2020-01", users["manager"].id)

    r = client.post(f"/api/v1/movements/{old}/reverse", headers=auth("manager"), json={})
    assert r.status_code == 201, r.get_json()
    undo = r.get_json()["movements"][0]["id"]
    original, _ = fh.entry_of(old)
    reversal, lines = fh.entry_of(undo)
    assert original is not None and reversal is not None
    assert original.period == "2020-01"
    assert reversal.period == period_of(utcnow().date())
    assert reversal.reverses_entry_id == original.id
    assert fh.codes(lines) == {("2100", "12.00", "0.00"), ("1300", "0.00", "12.00")}
    assert fh.stock_value(it, s.wh) == (0, D("0.00"))
    assert verify() == []


def test_a_month_reopened_takes_back_dated_postings_again(app, users):
    s = fh.site()
    it = fh.item()
    closed = close_period("2020-01", users["manager"].id)
    assert (closed.status, closed.closed_by) == ("closed", users["manager"].id)
    with pytest.raises(PeriodClosed):
        fh.receive(it, s.bin, 1, "1", occurred_at=JANUARY)
    opened = reopen_period("2020-01", users["admin"].id)
    assert (opened.status, opened.closed_at) == ("open", None)
    fh.receive(it, s.bin, 1, "1", occurred_at=JANUARY)
    assert fh.stock_value(it, s.wh) == (1, D("1.00"))


def test_closing_is_idempotent_and_lists_the_month(app, users):
    first = close_period("2020-01", users["manager"].id)
    again = close_period("2020-01", users["admin"].id)
    assert again == first
    listed = {p.period: p for p in queries.periods()}
    assert listed["2020-01"].status == "closed"
    assert listed[period_of(utcnow().date())].status == "open"


def test_a_month_still_to_come_or_a_malformed_one_cannot_close(app, users):
    now = utcnow().date()
    later = f"{now.year + 1:04d}-{now.month:02d}"
    with pytest.raises(PeriodInFuture):
        close_period(later, users["manager"].id)
    for bad in ("2020-13", "2020-1", "January", ""):
        with pytest.raises(ValidationFailed):
            close_period(bad, users["manager"].id)
    assert close_period(period_of(now), users["manager"].id).status == "closed"
