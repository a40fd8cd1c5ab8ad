"""Channel settlements: import one (a Shopify payout's transactions as CSV or JSON, an
Amazon settlement report flat file V2) as a multipart upload, list them, read one with its
lines, and the settlement exception queues. Read by supervisors and above and finance;
imported by finance and admins, as every finance write."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.guard import current_principal, requires
from ..catalog.results import Page
from ..errors import ValidationFailed
from ..finance import settlement_exceptions, settlement_service
from ..finance.settlement_views import SettlementView
from .body_limits import larger_body
from .settlements_schemas import (
    ExceptionArgs,
    SettlementExceptionsSchema,
    SettlementListArgs,
    SettlementPageSchema,
    SettlementSchema,
    SettlementUploadSchema,
)

blp = Blueprint(
    "settlements_api",
    __name__,
    url_prefix="/api/v1/finance",
    description="Channel settlements: import, booking, exception queues",
)
FILE_FIELD = "file"
MAX_BYTES = "SCANFLOOR_SETTLEMENT_MAX_BYTES"
_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    FILE_FIELD: {"type": "string", "format": "binary"},
                    "channel": {"type": "string", "description": "The channel's code"},
                    "source": {"type": "string", "enum": list(settlement_service.SOURCES)},
                },
                "required": [FILE_FIELD, "channel", "source"],
            }
        }
    },
}


@blp.route("/settlements")
class Settlements(MethodView):
    @blp.arguments(SettlementListArgs, location="query")
    @blp.response(200, SettlementPageSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Page[SettlementView]:
        """Imported settlements, newest first (filter: channel code)."""
        return settlement_service.list_settlements(
            channel=args["channel"], limit=args.get("limit"), cursor=args.get("cursor")
        )

    @larger_body(MAX_BYTES)
    @blp.doc(requestBody=_UPLOAD)
    @blp.response(201, SettlementSchema)
    @requires("admin", also=("finance",))
    def post(self) -> SettlementView:
        """Import a channel's settlement file and book its one journal entry."""
        upload = request.files.get(FILE_FIELD)
        if upload is None:
            raise ValidationFailed(
                f"send the settlement as a multipart file field named '{FILE_FIELD}'",
                {"content_type": request.mimetype},
            )
        try:
            form = SettlementUploadSchema().load(
                {k: request.form[k] for k in ("channel", "source") if k in request.form}
            )
        except ma.ValidationError as exc:
            raise ValidationFailed(
                "the form fields are not valid", {"form": exc.messages}
            ) from None
        limit = int(current_app.config[MAX_BYTES])
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            raise RequestEntityTooLarge()
        return settlement_service.import_settlement(
            form["channel"], form["source"], data, current_principal().user_id
        )


@blp.route("/settlements/<int:settlement_id>")
class SettlementById(MethodView):
    @blp.response(200, SettlementSchema)
    @requires("supervisor", also=("finance",))
    def get(self, settlement_id: int) -> SettlementView:
        """One settlement with its lines and the orders they name."""
        return settlement_service.get_settlement(settlement_id)


@blp.route("/settlement-exceptions")
class SettlementExceptions(MethodView):
    @blp.arguments(ExceptionArgs, location="query")
    @blp.response(200, SettlementExceptionsSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Settlement exception queues, oldest first (kind= one queue, channel= a code)."""
        rows = settlement_exceptions.settlement_exceptions(
            queue=args["kind"], channel=args["channel"]
        )
        return {"exceptions": rows}
