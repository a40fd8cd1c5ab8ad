"""The returns KPIs through the reports API (on SQLite and PostgreSQL): how long returns
take from arrival to their final disposition, and how old the queue of returned units
still waiting for inspection is."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from scanfloor.extensions import db
from scanfloor.returns.inspect_service import Inspection, inspect_return
from scanfloor.returns.models import ReturnAuthorisation
from scanfloor.returns.queries import rma_view
from scanfloor.timeutil import utcnow
from tests.integration.test_reports_service import URL, _get, _total
from tests.returns_helpers import _rma, return_site, scanned_item
from tests.suggestion_helpers import day_at


def _inspected(rma_id: int, quantity: int) -> None:
    line_id = rma_view(rma_id).lines[0].id
    inspect_return(Inspection(rma_id, line_id, quantity, "damaged", "full"), actor_id=None)


def _dated(rma_id: int, arrived: datetime, completed: datetime | None = None) -> None:
    """Test set-up only: the return arrived (and completed) then (the services stamp now)."""
    values: dict[str, Any] = {"arrived_at": arrived}
    if completed is not None:
        values["completed_at"] = completed
    db.session.execute(
        update(ReturnAuthorisation).where(ReturnAuthorisation.id == rma_id).values(**values)
    )
    db.session.commit()


def _returns(app: Any) -> dict[str, int]:
    """Four returns at WH, channel WEB:
    - R1: 4 units received, all inspected; arrived 3 days ago 08:00, done 2 days ago 14:00;
    - R2: 2 units, all inspected; arrived 2 days ago 08:00, done that day 20:00;
    - R3: 3 units received, none inspected, arrived 10 hours ago;
    - R4: 3 units received, 1 inspected, arrived 30 hours ago."""
    rs = return_site(app)
    it = scanned_item(rs, 40)
    made = {name: _rma(rs, it, n, received=n) for name, n in (("r1", 4), ("r2", 2), ("r3", 3),
                                                               ("r4", 3))}  # fmt: skip
    _inspected(made["r1"], 4)
    _inspected(made["r2"], 2)
    _inspected(made["r4"], 1)
    _dated(made["r1"], day_at(3, 8), day_at(2, 14))
    _dated(made["r2"], day_at(2, 8), day_at(2, 20))
    now = utcnow()
    _dated(made["r3"], now - timedelta(hours=10))
    _dated(made["r4"], now - timedelta(hours=30))
    return made


def test_disposition_time_runs_from_arrival_to_the_last_unit_disposed(app, client, auth):
    made = _returns(app)
    day = day_at(2).date().isoformat()
    body = _get(client, auth("supervisor"), "return_disposition_time",
                **{"from": day, "to": day, "by": "channel"})  # fmt: skip
    # R1: 30 hours, R2: 12 hours, both completed 2 days ago. Nearest rank of (12, 30):
    # p50 = 12, p90 = 30. R3 and R4 are not complete.
    assert _total(body) == {"count": 2, "p50_hours": "12.00", "p90_hours": "30.00",
                            "clamped": 0}  # fmt: skip
    assert [r["label"] for r in body["rows"]] == ["WEB"]
    drill = {"from": day, "to": day, "by": "channel", "group": "WEB"}
    r = client.get(f"{URL}/return_disposition_time/records", query_string=drill,
                   headers=auth("supervisor"))  # fmt: skip
    assert sorted(x["rma_id"] for x in r.get_json()["records"]) == [made["r1"], made["r2"]]
    earlier = _get(client, auth("supervisor"), "return_disposition_time",
                   **{"to": day_at(3).date().isoformat()})  # fmt: skip
    assert _total(earlier)["count"] == 0 and _total(earlier)["p50_hours"] is None


def test_the_uninspected_queue_shows_its_returns_units_and_how_long_they_have_waited(
    app, client, auth
):
    made = _returns(app)
    body = _get(client, auth("manager"), "uninspected_queue_age", warehouse="WH")
    total = _total(body)
    # R3 waits with 3 units (10 h), R4 with 2 of its 3 (30 h); R1 and R2 are done.
    assert (total["returns"], total["units"]) == (2, 5)
    # Nearest rank of (10, 30): p50 = 10, p90 = the oldest = 30 (to the minute the test takes).
    assert Decimal("30.00") <= Decimal(total["oldest_hours"]) < Decimal("30.05")
    assert Decimal("10.00") <= Decimal(total["p50_hours"]) < Decimal("10.05")
    assert total["p90_hours"] == total["oldest_hours"]
    records = {
        x["rma_id"]: x["awaiting_units"]
        for x in client.get(f"{URL}/uninspected_queue_age/records",
                            headers=auth("manager")).get_json()["records"]
    }  # fmt: skip
    assert records == {made["r3"]: 3, made["r4"]: 2}
    elsewhere = _get(client, auth("manager"), "uninspected_queue_age", channel="NONE")
    assert _total(elsewhere)["returns"] == 0 and _total(elsewhere)["oldest_hours"] is None


def test_the_queue_is_a_snapshot_and_a_finance_user_does_not_see_the_returns_figures(
    app, client, auth
):
    r = client.get(f"{URL}/uninspected_queue_age", query_string={"from": "2026-01-01"},
                   headers=auth("supervisor"))  # fmt: skip
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["code"] == "unsupported_filter"
    for kpi in ("return_disposition_time", "uninspected_queue_age"):
        assert client.get(f"{URL}/{kpi}", headers=auth("finance")).status_code == 403
