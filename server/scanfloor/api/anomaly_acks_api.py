"""Acknowledging anomaly flags (reporting/ack_service.py): a supervisor (or above) who looked
into a flag of the unusual-losses or repeated-small-losses report records what they found;
the reports show the flag as acknowledged from then on (by its fingerprint, which each flag
row carries beside its subject). A flag is acknowledged once: a second acknowledgement is a
409 naming the first; a blank note is a 422."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..auth.guard import current_principal, requires
from ..reporting import ack_service
from ..reporting.ack_rules import KINDS, MAX_FINGERPRINT, MAX_NOTE, MAX_SUBJECT
from ..reporting.ack_service import MAX_LIST, AckView
from .fields import RequestSchema
from .idempotency import idempotent

blp = Blueprint(
    "anomaly_acks_api",
    __name__,
    url_prefix="/api/v1/reports/anomalies/acks",
    description="Reports: acknowledging anomaly flags with a note",
)
_KIND = validate.OneOf(KINDS)


class AnomalyAckIn(RequestSchema):
    fingerprint = fields.String(
        required=True,
        validate=validate.Length(1, MAX_FINGERPRINT),
        metadata={"description": "The flag row's fingerprint, as the report gave it"},
    )
    kind = fields.String(required=True, validate=_KIND, metadata={"description": "The KPI id"})
    subject = fields.String(
        required=True,
        validate=validate.Length(1, MAX_SUBJECT),
        metadata={"description": "The flag row's subject, as the report gave it"},
    )
    note = fields.String(
        required=True,
        validate=validate.Length(max=MAX_NOTE),
        metadata={"description": "What was found (not blank)"},
    )


class AnomalyAckListArgs(RequestSchema):
    kind = fields.String(load_default=None, validate=_KIND, metadata={"description": "KPI id"})
    limit = fields.Integer(
        load_default=100, validate=validate.Range(1, MAX_LIST), metadata={"description": "Newest"}
    )


class AnomalyAckOut(ma.Schema):
    id = fields.Integer(required=True)
    fingerprint = fields.String(required=True)
    kind = fields.String(required=True)
    subject = fields.String(required=True)
    note = fields.String(required=True)
    acked_by = fields.Integer(required=True, metadata={"description": "User id"})
    acked_by_username = fields.String(required=True)
    acked_at = fields.DateTime(required=True)


class AnomalyAckList(ma.Schema):
    acks = fields.List(fields.Nested(AnomalyAckOut), required=True)


@blp.route("")
class AnomalyAcks(MethodView):
    @blp.arguments(AnomalyAckListArgs, location="query")
    @blp.response(200, AnomalyAckList)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, list[AckView]]:
        """Acknowledged flags, newest first (of one kind with `kind`)."""
        return {"acks": ack_service.list_acks(args["kind"], args["limit"])}

    @idempotent
    @blp.arguments(AnomalyAckIn)
    @blp.response(201, AnomalyAckOut)
    @requires("supervisor")
    def post(self, body: dict[str, Any]) -> AckView:
        """Acknowledge a flag with a note: 409 when it already is, 422 for a blank note."""
        return ack_service.acknowledge(
            body["fingerprint"], body["kind"], body["subject"], body["note"],
            current_principal().user_id,
        )  # fmt: skip
