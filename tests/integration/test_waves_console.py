"""The waves page is a public shell like every console page: it signs in with the shared form
and does everything through the REST API, which serves supervisors and refuses anyone below."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from scanfloor.extensions import db
from scanfloor.picking.models import Wave


def test_the_waves_page_is_public_html_with_the_shared_sign_in_form(client):
    r = client.get("/console/waves")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert '<form id="signin-form"' in html
    assert 'id="workspace"' in html and 'id="wave-rules"' in html
    assert 'data-api-base="/api/v1"' in html
    # Strict CSP: no inline script or style on the page.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html


def test_the_page_loads_the_shared_console_script_then_its_own_and_its_styles(client):
    html = client.get("/console/waves").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    names = [s.split("?")[0].rsplit("/", 1)[-1] for s in scripts]
    assert names == ["console.js", "console_waves.js"]
    sheets = [
        s.split("?")[0].rsplit("/", 1)[-1] for s in re.findall(r'href="([^"]+\.css[^"]*)"', html)
    ]
    assert sheets == ["console.css", "console_waves.css"]
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), src
    own = client.get(scripts[1].replace("&amp;", "&"))
    assert own.status_code == 200
    for call in (
        "/waves/preview",
        '"/waves"',
        "/pick-tasks/",
        "/assign",
        "/unassign",
        "ScanfloorConsole",
    ):
        assert call.encode() in own.data, call
    css = client.get(
        re.findall(r'href="([^"]+console_waves\.css[^"]*)"', html)[0].replace("&amp;", "&")
    )
    assert css.status_code == 200 and b".rules-grid" in css.data


def test_every_console_page_links_to_the_waves_page(client):
    for path in ("/", "/console/putaway", "/console/orders", "/console/waves"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/console/waves"' in html, path


def _warehouse(client: Any, auth: Any, users: dict[str, Any]) -> int:
    r = client.post(
        "/api/v1/locations",
        json={
            "code": "WV1",
            "name": "Wave test warehouse",
            "level": "warehouse",
            "type": "warehouse",
        },
        headers=auth("manager"),
    )
    assert r.status_code == 201, r.get_json()
    wh = int(r.get_json()["id"])
    for role in ("worker", "supervisor"):
        r = client.put(
            f"/api/v1/users/{users[role].id}/warehouses",
            json={"warehouses": [wh]},
            headers=auth("manager"),
        )
        assert r.status_code == 200, r.get_json()
    return wh


def _waves() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Wave)) or 0)


def test_the_page_data_is_served_to_a_supervisor(client, auth, users):
    wh = _warehouse(client, auth, users)
    listed = client.get("/api/v1/waves", query_string={"warehouse": wh}, headers=auth("supervisor"))
    assert listed.status_code == 200, listed.get_json()
    preview = client.post(
        "/api/v1/waves/preview",
        json={"warehouse": wh, "mode": "cluster"},
        headers=auth("supervisor"),
    )
    assert preview.status_code == 200, preview.get_json()
    assert preview.get_json()["orders"] == 0
    tasks = client.get(
        "/api/v1/pick-tasks", query_string={"warehouse": wh}, headers=auth("supervisor")
    )
    assert tasks.status_code == 200, tasks.get_json()


def test_a_worker_is_refused_the_waves_and_releases_nothing(client, auth, users):
    wh = _warehouse(client, auth, users)
    worker = auth("worker")
    for method, path, body in (
        ("get", "/api/v1/waves", None),
        ("post", "/api/v1/waves/preview", {"warehouse": wh, "mode": "single"}),
        ("post", "/api/v1/waves", {"warehouse": wh, "mode": "single"}),
    ):
        headers = {**worker, "Idempotency-Key": f"worker-{method}-{len(path)}"}
        r = getattr(client, method)(
            path, json=body, headers=headers, query_string={"warehouse": wh}
        )
        assert r.status_code == 403, (path, r.get_json())
        assert r.get_json()["error"]["code"] == "forbidden", path
    assert _waves() == 0
    # Nor may a worker see the tasks of every picker.
    r = client.get("/api/v1/pick-tasks", query_string={"warehouse": wh}, headers=worker)
    assert r.status_code == 403
