"""Putaway tasks are derived from stock on the dock, each with the bin the rules suggest."""

from __future__ import annotations

from datetime import timedelta

from scanfloor.timeutil import utcnow
from tests.putaway_helpers import build_site, item, lot, pallet, receive, tasks_of

API = "/api/v1/putaway"


def test_stock_received_onto_the_dock_is_an_open_task_with_its_age(client, auth):
    site = build_site()
    it = item()
    receive(it.id, site.dock.id, 12, at=utcnow() - timedelta(minutes=95))
    receive(it.id, site.bin("A1").id, 3)  # already in a bin: not a task

    tasks = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)

    assert len(tasks) == 1
    task = tasks[0]
    assert task["id"].startswith("b-")
    assert task["kind"] == "loose"
    assert task["item"] == {"id": it.id, "sku": it.sku, "name": it.name}
    assert task["lot"] is None and task["container"] is None
    assert task["quantity"] == 12
    assert task["from_location"] == {"id": site.dock.id, "code": site.dock.code}
    assert task["age_minutes"] >= 95
    assert task["contents"] == [
        {
            "item_id": it.id,
            "sku": it.sku,
            "name": it.name,
            "lot_id": None,
            "lot_code": None,
            "quantity": 12,
        }
    ]
    # Rule 1: the bin already holding the item.
    assert task["suggested_location"]["code"] == "A-1"
    assert task["suggested_location"]["rule"] == "same_item_lot"
    assert task["suggested_location"]["barcode"] == "A-1"


def test_the_bin_holding_the_same_lot_wins_over_one_holding_another_lot(client, auth):
    site = build_site()
    it = item(lots=True)
    lot1, lot2 = lot(it.id, "L1"), lot(it.id, "L2")
    receive(it.id, site.bin("A1").id, 5, lot_id=lot2.id)
    receive(it.id, site.bin("A3").id, 5, lot_id=lot1.id)
    receive(it.id, site.dock.id, 4, lot_id=lot1.id)

    [task] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)

    assert task["lot"] == {"id": lot1.id, "code": "L1"}
    assert task["suggested_location"]["code"] == "A-3"
    assert task["suggested_location"]["rule"] == "same_item_lot"


def test_a_new_lot_goes_to_the_first_empty_bin_in_the_zone_the_item_lives_in(client, auth):
    site = build_site()
    it = item(lots=True)
    old, new = lot(it.id, "OLD"), lot(it.id, "NEW")
    receive(it.id, site.bin("B2").id, 5, lot_id=old.id)  # the item lives in zone B
    receive(it.id, site.dock.id, 4, lot_id=new.id)

    [task] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)

    assert task["suggested_location"]["code"] == "B-1"
    assert task["suggested_location"]["rule"] == "empty_in_zone"


def test_a_full_same_lot_bin_and_a_too_small_empty_bin_are_passed_over(client, auth):
    site = build_site(capacities={"A1": 10, "A2": 5})
    it = item()
    receive(it.id, site.bin("A1").id, 8)  # room for 2 only
    receive(it.id, site.dock.id, 6)

    [task] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)

    # A2 (capacity 5) cannot take 6: the next empty bin of zone A on the walk.
    assert task["suggested_location"]["code"] == "A-3"


def test_a_new_item_goes_to_the_zone_named_in_its_attributes(client, auth):
    site = build_site()
    it = item(zone="B")  # the zone code without the warehouse prefix
    receive(it.id, site.dock.id, 2)

    [task] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)

    assert task["suggested_location"]["code"] == "B-1"
    assert task["suggested_location"]["rule"] == "empty_in_zone"


