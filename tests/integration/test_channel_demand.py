"""Demand per sales channel: the projection's reader (purchasing/demand_channel_sql.py), the
"demand by channel" step of a suggestion line (suggest_compute.py) and GET
/api/v1/purchasing/demand (demand_service.py).

The end-to-end history goes through the real flows: orders of two channels captured,
picked, packed and shipped (shipping's services), a ship posted without a carton (told to no
channel), and a customer return of the web order received and restocked through the returns
API. Only the reader's own test writes channel_demand_days rows directly. Shipments confirm
now, and a demand window ends the day before it is read, so the reads are as of tomorrow.
Runs on SQLite and PostgreSQL (the `app` fixture).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.allocation.channels_service import create_channel
from scanfloor.allocation.models import Channel
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.purchasing import demand_service
from scanfloor.purchasing.demand_channel_sql import ChannelUnits, channel_daily, channel_totals
from scanfloor.purchasing.demand_models import ChannelDailyDemand
from scanfloor.purchasing.suggest_service import run_suggestions
from scanfloor.timeutil import utcnow
from tests.factories import make_warehouse, virtual
from tests.returns_helpers import (
    capture,
    grant,
    inspect,
    receive_scan,
    return_site,
    scanned_item,
    shipped_order,
)
from tests.suggestion_helpers import day_at, item, make_site, move, policy, today

DEMAND = "/api/v1/purchasing/demand"
HISTORY = 28


def _tomorrow() -> date:
    return today() + timedelta(days=1)


def _channel_id(code: str) -> int:
    found = db.session.scalar(select(Channel.id).where(Channel.code == code))
    assert found is not None
    return int(found)


# --- the reader ----------------------------------------------------------------------------


def test_channel_totals_sum_the_window_per_item_and_channel_largest_net_first(app):
    site = make_site()  # channel WEB
    create_channel("MKT", kind="marketplace", name="Market", warehouses=[site.warehouse.code])
    other = make_warehouse("FAR")
    tee, mug = item("TEE"), item("MUG")
    web, mkt = _channel_id("WEB"), _channel_id("MKT")
    wh, first = site.warehouse.id, date(2030, 3, 1)

    def row(day: int, it: Any, ch: int, shipped: int, returned: int = 0, at: int = wh) -> Any:
        return {"warehouse_id": at, "day": first + timedelta(days=day), "item_id": it.id,
                "channel_id": ch, "shipped": shipped, "returned": returned}  # fmt: skip

    db.session.execute(
        ChannelDailyDemand.__table__.insert(),
        [
            row(-1, tee, web, 50),  # the day before the window
            row(0, tee, web, 4),
            row(1, tee, web, -1),  # reversed more than it shipped that day: counts 0
            row(2, tee, mkt, 9, returned=1),
            row(3, tee, web, 6, returned=2),
            row(4, tee, mkt, 7),  # the window's end: not in it
            row(0, tee, mkt, 30, at=other.id),  # another warehouse
            row(1, mug, web, 3),
        ],
    )
    db.session.commit()
    conn = db.session.connection()

    totals = channel_totals(conn, wh, first, 4, [tee.id])
    daily = channel_daily(conn, wh, first, 4, [tee.id])
    everything = channel_totals(conn, wh, first, 4)

    assert totals == {
        tee.id: [
            ChannelUnits(mkt, "MKT", 9, 1, 8, Decimal("0.5000")),  # 8 of 16
            ChannelUnits(web, "WEB", 10, 2, 8, Decimal("0.5000")),  # a tie: by code
        ]
    }
    assert daily == {tee.id: {web: ([4, 0, 0, 6], [0, 0, 0, 2]), mkt: ([0, 0, 9, 0], [0, 0, 1, 0])}}
    assert set(everything) == {tee.id, mug.id}
    assert everything[mug.id] == [ChannelUnits(web, "WEB", 3, 0, 3, Decimal("1.0000"))]
    assert channel_totals(conn, wh, first, 4, []) == {}


# --- end to end through real shipments and a restocked return --------------------------------


def _history(app: Any, client: Any, auth: Any, users: Any) -> dict[str, Any]:
    """Item RT-...: WEB ships 6 + 4 and takes 2 back onto the shelf, MKT ships 5, and 3
    leave on a ship posted without a carton; 100 in stock since 10 days ago."""
    app.config["SCANFLOOR_DEMAND_HISTORY_DAYS"] = HISTORY
    rs = return_site(app)
    grant(users, rs.warehouse)
    create_channel("MKT", kind="marketplace", name="Market", warehouses=[rs.warehouse.code])
    it = scanned_item(rs, 0)
    move("receipt", _orm(it.id), 100, virtual("VENDOR"), rs.site.bin, day_at(10))
    web = shipped_order(rs, [(it, 6)])
    shipped_order(rs, [(it, 4)])
    shipped_order(replace(rs, site=replace(rs.site, channel="MKT")), [(it, 5)])
    post(
        PostingRequest(
            movement_type="ship",
            lines=(MovementLine(it.id, 3, rs.site.bin.id, virtual("CUSTOMER").id),),
        )
    )
    rma = capture(client, auth("manager"), web, [{"sku": it.sku, "quantity": 2}])
    assert rma.status_code == 201, rma.get_json()
    rma_id = rma.get_json()["id"]
    got = receive_scan(client, auth("worker"), rma_id, it.each, quantity=2)
    assert got.status_code == 200, got.get_json()
    restocked = inspect(client, auth("worker"), rma_id, got.get_json()["line_id"], quantity=2,
                        disposition="sellable", location="R-1")  # fmt: skip
    assert restocked.status_code == 200, restocked.get_json()
    return {"site": rs, "item": it, "web": _channel_id("WEB"), "mkt": _channel_id("MKT")}


def _orm(item_id: int) -> Any:
    from scanfloor.catalog.models import Item

    return db.session.get(Item, item_id)


def _as_of_tomorrow(monkeypatch: Any) -> None:
    real = utcnow()
    monkeypatch.setattr(demand_service, "utcnow", lambda: real + timedelta(days=1))


def test_the_endpoint_gives_each_channels_units_share_and_forecast(
    app, client, auth, users, monkeypatch
):
    h = _history(app, client, auth, users)
    it = h["item"]
    _as_of_tomorrow(monkeypatch)

    r = client.get(f"{DEMAND}?item={it.sku}&warehouse=WH&days=7", headers=auth("supervisor"))

    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["item"] == {"id": it.id, "sku": it.sku, "name": _orm(it.id).name}
    assert body["warehouse"] == {"id": h["site"].warehouse.id, "code": "WH"}
    assert body["window"] == {
        "first": (today() - timedelta(days=6)).isoformat(),
        "last": today().isoformat(),
        "days": 7,
    }
    assert body["source"] == "shipments"
    assert body["totals"] == {
        "shipped": 18,
        "returned": 2,
        "backordered": 0,
        "net": 16,
        "not_told": 3,  # the ship without a carton
    }
    assert [(c["channel"]["code"], c["shipped"], c["returned"], c["net"], c["share"])
            for c in body["channels"]] == [
        ("WEB", 10, 2, 8, "0.6154"),  # 8 of the 13 told
        ("MKT", 5, 0, 5, "0.3846"),
    ]  # fmt: skip
    assert body["channels"][0]["channel"] == {"id": h["web"], "code": "WEB"}
    # One day of demand in 7 in-stock days: intermittent, Croston-SBA = 0.9 x size / 7.
    assert body["estimate"] == {
        "method": "croston_sba",
        "classification": "intermittent",
        "mean_per_day": "2.0571",  # 0.9 x 16 / 7
        "sd_per_day": "6.0474",  # sample sd of six 0s and a 16
        "days_used": 7,
        "stock_out_days": 0,
    }
    web, mkt = (c["estimate"] for c in body["channels"])
    assert (web["method"], web["mean_per_day"], web["days_used"]) == ("croston_sba", "1.0286", 7)
    assert (mkt["method"], mkt["mean_per_day"], mkt["stock_out_days"]) == (
        "croston_sba",
        "0.6429",
        0,
    )
    assert len(body["days"]) == 7
    assert body["days"][-1] == {
        "date": today().isoformat(),
        "shipped": 18,
        "returned": 2,
        "backordered": 0,
        "on_hand_at_start": 100,
    }
    assert body["days"][0]["shipped"] == 0

    by_id = client.get(f"{DEMAND}?item={it.id}&warehouse={h['site'].warehouse.id}",
                       headers=auth("supervisor"))  # fmt: skip
    assert by_id.status_code == 200, by_id.get_json()
    default = by_id.get_json()
    assert default["window"]["days"] == HISTORY  # the history a suggestion run reads
    assert [(c["channel"]["code"], c["net"], c["share"]) for c in default["channels"]] == [
        ("WEB", 8, "0.6154"),
        ("MKT", 5, "0.3846"),
    ]


def test_the_suggestion_line_explains_demand_by_channel(app, client, auth, users):
    h = _history(app, client, auth, users)
    policy(h["site"], h["item"], "reorder_point", service_level="0.95", order_qty=50)

    run = run_suggestions(trigger="cli", warehouse_id=h["site"].warehouse.id, as_of=_tomorrow())

    [line] = run.lines
    labels = [s["label"] for s in line.steps]
    at = labels.index("demand by channel")
    assert labels[at - 1] == "demand deviation" and labels[at + 1].startswith("lead time")
    assert line.steps[at] == {
        "label": "demand by channel",
        "working": "WEB 8 (61.54 %), MKT 5 (38.46 %) net units in the last 28 days;"
        " 3 more not told to a channel",
        "value": "13",
    }


def test_an_item_shipped_without_cartons_says_no_channel_was_told(app):
    from tests.suggestion_helpers import receive, ship

    app.config["SCANFLOOR_DEMAND_HISTORY_DAYS"] = HISTORY
    site = make_site()
    mug, pen = item("MUG"), item("PEN")
    receive(site, mug, 100, day_at(30))
    ship(site, mug, 4, day_at(3))
    policy(site, mug, "periodic_review", service_level="0.95", review_days=7)
    policy(site, pen, "min_max", min_qty=1, max_qty=5)

    run = run_suggestions(trigger="cli", warehouse_id=site.warehouse.id)

    steps = {ln.item.sku: {s["label"]: s for s in ln.steps} for ln in run.lines}
    assert steps["MUG"]["demand by channel"] == {
        "label": "demand by channel",
        "working": "no shipment told to a channel yet",
        "value": "0",
    }
    assert "demand by channel" not in steps["PEN"]  # min/max plans with no demand


# --- refusals --------------------------------------------------------------------------------


def _error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.get_json()
    body = r.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return dict(body["error"])


@pytest.fixture
def small(app: Any, users: Any) -> Any:
    site = make_site()
    grant(users, site.warehouse)
    return site, item("TEE")


def test_unknown_items_and_warehouses_are_404(client, auth, small):
    boss = auth("supervisor")

    no_item = client.get(f"{DEMAND}?item=NOPE&warehouse=WH", headers=boss)
    no_id = client.get(f"{DEMAND}?item=99999999999&warehouse=WH", headers=boss)
    no_wh = client.get(f"{DEMAND}?item=TEE&warehouse=NOWH", headers=boss)

    assert _error(no_item, 404, "not_found")["details"] == {"item": "NOPE"}
    _error(no_id, 404, "not_found")
    _error(no_wh, 404, "not_found")


@pytest.mark.parametrize(
    "query",
    ["days=6", "days=731", "days=x", "days=", "item=", "item=%00", "item=T%0AE", "warehouse=%00"],
)
def test_a_window_outside_7_to_730_days_or_an_unreadable_ref_is_422(client, auth, small, query):
    base = {"item": "TEE", "warehouse": "WH", "days": "30"}
    key, _, value = query.partition("=")
    args = "&".join(f"{k}={value if k == key else v}" for k, v in base.items())

    _error(client.get(f"{DEMAND}?{args}", headers=auth("supervisor")), 422, "validation_failed")


def test_a_worker_is_refused_and_a_supervisor_sees_only_their_warehouses(client, auth, small):
    make_warehouse("FAR")
    ok = client.get(f"{DEMAND}?item=tee&warehouse=WH&days=7", headers=auth("supervisor"))

    worker = client.get(f"{DEMAND}?item=TEE&warehouse=WH", headers=auth("worker"))
    elsewhere = client.get(f"{DEMAND}?item=TEE&warehouse=FAR", headers=auth("supervisor"))

    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert (body["source"], body["channels"], body["estimate"]["method"]) == (
        "none",
        [],
        "no_history",  # no stock on any day: every day a stock-out
    )
    _error(worker, 403, "forbidden")
    _error(elsewhere, 403, "warehouse_not_allowed")
