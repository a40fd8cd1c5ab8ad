"""The finance console in the browser: a finance user (the Finance entry in their
navigation) opens the valuation, drills into a FIFO item's layers and its costed movements,
follows a movement to its journal entry, reads the trial balance (balanced) and downloads it
as CSV, and closes the month; a posting dated in it is then refused until an admin reopens
it on the same page. A manager and a supervisor read the months without a Close or Reopen
button (docs/decisions/0026); a worker is told who the pages are for, and does not see the
Finance entry in the navigation.

The test runs its own server (fresh SQLite, SCANFLOOR_COST_METHOD=fifo, five users), not
the shared demo: it closes a month, which would refuse the other tests' postings. Every page
runs under the strict CSP without a violation and passes axe."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .axe_support import AxeAudit
from .conftest import BIN, base_env, free_port, run_cli, serving

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
pytestmark = pytest.mark.timeout(300)
WAIT_MS = 20_000
PASSWORD = "finance-demo-1"

# Installed before any page script runs: every CSP violation the page reports is kept.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture(scope="module")
def finance_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own: a fresh database, FIFO by default, a finance user, a manager, an
    admin, a supervisor and a worker (password PASSWORD)."""
    path = tmp_path_factory.mktemp("finance") / "finance.db"
    env = base_env(
        DATABASE_URL=f"sqlite:///{path}", SCANFLOOR_MODE="demo", SCANFLOOR_COST_METHOD="fifo"
    )
    assert run_cli("db", "upgrade", "heads", env=env).returncode == 0
    for name, role in (("ffinance", "finance"), ("fmanager", "manager"), ("fadmin", "admin"),
                       ("fsuper", "supervisor"), ("fworker", "worker")):  # fmt: skip
        made = run_cli("users", "create", name, "--role", role, "--password", PASSWORD, env=env)
        assert made.returncode == 0, made.stderr
    port = free_port()
    with serving([str(BIN / "scanfloor"), "serve", "--port", str(port)], env, port) as url:
        yield url


class As:
    """The API as one user (bearer token)."""

    def __init__(self, base: str, username: str) -> None:
        self.url = base + "/api/v1"
        r = requests.post(
            self.url + "/auth/token", json={"username": username, "password": PASSWORD}, timeout=10
        )
        assert r.status_code == 200, r.text
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}

    def send(self, method: str, path: str, body: Any = None) -> requests.Response:
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        return requests.request(method, self.url + path, json=body, headers=headers, timeout=60)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        r = self.send(method, path, body)
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text}"
        return r.json()


def _stock(manager: As, tag: str) -> dict[str, Any]:
    """A warehouse with a bin, an item received 8 @ 10.00 and 4 @ 16.00, 10 scrapped: FIFO
    scraps 8 x 10 + 2 x 16 = 112.00 and leaves 2 @ 16 = 32.00 (Odoo's worked example)."""
    wh = manager.call("POST", "/locations", {"code": f"FWH{tag}", "type": "warehouse"})
    bin_ = manager.call(
        "POST", "/locations", {"code": f"FB{tag}", "type": "storage", "parent_id": wh["id"]}
    )
    item = manager.call("POST", "/items", {"sku": f"FIFO-{tag}", "name": f"Copper kettle {tag}"})
    for quantity, cost in ((8, "10.00"), (4, "16.00")):
        line = {"item_id": item["id"], "quantity": quantity, "from_location": "VENDOR",
                "to_location": bin_["code"], "unit_cost": cost}  # fmt: skip
        manager.call("POST", "/movements", {"type": "receipt", "lines": [line]})
    line = {"item_id": item["id"], "quantity": 10, "from_location": bin_["code"],
            "to_location": "SCRAP", "reason_code": "damaged"}  # fmt: skip
    manager.call("POST", "/movements", {"type": "scrap", "lines": [line]})
    return {"warehouse": wh, "bin": bin_, "item": item}


