"""A back-office user in a real browser: sign in, find an item, read its stock."""

from __future__ import annotations

from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def test_manager_signs_in_finds_an_item_and_sees_its_stock(demo_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(demo_server + "/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "wrong")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=10_000)
    assert alert.inner_text().strip()

    page.fill("input[name=password]", "demo")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)
    page.locator("input[name=q]").fill("GRO-100")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="GRO-1001").click()
    page.get_by_text("On hand (physical locations)").wait_for(timeout=10_000)
    page.get_by_text("Recent movements").wait_for(timeout=10_000)
    # The headings are in the page from the start; wait for the rows the API fills in.
    page.locator("#balances-table tbody tr").first.wait_for(timeout=10_000)
    page.locator("#movements-table tbody tr").first.wait_for(timeout=10_000)
    body = page.inner_text("body")
    assert "VENDOR" in body and "receipt" in body
    page.screenshot(path=str(SHOTS / "console-item.png"), full_page=True)
    page.close()


def test_signed_out_visitor_sees_only_the_sign_in_form(demo_server, browser):
    page = browser.new_page()
    page.goto(demo_server + "/")
    assert page.locator("input[name=username]").is_visible()
    assert not page.locator("input[name=q]").is_visible()
    page.close()
