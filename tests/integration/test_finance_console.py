"""The finance console pages (valuation, an item's layers, journal, trial balance, periods)
are public shells: no data, no inline script or style (the CSP refuses them), every asset
their own and served, nothing from another origin; their scripts call the finance API paths
they are built on. What the pages do in a browser is in
tests/e2e/test_finance_console_browser.py."""

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
    "/console/finance": [*SHARED, "console_valuation.js"],
    "/console/finance/items/7": [*SHARED, "console_valuation_item.js"],
    "/console/journal": [*SHARED, "console_journal.js"],
    "/console/trial-balance": [*SHARED, "console_trial_balance.js"],
    "/console/periods": [*SHARED, "console_periods.js"],
}
CALLS = {
    "/console/finance": ["/finance/valuation", "/items"],
    "/console/finance/items/7": ["/finance/valuation", "/layers", "/movements"],
    "/console/journal": ["/finance/journal", "/finance/trial-balance"],
    "/console/trial-balance": ["/finance/trial-balance"],
    "/console/periods": ["/finance/periods", "/close", "/reopen"],
}


def test_every_finance_page_is_a_shell_with_its_own_scripts(client):
    assert_shells(client, PAGES, 'id="finance-denied"', 'aria-label="Finance pages"')


def test_no_finance_page_has_an_inline_script_or_style_or_a_foreign_asset(client):
    assert_nothing_inline_or_foreign(client, PAGES)


def test_every_asset_of_the_finance_pages_is_served(client):
    assert_assets_served(client, PAGES)


def test_the_finance_pages_scripts_call_the_api_they_are_built_on(client):
    assert_scripts_call(client, CALLS)


def test_the_csv_links_point_at_the_export_endpoints(client):
    journal = client.get("/console/journal").get_data(as_text=True)
    assert 'href="/api/v1/finance/journal.csv"' in journal
    tb = client.get("/console/trial-balance").get_data(as_text=True)
    assert 'href="/api/v1/finance/trial-balance.csv"' in tb


def test_the_navigation_links_finance_for_supervisors_and_above_and_finance(client):
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="topnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav
    entry = re.search(r'<a href="/console/finance"([^>]*)>Finance</a>', nav.group(1))
    assert entry and 'data-min-role="supervisor" data-also-roles="finance"' in entry.group(1)
    shared = client.get("/console/static/console.js").get_data(as_text=True)
    # console.js hides it from the others (tests/unit/test_console_roles.py runs the rule)
    assert "data-min-role" in shared and "data-also-roles" in shared
