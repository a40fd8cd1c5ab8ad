"""Pure rules for outgoing e-mail settings: the SMTP server URL and the From address.

SCANFLOOR_SMTP_URL is `smtp://[user:pass@]host[:port]` (port 25 by default; STARTTLS when
the server offers it) or `smtps://[user:pass@]host[:port]` (TLS from the first byte, port
465 by default); blank means e-mail is off. The user and password are percent-decoded, so
a password with `@` or `:` in it is written `%40` / `%3A`. Error messages never repeat the
URL: it may hold a password.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


class MailSettingError(ValueError):
    """An SMTP URL or a From address that cannot be used."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool  # smtps://: TLS from the first byte; smtp://: STARTTLS if offered
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never in logs or tracebacks


def parse_smtp_url(raw: str | None) -> SmtpServer | None:
    """The server a SCANFLOOR_SMTP_URL names, or None when it is blank (e-mail off)."""
    text = (raw or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise MailSettingError("the scheme must be smtp:// (STARTTLS) or smtps:// (TLS)")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise MailSettingError("it is smtp[s]://[user:pass@]host[:port], with no path or query")
    host = parts.hostname or ""
    if not host or any(c.isspace() for c in host):
        raise MailSettingError("it names no host")
    try:
        port = DEFAULT_PORTS[scheme] if parts.port is None else parts.port
    except ValueError:
        raise MailSettingError("the port must be a number from 1 to 65535") from None
    if not 1 <= port <= 65535:
        raise MailSettingError("the port must be a number from 1 to 65535")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if (username is None) != (password is None):
        raise MailSettingError("give both a user and a password, or neither")
    return SmtpServer(host, port, scheme == "smtps", username, password)


def password_in_clear_allowed(host: str) -> bool:
    """A password may cross a connection without TLS only to this machine (a local relay);
    anywhere else an SMTP server that offers no STARTTLS gets no login."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_mail_from(raw: str | None) -> str:
    """A From address: `po@example.com` or `Buying <po@example.com>`, on one line."""
    text = (raw or "").strip()
    if not text or "\r" in text or "\n" in text:
        raise MailSettingError("give the From address, e.g. purchasing@example.com")
    _name, address = parseaddr(text)
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address):
        raise MailSettingError("it is not an e-mail address such as purchasing@example.com")
    return text


def sender_domain(mail_from: str) -> str:
    """The domain of a (checked) From address: the right side of our Message-IDs."""
    return parseaddr(mail_from)[1].rpartition("@")[2].lower()
