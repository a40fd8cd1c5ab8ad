"""Builders the reporting unit tests share (tests/unit/test_reporting_*.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from scanfloor.reporting.stock_rules import StockChange


def stock_change(day, kind, units, location="L1", worker="ana", item="SKU1", value=None):
    """A count, adjustment or scrap in zone A of WH1 on a day of March 2026."""
    return StockChange(
        on=date(2026, 3, day),
        kind=kind,
        warehouse="WH1",
        location=location,
        zone="A",
        worker=worker,
        item=item,
        units=units,
        value=None if value is None else Decimal(value),
    )
