"""Serve scanner_ui/ (the PWA) at /scanner/: app shell, service worker, manifest, decoder.

The pages are public static files; the data comes from the REST API with the bearer token the
worker signs in for. The service worker lives at /scanner/sw.js so its scope is /scanner/.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Response, abort, redirect, send_from_directory, url_for

from ..auth.guard import public

# Python's mimetypes table misses some of these on slim images (wasm, webmanifest), and
# WebAssembly.instantiateStreaming refuses anything but application/wasm.
MIME_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
# The service worker re-downloads the versioned shell itself (cache: "reload") on each new
# version, so a short browser cache here only spares repeat fetches before it takes over.
ASSET_MAX_AGE = 3600
# Build tooling, not part of the app.
HIDDEN_DIRS = ("tools/",)

bp = Blueprint("scanner", __name__)


def scanner_dir() -> Path:
    """scanner_ui/ at the repository root (source checkout), or SCANFLOOR_SCANNER_UI."""
    here = Path(__file__).resolve()
    default = here.parents[3] / "scanner_ui"
    return Path(os.environ.get("SCANFLOOR_SCANNER_UI", default))


def _send(filename: str, *, no_cache: bool) -> Response:
    suffix = Path(filename).suffix.lower()
    mimetype = MIME_TYPES.get(suffix)
    if mimetype is None or filename.startswith(HIDDEN_DIRS):
        abort(404)
    resp = send_from_directory(
        scanner_dir(), filename, mimetype=mimetype, max_age=0 if no_cache else ASSET_MAX_AGE
    )
    if no_cache:
        resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/scanner")
@public
def bare() -> Response:
    """Redirect to /scanner/ so relative URLs and the service worker scope line up."""
    return redirect(url_for("scanner.index"), code=308)  # type: ignore[return-value]


@bp.get("/scanner/")
@public
def index() -> Response:
    """The scanner app shell (always revalidated: it names the current version)."""
    return _send("index.html", no_cache=True)


@bp.get("/scanner/sw.js")
@public
def service_worker() -> Response:
    """The service worker: never cached by the browser, so a new version is seen at once."""
    resp = _send("sw.js", no_cache=True)
    resp.headers["Service-Worker-Allowed"] = "/scanner/"
    return resp


@bp.get("/scanner/<path:filename>")
@public
def asset(filename: str) -> Response:
    """The scanner's scripts, styles, icons, manifest and the vendored decoder."""
    return _send(filename, no_cache=filename in ("index.html", "manifest.webmanifest"))
