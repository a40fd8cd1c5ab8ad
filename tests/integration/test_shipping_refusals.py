"""Scans the dock refuses: each answers its own code, and nothing changes (ledger,
reservations, cartons, the carrier's next number, the shipment)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from scanfloor.allocation.models import Reservation
from scanfloor.catalog.containers_service import create_container
from scanfloor.extensions import db
from scanfloor.packing.models import Carton
from scanfloor.shipping.models import Carrier, Shipment
from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment
from tests.factories import ledger_snapshot
from tests.shipping_helpers import open_carton, packed_order, shipping_site, sscc_of, stock

SHIPMENTS = "/api/v1/shipments"


def _state() -> tuple[Any, ...]:
    """Everything a refused scan must leave as it was."""
    ledger = ledger_snapshot()
    reservations = db.session.execute(
        select(Reservation.id, Reservation.status, Reservation.quantity).order_by(Reservation.id)
    ).all()
    cartons = db.session.execute(
        select(Carton.id, Carton.status, Carton.shipment_id, Carton.tracking_number).order_by(
            Carton.id
        )
    ).all()
    carriers = db.session.execute(select(Carrier.code, Carrier.tracking_next)).all()
    shipments = db.session.execute(select(Shipment.id, Shipment.status)).all()
    db.session.rollback()
    return ledger, reservations, cartons, sorted(carriers), sorted(shipments)


def _scan(client: Any, headers: dict[str, str], shipment_id: int, code: str) -> Any:
    return client.post(f"{SHIPMENTS}/{shipment_id}/cartons", json={"carton": code}, headers=headers)


def _refused(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == code
    return dict(error)


def _site_with_shipment(app: Any, users: Any, **kw: Any) -> tuple[Any, Any, int]:
    site = shipping_site(app, **kw)
    order = packed_order(site, [(stock(site, 10), 2)])
    shipment = open_shipment(
        site.warehouse.id, site.carrier, "standard", actor_id=users["worker"].id
    )
    return site, order, shipment.id


def test_an_open_carton_is_refused(app, client, auth, users):
    site, order, shipment_id = _site_with_shipment(app, users)
    still_packing = open_carton(site, order.order_id)
    before = _state()
    r = _scan(client, auth("worker"), shipment_id, sscc_of(still_packing))
    _refused(r, 409, "carton_not_closed")
    assert _state() == before


def test_another_warehouses_carton_is_refused(app, client, auth, users):
    _site, _order, shipment_id = _site_with_shipment(app, users)
    elsewhere = shipping_site(app, "X", carrier=None)
    theirs = packed_order(elsewhere, [(stock(elsewhere, 10), 1)])

    before = _state()
    r = _scan(client, auth("worker"), shipment_id, theirs.ssccs[0])
    error = _refused(r, 409, "wrong_warehouse")
    assert error["details"]["sscc"] == theirs.ssccs[0]
    assert _state() == before


def test_a_carton_already_on_another_shipment_is_refused(app, client, auth, users):
    site, order, shipment_id = _site_with_shipment(app, users)
    uid = users["worker"].id
    add_carton(shipment_id, order.ssccs[0], actor_id=uid)
    other = open_shipment(site.warehouse.id, site.carrier, "express", actor_id=uid)

    before = _state()
    r = _scan(client, auth("worker"), other.id, order.ssccs[0])
    error = _refused(r, 409, "carton_on_another_shipment")
    assert error["details"]["shipment_id"] == shipment_id
    assert _state() == before


def test_an_unknown_code_is_refused(app, client, auth, users):
    _site, _order, shipment_id = _site_with_shipment(app, users)
    before = _state()
    r = _scan(client, auth("worker"), shipment_id, "NO-SUCH-CARTON")
    _refused(r, 404, "unknown_barcode")
    assert _state() == before


def test_a_tote_is_not_a_carton(app, client, auth, users):
    site, _order, shipment_id = _site_with_shipment(app, users)
    create_container(code="TOTE-77", kind="tote", location_id=site.pack_station.id)
    before = _state()
    r = _scan(client, auth("worker"), shipment_id, "TOTE-77")
    _refused(r, 422, "not_a_carton")
    assert _state() == before


def test_a_carton_whose_carrier_range_is_used_up_is_refused(app, client, auth, users):
    site, order, shipment_id = _site_with_shipment(app, users, tracking_next=5, tracking_last=5)
    second = packed_order(site, [(stock(site, 10), 1)])
    assert _scan(client, auth("worker"), shipment_id, order.ssccs[0]).status_code == 200

    before = _state()
    r = _scan(client, auth("worker"), shipment_id, second.ssccs[0])
    error = _refused(r, 409, "tracking_range_exhausted")
    assert error["details"] == {"carrier": site.carrier, "tracking_next": 6, "tracking_last": 5}
    assert _state() == before


def test_a_confirmed_shipment_takes_no_more_cartons(app, client, auth, users):
    site, order, shipment_id = _site_with_shipment(app, users)
    uid = users["worker"].id
    add_carton(shipment_id, order.ssccs[0], actor_id=uid)
    confirm_shipment(shipment_id, actor_id=uid)
    late = packed_order(site, [(stock(site, 10), 1)])

    before = _state()
    r = _scan(client, auth("worker"), shipment_id, late.ssccs[0])
    _refused(r, 409, "shipment_not_open")
    off = client.delete(
        f"{SHIPMENTS}/{shipment_id}/cartons/{order.cartons[0].id}", headers=auth("worker")
    )
    _refused(off, 409, "shipment_not_open")
    assert _state() == before


def test_a_shipped_carton_cannot_go_on_another_shipment(app, client, auth, users):
    site, order, shipment_id = _site_with_shipment(app, users)
    uid = users["worker"].id
    add_carton(shipment_id, order.ssccs[0], actor_id=uid)
    confirm_shipment(shipment_id, actor_id=uid)
    other = open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=uid)

    before = _state()
    r = _scan(client, auth("worker"), other.id, order.ssccs[0])
    _refused(r, 409, "carton_shipped")
    assert _state() == before


def test_an_empty_shipment_cannot_be_confirmed(app, client, auth, users):
    _site, _order, shipment_id = _site_with_shipment(app, users)
    before = _state()
    r = client.post(f"{SHIPMENTS}/{shipment_id}/confirm", json={}, headers=auth("worker"))
    _refused(r, 409, "empty_shipment")
    assert _state() == before
