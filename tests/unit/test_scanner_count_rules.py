"""The scanner's local counting rules (scanner_ui/js/screens/count-rules.js), run in node on
scans read by the scanner's own GS1 reader.

They decide what a counter hears in a dead spot: the wrong bin, another item on an
item-specific task, an item that is not being recounted are refused on the device; any other
item is taken (never refused for not being expected in the bin: the device is blind); a case
counts its pack; the keypad; each outcome said plainly. The server checks every line again.
The cases are in tests/unit/js/run_count_rules.mjs, each named as a rule."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scanner_js_helpers import failures, run_js_rules


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return run_js_rules("run_count_rules.mjs")


def test_every_local_count_rule_answers_as_its_case_says(results):
    assert results["failed"] == {}, failures(results)
    # The runner holds 12 named rules; one silently not run would not show as a failure.
    assert len(results["passed"]) == 12
