"""The buyer's console in the browser: a supervisor runs purchase suggestions and reads the
draft PO's line with its explanation (policy, position, the arithmetic); approves, sends and
amends that PO on its page (the amendment kept in the history) and downloads its CSV; reads
the supplier's delivery performance as a trend chart (inline SVG with its points) and the
same numbers in a table; and keeps a pick face on the replenishment page, cancelling the
task it raises. Everything the test needs (supplier, items, terms, policy, delivery history,
reserve stock) is set up here through the API, so it does not lean on the demo's purchasing
seed. Every page runs under the strict CSP without a violation and passes axe."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .axe_support import AxeAudit
from .console_support import console_sign_in

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
pytestmark = pytest.mark.timeout(300)
WAIT_MS = 20_000
DOCK = "DOCK-01"

# Installed before any page script runs: every CSP violation the page reports is kept.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


class As:
    """The demo API as one user (bearer token), failing loudly on anything but success."""

    def __init__(self, base: str, username: str) -> None:
        self.url = base + "/api/v1"
        r = requests.post(
            self.url + "/auth/token", json={"username": username, "password": "demo"}, timeout=10
        )
        assert r.status_code == 200, r.text
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        headers = dict(self.headers)
        if method != "GET":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        r = requests.request(
            method, self.url + path, json=body, params=params or None, headers=headers, timeout=60
        )
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.text else None


def _last_month_day(today: date) -> date:
    """A day of the month before this one (the trend's previous point)."""
    return today.replace(day=1) - timedelta(days=3)


def _delivered_po(manager: As, supplier: str, sku: str, due: date, tag: str) -> dict[str, Any]:
    """An open PO of 10 units due on `due`, received in full today at the dock."""
    po = manager.call("POST", "/purchase-orders", {
        "number": f"HIST-{tag}", "supplier": supplier, "warehouse": "WH1",
        "lines": [{"sku": sku, "quantity": 10, "unit_cost": "1.00",
                   "expected_date": due.isoformat()}],
    })  # fmt: skip
    po = manager.call("POST", f"/purchase-orders/{po['id']}/open")
    manager.call("POST", f"/purchase-orders/{po['id']}/receive", {
        "line_id": po["lines"][0]["id"], "quantity": 10, "to_location": DOCK,
        "client_scan_id": uuid.uuid4().hex,
    })  # fmt: skip
    return dict(po)


def _reserve_bin(manager: As, sku_id: int, quantity: int, kind: str) -> str:
    """A new bin of `kind` in zone WH1-C (its own: no other test's stock), holding `quantity`
    of the item when above 0; its code."""
    zones = manager.call("GET", "/locations", level="zone", q="WH1-", limit=50)["locations"]
    zone = next(z for z in zones if z["code"] == "WH1-C")
    code = f"PF-{uuid.uuid4().hex[:6].upper()}"
    manager.call("POST", "/locations", {"code": code, "type": kind, "parent_id": zone["id"]})
    if quantity:
        line = {"item_id": sku_id, "quantity": quantity, "from_location": "VENDOR",
                "to_location": code}  # fmt: skip
        manager.call("POST", "/movements", {"type": "receipt", "lines": [line]})
    return code


def _csp(page: Any) -> list[str]:
    return [f"{page.url}: {v}" for v in page.evaluate("window.__csp || []")]


def test_a_buyer_runs_suggestions_approves_the_draft_and_reads_the_supplier(demo_server, browser):
    manager, sup = As(demo_server, "manager"), As(demo_server, "super")
    tag = uuid.uuid4().hex[:6].upper()
    today = date.today()
    SHOTS.mkdir(parents=True, exist_ok=True)

    # A supplier, an item it supplies (preferred; MOQ 20, cases of 10) with a min/max policy
    # in WH1 and no stock at all, and a second item with two deliveries of history.
    supplier = manager.call("POST", "/suppliers", {
        "code": f"F{tag}", "name": f"Fernleaf {tag}", "email": f"po-{tag.lower()}@example.com",
        "currency": "EUR", "lead_time_days": 7,
    })  # fmt: skip
    item = manager.call("POST", "/items", {"sku": f"FERN-{tag}", "name": f"Fern pot {tag}"})
    history = manager.call("POST", "/items", {"sku": f"FERH-{tag}", "name": f"Fern tray {tag}"})
    for it in (item, history):
        manager.call("POST", f"/suppliers/{supplier['id']}/items", {
            "sku": it["sku"], "unit_cost": "2.50", "moq": 20, "case_pack": 10, "preferred": True,
        })  # fmt: skip
    manager.call("PUT", "/reorder-policies", {
        "sku": item["sku"], "warehouse": "WH1", "policy": "min_max", "min_qty": 10, "max_qty": 45,
    })  # fmt: skip
    _delivered_po(manager, supplier["code"], history["sku"], _last_month_day(today), f"{tag}-1")
    _delivered_po(manager, supplier["code"], history["sku"], today, f"{tag}-2")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors: list[str] = []
    violations: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    axe = AxeAudit()

    # 1. Run the suggestions for WH1 in the console: the item orders 45 up to max, in whole
    #    cases: 50, on a draft PO of the supplier, and the line says why.
    console_sign_in(page, demo_server, "/console/purchasing", "super")
    page.locator("#run-warehouse option[value=WH1]").wait_for(state="attached")
    page.select_option("#run-warehouse", "WH1")
    page.get_by_role("button", name="Run suggestions").click()
    expect(page.locator("#run-result")).to_contain_text("draft purchase order", timeout=60_000)
    card = page.locator(f"article.suggestion[data-sku='{item['sku']}']")
    card.wait_for(timeout=WAIT_MS)
    assert card.get_attribute("data-outcome") == "ordered"
    expect(card.locator(".summary")).to_contain_text(f"Order 50 units from {supplier['code']}")
    expect(card.locator(".explain")).to_contain_text("min max")
    expect(card.locator(".explain")).to_contain_text(
        "on hand 0 + open POs 0 + in transit 0 \u2212 reserved 0 \u2212 backordered 0 = 0"
    )
    assert card.locator("ol.steps li").count() >= 2
    expect(card.locator("ol.steps")).to_contain_text("50")
    po_row = page.locator("#pos-table tbody tr", has_text=supplier["code"])
    expect(po_row).to_contain_text("125.00")
    expect(po_row).to_contain_text("draft")
    # "Every item considered" lists more than the lines that order (or the same, never fewer).
    ordered_lines = page.locator("article.suggestion").count()
    page.select_option("#lines-outcome", "")
    expect(page.locator("#lines-count")).to_contain_text("considered")
    assert page.locator("article.suggestion").count() >= ordered_lines
    page.screenshot(path=str(SHOTS / "console-purchasing.png"), full_page=True)
    axe.check(page, "console purchasing")
    violations += _csp(page)

    # 2. Open the draft PO: approve it, send it, amend it with a reason, download its CSV.
    po_row.get_by_role("link").nth(1).click()
    heading = page.locator("#po-heading")
    expect(heading).to_contain_text("draft", timeout=WAIT_MS)
    expect(page.locator("#po-facts")).to_contain_text("125.00 EUR")
    expect(page.locator("#po-facts")).to_contain_text("WH1")
    page.get_by_role("button", name="Approve").click()
    expect(heading).to_contain_text("approved", timeout=WAIT_MS)
    page.get_by_role("button", name="Send to supplier").click()
    expect(heading).to_contain_text("sent", timeout=WAIT_MS)
    page.get_by_role("button", name="Amend").click()
    page.fill("#editor-table input[name=quantity]", "60")
    page.get_by_role("button", name="Amend the order").click()
    expect(page.locator("#error")).to_contain_text("reason")  # refused here, nothing sent
    page.fill("#editor-reason", "season starts early")
    page.get_by_role("button", name="Amend the order").click()
    amendment = page.locator("#amendments-table tbody tr").first
    expect(amendment).to_contain_text("season starts early", timeout=WAIT_MS)
    expect(amendment).to_contain_text("line 1 quantity: 50 \u2192 60")
    expect(page.locator("#po-facts")).to_contain_text("150.00 EUR")
    with page.expect_download() as got:
        page.get_by_role("button", name="Download CSV").click()
    csv_text = Path(got.value.path()).read_text(encoding="utf-8")
    assert item["sku"] in csv_text and "60" in csv_text, csv_text
    po_id = int(page.locator("#po-detail").get_attribute("data-po-id"))
    po = sup.call("GET", f"/purchase-orders/{po_id}")
    assert (po["state"], po["lines"][0]["ordered"], po["value"]) == ("sent", 60, "150.00")
    assert po["revision"] >= 1
    page.screenshot(path=str(SHOTS / "console-po-actions.png"), full_page=True)
    axe.check(page, "console purchase order actions")
    violations += _csp(page)

    # 3. The supplier's performance: last month's delivery came late, this month's on time,
    #    both in full; the chart draws one point per month with lines for each rate.
    page.goto(f"{demo_server}/console/suppliers/{supplier['id']}")
    points = page.locator("#trend-chart svg .chart-point")
    expect(points).to_have_count(4, timeout=WAIT_MS)
    svg = page.locator("#trend-chart svg")
    assert svg.get_attribute("role") == "img"
    assert "On time in full" in svg.locator("title").first.text_content()
    assert "fill rate" in (svg.locator("desc").text_content() or "")
    assert page.locator("#trend-chart svg polyline").count() == 2  # two months in a row
    rows = page.locator("#trend-chart table tbody tr")
    expect(rows).to_have_count(12)
    this_month = rows.nth(11)
    expect(this_month.locator("th")).to_have_text(today.strftime("%Y-%m"))
    expect(this_month.locator("td").nth(0)).to_have_text("100.0%")
    expect(this_month.locator("td").nth(1)).to_have_text("100.0%")
    last_month = rows.nth(10)
    expect(last_month.locator("td").nth(0)).to_have_text("0.0%")
    expect(last_month.locator("td").nth(1)).to_have_text("100.0%")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("\u2013")  # no line: no rate, not 0
    expect(page.locator("#lines-chart svg rect.chart-point")).to_have_count(12)
    expect(page.locator("#perf-figures")).to_contain_text("50.0%")  # OTIF over both lines
    expect(page.locator("#judged-table tbody tr")).to_have_count(2)
    items_table = page.locator("#items-table tbody")
    expect(items_table).to_contain_text(item["sku"])
    expect(page.locator("#policies-table tbody")).to_contain_text("min max")
    page.screenshot(path=str(SHOTS / "console-supplier.png"), full_page=True)
    axe.check(page, "console supplier")
    violations += _csp(page)

    # 4. Replenishment: a pick face set below its min raises a task from reserve; cancel it.
    _reserve_bin(manager, history["id"], 40, "storage")
    face_bin = _reserve_bin(manager, history["id"], 0, "pick_face")
    page.goto(f"{demo_server}/console/replenishment")
    page.locator("#warehouse option[value=WH1]").wait_for(state="attached")
    page.select_option("#warehouse", "WH1")
    page.fill("#face-bin", face_bin)
    page.fill("#face-sku", history["sku"])
    page.fill("#face-min", "5")
    page.fill("#face-max", "20")
    page.get_by_role("button", name="Save pick face").click()
    expect(page.locator("#face-result")).to_contain_text(f"Saved {face_bin}", timeout=WAIT_MS)
    face_row = page.locator("#faces-table tbody tr", has_text=face_bin)
    expect(face_row).to_contain_text(history["sku"])
    expect(page.locator("#low-faces-table tbody tr", has_text=face_bin)).to_have_count(1)
    task_row = page.locator("#tasks-table tbody tr", has_text=face_bin)
    expect(task_row).to_contain_text("open", timeout=WAIT_MS)
    page.screenshot(path=str(SHOTS / "console-replenishment.png"), full_page=True)
    axe.check(page, "console replenishment")
    task_row.get_by_role("button", name="Cancel task").click()
    expect(page.locator("#tasks-result")).to_contain_text("cancelled", timeout=WAIT_MS)
    expect(page.locator("#tasks-table tbody tr", has_text=face_bin)).to_have_count(0)
    violations += _csp(page)

    page.goto(f"{demo_server}/console/suppliers")
    page.fill("#supplier-q", supplier["code"])
    page.get_by_role("button", name="Search").click()
    listed = page.locator(f"#list-table tr[data-supplier='{supplier['code']}']")
    expect(listed).to_contain_text("50.0%", timeout=WAIT_MS)
    axe.check(page, "console suppliers")
    violations += _csp(page)

    context.close()
    assert errors == [] and violations == [], errors + violations
    assert not axe.problems, "\n".join(axe.report())


def test_the_chart_module_draws_what_it_is_given(demo_server, browser):
    """console_chart.js in a real page: a line chart of 3 months with one missing, and a bar
    chart: the SVG's name and description, one marker per value, a gap for the missing one,
    and a table with every month."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(demo_server + "/")
    drawn = page.evaluate(
        """async () => {
             const chart = await import('/console/static/console_chart.js');
             const host = document.createElement('div');
             document.body.appendChild(host);
             chart.lineChart(host, {
               title: 'Rates', description: 'Three months', xLabel: 'Month', yLabel: 'Rate',
               categories: ['2024-01', '2024-02', '2024-03'],
               series: [{name: 'A', values: [0.5, null, 1]}, {name: 'B', values: [1, 1, 1]}],
               min: 0, max: 1, format: v => Math.round(v * 100) + '%'});
             const bars = document.createElement('div');
             document.body.appendChild(bars);
             chart.barChart(bars, {title: 'Lines', categories: ['x', 'y'],
               series: [{name: 'n', values: [2, 0]}], integer: true});
             const svg = host.querySelector('svg');
             const labelled = svg.getAttribute('aria-labelledby').split(' ')
               .map(id => document.getElementById(id).textContent);
             return {
               labelled,
               circles: host.querySelectorAll('circle.chart-point').length,
               squares: host.querySelectorAll('rect.chart-point').length,
               lines: host.querySelectorAll('polyline').length,
               legend: host.querySelectorAll('.chart-legend li').length,
               rows: [...host.querySelectorAll('tbody tr')].map(tr => tr.innerText.split('\\t')),
               ticks: [...host.querySelectorAll('.chart-grid text')].map(t => t.textContent),
               bars: bars.querySelectorAll('rect.chart-point').length,
               barTicks: [...bars.querySelectorAll('.chart-grid text')].map(t => t.textContent),
             };
           }"""
    )
    assert drawn["labelled"] == ["Rates", "Three months"]
    assert (drawn["circles"], drawn["squares"]) == (2, 3)  # A: no marker for February
    assert drawn["lines"] == 1  # A's gap leaves single points; B is one line
    assert drawn["legend"] == 2
    assert [r[0] for r in drawn["rows"]] == ["2024-01", "2024-02", "2024-03"]
    assert drawn["rows"][1][1:] == ["\u2013", "100%"]
    assert drawn["ticks"] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert drawn["bars"] == 2  # a 0 is still a (flat) bar: a value, unlike a missing one
    assert drawn["barTicks"] == ["0", "1", "2"]
    assert errors == []
    page.close()
