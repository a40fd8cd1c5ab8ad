"""The fields every scanner POST shares: the scanned text, the client scan id (the
idempotency key when no Idempotency-Key header is sent) and the device that sent it."""

from __future__ import annotations

from marshmallow import fields, validate

SCANNED = validate.Length(1, 200)


def client_scan_id() -> fields.String:
    return fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 200),
        metadata={"description": "Key when no Idempotency-Key header is sent"},
    )


def device_id() -> fields.String:
    return fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 64))
