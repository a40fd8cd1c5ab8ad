"""Webhook signatures and the retry schedule, without a database."""

from __future__ import annotations

import time

from scanfloor.allocation.signing import retry_after, signature, verify

SECRET = "s3cret-s3cret-s3cret"


def test_a_signature_older_than_300_seconds_or_for_another_body_is_refused():
    body = b'{"kind":"ats_changed"}'
    now = int(time.time())
    assert verify(SECRET, signature(SECRET, now, body), body, now)
    assert not verify(SECRET, signature(SECRET, now - 301, body), body, now)
    assert not verify(SECRET, signature(SECRET, now, body), body + b" ", now)
    assert not verify("another-secret-value", signature(SECRET, now, body), body, now)
    assert not verify(SECRET, "v1=abc", body, now)


def test_retries_back_off_doubling_up_to_an_hour():
    assert [retry_after(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert retry_after(30) == 3600
