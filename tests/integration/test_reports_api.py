"""The reports API: each role reads the catalogue of its dashboards, a KPI answers as JSON,
CSV and the records behind a row, and a figure outside the caller's dashboards, an unknown
one, one whose data is not recorded yet, or a filter or breakdown it does not take is a
clear 4xx (on SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from scanfloor.reporting.dashboards import kpis_of
from tests.factories import virtual
from tests.integration.test_reporting_facts import _post, _zoned_site
from tests.suggestion_helpers import day_at, item

URL = "/api/v1/reports/kpis"


def _shrink(app):
    """A zoned site: 10 units received at 2.00 into P-1, a count loss of 3 there and a count
    gain of 1 in A-1 by the worker two days ago, a scrap of 2 in P-1 yesterday."""
    z = _zoned_site()
    site, tee = z["site"], item("SHRINK-TEE")
    vendor, adj = virtual("VENDOR").id, virtual("INV-ADJ").id
    _post("receipt", tee.id, 10, vendor, z["p1"].id, day_at(5), cost=Decimal("2"))
    _post("receipt", tee.id, 4, vendor, site.bin.id, day_at(5), cost=Decimal("2"))
    _post("count", tee.id, 3, z["p1"].id, adj, day_at(2), z["picker"], reason="count_loss")
    _post("count", tee.id, 1, adj, site.bin.id, day_at(2), z["picker"], reason="count_gain")
    _post("scrap", tee.id, 2, z["p1"].id, virtual("SCRAP").id, day_at(1), z["picker"])
    return z


def test_each_role_reads_the_catalogue_of_its_own_dashboards(client, auth):
    for role, boards in (("supervisor", ["operations"]), ("finance", ["finance", "executive"])):
        r = client.get(URL, headers=auth(role))
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        assert sorted(body["dashboards"]) == sorted(boards)
        assert [k["id"] for k in body["kpis"]] == list(kpis_of(role))
        trend = next((k for k in body["kpis"] if k["id"] == "adjustment_trend"), None)
        if trend:
            assert trend["available"] is True and "Shrink" in trend["definition"]
    assert client.get(URL, headers=auth("worker")).status_code == 403


def test_the_shrink_trend_counts_losses_gains_and_scrap_per_week_at_their_value(app, client, auth):
    _shrink(app)
    first, last = day_at(3).date(), day_at(0).date()
    r = client.get(
        f"{URL}/adjustment_trend",
        query_string={"from": first.isoformat(), "to": last.isoformat()},
        headers=auth("supervisor"),
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert [c["name"] for c in body["columns"]][:5] == [
        "week", "lost_units", "found_units", "shrink_units", "shrink_value",
    ]  # fmt: skip
    cells = [row["cells"] for row in body["rows"]]
    # Lost 3 and found 1 by counts: shrink 2 units, 2 x 2.00 = 4.00; scrapped 2 = 4.00.
    assert sum(c["lost_units"] for c in cells) == 3
    assert sum(c["found_units"] for c in cells) == 1
    assert sum(c["shrink_units"] for c in cells) == 2
    assert sum(Decimal(c["shrink_value"]) for c in cells) == Decimal("4.00")
    assert sum(c["scrapped_units"] for c in cells) == 2
    assert sum(Decimal(c["scrapped_value"]) for c in cells) == Decimal("4.00")


def test_a_row_drills_down_to_its_records_and_the_report_exports_as_csv(app, client, auth):
    z = _shrink(app)
    args = {"from": day_at(3).date().isoformat(), "by": "location"}
    r = client.get(f"{URL}/adjustment_trend", query_string=args, headers=auth("manager"))
    assert r.status_code == 200, r.get_json()
    labels = {row["label"] for row in r.get_json()["rows"]}
    assert labels == {z["p1"].code, z["site"].bin.code}

    drill = client.get(
        f"{URL}/adjustment_trend/records",
        query_string={**args, "group": z["p1"].code},
        headers=auth("manager"),
    )
    assert drill.status_code == 200, drill.get_json()
    records = drill.get_json()["records"]
    assert sorted((x["kind"], x["units"]) for x in records) == [("count", -3), ("scrap", -2)]
    assert {x["worker"] for x in records} == {f"picker-{z['prefix'].lower()}"}

    exported = client.get(f"{URL}/adjustment_trend/csv", query_string=args,
                          headers=auth("manager"))  # fmt: skip
    assert exported.status_code == 200
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert {row["group"] for row in rows} == labels
    assert sum(int(row["lost_units"]) for row in rows) == 3


def test_a_figure_outside_the_callers_dashboards_is_refused(client, auth):
    r = client.get(f"{URL}/gross_margin", headers=auth("supervisor"))
    assert r.status_code == 403
    assert r.get_json()["error"]["details"]["kpi"] == "gross_margin"


def test_an_unknown_figure_and_one_not_recorded_yet_are_404_with_their_reason(client, auth):
    r = client.get(f"{URL}/nonsense", headers=auth("manager"))
    assert r.status_code == 404
    assert r.get_json()["error"]["details"]["code"] == "unknown_kpi"
    # Every figure whose data is not recorded yet says so (none, once all have runners).
    listed = client.get(URL, headers=auth("manager")).get_json()["kpis"]
    for kpi in (k for k in listed if not k["available"]):
        r = client.get(f"{URL}/{kpi['id']}", headers=auth("manager"))
        assert r.status_code == 404
        assert r.get_json()["error"]["details"]["code"] == "kpi_not_available"


def test_a_filter_or_breakdown_the_figure_does_not_take_is_a_422(client, auth):
    r = client.get(f"{URL}/adjustment_trend", query_string={"channel": "WEB"},
                   headers=auth("supervisor"))  # fmt: skip
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["code"] == "unsupported_filter"
    r = client.get(f"{URL}/adjustment_trend", query_string={"by": "channel"},
                   headers=auth("supervisor"))  # fmt: skip
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["code"] == "unsupported_breakdown"
    backwards = {"from": "2026-12-05", "to": "2026-12-01"}
    r = client.get(f"{URL}/adjustment_trend", query_string=backwards, headers=auth("supervisor"))
    assert r.status_code == 422


def test_the_dates_of_the_range_are_days_both_included(app, client, auth):
    _shrink(app)
    only = day_at(1).date().isoformat()  # the scrap's day only
    r = client.get(f"{URL}/adjustment_trend", query_string={"from": only, "to": only},
                   headers=auth("supervisor"))  # fmt: skip
    cells = [row["cells"] for row in r.get_json()["rows"]]
    assert sum(c["scrapped_units"] for c in cells) == 2
    assert sum(c["lost_units"] for c in cells) == 0
