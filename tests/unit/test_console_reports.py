"""The dashboards' card rules (server/scanfloor/console/static/console_reports_rules.js),
run in node: a figure is sent only the filters it takes, its headline is its total (a
weekly series summed to the cent, a list of flags counted), a rate by channel is bars on a
0 to 1 axis, a weekly series a trend line, an ageing a histogram in bucket order, a single
figure no chart, and a row drills down by its label and, for a week, to that week's days.
The cases are in tests/unit/js/run_console_reports.mjs, each named as a rule; the cards
are checked in the browser (tests/e2e/test_reports_console_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scanner_js_helpers import failures, run_js_rules


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return run_js_rules("run_console_reports.mjs")


def test_every_dashboard_card_rule_answers_as_its_case_says(results):
    assert results["failed"] == {}, failures(results)
    # The runner holds 18 named rules; one silently not run would not show as a failure.
    assert len(results["passed"]) == 18
