"""The margin report: two orders on two channels shipped through the real flows, one
returned and credited, the other settled with a fee: gross margin per order line and per
channel to the cent (revenue net of the credit, COGS net of the restocked unit, the fee
split over the settled order's lines), filtered by dates, channel and warehouse; the CSV's
columns; shipping cost reported unknown (their carrier has no rate); the page's shell; a
worker is refused."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from scanfloor.allocation.channels_service import create_channel
from scanfloor.allocation.models import OrderLine
from scanfloor.catalog.models import Item
from scanfloor.extensions import db
from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment
from tests import finance_helpers as fh
from tests.returns_helpers import capture, grant, inspect, receive_scan, return_site, scanned_item
from tests.shipping_helpers import packed_order

D = Decimal
URL = "/api/v1/finance/margin"
HEAD = (
    '"Transaction Date","Type","Order","Card Brand","Card Source","Payout Status",'
    '"Payout Date","Payout ID","Available On","Amount","Fee","Net","Checkout","Currency"'
)


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _stocked(rs: Any, qty: int, cost: str) -> Any:
    it = scanned_item(rs, 0)
    fh.receive(db.session.get(Item, it.id), rs.site.bin, qty, cost)
    return it


def _ship(rs: Any, site: Any, lines: list[tuple[Any, int, str]]) -> Any:
    """An order of (item, quantity, unit price) lines on the site's channel, shipped."""
    packed = packed_order(site, [(db.session.get(Item, it.id), q) for it, q, _ in lines])
    for line_id, (_, _, price) in zip(packed.line_ids, lines, strict=True):
        db.session.execute(update(OrderLine).where(OrderLine.id == line_id).values(price=D(price)))
    db.session.commit()
    shipment = open_shipment(rs.warehouse.id, site.carrier, "standard", actor_id=None)
    add_carton(shipment.id, packed.ssccs[0], actor_id=None)
    confirm_shipment(shipment.id, actor_id=None)
    db.session.rollback()
    return packed


def _settle(client: Any, h: dict[str, str], channel: str, external_id: str, amount: str,
            fee: str) -> None:  # fmt: skip
    day = _today()
    net = D(amount) - D(fee)
    rows = [
        HEAD,
        f'"{day} 10:00:00 +0100","charge","#{external_id}","visa","online","paid","{day}",'
        f'"P-9","{day}","{amount}","{fee}","{net}","1","EUR"',
        f'"{day} 11:00:00 +0100","payout","","","","paid","{day}","P-9","{day}",'
        f'"{-net}","0.00","{-net}","","EUR"',
    ]
    form = {"file": (io.BytesIO(("\n".join(rows) + "\n").encode()), "payout.csv"),
            "channel": channel, "source": "shopify_payouts"}  # fmt: skip
    r = client.post("/api/v1/finance/settlements", data=form, headers=h,
                    content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 201, r.get_json()


def _world(app: Any, client: Any, auth: Any, users: Any) -> dict[str, Any]:
    """WEB: order A, 2 x 25.00 (cost 3.10), one unit returned (back at 3.10) and credited
    25.00. SHOP: order B, 1 x 40.00 (cost 3.10) + 3 x 5.00 (cost 2.00), settled with a fee
    of 1.90."""
    rs = return_site(app)
    grant(users, rs.warehouse)
    create_channel("SHOP", kind="web", name="Shop", warehouses=[rs.warehouse.code])
    shop = dataclasses.replace(rs.site, channel="SHOP")
    it, other = _stocked(rs, 10, "3.10"), _stocked(rs, 10, "2.00")
    a = _ship(rs, rs.site, [(it, 2, "25.00")])
    b = _ship(rs, shop, [(it, 1, "40.00"), (other, 3, "5.00")])
    manager = auth("manager")
    rma = capture(client, manager, a, [{"sku": it.sku, "quantity": 1}]).get_json()
    got = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=1).get_json()
    done = inspect(client, auth("worker"), got["rma"]["id"], got["line_id"], credit="full")
    assert done.get_json()["inspection"]["credit_amount"] == "25.00"
    _settle(client, auth("finance"), "SHOP", b.external_id, "55.00", "1.90")  # a finance write
    return {"rs": rs, "a": a, "b": b, "h": manager}


