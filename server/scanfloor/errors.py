"""Named errors raised by services, and their HTTP status and error code.

Every error the API returns has one shape: {"error": {"code", "message", "details"}}.
"""

from __future__ import annotations

from typing import Any


class ScanfloorError(Exception):
    """Base for every expected, client-caused failure."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class ValidationFailed(ScanfloorError):
    status = 422
    code = "validation_failed"


class NotFound(ScanfloorError):
    status = 404
    code = "not_found"


class Conflict(ScanfloorError):
    status = 409
    code = "conflict"


class InsufficientStock(Conflict):
    code = "insufficient_stock"


class DuplicateSku(Conflict):
    code = "duplicate_sku"


class BarcodeClash(Conflict):
    code = "barcode_clash"


class DuplicateCode(Conflict):
    """A location, container or lot code that is already taken."""

    code = "duplicate_code"


class AlreadyReversed(Conflict):
    code = "already_reversed"


class IdempotencyMismatch(Conflict):
    code = "idempotency_key_reused"


class InvalidBarcode(ValidationFailed):
    code = "invalid_barcode"


class UnknownBarcode(NotFound):
    code = "unknown_barcode"


class Unauthorized(ScanfloorError):
    status = 401
    code = "unauthorized"


class InvalidCredentials(Unauthorized):
    """Wrong username, password, badge or PIN: one answer whichever it was."""

    code = "invalid_credentials"


class Forbidden(ScanfloorError):
    status = 403
    code = "forbidden"


class Locked(ScanfloorError):
    """Too many wrong PINs: the badge is refused for a while."""

    status = 403
    code = "badge_locked"
