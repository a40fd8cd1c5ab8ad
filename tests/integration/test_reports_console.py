"""The dashboards' console pages (/console/dashboards and a figure's records) are public
shells: no data, no inline script or style (the CSP refuses them), every asset their own
and served, the ES modules named by versioned URLs; their scripts ask the reports API for
everything, and the navigation offers Dashboards to supervisors and above and finance.
What the pages do in a browser is in tests/e2e/test_reports_console_browser.py."""

from __future__ import annotations

import re

from tests.console_shells import (
    assert_assets_served,
    assert_nothing_inline_or_foreign,
    assert_scripts_call,
    assert_shells,
)

SHARED = ["console_buying.js", "console_finance.js"]
PAGES = {
    "/console/dashboards": [*SHARED, "console_reports_card.js", "console_reports.js"],
    "/console/dashboards/adjustment_trend/records": [*SHARED, "console_reports_records.js"],
}
CALLS = {
    "/console/dashboards": ["/reports/kpis", "/csv", "/channels"],
    "/console/dashboards/adjustment_trend/records": ["/reports/kpis", "/records", "/items"],
}
MODULES = r'data-(?:chart|rules)-module="([^"]+)"'


def test_every_dashboard_page_is_a_shell_with_its_own_scripts(client):
    assert_shells(client, PAGES)


def test_no_dashboard_page_has_an_inline_script_or_style(client):
    assert_nothing_inline_or_foreign(client, PAGES)


def test_every_asset_of_the_dashboard_pages_is_served_with_its_modules_versioned(client):
    assert_assets_served(client, PAGES, MODULES)
    html = client.get("/console/dashboards").get_data(as_text=True)
    modules = re.findall(MODULES, html)
    assert len(modules) == 2 and all("?v=" in m for m in modules), modules
    rules = client.get(modules[1].replace("&amp;", "&")).get_data(as_text=True)
    assert "export function chartPlan" in rules and "document." not in rules  # node tests it


def test_the_pages_scripts_ask_the_reports_api_for_everything(client):
    assert_scripts_call(client, CALLS)


def test_the_navigation_offers_dashboards_to_supervisors_and_above_and_finance(client):
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="topnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav
    entry = re.search(r'<a href="/console/dashboards"([^>]*)>Dashboards</a>', nav.group(1))
    assert entry and 'data-min-role="supervisor" data-also-roles="finance"' in entry.group(1)
