"""The stock's value at the end of each day, worked back from its value now (finance/
history_rules.py), by hand: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from scanfloor.finance.history_rules import HistoryRuleError, closing_values


def test_each_days_close_is_the_value_now_less_every_later_change():
    # Received 100.00 on the 1st, shipped 30.00 on the 3rd, received 50.00 on the 6th:
    # now 120.00. End of the 5th: 120 - 50 = 70; of the 3rd and 4th: 70; of the 2nd:
    # 70 + 30 = 100; of the 1st: 100.
    changes = {date(2026, 3, 1): D("100"), date(2026, 3, 3): D("-30"), date(2026, 3, 6): D("50")}
    got = closing_values(D("120"), changes, date(2026, 3, 1), date(2026, 3, 5))
    assert got == [
        (date(2026, 3, 1), D("100")),
        (date(2026, 3, 2), D("100")),
        (date(2026, 3, 3), D("70")),
        (date(2026, 3, 4), D("70")),
        (date(2026, 3, 5), D("70")),
    ]


def test_a_period_with_no_change_is_flat_at_the_value_now():
    got = closing_values(D("42.50"), {}, date(2026, 1, 30), date(2026, 2, 2))
    assert [v for _, v in got] == [D("42.50")] * 4


def test_a_period_backwards_or_longer_than_a_year_is_refused():
    with pytest.raises(HistoryRuleError):
        closing_values(D(0), {}, date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(HistoryRuleError):
        closing_values(D(0), {}, date(2025, 1, 1), date(2026, 1, 2))