def test_with_its_zone_full_the_item_goes_to_any_empty_bin_by_walk_sequence(client, auth):
    site = build_site()
    it, other = item(), item()
    receive(it.id, site.bin("A1").id, 1, lot_id=None)
    receive(other.id, site.bin("A2").id, 1)
    receive(other.id, site.bin("A3").id, 1)
    receive(it.id, site.dock.id, 2)
    db_task = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)[0]
    assert db_task["suggested_location"]["code"] == "A-1"  # rule 1 still first

    newcomer = item(zone="WH1-A")
    receive(newcomer.id, site.dock.id, 2)
    tasks = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)
    mine = next(t for t in tasks if t["item"]["id"] == newcomer.id)
    assert mine["suggested_location"]["code"] == "B-1"
    assert mine["suggested_location"]["rule"] == "empty_anywhere"


def test_when_no_bin_can_take_the_stock_the_task_has_no_suggestion(client, auth):
    site = build_site(capacities={c: 3 for c in ("A1", "A2", "A3", "B1", "B2")})
    it = item()
    receive(it.id, site.dock.id, 50)

    [task] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)

    assert task["suggested_location"] is None


def test_a_pallet_on_the_dock_is_one_task_that_lists_everything_on_it(client, auth):
    site = build_site()
    a, b = item(barcode="5901234123457"), item(barcode="9780201379624")
    lpn = pallet(site.dock.id, "LPN-MIX-1")
    receive(a.id, site.dock.id, 5, container_id=lpn.id)
    receive(b.id, site.dock.id, 7, container_id=lpn.id)

    [task] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)

    assert task["id"] == f"c-{lpn.id}"
    assert task["kind"] == "lpn"
    assert task["item"] is None  # several items: no single one to show
    assert task["container"] == {"id": lpn.id, "code": "LPN-MIX-1"}
    assert task["quantity"] == 12
    assert sorted((c["item_id"], c["quantity"]) for c in task["contents"]) == [(a.id, 5), (b.id, 7)]
    assert task["suggested_location"]["code"] == "A-1"
    detail = client.get(f"{API}/tasks/{task['id']}", headers=auth("worker")).get_json()
    assert detail["container_barcode"] == "LPN-MIX-1"
    assert {b["item_id"] for b in detail["item_barcodes"]} == {a.id, b.id}
    assert sorted(detail["barcodes"]) == ["05901234123457", "09780201379624"]


def test_tasks_come_oldest_first_and_other_warehouses_are_left_out(client, auth):
    site = build_site()
    far = build_site(prefix="X")
    young, old, elsewhere = item(), item(), item()
    receive(young.id, site.dock.id, 1, at=utcnow() - timedelta(minutes=5))
    receive(old.id, site.dock.id, 1, at=utcnow() - timedelta(hours=3))
    receive(elsewhere.id, far.dock.id, 1)

    tasks = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)

    assert [t["item"]["id"] for t in tasks] == [old.id, young.id]
    assert (
        tasks_of(client, auth("worker"), warehouse_id=site.wh.id, limit=1)[0]["item"]["id"]
        == old.id
    )
    everywhere = tasks_of(client, auth("worker"))
    assert {t["item"]["id"] for t in everywhere} == {young.id, old.id, elsewhere.id}


def test_the_age_is_that_of_the_oldest_stock_still_waiting(client, auth):
    """First in, first out: once the older receipt's quantity has left the dock, what is
    left is the newer receipt, and the task is as old as that."""
    site = build_site()
    it = item()
    receive(it.id, site.dock.id, 10, at=utcnow() - timedelta(hours=5))
    receive(it.id, site.dock.id, 4, at=utcnow() - timedelta(minutes=30))
    [task] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)
    assert task["age_minutes"] >= 300

    r = client.post(
        f"{API}/confirm",
        json={
            "task_id": task["id"],
            "to_location": "A-1",
            "quantity": 10,
            "override_reason": "test",
        },
        headers=auth("worker"),
    )
    assert r.status_code == 201, r.get_json()

    [task] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)
    assert task["quantity"] == 4
    assert 30 <= task["age_minutes"] < 300


