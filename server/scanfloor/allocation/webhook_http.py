"""Sending one webhook POST under the URL policy (webhook_url_rules.py).

The host is resolved once, every address it resolves to is checked, and the connection goes
to a checked address: the name is never looked up a second time, so a DNS answer that
changes between the check and the connect (rebinding) cannot slip an internal address in.
TLS still verifies the certificate against the host name, and the Host header carries it.
No redirect is followed (a 3xx is a failed attempt), and the whole exchange has one
deadline: a receiver that trickles its answer is cut off when it passes.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app

from .webhook_url_rules import (
    IPAddress,
    WebhookTarget,
    WebhookUrlRefused,
    check_resolved,
    check_webhook_url,
)

Resolver = Callable[[str, int], list[IPAddress]]
ALLOW_LOOPBACK = "SCANFLOOR_WEBHOOK_ALLOW_LOOPBACK"


def loopback_allowed() -> bool:
    """Loopback webhooks (and plain http to them): demo and test modes, or the development
    setting SCANFLOOR_WEBHOOK_ALLOW_LOOPBACK (config.py); never otherwise."""
    config: Mapping[str, Any] = current_app.config
    return bool(config.get(ALLOW_LOOPBACK, False))


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for host (A and AAAA), in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def vet_for_saving(url: str, resolve: Resolver = system_resolver) -> WebhookTarget:
    """Check a URL about to be saved: the policy, and the addresses its name has now. A
    name that does not resolve yet is accepted (it is checked again at every delivery)."""
    allow = loopback_allowed()
    target = check_webhook_url(url, allow_loopback=allow)
    if target.address is None:
        try:
            addresses = resolve(target.host, target.port)
        except OSError:
            return target
        check_resolved(target, addresses, allow_loopback=allow)
    return target


def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
    *,
    allow_loopback: bool,
    resolve: Resolver = system_resolver,
) -> tuple[int | None, str | None]:
    """POST body to url: (HTTP status or None, error or None). A refusal by the policy, a
    DNS failure, a timeout and a non-2xx answer are all errors (a failed attempt)."""
    deadline = time.monotonic() + timeout
    try:
        target = check_webhook_url(url, allow_loopback=allow_loopback)
        addresses = [target.address] if target.address is not None else None
        if addresses is None:
            try:
                resolved = resolve(target.host, target.port)
            except OSError as exc:
                return None, f"could not resolve {target.host}: {exc}"[:500]
            addresses = check_resolved(target, resolved, allow_loopback=allow_loopback)
    except WebhookUrlRefused as exc:
        return None, f"refused: {exc.message} ({exc.details.get('address', url)})"[:500]
    return _exchange(target, addresses, body, headers, deadline)


def _exchange(
    target: WebhookTarget,
    addresses: list[IPAddress],
    body: bytes,
    headers: Mapping[str, str],
    deadline: float,
) -> tuple[int | None, str | None]:
    sock: socket.socket | None = None
    try:
        sock = _connect(target, addresses, deadline)
    except (OSError, ValueError) as exc:
        return None, (str(exc) or exc.__class__.__name__)[:500]
    # One deadline for the whole exchange: at it, the socket is shut down under any read
    # (http.client takes the EOF that follows as the end of the headers: `cut` tells).
    cut = threading.Event()
    timer = threading.Timer(max(0.0, deadline - time.monotonic()), _cut, (sock, cut))
    timer.daemon = True
    timer.start()
    cls = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    conn = cls(target.host, target.port, timeout=max(0.01, deadline - time.monotonic()))
    conn.sock = sock  # already connected to the checked address: never connect by name
    try:
        conn.request("POST", target.target, body=body, headers=dict(headers))
        resp = conn.getresponse()
        status = int(resp.status)
    except (OSError, http.client.HTTPException) as exc:
        if cut.is_set():
            return None, "timed out"
        return None, (str(exc) or exc.__class__.__name__)[:500]
    finally:
        timer.cancel()
        conn.close()
    if cut.is_set():
        return None, "timed out"
    if 300 <= status < 400:
        return status, f"HTTP {status}: redirects are not followed"
    return status, None if 200 <= status < 300 else f"HTTP {status}"


def _connect(target: WebhookTarget, addresses: list[IPAddress], deadline: float) -> socket.socket:
    last: OSError | None = None
    for address in addresses:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        try:
            sock = socket.create_connection((str(address), target.port), timeout=left)
        except OSError as exc:
            last = exc
            continue
        if target.scheme != "https":
            return sock
        try:
            context = ssl.create_default_context()
            return context.wrap_socket(sock, server_hostname=target.host)
        except OSError:
            sock.close()
            raise
    raise last or OSError("no address to connect to")


def _cut(sock: socket.socket, cut: threading.Event) -> None:
    cut.set()
    with contextlib.suppress(OSError):  # already closed: the exchange ended first
        sock.shutdown(socket.SHUT_RDWR)
