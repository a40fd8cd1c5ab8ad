"""One movement's drill-down (issue 14): GET /api/v1/movements/<id> answers the movement as
the ledger lists it, plus who posted it, from which device and when, the other lines of its
posting, its reversal, its source document (with the console's page for it, where the
console has one) and the approvals recorded for that document (reporting/movement_detail.py).

Supervisors and above, and finance, read it, like the finance reads that trace a figure: a
worker lists movements but does not see who approved what."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..reporting.movement_detail import movement_detail
from .ledger_schemas import MovementOut

blp = Blueprint(
    "movement_detail",
    __name__,
    url_prefix="/api/v1/movements",
    description="One movement's drill-down: who, device, posting, reversal, source, approvals",
)


class MovementActorOut(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    display_name = ma.fields.String()
    role = ma.fields.String(metadata={"description": "The role the user holds now"})


class MovementBriefOut(ma.Schema):
    id = ma.fields.Integer()
    posting_id = ma.fields.Integer()
    item_id = ma.fields.Integer()
    sku = ma.fields.String()
    quantity = ma.fields.Integer()
    from_location_code = ma.fields.String()
    to_location_code = ma.fields.String()
    movement_type = ma.fields.String()
    reason_code = ma.fields.String(allow_none=True)
    occurred_at = ma.fields.DateTime()


class MovementLinkedOut(MovementBriefOut):
    actor = ma.fields.Nested(MovementActorOut, allow_none=True)


class MovementPostingOut(ma.Schema):
    id = ma.fields.Integer()
    movement_type = ma.fields.String()
    recorded_at = ma.fields.DateTime()
    line_count = ma.fields.Integer(metadata={"description": "Every line, this one included"})
    movements = ma.fields.List(
        ma.fields.Nested(MovementBriefOut),
        metadata={"description": "The posting's other lines (at most 100)"},
    )
    more = ma.fields.Boolean(metadata={"description": "More lines than listed"})


class MovementReversalOut(ma.Schema):
    reversed_by = ma.fields.Nested(
        MovementLinkedOut, allow_none=True, metadata={"description": "The movement reversing it"}
    )
    reverses = ma.fields.Nested(
        MovementLinkedOut, allow_none=True, metadata={"description": "The movement it reverses"}
    )


class MovementDocumentOut(ma.Schema):
    type = ma.fields.String()
    id = ma.fields.String(allow_none=True)
    label = ma.fields.String()
    console_url = ma.fields.String(
        allow_none=True, metadata={"description": "null: the console has no page for it"}
    )


class MovementSourceOut(MovementDocumentOut):
    related = ma.fields.List(
        ma.fields.Nested(MovementDocumentOut),
        metadata={"description": "Documents it belongs to or serves (orders, receipts)"},
    )


class MovementApprovalOut(ma.Schema):
    step = ma.fields.String(metadata={"description": "counted, variance_approved, inspected..."})
    what = ma.fields.String()
    by = ma.fields.Nested(MovementActorOut, allow_none=True)
    at = ma.fields.DateTime(allow_none=True)
    reason_code = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)


class MovementDetailOut(MovementOut):
    item_name = ma.fields.String()
    from_container_code = ma.fields.String(allow_none=True)
    to_container_code = ma.fields.String(allow_none=True)
    actor = ma.fields.Nested(MovementActorOut, allow_none=True)
    posting = ma.fields.Nested(MovementPostingOut)
    reversal = ma.fields.Nested(MovementReversalOut)
    source = ma.fields.Nested(
        MovementSourceOut, allow_none=True, metadata={"description": "null: none recorded"}
    )
    approvals = ma.fields.List(
        ma.fields.Nested(MovementApprovalOut),
        metadata={"description": "Recorded for the source document, oldest first"},
    )


def _linked(doc: dict[str, Any]) -> dict[str, Any]:
    """A document with the console's URL for its page (None where there is none)."""
    page = doc.pop("page")
    if page is not None:
        endpoint, name, value = page
        doc["console_url"] = url_for(endpoint, **{name: value})
    else:
        doc["console_url"] = None
    return doc


@blp.route("/<bigid:movement_id>")
class MovementById(MethodView):
    @blp.doc(operationId="get_movement")
    @blp.response(200, MovementDetailOut)
    @requires("supervisor", also=("finance",))
    def get(self, movement_id: int) -> dict[str, Any]:
        """One movement: who, device, when, its posting, reversal, source and approvals."""
        detail = movement_detail(movement_id)
        source = detail["source"]
        if source is not None:
            source["related"] = [_linked(r) for r in source["related"]]
            _linked(source)
        return detail
