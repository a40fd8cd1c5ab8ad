"""The settlements console page is a public shell like the other finance pages: no data, no
inline script or style (the CSP refuses them), every asset its own and served, in the
finance navigation; its script calls the settlement APIs (the list, one settlement, the
multipart import, the exception queues) and the channels for its selects. The API behind
it answers a manager and refuses a worker (403), and the page holds the words it shows that
worker; its import form is hidden in the shell (finance and admins see it once signed in).
The order page carries the order's money card and its script."""

from __future__ import annotations

import pytest

from tests.console_shells import (
    assert_assets_served,
    assert_nothing_inline_or_foreign,
    assert_scripts_call,
    assert_shells,
)

SHARED = ["console_buying.js", "console_finance.js"]
PATH = "/console/settlements"
PAGES = {PATH: [*SHARED, "console_settlements.js"]}
CALLS = {PATH: ["/finance/settlements", "/finance/settlement-exceptions", "/channels",
                "FormData", '"POST"']}  # fmt: skip
READS = ["/api/v1/finance/settlements", "/api/v1/finance/settlement-exceptions"]
DENIED = "The finance pages are for supervisors,\n    managers, finance and admins."
QUEUES = ("not_settled", "refund_without_return", "settled_not_shipped", "amount_differs",
          "unmapped")  # fmt: skip


def test_the_settlements_page_is_a_shell_with_its_own_script(client):
    assert_shells(client, PAGES, 'id="finance-denied"', 'aria-label="Finance pages"')


def test_the_page_has_no_inline_script_or_style_or_a_foreign_asset(client):
    assert_nothing_inline_or_foreign(client, PAGES)


def test_every_asset_of_the_page_is_served(client):
    assert_assets_served(client, PAGES)


def test_its_script_calls_the_settlement_apis_and_uploads_multipart(client):
    assert_scripts_call(client, CALLS)


def test_the_page_has_an_upload_form_and_one_table_per_exception_queue(client):
    html = client.get(PATH).get_data(as_text=True)
    assert 'id="upload-file" name="file" type="file"' in html
    assert '<option value="shopify_payouts">' in html and '<option value="amazon_v2">' in html
    for q in QUEUES:
        assert f'id="q-{q}-table"' in html, q
    assert 'id="settlement-channel"' in html and 'id="detail-table"' in html


def test_every_finance_page_links_the_settlements_page(client):
    for path in ("/console/journal", "/console/grni-ageing", PATH):
        assert 'href="/console/settlements"' in client.get(path).get_data(as_text=True), path
    html = client.get(PATH).get_data(as_text=True)
    assert 'href="/console/settlements" aria-current="page"' in html


@pytest.mark.parametrize("read", READS)
def test_a_manager_reads_what_the_page_shows(client, auth, read):
    assert client.get(PATH).status_code == 200
    r = client.get(read, headers=auth("manager"))
    assert r.status_code == 200, r.get_json()


def test_the_import_form_starts_hidden_for_the_readers_who_may_not_import(client):
    html = client.get(PATH).get_data(as_text=True)
    assert '<div class="card" data-finance-write hidden>\n      <form id="upload-form"' in html


@pytest.mark.parametrize("read", READS)
def test_a_worker_is_refused_and_the_page_says_who_it_is_for(client, auth, read):
    r = client.get(read, headers=auth("worker"))
    assert r.status_code == 403, r.get_json()
    assert set(r.get_json()["error"]) >= {"code", "message"}
    assert DENIED in client.get(PATH).get_data(as_text=True)


def test_the_order_page_has_the_money_card_and_its_script(client):
    html = client.get("/console/orders/1").get_data(as_text=True)
    assert 'id="money-table"' in html and 'data-settlements="/console/settlements"' in html
    assert "console_order_money.js" in html
    js = client.get("/console/static/console_order_money.js")
    assert js.status_code == 200
    assert "ScanfloorOrderMoney" in js.get_data(as_text=True)
    alloc = client.get("/console/static/console_alloc.js").get_data(as_text=True)
    assert "ScanfloorOrderMoney.show(order.finance)" in alloc
