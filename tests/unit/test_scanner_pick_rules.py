"""The scanner's local picking and packing rules (scanner_ui/js/screens/pick-rules.js and
pack-rules.js), run in node on scans read by the scanner's own GS1 reader.

They decide what a picker hears in a dead spot: a wrong bin, item, lot or tote, or an over-pick
is refused on the device and nothing is queued; a case counts its pack quantity. The server
checks every confirmation again; these must not refuse what it takes, nor queue what it will
refuse. The cases are in tests/unit/js/run_pick_rules.mjs, each named as a rule."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scanner_js_helpers import failures, run_js_rules


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return run_js_rules("run_pick_rules.mjs")


def test_every_local_pick_and_pack_rule_answers_as_its_case_says(results):
    assert results["failed"] == {}, failures(results)
    # The runner holds 17 named rules; one silently not run would not show as a failure.
    assert len(results["passed"]) == 17
