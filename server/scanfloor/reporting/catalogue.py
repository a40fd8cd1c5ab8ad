"""The KPI catalogue: every figure Scanfloor reports, once, with the definition a person
reads beside it in the console's help.

A definition is never written here: it is the docstring of the rule that computes the figure
(for the figures purchasing and finance already had, the docstring of their rule module), so
the text a user reads and the code that runs cannot drift apart. docs/kpis.md is this
catalogue as Markdown (`markdown()`); a unit test holds the two equal. Regenerate it with
`.venv/bin/python -m scanfloor.reporting.catalogue > docs/kpis.md`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .. import reporting as _package
from ..finance import margin_rules
from ..purchasing import supplier_rules
from . import (
    accuracy_rules,
    anomaly_rules,
    fill_rules,
    labour_rules,
    priority_rules,
    returns_rules,
    service_rules,
    stats_rules,
    stock_rules,
)
from .filter_rules import DATE_RANGE
from .stats_rules import ReportingRuleError

RATIO = "ratio (0 to 1)"
HOURS = "hours"
UNITS_AND_MONEY = "units and money"
DAYS = "days"
TURNS = "turns"
PER_LABOUR_HOUR = "per labour hour"
MONEY = "money"
FLAGS = "flags"
SCORE = "score"


@dataclass(frozen=True)
class Kpi:
    """One figure: its id and title, the unit it is shown in, the rules that compute it,
    the filters and breakdowns it takes, and (for a figure defined in its rule module
    rather than its function) the module whose docstring defines it."""

    id: str
    title: str
    unit: str
    computed_by: tuple[Callable[..., Any], ...]
    filters: tuple[str, ...]
    breakdowns: tuple[str, ...]
    defined_in: ModuleType | None = None

    @property
    def definition(self) -> str:
        source: object = self.defined_in or self.computed_by[0]
        return inspect.cleandoc(source.__doc__ or "")

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(f"{f.__module__}.{f.__qualname__}" for f in self.computed_by)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "unit": self.unit,
            "definition": self.definition,
            "filters": list(self.filters),
            "breakdowns": list(self.breakdowns),
            "computed_by": list(self.references),
        }


CATALOGUE: tuple[Kpi, ...] = (
    Kpi(
        "inventory_record_accuracy",
        "Inventory record accuracy",
        RATIO,
        (accuracy_rules.inventory_record_accuracy,),
        accuracy_rules.ACCURACY_FILTERS,
        accuracy_rules.ACCURACY_BREAKDOWNS,
    ),
    Kpi(
        "line_fill",
        "Line fill rate",
        RATIO,
        (fill_rules.line_fill,),
        fill_rules.FILL_FILTERS,
        fill_rules.FILL_BREAKDOWNS,
    ),
    Kpi(
        "unit_fill",
        "Unit fill rate",
        RATIO,
        (fill_rules.unit_fill,),
        fill_rules.FILL_FILTERS,
        fill_rules.FILL_BREAKDOWNS,
    ),
    Kpi(
        "order_fill",
        "Order fill rate",
        RATIO,
        (fill_rules.order_fill,),
        fill_rules.FILL_FILTERS,
        fill_rules.FILL_BREAKDOWNS,
    ),
    Kpi(
        "order_cycle_time",
        "Order cycle time",
        HOURS,
        (service_rules.order_cycle_time,),
        service_rules.CYCLE_FILTERS,
        service_rules.CYCLE_BREAKDOWNS,
    ),
    Kpi(
        "dock_to_stock",
        "Dock-to-stock time",
        HOURS,
        (service_rules.dock_to_stock,),
        service_rules.DOCK_FILTERS,
        service_rules.DOCK_BREAKDOWNS,
    ),
    Kpi(
        "backorder_ageing",
        "Backorder ageing",
        UNITS_AND_MONEY,
        (service_rules.backorder_ageing,),
        service_rules.AGEING_FILTERS,
        service_rules.AGEING_BREAKDOWNS,
    ),
    Kpi(
        "return_disposition_time",
        "Return disposition time",
        HOURS,
        (returns_rules.return_disposition_time,),
        returns_rules.RETURNS_FILTERS,
        returns_rules.RETURNS_BREAKDOWNS,
    ),
    Kpi(
        "uninspected_queue_age",
        "Uninspected returns queue age",
        HOURS,
        (returns_rules.uninspected_queue_age,),
        returns_rules.QUEUE_FILTERS,
        returns_rules.RETURNS_BREAKDOWNS,
    ),
    Kpi(
        "supplier_performance",
        "Supplier on-time-in-full and lead-time adherence",
        RATIO,
        (supplier_rules.score_supplier, supplier_rules.lead_time_adherence),
        (DATE_RANGE, "supplier"),
        ("supplier",),
        defined_in=supplier_rules,
    ),
    Kpi(
        "gross_margin",
        "Gross margin by fulfilment path",
        MONEY,
        (margin_rules.roll_up,),
        (DATE_RANGE, "warehouse", "channel"),
        margin_rules.GROUPS,
        defined_in=margin_rules,
    ),
    Kpi(
        "adjustment_trend",
        "Adjustment and shrink trend",
        UNITS_AND_MONEY,
        (stock_rules.adjustment_trend,),
        stock_rules.TREND_FILTERS,
        stock_rules.TREND_BREAKDOWNS,
    ),
    Kpi(
        "stockout_days",
        "Stock-out days",
        DAYS,
        (stock_rules.stockout_days,),
        stock_rules.STOCKOUT_FILTERS,
        ("item",),
    ),
    Kpi(
        "inventory_turns",
        "Inventory turns",
        TURNS,
        (stock_rules.inventory_turns,),
        stock_rules.CAPITAL_FILTERS,
        ("category",),
    ),
    Kpi(
        "days_of_supply",
        "Days of supply",
        DAYS,
        (stock_rules.days_of_supply,),
        stock_rules.CAPITAL_FILTERS,
        ("category",),
    ),
    Kpi(
        "pick_productivity",
        "Picks, lines and units per labour hour",
        PER_LABOUR_HOUR,
        (labour_rules.pick_productivity,),
        labour_rules.LABOUR_FILTERS,
        labour_rules.LABOUR_BREAKDOWNS,
    ),
    Kpi(
        "unusual_losses",
        "Unusual adjustments, scraps and count losses",
        FLAGS,
        (anomaly_rules.unusual_losses,),
        anomaly_rules.ANOMALY_FILTERS,
        anomaly_rules.ANOMALY_DIMENSIONS,
    ),
    Kpi(
        "repeated_small_losses",
        "Repeated small losses",
        FLAGS,
        (anomaly_rules.repeated_small_losses,),
        anomaly_rules.ANOMALY_FILTERS,
        ("location",),
    ),
    Kpi(
        "exception_priority",
        "Order exception priority",
        SCORE,
        (priority_rules.prioritise,),
        priority_rules.PRIORITY_FILTERS,
        (),
    ),
)

_BY_ID = {kpi.id: kpi for kpi in CATALOGUE}
# The shared conventions a reader needs beside the definitions (docs/kpis.md opens with them).
_CONVENTIONS = (("Conventions", _package), ("Statistics", stats_rules))


def kpi(kpi_id: str) -> Kpi:
    """The catalogue entry of an id."""
    found = _BY_ID.get(kpi_id)
    if found is None:
        raise ReportingRuleError("unknown_kpi", "no such figure", {"id": kpi_id})
    return found


def _list(names: tuple[str, ...]) -> str:
    return ", ".join(name.replace("_", " ") for name in names) or "none"


def markdown() -> str:
    """The catalogue as the Markdown page docs/kpis.md."""
    out = [
        "# KPI catalogue",
        "",
        "One definition per figure. This page is generated from the docstrings of the rules",
        "that compute the figures (`server/scanfloor/reporting/catalogue.py`); a unit test fails",
        "when the two differ. Regenerate it with",
        "`.venv/bin/python -m scanfloor.reporting.catalogue > docs/kpis.md`.",
        "",
    ]
    for heading, module in _CONVENTIONS:
        out += [f"## {heading}", "", inspect.cleandoc(module.__doc__ or ""), ""]
    for entry in CATALOGUE:
        out += [
            f"## {entry.title} (`{entry.id}`)",
            "",
            f"- Unit: {entry.unit}",
            f"- Filters: {_list(entry.filters)}",
            f"- Breakdown: {_list(entry.breakdowns)}",
            f"- Computed by: {', '.join(f'`{ref}`' for ref in entry.references)}",
            "",
            entry.definition,
            "",
        ]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
