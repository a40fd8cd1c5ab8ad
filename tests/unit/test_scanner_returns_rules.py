"""The scanner's local return receipt and inspection rules (scanner_ui/js/screens/
returns-rules.js and inspect-rules.js), run in node on scans read by the scanner's own GS1
reader.

They decide what a worker hears at the returns bench, also in a dead spot: an over-return is
flagged on the device (red, nothing queued until the worker accepts it), an item on no line of
the return is left for the server to name; a restocking fee is money typed as a decimal, the
full credit is worked in exact decimals; the inspection body carries the bin only for
sellable units. The server checks every scan again. The cases are in
tests/unit/js/run_returns_rules.mjs, each named as a rule."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scanner_js_helpers import failures, run_js_rules


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return run_js_rules("run_returns_rules.mjs")


def test_every_local_return_and_inspection_rule_answers_as_its_case_says(results):
    assert results["failed"] == {}, failures(results)
    # The runner holds 18 named rules; one silently not run would not show as a failure.
    assert len(results["passed"]) == 18