def _sign_in(page: Any, username: str) -> None:
    """Sign in on the page that is open (the demo users' password is not ours)."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)


def _csp(page: Any) -> list[str]:
    return [f"{page.url}: {v}" for v in page.evaluate("window.__csp || []")]


def _csv(download: Any) -> list[list[str]]:
    text = Path(download.path()).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_finance_reads_the_books_and_closes_the_month_and_the_others_only_read(
    finance_server, browser
):
    base = finance_server
    tag = uuid.uuid4().hex[:6].upper()
    manager = As(base, "fmanager")
    stock = _stock(manager, tag)
    sku, wh = stock["item"]["sku"], stock["warehouse"]["code"]
    month = datetime.now(UTC).strftime("%Y-%m")
    SHOTS.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors: list[str] = []
    violations: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    axe = AxeAudit()

    # 1. The valuation: the item's 2 units left in the warehouse, worth 32.00, FIFO.
    page.goto(base + "/console/finance")
    _sign_in(page, "ffinance")
    expect(page.locator("nav.topnav a", has_text="Finance")).to_be_visible()
    row = page.locator(f"#values-table tbody tr[data-sku='{sku}']")
    expect(row).to_contain_text(wh, timeout=WAIT_MS)
    expect(row).to_contain_text("FIFO")
    cells = row.locator("td")
    expect(cells.nth(4)).to_have_text("2")
    expect(cells.nth(5)).to_have_text("16.000000")
    expect(cells.nth(6)).to_have_text("32.00")
    # The value over time: a line of the last 30 days' closing values with its table.
    expect(page.locator("#history-chart svg[role=img]")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#history-chart table tbody tr")).to_have_count(30)
    expect(page.locator("#history-status")).to_contain_text("Value at the end of")
    page.screenshot(path=str(SHOTS / "console-finance-valuation.png"), full_page=True)
    axe.check(page, "console valuation")
    violations += _csp(page)

    # 2. Drill into the item: its layer (2 of the 4 @ 16 left) and how each movement was
    #    costed (the scrap took 112.00: 8 x 10 + 2 x 16).
    row.get_by_role("link", name=sku).click()
    expect(page.locator("#item-title")).to_contain_text(sku, timeout=WAIT_MS)
    expect(page.locator("#places-table tbody tr.chosen")).to_contain_text(wh)
    layer = page.locator("#layers-table tbody tr")
    expect(layer).to_have_count(1, timeout=WAIT_MS)
    expect(layer.locator("td").nth(3)).to_have_text("4")
    expect(layer.locator("td").nth(4)).to_have_text("2")
    expect(layer.locator("td").nth(5)).to_have_text("16.000000")
    expect(page.locator("#layers-value")).to_have_text("32.00")
    moves = page.locator("#moves-table tbody tr")
    expect(moves).to_have_count(3, timeout=WAIT_MS)
    expect(moves.first).to_contain_text("scrap")
    expect(moves.first.locator("td").nth(7)).to_have_text("112.00")
    page.screenshot(path=str(SHOTS / "console-finance-item.png"), full_page=True)
    axe.check(page, "console item valuation")
    violations += _csp(page)

    # 3. The scrap's journal entry: Dr scrap expense / Cr inventory, 112.00.
    moves.first.get_by_role("link").click()
    entry = page.locator("#entries-table tbody[data-kind=scrap]")
    expect(entry.locator("tr")).to_have_count(2, timeout=WAIT_MS)
    expect(entry.locator("tr").nth(0)).to_contain_text("5200 Scrap expense")
    expect(entry.locator("tr").nth(0)).to_contain_text("112.00")
    expect(entry.locator("tr").nth(1)).to_contain_text("1300 Inventory")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download the journal as CSV").click()
    rows = _csv(got.value)
    assert rows[0][:5] == ["entry_id", "entry_date", "period", "kind", "movement_id"], rows
    assert {r[3] for r in rows[1:]} == {"scrap"} and len(rows) == 3, rows
    axe.check(page, "console journal")
    violations += _csp(page)

    # 4. The trial balance balances: receipts 144.00 + scrap 112.00 on each side.
    page.locator("nav.subnav").get_by_role("link", name="Trial balance").click()
    expect(page.locator("#tb-status")).to_have_text(
        "Balanced: debits equal credits.", timeout=WAIT_MS
    )
    expect(page.locator("#tb-debit")).to_have_text("256.00")
    expect(page.locator("#tb-credit")).to_have_text("256.00")
    inventory = page.locator("#accounts-table tbody tr[data-account='1300']")
    expect(inventory.locator("td").nth(5)).to_have_text("32.00")  # = the valuation
    with page.expect_download() as got:
        page.get_by_role("link", name="Download the trial balance as CSV").click()
    rows = _csv(got.value)
    assert rows[0] == ["account_code", "account_name", "kind", "debit", "credit", "balance"]
    assert ["1300", "Inventory", "asset", "144.00", "112.00", "32.00"] in rows
    page.screenshot(path=str(SHOTS / "console-finance-trial-balance.png"), full_page=True)
    axe.check(page, "console trial balance")
    violations += _csp(page)

    # 5. Close this month: the checks pass, the month shows closed, and a receipt dated in
    #    it is refused (409 period_closed) until an admin reopens it.
    page.locator("nav.subnav").get_by_role("link", name="Periods").click()
    current = page.locator(f"#months-table tbody tr[data-period='{month}']")
    expect(current).to_contain_text("open", timeout=WAIT_MS)
    expect(current.get_by_role("button", name=f"Reopen {month}")).to_have_count(0)
    axe.check(page, "console periods")
    current.get_by_role("button", name=f"Close {month}").click()
    expect(page.locator("#months-result")).to_have_text(f"Closed {month}.", timeout=WAIT_MS)
    expect(current).to_contain_text("closed")
    expect(current.get_by_role("button")).to_have_count(0)  # finance cannot reopen
    page.screenshot(path=str(SHOTS / "console-finance-periods.png"), full_page=True)
    violations += _csp(page)
    line = {"item_id": stock["item"]["id"], "quantity": 1, "from_location": "VENDOR",
            "to_location": stock["bin"]["code"], "unit_cost": "9.00"}  # fmt: skip
    refused = manager.send("POST", "/movements", {"type": "receipt", "lines": [line]})
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "period_closed"

    # A manager reads the months and closes none (no button on any row), told they read.
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, "fmanager")
    expect(current).to_contain_text("closed", timeout=WAIT_MS)
    expect(page.locator("#months-table tbody tr").first).to_be_visible()
    expect(page.locator("#months-table").get_by_role("button")).to_have_count(0)
    expect(page.locator("nav.topnav a", has_text="Finance")).to_be_visible()
    axe.check(page, "console periods as a manager")
    violations += _csp(page)

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, "fadmin")
    current.get_by_role("button", name=f"Reopen {month}").click()
    expect(page.locator("#months-result")).to_have_text(f"Reopened {month}.", timeout=WAIT_MS)
    expect(current).to_contain_text("open")
    assert manager.send("POST", "/movements", {"type": "receipt", "lines": [line]}).ok
    violations += _csp(page)

    # 6. A supervisor reads the months too, without a button; a worker reads none of it:
    #    the page says so, the navigation has no Finance.
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, "fsuper")
    expect(current).to_contain_text("open", timeout=WAIT_MS)
    expect(page.locator("#months-table").get_by_role("button")).to_have_count(0)
    expect(page.locator("nav.topnav a", has_text="Finance")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, "fworker")
    expect(page.locator("#finance-denied")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#months-table")).to_be_hidden()
    expect(page.locator("nav.topnav a", has_text="Finance")).to_be_hidden()
    axe.check(page, "console finance as a worker")
    violations += _csp(page)

    context.close()
    assert errors == [] and violations == [], errors + violations
    assert not axe.problems, "\n".join(axe.report())
