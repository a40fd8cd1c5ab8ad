"""Checks every console page shell must pass (used by each area's console tests): a public
shell with the sign-in form and the workspace, the shared client first and then the page's
own scripts, nothing inline (the CSP refuses it) and nothing from another origin, every
asset served, and the scripts asking for the API paths the page is built on."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

ASSET_TYPES = {"text/javascript", "application/javascript", "text/css"}


def scripts(html: str) -> list[str]:
    return [s.replace("&amp;", "&") for s in re.findall(r'<script src="([^"]+)"', html)]


def assert_shells(client: Any, pages: Mapping[str, list[str]], *markers: str) -> None:
    """Each page: 200, a shell (plus `markers`, HTML the page must hold), console.js then
    exactly the page's scripts."""
    for path, expected in pages.items():
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.get_data(as_text=True)
        assert 'id="signin-form"' in html and 'id="workspace"' in html, path
        for marker in markers:
            assert marker in html, f"{path}: {marker}"
        names = [s.split("?")[0].rsplit("/", 1)[-1] for s in scripts(html)]
        assert names[0] == "console.js", path  # the shared client first, then the page's
        assert names[1:] == expected, path


def assert_nothing_inline_or_foreign(client: Any, paths: Iterable[str]) -> None:
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), path  # no CDN


def assert_assets_served(client: Any, paths: Iterable[str], *extra_patterns: str) -> None:
    """Every /console/static asset the pages link (and what `extra_patterns` find) is 200
    with a script or style type."""
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        links = re.findall(r'(?:src|href)="(/console/static/[^"]+)"', html)
        for pattern in extra_patterns:
            links += re.findall(pattern, html)
        for url in links:
            r = client.get(url.replace("&amp;", "&"))
            assert r.status_code == 200, url
            assert r.mimetype in ASSET_TYPES, url


def assert_scripts_call(client: Any, calls: Mapping[str, list[str]]) -> None:
    for path, wanted in calls.items():
        html = client.get(path).get_data(as_text=True)
        code = "".join(client.get(src).get_data(as_text=True) for src in scripts(html))
        for call in wanted:
            assert call in code, f"{path}: {call}"
        assert ".innerHTML" not in code, path  # values go in with textContent
