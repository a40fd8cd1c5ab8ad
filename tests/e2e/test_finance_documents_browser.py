"""Supplier invoices and landed costs in the browser, on a phone's width (412 px): a manager
reads the approval queue without an Approve or Reject button and without the entry form
(finance decides: docs/decisions/0026); the admin who entered the invoice finds it waiting
(its price is off the order's) with the reason on its line, and is refused approving it
(the API's own words on the page); the finance user approves it: it leaves the queue and
shows posted, with its journal entry and the receipt it cleared. Finance enters another
invoice on the page and adds a freight charge against the receipt, whose spread shows per
receipt movement (units, share, on hand).

The test runs its own server (fresh SQLite, FIFO, a manager, an admin and a finance user),
not the shared demo. Every page runs under the strict CSP without a violation, passes axe
and does not scroll sideways."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .axe_support import PHONE_SIZE, AxeAudit, small_controls
from .conftest import BIN, base_env, free_port, run_cli, serving
from .test_finance_console_browser import PASSWORD, WATCH_CSP, As, _csp, _sign_in

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
pytestmark = pytest.mark.timeout(300)
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def documents_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own: a fresh database, FIFO, a manager, an admin and a finance user
    (password PASSWORD)."""
    path = tmp_path_factory.mktemp("documents") / "documents.db"
    env = base_env(
        DATABASE_URL=f"sqlite:///{path}", SCANFLOOR_MODE="demo", SCANFLOOR_COST_METHOD="fifo"
    )
    assert run_cli("db", "upgrade", "heads", env=env).returncode == 0
    for name, role in (("dmanager", "manager"), ("dadmin", "admin"), ("dfinance", "finance")):
        made = run_cli("users", "create", name, "--role", role, "--password", PASSWORD,
                       env=env)  # fmt: skip
        assert made.returncode == 0, made.stderr
    port = free_port()
    with serving([str(BIN / "scanfloor"), "serve", "--port", str(port)], env, port) as url:
        yield url


def _received(manager: As, tag: str) -> dict[str, Any]:
    """A supplier's PO of 10 @ 2.50 received in full at a dock: the PO and the receipt id."""
    wh = manager.call("POST", "/locations", {"code": f"DWH{tag}", "type": "warehouse"})
    dock = manager.call(
        "POST", "/locations", {"code": f"DD{tag}", "type": "dock", "parent_id": wh["id"]}
    )
    item = manager.call("POST", "/items", {"sku": f"INV-{tag}", "name": f"Brass lamp {tag}"})
    supplier = manager.call("POST", "/suppliers", {"code": f"S{tag}", "name": f"Supplier {tag}"})
    po = manager.call("POST", "/purchase-orders", {
        "number": f"PO-{tag}", "supplier": supplier["code"], "warehouse": wh["code"],
        "lines": [{"item_id": item["id"], "quantity": 10, "unit_cost": "2.50"}],
    })  # fmt: skip
    po = manager.call("POST", f"/purchase-orders/{po['id']}/open")
    got = manager.call("POST", f"/purchase-orders/{po['id']}/receive", {
        "line_id": po["lines"][0]["id"], "quantity": 10, "to_location": dock["code"],
        "client_scan_id": uuid.uuid4().hex,
    })  # fmt: skip
    return {"po": po, "supplier": supplier, "item": item,
            "receipt": got["receipt_line"]["receipt_id"]}  # fmt: skip


