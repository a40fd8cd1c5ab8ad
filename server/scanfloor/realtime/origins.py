"""Which browser origins may open a live socket: the server's own, plus those configured.

A page on another site could otherwise open a socket to us from a worker's browser (cookies
are not used, but a token it got hold of would be). Engine.IO calls this on every request
that carries an Origin header; clients outside a browser send none, or their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def own_origins(environ: Mapping[str, Any]) -> set[str]:
    """This server's origin as the client reached it, directly or through a proxy that
    says so (X-Forwarded-Proto/Host), as Engine.IO's same-origin default reads it."""
    host = environ.get("HTTP_HOST")
    scheme = environ.get("wsgi.url_scheme", "http")
    if not host:
        return set()
    found = {f"{scheme}://{host}"}
    if "HTTP_X_FORWARDED_PROTO" in environ or "HTTP_X_FORWARDED_HOST" in environ:
        fwd_scheme = str(environ.get("HTTP_X_FORWARDED_PROTO", scheme)).split(",")[0].strip()
        fwd_host = str(environ.get("HTTP_X_FORWARDED_HOST", host)).split(",")[0].strip()
        found.add(f"{fwd_scheme}://{fwd_host}")
    return found


def origin_check(configured: tuple[str, ...]) -> Callable[[str | None, Mapping[str, Any]], bool]:
    allowed = {o.rstrip("/") for o in configured}

    def check(origin: str | None, environ: Mapping[str, Any]) -> bool:
        if not origin:
            return False  # only asked with an Origin; no CORS header for a request without
        return origin in allowed or origin in own_origins(environ)

    return check
