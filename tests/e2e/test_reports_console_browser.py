"""The KPI dashboards in the browser (issue 14): each role signs in at /console/dashboards
and sees only the dashboards reporting/dashboards.py gives it, as tabs, with charts drawn
(a screenshot per role in build/screenshots/dashboards-<role>.png); a week of the shrink
trend drills down to the records behind it, whose SKU opens the item's page; a figure's
CSV link downloads text/csv; a worker is told the dashboards are not theirs and has no
Dashboards entry. A shrink pattern (repeated small losses) drills down to the losses behind
it, is acknowledged there with a note, and shows as acknowledged on the dashboard; one of
its losses opens that day's movements in the item's history, and from there the movement's
drill-down (who posted it, the source, the approvals). Every page runs under the strict CSP
without a violation or a script error.

The tests plant their own figures through the API (a new item received into a new bin of
WH1 and 2 of it scrapped; another bin found a unit short on three days of one week), so
they do not lean on what the demo seeds; figures whose runners do not exist yet show "not
recorded yet" and are only required to load."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from scanfloor.reporting.dashboards import ROLE_DASHBOARDS
from scanfloor.seed.demo import DEMO_USERS

from .scanner_support import DemoApi

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
pytestmark = pytest.mark.timeout(300)
WAIT_MS = 30_000
# The demo's logins (seed/demo.py), the first of each role that reads dashboards.
PASSWORDS = {u.username: u.password for u in DEMO_USERS}
USERS = {
    role: next(u.username for u in DEMO_USERS if u.role == role)
    for role in ("supervisor", "manager", "finance", "admin")
}
TAB_TITLES = {"operations": "Operations", "purchasing": "Purchasing", "finance": "Finance",
              "executive": "Executive"}  # fmt: skip
# Installed before any page script runs: every CSP violation the page reports is kept.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""
CARDS_LOADED = """() => {
  const cards = [...document.querySelectorAll('.tab-panel:not([hidden]) .kpi-card')];
  return cards.length > 0 && cards.every((c) => c.dataset.loaded === 'true');
}"""


def _post(api: DemoApi, path: str, body: dict[str, Any]) -> Any:
    headers = {**api.headers, "Idempotency-Key": uuid.uuid4().hex}
    r = requests.post(api.url + path, json=body, headers=headers, timeout=30)
    assert r.status_code < 300, f"POST {path}: {r.status_code} {r.text}"
    return r.json()


def _scrapped_item(demo_server: str) -> dict[str, Any]:
    """A new item: 5 received at 3.00 into a new bin of zone WH1-A, then 2 scrapped there
    (the shrink trend's scrap: 2 units, 2 x 3.00 = 6.00 this week)."""
    api = DemoApi(demo_server)
    tag = uuid.uuid4().hex[:6].upper()
    # Under a zone, not the warehouse itself: a location takes its warehouse from its
    # parent, and the demo's seeded warehouse row does not name itself as one.
    zone = next(z for z in api.call("GET", "/locations", level="zone", limit=200)["locations"]
                if z["code"] == "WH1-A")  # fmt: skip
    spot = {"code": f"RPT-{tag}", "type": "storage", "parent_id": zone["id"]}
    bin_ = _post(api, "/locations", spot)
    item = _post(api, "/items", {"sku": f"RPT-{tag}", "name": f"Report lamp {tag}"})
    receipt = {"item_id": item["id"], "quantity": 5, "from_location": "VENDOR",
               "to_location": bin_["code"], "unit_cost": "3.00"}  # fmt: skip
    _post(api, "/movements", {"type": "receipt", "lines": [receipt]})
    scrap = {"item_id": item["id"], "quantity": 2, "from_location": bin_["code"],
             "to_location": "SCRAP", "reason_code": "damaged"}  # fmt: skip
    _post(api, "/movements", {"type": "scrap", "lines": [scrap]})
    return dict(item)


def _shrink_pattern(demo_server: str) -> dict[str, Any]:
    """A new item: 10 received into a new bin of zone WH1-A, then found a unit short there
    on three days of the last week (adjustments to INV-ADJ, each dated on its day): a
    repeated-small-losses flag of its own."""
    api = DemoApi(demo_server)
    tag = uuid.uuid4().hex[:6].upper()
    zone = next(z for z in api.call("GET", "/locations", level="zone", limit=200)["locations"]
                if z["code"] == "WH1-A")  # fmt: skip
    bin_ = _post(api, "/locations", {"code": f"PAT-{tag}", "type": "storage",
                                     "parent_id": zone["id"]})  # fmt: skip
    item = _post(api, "/items", {"sku": f"PAT-{tag}", "name": f"Pattern mug {tag}"})
    receipt = {"item_id": item["id"], "quantity": 10, "from_location": "VENDOR",
               "to_location": bin_["code"], "unit_cost": "2.00"}  # fmt: skip

    def day(ago: int) -> str:
        return (datetime.now(UTC) - timedelta(days=ago)).isoformat()

    _post(api, "/movements", {"type": "receipt", "lines": [receipt], "occurred_at": day(6)})
    for ago in (5, 3, 1):
        short = {"item_id": item["id"], "quantity": 1, "from_location": bin_["code"],
                 "to_location": "INV-ADJ", "reason_code": "missing"}  # fmt: skip
        _post(api, "/movements", {"type": "adjustment", "lines": [short], "occurred_at": day(ago),
                                  "device_id": "DESK-E2E"})  # fmt: skip
    return {"item": item, "bin": bin_["code"]}


class Watch:
    """A page's CSP violations and script errors, over every page it opens."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def take(self) -> None:
        self.errors += [f"{self.page.url}: {v}" for v in self.page.evaluate("window.__csp || []")]


def _sign_in(page: Any, base: str, username: str, path: str = "/console/dashboards") -> None:
    page.goto(base + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)


def _panel(page: Any) -> Any:
    page.wait_for_function(CARDS_LOADED, timeout=WAIT_MS)
    return page.locator(".tab-panel:not([hidden])")


@pytest.fixture(scope="module")
def context(browser: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    ctx.add_init_script(WATCH_CSP)
    yield ctx
    ctx.close()


def test_each_role_sees_only_its_dashboards_with_charts(demo_server, context):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for role, username in USERS.items():
        page = context.new_page()
        watch = Watch(page)
        _sign_in(page, demo_server, username)
        expect(page.locator("nav.topnav a", has_text="Dashboards")).to_be_visible()
        tabs = page.get_by_role("tab")
        expected = [TAB_TITLES[b] for b in ROLE_DASHBOARDS[role]]
        expect(tabs).to_have_text(expected, timeout=WAIT_MS)
        expect(tabs.first).to_have_attribute("aria-selected", "true")
        panel = _panel(page)
        # At least one chart drawn, named for a screen reader, with the report's table.
        chart = panel.get_by_role("img").first
        expect(chart).to_be_visible()
        assert chart.get_attribute("aria-labelledby")
        assert panel.locator("table.kpi-table").count() >= 1
        page.screenshot(path=str(SHOTS / f"dashboards-{role}.png"), full_page=True)
        if len(expected) > 1:
            # The keyboard moves between the tabs: End opens the last dashboard, drawn too.
            tabs.first.focus()
            page.keyboard.press("End")
            expect(tabs.last).to_have_attribute("aria-selected", "true")
            expect(tabs.last).to_be_focused()
            expect(_panel(page).get_by_role("img").first).to_be_visible()
        watch.take()
        page.close()
        assert watch.errors == [], watch.errors


def test_a_week_of_shrink_drills_down_to_its_records_and_the_csv_is_text_csv(demo_server, context):
    item = _scrapped_item(demo_server)
    sku = item["sku"]
    week = "{}-W{:02d}".format(*datetime.now(UTC).isocalendar()[:2])
    page = context.new_page()
    watch = Watch(page)
    _sign_in(page, demo_server, USERS["finance"])
    _panel(page)
    card = page.locator("#kpi-finance-adjustment_trend")
    expect(card.get_by_role("img")).to_be_visible()

    # The "?" shows the definition, from the rule's docstring.
    help_button = card.get_by_role("button", name="What Adjustment and shrink trend means")
    help_button.click()
    expect(help_button).to_have_attribute("aria-expanded", "true")
    expect(card.locator(".kpi-help")).to_contain_text("week")

    # Per item: the planted item's row this week scrapped 2 units worth 6.00.
    card.get_by_label("Break down by").select_option("item")
    row = card.locator("table.kpi-table tbody tr").filter(has_text=sku).filter(has_text=week)
    expect(row).to_have_count(1, timeout=WAIT_MS)
    expect(row.locator("td").nth(5)).to_have_text("2")  # units scrapped
    expect(row.locator("td").nth(6)).to_have_text("6.00")  # scrapped (value)

    # The CSV of the same view: text/csv, a header row, the item's week in it.
    csv_link = card.get_by_role("link", name="Download Adjustment and shrink trend as CSV")
    with (
        page.expect_response(lambda r: "/reports/kpis/adjustment_trend/csv" in r.url) as got,
        page.expect_download() as download,
    ):
        csv_link.click()
    assert got.value.headers["content-type"].startswith("text/csv"), got.value.headers
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    mine = [r for r in rows if r["group"] == sku and r["week"] == week]
    assert len(mine) == 1 and mine[0]["scrapped_units"] == "2", rows

    # The row drills down to the one scrap behind it, dated this week.
    row.get_by_role("link", name=f"{sku}, {week}: the records behind").click()
    expect(page.locator("#records-of")).to_have_text(
        f"Records behind Adjustment and shrink trend: {sku}", timeout=WAIT_MS
    )
    records = page.locator("#records-table tbody tr")
    expect(records).to_have_count(1, timeout=WAIT_MS)
    expect(records.first).to_contain_text("scrap")
    expect(records.first).to_contain_text("-2")
    expect(page.locator("#records-status")).to_have_text("1 record.")
    watch.take()

    # Its SKU opens the item's page; back on the dashboards, the same tab and dates.
    records.first.get_by_role("link", name=sku).click()
    expect(page.locator("#item-title")).to_contain_text(sku, timeout=WAIT_MS)
    page.go_back()
    page.get_by_role("link", name="Back to the dashboards").click()
    expect(page.get_by_role("tab", name="Finance")).to_have_attribute("aria-selected", "true")
    _panel(page)
    watch.take()
    page.close()
    assert watch.errors == [], watch.errors


def test_a_shrink_pattern_drills_down_is_acknowledged_and_its_loss_opens_its_movement(
    demo_server, context
):
    planted = _shrink_pattern(demo_server)
    code, sku = planted["bin"], planted["item"]["sku"]
    page = context.new_page()
    watch = Watch(page)
    _sign_in(page, demo_server, USERS["supervisor"])
    _panel(page)

    # The flag's row on the operations dashboard drills down to the three losses behind it.
    card = page.locator("#kpi-operations-repeated_small_losses")
    row = card.locator("table.kpi-table tbody tr").filter(has_text=code)
    expect(row).to_have_count(1, timeout=WAIT_MS)
    row.get_by_role("link", name=f"{code}: the records behind").click()
    records = page.locator("#records-table tbody tr")
    expect(records).to_have_count(3, timeout=WAIT_MS)
    expect(records.first).to_contain_text(sku)

    # The flag heads the page: not acknowledged yet, so a supervisor acknowledges it with a
    # note (a blank one is refused before it is sent).
    flag = page.locator("#flags-list section.flag")
    expect(flag).to_have_count(1, timeout=WAIT_MS)
    expect(flag.locator("h3")).to_contain_text(f"location {code}: repeated small losses")
    flag.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#flags-status")).to_contain_text("needs a note")
    flag.get_by_label("What you found").fill("Recounted: the shelf edge breaks mugs")
    with page.expect_response(lambda r: "/reports/anomalies/acks" in r.url) as acked:
        flag.get_by_role("button", name="Acknowledge").click()
    assert acked.value.status == 201, acked.value.text()
    expect(flag.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(flag).to_contain_text("Recounted: the shelf edge breaks mugs")
    expect(flag).to_contain_text(USERS["supervisor"])
    watch.take()

    # Back on the dashboard the row says who acknowledged it.
    page.get_by_role("link", name="Back to the dashboards").click()
    row = _panel(page).locator("#kpi-operations-repeated_small_losses table.kpi-table tbody tr")
    expect(row.filter(has_text=code)).to_contain_text("Recounted: the shelf edge breaks mugs")

    # One of the losses behind the flag: its day's movements (the record's "Movements"
    # link narrows the item's history to that day, location and kind), then its drill-down.
    row.filter(has_text=code).get_by_role("link", name=f"{code}: the records behind").click()
    expect(records).to_have_count(3, timeout=WAIT_MS)
    records.first.get_by_role("link", name="Movements").click()
    history = page.locator("#history-table tbody tr")
    expect(history).to_have_count(1, timeout=WAIT_MS)  # that day's loss, nothing else
    expect(page.locator("#history-narrowed")).to_contain_text("adjustment movements")
    expect(page.locator("#history-title")).to_contain_text(sku)
    loss = history.filter(has_text="adjustment").first
    moved = loss.locator("td").first.inner_text()
    loss.get_by_role("link", name=moved).click()
    expect(page.locator("#movement-title")).to_have_text(f"Movement {moved}: adjustment",
                                                         timeout=WAIT_MS)  # fmt: skip
    expect(page.locator("#what-facts")).to_contain_text(code)
    expect(page.locator("#who-facts")).to_contain_text("manager")  # the API posted as manager
    expect(page.locator("#who-facts")).to_contain_text("DESK-E2E")
    expect(page.locator("#source-facts")).to_contain_text("Manual posting")
    expect(page.locator("#approvals-table tbody tr")).to_contain_text("Posted by hand")
    expect(page.locator("#reversal-facts")).to_contain_text("Not reversed")
    page.get_by_role("link", name=f"The whole history of {sku}").click()
    expect(page.locator("#history-table tbody tr")).to_have_count(4, timeout=WAIT_MS)
    watch.take()
    page.close()
    assert watch.errors == [], watch.errors


def test_a_worker_is_told_the_dashboards_are_not_theirs(demo_server, context):
    page = context.new_page()
    watch = Watch(page)
    _sign_in(page, demo_server, "worker1")
    expect(page.locator("#reports-denied")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#reports-main")).to_be_hidden()
    expect(page.locator("nav.topnav a", has_text="Dashboards")).to_be_hidden()
    watch.take()
    page.close()
    assert watch.errors == [], watch.errors