def test_a_held_invoice_is_approved_by_finance_and_a_charge_is_spread(documents_server, browser):
    base = documents_server
    tag = uuid.uuid4().hex[:6].upper()
    manager, admin = As(base, "dmanager"), As(base, "dadmin")
    bought = _received(manager, tag)
    today = datetime.now(UTC).date().isoformat()
    number = f"INV-{tag}"
    refused = manager.send("POST", "/finance/invoices", {"supplier": "X"})
    assert refused.status_code == 403, refused.text  # a manager reads finance, no more
    held = admin.call("POST", "/finance/invoices", {
        "supplier": bought["supplier"]["code"], "number": number, "invoice_date": today,
        "lines": [{"po_line_id": bought["po"]["lines"][0]["id"], "quantity": 10,
                   "unit_price": "3.00"}],
    })  # fmt: skip
    assert held["status"] == "held", held
    SHOTS.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(viewport=PHONE_SIZE)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors: list[str] = []
    violations: list[str] = []
    problems: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    axe = AxeAudit()

    def check(where: str) -> None:
        axe.check(page, where)
        if page.evaluate("document.scrollingElement.scrollWidth") > PHONE_SIZE["width"]:
            problems.append(f"{where}: the page scrolls sideways")
        problems.extend(f"{where}: under 24x24 px: {c}" for c in small_controls(page, 24))
        violations.extend(_csp(page))

    # 0. A manager reads the queue: the invoice and why, no button, no entry form.
    page.goto(base + "/console/invoices")
    _sign_in(page, "dmanager")
    row = page.locator(f"#queue-table tbody tr[data-number='{number}']")
    expect(row).to_contain_text("Price 3.00 against 2.500000 ordered", timeout=WAIT_MS)
    expect(row.get_by_role("button")).to_have_count(0)
    expect(page.locator("#po-form")).to_be_hidden()
    expect(page.locator("#finance-readonly")).to_be_visible()
    check("console invoices as a manager @phone")

    # 1. The one who entered it sees it waiting, with why its line does not match, and is
    #    refused approving it: the page says so in the API's words.
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, "dadmin")
    expect(row).to_contain_text(bought["supplier"]["code"], timeout=WAIT_MS)
    expect(row).to_contain_text("30.00")
    expect(row).to_contain_text("Price 3.00 against 2.500000 ordered")
    expect(row).to_contain_text("you (user")
    check("console invoices @phone")
    row.get_by_role("button", name=f"Approve invoice {number}").click()
    expect(page.locator("#queue-result")).to_contain_text(
        f"Invoice {number} was not approved", timeout=WAIT_MS
    )
    expect(page.locator("#error")).to_be_visible()
    refused = admin.send("POST", f"/finance/invoices/{held['id']}/approve", {})
    assert refused.status_code == 403, refused.text
    expect(page.locator("#queue-result")).to_contain_text(refused.json()["error"]["message"])
    expect(row).to_be_visible()

    # 2. Finance approves it: it leaves the queue and is posted, with its entry.
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, "dfinance")
    expect(page.locator("#finance-readonly")).to_be_hidden()
    row.get_by_role("button", name=f"Approve invoice {number}").click()
    expect(page.locator("#queue-result")).to_have_text(
        f"Approved invoice {number}: posted.", timeout=WAIT_MS
    )
    expect(row).to_have_count(0)
    posted = page.locator(f"#done-table tbody tr[data-invoice='{held['id']}']")
    expect(posted).to_contain_text("posted", timeout=WAIT_MS)
    expect(posted).to_contain_text("Entry ")
    page.screenshot(path=str(SHOTS / "console-invoices.png"), full_page=True)

    # 3. Its detail: the line (a price mismatch, approved), the receipt it cleared.
    posted.get_by_role("link", name=number).click()
    expect(page.locator("#detail-title")).to_have_text(
        f"Invoice {number} of {bought['supplier']['code']}", timeout=WAIT_MS
    )
    expect(page.locator("#detail-lines tbody tr")).to_contain_text("price")
    cleared = page.locator("#cleared-table tbody tr")
    expect(cleared).to_have_count(1, timeout=WAIT_MS)
    expect(cleared.locator("td").nth(2)).to_have_text("10")
    expect(cleared.locator("td").nth(3)).to_have_text("25.00")
    expect(cleared.locator("td").nth(4)).to_have_text("30.00")
    check("console invoice @phone")

    # 4. An invoice entered on the page against another order's lines (prefilled with what
    #    was received at the order's price): every line matches, so it posts at once.
    other = _received(manager, tag + "B")
    page.get_by_label("Purchase order number").fill(other["po"]["number"])
    page.get_by_role("button", name="Fetch its lines").click()
    expect(page.locator("#inv-supplier")).to_have_value(other["supplier"]["code"], timeout=WAIT_MS)
    expect(page.get_by_label("Units billed, line 1")).to_have_value("10")
    page.get_by_label("Invoice number").fill(f"{number}B")
    check("console invoice entry @phone")
    page.get_by_role("button", name="Enter the invoice").click()
    expect(page.locator("#enter-result")).to_have_text(
        f"Entered invoice {number}B: every line matched, posted.", timeout=WAIT_MS
    )
    expect(page.locator("#done-table tbody tr", has_text=f"{number}B")).to_contain_text("posted")

    # 5. A freight charge of 5.00 against the receipt, by units: all of it on hand.
    page.locator("nav.subnav").get_by_role("link", name="Landed costs").click()
    expect(page.locator("#charges-empty")).to_be_visible(timeout=WAIT_MS)
    check("console landed costs @phone")
    page.get_by_label("Kind").select_option("freight")
    page.get_by_label("Spread by").select_option("quantity")
    page.get_by_label("Amount").fill("5.00")
    page.get_by_label("Receipt ids").fill(str(bought["receipt"]))
    page.get_by_label("Reference").fill(f"BL-{tag}")
    page.get_by_role("button", name="Add the charge").click()
    expect(page.locator("#charge-result")).to_contain_text(
        "5.00 to stock, 0.00 to COGS", timeout=WAIT_MS
    )
    spread = page.locator("#spread-table tbody tr")
    expect(spread).to_have_count(1)
    cells = spread.locator("td")
    expect(cells.nth(0)).to_have_text(str(bought["receipt"]))
    expect(cells.nth(3)).to_have_text("10")
    expect(cells.nth(5)).to_have_text("5.00")
    expect(cells.nth(6)).to_have_text("10")
    expect(cells.nth(7)).to_have_text("5.00")
    expect(cells.nth(8)).to_have_text("0.00")
    charges = page.locator("#charges-table tbody tr")
    expect(charges).to_have_count(1)
    expect(charges).to_contain_text(f"BL-{tag}")
    page.screenshot(path=str(SHOTS / "console-landed-costs.png"), full_page=True)
    check("console landed cost spread @phone")

    context.close()
    assert errors == [] and violations == [] and problems == [], errors + violations + problems
    assert not axe.problems, "\n".join(axe.report())
