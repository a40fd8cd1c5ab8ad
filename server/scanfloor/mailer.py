"""Sending one e-mail through the SMTP server of SCANFLOOR_SMTP_URL (smtp_rules.py).

Plain `smtp://` upgrades with STARTTLS when the server offers it (the certificate checked
against the host name); `smtps://` is TLS from the first byte. A password is only sent over
TLS, or to a relay on this machine. The whole exchange has one deadline, like a webhook
(allocation/webhook_http.py): smtplib's timeout is per socket operation, so a server that
trickles its answers is cut off by a timer that shuts the socket down when it passes.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import threading
from email.message import EmailMessage

from .smtp_rules import SmtpServer, password_in_clear_allowed


class MailNotSent(Exception):
    """The message did not reach the SMTP server (a failed attempt: try again later)."""


def send_mail(server: SmtpServer, message: EmailMessage, timeout: float) -> None:
    """Hand `message` to the server for its To recipients, within `timeout` seconds; the
    server accepting it is success. Raises MailNotSent with the reason otherwise."""
    timeout = max(0.01, timeout)
    context = ssl.create_default_context()
    client: smtplib.SMTP = (
        smtplib.SMTP_SSL(timeout=timeout, context=context)
        if server.implicit_tls
        else smtplib.SMTP(timeout=timeout)
    )
    cut = threading.Event()
    timer = threading.Timer(timeout, _cut, (client, cut))
    timer.daemon = True
    timer.start()
    try:
        _exchange(client, server, message, context)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        if cut.is_set():
            raise MailNotSent(f"SMTP {server.host}:{server.port}: timed out") from None
        raise MailNotSent(f"SMTP {server.host}:{server.port}: {_reason(exc)}"[:500]) from None
    finally:
        timer.cancel()
        with contextlib.suppress(Exception):
            client.close()


def _exchange(
    client: smtplib.SMTP,
    server: SmtpServer,
    message: EmailMessage,
    context: ssl.SSLContext,
) -> None:
    # smtplib checks the certificate (smtps:// and STARTTLS) against `_host`, which only
    # its constructor sets; the client is built unconnected so the timer can reach it.
    client._host = server.host  # type: ignore[attr-defined]
    client.connect(server.host, server.port)
    client.ehlo_or_helo_if_needed()
    tls = server.implicit_tls
    if not tls and client.has_extn("starttls"):
        client.starttls(context=context)
        client.ehlo()
        tls = True
    if server.username is not None:
        if not tls and not password_in_clear_allowed(server.host):
            raise MailNotSent(
                f"SMTP {server.host}:{server.port}: the server offers no STARTTLS, and the "
                "password is not sent in clear (use smtps:// or a server with STARTTLS)"
            )
        client.login(server.username, server.password or "")
    # Every recipient refused raises SMTPRecipientsRefused; some refused and some taken
    # would be a partial delivery, but our messages have one recipient.
    client.send_message(message)
    with contextlib.suppress(smtplib.SMTPException, OSError):
        client.quit()  # the message is accepted: a failed goodbye changes nothing


def _text(raw: bytes | str | None) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else (raw or "")


def _reason(exc: BaseException) -> str:
    """What went wrong, with the server's own words (its code and text) where it said any."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient refused: " + ", ".join(
            f"{rcpt} ({code} {_text(err)})" for rcpt, (code, err) in exc.recipients.items()
        )
    return str(exc) or exc.__class__.__name__


def _cut(client: smtplib.SMTP, cut: threading.Event) -> None:
    cut.set()
    sock = getattr(client, "sock", None)  # the TLS socket once STARTTLS has run
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
