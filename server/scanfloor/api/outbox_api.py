"""The outbox for managers: messages by state (dead letters above all) and retry now."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..auth.guard import requires
from ..outbox import service
from ..outbox.rules import STATES
from .fields import RequestSchema

blp = Blueprint("outbox_api", __name__, url_prefix="/api/v1", description="Outbox")


class OutboxArgsSchema(RequestSchema):
    state = fields.String(validate=validate.OneOf(STATES))
    destination = fields.String(validate=validate.Length(3, 120))
    limit = fields.Integer(load_default=200, validate=validate.Range(1, service.MAX_ROWS))


class OutboxMessageSchema(ma.Schema):
    id = fields.Integer(metadata={"description": "Also the webhook's Scanfloor-Delivery id"})
    topic = fields.String(metadata={"description": "e.g. order.status, ats.changed"})
    destination = fields.String(metadata={"description": "<kind>:<target>, e.g. channel:12"})
    payload = fields.Dict()
    state = fields.String(metadata={"description": "pending, delivered or dead"})
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class OutboxMessagesSchema(ma.Schema):
    messages = fields.List(fields.Nested(OutboxMessageSchema))


@blp.route("/outbox")
class OutboxMessages(MethodView):
    @blp.doc(operationId="list_outbox_messages")
    @blp.arguments(OutboxArgsSchema, location="query")
    @blp.response(200, OutboxMessagesSchema)
    @requires("manager")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Outbox messages, newest first (state=dead: the dead letters)."""
        return {"messages": service.list_messages(**args)}


@blp.route("/outbox/<bigid:message_id>/retry")
class RetryOutboxMessage(MethodView):
    @blp.doc(operationId="retry_outbox_message")
    @blp.response(200, OutboxMessageSchema)
    @requires("manager")
    def post(self, message_id: int) -> service.MessageView:
        """Put a dead message back in line, due now; 409 if it was delivered."""
        return service.retry_message(message_id)
