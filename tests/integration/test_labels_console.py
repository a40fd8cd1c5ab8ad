"""The console's labels page: public HTML whose data and files come from the labels API."""

from __future__ import annotations

import re


def test_labels_page_is_public_html_that_loads_only_its_own_assets(client):
    r = client.get("/console/labels")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert 'data-api-base="/api/v1"' in html
    assert 'id="zones-table"' in html
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), src


def test_labels_page_script_downloads_through_the_labels_api(client):
    html = client.get("/console/labels").get_data(as_text=True)
    (src,) = re.findall(r'<script src="([^"]+labels\.js[^"]*)"', html)
    js = client.get(src.replace("&amp;", "&"))
    assert js.status_code == 200
    assert js.mimetype in {"text/javascript", "application/javascript"}
    for used in (
        b"/labels/locations/batch",
        b"/labels/locations/",
        b"/labels/items/",
        b"/labels/containers/",
        b"/labels/sscc",
        b"Idempotency-Key",
        b"sessionStorage",
        b"Download PDF of every bin label",
    ):
        assert used in js.data, used
    # API values are written as text, never as markup.
    assert b"innerHTML" not in js.data.replace(b"never innerHTML", b"")
