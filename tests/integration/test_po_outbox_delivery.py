"""A sent purchase order reaches the supplier: the outbox's `supplier` consumer POSTs the PO's
JSON to a real HTTP endpoint on 127.0.0.1, signed with the secret a manager gave the
supplier; an e-mail-only supplier gets it by e-mail through a real (tiny) SMTP server, and
without one configured the message waits, visible."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from scanfloor.allocation.signing import HEADER, verify
from scanfloor.outbox.dispatcher import dispatch_due
from tests.http_receiver import PostRecorder
from tests.outbox_helpers import states
from tests.po_lifecycle_helpers import build_site, messages, sent_po
from tests.smtp_sink import SmtpSink

SECRET = "acme-po-endpoint-secret-0123456789"


@pytest.fixture
def endpoint(app: Any) -> Any:
    app.config.update(
        SCANFLOOR_OUTBOX_KICK=False,
        SCANFLOOR_OUTBOX_RETRY_BASE_SECONDS=0.05,
        SCANFLOOR_OUTBOX_RETRY_CAP_SECONDS=0.2,
    )
    ep = PostRecorder("/po")
    yield ep
    ep.stop()


@pytest.fixture
def sink(app: Any) -> Any:
    smtp = SmtpSink()
    yield smtp
    smtp.stop()


def _deliver_until_done(msg_id: int) -> None:
    """Dispatch (retries come due quickly here) until the message is no longer pending."""
    deadline = time.monotonic() + 10
    while states()[msg_id][0] == "pending":
        assert time.monotonic() < deadline, states()
        if dispatch_due().claimed == 0:
            time.sleep(0.05)


def test_a_sent_po_is_posted_to_the_supplier_signed_with_its_secret(client, auth, endpoint):
    site = build_site(endpoint=endpoint.url)
    r = client.patch(
        f"/api/v1/suppliers/{site.supplier.id}",
        headers=auth("manager"),
        json={"po_endpoint_secret": SECRET},
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["has_po_endpoint_secret"] is True
    assert SECRET not in r.get_data(as_text=True)
    po = sent_po(client, auth, site, [("WIDGET", 24, "2.00")])
    [msg] = messages(site.supplier.id)

    assert dispatch_due().claimed == 1
    [(headers, body)] = endpoint.received
    assert json.loads(body) == msg.payload
    assert json.loads(body)["po"]["number"] == po["number"]
    assert headers["Scanfloor-Event"] == "purchase_order_sent"
    assert headers["Scanfloor-Delivery"] == str(msg.id)
    now = int(time.time())
    assert verify(SECRET, headers[HEADER], body, now)
    assert not verify(SECRET + "-other", headers[HEADER], body, now)
    assert not verify(SECRET, headers[HEADER], body + b" ", now)
    assert states()[msg.id] == ("delivered", 1)


def test_an_email_only_supplier_waits_for_smtp_then_gets_the_po_by_email(
    app, client, auth, endpoint, sink
):
    site = build_site(endpoint=None, email="buyer-desk@acme.example")
    po = sent_po(client, auth, site, [("GADGET", 3, "4.00")])
    [msg] = messages(site.supplier.id)
    assert msg.payload["email"] == "buyer-desk@acme.example"

    dispatch_due()
    assert states()[msg.id] == ("pending", 1)  # no SMTP server: a failed attempt, kept
    error = messages(site.supplier.id)[0].last_error or ""
    assert "SCANFLOOR_SMTP_URL" in error and "buyer-desk@acme.example" in error
    assert sink.received == [] and endpoint.received == []

    app.config.update(SCANFLOOR_SMTP_URL=sink.url, SCANFLOOR_MAIL_FROM="buying@wh.example")
    _deliver_until_done(msg.id)
    assert states()[msg.id] == ("delivered", 2)
    [mail] = sink.received
    assert mail.rcpt_to == ["buyer-desk@acme.example"]
    assert mail.mail_from == "buying@wh.example"
    email = mail.message
    assert email["To"] == "buyer-desk@acme.example"
    assert email["Subject"] == f"Purchase order {po['number']} rev {po['revision']}"
    assert email["Message-ID"] == f"<scanfloor-po-{msg.id}@wh.example>"
    assert po["number"] in email.get_body(("plain",)).get_content()
    files = {part.get_filename(): part for part in email.iter_attachments()}
    assert set(files) == {f"{po['number']}.pdf", f"{po['number']}.csv"}
    pdf = files[f"{po['number']}.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content().startswith(b"%PDF")
    assert files[f"{po['number']}.csv"].get_content() == msg.payload["csv"]
    assert endpoint.received == []  # e-mail only: nothing was posted anywhere


def test_a_recipient_the_mail_server_refuses_leaves_the_po_in_the_outbox(
    app, client, auth, endpoint, sink
):
    site = build_site(endpoint=None, email="nobody@acme.example")
    sent_po(client, auth, site, [("GADGET", 1, "4.00")])
    [msg] = messages(site.supplier.id)
    sink.refuse_rcpt = True
    app.config.update(SCANFLOOR_SMTP_URL=sink.url, SCANFLOOR_MAIL_FROM="buying@wh.example")

    dispatch_due()
    assert states()[msg.id] == ("pending", 1)
    assert "550" in (messages(site.supplier.id)[0].last_error or "")
    assert sink.received == []

    sink.refuse_rcpt = False  # the mailbox exists now: the retry goes through
    _deliver_until_done(msg.id)
    assert states()[msg.id] == ("delivered", 2)
    assert [m.rcpt_to for m in sink.received] == [["nobody@acme.example"]]
