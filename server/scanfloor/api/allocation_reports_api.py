"""Allocation reports for the console: backorders by age and the webhook delivery log."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..allocation import reports
from ..auth.guard import requires
from .fields import RequestSchema

blp = Blueprint(
    "allocation_reports_api", __name__, url_prefix="/api/v1", description="Allocation reports"
)


class ReportArgsSchema(RequestSchema):
    channel = fields.String(validate=validate.Length(1, 32))
    limit = fields.Integer(load_default=200, validate=validate.Range(1, reports.MAX_ROWS))


class BackorderLineSchema(ma.Schema):
    order_id = fields.Integer()
    external_id = fields.String()
    channel = fields.String()
    line_id = fields.Integer()
    line_no = fields.Integer()
    sku = fields.String()
    quantity = fields.Integer()
    held = fields.Integer(metadata={"description": "Units reserved or already picked"})
    waiting = fields.Integer(metadata={"description": "Units still to allocate"})
    status = fields.String()
    promised_ship_date = fields.Date(allow_none=True)
    ordered_at = fields.DateTime()
    age_minutes = fields.Integer()


class BackordersSchema(ma.Schema):
    lines = fields.List(fields.Nested(BackorderLineSchema))


class DeliveryAttemptSchema(ma.Schema):
    id = fields.Integer()
    event_id = fields.Integer()
    channel = fields.String()
    kind = fields.String()
    attempted_at = fields.DateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer()
    delivered = fields.Boolean(metadata={"description": "The event has been delivered"})
    attempts = fields.Integer(metadata={"description": "Attempts the event has had so far"})


class DeliveriesSchema(ma.Schema):
    deliveries = fields.List(fields.Nested(DeliveryAttemptSchema))


@blp.route("/allocation/backorders")
class Backorders(MethodView):
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, BackordersSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Order lines waiting for stock, oldest order first, with their age."""
        return {"lines": reports.backorders(**args)}


@blp.route("/webhooks/deliveries")
class WebhookDeliveries(MethodView):
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, DeliveriesSchema)
    @requires("manager")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The webhook delivery log, newest attempt first."""
        return {"deliveries": reports.webhook_deliveries(**args)}
