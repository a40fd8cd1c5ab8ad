"""The console's role rules, run on its real scripts in Node (docs/decisions/0026): the
Finance navigation entry shows to supervisors and above and to finance, never to a worker;
finance stands on no rung of the ladder (an entry for managers stays hidden from it, the
purchasing pages never count it as a worker); finance and admins get a finance page's write
forms, supervisors and managers read the page without them and are told so. The cases are in
tests/unit/js/run_console_roles.mjs, each named as a rule; the pages in a browser are in
tests/e2e/test_finance_console_browser.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scanner_js_helpers import failures, run_js_rules


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return run_js_rules("run_console_roles.mjs")


def test_every_console_role_rule_answers_as_its_case_says(results):
    assert results["failed"] == {}, failures(results)
    # The runner holds 8 named rules; one silently not run would not show as a failure.
    assert len(results["passed"]) == 8
