"""A supervisor watches the putaway queue in a real browser; a worker sees only the tasks."""

from __future__ import annotations

from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def _sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/console/putaway")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)


def test_supervisor_sees_the_docks_queue_with_ages_and_suggested_bins(demo_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, demo_server, "super")

    # The demo seeds some received stock on DOCK-01: each line is a task.
    page.locator("#tasks-table tbody tr").first.wait_for(timeout=10_000)
    assert page.locator("#docks-table tbody tr").first.inner_text().startswith("DOCK-01")
    assert int(page.inner_text("#open-tasks").replace(",", "")) > 0
    first = page.locator("#tasks-table tbody tr").first.inner_text()
    assert "DOCK-01" in first
    page.select_option("#warehouse", label="WH1 \u2014 Main warehouse")
    page.wait_for_function("document.querySelector('#refreshed').textContent !== ''")
    page.screenshot(path=str(SHOTS / "console-putaway.png"), full_page=True)
    assert errors == []
    page.close()


def test_a_worker_sees_the_tasks_but_not_the_queue_figures(demo_server, browser):
    page = browser.new_page()
    _sign_in(page, demo_server, "worker1")
    page.locator("#tasks-table tbody tr").first.wait_for(timeout=10_000)
    page.locator("#summary-denied").wait_for(state="visible", timeout=10_000)
    assert page.locator("#summary-figures").is_hidden()
    assert page.get_by_role("alert").is_hidden()
    page.close()
