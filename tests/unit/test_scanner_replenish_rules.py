"""The scanner's local replenishment rules (scanner_ui/js/screens/replenish-rules.js), run in
node on scans read by the scanner's own GS1 reader.

They decide what a worker refilling a pick face hears in a dead spot: the pick face itself or
a bin that holds none of the item is no source; another item, or a lot the source bin does
not hold, is refused; one scan of more than may move is refused; a case counts its pack; the
quantity offered is the whole move, kept between 1 and what may move; a move saved on the
device moves the task on. The server checks every move again. The cases are in
tests/unit/js/run_replenish_rules.mjs, each named as a rule."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scanner_js_helpers import failures, run_js_rules


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return run_js_rules("run_replenish_rules.mjs")


def test_every_local_replenishment_rule_answers_as_its_case_says(results):
    assert results["failed"] == {}, failures(results)
    # The runner holds 14 named rules; one silently not run would not show as a failure.
    assert len(results["passed"]) == 14
