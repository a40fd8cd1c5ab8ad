"""A manager finds an order captured from a channel on the console's orders page, with its
status, and opens it."""

from __future__ import annotations

from pathlib import Path

import requests
from playwright.sync_api import expect

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def test_manager_sees_a_channel_order_and_its_status_on_the_orders_page(demo_server, browser):
    token = requests.post(
        demo_server + "/api/v1/auth/token",
        json={"username": "manager", "password": "demo"},
        timeout=10,
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    r = requests.post(
        demo_server + "/api/v1/channels",
        json={"code": "E2E-WEB", "kind": "web", "name": "E2E web shop", "warehouses": ["WH1"]},
        headers=headers,
        timeout=10,
    )
    assert r.status_code == 201, r.text
    r = requests.post(
        demo_server + "/api/v1/orders",
        json={
            "channel": "E2E-WEB",
            "external_id": "E2E-ORDER-1",
            "lines": [{"sku": "GRO-1001", "quantity": 1}],
        },
        headers=headers,
        timeout=10,
    )
    assert r.status_code == 201, r.text
    status = r.json()["status"].replace("_", " ")

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(demo_server + "/console/orders")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)

    page.fill("#external-id", "E2E-ORDER-1")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#orders-table tbody tr", has_text="E2E-ORDER-1")
    row.wait_for(timeout=10_000)
    # The unfiltered list may show first (other tests' orders too): wait for the search's.
    expect(page.locator("#orders-table tbody tr")).to_have_count(1, timeout=10_000)
    assert "E2E-WEB" in row.inner_text() and status in row.inner_text()
    page.screenshot(path=str(SHOTS / "console-orders.png"), full_page=True)

    row.get_by_role("link").click()
    page.locator("#lines-table tbody tr", has_text="GRO-1001").wait_for(timeout=10_000)
    assert page.inner_text("#order-status") == status
    assert page.locator("#events-table tbody tr").count() >= 1
    assert page.get_by_role("alert").is_hidden()

    page.goto(demo_server + "/console/channels")
    page.locator("#channels-table tbody tr", has_text="E2E-WEB").wait_for(timeout=10_000)
    page.fill("#ats-sku", "GRO-1001")
    page.get_by_role("button", name="Show").click()
    page.locator("#ats-table tbody tr", has_text="E2E-WEB").wait_for(timeout=10_000)
    page.screenshot(path=str(SHOTS / "console-channels.png"), full_page=True)
    assert errors == []
    page.close()
