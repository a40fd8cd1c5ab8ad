"""Inventory accuracy: of the first counts finished in the period, how many were within
tolerance, per bin, zone and class, and weighted by value (the larger of the booked and
counted quantity x unit value)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from scanfloor.counting.accuracy import accuracy
from scanfloor.counting.models import CountLine, CountTask
from scanfloor.extensions import db
from scanfloor.timeutil import utcnow
from tests.count_plan_helpers import grant
from tests.putaway_helpers import build_site, item

D = Decimal


def _task(site: Any, bin_code: str, status: str, attempt: int = 1) -> CountTask:
    t = CountTask(
        warehouse_id=site.wh.id,
        location_id=site.bin(bin_code).id,
        item_id=None,
        reason="adhoc",
        status=status,
        attempt=attempt,
    )
    db.session.add(t)
    db.session.flush()
    return t


def _line(
    task: CountTask,
    item_id: int,
    *,
    cls: str,
    ok: bool,
    system: int,
    value: str | None,
    attempt: int = 1,
    days_ago: int = 1,
) -> None:
    db.session.add(
        CountLine(
            task_id=task.id,
            attempt=attempt,
            warehouse_id=task.warehouse_id,
            location_id=task.location_id,
            item_id=item_id,
            counted_qty=system,
            system_qty=system,
            variance=0,
            unit_value=None if value is None else D(value),
            abc_class=cls,
            within_tolerance=ok,
            counted_at=utcnow() - timedelta(days=days_ago),
        )
    )


@pytest.fixture
def counted(app: Any) -> Any:
    site = build_site()
    far = build_site(prefix="X")
    x, y, z = item(), item(), item()
    a1 = _task(site, "A1", "recount", attempt=2)
    _line(a1, x.id, cls="A", ok=True, system=10, value="2.00")  # weighs 20
    _line(a1, y.id, cls="B", ok=False, system=5, value="10.00")  # weighs 50
    _line(a1, y.id, cls="B", ok=True, system=5, value="10.00", attempt=2)  # a recount: not first
    b1 = _task(site, "B1", "counted")
    _line(b1, z.id, cls="C", ok=True, system=4, value=None)  # value unknown: weighs nothing
    _line(_task(site, "A2", "open"), x.id, cls="A", ok=False, system=1, value="1")  # unfinished
    _line(_task(site, "A3", "cancelled"), x.id, cls="A", ok=False, system=1, value="1")
    _line(_task(site, "B2", "counted"), x.id, cls="A", ok=False, system=1, value="1", days_ago=40)
    _line(_task(far, "A1", "counted"), x.id, cls="A", ok=False, system=1, value="1")
    db.session.commit()
    return site


def _period() -> tuple[Any, Any]:
    today = utcnow().date()
    return today - timedelta(days=7), today


def test_accuracy_per_bin_counts_first_counts_and_weighs_them_by_value(counted):
    report = accuracy(counted.wh.id, *_period(), by="location")

    rows = {r.label: r for r in report.rows}
    assert set(rows) == {"A-1", "B-1"}
    a1 = rows["A-1"]
    assert (a1.counted, a1.matched, a1.accuracy) == (2, 1, D("0.5000"))
    assert (a1.value_counted, a1.value_matched, a1.value_accuracy) == (
        D("70.00"),
        D("20.00"),
        D("0.2857"),
    )
    b1 = rows["B-1"]
    assert (b1.counted, b1.matched, b1.accuracy, b1.value_accuracy) == (1, 1, D("1.0000"), None)
    t = report.total
    assert (t.counted, t.matched, t.accuracy, t.value_accuracy) == (3, 2, D("0.6667"), D("0.2857"))


def test_accuracy_per_class_and_per_zone(counted):
    by_class = {
        r.key: (r.counted, r.matched) for r in accuracy(counted.wh.id, *_period(), by="class").rows
    }
    assert by_class == {"A": (1, 1), "B": (1, 0), "C": (1, 1)}
    by_zone = {
        r.label: (r.counted, r.matched) for r in accuracy(counted.wh.id, *_period(), by="zone").rows
    }
    assert by_zone == {"WH1-A": (2, 1), "WH1-B": (1, 1)}


def test_a_period_with_no_counts_has_no_accuracy_rather_than_zero(counted):
    long_ago = utcnow().date() - timedelta(days=400)
    report = accuracy(counted.wh.id, long_ago, long_ago + timedelta(days=1))
    assert report.rows == [] and report.total.accuracy is None


def test_accuracy_over_the_api(client, auth, users, counted):
    grant(users, counted.wh)
    start, end = _period()
    q = {"warehouse": "WH1", "from": start.isoformat(), "to": end.isoformat(), "by": "class"}

    r = client.get("/api/v1/counts/accuracy", query_string=q, headers=auth("supervisor"))

    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["by"] == "class"
    assert [(row["key"], row["accuracy"]) for row in body["rows"]] == [
        ("A", "1.0000"),
        ("B", "0.0000"),
        ("C", "1.0000"),
    ]
    assert body["total"]["value_counted"] == "70.00"
    assert (
        client.get("/api/v1/counts/accuracy", query_string=q, headers=auth("worker")).status_code
        == 403
    )
    bad = client.get(
        "/api/v1/counts/accuracy",
        query_string={**q, "from": end.isoformat(), "to": start.isoformat()},
        headers=auth("supervisor"),
    )
    assert bad.status_code == 422
