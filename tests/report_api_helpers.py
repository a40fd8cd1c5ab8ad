"""Reading KPI reports through the reports API, for the tests of their runners
(tests/integration/test_reports_*.py)."""

from __future__ import annotations

from typing import Any

URL = "/api/v1/reports/kpis"
ACKS = "/api/v1/reports/anomalies/acks"


def kpi_report(client: Any, headers: dict[str, str], kpi: str, **args: Any) -> dict[str, Any]:
    """The KPI's report (200 asserted); `from`/`to` are passed as **{"from": ...}."""
    r = client.get(f"{URL}/{kpi}", query_string=args, headers=headers)
    assert r.status_code == 200, r.get_json()
    return dict(r.get_json())


def rows_by_label(body: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    """A report's rows: label -> cells."""
    return {row["label"]: row["cells"] for row in body["rows"]}


def ack_of(cells: dict[str, Any], kind: str, note: str) -> dict[str, str]:
    """The acknowledgement of a flag row, as the console sends it."""
    return {"fingerprint": cells["fingerprint"], "kind": kind, "subject": cells["subject"],
            "note": note}  # fmt: skip
