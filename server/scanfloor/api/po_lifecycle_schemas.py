"""Request and response schemas of the purchase order lifecycle: cancel, amend, edit a draft
line, the amendment history. (The PO itself: receiving_schemas.PoSchema.)"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate, validates_schema

from ..ledger.rules import MAX_QUANTITY
from .contract_fields import DecimalText
from .fields import Id, RequestSchema
from .receiving_schemas import PersonSchema

_LINES = 1000


def _quantity(required: bool = False) -> fields.Integer:
    return fields.Integer(
        required=required,
        strict=True,
        validate=validate.Range(1, MAX_QUANTITY),
        metadata={"description": "Ordered base units"},
    )


def _cost(required: bool = False) -> DecimalText:
    return DecimalText(
        places=6, digits=12, minimum=0, required=required, metadata={"example": "4.25"}
    )


def _line_no() -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(1, _LINES * 100))


class CancelSchema(RequestSchema):
    reason = fields.String(required=True, validate=validate.Length(1, 200))


class AmendLineIn(RequestSchema):
    """A change to line `line_no` (quantity, unit_cost and/or expected_date; a null
    expected_date clears it), or a new line by `sku` or `item_id` with quantity and
    unit_cost."""

    line_no = _line_no()
    sku = fields.String(validate=validate.Length(1, 64))
    item_id = Id()
    quantity = _quantity()
    unit_cost = _cost()
    expected_date = fields.Date(allow_none=True)

    @validates_schema
    def _one_kind(self, data: dict[str, Any], **kw: Any) -> None:
        new = data.get("sku") is not None or data.get("item_id") is not None
        if data.get("line_no") is not None:
            if new:
                raise ma.ValidationError("give line_no (a change) or sku/item_id (a new line)")
            if not {"quantity", "unit_cost", "expected_date"} & set(data):
                raise ma.ValidationError(
                    "give what changes: quantity, unit_cost or expected_date", "line_no"
                )
        elif not new:
            raise ma.ValidationError("give line_no to change a line, or sku/item_id to add one")
        elif data.get("quantity") is None or data.get("unit_cost") is None:
            raise ma.ValidationError("a new line needs quantity and unit_cost", "quantity")


class AmendSchema(RequestSchema):
    reason = fields.String(required=True, validate=validate.Length(1, 200))
    lines = fields.List(
        fields.Nested(AmendLineIn), load_default=list, validate=validate.Length(0, _LINES)
    )
    remove = fields.List(
        _line_no(),
        load_default=list,
        validate=validate.Length(0, _LINES),
        metadata={"description": "Line numbers to remove (lines that received nothing)"},
    )

    @validates_schema
    def _something(self, data: dict[str, Any], **kw: Any) -> None:
        if not data.get("lines") and not data.get("remove"):
            raise ma.ValidationError("give lines to change or add, or lines to remove", "lines")


class LinePatchSchema(RequestSchema):
    quantity = _quantity()
    unit_cost = _cost()
    expected_date = fields.Date(allow_none=True, metadata={"description": "null clears it"})

    @validates_schema
    def _something(self, data: dict[str, Any], **kw: Any) -> None:
        if not data:
            raise ma.ValidationError("give quantity, unit_cost or expected_date", "quantity")


class PoAmendmentSchema(ma.Schema):
    id = fields.Integer()
    revision = fields.Integer(metadata={"description": "The PO's revision this amendment made"})
    actor = fields.Nested(PersonSchema, allow_none=True)
    reason = fields.String()
    changes = fields.List(
        fields.Dict(keys=fields.String()),
        metadata={
            "description": "{line_no, field, old, new} per changed field; field 'line' is a "
            "line added (old null) or removed (new null)"
        },
    )
    created_at = fields.DateTime()


class PoAmendmentListSchema(ma.Schema):
    amendments = fields.List(fields.Nested(PoAmendmentSchema))
