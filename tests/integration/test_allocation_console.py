"""The orders and channels console pages are public shells; the reports they read from the
API (lines waiting for stock by age, the webhook delivery log) answer the right rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scanfloor.allocation import channels_service
from scanfloor.outbox.dispatcher import dispatch_due as deliver_due
from tests.e2e.conftest import free_port
from tests.factories import make_bin_in, make_item, make_warehouse, receive

PAGES = ("/console/orders", "/console/orders/1", "/console/backorders", "/console/channels")


@pytest.mark.parametrize("path", PAGES)
def test_every_orders_and_channels_page_is_public_html_with_the_shared_sign_in(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert '<form id="signin-form"' in html
    assert 'id="workspace"' in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    names = [s.split("?")[0].rsplit("/", 1)[-1] for s in scripts]
    money = ["console_order_money.js"] if path == "/console/orders/1" else []  # its money card
    assert names == ["console.js", "console_alloc.js", *money]


def test_the_page_script_reads_the_orders_channels_and_report_endpoints(client):
    html = client.get("/console/orders").get_data(as_text=True)
    src = re.findall(r'<script src="([^"]+)"', html)[1].replace("&amp;", "&")
    js = client.get(src)
    assert js.status_code == 200
    for needle in (
        "ScanfloorConsole",
        '"/orders"',
        "/events",
        "/allocation/backorders",
        "/webhooks/deliveries",
        "/ats",
        "/pools",
    ):
        assert needle.encode() in js.data, needle


def test_every_console_page_links_to_orders_and_channels(client):
    for path in ("/", "/console/putaway", *PAGES):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/console/orders"' in html, path
        assert 'href="/console/channels"' in html, path


def test_the_order_page_carries_its_order_id_for_the_script(client):
    html = client.get("/console/orders/42").get_data(as_text=True)
    assert 'data-order-id="42"' in html


@pytest.fixture
def shop(app: Any) -> dict[str, Any]:
    app.config["SCANFLOOR_OUTBOX_KICK"] = False  # the tests deliver when they choose
    wh = make_warehouse("WH1")
    bin_ = make_bin_in(wh, "A-01")
    items = {sku: make_item(sku) for sku in ("TEE", "MUG")}
    receive(items["TEE"], bin_, 3)
    channels_service.create_channel("WEB", kind="web", name="Web", warehouses=["WH1"])
    channels_service.create_channel(
        "B2B", kind="wholesale", name="Wholesale", priority=-1, warehouses=["WH1"]
    )
    return items


def place(client: Any, headers: Any, channel: str, ext: str, hours_ago: int, *lines: Any) -> int:
    at = datetime.now(UTC) - timedelta(hours=hours_ago)
    body = {
        "channel": channel,
        "external_id": ext,
        "ordered_at": at.isoformat(),
        "lines": [{"sku": s, "quantity": q} for s, q in lines],
    }
    r = client.post("/api/v1/orders", json=body, headers=headers)
    assert r.status_code == 201, r.get_json()
    return int(r.get_json()["id"])


def test_backorders_list_the_short_lines_oldest_order_first_with_their_age(client, auth, shop):
    mgr = auth("manager")
    full = place(client, mgr, "WEB", "W-1", 1, ("TEE", 2))  # allocated: not waiting
    newer = place(client, mgr, "WEB", "W-2", 2, ("MUG", 4))  # nothing of MUG
    older = place(client, mgr, "B2B", "B-1", 30, ("TEE", 5), ("MUG", 1))  # 1 TEE left

    r = client.get("/api/v1/allocation/backorders", headers=auth("supervisor"))
    assert r.status_code == 200, r.get_json()
    rows = r.get_json()["lines"]
    got = [(b["order_id"], b["sku"], b["quantity"], b["held"], b["waiting"]) for b in rows]
    assert got == [(older, "TEE", 5, 1, 4), (older, "MUG", 1, 0, 1), (newer, "MUG", 4, 0, 4)]
    assert full not in {b["order_id"] for b in rows}
    assert rows[0]["status"] == "partially_allocated"
    assert rows[0]["channel"] == "B2B" and rows[0]["external_id"] == "B-1"
    assert 30 * 60 - 5 <= rows[0]["age_minutes"] <= 30 * 60 + 5
    assert 2 * 60 - 5 <= rows[2]["age_minutes"] <= 2 * 60 + 5

    web = client.get("/api/v1/allocation/backorders?channel=web", headers=auth("supervisor"))
    assert [b["order_id"] for b in web.get_json()["lines"]] == [newer]


def test_a_cancelled_order_no_longer_waits(client, auth, shop):
    mgr = auth("manager")
    oid = place(client, mgr, "WEB", "W-1", 1, ("MUG", 2))
    assert client.post(f"/api/v1/orders/{oid}/cancel", headers=mgr).status_code == 200
    r = client.get("/api/v1/allocation/backorders", headers=mgr)
    assert r.get_json()["lines"] == []


def test_backorders_of_an_unknown_channel_are_a_404(client, auth, shop):
    r = client.get("/api/v1/allocation/backorders?channel=NOPE", headers=auth("supervisor"))
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


def test_the_delivery_log_shows_each_failed_attempt_of_a_dead_endpoint(client, auth, shop):
    dead = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens here
    channels_service.create_channel(
        "MKT",
        kind="marketplace",
        name="Marketplace",
        warehouses=["WH1"],
        webhook_url=dead,
        webhook_secret="s3cret-s3cret-s3cret",
    )
    mgr = auth("manager")
    assert client.get("/api/v1/webhooks/deliveries", headers=mgr).get_json()["deliveries"] == []
    place(client, mgr, "MKT", "M-1", 0, ("TEE", 1))
    report = deliver_due()
    assert report.sent == 0 and report.failed >= 1

    r = client.get("/api/v1/webhooks/deliveries", headers=mgr)
    assert r.status_code == 200, r.get_json()
    log = r.get_json()["deliveries"]
    assert len(log) == report.failed
    assert {d["kind"] for d in log} <= {"order_status", "ats_changed"}
    for d in log:
        assert d["channel"] == "MKT"
        assert d["status_code"] is None and d["error"]
        assert d["delivered"] is False and d["attempts"] == 1
    assert [d["id"] for d in log] == sorted((d["id"] for d in log), reverse=True)

    other = client.get("/api/v1/webhooks/deliveries?channel=WEB", headers=mgr)
    assert other.get_json()["deliveries"] == []


def test_the_item_ats_the_channels_page_reads_follows_reservations(client, auth, shop):
    place(client, auth("manager"), "WEB", "W-1", 0, ("TEE", 2))
    r = client.get(f"/api/v1/items/{shop['TEE'].id}/ats", headers=auth("supervisor"))
    assert r.status_code == 200
    assert r.get_json()["channels"] == {"WEB": 1, "B2B": 1}
