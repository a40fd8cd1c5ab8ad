"""One error shape for the whole API: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from ..errors import ScanfloorError

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
}


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "Stable machine-readable error code"})
    message = ma.fields.String(metadata={"description": "What went wrong, for a person"})
    details = ma.fields.Dict(metadata={"description": "Context: fields, quantities, ids"})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetailSchema)


def error_body(
    status: int, message: str, details: dict[str, Any] | None = None, code: str | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": code or _CODES.get(status, "error"),
            "message": message,
            "details": details or {},
        }
    }


class ScanfloorApi(Api):  # type: ignore[misc]
    """flask-smorest Api whose HTTP errors use Scanfloor's error shape."""

    ERROR_SCHEMA = ErrorSchema

    def _init_spec(self, **kwargs: Any) -> None:
        super()._init_spec(**kwargs)
        # The document as a contract: operation ids, the Idempotency-Key header, field
        # types apispec cannot see, required answer fields (api/openapi_contract.py).
        from .openapi_contract import install

        install(self)

    def handle_http_exception(self, error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        details: dict[str, Any] = {}
        if "messages" in data:  # webargs validation errors, by location then field
            details["fields"] = data["messages"]
        if "errors" in data:
            details["fields"] = data["errors"]
        message = data.get("message") or error.description or error.name
        if status == 422 and "fields" in details:
            message = "the request did not pass validation"
        if status >= 500:
            message = "internal error"
        headers = data.get("headers", {})
        return error_body(status, message, details), status, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ScanfloorError)
    def _domain_error(exc: ScanfloorError) -> ResponseReturnValue:
        return jsonify(exc.to_dict()), exc.status, exc.http_headers()

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        if isinstance(exc, HTTPException):
            return app.extensions["scanfloor_api"].handle_http_exception(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return app.extensions["scanfloor_api"].handle_http_exception(InternalServerError())
