"""Webhook signatures and the event kind each outbox topic has, without a database.
(The retry schedule is the outbox's: tests/unit/test_outbox_rules.py.)"""

from __future__ import annotations

import time

from scanfloor.allocation.signing import signature, verify, webhook_kind

SECRET = "s3cret-s3cret-s3cret"


def test_a_signature_older_than_300_seconds_or_for_another_body_is_refused():
    body = b'{"kind":"ats_changed"}'
    now = int(time.time())
    assert verify(SECRET, signature(SECRET, now, body), body, now)
    assert not verify(SECRET, signature(SECRET, now - 301, body), body, now)
    assert not verify(SECRET, signature(SECRET, now, body), body + b" ", now)
    assert not verify("another-secret-value", signature(SECRET, now, body), body, now)
    assert not verify(SECRET, "v1=abc", body, now)


def test_channels_keep_seeing_the_event_kinds_they_always_saw():
    assert webhook_kind("order.status") == "order_status"
    assert webhook_kind("ats.changed") == "ats_changed"
    assert webhook_kind("shipment.confirmed") == "shipment_confirmed"
