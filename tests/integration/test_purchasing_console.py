"""The purchasing console pages (suggestions, suppliers, one supplier, replenishment, the PO
page's buyer actions) are public shells: no data, no inline script or style (the CSP refuses
them), every asset their own and served; their scripts call the API paths they are built on.
What the pages do in a browser is in tests/e2e/test_purchasing_console_browser.py."""

from __future__ import annotations

import re

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


def _scripts(html: str) -> list[str]:
    return [s.replace("&amp;", "&") for s in re.findall(r'<script src="([^"]+)"', html)]


def test_every_purchasing_page_is_a_shell_with_its_own_scripts(client):
    for path, scripts in PAGES.items():
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.get_data(as_text=True)
        assert 'id="signin-form"' in html and 'id="workspace"' in html, path
        names = [s.split("?")[0].rsplit("/", 1)[-1] for s in _scripts(html)]
        assert names[0] == "console.js", path  # the shared client first, then the page's
        assert names[1:] == scripts, path


def test_no_purchasing_page_has_an_inline_script_or_style(client):
    for path in PAGES:
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


def test_every_asset_of_the_purchasing_pages_is_served(client):
    for path in PAGES:
        html = client.get(path).get_data(as_text=True)
        links = re.findall(r'(?:src|href)="(/console/static/[^"]+)"', html)
        links += re.findall(r'data-chart-module="([^"]+)"', html)
        for url in links:
            url = url.replace("&amp;", "&")
            r = client.get(url)
            assert r.status_code == 200, url
            assert r.mimetype in {
                "text/javascript",
                "application/javascript",
                "text/css",
            }, url


def test_the_supplier_page_loads_the_chart_module_by_its_versioned_url(client):
    html = client.get("/console/suppliers/7").get_data(as_text=True)
    found = re.search(r'data-chart-module="([^"]+)"', html)
    assert found and "console_chart.js?v=" in found.group(1)
    module = client.get(found.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "export function lineChart" in module and "export function barChart" in module
    assert "createElementNS" in module and ".innerHTML" not in module


def test_the_pages_scripts_call_the_api_they_are_built_on(client):
    for path, calls in CALLS.items():
        html = client.get(path).get_data(as_text=True)
        code = "".join(client.get(src).get_data(as_text=True) for src in _scripts(html))
        for call in calls:
            assert call in code, f"{path}: {call}"
        assert ".innerHTML" not in code, path  # values go in with textContent


def test_the_navigation_links_the_purchasing_pages(client):
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="topnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav
    for href in ("/console/purchasing", "/console/suppliers", "/console/replenishment"):
        assert f'href="{href}"' in nav.group(1), href
