"""Seasonal pre-buy over HTTP: the order-by date leg by leg (dock-to-stock measured from the
ledger, else the default), and an import supplier's container plan topped up by the lowest
days of cover; refusals for what cannot be planned."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.purchasing.orders_service import LineSpec, create_purchase_order
from scanfloor.purchasing.suppliers_service import create_supplier, update_supplier
from scanfloor.purchasing.terms_service import add_supplier_item
from scanfloor.timeutil import utcnow
from tests.factories import make_bin_in, make_item, make_warehouse, virtual

LEGS = {"production_days": 30, "transit_days": 28, "customs_days": 4}
FIGURES = (
    "position",
    "demand_per_day",
    "suggested",
    "topped_up",
    "quantity",
    "cases",
    "days_of_cover",
)


def _url(supplier_id: int, query: str) -> str:
    return f"/api/v1/suppliers/{supplier_id}/pre-buy?{query}"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _move(kind: str, item: Any, qty: int, src: Any, dst: Any, when: datetime) -> None:
    """A movement through the one ledger writer, dated when it happened."""
    post(
        PostingRequest(
            movement_type=kind,
            lines=(MovementLine(item.id, qty, src.id, dst.id),),
            occurred_at=when,
        )
    )


def _supplier(code: str, *, imports: bool = True, **legs: int) -> Any:
    supplier = create_supplier(code=code, name=code.title())
    update_supplier(supplier.id, {**legs, "imports": imports})
    return supplier


def _get(client: Any, headers: dict[str, str], url: str) -> dict[str, Any]:
    r = client.get(url, headers=headers)
    assert r.status_code == 200, r.get_json()
    return dict(r.get_json())


# --- order-by date -----------------------------------------------------------------------


def test_the_order_by_date_subtracts_every_leg_with_dock_to_stock_from_the_ledger(
    client, auth, app
):
    # Receipts into WH-1's dock put away 1, 3 and 4 days later: median 3 days. A receipt not
    # put away yet, one older than 90 days and one in another warehouse give no sample.
    today = utcnow().date()
    wh, other = make_warehouse("WH-1"), make_warehouse("WH-2")
    dock, shelf = make_bin_in(wh, "DOCK-A", type="dock"), make_bin_in(wh, "A-01")
    dock2, shelf2 = make_bin_in(other, "DOCK-B", type="dock"), make_bin_in(other, "B-01")
    vendor = virtual("VENDOR")
    for n, (received, waited) in enumerate([(20, 1), (15, 3), (10, 4), (120, 30)]):
        item = make_item(f"DTS-{n}")
        _move("receipt", item, 5, vendor, dock, _at(today - timedelta(days=received)))
        _move("putaway", item, 5, dock, shelf, _at(today - timedelta(days=received - waited)))
    waiting = make_item("DTS-WAIT")
    _move("receipt", waiting, 5, vendor, dock, _at(today - timedelta(days=2)))
    elsewhere = make_item("DTS-ELSE")
    _move("receipt", elsewhere, 5, vendor, dock2, _at(today - timedelta(days=40)))
    _move("putaway", elsewhere, 5, dock2, shelf2, _at(today - timedelta(days=20)))
    supplier = _supplier("FAREAST", **LEGS)
    season = today + timedelta(days=120)

    body = _get(
        client, auth("supervisor"), _url(supplier.id, f"season_start={season}&warehouse=wh-1")
    )

    assert body["warehouse"] == {"id": wh.id, "code": "WH-1"}
    assert body["legs"] == [
        {"leg": "production", "days": 30},
        {"leg": "transit", "days": 28},
        {"leg": "customs", "days": 4},
        {"leg": "dock to stock", "days": 3},
    ]
    assert body["dock_to_stock"] == {"days": 3, "source": "ledger", "samples": 3}
    assert body["total_days"] == 65
    assert body["order_by"] == (season - timedelta(days=65)).isoformat()
    assert body["days_left"] == 55
    # WH-2's one receipt waited 20 days.
    body = _get(
        client, auth("supervisor"), _url(supplier.id, f"season_start={season}&warehouse=WH-2")
    )
    assert body["dock_to_stock"] == {"days": 20, "source": "ledger", "samples": 1}


def test_without_putaways_to_measure_dock_to_stock_is_the_default_two_days(client, auth, app):
    wh = make_warehouse("WH-1")
    supplier = _supplier("LOCAL", imports=False, production_days=5, transit_days=2)
    season = date(2031, 3, 1)
    body = _get(client, auth("manager"), _url(supplier.id, f"season_start={season}"))
    assert body["warehouse"]["code"] == wh.code  # the first warehouse when none is named
    assert body["dock_to_stock"] == {"days": 2, "source": "default", "samples": 0}
    assert body["order_by"] == "2031-02-20"  # 5 + 2 + 0 + 2 = 9 days before
    assert body["container_plan"] is None  # not an import supplier


# --- containers --------------------------------------------------------------------------


@pytest.fixture
def import_floor(app: Any) -> SimpleNamespace:
    """An import supplier whose draft PO for WH-1 holds 100 of X (cases of 10: 1 m3, 100 kg)
    and 150 of Y (cases of 20: 2 m3, 50 kg); Z has no case cube. Ten days of history: X
    ships 5 a day, Y 2 a day, from stock of 200 and 100 received before."""
    app.config["SCANFLOOR_DEMAND_HISTORY_DAYS"] = 10
    today = utcnow().date()
    wh = make_warehouse("WH-1")
    shelf = make_bin_in(wh, "A-01")
    x, y, z = make_item("PB-X"), make_item("PB-Y"), make_item("PB-Z")
    vendor, customer = virtual("VENDOR"), virtual("CUSTOMER")
    _move("receipt", x, 200, vendor, shelf, _at(today - timedelta(days=30)))
    _move("receipt", y, 100, vendor, shelf, _at(today - timedelta(days=30)))
    for back in range(1, 11):
        _move("ship", x, 5, shelf, customer, _at(today - timedelta(days=back)))
        _move("ship", y, 2, shelf, customer, _at(today - timedelta(days=back)))
    supplier = _supplier("FAREAST", **LEGS)
    add_supplier_item(
        supplier.id,
        item_id=x.id,
        unit_cost="3.00",
        case_pack=10,
        case_volume_m3="1",
        case_weight_kg="100",
    )
    add_supplier_item(
        supplier.id,
        item_id=y.id,
        unit_cost="4.00",
        case_pack=20,
        case_volume_m3="2",
        case_weight_kg="50",
    )
    add_supplier_item(supplier.id, item_id=z.id, unit_cost="1.00", case_pack=6)
    create_purchase_order(
        number="DRAFT-1",
        supplier_id=supplier.id,
        warehouse="WH-1",
        lines=[
            LineSpec(item_id=x.id, quantity=100, unit_cost="3.00"),
            LineSpec(item_id=y.id, quantity=150, unit_cost="4.00"),
        ],
    )
    return SimpleNamespace(supplier=supplier, today=today, x=x, y=y)


def test_an_import_suppliers_draft_is_packed_and_topped_up_by_lowest_cover(
    client, auth, import_floor
):
    # Draft in whole cases: X 10 cases (10 m3, 1000 kg), Y 150 -> 160 = 8 cases (16 m3,
    # 400 kg): 26 m3 fits one 20ft box (28 m3 usable), the smallest that needs one.
    # Cover before topping up: X (150 on hand + 100) / 5 = 50 days, Y (80 + 160) / 2 = 120.
    # The 2 m3 left go to X, a case at a time (50 -> 52 -> 54 days); then nothing fits.
    season = import_floor.today + timedelta(days=200)
    body = _get(
        client, auth("supervisor"), _url(import_floor.supplier.id, f"season_start={season}")
    )
    plan = body["container_plan"]
    assert (plan["container"], plan["containers"]) == ("20ft", 1)
    assert (plan["cube_capacity_m3"], plan["payload_kg"]) == ("28.000", "21700.000")
    assert (plan["cube_m3"], plan["weight_kg"]) == ("28.000", "1600.000")
    assert (plan["cube_used"], plan["weight_used"]) == ("1.0000", "0.0737")
    assert plan["skipped"] == ["PB-Z"]
    # (position before the draft, demand a day, suggested, topped up, quantity, cases, cover)
    figures = {ln["item"]["sku"]: tuple(ln[k] for k in FIGURES) for ln in plan["lines"]}
    assert figures == {
        "PB-X": (150, "5.0000", 100, 20, 120, 12, "54.0"),
        "PB-Y": (80, "2.0000", 160, 0, 160, 8, "120.0"),
    }


# --- refusals ----------------------------------------------------------------------------


def test_an_unknown_supplier_or_warehouse_is_not_found(client, auth, app):
    make_warehouse("WH-1")
    supplier = _supplier("FAREAST", **LEGS)
    r = client.get(_url(999999, "season_start=2031-03-01"), headers=auth("supervisor"))
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    r = client.get(
        _url(supplier.id, "season_start=2031-03-01&warehouse=NOPE"), headers=auth("supervisor")
    )
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")


def test_a_supplier_without_production_transit_or_customs_days_is_refused(client, auth, app):
    make_warehouse("WH-1")
    supplier = _supplier("NOLEGS")
    r = client.get(_url(supplier.id, "season_start=2031-03-01"), headers=auth("supervisor"))
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert (error["code"], error["details"]["rule"]) == ("validation_failed", "no_lead_legs")


@pytest.mark.parametrize(
    "query", ["", "season_start=2031-02-30", "season_start=soon", "season_start=0001-01-05"]
)
def test_a_missing_or_bad_season_start_is_refused(client, auth, app, query):
    make_warehouse("WH-1")
    supplier = _supplier("FAREAST", **LEGS)
    r = client.get(_url(supplier.id, query), headers=auth("supervisor"))
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "validation_failed")


def test_workers_may_not_plan_a_pre_buy(client, auth, app):
    supplier = _supplier("FAREAST", **LEGS)
    r = client.get(_url(supplier.id, "season_start=2031-03-01"), headers=auth("worker"))
    assert r.status_code == 403
