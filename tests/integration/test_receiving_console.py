"""The purchase-order console pages render their shells; their data comes from the API."""

from __future__ import annotations


def test_purchase_order_pages_render_with_their_script(client):
    listing = client.get("/console/purchase-orders")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert "console_po.js" in html and 'id="po-create"' in html and 'id="po-import"' in html
    detail = client.get("/console/purchase-orders/42")
    assert detail.status_code == 200
    assert 'data-po-id="42"' in detail.get_data(as_text=True)
    script = client.get("/console/static/console_po.js")
    assert script.status_code == 200
    assert b"/purchase-orders" in script.get_data()
