"""A purchase order for a warehouse is received at that warehouse's docks only; a PO from
before warehouses were named on them is received at any dock. A refusal leaves the ledger,
the PO and its receipts exactly as they were."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from scanfloor.catalog.containers_service import create_container
from scanfloor.catalog.items_service import PackSpec, create_item
from scanfloor.purchasing.orders_service import (
    LineSpec,
    create_purchase_order,
    open_purchase_order,
)
from tests.factories import ledger_snapshot, make_bin_in, make_po, make_supplier, make_warehouse
from tests.integration.test_receiving_receive import documents_snapshot, post_receive

GTIN = "09506000134352"


def _po(supplier: Any, item: Any, warehouse: str | None) -> Any:
    po = create_purchase_order(
        number=f"PO-{warehouse or 'ANY'}",
        supplier=supplier.code,
        warehouse=warehouse,
        lines=[LineSpec(item_id=item.id, quantity=10, unit_cost="2.00")],
    )
    return open_purchase_order(po.id)


@pytest.fixture
def floor(app: Any) -> SimpleNamespace:
    """Two warehouses, each with a dock, quarantine and an LPN on the dock; a PO for the
    north warehouse and a legacy PO with none."""
    north, south = make_warehouse("WH-N"), make_warehouse("WH-S")
    for wh in (north, south):
        dock = make_bin_in(wh, f"DOCK-{wh.code[-1]}", type="dock")
        make_bin_in(wh, f"QUAR-{wh.code[-1]}", type="quarantine")
        create_container(code=f"LPN-000{wh.id}", kind="pallet", location_id=dock.id)
    item = create_item(sku="WIDGET", name="Widget", packs=[PackSpec("each", 1, (GTIN,))])
    supplier = make_supplier("ACME")
    north_po = _po(supplier, item, "WH-N")
    return SimpleNamespace(
        north=north,
        south=south,
        item=item,
        north_po=north_po,
        legacy_po=make_po(supplier, [(item, 10)]),
    )


def _url(po: Any) -> str:
    return f"/api/v1/purchase-orders/{po.id}/receive"


@pytest.mark.parametrize(
    "where",
    [
        pytest.param({"to_location": "DOCK-S"}, id="dock"),
        pytest.param({"to_container": "LPN-000{south}"}, id="lpn_on_a_dock"),
    ],
)
def test_a_po_for_one_warehouse_is_not_received_at_another_warehouses_dock(
    client, auth, floor, where
):
    post_receive(client, auth("worker"), _url(floor.north_po), barcode=GTIN, to_location="DOCK-N")
    ledger, documents = ledger_snapshot(), documents_snapshot()
    place = {k: v.format(south=floor.south.id) for k, v in where.items()}
    r = post_receive(
        client, auth("worker"), _url(floor.north_po), barcode=GTIN, quantity=2, **place
    )
    assert r.status_code == 409, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "wrong_warehouse"
    assert error["details"]["warehouse_id"] == floor.south.id
    assert error["details"]["po_warehouse_id"] == floor.north.id
    assert ledger_snapshot() == ledger
    assert documents_snapshot() == documents


def test_a_po_for_a_warehouse_is_received_at_its_own_docks(client, auth, floor):
    for where in ({"to_location": "DOCK-N"}, {"to_container": f"LPN-000{floor.north.id}"}):
        r = post_receive(
            client, auth("worker"), _url(floor.north_po), barcode=GTIN, quantity=1, **where
        )
        assert r.status_code == 201, r.get_json()


def test_a_po_without_a_warehouse_is_received_at_any_dock(client, auth, floor):
    for dock in ("DOCK-N", "DOCK-S"):
        r = post_receive(
            client, auth("worker"), _url(floor.legacy_po), barcode=GTIN, to_location=dock
        )
        assert r.status_code == 201, r.get_json()


def test_the_scanner_is_offered_only_the_pos_warehouses_docks(client, auth, floor):
    def docks(po: Any) -> tuple[list[str], list[str]]:
        r = client.get(f"/api/v1/purchase-orders/{po.id}/scan-context", headers=auth("worker"))
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        return (
            [d["code"] for d in body["dock_locations"]],
            [c["code"] for c in body["dock_containers"]],
        )

    assert docks(floor.north_po) == (["DOCK-N"], [f"LPN-000{floor.north.id}"])
    assert docks(floor.legacy_po)[0] == ["DOCK-N", "DOCK-S"]
