"""The purchasing console pages (suggestions, suppliers, one supplier, replenishment, the PO
page's buyer actions) are public shells: no data, no inline script or style (the CSP refuses
them), every asset their own and served; their scripts call the API paths they are built on.
What the pages do in a browser is in tests/e2e/test_purchasing_console_browser.py."""

from __future__ import annotations

import re

from tests.console_shells import (
    assert_assets_served,
    assert_nothing_inline_or_foreign,
    assert_scripts_call,
    assert_shells,
)

PAGES = {
    "/console/purchasing": ["console_buying.js", "console_purchasing.js"],
    "/console/suppliers": ["console_buying.js", "console_suppliers.js"],
    "/console/suppliers/7": [
        "console_buying.js",
        "console_supplier.js",
        "console_supplier_terms.js",
        "console_supplier_perf.js",
    ],
    "/console/replenishment": ["console_buying.js", "console_replenishment.js"],
    "/console/purchase-orders/42": ["console_po.js", "console_buying.js", "console_po_actions.js"],
}
# What each page's scripts must ask the API for (the contract's paths).
CALLS = {
    "/console/purchasing": ["/purchasing/suggestion-runs"],
    "/console/suppliers": ["/suppliers", "/purchasing/supplier-performance"],
    "/console/suppliers/7": [
        "/items",
        "/supplier-items/",
        "/reorder-policies",
        "/performance",
        "/pre-buy",
    ],
    "/console/replenishment": [
        "/pick-faces",
        "/replenishment-tasks",
        "/purchasing/low-stock",
    ],
    "/console/purchase-orders/42": ["/amend", "/amendments", "/document.", "/lines/"],
}


def test_every_purchasing_page_is_a_shell_with_its_own_scripts(client):
    assert_shells(client, PAGES)


def test_no_purchasing_page_has_an_inline_script_or_style(client):
    assert_nothing_inline_or_foreign(client, PAGES)


def test_every_asset_of_the_purchasing_pages_is_served(client):
    assert_assets_served(client, PAGES, r'data-chart-module="([^"]+)"')


def test_the_supplier_page_loads_the_chart_module_by_its_versioned_url(client):
    html = client.get("/console/suppliers/7").get_data(as_text=True)
    found = re.search(r'data-chart-module="([^"]+)"', html)
    assert found and "console_chart.js?v=" in found.group(1)
    module = client.get(found.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "export function lineChart" in module and "export function barChart" in module
    assert "createElementNS" in module and ".innerHTML" not in module


def test_the_pages_scripts_call_the_api_they_are_built_on(client):
    assert_scripts_call(client, CALLS)


def test_the_navigation_links_the_purchasing_pages(client):
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="topnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav
    for href in ("/console/purchasing", "/console/suppliers", "/console/replenishment"):
        assert f'href="{href}"' in nav.group(1), href
