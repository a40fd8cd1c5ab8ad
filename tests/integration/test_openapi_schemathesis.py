"""Schemathesis against every operation of the document, on the WSGI app, on each database.

Each operation gets a bounded number of generated requests (EXAMPLES), signed in as a
manager, and every read again as a worker (some answers differ by role: blind receipts).
The checks are the response-conformance ones: no 5xx, a documented status code, content
type and headers, and a body the document's schema accepts. Reference data is seeded so
that generated ids sometimes hit real rows.
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_bin, make_item, make_po, make_supplier, receive

EXAMPLES = 15  # per operation and role: the whole run stays well under 3 minutes a database
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _seed() -> None:
    item = make_item()
    loc = make_bin()
    receive(item, loc, 10)
    make_po(make_supplier(), [(item, 5)])


def _run(op: Any, headers: dict[str, str], sent: list[int]) -> str | None:
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=op.as_strategy())
    def probe(case: Any) -> None:
        sent[0] += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        probe()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a FailureGroup too: collect every operation's, fail once
        return f"{op.label}: {str(exc)[:1500]}"
    return None


@pytest.mark.slow
def test_every_operation_conforms_to_the_document(app, auth):
    _seed()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ran, sent, findings = 0, [0], []
    for result in schema.get_all_operations():
        op = result.ok()
        roles = ["manager", "worker"] if op.method.upper() == "GET" else ["manager"]
        for role in roles:
            ran += 1
            found = _run(op, auth(role), sent)
            if found:
                findings.append(f"[{role}] {found}")
    assert ran >= 85 + 30
    print(f"schemathesis: {ran} operation runs, {sent[0]} requests")
    assert sent[0] >= ran * 3  # generation did not stall
    assert findings == [], "\n\n".join(findings)
