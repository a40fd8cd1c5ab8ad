"""The supplier invoice and landed cost console pages are public shells like the other
finance pages: no data, no inline script or style (the CSP refuses them), every asset their
own and served, in the finance navigation; their scripts call the API paths they are built
on. The API behind them answers a manager and refuses a worker (403), and the page holds the
words it shows that worker; their write forms are hidden in the shell (finance and admins
see them once signed in). What the pages do in a browser is in
tests/e2e/test_finance_documents_browser.py."""

from __future__ import annotations

import pytest

from tests.console_shells import (
    assert_assets_served,
    assert_nothing_inline_or_foreign,
    assert_scripts_call,
    assert_shells,
)

SHARED = ["console_buying.js", "console_finance.js"]
PAGES = {
    "/console/invoices": [*SHARED, "console_invoices.js"],
    "/console/landed-costs": [*SHARED, "console_landed_costs.js"],
}
CALLS = {
    "/console/invoices": ["/finance/invoices", "/approve", "/reject", "/purchase-orders"],
    "/console/landed-costs": ["/finance/landed-costs"],
}
READS = {
    "/console/invoices": "/api/v1/finance/invoices?status=held",
    "/console/landed-costs": "/api/v1/finance/landed-costs",
}
DENIED = "The finance pages are for supervisors,\n    managers, finance and admins."


def test_the_invoice_and_landed_cost_pages_are_shells_with_their_own_scripts(client):
    assert_shells(client, PAGES, 'id="finance-denied"', 'aria-label="Finance pages"')


def test_neither_page_has_an_inline_script_or_style_or_a_foreign_asset(client):
    assert_nothing_inline_or_foreign(client, PAGES)


def test_every_asset_of_the_two_pages_is_served(client):
    assert_assets_served(client, PAGES)


def test_their_scripts_call_the_api_they_are_built_on(client):
    assert_scripts_call(client, CALLS)


def test_every_finance_page_links_both_in_its_navigation(client):
    for path in ("/console/journal", "/console/invoices", "/console/landed-costs"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/console/invoices"' in html, path
        assert 'href="/console/landed-costs"' in html, path
    assert 'href="/console/invoices" aria-current="page"' in client.get(
        "/console/invoices"
    ).get_data(as_text=True)


@pytest.mark.parametrize("path", sorted(PAGES))
def test_a_manager_reads_what_the_page_shows(client, auth, path):
    assert client.get(path).status_code == 200
    r = client.get(READS[path], headers=auth("manager"))
    assert r.status_code == 200, r.get_json()


def test_the_write_forms_start_hidden_for_the_readers_who_may_not_write(client):
    invoices = client.get("/console/invoices").get_data(as_text=True)
    assert '<div class="card" data-finance-write hidden>\n      <form id="po-form"' in invoices
    landed = client.get("/console/landed-costs").get_data(as_text=True)
    assert '<div class="card" data-finance-write hidden>\n      <form id="charge-form"' in landed
    for html in (invoices, landed):
        assert 'id="finance-readonly"' in html


@pytest.mark.parametrize("path", sorted(PAGES))
def test_a_worker_is_refused_and_the_page_says_who_it_is_for(client, auth, path):
    r = client.get(READS[path], headers=auth("worker"))
    assert r.status_code == 403, r.get_json()
    assert set(r.get_json()["error"]) >= {"code", "message"}
    assert DENIED in client.get(path).get_data(as_text=True)
