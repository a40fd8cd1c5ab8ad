"""The KPI catalogue (reporting/catalogue.py): every figure of issue 14 defined once, its
definition the docstring of the rule that computes it, its filters fields of the records it
reads, and docs/kpis.md the same text (no database)."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from scanfloor.finance import margin_rules
from scanfloor.purchasing import supplier_rules
from scanfloor.reporting.catalogue import CATALOGUE, kpi, markdown
from scanfloor.reporting.filter_rules import DATE_RANGE, FILTERS
from scanfloor.reporting.stats_rules import ReportingRuleError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"
REGENERATE = ".venv/bin/python -m scanfloor.reporting.catalogue > docs/kpis.md"

# Issue 14's list: accuracy, fill rates, cycle and dock-to-stock times, backorder ageing,
# returns, supplier performance, margin, adjustments and shrink, stock-outs, working capital,
# labour; and the anomaly flags and exception priority.
ISSUE_14 = {
    "inventory_record_accuracy",
    "line_fill",
    "unit_fill",
    "order_fill",
    "order_cycle_time",
    "dock_to_stock",
    "backorder_ageing",
    "return_disposition_time",
    "uninspected_queue_age",
    "supplier_performance",
    "gross_margin",
    "adjustment_trend",
    "stockout_days",
    "inventory_turns",
    "days_of_supply",
    "pick_productivity",
    "unusual_losses",
    "repeated_small_losses",
    "exception_priority",
}
OWN = [k for k in CATALOGUE if k.defined_in is None]


def test_every_figure_of_issue_14_is_in_the_catalogue_once():
    ids = [k.id for k in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert set(ids) == ISSUE_14


def test_docs_kpis_md_is_the_catalogue_word_for_word():
    assert DOCS.read_text(encoding="utf-8") == markdown(), f"regenerate: {REGENERATE}"


@pytest.mark.parametrize("entry", OWN, ids=[k.id for k in OWN])
def test_a_definition_is_the_docstring_of_the_rule_and_opens_with_the_figures_title(entry):
    assert entry.definition.startswith(entry.title)
    assert len(entry.definition.splitlines()) >= 3  # a definition, not a label


def test_supplier_performance_and_margin_are_defined_where_purchasing_and_finance_define_them():
    assert kpi("supplier_performance").computed_by == (
        supplier_rules.score_supplier,
        supplier_rules.lead_time_adherence,
    )
    assert "OTIF = on time AND in full" in kpi("supplier_performance").definition
    assert kpi("gross_margin").defined_in is margin_rules
    assert "gross margin = net revenue" in kpi("gross_margin").definition


def _record_type(entry) -> type:
    hints = typing.get_type_hints(entry.computed_by[0])
    first = next(iter(hints.values()))
    assert typing.get_origin(first) is Iterable
    (record,) = typing.get_args(first)
    return typing.cast(type, record)


@pytest.mark.parametrize("entry", OWN, ids=[k.id for k in OWN])
def test_every_filter_and_breakdown_a_figure_offers_is_a_field_of_the_records_it_reads(entry):
    record = _record_type(entry)
    assert is_dataclass(record)
    names = {f.name for f in fields(record)} | {
        n for n, v in vars(record).items() if isinstance(v, property)
    }
    assert set(entry.filters) <= set(FILTERS)
    for name in [*entry.filters, *entry.breakdowns]:
        assert name == DATE_RANGE or name in names, (entry.id, name)


def test_the_catalogue_answers_an_id_with_everything_the_console_help_shows():
    shown = kpi("line_fill").as_dict()
    assert shown["title"] == "Line fill rate"
    assert shown["unit"] == "ratio (0 to 1)"
    assert shown["filters"] == ["date_range", "warehouse", "channel"]
    assert shown["computed_by"] == ["scanfloor.reporting.fill_rules.line_fill"]
    assert shown["definition"].startswith("Line fill rate: lines shipped complete")
    with pytest.raises(ReportingRuleError) as err:
        kpi("happiness")
    assert err.value.code == "unknown_kpi"
