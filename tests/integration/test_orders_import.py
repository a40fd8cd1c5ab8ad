"""Wholesale orders from CSV, and the batch run from the command line."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.allocation import channels_service
from scanfloor.allocation.models import Order, OrderLine
from scanfloor.allocation.order_views import order_view
from scanfloor.extensions import db
from tests.e2e.conftest import base_env, run_cli
from tests.factories import make_bin_in, make_item, make_warehouse, receive

CSV = """external_id,sku,quantity,price,promised_ship_date,region,name
PO-1,TEE,4,9.90,2026-12-01,NORTH,Corner Shop
PO-1,MUG,2,4.50,2026-12-01,NORTH,Corner Shop
PO-2,TEE,10,9.90,,SOUTH,Big Store
"""


@pytest.fixture
def shop(app: Any) -> dict[str, Any]:
    wh = make_warehouse("WH1")
    bin_ = make_bin_in(wh, "A-01")
    tee, mug = make_item("TEE"), make_item("MUG")
    receive(tee, bin_, 6)
    receive(mug, bin_, 5)
    channels_service.create_channel(
        "B2B", kind="wholesale", name="Wholesale", allow_partial_shipment=False, warehouses=["WH1"]
    )
    return {"wh": wh, "bin": bin_, "tee": tee}


def count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)))


def test_a_csv_file_becomes_one_order_per_external_id(client, auth, shop):
    r = client.post(
        "/api/v1/orders/import", json={"channel": "B2B", "csv": CSV}, headers=auth("manager")
    )
    assert r.status_code == 200, r.get_json()
    got = {o["external_id"]: o for o in r.get_json()["orders"]}
    assert {k: (v["status"], v["created"]) for k, v in got.items()} == {
        "PO-1": ("allocated", True),
        "PO-2": ("backordered", True),  # all or nothing: 2 left of 10 wanted
    }
    first = order_view(got["PO-1"]["order_id"])
    assert [(ln.sku, ln.quantity, str(ln.price)) for ln in first.lines] == [
        ("TEE", 4, "9.9000"),
        ("MUG", 2, "4.5000"),
    ]
    assert first.ship_to == {"name": "Corner Shop", "region": "NORTH"}
    assert str(first.lines[0].promised_ship_date) == "2026-12-01"


def test_importing_the_same_file_again_creates_nothing(client, auth, shop):
    client.post(
        "/api/v1/orders/import", json={"channel": "B2B", "csv": CSV}, headers=auth("manager")
    )
    again = client.post(
        "/api/v1/orders/import", json={"channel": "B2B", "csv": CSV}, headers=auth("manager")
    )
    assert [o["created"] for o in again.get_json()["orders"]] == [False, False]
    assert count(Order) == 2 and count(OrderLine) == 3


def test_a_bad_row_refuses_the_whole_file(client, auth, shop):
    bad = CSV + "PO-3,TEE,two,,,,\n"
    r = client.post(
        "/api/v1/orders/import", json={"channel": "B2B", "csv": bad}, headers=auth("manager")
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["details"] == {"row": 5}
    unknown = CSV + "PO-3,NOPE,1,,,,\n"
    r = client.post(
        "/api/v1/orders/import", json={"channel": "B2B", "csv": unknown}, headers=auth("manager")
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["external_id"] == "PO-3"
    assert count(Order) == 0


def test_scanfloor_allocate_runs_the_batch_from_the_command_line(client, auth, shop, db_url):
    client.post(
        "/api/v1/orders/import", json={"channel": "B2B", "csv": CSV}, headers=auth("manager")
    )
    held = make_bin_in(shop["wh"], "H-01", sellable=False)
    receive(shop["tee"], held, 8)
    held.sellable = True  # the bin is reclassified: no posting announces its stock
    db.session.commit()
    db.session.remove()
    result = run_cli("allocate", env=base_env(DATABASE_URL=db_url, SCANFLOOR_MODE="test"))
    assert result.returncode == 0, result.stderr
    assert "1 of 1 waiting lines allocated, 10 units reserved" in result.stdout
    (po2,) = db.session.scalars(select(Order).where(Order.external_id == "PO-2")).all()
    assert po2.status == "allocated"
