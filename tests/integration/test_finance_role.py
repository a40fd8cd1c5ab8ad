"""The finance role beside the ladder (docs/decisions/0026), through the API on real data: a
finance user traces a figure (an order and its money, the item, its movements and balances,
a blind purchase order's quantities, a return in a warehouse nobody assigned them) but
never posts stock, scans, claims a task or manages users; finance writes are theirs and an
admin's, a manager's attempt is a 403 that changes nothing; only an admin unlocks, signs out,
changes or creates a finance user; and no pick task is handed to a finance user, even one
given the warehouse. Which routes admit finance at all: tests/integration/test_route_auth.py."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from scanfloor.access.service import set_user_warehouses
from scanfloor.auth.models import User
from scanfloor.extensions import db
from scanfloor.finance.document_models import ChannelSettlement
from scanfloor.ledger.models import Movement
from scanfloor.picking.wave_service import release_wave, wave_rules
from tests import finance_helpers as fh
from tests.factories import make_po, make_supplier
from tests.picking_helpers import allocated_order, stock_item, stocked_warehouse
from tests.returns_helpers import capture, return_site, scanned_item, shipped_order

from .test_settlements import _shopify, _upload


def _count(model: Any) -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _ok(resp: Any) -> Any:
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _forbidden(resp: Any) -> None:
    assert resp.status_code == 403, resp.get_json()
    assert resp.get_json()["error"]["code"] == "forbidden"


def test_finance_traces_an_order_to_its_item_movements_and_return_in_any_warehouse(
    app, client, auth
):
    rs = return_site(app)  # nobody is given this warehouse: finance reads it all the same
    it = scanned_item(rs)
    order = shipped_order(rs, [(it, 2)])
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 1}]).get_json()
    h = auth("finance")

    got = _ok(client.get(f"/api/v1/orders/{order.id}", headers=h))
    assert got["finance"]["steps"][0]["step"] == "captured"  # its money, for finance too
    assert _ok(client.get(f"/api/v1/orders/{order.id}/events", headers=h))
    assert _ok(client.get(f"/api/v1/items/{it.id}", headers=h))["sku"] == it.sku
    moved = _ok(client.get("/api/v1/movements", query_string={"item_id": it.id}, headers=h))
    assert {m["movement_type"] for m in moved["movements"]} >= {"receipt", "ship"}
    stock = _ok(client.get("/api/v1/balances", query_string={"item_id": it.id}, headers=h))
    assert stock["balances"]
    places = _ok(client.get("/api/v1/locations", query_string={"level": "warehouse"}, headers=h))
    assert rs.warehouse.code in {p["code"] for p in places["locations"]}
    code = rs.warehouse.code
    listed = _ok(client.get("/api/v1/returns", query_string={"warehouse": code}, headers=h))
    assert [r["id"] for r in listed["returns"]] == [rma["id"]]
    assert _ok(client.get(f"/api/v1/returns/{rma['id']}", headers=h))["id"] == rma["id"]
    shipments = _ok(client.get("/api/v1/shipments", headers=h))
    assert shipments["shipments"]
    _forbidden(client.get("/api/v1/board", query_string={"warehouse": code}, headers=h))


def test_finance_sees_a_blind_pos_quantities_that_a_worker_counting_it_does_not(app, client, auth):
    po = make_po(make_supplier(), [(fh.item(), 12, "3.00")], blind=True)
    seen = _ok(client.get(f"/api/v1/purchase-orders/{po.id}", headers=auth("finance")))
    assert seen["lines"][0]["ordered"] == 12
    hidden = _ok(client.get(f"/api/v1/purchase-orders/{po.id}", headers=auth("worker")))
    assert hidden["lines"][0]["ordered"] is None
    assert _ok(client.get(f"/api/v1/purchase-orders/{po.id}/receipts", headers=auth("finance")))


def test_finance_never_posts_stock_scans_claims_work_or_manages_users(app, client, auth, users):
    s = fh.site()
    it = fh.item()
    h = auth("finance")
    before = _count(Movement)
    line = {"item_id": it.id, "quantity": 5, "from_location": "VENDOR",
            "to_location": s.bin.code, "unit_cost": "2.00"}  # fmt: skip
    key = {**h, "Idempotency-Key": uuid.uuid4().hex}
    _forbidden(client.post("/api/v1/movements", json={"type": "receipt", "lines": [line]},
                           headers=key))  # fmt: skip
    assert _count(Movement) == before
    _forbidden(client.post("/api/v1/barcodes/resolve", json={"barcode": "X"}, headers=h))
    _forbidden(client.post("/api/v1/pick-tasks/claim", json={"warehouse": s.wh.code}, headers=h))
    users_before = {(u.username, u.role, u.active) for u in db.session.scalars(select(User))}
    worker = users["worker"].id
    _forbidden(
        client.post(
            "/api/v1/users",
            headers=h,
            json={"username": "x", "role": "worker", "password": "x-pass-1"},
        )
    )
    _forbidden(client.patch(f"/api/v1/users/{worker}", headers=h, json={"active": False}))
    _forbidden(client.post(f"/api/v1/users/{worker}/unlock", headers=h))
    _forbidden(client.post(f"/api/v1/users/{worker}/end-sessions", headers=h))
    _forbidden(client.put(f"/api/v1/users/{worker}/warehouses", headers=h,
                          json={"warehouses": [s.wh.code]}))  # fmt: skip
    db.session.rollback()
    assert {(u.username, u.role, u.active) for u in db.session.scalars(select(User))} == (
        users_before
    )


def test_only_an_admin_unlocks_signs_out_changes_or_creates_a_finance_user(
    app, client, auth, users
):
    auth("finance")
    uid = users["finance"].id
    for role in ("supervisor", "manager"):
        for action in ("unlock", "end-sessions"):
            r = client.post(f"/api/v1/users/{uid}/{action}", headers=auth(role))
            assert r.status_code == 403, (role, action)
            assert r.get_json()["error"]["message"] == "only an admin does this for a finance user"
        _forbidden(client.patch(f"/api/v1/users/{uid}", headers=auth(role), json={"active": False}))
    assert client.post(f"/api/v1/users/{uid}/unlock", headers=auth("admin")).status_code == 204
    ended = client.post(f"/api/v1/users/{uid}/end-sessions", headers=auth("admin"))
    assert ended.status_code == 200, ended.get_json()
    made = client.post("/api/v1/users", headers=auth("admin"), json={
        "username": "fiona", "role": "finance", "password": "fiona-pass-1"})  # fmt: skip
    assert made.status_code == 201 and made.get_json()["role"] == "finance"
    moved = client.patch(f"/api/v1/users/{uid}", headers=auth("admin"), json={"role": "manager"})
    assert moved.status_code == 200 and moved.get_json()["role"] == "manager"
    refused = client.post("/api/v1/users", headers=auth("admin"), json={
        "username": "oscar", "role": "owner", "password": "oscar-pass-1"})  # fmt: skip
    assert refused.status_code == 422


def test_a_managers_settlement_import_is_refused_and_finance_imports_it(app, client, auth):
    rs = return_site(app)
    it = scanned_item(rs)
    order = shipped_order(rs, [(it, 1)])
    data = _shopify("P-9", [("charge", f"#{order.external_id}", "20.00", "0.88")])
    before = (_count(ChannelSettlement), fh.table_counts())
    for role in ("worker", "supervisor", "manager"):
        _forbidden(_upload(client, auth(role), data))
    assert (_count(ChannelSettlement), fh.table_counts()) == before
    for role in ("supervisor", "manager", "finance"):
        assert _ok(client.get("/api/v1/finance/settlements", headers=auth(role)))
        assert _ok(client.get("/api/v1/finance/margin", headers=auth(role)))
    assert _upload(client, auth("finance"), data).status_code == 201


def test_no_pick_task_is_handed_to_a_finance_user_even_one_given_the_warehouse(
    app, client, auth, users
):
    f = stocked_warehouse()
    auth("finance")
    set_user_warehouses(users["supervisor"].id, [f.wh.id])
    set_user_warehouses(users["finance"].id, [f.wh.id])
    item = stock_item(f, {"A-1": 10})
    allocated_order(f, [(item, 1)])
    release_wave(f.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)
    sup = auth("supervisor")
    (task,) = _ok(client.get("/api/v1/pick-tasks", query_string={"warehouse": f.wh.code},
                             headers=sup))["tasks"]  # fmt: skip
    r = client.post(f"/api/v1/pick-tasks/{task['id']}/assign", json={"user": "finance"},
                    headers=sup)  # fmt: skip
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "invalid_assignee"
    pickers = _ok(client.get("/api/v1/pick-tasks/pickers",
                             query_string={"warehouse": f.wh.code}, headers=sup))  # fmt: skip
    assert "finance" not in {p["username"] for p in pickers["pickers"]}
    assert _ok(client.get(f"/api/v1/pick-tasks/{task['id']}", headers=sup))["status"] == "open"


def test_the_demo_has_a_finance_login_by_password_and_by_badge_and_pin(app, client):
    from scanfloor.seed.demo import DEMO_USERS, _create_users

    (fiona,) = [u for u in DEMO_USERS if u.role == "finance"]
    assert (fiona.username, fiona.password, fiona.display_name) == (
        "finance", "demo", "Fiona Finance")  # fmt: skip
    badges = [u.badge for u in DEMO_USERS]
    assert len(set(badges)) == len(badges) and fiona.badge == "BADGE-0006"
    assert _create_users() == ()
    by_password = client.post("/api/v1/auth/token",
                              json={"username": "finance", "password": "demo"})  # fmt: skip
    assert by_password.status_code == 200, by_password.get_json()
    assert by_password.get_json()["user"]["role"] == "finance"
    by_badge = client.post("/api/v1/auth/token", json={"badge": fiona.badge, "pin": fiona.pin})
    assert by_badge.status_code == 200, by_badge.get_json()
