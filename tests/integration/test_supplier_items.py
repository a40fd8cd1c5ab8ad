"""Supplier items over HTTP: each supplier's terms for an item, one preferred supplier per
item; and the bulk read the suggestion run uses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from scanfloor.extensions import db
from scanfloor.purchasing.terms_models import SupplierItem
from scanfloor.purchasing.terms_service import preferred_terms, supplier_terms_for
from tests.factories import make_item, make_supplier

SUPPLIERS = "/api/v1/suppliers"


def _items_url(supplier_id: int) -> str:
    return f"{SUPPLIERS}/{supplier_id}/items"


def _supplier_items() -> list[tuple[Any, ...]]:
    """Every supplier item row, every column: a refused request must leave them as they were."""
    db.session.rollback()
    table = SupplierItem.__table__
    return [tuple(r) for r in db.session.execute(select(table).order_by(table.c.id))]


def _add(client: Any, auth: Any, supplier_id: int, **body: Any) -> dict[str, Any]:
    r = client.post(_items_url(supplier_id), headers=auth("manager"), json=body)
    assert r.status_code == 201, r.get_json()
    return dict(r.get_json())


# --- supplier items ----------------------------------------------------------------------


def test_supplier_items_are_added_by_sku_or_id_with_the_suppliers_currency_and_lead_time(
    client, auth
):
    sup = make_supplier("ACME")
    client.patch(
        f"{SUPPLIERS}/{sup.id}",
        headers=auth("manager"),
        json={"currency": "GBP", "lead_time_days": 21},
    )
    a = make_item("SKU-A", name="Widget")
    b = make_item("SKU-B")
    first = _add(
        client,
        auth,
        sup.id,
        sku="sku-a",
        supplier_sku="AC-1",
        unit_cost="4.25",
        moq=48,
        case_pack=24,
        purchase_unit="Case",
        units_per_purchase_unit=24,
        case_volume_m3="0.0425",
        case_weight_kg="12.5",
    )
    assert first == {
        "id": first["id"],
        "supplier": {"id": sup.id, "code": "ACME", "name": "Supplier ACME"},
        "item": {"id": a.id, "sku": "SKU-A", "name": "Widget"},
        "supplier_sku": "AC-1",
        "unit_cost": "4.25",
        "currency": "GBP",
        "moq": 48,
        "case_pack": 24,
        "purchase_unit": "case",
        "units_per_purchase_unit": 24,
        "lead_time_days": 21,
        "case_volume_m3": "0.0425",
        "case_weight_kg": "12.5",
        "preferred": False,
        "active": True,
    }
    second = _add(
        client, auth, sup.id, item_id=b.id, unit_cost="0.5", currency="eur", lead_time_days=7
    )
    assert (second["unit_cost"], second["currency"], second["lead_time_days"]) == (
        "0.50",
        "EUR",
        7,
    )
    assert (second["moq"], second["case_pack"], second["purchase_unit"]) == (1, 1, "each")
    listed = client.get(_items_url(sup.id), headers=auth("worker")).get_json()
    assert [s["item"]["sku"] for s in listed["supplier_items"]] == ["SKU-A", "SKU-B"]
    assert listed["next_cursor"] is None
    paged = client.get(f"{_items_url(sup.id)}?limit=1", headers=auth("worker")).get_json()
    assert [s["id"] for s in paged["supplier_items"]] == [first["id"]]
    rest = client.get(
        f"{_items_url(sup.id)}?limit=1&cursor={paged['next_cursor']}", headers=auth("worker")
    ).get_json()
    assert [s["id"] for s in rest["supplier_items"]] == [second["id"]]


def test_an_items_supplier_items_list_every_supplier_and_a_patch_changes_the_terms(client, auth):
    item = make_item("SKU-A")
    acme, bolt = make_supplier("ACME"), make_supplier("BOLT")
    one = _add(client, auth, acme.id, sku="SKU-A", unit_cost="4")
    two = _add(client, auth, bolt.id, sku="SKU-A", unit_cost="3.9")
    r = client.patch(
        f"/api/v1/supplier-items/{two['id']}",
        headers=auth("manager"),
        json={"unit_cost": "3.875", "moq": 10, "supplier_sku": None, "case_weight_kg": "2"},
    )
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["unit_cost"], r.get_json()["moq"]) == ("3.875", 10)
    assert r.get_json()["case_weight_kg"] == "2"
    listed = client.get(
        f"/api/v1/items/{item.id}/supplier-items", headers=auth("worker")
    ).get_json()
    assert [(s["id"], s["supplier"]["code"]) for s in listed["supplier_items"]] == [
        (one["id"], "ACME"),
        (two["id"], "BOLT"),
    ]
    r = client.patch(
        f"/api/v1/supplier-items/{one['id']}", headers=auth("manager"), json={"active": False}
    )
    assert r.status_code == 200
    active = client.get(
        f"/api/v1/items/{item.id}/supplier-items?active=true", headers=auth("worker")
    ).get_json()
    assert [s["id"] for s in active["supplier_items"]] == [two["id"]]


def _preferred_ids(item_id: int) -> list[int]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(SupplierItem.id).where(
                SupplierItem.item_id == item_id, SupplierItem.preferred.is_(True)
            )
        )
    )


def test_making_a_supplier_preferred_clears_the_items_other_preferred_supplier(client, auth):
    item = make_item("SKU-A")
    other = make_item("SKU-B")
    acme, bolt = make_supplier("ACME"), make_supplier("BOLT")
    one = _add(client, auth, acme.id, sku="SKU-A", unit_cost="4", preferred=True)
    two = _add(client, auth, bolt.id, sku="SKU-A", unit_cost="3")
    elsewhere = _add(client, auth, bolt.id, sku="SKU-B", unit_cost="1", preferred=True)
    assert one["preferred"] is True and _preferred_ids(item.id) == [one["id"]]
    r = client.patch(
        f"/api/v1/supplier-items/{two['id']}", headers=auth("manager"), json={"preferred": True}
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["preferred"] is True
    assert _preferred_ids(item.id) == [two["id"]]
    # Another item's preferred supplier is its own business.
    assert _preferred_ids(other.id) == [elsewhere["id"]]
    # Back again, then a supplier added as preferred takes the flag too.
    client.patch(
        f"/api/v1/supplier-items/{one['id']}", headers=auth("manager"), json={"preferred": True}
    )
    assert _preferred_ids(item.id) == [one["id"]]
    three = _add(client, auth, make_supplier("CORE").id, sku="SKU-A", unit_cost="5", preferred=True)
    assert _preferred_ids(item.id) == [three["id"]]


def test_deactivating_the_preferred_supplier_item_leaves_the_item_without_one(client, auth):
    item = make_item("SKU-A")
    one = _add(client, auth, make_supplier("ACME").id, sku="SKU-A", unit_cost="4", preferred=True)
    r = client.patch(
        f"/api/v1/supplier-items/{one['id']}", headers=auth("manager"), json={"active": False}
    )
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["active"], r.get_json()["preferred"]) == (False, False)
    assert _preferred_ids(item.id) == []
    before = _supplier_items()
    r = client.patch(
        f"/api/v1/supplier-items/{one['id']}", headers=auth("manager"), json={"preferred": True}
    )
    assert r.status_code == 422
    assert _supplier_items() == before


def test_a_second_row_for_the_same_supplier_and_item_is_refused(client, auth):
    item = make_item("SKU-A")
    sup = make_supplier("ACME")
    first = _add(client, auth, sup.id, sku="SKU-A", unit_cost="4")
    before = _supplier_items()
    r = client.post(
        _items_url(sup.id), headers=auth("manager"), json={"item_id": item.id, "unit_cost": "3"}
    )
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "duplicate_supplier_item"
    assert error["details"]["supplier_item_id"] == first["id"]
    assert _supplier_items() == before


def test_bad_supplier_item_terms_are_refused_and_change_nothing(client, auth):
    make_item("SKU-A")
    inactive = make_item("SKU-OLD", active=False)
    sup = make_supplier("ACME")
    existing = _add(client, auth, sup.id, sku="SKU-A", unit_cost="4", case_pack=12)
    before = _supplier_items()
    refused_posts = [
        ({"sku": "SKU-B", "unit_cost": "1", "moq": -1}, 422),
        ({"sku": "SKU-B", "unit_cost": "1", "moq": 0}, 422),
        ({"sku": "SKU-B", "unit_cost": "1.1234567"}, 422),
        ({"sku": "SKU-B", "unit_cost": 1.5}, 422),
        ({"sku": "SKU-B"}, 422),
        ({"unit_cost": "1"}, 422),
        ({"sku": "NOPE", "unit_cost": "1"}, 404),
        ({"sku": "SKU-B\u0000", "unit_cost": "1"}, 422),
        ({"sku": inactive.sku, "unit_cost": "1"}, 422),
        ({"sku": "SKU-A", "item_id": inactive.id, "unit_cost": "1"}, 422),
        ({"sku": "SKU-B", "unit_cost": "1", "case_pack": 10, "units_per_purchase_unit": 6}, 422),
        ({"sku": "SKU-B", "unit_cost": "1", "currency": "EURO"}, 422),
        ({"sku": "SKU-B", "unit_cost": "1", "case_volume_m3": "0"}, 422),
        ({"sku": "SKU-B", "unit_cost": "1", "lead_time_days": 4000}, 422),
    ]
    make_item("SKU-B")
    for body, status in refused_posts:
        r = client.post(_items_url(sup.id), headers=auth("manager"), json=body)
        assert r.status_code == status, (body, r.get_json())
        assert set(r.get_json()["error"]) == {"code", "message", "details"}
        assert _supplier_items() == before, body
    r = client.post(
        _items_url(999_999), headers=auth("manager"), json={"sku": "SKU-A", "unit_cost": "1"}
    )
    assert r.status_code == 404
    for body in (
        {"moq": -5},
        {"unit_cost": "0.0000001"},
        {"units_per_purchase_unit": 5},  # a case of 12 is not whole units of 5
        {"purchase_unit": ""},
        {"sku": "SKU-B"},
    ):
        r = client.patch(
            f"/api/v1/supplier-items/{existing['id']}", headers=auth("manager"), json=body
        )
        assert r.status_code == 422, (body, r.get_json())
        assert _supplier_items() == before, body
    assert (
        client.patch(
            "/api/v1/supplier-items/999999", headers=auth("manager"), json={"moq": 2}
        ).status_code
        == 404
    )


def test_workers_read_terms_and_only_managers_change_them(client, auth):
    item = make_item("SKU-A")
    sup = make_supplier("ACME")
    row = _add(client, auth, sup.id, sku="SKU-A", unit_cost="4")
    before = _supplier_items()
    for role in ("worker", "supervisor"):
        r = client.post(
            _items_url(sup.id), headers=auth(role), json={"sku": "SKU-A", "unit_cost": "1"}
        )
        assert r.status_code == 403, role
        r = client.patch(
            f"/api/v1/supplier-items/{row['id']}", headers=auth(role), json={"preferred": True}
        )
        assert r.status_code == 403, role
        r = client.patch(f"{SUPPLIERS}/{sup.id}", headers=auth(role), json={"imports": True})
        assert r.status_code == 403, role
    assert _supplier_items() == before
    assert client.get(_items_url(sup.id), headers=auth("worker")).status_code == 200
    assert client.get(f"/api/v1/items/{item.id}/supplier-items").status_code == 401


def test_a_replayed_add_returns_the_first_answer_and_adds_nothing(client, auth):
    make_item("SKU-A")
    sup = make_supplier("ACME")
    headers = {**auth("manager"), "Idempotency-Key": "si-add-1"}
    body = {"sku": "SKU-A", "unit_cost": "4"}
    first = client.post(_items_url(sup.id), headers=headers, json=body)
    assert first.status_code == 201
    again = client.post(_items_url(sup.id), headers=headers, json=body)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()
    assert len(_supplier_items()) == 1


# --- the bulk read for suggestions -------------------------------------------------------


def test_terms_for_items_come_preferred_first_then_cheapest_and_skip_inactive_ones(client, auth):
    a, b, c = make_item("SKU-A"), make_item("SKU-B"), make_item("SKU-C")
    acme, bolt, core = make_supplier("ACME"), make_supplier("BOLT"), make_supplier("CORE")
    _add(client, auth, acme.id, sku="SKU-A", unit_cost="5", case_pack=6, moq=12)
    _add(client, auth, bolt.id, sku="SKU-A", unit_cost="3.5")
    pref = _add(client, auth, core.id, sku="SKU-A", unit_cost="9", preferred=True)
    gone = _add(client, auth, acme.id, sku="SKU-B", unit_cost="1")
    closed = _add(client, auth, core.id, sku="SKU-B", unit_cost="0.5")
    only = _add(client, auth, bolt.id, sku="SKU-B", unit_cost="2")
    client.patch(
        f"/api/v1/supplier-items/{gone['id']}", headers=auth("manager"), json={"active": False}
    )
    client.patch(f"{SUPPLIERS}/{core.id}", headers=auth("manager"), json={"active": False})
    db.session.rollback()
    conn = db.session.connection()
    terms = supplier_terms_for(conn, [a.id, b.id, c.id])
    # CORE is inactive: its preferred row for SKU-A and cheap row for SKU-B are not offered.
    assert [(t.supplier_code, t.unit_cost) for t in terms[a.id]] == [
        ("BOLT", Decimal("3.5")),
        ("ACME", Decimal("5")),
    ]
    assert [t.supplier_item_id for t in terms[b.id]] == [only["id"]]
    assert terms[c.id] == []
    acme_row = terms[a.id][1]
    assert (acme_row.moq, acme_row.case_pack, acme_row.currency) == (12, 6, "EUR")
    assert pref["id"] not in {t.supplier_item_id for t in terms[a.id]}
    assert closed["id"] not in {t.supplier_item_id for t in terms[b.id]}
    client.patch(f"{SUPPLIERS}/{core.id}", headers=auth("manager"), json={"active": True})
    db.session.rollback()
    chosen = preferred_terms(db.session.connection(), [a.id, b.id, c.id])
    assert chosen[a.id].supplier_item_id == pref["id"] and chosen[a.id].preferred
    assert chosen[b.id].supplier_item_id == closed["id"]  # cheapest when none is preferred
    assert c.id not in chosen
