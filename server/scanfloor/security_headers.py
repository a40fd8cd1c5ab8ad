"""Security headers on every response, set in this one place (registered by create_app).

The console keeps its bearer token in sessionStorage, so the first defence is that no
script but our own files can run: no inline script or style anywhere, no eval, no foreign
origin. The scanner differs in two ways only: its decoder compiles WebAssembly (which
Chromium refuses without 'wasm-unsafe-eval' in script-src, in the worker as on the page)
and it may use the camera; neither is granted to any other path.
"""

from __future__ import annotations

import re

from flask import Flask, Request, Response, request

SCANNER_PREFIX = "/scanner"

# Shared by both policies. connect-src 'self' covers same-origin ws:/wss: in CSP Level 3;
# the explicit ws(s) origin is added per request for browsers that predate that rule.
_BASE = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # data: for inline SVG/PNG images, blob: for label previews and decoded camera frames.
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "media-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "frame-src": "'none'",
    "manifest-src": "'self'",
    "worker-src": "'self'",
}
_SCANNER = {**_BASE, "script-src": "'self' 'wasm-unsafe-eval'"}

# Only the scanner may ask for the camera; nothing here needs a microphone or location.
_PERMISSIONS_CONSOLE = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
_PERMISSIONS_SCANNER = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"

# A Host header is echoed into connect-src: accept only what a host name or address can be,
# so a crafted header cannot add directives to its own response.
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def is_scanner_path(path: str) -> bool:
    return path == SCANNER_PREFIX or path.startswith(SCANNER_PREFIX + "/")


def content_security_policy(req: Request) -> str:
    directives = dict(_SCANNER if is_scanner_path(req.path) else _BASE)
    connect = "'self'"
    if _HOST.match(req.host or ""):
        ws = "wss" if req.scheme == "https" else "ws"
        connect += f" {ws}://{req.host}"
    directives["connect-src"] = connect
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _set_headers(resp: Response) -> Response:
    scanner = is_scanner_path(request.path)
    headers = resp.headers
    headers["Content-Security-Policy"] = content_security_policy(request)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"  # frame-ancestors for browsers without CSP 2
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = _PERMISSIONS_SCANNER if scanner else _PERMISSIONS_CONSOLE
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    return resp


def register_security_headers(app: Flask) -> None:
    app.after_request(_set_headers)
