"""Purchase orders to suppliers through the outbox: the message a send, an amendment or a
cancellation writes, and the consumer for destinations `supplier:<id>`.

The message is written in the transaction that sends, amends or cancels the PO, and holds
the PO as it was then: {"topic", "po" (po_document.po_json), "csv", "pdf_base64", "email",
and for an amendment "amendment": {revision, reason, changes}}. Delivery comes later from
the outbox dispatcher, with no transaction open, at least once.

The consumer POSTs that JSON to the supplier's `po_endpoint` with the HTTP client channel
webhooks use (allocation/webhook_http.py: the URL policy checked at every delivery, loopback
only where SCANFLOOR_WEBHOOK_ALLOW_LOOPBACK allows it, no redirects, one deadline) and the
same signature (allocation/signing.py: Scanfloor-Signature t=..,v1=HMAC-SHA256), the event
in Scanfloor-Event (purchase_order_sent | _amended | _cancelled) and the outbox message id in
Scanfloor-Delivery (the same on every attempt: receivers deduplicate on it).

The key is the supplier's `po_endpoint_secret`, set by a manager and never read back (as a
channel's webhook_secret): the supplier verifies with the secret it was given. A supplier
with no endpoint and an e-mail address gets the PO by e-mail (po_mail.py: the PDF and the
CSV attached) through the SMTP server of SCANFLOOR_SMTP_URL, from SCANFLOOR_MAIL_FROM
(mailer.py), within what is left of the dispatcher's lease. With no SMTP server set the
attempt fails with that reason and the message stays in the outbox, retried and visible to
managers, until one is.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select

from ..allocation.signing import HEADER, signature, webhook_kind
from ..allocation.webhook_http import loopback_allowed, post
from ..extensions import db
from ..mailer import MailNotSent, send_mail
from ..outbox.consumers import Message, Outcome, register
from ..outbox.service import enqueue
from ..smtp_rules import MailSettingError, check_mail_from, parse_smtp_url, sender_domain
from .models import Supplier
from .po_document import po_csv, po_json, po_pdf
from .po_document_service import load_document
from .po_mail import po_email

KIND = "supplier"
TOPICS = ("purchase_order.sent", "purchase_order.amended", "purchase_order.cancelled")
TIMEOUT_S = 10.0  # a PDF rides along: a little longer than a channel webhook's 5 s
SMTP_URL = "SCANFLOOR_SMTP_URL"
MAIL_FROM = "SCANFLOOR_MAIL_FROM"
_S = Supplier.__table__
_SUPPLIER = select(_S.c.code, _S.c.email, _S.c.po_endpoint, _S.c.po_endpoint_secret).where(
    _S.c.id == bindparam("id")
)


def destination(supplier_id: int) -> str:
    return f"{KIND}:{supplier_id}"


def po_payload(po_id: int, topic: str, amendment: dict[str, Any] | None = None) -> dict[str, Any]:
    """The message for one PO event: the PO document as JSON, CSV and PDF, and the e-mail."""
    doc = load_document(po_id)
    payload: dict[str, Any] = {
        "topic": topic,
        "po": po_json(doc),
        "csv": po_csv(doc),
        "pdf_base64": base64.b64encode(po_pdf(doc)).decode("ascii"),
        "email": doc.supplier_email,
    }
    if amendment is not None:
        payload["amendment"] = amendment
    return payload


def enqueue_po_message(
    po_id: int, supplier_id: int, topic: str, amendment: dict[str, Any] | None = None
) -> None:
    """Write the PO's message in the caller's transaction (it goes out once that commits)."""
    if topic not in TOPICS:
        raise ValueError(f"unknown purchase order topic {topic!r}")
    payload = po_payload(po_id, topic, amendment)
    enqueue(db.session.connection(), topic, destination(supplier_id), payload)


def deliver_to_supplier(msg: Message, seconds: float) -> Outcome:
    """POST one PO message to the supplier's endpoint, or e-mail it when the supplier has
    only an address; a 2xx answer, or the SMTP server taking the mail, is delivered."""
    supplier_id = int(msg.target)
    row: Any = db.session.connection().execute(_SUPPLIER, {"id": supplier_id}).first()
    if row is None:
        return Outcome(error="supplier not found")
    if row.po_endpoint:
        return _post(msg, row.po_endpoint, row.po_endpoint_secret or "", seconds)
    if row.email:
        return _mail(msg, row.code, row.email, seconds)
    return Outcome(error=f"supplier {row.code} has neither a po_endpoint nor an e-mail address")


def _post(msg: Message, url: str, secret: str, seconds: float) -> Outcome:
    """As a channel webhook (allocation/webhooks.py): signed with the supplier's secret."""
    body = json.dumps(msg.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        HEADER: signature(secret, int(time.time()), body),
        "Scanfloor-Event": webhook_kind(msg.topic),
        "Scanfloor-Delivery": str(msg.id),
    }
    db.session.rollback()  # no transaction held open across the network call
    status, error = post(
        url, body, headers, min(TIMEOUT_S, seconds), allow_loopback=loopback_allowed()
    )
    return Outcome(error=error, status_code=status)


def _mail(msg: Message, code: str, email: str, seconds: float) -> Outcome:
    """E-mail the PO (PDF and CSV attached) through SCANFLOOR_SMTP_URL."""
    config = current_app.config
    try:
        server = parse_smtp_url(config.get(SMTP_URL))
        sender = check_mail_from(config.get(MAIL_FROM)) if server is not None else ""
    except MailSettingError as exc:
        return Outcome(error=f"e-mail settings ({SMTP_URL}, {MAIL_FROM}): {exc}")
    if server is None:
        return Outcome(
            error=f"supplier {code} takes purchase orders by e-mail ({email}) and "
            f"{SMTP_URL} is not set: the message waits until it is"
        )
    message = po_email(
        msg.payload, to=email, sender=sender, domain=sender_domain(sender), delivery_id=msg.id
    )
    db.session.rollback()  # no transaction held open across the network call
    try:
        send_mail(server, message, seconds)
    except MailNotSent as exc:
        return Outcome(error=str(exc))
    return Outcome()


register(KIND, deliver_to_supplier)
