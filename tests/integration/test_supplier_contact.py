"""A supplier's contact, currency and legs over HTTP: where its POs go (an e-mail and an
endpoint under the webhook URL policy), its currency and promised lead time, and the
import legs pre-buy plans with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from scanfloor.extensions import db
from scanfloor.purchasing.models import Supplier
from tests.factories import make_supplier

SUPPLIERS = "/api/v1/suppliers"


def _supplier_row(supplier_id: int) -> tuple[Any, ...]:
    """The supplier's row, every column: a refused request must leave it as it was."""
    db.session.rollback()
    table = Supplier.__table__
    return tuple(db.session.execute(select(table).where(table.c.id == supplier_id)).one())


def test_a_supplier_keeps_where_its_pos_go_its_currency_and_its_legs(client, auth):
    r = client.post(
        SUPPLIERS,
        headers=auth("manager"),
        json={
            "code": "far",
            "name": "Far East Toys",
            "email": "Orders@FarEast.EXAMPLE",
            "po_endpoint": "https://po.fareast.example/orders",
            "currency": "usd",
            "lead_time_days": 60,
            "production_days": 30,
            "transit_days": 35,
            "customs_days": 5,
            "imports": True,
        },
    )
    assert r.status_code == 201, r.get_json()
    sup = r.get_json()
    assert {k: sup[k] for k in sup if k not in ("id", "over_receipt_tolerance_pct")} == {
        "code": "FAR",
        "name": "Far East Toys",
        "active": True,
        "email": "Orders@fareast.example",
        "po_endpoint": "https://po.fareast.example/orders",
        "has_po_endpoint_secret": False,
        "currency": "USD",
        "lead_time_days": 60,
        "production_days": 30,
        "transit_days": 35,
        "customs_days": 5,
        "imports": True,
        "invoice_qty_tolerance_pct": "0",
        "invoice_price_tolerance_pct": "0",
    }
    r = client.patch(
        f"{SUPPLIERS}/{sup['id']}",
        headers=auth("manager"),
        json={"email": None, "transit_days": 40, "currency": "eur"},
    )
    assert r.status_code == 200, r.get_json()
    read = client.get(f"{SUPPLIERS}/{sup['id']}", headers=auth("worker")).get_json()
    assert (read["email"], read["transit_days"], read["currency"]) == (None, 40, "EUR")
    assert read["po_endpoint"] == "https://po.fareast.example/orders"
    listed = client.get(f"{SUPPLIERS}?q=far", headers=auth("worker")).get_json()
    assert listed["suppliers"][0]["imports"] is True


def test_a_new_supplier_defaults_to_the_house_currency_and_a_fourteen_day_lead_time(
    app, client, auth
):
    r = client.post(SUPPLIERS, headers=auth("manager"), json={"code": "near", "name": "Near"})
    assert r.status_code == 201, r.get_json()
    sup = r.get_json()
    assert sup["currency"] == app.config["SCANFLOOR_CURRENCY"]
    assert (sup["lead_time_days"], sup["production_days"], sup["imports"]) == (14, 0, False)
    assert (sup["email"], sup["po_endpoint"]) == (None, None)


def test_bad_supplier_contact_or_terms_are_refused_and_change_nothing(client, auth):
    sup = make_supplier("ACME")
    before = _supplier_row(sup.id)
    for body in (
        {"email": "orders at acme"},
        {"email": "orders@acme"},
        {"po_endpoint": "http://po.acme.example/orders"},  # plain http off loopback
        {"po_endpoint": "https://169.254.169.254/latest"},  # cloud metadata
        {"po_endpoint": "https://10.1.2.3/po"},  # private network
        {"po_endpoint": "ftp://po.acme.example/"},
        {"currency": "EURO"},
        {"currency": "E1R"},
        {"transit_days": -1},
        {"customs_days": 3651},
        {"lead_time_days": "14"},
    ):
        r = client.patch(f"{SUPPLIERS}/{sup.id}", headers=auth("manager"), json=body)
        assert r.status_code == 422, (body, r.get_json())
        assert set(r.get_json()["error"]) == {"code", "message", "details"}
        assert _supplier_row(sup.id) == before, body
    r = client.post(
        SUPPLIERS,
        headers=auth("manager"),
        json={"code": "BAD", "name": "Bad", "po_endpoint": "https://u:p@po.acme.example/"},
    )
    assert r.status_code == 422
    db.session.rollback()
    assert db.session.scalar(select(Supplier.id).where(Supplier.code == "BAD")) is None
    # A search with a NUL in it is refused (PostgreSQL text cannot hold one).
    assert client.get(f"{SUPPLIERS}?q=A%00", headers=auth("worker")).status_code == 422


