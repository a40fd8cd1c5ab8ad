"""The putaway queue page is a public shell: it signs in like the landing page and fetches
the queue from the API with the bearer token."""

from __future__ import annotations

import re


def test_the_putaway_page_is_public_html_with_the_shared_sign_in_form(client):
    r = client.get("/console/putaway")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert '<form id="signin-form"' in html
    assert 'id="workspace"' in html
    assert 'data-api-base="/api/v1"' in html


def test_the_page_loads_the_shared_console_script_before_its_own(client):
    html = client.get("/console/putaway").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    names = [s.split("?")[0].rsplit("/", 1)[-1] for s in scripts]
    assert names == ["console.js", "console_putaway.js"]
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), src
    own = client.get(scripts[1].replace("&amp;", "&"))
    assert own.status_code == 200
    for endpoint in ("/putaway/queue-summary", "/putaway/tasks", "ScanfloorConsole"):
        assert endpoint.encode() in own.data
    shared = client.get(scripts[0].replace("&amp;", "&"))
    assert b"window.ScanfloorConsole" in shared.data


def test_every_console_page_links_to_the_putaway_queue(client):
    for path in ("/", "/console/putaway"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/console/putaway"' in html, path
