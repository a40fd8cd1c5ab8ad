"""The console landing page is public HTML; its data comes from the API with a bearer token."""

from __future__ import annotations

import re


def _asset_urls(html: str) -> dict[str, str]:
    css = re.search(r'<link rel="stylesheet" href="([^"]+console\.css[^"]*)"', html)
    js = re.search(r'<script src="([^"]+console\.js[^"]*)"', html)
    assert css and js, "the page must link its stylesheet and script"
    return {"css": css.group(1).replace("&amp;", "&"), "js": js.group(1).replace("&amp;", "&")}


def test_console_landing_page_is_public_html_with_a_sign_in_form(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert '<form id="signin-form"' in html
    assert 'id="username"' in html
    assert 'type="password"' in html
    # The page holds no data itself: item search, balances and movements come from the API.
    assert 'data-api-base="/api/v1"' in html
    assert 'href="/api/v1/openapi.json"' in html
    assert 'href="/healthz"' in html


def test_console_page_loads_only_its_own_assets(client):
    html = client.get("/").get_data(as_text=True)
    # No CDN: every script and stylesheet is served by Scanfloor itself.
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), src


def test_console_static_files_are_served_with_their_types(client):
    html = client.get("/").get_data(as_text=True)
    urls = _asset_urls(html)
    css = client.get(urls["css"])
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert b"font-size" in css.data
    js = client.get(urls["js"])
    assert js.status_code == 200
    assert js.mimetype in {"text/javascript", "application/javascript"}
    assert b"sessionStorage" in js.data
    # The shared console.js signs in; the landing page's own script finds items.
    scripts = b"".join(
        client.get(src.replace("&amp;", "&")).data
        for src in re.findall(r'<script src="([^"]+)"', html)
    )
    for endpoint in ("/auth/token", "/items", "/balances", "/movements"):
        assert endpoint.encode() in scripts


def test_console_static_refuses_missing_files_and_escapes(client):
    assert client.get("/console/static/nope.js").status_code == 404
    assert client.get("/console/static/../views.py").status_code == 404
    assert client.get("/console/static/%2e%2e/views.py").status_code == 404


def test_every_console_route_is_marked_public(app):
    console_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("console.")]
    assert {r.rule for r in console_rules} >= {"/", "/console/static/<path:filename>"}
    for rule in console_rules:
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "_public", False), rule.rule
