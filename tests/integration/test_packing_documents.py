"""Outbound documents through the API: what is printed scans back (SSCC, tracking number,
decoded by a real decoder) and the packing slip says the order, its SKUs and its cartons."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert, update

from scanfloor.extensions import db
from scanfloor.packing.models import Carton
from scanfloor.shipping.models import Carrier, Shipment
from tests.packing_helpers import (
    carton_types,
    close,
    configure_sscc,
    decode,
    ok,
    open_carton,
    pack,
    pdf_strings,
    picked_order,
)


@pytest.fixture
def packed(client: Any, auth: Any, app: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """An order of two SKUs packed into two closed cartons."""
    configure_sscc(app, monkeypatch)
    carton_types()
    p = picked_order(ordered=(2, 1))
    cartons = []
    for item, qty in zip(p.items, (2, 1), strict=True):
        c = ok(open_carton(client, auth, p.order_id), 201)
        ok(pack(client, auth, c["id"], item.each_barcode, qty))
        cartons.append(ok(close(client, auth, c["id"], weight_g=1250)))
    return {"p": p, "cartons": cartons}


def get(client: Any, auth: Any, url: str, **query: Any) -> Any:
    r = client.get(url, query_string=query, headers=auth("worker"))
    assert r.status_code == 200, r.get_json()
    return r


def on_shipment(carton_id: int, tracking: str) -> None:
    """What shipping does when the carton is scanned onto a shipment: a carrier's service,
    and a tracking number from the carrier's range."""
    carrier_id = db.session.execute(
        insert(Carrier).values(
            code="OWN", name="Own Fleet", adapter="manual", services=["NEXTDAY"], settings={}
        )
    ).inserted_primary_key[0]
    warehouse_id = db.session.get(Carton, carton_id).warehouse_id
    shipment_id = db.session.execute(
        insert(Shipment).values(
            warehouse_id=warehouse_id, carrier_id=carrier_id, service="NEXTDAY", status="open"
        )
    ).inserted_primary_key[0]
    db.session.execute(
        update(Carton)
        .where(Carton.id == carton_id)
        .values(shipment_id=shipment_id, tracking_number=tracking)
    )
    db.session.commit()


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_cartons_sscc_label_scans_back_as_its_sscc(client, auth, packed, dpi):
    carton = packed["cartons"][1]
    r = get(client, auth, f"/api/v1/pack/cartons/{carton['id']}/label", format="png", dpi=dpi)
    assert r.headers["Content-Type"] == "image/png"
    assert decode(r.data) == ["]C1" + "00" + carton["sscc"]]


def test_the_sscc_label_comes_as_zpl_and_pdf_too(client, auth, packed):
    carton = packed["cartons"][0]
    zpl = get(client, auth, f"/api/v1/pack/cartons/{carton['id']}/label", format="zpl")
    text = zpl.data.decode()
    assert text.startswith("^XA") and carton["sscc"] in text
    assert f"ORDER {packed['p'].external_id} | 1 OF 2" in text
    pdf = get(client, auth, f"/api/v1/pack/cartons/{carton['id']}/label", format="pdf")
    assert pdf.data.startswith(b"%PDF-") and pdf.headers["Content-Type"] == "application/pdf"


def test_a_shipping_label_carries_the_tracking_number_as_code_128(client, auth, packed, app):
    app.config["SCANFLOOR_SHIP_FROM"] = "1 Dock Road|Leeds LS1 1AA"
    carton = packed["cartons"][1]
    on_shipment(carton["id"], "OWN0000004711")
    url = f"/api/v1/pack/cartons/{carton['id']}/shipping-label"

    png = get(client, auth, url, format="png")
    assert decode(png.data) == ["]C0OWN0000004711"]

    zpl = get(client, auth, url, format="zpl").data.decode()
    for printed in (
        "Own Fleet NEXTDAY",
        f"ORDER {packed['p'].external_id}",
        "CARTON 2 OF 2",
        "WEIGHT 1.250 KG",
        "Ada Lovelace",
        "N1 7AA London",
        "1 Dock Road",
        f"SSCC {carton['sscc']}",
    ):
        assert printed in zpl, printed
    assert get(client, auth, url, format="pdf").data.startswith(b"%PDF-")


def test_a_packing_slip_lists_the_order_its_skus_and_each_carton(client, auth, packed):
    p = packed["p"]
    r = get(client, auth, f"/api/v1/pack/orders/{p.order_id}/packing-slip", paper="letter")
    assert r.headers["Content-Type"] == "application/pdf"
    assert b"/MediaBox [ 0 0 612.00 792.00 ]" in r.data
    text = pdf_strings(r.data)
    assert f"Order {p.external_id}" in text
    assert {p.items[0].sku, p.items[1].sku} <= set(text)
    assert "Ada Lovelace" in text
    heads = [t for t in text if t.startswith("Carton ")]
    assert [h.split("   ")[0] for h in heads] == ["Carton 1 of 2", "Carton 2 of 2"]
    assert all(c["sscc"] in h for c, h in zip(packed["cartons"], heads, strict=True))


def test_documents_of_an_unknown_carton_or_order_are_not_found(client, auth, packed):
    for url in (
        "/api/v1/pack/cartons/999999/label",
        "/api/v1/pack/cartons/999999/shipping-label",
        "/api/v1/pack/orders/999999/packing-slip",
    ):
        assert client.get(url, headers=auth("worker")).status_code == 404, url
