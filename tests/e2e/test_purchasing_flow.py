"""Purchasing end to end on the demo server, the way the issue tells it: a buyer runs the
suggestions in the console, approves the draft PO the run made and sends it (the supplier's
endpoint, a small HTTP server this test runs on 127.0.0.1, receives the JSON with the CSV
and the PDF, signed with the endpoint secret the supplier was given); a worker receives it
at the dock on the phone-sized scanner by wedge scans; and the supplier's page then shows
the delivery judged on time and in full, with a point for this month on its trend chart.
The ledger verifies clean at the end.

Everything the flow needs is the test's own, set up through the API as the back office would:
a supplier promising delivery the same day (so the PO falls due today and today's receipt is
on time), a new item with an each and a case barcode, 3 units of it in a new WH1 bin, a
preferred supplier item (cases of 6) and a min/max policy in WH1 of 10/14: the position, 3,
is below the min, so the run orders up to the max in whole cases: 14 - 3 = 11, up to 12."""

from __future__ import annotations

import base64
import json
import random
import time
import uuid
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from scanfloor.allocation.signing import HEADER, verify
from tests.http_receiver import PostRecorder

from .console_support import console_sign_in
from .count_support import ledger_is_clean
from .replenish_support import gtin
from .scanner_support import DOCK, SHOTS, DemoApi, signed_in

pytestmark = pytest.mark.timeout(300)
WAIT_MS = 20_000
CASE = 6
SECRET = "pinewood-po-endpoint-key"  # what the supplier verifies our POSTs with
TIMES = "\u00d7"  # the scanner writes "6 <multiplication sign> SKU"


@pytest.fixture
def endpoint() -> Any:
    ep = PostRecorder("/purchase-orders")  # the supplier's PO endpoint
    yield ep
    ep.stop()


def fact(figures: Any, label: str) -> Any:
    """The value beside `label` in a console figures list (<dt> then <dd>)."""
    return figures.locator(f"xpath=.//dt[normalize-space()='{label}']/following-sibling::dd[1]")


