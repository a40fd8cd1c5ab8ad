"""The over-receipt tolerance rule and the scanner's copy of it answer the same cases.

The cases live in one file, tests/data/tolerance_cases.json. The server's rule
(scanfloor.receiving.rules) decides on every confirmation; the scanner's copy
(scanner_ui/js/screens/receive-rules.js) decides what a worker hears offline, so the two must
never disagree (a disagreement asks for a supervisor the server would not need, or queues a
receipt the server will refuse)."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scanfloor.receiving.rules import allowed_total, over_receipt

ROOT = Path(__file__).resolve().parents[2]
CASES_FILE = ROOT / "tests" / "data" / "tolerance_cases.json"
JS_RULES = ROOT / "scanner_ui" / "js" / "screens" / "receive-rules.js"
JS_RUNNER = Path(__file__).resolve().parent / "js" / "run_receive_rules.mjs"
CASES: dict[str, Any] = json.loads(CASES_FILE.read_text())
NODE = shutil.which("node")


def case_id(case: dict[str, Any]) -> str:
    parts = [f"{case['ordered']}@{case['tolerance_pct']}%"]
    if "requested" in case:
        parts.append(f"+{case['received']}+{case['requested']}")
    return "".join(parts)


@pytest.mark.parametrize("case", CASES["allowed_total"], ids=case_id)
def test_the_server_rule_allows_what_the_shared_cases_say(case):
    assert allowed_total(case["ordered"], Decimal(case["tolerance_pct"])) == case["allowed"]


@pytest.mark.parametrize("case", CASES["over_receipt"], ids=case_id)
def test_the_server_rule_finds_the_over_receipts_the_shared_cases_say(case):
    excess = over_receipt(
        case["ordered"], case["received"], case["requested"], Decimal(case["tolerance_pct"])
    )
    assert (excess is not None) == case["over"]
    if excess is not None:
        assert excess.allowed == case["allowed"]


@pytest.fixture(scope="module")
def js_answers() -> dict[str, list[Any]]:
    if NODE is None:
        pytest.skip("node is not installed: the scanner's JS copy of the rule cannot be run")
    done = subprocess.run(
        [NODE, str(JS_RUNNER), str(JS_RULES), str(CASES_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers: dict[str, list[Any]] = json.loads(done.stdout)
    return answers


def test_the_scanner_rule_allows_what_the_shared_cases_say(js_answers):
    wanted = [c["allowed"] for c in CASES["allowed_total"]]
    assert js_answers["allowed_total"] == wanted


def test_the_scanner_rule_finds_the_over_receipts_the_shared_cases_say(js_answers):
    wanted = [{"allowed": c["allowed"]} if c["over"] else None for c in CASES["over_receipt"]]
    assert js_answers["over_receipt"] == wanted
