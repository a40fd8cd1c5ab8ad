"""The drill-down's console pages (issue 14): one movement (/console/movements/<id>) and an
item's whole history (/console/items/<id>/history) are public shells like every console
page: no data, nothing inline (the CSP refuses it), every asset served; their scripts ask
the movements API for everything. The landing page's movements link to the movement page
and the item's history, and a figure's records page links movement ids and acknowledges
anomaly flags through the acks API. What the pages do in a browser is in
tests/e2e/test_reports_console_browser.py."""

from __future__ import annotations

from tests.console_shells import (
    assert_assets_served,
    assert_nothing_inline_or_foreign,
    assert_scripts_call,
    assert_shells,
)

PAGES = {
    "/console/movements/1": ["console_buying.js", "console_movement.js"],
    "/console/items/1/history": ["console_buying.js", "console_item_history.js"],
}
CALLS = {
    "/console/movements/1": ["/movements/"],
    "/console/items/1/history": ["/movements", "/items/", "next_cursor", "cursor"],
    "/": ["/movements", "data-movement-base", "data-history-base"],
    "/console/dashboards/unusual_losses/records": ["/reports/anomalies/acks", "movement_id"],
}


def test_the_drilldown_pages_are_shells_with_their_own_scripts(client):
    assert_shells(client, PAGES, 'data-movement-base="/console/movements"')


def test_no_drilldown_page_has_an_inline_script_or_style(client):
    assert_nothing_inline_or_foreign(client, [*PAGES, "/console/dashboards/x/records"])


def test_every_asset_of_the_drilldown_pages_is_served(client):
    assert_assets_served(client, PAGES)


def test_the_pages_scripts_ask_the_api_for_everything(client):
    assert_scripts_call(client, CALLS)


def test_an_id_past_its_column_is_a_404_page_not_a_shell(client):
    assert client.get("/console/movements/99999999999999999999").status_code == 404
    assert client.get("/console/items/4294967296/history").status_code == 404
    assert client.get("/console/movements/abc").status_code == 404
