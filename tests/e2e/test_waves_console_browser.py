"""A supervisor previews and releases a wave on the console, sees it with its tasks and gives
a task to a picker and back; a worker is told the page is not theirs."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .scanner_support import DemoApi

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
pytestmark = pytest.mark.timeout(180)


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/console/waves")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)


def _orders_of_a_new_channel(api: DemoApi, count: int, lines: int = 1) -> str:
    """A channel of this test's own, with `count` one-line orders for SKUs the demo stocks
    (those of some seeded web orders): other tests' orders stay out of its wave."""
    skus: list[str] = []
    for seeded in api.call("GET", "/orders", channel="WEB", status="allocated", limit=3)["orders"]:
        skus += [line["sku"] for line in api.call("GET", f"/orders/{seeded['id']}")["lines"]]
    skus = list(dict.fromkeys(skus))
    channel = f"WV-{uuid.uuid4().hex[:5].upper()}"
    api.call(
        "POST",
        "/channels",
        {"code": channel, "kind": "web", "name": "Wave test", "warehouses": ["WH1"]},
    )
    for n in range(count):
        order = api.call(
            "POST",
            "/orders",
            {
                "channel": channel,
                "external_id": f"{channel}-{n + 1}",
                "lines": [{"sku": skus[(n + k) % len(skus)], "quantity": 1} for k in range(lines)],
            },
        )
        assert order["status"] == "allocated", order
    return channel


def _user_id(base: str, username: str) -> int:
    """A user's number, as an administrator sees it (the option's value in the list)."""
    token = requests.post(
        base + "/api/v1/auth/token", json={"username": "admin", "password": "demo"}, timeout=10
    ).json()["token"]
    people = requests.get(
        base + "/api/v1/users", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    return int(next(u["id"] for u in people if u["username"] == username))


def test_supervisor_previews_releases_and_reassigns_a_wave(demo_server, browser):
    api = DemoApi(demo_server)
    channel = _orders_of_a_new_channel(api, 3)
    worker2 = _user_id(demo_server, "worker2")

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, demo_server, "super")

    page.locator("#channels option", has_text=channel).wait_for(state="attached", timeout=10_000)
    page.select_option("#warehouse", label="WH1 \u2014 Main warehouse")
    page.select_option("#mode", "cluster")
    page.select_option("#channels", channel)
    page.fill("#orders-per-picker", "2")

    # A cap the API refuses is said in words, and nothing is released.
    page.fill("#max-orders", "0")
    page.get_by_role("button", name="Release wave").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("max orders", timeout=10_000)
    expect(page.locator("#release-result")).to_have_text("Not released.")
    page.fill("#max-orders", "")

    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#pv-orders")).to_have_text("3", timeout=10_000)
    expect(page.locator("#pv-lines")).to_have_text("3")
    expect(page.locator("#pv-tasks")).to_have_text("2")
    assert int(page.inner_text("#pv-path").replace(",", "")) >= 0
    assert alert.is_hidden()
    page.screenshot(path=str(SHOTS / "console-waves-preview.png"), full_page=True)

    page.get_by_role("button", name="Release wave").click()
    result = page.locator("#release-result")
    expect(result).to_contain_text("released: 3 orders, 3 lines, 2 tasks", timeout=15_000)
    wave_id = result.inner_text().split()[1]
    row = page.locator(f"#list-table tbody tr[data-wave='{wave_id}']")
    expect(row).to_contain_text("0 / 3")
    expect(row).to_contain_text("released")
    tasks = page.locator("#tasks-table tbody tr")
    expect(tasks).to_have_count(2)
    expect(page.locator("#tasks-title")).to_contain_text(f"wave {wave_id}")

    # The supervisor chooses the picker from the warehouse's pickers (no user numbers).
    first = tasks.first
    task_id = first.get_attribute("data-task")
    first.get_by_label(f"Picker for task {task_id}").select_option(str(worker2))
    first.get_by_role("button", name=f"Reassign task {task_id}").click()
    expect(page.locator("#task-result")).to_have_text(
        f"Task {task_id} is now worker2's.", timeout=10_000
    )
    mine = page.locator(f"#tasks-table tbody tr[data-task='{task_id}']")
    expect(mine.locator("td").nth(2)).to_have_text("worker2")
    page.screenshot(path=str(SHOTS / "console-waves.png"), full_page=True)

    mine.get_by_role("button", name=f"Unassign task {task_id}").click()
    expect(page.locator("#task-result")).to_contain_text("open again", timeout=10_000)
    expect(mine.locator("td").nth(2)).to_have_text("\u2013")
    task = api.call("GET", f"/pick-tasks/{task_id}")
    assert task["assigned_to"] is None and task["status"] == "open"
    wave = api.call("GET", f"/waves/{wave_id}")
    assert wave["order_count"] == 3 and len(wave["tasks"]) == 2
    assert alert.is_hidden() and errors == []
    page.close()


def test_an_admin_chooses_the_picker_from_a_list(demo_server, browser):
    api = DemoApi(demo_server)
    channel = _orders_of_a_new_channel(api, 1, lines=2)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, demo_server, "admin")
    page.locator("#channels option", has_text=channel).wait_for(state="attached", timeout=10_000)
    page.select_option("#warehouse", label="WH1 \u2014 Main warehouse")
    page.select_option("#mode", "single")
    page.select_option("#channels", channel)
    # An order bigger than a cap is left out, and the preview says why.
    page.fill("#max-lines", "1")
    page.get_by_role("button", name="Preview").click()
    skipped = page.locator("#skipped-table tbody tr")
    expect(skipped).to_have_count(1, timeout=10_000)
    expect(skipped).to_contain_text("more lines than the wave may hold")
    expect(page.locator("#pv-orders")).to_have_text("0")
    page.fill("#max-lines", "")
    page.get_by_role("button", name="Release wave").click()
    expect(page.locator("#release-result")).to_contain_text("released: 1 order", timeout=15_000)
    task = page.locator("#tasks-table tbody tr").first
    task_id = task.get_attribute("data-task")
    task.get_by_label(f"Picker for task {task_id}").select_option(label="Wren Walker (worker1)")
    task.get_by_role("button", name=f"Reassign task {task_id}").click()
    expect(page.locator("#task-result")).to_have_text(
        f"Task {task_id} is now worker1's.", timeout=10_000
    )
    assert errors == []
    page.close()


def test_a_worker_is_told_waves_are_for_supervisors(demo_server, browser):
    page = browser.new_page()
    _sign_in(page, demo_server, "worker1")
    page.locator("#waves-denied").wait_for(state="visible", timeout=10_000)
    assert page.locator("#wave-rules").is_hidden()
    assert page.get_by_role("alert").is_hidden()
    page.close()
