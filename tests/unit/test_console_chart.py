"""The console's charts (server/scanfloor/console/static/console_chart.js), their geometry
run in node: nice ticks, a rate's axis from 0 to 1, values placed on the plot, a missing
month breaking the line rather than dropping to 0, bars standing on 0 side by side, labels
thinned to what fits. The cases are in tests/unit/js/run_console_chart.mjs, each named as a
rule; the drawn SVG and its table are checked in the browser
(tests/e2e/test_purchasing_console_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scanner_js_helpers import failures, run_js_rules


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return run_js_rules("run_console_chart.mjs")


def test_every_chart_geometry_rule_answers_as_its_case_says(results):
    assert results["failed"] == {}, failures(results)
    # The runner holds 12 named rules; one silently not run would not show as a failure.
    assert len(results["passed"]) == 12
