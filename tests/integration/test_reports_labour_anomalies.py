"""Picks per labour hour from the workers' active quarter-hours, and the anomaly flags with
the numbers that raised them, acknowledged once with a note, through the reports API (on
SQLite and PostgreSQL). The stock is posted through the one ledger writer, so the daily
facts the reports read are the ones the postings kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from scanfloor.catalog.models import Location
from scanfloor.extensions import db
from tests.factories import make_bin, virtual
from tests.integration.test_reporting_facts import _post, _zoned_site
from tests.report_api_helpers import ACKS, URL, ack_of, kpi_report, rows_by_label
from tests.suggestion_helpers import day_at, item, receive

# --- picks per labour hour ---------------------------------------------------------------


def _picking_day(app: Any) -> dict[str, Any]:
    """Yesterday the picker picked from P-1 (zone PICK) and from A-1 (in no zone):
    09:20 and 09:25 from P-1 (2 and 3 units), 10:05 from A-1 (4), and in the 11:00
    quarter-hour from both (1 unit each). Another worker picked once in another site."""
    z, other = _zoned_site(), _zoned_site()
    site, tee = z["site"], item("LABOUR-TEE")
    receive(site, tee, 50, day_at(2), to=z["p1"])
    receive(site, tee, 20, day_at(2))  # into A-1, straight under the warehouse
    receive(other["site"], tee, 5, day_at(2), to=other["p1"])
    nine = day_at(1, hour=9)
    pack = site.pack.id
    for minutes, qty, src in ((20, 2, z["p1"]), (25, 3, z["p1"]), (65, 4, site.bin),
                              (120, 1, z["p1"]), (125, 1, site.bin)):  # fmt: skip
        _post("pick", tee.id, qty, src.id, pack, nine + timedelta(minutes=minutes), z["picker"])
    _post("pick", tee.id, 1, other["p1"].id, other["site"].pack.id, nine, other["picker"])
    return {"z": z, "other": other, "day": nine.date().isoformat()}


def test_picks_per_labour_hour_count_each_workers_active_quarter_hours(app, client, auth):
    w = _picking_day(app)
    picker = f"picker-{w['z']['prefix'].lower()}"
    body = kpi_report(client, auth("supervisor"), "pick_productivity", by="worker",
                **{"from": w["day"], "to": w["day"]})  # fmt: skip
    cells = rows_by_label(body)[picker]
    # Active quarter-hours 09:15, 10:00 and 11:00: 3 x 15 min = 0.75 h. 5 picks, 5 lines,
    # 11 units: 5 / 0.75 = 6.67 an hour, 11 / 0.75 = 14.67.
    assert (cells["picks"], cells["lines"], cells["units"]) == (5, 5, 11)
    assert (cells["labour_hours"], cells["picks_per_hour"], cells["units_per_hour"]) == (
        "0.75", "6.67", "14.67")  # fmt: skip
    assert body["total"]["cells"]["picks"] == 6  # the other site's worker too

    by_zone = rows_by_label(
        kpi_report(client, auth("manager"), "pick_productivity", by="zone", worker=picker)
    )
    # PICK: 09:15 whole and half of 11:00 = 1.5 quarter-hours (0.375 h): 3 picks of 6 units
    # -> 3 x 4 / 1.5 = 8.00 and 6 x 4 / 1.5 = 16.00. No zone: 10:00 and the other half of
    # 11:00: 2 picks of 5 units -> 8.00 and 13.33.
    zone = w["z"]["zone"].code
    assert (by_zone[zone]["picks"], by_zone[zone]["labour_hours"]) == (3, "0.38")
    assert (by_zone[zone]["picks_per_hour"], by_zone[zone]["units_per_hour"]) == ("8.00", "16.00")
    assert (by_zone[None]["picks"], by_zone[None]["units_per_hour"]) == (2, "13.33")


def test_a_zone_keeps_only_its_share_of_a_quarter_hour_split_with_another(app, client, auth):
    w = _picking_day(app)
    body = kpi_report(client, auth("supervisor"), "pick_productivity", zone=w["z"]["zone"].code)
    # Asked for zone PICK alone, the 11:00 quarter-hour still counts half: 0.375 h.
    assert (body["rows"][0]["cells"]["picks"], body["rows"][0]["cells"]["labour_hours"]) == (
        3, "0.38")  # fmt: skip


def test_picks_outside_any_zone_belong_to_the_warehouse_the_worker_picked_in(app, client, auth):
    w = _picking_day(app)
    body = kpi_report(client, auth("supervisor"), "pick_productivity",
                warehouse=w["z"]["site"].warehouse.code)  # fmt: skip
    # All five picks of the picker (two from A-1, in no zone), none of the other site's.
    assert body["rows"][0]["cells"]["picks"] == 5
    drill = client.get(f"{URL}/pick_productivity/records", headers=auth("supervisor"),
                       query_string={"warehouse": w["z"]["site"].warehouse.code})  # fmt: skip
    records = drill.get_json()["records"]
    assert {r["warehouse"] for r in records} == {w["z"]["site"].warehouse.code}
    assert sum(r["picks"] for r in records) == 5


def test_labour_figures_are_for_the_operations_dashboard_only(app, client, auth):
    for role in ("worker", "finance"):
        assert client.get(f"{URL}/pick_productivity", headers=auth(role)).status_code == 403


# --- unusual losses ----------------------------------------------------------------------


def _bins(z: dict[str, Any], names: list[str], stock: int, tee: Any) -> dict[str, Location]:
    wh = z["site"].warehouse
    made = {}
    for name in names:
        made[name] = make_bin(f"{z['prefix']}-{name}", parent_id=z["zone"].id,
                              warehouse_id=wh.id)  # fmt: skip
        db.session.commit()
        receive(z["site"], tee, stock, day_at(9), to=made[name])
    return made


def _count(z: dict[str, Any], tee: Any, where: Location, units: int, days_ago: int) -> None:
    """A count by the picker: a loss (units < 0) out of the bin, or a gain into it."""
    adj = virtual("INV-ADJ").id
    src, dst, reason = (where.id, adj, "count_loss") if units < 0 else (adj, where.id, "count_gain")
    _post("count", tee.id, abs(units), src, dst, day_at(days_ago), z["picker"], reason=reason)


def _losses(app: Any) -> dict[str, Any]:
    """Six bins counted short: L1 2 (and found 5 later), L2 3, L3 3, L4 4, L5 2; L6 three
    times: 10, 6 and 4 units (6, 4 and 2 days ago)."""
    z, tee = _zoned_site(), item("LOSS-TEE")
    bins = _bins(z, [f"L{n}" for n in range(1, 7)], 30, tee)
    for name, units in (("L1", 2), ("L2", 3), ("L3", 3), ("L4", 4), ("L5", 2)):
        _count(z, tee, bins[name], -units, 5)
    _count(z, tee, bins["L1"], 5, 3)
    for units, days_ago in ((10, 6), (6, 4), (4, 2)):
        _count(z, tee, bins["L6"], -units, days_ago)
    return {"z": z, "tee": tee, "bins": bins, "from": day_at(8).date().isoformat()}


def test_a_location_losing_far_more_than_its_peers_is_flagged_with_its_numbers(app, client, auth):
    w = _losses(app)
    body = kpi_report(client, auth("supervisor"), "unusual_losses", **{"from": w["from"]})
    (row,) = body["rows"]
    l6 = w["bins"]["L6"].code
    assert row["label"] == f"location {l6}: count losses"
    c = row["cells"]
    # Count losses per bin: 2, 3, 3, 4, 2, 20 -> median 3; distances 1, 0, 0, 1, 1, 17 ->
    # MAD 1; L6: 0.6745 x (20 - 3) / 1 = 11.47 > 3.5. One item and one worker: too few.
    assert (c["member"], c["family"], c["units"], c["events"], c["population"]) == (
        l6, "count_losses", 20, 3, 6)  # fmt: skip
    assert (c["median"], c["mad"], c["method"], c["score"], c["threshold"]) == (
        "3", "1", "mad", "11.47", "3.5")  # fmt: skip
    assert c["acknowledged_by"] is None
    assert c["fingerprint"] == (
        f"unusual_losses|location|count_losses|{l6}|{day_at(6).date()}|{day_at(2).date()}|20"
    )
    drill = client.get(f"{URL}/unusual_losses/records", headers=auth("supervisor"),
                       query_string={"from": w["from"], "group": row["label"]})  # fmt: skip
    assert sorted(r["units"] for r in drill.get_json()["records"]) == [-10, -6, -4]


def test_a_flag_acknowledged_with_a_note_shows_who_and_what_they_found(app, client, auth):
    w = _losses(app)
    (row,) = kpi_report(client, auth("supervisor"), "unusual_losses", **{"from": w["from"]})["rows"]
    ack = ack_of(row["cells"], "unusual_losses", "Recounted: a pallet was in L7")
    r = client.post(ACKS, json=ack, headers=auth("supervisor"))
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["acked_by_username"], r.get_json()["subject"]) == (
        "supervisor", row["label"])  # fmt: skip

    again = kpi_report(client, auth("manager"), "unusual_losses", **{"from": w["from"]})
    cells = again["rows"][0]["cells"]
    assert (cells["acknowledged_by"], cells["ack_note"]) == (
        "supervisor", "Recounted: a pallet was in L7")  # fmt: skip
    listed = client.get(ACKS, headers=auth("manager")).get_json()["acks"]
    assert [a["fingerprint"] for a in listed] == [ack["fingerprint"]]

    # A new loss at L6 is new evidence: the flag it raises is not acknowledged.
    _count(w["z"], w["tee"], w["bins"]["L6"], -3, 1)
    fresh = kpi_report(client, auth("supervisor"), "unusual_losses", **{"from": w["from"]})
    assert fresh["rows"][0]["cells"]["acknowledged_by"] is None
    assert fresh["rows"][0]["cells"]["fingerprint"] != ack["fingerprint"]


def test_a_flag_is_acknowledged_once_and_never_without_a_note(app, client, auth):
    w = _losses(app)
    (row,) = kpi_report(client, auth("supervisor"), "unusual_losses", **{"from": w["from"]})["rows"]
    ack = ack_of(row["cells"], "unusual_losses", "   ")
    blank = client.post(ACKS, json=ack, headers=auth("supervisor"))
    assert blank.status_code == 422
    assert blank.get_json()["error"]["details"]["code"] == "note_required"
    wrong_kind = client.post(ACKS, json={**ack, "kind": "repeated_small_losses", "note": "x"},
                             headers=auth("supervisor"))  # fmt: skip
    assert wrong_kind.get_json()["error"]["details"]["code"] == "fingerprint_mismatch"
    assert client.post(ACKS, json={**ack, "note": "x"}, headers=auth("worker")).status_code == 403
    assert client.get(ACKS, headers=auth("supervisor")).get_json()["acks"] == []

    first = client.post(ACKS, json={**ack, "note": "Breakage, binned"}, headers=auth("manager"))
    assert first.status_code == 201
    second = client.post(ACKS, json={**ack, "note": "Theft?"}, headers=auth("supervisor"))
    assert second.status_code == 409
    error = second.get_json()["error"]
    assert (error["code"], error["details"]["acked_by"]) == ("already_acknowledged", "manager")
    (kept,) = client.get(ACKS, headers=auth("supervisor")).get_json()["acks"]
    assert kept["note"] == "Breakage, binned"


# --- repeated small losses ---------------------------------------------------------------


def test_a_location_losing_a_little_on_three_days_in_a_week_is_a_pattern(app, client, auth):
    z, tee = _zoned_site(), item("PATTERN-TEE")
    bins = _bins(z, ["B1", "B2", "B3"], 20, tee)
    for days_ago in (6, 4, 2):
        _count(z, tee, bins["B1"], -1, days_ago)
    _post("adjustment", tee.id, 5, bins["B2"].id, virtual("INV-ADJ").id, day_at(3), z["picker"])
    _count(z, tee, bins["B3"], -4, 3)
    body = kpi_report(client, auth("supervisor"), "repeated_small_losses",
                **{"from": day_at(8).date().isoformat()})  # fmt: skip
    (row,) = body["rows"]
    # Losses 1, 1, 1, 5, 4: median 1, so a loss of 1 is small; B1 lost 1 on 3 days within
    # 7 days (6, 4 and 2 days ago).
    c = row["cells"]
    assert row["label"] == bins["B1"].code
    assert (c["first_day"], c["last_day"]) == (
        day_at(6).date().isoformat(), day_at(2).date().isoformat())  # fmt: skip
    assert (c["losses"], c["units_lost"], c["small_at_most"]) == (3, 3, "1")
    assert c["fingerprint"].startswith(f"repeated_small_losses|location|{bins['B1'].code}|")
    ack = ack_of(c, "repeated_small_losses", "Picker scanning the wrong bin; retrained")
    assert client.post(ACKS, json=ack, headers=auth("supervisor")).status_code == 201
    again = kpi_report(client, auth("supervisor"), "repeated_small_losses",
                 **{"from": day_at(8).date().isoformat()})  # fmt: skip
    assert again["rows"][0]["cells"]["acknowledged_by"] == "supervisor"


def test_anomaly_flags_are_for_the_operations_dashboard_only(app, client, auth):
    for kpi in ("unusual_losses", "repeated_small_losses"):
        assert client.get(f"{URL}/{kpi}", headers=auth("finance")).status_code == 403
        got = client.get(f"{URL}/{kpi}", headers=auth("supervisor"))
        assert got.status_code == 200 and got.get_json()["rows"] == []
    assert client.get(ACKS, headers=auth("worker")).status_code == 403
