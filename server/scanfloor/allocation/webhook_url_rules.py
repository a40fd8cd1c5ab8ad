"""Where a channel webhook may be sent: the policy that keeps webhooks off internal networks.

A webhook URL is typed by a person (or an integration) and then opened by the server, so
without a policy it is a way to make the server reach what only it can reach: a cloud
metadata service (http://169.254.169.254/...), a database port, an admin page on 10.x.

Policy:
- https only. Plain http only to a loopback address, and only where loopback is allowed:
  demo and test modes, or SCANFLOOR_WEBHOOK_ALLOW_LOOPBACK for development (README).
- The destination must be a public address. Refused: loopback (unless allowed), private
  (RFC 1918, IPv6 unique-local), shared carrier-grade NAT, link-local (169.254/16 and
  fe80::/10, where the metadata services live), multicast, reserved, unspecified,
  documentation and benchmarking ranges, and the known metadata endpoints by address.
  IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, 6to4, NAT64, Teredo)
  are judged by the IPv4 address they carry.
- A host is read the way a resolver reads it: when its last label is a number, the whole
  host is an IPv4 address in inet_aton form (2130706433, 0177.0.0.1, 0x7f.1 and 127.1 are
  all 127.0.0.1), and one that is not a valid address is refused rather than looked up.
- Names: localhost and *.localhost are loopback; single-label names (resolved through the
  local search domain, so internal by nature) and internal suffixes (.internal, .local,
  .localdomain, .home.arpa, .lan, .intranet, .corp) are refused; a name is ASCII (an
  international name in its xn-- form).
- No credentials, whitespace, control characters or backslashes in the URL (parsers
  disagree on them, which is how "169.254.169.254@example.com" tricks work); at most 500
  characters (the column).
- The check runs when the URL is saved and again at every delivery on the addresses the
  name resolves to then: every one must pass (a mixed answer is a rebinding attempt), a
  plain-http URL must resolve to loopback only, and the connection goes to an address that
  was checked. Redirects are not followed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 500
INTERNAL_SUFFIXES = (
    "localhost",
    "internal",
    "local",
    "localdomain",
    "home.arpa",
    "lan",
    "intranet",
    "corp",
)
# Metadata services reachable on addresses the range checks alone would not all catch
# (Azure's wire server is a public address); named so the refusal says what it is.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "168.63.129.16",  # Azure wire server
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS over IPv6
    )
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LABEL = re.compile(r"\A(?!-)[a-z0-9-]{1,63}(?<!-)\Z")
_NUMBER = re.compile(r"\A(?:0x[0-9a-f]*|[0-9]+)\Z")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


class WebhookUrlRefused(ValueError):
    """A webhook URL or address the policy refuses; `code` names the rule."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


@dataclass(frozen=True)
class WebhookTarget:
    """A URL that passed the policy, split into what a connection needs."""

    scheme: str  # "https" or "http"
    host: str  # lower case, no brackets: a name, or an address in canonical text
    port: int
    target: str  # path and query for the request line
    address: IPAddress | None  # the host when it is an address: nothing to resolve


def check_webhook_url(url: str, *, allow_loopback: bool) -> WebhookTarget:
    """The URL as a target, or WebhookUrlRefused naming the rule it breaks."""
    if len(url) > MAX_URL_LENGTH:
        raise WebhookUrlRefused(
            "webhook_url_too_long", "a webhook URL is at most 500 characters", {"length": len(url)}
        )
    if _FORBIDDEN_CHARS.search(url):
        raise WebhookUrlRefused(
            "webhook_url_malformed", "whitespace, control characters and backslashes are refused"
        )
    parts = _split(url)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise WebhookUrlRefused(
            "webhook_https_required", "a webhook URL is https", {"scheme": scheme}
        )
    if "@" in parts.netloc:
        raise WebhookUrlRefused(
            "webhook_url_credentials", "no credentials in a webhook URL: deliveries are signed"
        )
    host, address = _host(parts)
    loopback = _carried(address).is_loopback if address is not None else _is_localhost_name(host)
    if scheme == "http" and not (allow_loopback and loopback):
        raise WebhookUrlRefused(
            "webhook_https_required",
            "a webhook URL is https (plain http only to loopback, in development)",
            {"scheme": scheme},
        )
    if address is not None:
        check_address(address, allow_loopback=allow_loopback)
    elif loopback and not allow_loopback:
        raise WebhookUrlRefused(
            "webhook_address_refused", "loopback hosts are refused", {"reason": "loopback"}
        )
    port = _port(parts, scheme)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return WebhookTarget(scheme, host, port, target, address)


