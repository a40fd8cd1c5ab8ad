"""The outbox console page is a public shell like the others; its script lists messages by
state and retries a dead one through the API."""

from __future__ import annotations

import re


def test_the_outbox_page_is_public_html_with_the_shared_sign_in_and_dead_letters_first(client):
    r = client.get("/console/outbox")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert '<form id="signin-form"' in html and 'id="workspace"' in html
    assert '<option value="dead" selected>' in html
    names = [s.split("?")[0].rsplit("/", 1)[-1] for s in re.findall(r'<script src="([^"]+)"', html)]
    assert names == ["console.js", "console_outbox.js"]


def test_the_outbox_script_lists_by_state_and_retries_through_the_api(client):
    html = client.get("/console/outbox").get_data(as_text=True)
    src = re.findall(r'<script src="([^"]+)"', html)[1].replace("&amp;", "&")
    js = client.get(src)
    assert js.status_code == 200
    for needle in ("ScanfloorConsole", '"/outbox"', '"/outbox/"', "/retry", "Retry now"):
        assert needle.encode() in js.data, needle
    assert b".innerHTML" not in js.data  # API values go in as text


def test_every_console_page_links_to_the_outbox(client):
    for path in ("/", "/console/orders", "/console/channels", "/console/outbox"):
        assert 'href="/console/outbox"' in client.get(path).get_data(as_text=True), path