def test_plain_http_to_loopback_is_a_po_endpoint_where_loopback_is_allowed(client, auth):
    sup = make_supplier("LOCAL")
    r = client.patch(
        f"{SUPPLIERS}/{sup.id}",
        headers=auth("manager"),
        json={"po_endpoint": "http://127.0.0.1:8099/po"},
    )
    assert r.status_code == 200, r.get_json()  # test mode allows loopback, as for webhooks
    assert r.get_json()["po_endpoint"] == "http://127.0.0.1:8099/po"


def test_the_po_endpoint_secret_is_written_by_managers_and_never_read_back(client, auth):
    secret = "fareast-signing-key-0123456789"
    r = client.post(
        SUPPLIERS,
        headers=auth("manager"),
        json={"code": "SIG", "name": "Signed", "po_endpoint_secret": secret},
    )
    assert r.status_code == 201, r.get_json()
    sup = r.get_json()
    assert sup["has_po_endpoint_secret"] is True and "po_endpoint_secret" not in sup
    db.session.rollback()
    assert db.session.get(Supplier, sup["id"]).po_endpoint_secret == secret
    for body in (
        client.get(f"{SUPPLIERS}/{sup['id']}", headers=auth("worker")).get_data(as_text=True),
        client.get(f"{SUPPLIERS}?q=SIG", headers=auth("worker")).get_data(as_text=True),
    ):
        assert secret not in body and '"has_po_endpoint_secret":true' in body.replace(" ", "")

    before = _supplier_row(sup["id"])
    for role, body, status in (
        ("supervisor", {"po_endpoint_secret": "x" * 20}, 403),
        ("manager", {"po_endpoint_secret": "too-short"}, 422),
        ("manager", {"po_endpoint_secret": "x" * 201}, 422),
    ):
        r = client.patch(f"{SUPPLIERS}/{sup['id']}", headers=auth(role), json=body)
        assert r.status_code == status, (body, r.get_json())
        assert _supplier_row(sup["id"]) == before
    r = client.patch(
        f"{SUPPLIERS}/{sup['id']}", headers=auth("manager"), json={"po_endpoint_secret": None}
    )
    assert r.status_code == 200 and r.get_json()["has_po_endpoint_secret"] is False
    db.session.rollback()
    assert db.session.get(Supplier, sup["id"]).po_endpoint_secret is None


def test_a_supplier_keeps_the_tolerances_its_invoices_are_matched_under(client, auth):
    r = client.post(
        SUPPLIERS,
        headers=auth("manager"),
        json={"code": "tol", "name": "Tolerant", "invoice_qty_tolerance_pct": "2",
              "invoice_price_tolerance_pct": "1.5"},
    )  # fmt: skip
    assert r.status_code == 201, r.get_json()
    sup = r.get_json()
    assert (sup["invoice_qty_tolerance_pct"], sup["invoice_price_tolerance_pct"]) == ("2", "1.5")
    before = _supplier_row(sup["id"])
    r = client.patch(
        f"{SUPPLIERS}/{sup['id']}",
        headers=auth("manager"),
        json={"invoice_price_tolerance_pct": "101"},
    )
    assert r.status_code == 422, r.get_json()
    assert _supplier_row(sup["id"]) == before
    r = client.patch(
        f"{SUPPLIERS}/{sup['id']}",
        headers=auth("manager"),
        json={"invoice_price_tolerance_pct": "0.5"},
    )
    assert r.status_code == 200 and r.get_json()["invoice_price_tolerance_pct"] == "0.5"