def _money(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(row[k] for k in ("revenue", "returns_credited", "cogs", "returns_restocked",
                                  "channel_fees", "gross_margin"))  # fmt: skip


def test_margin_per_order_line_and_per_channel_to_the_cent(app, client, auth, users):
    w = _world(app, client, auth, users)
    got = client.get(URL, query_string={"group_by": "order_line"}, headers=w["h"])
    assert got.status_code == 200, got.get_json()
    report = got.get_json()
    rows = {(r["external_id"], r["line_no"]): r for r in report["rows"]}
    a, b = w["a"].external_id, w["b"].external_id
    assert set(rows) == {(a, 1), (b, 1), (b, 2)}
    assert _money(rows[(a, 1)]) == ("50.00", "25.00", "6.20", "3.10", "0.00", "21.90")
    assert rows[(a, 1)]["margin_pct"] == "87.60"
    # The fee 1.90 splits 40 : 15 over B's lines: 1.38 and 0.52.
    assert _money(rows[(b, 1)]) == ("40.00", "0.00", "3.10", "0.00", "1.38", "35.52")
    assert _money(rows[(b, 2)]) == ("15.00", "0.00", "6.00", "0.00", "0.52", "8.48")
    line = rows[(b, 2)]
    assert (line["channel"], line["warehouse"], line["carrier"], line["service"]) == (
        "SHOP", w["rs"].warehouse.code, w["rs"].site.carrier, "standard")  # fmt: skip
    assert report["shipping_cost_known"] is False  # the OWN carrier has no rate
    assert line["shipping_cost"] is None
    assert report["totals"]["shipping_unknown_orders"] == 2
    assert report["totals"]["gross_margin"] == "65.90"
    assert report["totals"]["net_revenue"] == "80.00"

    by_channel = client.get(URL, query_string={"group_by": "channel"}, headers=w["h"]).get_json()
    assert {r["channel"]: r["gross_margin"] for r in by_channel["rows"]} == {
        "SHOP": "44.00", "WEB": "21.90"}  # fmt: skip
    assert by_channel["totals"] == report["totals"]
    for group in ("warehouse", "path", "month"):
        one = client.get(URL, query_string={"group_by": group}, headers=w["h"]).get_json()
        assert one["totals"]["gross_margin"] == "65.90", group
    month = client.get(URL, query_string={"group_by": "month"}, headers=w["h"]).get_json()
    assert [r["month"] for r in month["rows"]] == [_today()[:7]]


def test_filters_by_channel_warehouse_and_entry_dates(app, client, auth, users):
    w = _world(app, client, auth, users)
    h = w["h"]
    web = client.get(URL, query_string={"group_by": "order_line", "channel": "web"}, headers=h)
    assert [r["external_id"] for r in web.get_json()["rows"]] == [w["a"].external_id]
    assert web.get_json()["channel"] == "WEB"
    here = {"group_by": "channel", "warehouse": w["rs"].warehouse.code}
    assert client.get(URL, query_string=here, headers=h).get_json()["totals"]["gross_margin"] == (
        "65.90")  # fmt: skip
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    later = client.get(URL, query_string={"from": tomorrow}, headers=h).get_json()
    assert later["rows"] == [] and later["totals"]["gross_margin"] == "0.00"
    today = client.get(URL, query_string={"from": _today(), "to": _today()}, headers=h)
    assert today.get_json()["totals"]["gross_margin"] == "65.90"
    bad = client.get(URL, query_string={"from": tomorrow, "to": _today()}, headers=h)
    assert bad.status_code == 422
    assert client.get(URL, query_string={"group_by": "sku"}, headers=h).status_code == 422
    assert client.get(URL, query_string={"channel": "NOPE"}, headers=h).status_code == 404


def test_the_csv_has_its_documented_columns_and_a_worker_is_refused(app, client, auth, users):
    w = _world(app, client, auth, users)
    r = client.get(URL + ".csv", query_string={"group_by": "channel"}, headers=w["h"])
    assert r.status_code == 200
    assert r.mimetype == "text/csv"
    lines = r.get_data(as_text=True).splitlines()
    assert lines[0] == (
        "group_by,order_id,external_id,line_no,sku,channel,warehouse,carrier,service,month,"
        "revenue,returns_credited,net_revenue,cogs,returns_restocked,net_cogs,channel_fees,"
        "shipping_cost,gross_margin,margin_pct,shipping_unknown_orders,shipping_unknown_revenue"
    )
    # Both orders left on the OWN carrier, which has no rate: shipping unknown, not subtracted.
    assert lines[1:] == [
        "channel,,,,,SHOP,,,,,55.00,0.00,55.00,9.10,0.00,9.10,1.90,,44.00,80.00,1,55.00",
        "channel,,,,,WEB,,,,,50.00,25.00,25.00,6.20,3.10,3.10,0.00,,21.90,87.60,1,50.00",
    ]
    worker = auth("worker")
    assert client.get(URL, headers=worker).status_code == 403
    assert client.get(URL + ".csv", headers=worker).status_code == 403


def test_the_margin_page_is_a_shell_with_its_charts_and_table(client):
    r = client.get("/console/margin")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for needle in ('id="channel-chart"', 'id="month-chart"', 'id="rows-table"',
                   "console_chart.js", "console_margin.js", 'aria-current="page">Margin',
                   'id="tot-shipping"', "/finance/margin.csv"):  # fmt: skip
        assert needle in html, needle


def test_the_figures_do_not_depend_on_how_many_orders_one_statement_asks_about(
    app, client, auth, users, monkeypatch
):
    """What an order shipped is read a chunk of ids at a time (PostgreSQL takes at most
    65,535 parameters; a year's report asks about more orders): one order per statement
    gives the same report to the cent."""
    from scanfloor.returns import order_facts

    w = _world(app, client, auth, users)
    whole = client.get(URL, query_string={"group_by": "order_line"}, headers=w["h"]).get_json()
    monkeypatch.setattr(order_facts, "CHUNK", 1)
    chunked = client.get(URL, query_string={"group_by": "order_line"}, headers=w["h"])
    assert chunked.status_code == 200, chunked.get_json()
    assert chunked.get_json() == whole
    assert whole["totals"]["gross_margin"] == "65.90"
