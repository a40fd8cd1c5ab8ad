"""A manager in a real browser: add a supplier, create a purchase order, open it."""

from __future__ import annotations

from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def test_manager_creates_and_opens_a_purchase_order_in_the_console(demo_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(demo_server + "/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)

    page.goto(demo_server + "/console/purchase-orders")
    page.fill("#sup-code", "E2E-SUP")
    page.fill("#sup-name", "End to end supplies")
    page.fill("#sup-tol", "5")
    page.get_by_role("button", name="Add supplier").click()
    page.get_by_text("Supplier E2E-SUP added").wait_for(timeout=10_000)

    page.fill("#new-number", "PO-E2E-1")
    page.fill("#new-supplier", "E2E-SUP")
    page.fill("#new-lines", "GRO-1001,24,4.25\nGRO-1002,6,1.10")
    page.get_by_role("button", name="Create draft").click()
    page.get_by_role("heading", name="PO-E2E-1 \u2014 draft").wait_for(timeout=10_000)
    assert "4.25" in page.inner_text("#lines-table")

    page.get_by_role("button", name="Open for receiving").click()
    page.get_by_role("heading", name="PO-E2E-1 \u2014 open").wait_for(timeout=10_000)
    page.screenshot(path=str(SHOTS / "console-purchase-order.png"), full_page=True)

    page.goto(demo_server + "/console/purchase-orders")
    page.get_by_role("link", name="PO-E2E-1").wait_for(timeout=10_000)
    page.close()