def set_up(api: DemoApi, endpoint_url: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The supplier, the item (with its case GTIN), its stock, terms and policy; the item's
    supplier SKU is PW-<its SKU>."""
    tag = uuid.uuid4().hex[:6].upper()
    supplier = api.call("POST", "/suppliers", {
        "code": f"P{tag}", "name": f"Pinewood {tag}", "po_endpoint": endpoint_url,
        "po_endpoint_secret": SECRET, "currency": "EUR", "lead_time_days": 0,
    })  # fmt: skip
    body = "2" + "".join(random.choice("0123456789") for _ in range(11))
    case_gtin = gtin("1" + body)
    item = api.call("POST", "/items", {
        "sku": f"PINE-{tag}", "name": f"Pine planter {tag}",
        "packs": [{"level": "each", "quantity": 1, "barcodes": [gtin(body)]},
                  {"level": "case", "quantity": CASE, "barcodes": [case_gtin]}],
    })  # fmt: skip
    zone = next(
        z
        for z in api.call("GET", "/locations", level="zone", q="WH1-", limit=50)["locations"]
        if z["code"] == "WH1-C"
    )
    bin_code = f"PB-{tag}"
    api.call("POST", "/locations", {"code": bin_code, "type": "storage", "parent_id": zone["id"]})
    api.call("POST", "/movements", {"type": "receipt", "lines": [{
        "item_id": item["id"], "quantity": 3, "from_location": "VENDOR", "to_location": bin_code,
    }]})  # fmt: skip
    api.call("POST", f"/suppliers/{supplier['id']}/items", {
        "sku": item["sku"], "supplier_sku": f"PW-{item['sku']}", "unit_cost": "2.50",
        "case_pack": CASE, "preferred": True,
    })  # fmt: skip
    api.call("PUT", "/reorder-policies", {
        "sku": item["sku"], "warehouse": "WH1", "policy": "min_max", "min_qty": 10, "max_qty": 14,
    })  # fmt: skip
    return supplier, item, case_gtin


def test_a_suggested_po_is_approved_sent_received_on_the_scanner_and_scores_the_supplier(
    demo_server, browser, endpoint
):
    api = DemoApi(demo_server)
    supplier, item, case_gtin = set_up(api, endpoint.url)
    sku = item["sku"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []

    # 1. The buyer runs the suggestions for WH1: the item orders, and its line says why.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    console_sign_in(page, demo_server, "/console/purchasing", "super")
    page.locator("#run-warehouse option[value=WH1]").wait_for(state="attached")
    page.select_option("#run-warehouse", "WH1")
    page.get_by_role("button", name="Run suggestions").click()
    expect(page.locator("#run-result")).to_contain_text("draft purchase order", timeout=60_000)
    card = page.locator(f"article.suggestion[data-sku='{sku}']")
    card.wait_for(timeout=WAIT_MS)
    assert card.get_attribute("data-outcome") == "ordered"
    expect(card.locator(".summary")).to_contain_text(f"Order 12 units from {supplier['code']}")
    explain = card.locator(".explain")
    expect(explain).to_contain_text("min max")
    expect(explain).to_contain_text(
        "on hand 3 + open POs 0 + in transit 0 \u2212 reserved 0 \u2212 backordered 0 = 3"
    )
    steps = card.locator("ol.steps")
    expect(steps).to_contain_text("need up to max: 14 - 3 = 11")
    expect(steps).to_contain_text("case pack: 11 up to whole cases of 6 = 12")
    expect(steps).to_contain_text("order: 2 x 6 = 12")
    po_row = page.locator("#pos-table tbody tr", has_text=supplier["code"])
    expect(po_row).to_contain_text("draft")
    expect(po_row).to_contain_text("30.00")
    page.screenshot(path=str(SHOTS / "flow-purchasing-run.png"), full_page=True)

    # 2. Open the draft, approve it and send it: the supplier's endpoint gets the PO.
    po_row.get_by_role("link").nth(1).click()
    heading = page.locator("#po-heading")
    expect(heading).to_contain_text("draft", timeout=WAIT_MS)
    po_id = int(page.locator("#po-detail").get_attribute("data-po-id"))
    po = api.call("GET", f"/purchase-orders/{po_id}")
    number, due = po["number"], po["expected_date"]
    assert (po["supplier"]["code"], po["warehouse"]["code"]) == (supplier["code"], "WH1")
    assert [(ln["item"]["sku"], ln["ordered"]) for ln in po["lines"]] == [(sku, 12)]
    assert po["suggestion_run_id"] is not None
    expect(page.locator("#po-meta")).to_contain_text(f"expected {due}")
    page.get_by_role("button", name="Approve").click()
    expect(heading).to_contain_text("approved", timeout=WAIT_MS)
    page.get_by_role("button", name="Send to supplier").click()
    expect(heading).to_contain_text("sent", timeout=WAIT_MS)
    page.screenshot(path=str(SHOTS / "flow-po-sent.png"), full_page=True)
    assert api.call("GET", f"/purchase-orders/{po_id}")["state"] == "sent"

    [(headers, raw)] = endpoint.wait_for(1)
    assert headers["Scanfloor-Event"] == "purchase_order_sent"
    assert verify(SECRET, headers[HEADER], raw, int(time.time()))  # the supplier's own key
    sent = json.loads(raw)
    assert sent["topic"] == "purchase_order.sent"
    assert sent["po"]["number"] == number and sent["po"]["total"] == "30.00"
    assert sent["po"]["supplier"]["code"] == supplier["code"]
    [line] = sent["po"]["lines"]
    assert (line["sku"], line["supplier_sku"], line["quantity"]) == (sku, f"PW-{sku}", 12)
    assert number in sent["csv"] and sku in sent["csv"]
    assert base64.b64decode(sent["pdf_base64"]).startswith(b"%PDF")

    # 3. A worker receives it at the dock on the scanner: two cases, by wedge scans.
    phone, _scanner_page, app = signed_in(browser, demo_server)
    app.page.click("[data-job=receive]")
    app.instruction("Scan or pick the purchase order")
    listed = app.page.locator(f"[data-po='{po_id}']")
    expect(listed).to_contain_text(number)
    expect(listed).to_contain_text(f"expected {due}")
    app.shot("flow-receive-po")
    app.scan(number)
    app.instruction("Scan an item")
    for received in (CASE, 2 * CASE):
        app.scan(case_gtin)
        app.instruction("Confirm the quantity")
        assert app.page.input_value("input[name=quantity]") == str(CASE)
        app.page.click("#confirm-qty")
        app.instruction("Scan the dock location")
        app.scan(DOCK)
        app.wait_message(f"Received {CASE} {TIMES} {sku}.*on {DOCK}")
        app.instruction("Scan an item")
        po = api.call("GET", f"/purchase-orders/{po_id}")
        assert po["lines"][0]["received"] == received
    app.shot("flow-receive-done")
    assert po["state"] == "received"
    assert app.errors == []
    phone.close()

    # 4. The supplier's page: one line judged, on time and in full; this month on the chart.
    page.goto(f"{demo_server}/console/suppliers/{supplier['id']}")
    judged = page.locator("#judged-table tbody tr")
    expect(judged).to_have_count(1, timeout=WAIT_MS)
    expect(judged).to_contain_text(number)
    expect(judged.locator("td").nth(7)).to_have_text("On time")
    expect(judged.locator("td").nth(8)).to_have_text("In full")
    figures = page.locator("#perf-figures")
    expect(fact(figures, "On time in full")).to_have_text("100.0%")
    expect(fact(figures, "Fill rate")).to_have_text("100.0%")
    expect(fact(figures, "Lines judged")).to_have_text("1")
    rows = page.locator("#trend-chart table tbody tr")
    expect(rows).to_have_count(12)
    this_month = rows.last
    expect(this_month.locator("th")).to_have_text(due[:7])
    expect(this_month.locator("td").nth(0)).to_have_text("100.0%")
    expect(this_month.locator("td").nth(1)).to_have_text("100.0%")
    expect(page.locator("#trend-chart svg .chart-point")).to_have_count(2)  # OTIF, fill
    page.screenshot(path=str(SHOTS / "flow-supplier-performance.png"), full_page=True)
    desk.close()

    performance = api.call("GET", f"/suppliers/{supplier['id']}/performance", months=12)
    assert performance["lines_judged"] == 1, performance
    assert Decimal(performance["otif_rate"]) == Decimal(performance["fill_rate"]) == 1
    ledger_is_clean(api)
    assert errors == [], errors
