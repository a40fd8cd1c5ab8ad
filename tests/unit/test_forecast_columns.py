"""estimate_columns (forecast_rules.py): the same forecast as estimate_demand over the same
days, given as columns, as a suggestion run reads them from the ledger."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.purchasing.forecast_rules import DemandDay, estimate_columns, estimate_demand
from scanfloor.purchasing.rules import PurchasingRuleError

DAY = st.tuples(st.integers(-3, 30), st.integers(0, 40), st.integers(0, 5), st.integers(0, 8))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(DAY, max_size=80),
    st.sampled_from([Decimal("0.2"), Decimal("0.1"), Decimal("0.35"), Decimal(1)]),
)
def test_columns_give_the_estimate_the_days_give(rows, alpha):
    start = date(2030, 1, 1)
    days = [DemandDay(start + timedelta(days=i), *r) for i, r in enumerate(rows)]
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]

    assert estimate_columns(*columns, alpha=alpha) == estimate_demand(days, alpha)


def test_columns_of_different_lengths_or_negative_figures_are_refused():
    with pytest.raises(PurchasingRuleError):
        estimate_columns([1, 1], [0], [0, 0], [0, 0])
    with pytest.raises(PurchasingRuleError):
        estimate_columns([1], [-1], [0], [0])
