"""Stock-out days from the daily demand projection (sellable stock at the start of each day,
worked back from today's balances) and inventory record accuracy from the first counts of
the counting workflow, through the reports API (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.counting_helpers import (
    claim,
    costed_item,
    count,
    count_floor,
    count_task,
    finish,
    set_policy,
)
from tests.report_api_helpers import URL, kpi_report
from tests.suggestion_helpers import day_at, item, make_site, receive, ship, today

# --- stock-out days ----------------------------------------------------------------------


def _stock_history(app: Any) -> dict[str, Any]:
    """TEE: 5 received 6 days ago, all 5 picked and shipped 3 days ago, 2 received yesterday.
    MUG: 3 received 10 days ago, never sold. NEW: 1 received 2 days ago. CAP: never stocked."""
    site = make_site()
    tee, mug, new, _cap = item("OUT-TEE"), item("OUT-MUG"), item("OUT-NEW"), item("OUT-CAP")
    receive(site, tee, 5, day_at(6))
    ship(site, tee, 5, day_at(3))
    receive(site, tee, 2, day_at(1))
    receive(site, mug, 3, day_at(10))
    receive(site, new, 1, day_at(2))
    return {"site": site, "from": day_at(5).date().isoformat(), "to": today().isoformat()}


def test_stock_out_days_count_the_days_an_item_started_with_no_sellable_stock(app, client, auth):
    h = _stock_history(app)
    wh = h["site"].warehouse.code
    body = kpi_report(client, auth("manager"), "stockout_days", by="item", warehouse=wh,
                **{"from": h["from"], "to": h["to"]})  # fmt: skip
    rows = {r["label"]: r["cells"] for r in body["rows"]}
    # TEE at the start of each day, 5 days ago to today: 5, 5, 5 (shipped at noon), 0, 0
    # (2 came at noon), 2: out on 2 of 6 days. MUG carried all 6 days, never out. NEW first
    # stocked 2 days ago: carried from the day after (yesterday and today). CAP: never.
    assert set(rows) == {"OUT-TEE", "OUT-MUG", "OUT-NEW"}
    assert body["rows"][0]["label"] == "OUT-TEE"  # most stock-out days first
    assert (rows["OUT-TEE"]["days"], rows["OUT-TEE"]["stockout_days"]) == (6, 2)
    assert rows["OUT-TEE"]["rate"] == "0.3333"
    assert (rows["OUT-MUG"]["days"], rows["OUT-MUG"]["stockout_days"]) == (6, 0)
    assert (rows["OUT-NEW"]["days"], rows["OUT-NEW"]["stockout_days"]) == (2, 0)
    # 2 stock-out days of 6 + 6 + 2 carried: 2 / 14 = 0.1429.
    total = body["total"]["cells"]
    assert (total["days"], total["stockout_days"], total["rate"]) == (14, 2, "0.1429")

    drill = client.get(f"{URL}/stockout_days/records", headers=auth("manager"),
                       query_string={"by": "item", "warehouse": wh, "group": "OUT-TEE",
                                     "from": h["from"], "to": h["to"]})  # fmt: skip
    (history,) = drill.get_json()["records"]
    assert history["opening"] == 5  # before the period: 5 on hand
    assert history["changes"] == [[day_at(3).date().isoformat(), -5],
                                  [day_at(1).date().isoformat(), 2]]  # fmt: skip
    assert history["first_stocked_on"] == day_at(6).date().isoformat()


def test_stock_outs_in_every_warehouse_are_told_apart_and_the_period_defaults(app, client, auth):
    h = _stock_history(app)
    other = make_site("X")
    receive(other, item("OUT-X"), 4, day_at(20))
    body = kpi_report(client, auth("admin"), "stockout_days", by="item")
    labels = {r["label"] for r in body["rows"]}
    assert f"OUT-TEE @ {h['site'].warehouse.code}" in labels
    assert f"OUT-X @ {other.warehouse.code}" in labels
    # No period given: the 30 days to today, said in the answer.
    assert body["filters"] == {
        "date_from": (today() - timedelta(days=29)).isoformat(), "date_to": today().isoformat()
    }  # fmt: skip
    assert any("30 days" in note for note in body["notes"])
    ahead = (today() + timedelta(days=3)).isoformat()
    later = kpi_report(client, auth("admin"), "stockout_days", **{"from": h["from"], "to": ahead})
    assert later["filters"]["date_to"] == today().isoformat()
    assert later["rows"][0]["cells"]["stockout_days"] == 2  # days to come are not counted


def test_stock_out_days_are_for_purchasing_and_refuse_what_they_do_not_take(app, client, auth):
    for role in ("supervisor", "finance"):
        assert client.get(f"{URL}/stockout_days", headers=auth(role)).status_code == 403
    r = client.get(f"{URL}/stockout_days", query_string={"zone": "A"}, headers=auth("manager"))
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["code"] == "unsupported_filter"
    future = (today() + timedelta(days=5)).isoformat()
    r = client.get(f"{URL}/stockout_days", query_string={"from": future},
                   headers=auth("manager"))  # fmt: skip
    assert r.status_code == 422


# --- inventory record accuracy -----------------------------------------------------------


def _counted(app: Any, client: Any, users: Any, auth: Any) -> Any:
    """First counts by the worker (class C: 2 units or 50.00 allowed): A-1 10 of 10 booked
    (item at 2.00), B-1 3 of 4 (2.00: 1 short, within), A-2 2 of 6 (5.00: 4 short, beyond:
    sent to a recount)."""
    cf = count_floor(app, users, auth)
    set_policy("C", 2, "50.00")
    x = costed_item(cf.floor, {"A-1": 10, "B-1": 4}, "2.00")
    y = costed_item(cf.floor, {"A-2": 6}, "5.00")
    for short, it, qty in (("A-1", x, 10), ("B-1", x, 3), ("A-2", y, 2)):
        task = count_task(cf, short, it.id)
        assert claim(cf, client).body["task"]["id"] == task
        assert count(cf, client, task, short, it.each_barcode, qty).status == 200
        assert finish(cf, client, task).status == 200
    return cf


def test_record_accuracy_is_the_share_of_first_counts_within_tolerance(app, client, auth, users):
    cf = _counted(app, client, users, auth)
    body = kpi_report(client, auth("supervisor"), "inventory_record_accuracy")
    (row,) = body["rows"]
    # 2 of 3 records within tolerance: 0.6667. Value: A-1 10 x 2.00 = 20, B-1 the larger
    # of 4 and 3 x 2.00 = 8, A-2 6 x 5.00 = 30: 28 of 58 matched = 0.4828.
    c = row["cells"]
    assert (c["records"], c["matched"], c["rate"]) == (3, 2, "0.6667")
    assert (c["value_counted"], c["value_matched"], c["value_rate"]) == (
        "58.00", "28.00", "0.4828")  # fmt: skip

    zones = {r["label"]: r["cells"] for r in kpi_report(
        client, auth("finance"), "inventory_record_accuracy", by="zone")["rows"]}  # fmt: skip
    a, b = cf.floor.zones["A"].code, cf.floor.zones["B"].code
    assert (zones[a]["records"], zones[a]["rate"], zones[a]["value_rate"]) == (
        2,
        "0.5000",
        "0.4000",
    )
    assert (zones[b]["records"], zones[b]["rate"]) == (1, "1.0000")

    drill = client.get(f"{URL}/inventory_record_accuracy/records", headers=auth("supervisor"),
                       query_string={"by": "zone", "group": a})  # fmt: skip
    records = drill.get_json()["records"]
    assert sorted((r["location"], r["system_qty"], r["counted_qty"]) for r in records) == [
        (cf.bin("A-1").code, 10, 10), (cf.bin("A-2").code, 6, 2)]  # fmt: skip


def test_record_accuracy_filters_by_class_and_worker_and_has_none_for_nothing_counted(
    app, client, auth, users
):
    _counted(app, client, users, auth)
    none = kpi_report(client, auth("supervisor"), "inventory_record_accuracy", abc_class="A")
    assert none["rows"][0]["cells"]["records"] == 0
    assert none["rows"][0]["cells"]["rate"] is None  # nothing counted: no rate, not 0 %
    mine = kpi_report(client, auth("supervisor"), "inventory_record_accuracy", worker="worker")
    assert mine["rows"][0]["cells"]["records"] == 3
    assert client.get(f"{URL}/inventory_record_accuracy", headers=auth("worker")).status_code == 403
