"""Reorder policies over HTTP: one per item and warehouse, set by upsert, checked against
what its policy needs, listed with filters, deactivated; and the bulk read for suggestions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import event, select

from scanfloor.access.models import UserWarehouse
from scanfloor.auth.models import User
from scanfloor.catalog.models import Item, Location
from scanfloor.extensions import db
from scanfloor.purchasing.reorder_policy_service import policies_for
from scanfloor.purchasing.terms_models import ReorderPolicy, SupplierItem
from tests.factories import make_bin_in, make_item, make_supplier, make_warehouse

URL = "/api/v1/reorder-policies"


def _policies() -> list[tuple[Any, ...]]:
    """Every policy row, every column: a refused request must leave them as they were."""
    db.session.rollback()
    table = ReorderPolicy.__table__
    return [tuple(r) for r in db.session.execute(select(table).order_by(table.c.id))]


def _warehouse(code: str) -> Location:
    """A warehouse the supervisor and the worker (conftest's users) are assigned to: policies
    are read and written within one's warehouse rights (test_reorder_policy_rights.py)."""
    wh = make_warehouse(code)
    staff = db.session.scalars(select(User).where(User.username.in_(("supervisor", "worker"))))
    db.session.add_all(UserWarehouse(user_id=u.id, warehouse_id=wh.id) for u in staff)
    db.session.commit()
    return wh


def _put(client: Any, auth: Any, role: str = "supervisor", **body: Any) -> Any:
    return client.put(URL, headers=auth(role), json=body)


def test_a_policy_is_set_per_item_and_warehouse_and_a_second_put_replaces_it(client, auth, users):
    wh = _warehouse("WH1")
    item = make_item("SKU-A", name="Widget")
    r = _put(client, auth, sku="sku-a", warehouse="wh1", policy="min_max", min_qty=10, max_qty=50)
    assert r.status_code == 200, r.get_json()
    first = r.get_json()
    assert {k: v for k, v in first.items() if k != "updated_at"} == {
        "id": first["id"],
        "item": {"id": item.id, "sku": "SKU-A", "name": "Widget"},
        "warehouse": {"id": wh.id, "code": "WH1"},
        "policy": "min_max",
        "min_qty": 10,
        "max_qty": 50,
        "service_level": None,
        "review_days": None,
        "order_qty": None,
        "order_cost": None,
        "holding_rate": None,
        "active": True,
    }
    r = _put(
        client,
        auth,
        "manager",
        item_id=item.id,
        warehouse="WH1",
        policy="reorder_point",
        service_level="0.95",
        order_cost="40",
        holding_rate="0.25",
    )
    assert r.status_code == 200, r.get_json()
    second = r.get_json()
    assert second["id"] == first["id"]
    assert (second["policy"], second["min_qty"], second["max_qty"]) == ("reorder_point", None, None)
    assert (second["service_level"], second["order_cost"], second["holding_rate"]) == (
        "0.95",
        "40.00",
        "0.25",
    )
    rows = _policies()
    assert len(rows) == 1
    db.session.rollback()
    stored = db.session.get(ReorderPolicy, first["id"])
    assert stored is not None and stored.updated_by == users["manager"].id


def test_each_policy_takes_what_its_rule_needs(client, auth):
    _warehouse("WH1")
    for sku, body in [
        ("SKU-P", {"policy": "periodic_review", "service_level": "0.9", "review_days": 7}),
        ("SKU-R", {"policy": "reorder_point", "service_level": "0.975", "order_qty": 120}),
        ("SKU-B", {"policy": "buy_to_order"}),
    ]:
        make_item(sku)
        r = _put(client, auth, sku=sku, warehouse="WH1", **body)
        assert r.status_code == 200, (sku, r.get_json())
        assert {k: r.get_json()[k] for k in body} == {
            k: str(v) if k == "service_level" else v for k, v in body.items()
        }


def test_bad_policies_are_refused_and_change_nothing(client, auth):
    wh = _warehouse("WH1")
    make_bin_in(wh, "WH1-A-01")
    make_item("SKU-A")
    ok = _put(client, auth, sku="SKU-A", warehouse="WH1", policy="min_max", min_qty=1, max_qty=9)
    assert ok.status_code == 200
    before = _policies()
    refused = [
        ({"policy": "min_max", "min_qty": 5}, 422),  # min_max without max
        ({"policy": "min_max", "min_qty": -1, "max_qty": 5}, 422),
        ({"policy": "min_max", "min_qty": 6, "max_qty": 5}, 422),
        ({"policy": "reorder_point", "service_level": "1.0", "order_qty": 5}, 422),
        ({"policy": "reorder_point", "service_level": "1", "order_qty": 5}, 422),
        ({"policy": "reorder_point", "service_level": "0.95"}, 422),  # no Q, no EOQ costs
        ({"policy": "reorder_point", "service_level": 0.95, "order_qty": 5}, 422),
        ({"policy": "periodic_review", "service_level": "0.95"}, 422),
        ({"policy": "buy_to_order", "min_qty": 1}, 422),  # a field it does not use
        (
            {
                "policy": "reorder_point",
                "service_level": "0.9",
                "order_cost": "9",
                "holding_rate": "25",
            },
            422,
        ),
        ({"policy": "just_in_case"}, 422),
    ]
    for body, status in refused:
        r = _put(client, auth, sku="SKU-A", warehouse="WH1", **body)
        assert r.status_code == status, (body, r.get_json())
        assert set(r.get_json()["error"]) == {"code", "message", "details"}
        assert _policies() == before, body
    for target, status in [
        ({"sku": "NOPE", "warehouse": "WH1"}, 404),
        ({"sku": "SKU-A", "warehouse": "NOWHERE"}, 404),
        ({"sku": "SKU-A", "warehouse": "WH1-A-01"}, 422),  # a bin, not a warehouse
        ({"warehouse": "WH1"}, 422),
        ({"sku": "SKU-A", "warehouse": "WH1\u0000"}, 422),  # PostgreSQL text holds no NUL
    ]:
        r = _put(client, auth, policy="buy_to_order", **target)
        assert r.status_code == status, (target, r.get_json())
        assert _policies() == before, target


def test_policies_are_listed_by_warehouse_item_policy_and_active(client, auth):
    _warehouse("WH1")
    _warehouse("WH2")
    make_item("SKU-A")
    make_item("SKU-B")
    ids = {}
    for sku, wh, body in [
        ("SKU-A", "WH1", {"policy": "min_max", "min_qty": 1, "max_qty": 5}),
        ("SKU-A", "WH2", {"policy": "buy_to_order"}),
        ("SKU-B", "WH1", {"policy": "buy_to_order"}),
    ]:
        r = _put(client, auth, sku=sku, warehouse=wh, **body)
        assert r.status_code == 200
        ids[(sku, wh)] = r.get_json()["id"]

    def listed(query: str) -> list[int]:
        r = client.get(f"{URL}{query}", headers=auth("worker"))
        assert r.status_code == 200, r.get_json()
        return [p["id"] for p in r.get_json()["reorder_policies"]]

    assert listed("") == sorted(ids.values())
    assert listed("?warehouse=wh1") == [ids[("SKU-A", "WH1")], ids[("SKU-B", "WH1")]]
    assert listed("?item=sku-a") == [ids[("SKU-A", "WH1")], ids[("SKU-A", "WH2")]]
    assert listed("?policy=buy_to_order&warehouse=WH1") == [ids[("SKU-B", "WH1")]]
    page = client.get(f"{URL}?limit=2", headers=auth("worker")).get_json()
    assert len(page["reorder_policies"]) == 2 and page["next_cursor"] is not None
    r = client.delete(f"{URL}/{ids[('SKU-A', 'WH2')]}", headers=auth("supervisor"))
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert listed("?active=false") == [ids[("SKU-A", "WH2")]]
    assert listed("?active=true&item=SKU-A") == [ids[("SKU-A", "WH1")]]
    assert client.get(f"{URL}?warehouse=NOWHERE", headers=auth("worker")).status_code == 404
    assert client.get(f"{URL}?policy=nope", headers=auth("worker")).status_code == 422
    assert client.get(f"{URL}?item=SKU%00", headers=auth("worker")).status_code == 422


def test_a_suppliers_filter_lists_the_policies_of_the_items_it_supplies_in_one_read(
    app, client, auth
):
    _warehouse("WH1")
    _warehouse("WH2")
    items = {sku: make_item(sku) for sku in ("SKU-A", "SKU-B", "SKU-C", "SKU-D")}
    near, far = make_supplier("NEAR"), make_supplier("FAR")
    for supplier, sku, active in [
        (near, "SKU-A", True),
        (near, "SKU-C", False),  # terms no longer used: still the supplier's item
        (far, "SKU-B", True),
        (far, "SKU-C", True),
        (far, "SKU-D", True),
    ]:
        db.session.add(
            SupplierItem(
                supplier_id=supplier.id,
                item_id=items[sku].id,
                unit_cost=Decimal("1.00"),
                active=active,
            )
        )
    db.session.commit()
    ids = {}
    for sku, wh in [("SKU-A", "WH1"), ("SKU-A", "WH2"), ("SKU-B", "WH1"), ("SKU-C", "WH1")]:
        r = _put(client, auth, sku=sku, warehouse=wh, policy="buy_to_order")
        assert r.status_code == 200, r.get_json()
        ids[(sku, wh)] = r.get_json()["id"]

    worker = auth("worker")

    def listed(query: str) -> tuple[list[int], int]:
        statements = [0]

        def spy(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
            if not statement.startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements[0] += 1

        event.listen(db.engine, "before_cursor_execute", spy)
        try:
            r = client.get(f"{URL}{query}", headers=worker)
        finally:
            event.remove(db.engine, "before_cursor_execute", spy)
        assert r.status_code == 200, r.get_json()
        return [p["id"] for p in r.get_json()["reorder_policies"]], statements[0]

    near_ids, near_reads = listed("?supplier=near")
    assert near_ids == [ids[("SKU-A", "WH1")], ids[("SKU-A", "WH2")], ids[("SKU-C", "WH1")]]
    far_ids, far_reads = listed("?supplier=FAR")
    assert far_ids == [ids[("SKU-B", "WH1")], ids[("SKU-C", "WH1")]]  # SKU-D has no policy
    # The token, the supplier, then one read of the list however many items it supplies.
    assert near_reads == far_reads == 3
    assert listed("?supplier=NEAR&warehouse=WH2")[0] == [ids[("SKU-A", "WH2")]]
    assert listed("?supplier=NEAR&item=SKU-B")[0] == []
    assert listed(f"?supplier={make_supplier('IDLE').code}")[0] == []
    r = client.get(f"{URL}?supplier=NOBODY", headers=auth("worker"))
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert client.get(f"{URL}?supplier=A%00", headers=auth("worker")).status_code == 422


def test_a_deactivated_policy_drops_out_of_the_suggestion_read_and_a_put_revives_it(client, auth):
    wh1, wh2 = _warehouse("WH1"), _warehouse("WH2")
    a, b = make_item("SKU-A"), make_item("SKU-B")
    retired = make_item("SKU-OLD")
    first = _put(
        client,
        auth,
        sku="SKU-A",
        warehouse="WH1",
        policy="periodic_review",
        service_level="0.95",
        review_days=14,
    ).get_json()
    other = _put(client, auth, sku="SKU-B", warehouse="WH2", policy="buy_to_order").get_json()
    _put(client, auth, sku="SKU-OLD", warehouse="WH1", policy="buy_to_order")
    db.session.rollback()
    retired_row = db.session.get(Item, retired.id)
    retired_row.active = False  # an item taken out of the range: its policy stops counting
    db.session.commit()
    conn = db.session.connection()
    rows = policies_for(conn, None)
    assert [(r.id, r.warehouse_id, r.item_id) for r in rows] == [
        (first["id"], wh1.id, a.id),
        (other["id"], wh2.id, b.id),
    ]
    assert (rows[0].policy, rows[0].service_level, rows[0].review_days) == (
        "periodic_review",
        Decimal("0.95"),
        14,
    )
    assert [r.id for r in policies_for(conn, wh2.id)] == [other["id"]]
    db.session.rollback()
    r = client.delete(f"{URL}/{first['id']}", headers=auth("supervisor"))
    assert r.status_code == 200
    db.session.rollback()
    assert [r.id for r in policies_for(db.session.connection(), wh1.id)] == []
    r = _put(client, auth, sku="SKU-A", warehouse="WH1", policy="min_max", min_qty=0, max_qty=3)
    assert (r.get_json()["id"], r.get_json()["active"]) == (first["id"], True)
    db.session.rollback()
    assert [r.policy for r in policies_for(db.session.connection(), wh1.id)] == ["min_max"]
    assert client.delete(f"{URL}/999999", headers=auth("supervisor")).status_code == 404


def test_workers_read_policies_and_supervisors_set_them(client, auth):
    _warehouse("WH1")
    make_item("SKU-A")
    body = {"sku": "SKU-A", "warehouse": "WH1", "policy": "buy_to_order"}
    r = client.put(URL, headers=auth("worker"), json=body)
    assert r.status_code == 403
    assert _policies() == []
    made = client.put(URL, headers=auth("supervisor"), json=body).get_json()
    before = _policies()
    assert client.delete(f"{URL}/{made['id']}", headers=auth("worker")).status_code == 403
    assert _policies() == before
    assert client.get(URL, headers=auth("worker")).status_code == 200
    assert client.get(URL).status_code == 401


def test_a_replayed_put_returns_the_first_answer_and_changes_nothing(client, auth):
    _warehouse("WH1")
    make_item("SKU-A")
    headers = {**auth("supervisor"), "Idempotency-Key": "rp-put-1"}
    body = {"sku": "SKU-A", "warehouse": "WH1", "policy": "min_max", "min_qty": 2, "max_qty": 8}
    first = client.put(URL, headers=headers, json=body)
    assert first.status_code == 200
    before = _policies()
    again = client.put(URL, headers=headers, json=body)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()
    assert _policies() == before
    other = client.put(URL, headers=headers, json={**body, "max_qty": 9})
    assert other.status_code == 409
    assert _policies() == before