def check_address(address: IPAddress, *, allow_loopback: bool) -> None:
    """Refuse an address a webhook may not reach (see the module's policy)."""
    reason = address_refusal(address, allow_loopback=allow_loopback)
    if reason is not None:
        raise WebhookUrlRefused(
            "webhook_address_refused",
            f"webhooks may not reach {reason} addresses",
            {"reason": reason, "address": str(address)},
        )


def check_resolved(
    target: WebhookTarget, addresses: Iterable[IPAddress], *, allow_loopback: bool
) -> list[IPAddress]:
    """The addresses a name resolved to, each checked; any refused one refuses them all."""
    checked = list(dict.fromkeys(addresses))
    if not checked:
        raise WebhookUrlRefused("webhook_unresolved", "the webhook host has no address")
    for address in checked:
        check_address(address, allow_loopback=allow_loopback)
        if target.scheme == "http" and not _carried(address).is_loopback:
            raise WebhookUrlRefused(
                "webhook_https_required",
                "plain http only to loopback: this name resolves elsewhere",
                {"address": str(address)},
            )
    return checked


def address_refusal(address: IPAddress, *, allow_loopback: bool) -> str | None:
    """Why an address is refused ("loopback", "private", ...), or None when it may be used."""
    if address in METADATA_ADDRESSES:
        return "metadata"
    embedded = _embedded(address)
    if embedded:  # judged by the IPv4 address it carries, whatever its IPv6 range says
        reasons = [address_refusal(a, allow_loopback=allow_loopback) for a in embedded]
        return next((r for r in reasons if r is not None), None)
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    if address.is_unspecified:
        return "unspecified"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    return None if address.is_global else "non-public"


def parse_ipv4_number(host: str) -> ipaddress.IPv4Address:
    """An IPv4 address in any inet_aton form: 1 to 4 parts, each decimal, 0-octal or 0x-hex,
    the last part filling the bytes left. Refuses what a resolver would not take."""
    parts = host.split(".")
    if len(parts) > 4 or not all(_NUMBER.match(p) for p in parts):
        raise WebhookUrlRefused("webhook_url_malformed", "not a valid IPv4 address", {"host": host})
    values = []
    for part in parts:
        if part.startswith("0x"):
            values.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not set(part) <= set("01234567"):
                raise WebhookUrlRefused(
                    "webhook_url_malformed", "not a valid IPv4 address", {"host": host}
                )
            values.append(int(part, 8))
        else:
            values.append(int(part))
    last_bytes = 5 - len(values)
    if any(v > 255 for v in values[:-1]) or values[-1] >= 256**last_bytes:
        raise WebhookUrlRefused("webhook_url_malformed", "not a valid IPv4 address", {"host": host})
    number = 0
    for v in values[:-1]:
        number = number * 256 + v
    return ipaddress.IPv4Address(number * 256**last_bytes + values[-1])


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError as exc:
        raise WebhookUrlRefused("webhook_url_malformed", "not a valid URL") from exc
    return parts


def _port(parts: SplitResult, scheme: str) -> int:
    port = parts.port
    if port == 0:
        raise WebhookUrlRefused("webhook_url_malformed", "port 0 is not a port")
    return port or (443 if scheme == "https" else 80)


def _host(parts: SplitResult) -> tuple[str, IPAddress | None]:
    raw = (parts.hostname or "").rstrip(".")
    if not raw:
        raise WebhookUrlRefused("webhook_url_malformed", "a webhook URL names a host")
    if "[" in parts.netloc:  # an IPv6 literal; a zone (%eth0) is a local interface
        try:
            v6 = ipaddress.IPv6Address(raw)
        except ValueError as exc:
            raise WebhookUrlRefused(
                "webhook_url_malformed", "not a valid IPv6 address", {"host": raw}
            ) from exc
        return str(v6), v6
    labels = raw.split(".")
    if _NUMBER.match(labels[-1]):
        v4 = parse_ipv4_number(raw)
        return str(v4), v4
    if not all(_LABEL.match(label) for label in labels):
        raise WebhookUrlRefused(
            "webhook_url_malformed",
            "a host name is ASCII letters, digits and hyphens (international names as xn--)",
            {"host": raw},
        )
    if _is_localhost_name(raw):
        return raw, None
    if len(labels) == 1:
        raise WebhookUrlRefused(
            "webhook_host_internal",
            "single-label host names are internal: use a fully qualified name",
            {"host": raw},
        )
    if any(raw.endswith("." + suffix) for suffix in INTERNAL_SUFFIXES):
        raise WebhookUrlRefused(
            "webhook_host_internal", "internal host names are refused", {"host": raw}
        )
    return raw, None


def _is_localhost_name(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")


def _embedded(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 transition form carries (none for plain addresses)."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    if address in NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return []


def _carried(address: IPAddress) -> IPAddress:
    embedded = _embedded(address)
    return embedded[0] if len(embedded) == 1 else address
