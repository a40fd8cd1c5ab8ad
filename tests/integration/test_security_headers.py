"""Every answer carries the security headers, whatever produced it: a page, the API, an
error, a static file. Only the scanner may use the camera or compile WebAssembly."""

from __future__ import annotations

import pytest

ANSWERS = [
    ("/", 200),
    ("/console/orders", 200),
    ("/console/static/console.css", 200),
    ("/api/v1/openapi.json", 200),
    ("/healthz", 200),
    ("/api/v1/items", 401),
    ("/no/such/page", 404),
    ("/scanner/", 200),
    ("/scanner/js/decoder-worker.js", 200),
]


def _directives(policy: str) -> dict[str, str]:
    found = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        found[name] = value
    return found


@pytest.mark.parametrize(("path", "status"), ANSWERS)
def test_every_answer_carries_the_security_headers(client, path, status):
    resp = client.get(path)
    assert resp.status_code == status
    csp = _directives(resp.headers["Content-Security-Policy"])
    scanner = path.startswith("/scanner/")
    assert csp["script-src"] == ("'self' 'wasm-unsafe-eval'" if scanner else "'self'")
    assert csp["style-src"] == "'self'" and csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert csp["connect-src"] == "'self' ws://localhost"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    camera = "camera=(self)" if scanner else "camera=()"
    assert resp.headers["Permissions-Policy"].split(", ")[0] == camera


def test_a_forged_host_cannot_add_directives_to_its_own_policy(client):
    resp = client.get("/", headers={"Host": "evil.example; script-src *"})
    policy = resp.headers.get("Content-Security-Policy", "")
    assert "script-src *" not in policy
    if resp.status_code == 200:
        assert _directives(policy)["connect-src"] == "'self'"


def test_no_console_page_has_an_inline_script_or_style(client):
    for path in ("/", "/console/putaway", "/console/purchase-orders", "/console/labels",
                 "/console/orders", "/console/backorders", "/console/channels",
                 "/console/outbox"):  # fmt: skip
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html and " style=" not in html, path
        assert "<script>" not in html and " onclick=" not in html, path
