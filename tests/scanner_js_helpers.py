"""Running the scanner's JS rules in node for the unit tests: each runner
(tests/unit/js/run_*.mjs) prints {"passed": [...], "failed": {name: why}} as JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS_DIR = Path(__file__).resolve().parent / "unit" / "js"
NODE = shutil.which("node")


def run_js_rules(runner: str) -> dict[str, Any]:
    """The answers of tests/unit/js/<runner>; the test is skipped where node is missing."""
    if NODE is None:
        pytest.skip("node is not installed: the scanner's JS rules cannot be run")
    done = subprocess.run(
        [NODE, str(JS_DIR / runner)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout, done.stderr
    answers: dict[str, Any] = json.loads(done.stdout)
    return answers


def failures(results: dict[str, Any]) -> str:
    """The failed rules, each with why, for an assertion message."""
    return "\n\n".join(f"{k}:\n{v}" for k, v in results["failed"].items())