def test_one_task_carries_every_barcode_a_scanner_needs_offline(client, auth):
    site = build_site()
    it = item(barcode="4006381333931")
    receive(it.id, site.dock.id, 3)
    [listed] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)

    r = client.get(f"{API}/tasks/{listed['id']}", headers=auth("worker"))

    assert r.status_code == 200
    task = r.get_json()
    assert task["id"] == listed["id"]
    assert task["suggested_location"] == listed["suggested_location"]
    assert task["suggested_location"]["barcode"] == "A-1"
    assert "04006381333931" in task["barcodes"]
    assert task["item_barcodes"][0]["item_id"] == it.id


def test_an_unknown_task_is_not_found_and_a_gone_one_is_stale(client, auth):
    site = build_site()
    it = item()
    receive(it.id, site.dock.id, 3)
    [task] = tasks_of(client, auth("worker"), warehouse_id=site.wh.id)
    assert client.get(f"{API}/tasks/b-999999", headers=auth("worker")).status_code == 404
    assert client.get(f"{API}/tasks/nonsense", headers=auth("worker")).status_code == 404
    r = client.post(
        f"{API}/confirm", json={"task_id": task["id"], "to_location": "A-1"}, headers=auth("worker")
    )
    assert r.status_code == 201

    r = client.get(f"{API}/tasks/{task['id']}", headers=auth("worker"))
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "task_stale"


def test_supervisors_see_the_queue_and_the_age_of_what_waits_per_dock(client, auth):
    site = build_site()
    a, b, c = item(), item(), item()
    receive(a.id, site.dock.id, 4, at=utcnow() - timedelta(minutes=70))
    receive(b.id, site.dock.id, 6, at=utcnow() - timedelta(minutes=10))
    lpn = pallet(site.dock.id)
    receive(c.id, site.dock.id, 10, container_id=lpn.id)

    r = client.get(
        f"{API}/queue-summary",
        query_string={"warehouse_id": site.wh.id},
        headers=auth("supervisor"),
    )

    assert r.status_code == 200
    body = r.get_json()
    assert body["open_tasks"] == 3
    assert body["units_waiting"] == 20
    assert body["oldest_age_minutes"] >= 70
    assert body["by_dock"] == [
        {
            "location": {"id": site.dock.id, "code": site.dock.code},
            "open_tasks": 3,
            "units_waiting": 20,
            "oldest_age_minutes": body["oldest_age_minutes"],
        }
    ]
    r = client.get(f"{API}/queue-summary", headers=auth("worker"))
    assert r.status_code == 403


def test_an_empty_dock_is_an_empty_queue(client, auth):
    site = build_site()
    r = client.get(
        f"{API}/queue-summary",
        query_string={"warehouse_id": site.wh.id},
        headers=auth("supervisor"),
    )
    assert r.get_json() == {
        "warehouse_id": site.wh.id,
        "open_tasks": 0,
        "units_waiting": 0,
        "oldest_age_minutes": None,
        "by_dock": [],
    }
    assert tasks_of(client, auth("worker"), warehouse_id=site.wh.id) == []


def test_suggest_answers_for_an_item_and_quantity_before_anything_is_received(client, auth):
    site = build_site(capacities={"A1": 5})
    it = item(zone="A")
    q = {"item_id": it.id, "quantity": 8, "warehouse_id": site.wh.id}

    r = client.get(f"{API}/suggest", query_string=q, headers=auth("worker"))

    assert r.status_code == 200
    body = r.get_json()
    assert body["suggested_location"]["code"] == "A-2"
    assert body["suggested_location"]["rule"] == "empty_in_zone"
    bad = client.get(
        f"{API}/suggest", query_string={**q, "warehouse_id": site.zone_a.id}, headers=auth("worker")
    )
    assert bad.status_code == 404
    missing = client.get(
        f"{API}/suggest", query_string={**q, "item_id": 999999}, headers=auth("worker")
    )
    assert missing.status_code == 404
