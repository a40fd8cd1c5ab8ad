"""Count plans: ABC classes from real ledger movements (by velocity and by value), the day's
scheduled counts (only what is due, spread by each class's quota), ad-hoc zone counts (one
whole-bin task per bin, never twice while open) and the policies behind them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.catalog.locations_service import create_location
from scanfloor.counting.models import CountLine, CountPolicy, ItemClass
from scanfloor.counting.plans_service import classify_warehouse, count_zone, generate_counts
from scanfloor.counting.service import raise_count_task
from scanfloor.extensions import db
from scanfloor.timeutil import utcnow
from tests.count_plan_helpers import grant, receive_costed, ship, tasks
from tests.putaway_helpers import build_site, item


def classes(wh_id: int) -> dict[int, str]:
    db.session.commit()
    rows = db.session.execute(
        select(ItemClass.item_id, ItemClass.abc_class).where(ItemClass.warehouse_id == wh_id)
    )
    return {int(i): str(c) for i, c in rows}


@pytest.fixture
def shipped(app: Any) -> dict[str, Any]:
    """WH1 shipped 70 of x, 20 of y, 10 of z in the window; w sits in a bin unshipped.
    By value: x costs 1, y 10, z 100 (its latest receipt; an older one cost 1)."""
    site = build_site()
    far = build_site(prefix="X")
    x, y, z, w = item(), item(), item(), item()
    a1, a2, b1 = site.bin("A1").id, site.bin("A2").id, site.bin("B1").id
    old = utcnow() - timedelta(days=200)
    receive_costed(x.id, a1, 100, "1.00")
    receive_costed(y.id, a2, 100, "10.00")
    receive_costed(z.id, b1, 50, "1.00", at=old)
    receive_costed(z.id, b1, 50, "100.00")
    receive_costed(w.id, site.bin("B2").id, 5, None)
    ship(x.id, a1, 70)
    ship(y.id, a2, 20)
    ship(z.id, b1, 10)
    ship(z.id, b1, 80, at=old)  # outside the 90-day window: not velocity
    # Another warehouse's shipments are not this warehouse's velocity.
    receive_costed(w.id, far.bin("A1").id, 500, "5.00")
    ship(w.id, far.bin("A1").id, 500)
    return {"site": site, "far": far, "x": x, "y": y, "z": z, "w": w}


def test_classes_by_velocity_come_from_the_units_shipped_in_the_window(shipped):
    s = shipped
    r = classify_warehouse(s["site"].wh.id, "velocity", 90)

    # 70 + 20 + 10: x holds 0 before it (A), y 70 % (A), z 90 % (B); w never shipped: C.
    assert classes(s["site"].wh.id) == {
        s["x"].id: "A",
        s["y"].id: "A",
        s["z"].id: "B",
        s["w"].id: "C",
    }
    assert (r.counts, r.measure, r.basis) == ({"A": 2, "B": 1, "C": 1}, "shipped", "velocity")
    row = db.session.get(ItemClass, (s["x"].id, s["site"].wh.id))
    assert (row.metric, row.rank, row.basis) == (Decimal(70), 1, "velocity")


def test_classes_by_value_weigh_velocity_by_the_latest_receipt_cost(shipped):
    s = shipped
    classify_warehouse(s["site"].wh.id, "value", 90)

    # z 10 x 100 = 1000 (A), y 20 x 10 = 200 (before: 78.7 %: A), x 70 x 1 (94.5 %: B).
    assert classes(s["site"].wh.id) == {
        s["z"].id: "A",
        s["y"].id: "A",
        s["x"].id: "B",
        s["w"].id: "C",
    }
    assert db.session.get(ItemClass, (s["z"].id, s["site"].wh.id)).metric == Decimal(1000)


def test_a_warehouse_that_shipped_nothing_yet_is_ranked_by_its_picks(app):
    site = build_site()
    staging = create_location(code="STG-1", type="staging", parent_id=site.wh.id)
    a, b = item(), item()
    receive_costed(a.id, site.bin("A1").id, 10, "1")
    receive_costed(b.id, site.bin("A2").id, 10, "1")
    from tests.count_plan_helpers import move

    move("pick", a.id, 1, site.bin("A1").id, staging.id)
    move("pick", b.id, 9, site.bin("A2").id, staging.id)

    r = classify_warehouse(site.wh.id, "velocity", 30)

    assert r.measure == "picked"
    assert classes(site.wh.id) == {b.id: "A", a.id: "B"}  # b holds 90 %: a starts at 90 %


def test_classifying_again_replaces_the_warehouses_classes(shipped):
    s = shipped
    classify_warehouse(s["site"].wh.id, "velocity", 90)
    classify_warehouse(s["site"].wh.id, "velocity", 300)  # now z's old 80 counts: z first
    assert classes(s["site"].wh.id)[s["z"].id] == "A"
    assert classes(s["far"].wh.id) == {}


def test_classify_over_the_api_is_for_managers(client, auth, users, shipped):
    grant(users, shipped["site"].wh)
    body = {"warehouse": "WH1", "basis": "velocity", "window_days": 90}
    r = client.post("/api/v1/count-plans/classify", json=body, headers=auth("supervisor"))
    assert r.status_code == 403
    assert classes(shipped["site"].wh.id) == {}

    r = client.post("/api/v1/count-plans/classify", json=body, headers=auth("manager"))

    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out["counts"] == {"A": 2, "B": 1, "C": 1}
    assert out["warehouse"]["code"] == "WH1"
    got = client.get(
        "/api/v1/item-classes",
        query_string={"warehouse": "WH1", "class": "A"},
        headers=auth("supervisor"),
    )
    assert got.status_code == 200, got.get_json()
    listed = got.get_json()["items"]
    assert [(i["item"]["id"], i["rank"], i["metric"]) for i in listed] == [
        (shipped["x"].id, 1, "70.0000"),
        (shipped["y"].id, 2, "20.0000"),
    ]
    assert listed[0]["next_due"] is None  # never counted: due now


# --- scheduled counts ------------------------------------------------------------------------


def _classed(wh_id: int, item_id: int, cls: str) -> None:
    db.session.add(
        ItemClass(
            item_id=item_id, warehouse_id=wh_id, abc_class=cls, basis="value", metric=0, rank=1
        )
    )
    db.session.commit()


def _counted(site: Any, bin_id: int, item_id: int, days_ago: int) -> None:
    task_id = raise_count_task(
        warehouse_id=site.wh.id,
        location_id=bin_id,
        item_id=item_id,
        reason="abc",
        source_type=None,
        source_id=None,
        actor_id=None,
    )
    db.session.add(
        CountLine(
            task_id=task_id,
            attempt=1,
            warehouse_id=site.wh.id,
            location_id=bin_id,
            item_id=item_id,
            counted_qty=1,
            system_qty=1,
            variance=0,
            counted_at=utcnow() - timedelta(days=days_ago),
        )
    )
    t = tasks(id=task_id)[0]
    t.status = "counted"
    db.session.commit()


@pytest.fixture
def planned(client: Any, auth: Any, users: Any) -> dict[str, Any]:
    """Four A items (A every 2 days: quota ceil(4/2) = 2), one counted yesterday; one B item
    in two bins (B every 10 days: quota 1); one C item counted last week."""
    site = build_site()
    grant(users, site.wh)
    r = client.put(
        "/api/v1/count-policies",
        json={
            "warehouse": "WH1",
            "policies": [
                {
                    "abc_class": "A",
                    "interval_days": 2,
                    "tolerance_units": 0,
                    "tolerance_value": "0",
                    "cumulative_share": "0.8",
                },
                {
                    "abc_class": "B",
                    "interval_days": 10,
                    "tolerance_units": 1,
                    "tolerance_value": "10",
                    "cumulative_share": "0.95",
                },
            ],
        },
        headers=auth("manager"),
    )
    assert r.status_code == 200, r.get_json()
    a = [item() for _ in range(4)]
    b, c = item(), item()
    for n, it in enumerate(a):
        receive_costed(it.id, site.bin("A1" if n % 2 else "A2").id, 5, "1")
        _classed(site.wh.id, it.id, "A")
    receive_costed(b.id, site.bin("B1").id, 5, "1")
    receive_costed(b.id, site.bin("B2").id, 5, "1")
    _classed(site.wh.id, b.id, "B")
    receive_costed(c.id, site.bin("A3").id, 5, "1")  # unclassified: C, every 182 days
    _counted(site, site.bin("A1").id, a[0].id, days_ago=1)
    _counted(site, site.bin("A3").id, c.id, days_ago=7)
    return {"site": site, "a": a, "b": b, "c": c}


def test_only_due_items_are_raised_and_each_class_within_its_quota(planned):
    p, site = planned, planned["site"]
    r = generate_counts(site.wh.id, utcnow().date())

    raised = tasks(reason="abc", status="open")
    # A: a1, a2, a3 are due (a0 was counted yesterday), the quota takes 2, lowest ids first.
    # B: b in both its bins. C: c was counted a week ago, not due for 182 days.
    assert sorted((t.item_id, t.location_id) for t in raised) == sorted(
        [
            (p["a"][1].id, site.bin("A1").id),
            (p["a"][2].id, site.bin("A2").id),
            (p["b"].id, site.bin("B1").id),
            (p["b"].id, site.bin("B2").id),
        ]
    )
    assert r.due == {"A": 2, "B": 1, "C": 0}
    assert r.created == 4 and sorted(r.task_ids) == sorted(t.id for t in raised)
    assert all(t.source_type == "count_plan" for t in raised)


def test_generating_twice_a_day_raises_nothing_twice(client, auth, planned):
    first = client.post(
        "/api/v1/count-plans/generate", json={"warehouse": "WH1"}, headers=auth("supervisor")
    )
    again = client.post(
        "/api/v1/count-plans/generate", json={"warehouse": "WH1"}, headers=auth("supervisor")
    )
    assert first.status_code == again.status_code == 200, first.get_json()
    assert first.get_json()["created"] == 4
    assert again.get_json()["created"] == 0
    assert sorted(again.get_json()["task_ids"]) == sorted(first.get_json()["task_ids"])
    assert len(tasks(reason="abc", status="open")) == 4


def test_generating_is_for_supervisors(client, auth, planned):
    r = client.post(
        "/api/v1/count-plans/generate", json={"warehouse": "WH1"}, headers=auth("worker")
    )
    assert r.status_code == 403
    assert tasks(reason="abc", status="open") == []


# --- ad-hoc zone counts ------------------------------------------------------------------------


def test_a_zone_count_raises_one_whole_bin_task_per_bin_and_not_twice_while_open(
    client, auth, users
):
    site = build_site()
    grant(users, site.wh)
    create_location(code="STG-A", type="staging", parent_id=site.zone_a.id)  # not counted
    h = auth("supervisor")

    r = client.post(
        "/api/v1/count-plans/adhoc", json={"warehouse": "WH1", "zone": "wh1-a"}, headers=h
    )

    assert r.status_code == 200, r.get_json()
    raised = tasks(reason="adhoc")
    assert sorted(t.location_id for t in raised) == sorted(
        site.bin(b).id for b in ("A1", "A2", "A3")
    )
    assert all(t.item_id is None and t.status == "open" for t in raised)
    assert r.get_json()["created"] == 3

    again = client.post(
        "/api/v1/count-plans/adhoc",
        json={"warehouse": "WH1", "zone": "WH1-A", "locations": ["B-1"]},
        headers=h,
    )
    assert again.get_json()["created"] == 1  # only B-1 is new
    assert len(tasks(reason="adhoc")) == 4
    assert set(r.get_json()["task_ids"]) < set(again.get_json()["task_ids"])


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"zone": "NO-SUCH-ZONE"}, 404, "not_found"),
        ({"locations": ["DOCK-1"]}, 422, "wrong_location"),
        ({"locations": ["XA-1"]}, 404, "not_found"),  # another warehouse's bin
        ({}, 422, "validation_failed"),
    ],
)
def test_an_adhoc_count_of_what_is_no_bin_of_the_warehouse_raises_nothing(
    client, auth, users, body, status, code
):
    grant(users, build_site().wh)
    build_site(prefix="X")
    r = client.post(
        "/api/v1/count-plans/adhoc", json={"warehouse": "WH1", **body}, headers=auth("supervisor")
    )
    assert r.status_code == status, r.get_json()
    assert r.get_json()["error"]["code"] == code
    assert tasks() == []


def test_a_zone_count_takes_pick_faces_and_storage_bins_only(app):
    site = build_site()
    face = create_location(code="A-9", type="pick_face", parent_id=site.zone_a.id)
    create_location(code="Q-A", type="quarantine", parent_id=site.zone_a.id)
    r = count_zone(site.wh.id, zone="WH1-A")
    assert {t.location_id for t in tasks(reason="adhoc")} == {
        site.bin("A1").id,
        site.bin("A2").id,
        site.bin("A3").id,
        face.id,
    }
    assert r.created == 4


# --- policies ------------------------------------------------------------------------------------


def test_policies_default_for_every_warehouse_until_one_sets_its_own(client, auth, users):
    grant(users, build_site().wh)
    got = client.get(
        "/api/v1/count-policies", query_string={"warehouse": "WH1"}, headers=auth("supervisor")
    ).get_json()
    assert [(p["abc_class"], p["interval_days"], p["own"]) for p in got["policies"]] == [
        ("A", 30, False),
        ("B", 91, False),
        ("C", 182, False),
    ]
    r = client.put(
        "/api/v1/count-policies",
        json={
            "warehouse": "WH1",
            "policies": [
                {
                    "abc_class": "C",
                    "interval_days": 120,
                    "tolerance_units": 3,
                    "tolerance_value": "40.00",
                    "cumulative_share": "1",
                }
            ],
        },
        headers=auth("manager"),
    )
    assert r.status_code == 200, r.get_json()
    c = r.get_json()["policies"][2]
    assert (c["interval_days"], c["tolerance_value"], c["own"]) == (120, "40.0000", True)
    defaults = client.get("/api/v1/count-policies", headers=auth("supervisor")).get_json()
    assert defaults["policies"][2]["interval_days"] == 182


def test_policies_are_set_by_managers_only_and_shares_must_rise(client, auth):
    build_site()
    body = {
        "warehouse": "WH1",
        "policies": [
            {
                "abc_class": "A",
                "interval_days": 10,
                "tolerance_units": 0,
                "tolerance_value": "0",
                "cumulative_share": "0.99",
            }
        ],
    }
    assert (
        client.put("/api/v1/count-policies", json=body, headers=auth("supervisor")).status_code
        == 403
    )

    r = client.put("/api/v1/count-policies", json=body, headers=auth("manager"))

    assert r.status_code == 422  # A 0.99 above B's 0.95
    db.session.commit()
    assert db.session.scalars(select(CountPolicy).where(CountPolicy.warehouse_key != 0)).all() == []


# --- cli -----------------------------------------------------------------------------------------


def test_the_cli_classifies_plans_and_reports_accuracy(app, shipped):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from scanfloor.cli import main

    def run(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))

    r = run("counts", "classify", "--warehouse", "wh1", "--basis", "velocity")
    assert r.exit_code == 0, r.output
    assert "A 2, B 1, C 1" in r.output
    r = run("counts", "plan", "--warehouse", "WH1")
    assert r.exit_code == 0, r.output
    assert len(tasks(reason="abc")) > 0
    r = run("counts", "accuracy", "--warehouse", "WH1", "--by", "class")
    assert r.exit_code == 0 and "total: 0/0" in r.output, r.output
    assert run("counts", "plan", "--warehouse", "NOPE").exit_code != 0
