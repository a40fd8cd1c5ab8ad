"""Schemas for movements, balances and the ledger check."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from ..ledger.models import MOVEMENT_TYPES
from ..ledger.rules import MAX_QUANTITY
from .contract_fields import DecimalText, id_or_code
from .fields import MAX_INT32, BigId, Cursor, Id, RequestSchema


class LocationRef(ma.fields.Field):
    """A location by id (integer) or by code (string)."""

    def openapi_properties(self) -> dict[str, Any]:
        return id_or_code("location")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int | str:
        if isinstance(value, bool):
            raise ma.ValidationError("give a location id or code")
        if isinstance(value, int) and 0 < value <= MAX_INT32:
            return value
        if isinstance(value, str) and 0 < len(value.strip()) <= 64:
            return value.strip().upper()
        raise ma.ValidationError("give a location id or code")


class MovementLineIn(RequestSchema):
    item_id = Id(required=True)
    quantity = ma.fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_QUANTITY),
        metadata={"description": "Base units, a positive integer"},
    )
    from_location = LocationRef(required=True, metadata={"description": "id or code"})
    to_location = LocationRef(required=True, metadata={"description": "id or code"})
    lot_id = Id(allow_none=True, load_default=None)
    from_container_id = Id(allow_none=True, load_default=None)
    to_container_id = Id(allow_none=True, load_default=None)
    reason_code = ma.fields.String(
        validate=validate.Length(1, 32), allow_none=True, load_default=None
    )
    # Numeric(18, 6): at most 12 digits before the point.
    unit_cost = DecimalText(places=6, digits=12, minimum=0, allow_none=True, load_default=None)


class MovementPostIn(ma.Schema):
    type = ma.fields.String(
        required=True, validate=validate.OneOf(["transfer", "adjustment", "receipt", "scrap"])
    )
    lines = ma.fields.List(
        ma.fields.Nested(MovementLineIn), required=True, validate=validate.Length(1, 1000)
    )
    occurred_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)
    device_id = ma.fields.String(validate=validate.Length(1, 64), load_default=None)
    source_id = ma.fields.String(validate=validate.Length(1, 64), load_default=None)


class ReverseIn(ma.Schema):
    reason = ma.fields.String(validate=validate.Length(1, 32), load_default=None)
    device_id = ma.fields.String(validate=validate.Length(1, 64), load_default=None)


class MovementOut(ma.Schema):
    id = ma.fields.Integer()
    posting_id = ma.fields.Integer()
    item_id = ma.fields.Integer()
    sku = ma.fields.String()
    lot_id = ma.fields.Integer(allow_none=True)
    lot_code = ma.fields.String(allow_none=True)
    quantity = ma.fields.Integer()
    from_location_id = ma.fields.Integer()
    from_location_code = ma.fields.String()
    from_container_id = ma.fields.Integer(allow_none=True)
    to_location_id = ma.fields.Integer()
    to_location_code = ma.fields.String()
    to_container_id = ma.fields.Integer(allow_none=True)
    movement_type = ma.fields.String()
    reason_code = ma.fields.String(allow_none=True)
    actor_id = ma.fields.Integer(allow_none=True)
    device_id = ma.fields.String(allow_none=True)
    source_type = ma.fields.String(allow_none=True)
    source_id = ma.fields.String(allow_none=True)
    unit_cost = DecimalText(places=6, allow_none=True)
    reverses_movement_id = ma.fields.Integer(allow_none=True)
    occurred_at = ma.fields.DateTime()
    recorded_at = ma.fields.DateTime()


class PostingOut(ma.Schema):
    posting_id = ma.fields.Integer()
    replayed = ma.fields.Boolean()
    movements = ma.fields.List(ma.fields.Nested(MovementOut))


class MovementQuery(RequestSchema):
    item_id = Id(strict=False)
    location_id = Id(strict=False)
    type = ma.fields.String(validate=validate.OneOf(MOVEMENT_TYPES))
    since = ma.fields.AwareDateTime(metadata={"description": "occurred at or after"})
    until = ma.fields.AwareDateTime(metadata={"description": "occurred before"})
    posting_id = BigId(strict=False)
    cursor = Cursor()
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(1, 500))


class MovementPageOut(ma.Schema):
    movements = ma.fields.List(ma.fields.Nested(MovementOut))
    next_cursor = ma.fields.String(allow_none=True)


class BalanceQuery(RequestSchema):
    item_id = Id(strict=False)
    location_id = Id(strict=False)
    warehouse_id = Id(strict=False)
    lot_id = Id(strict=False)
    include_virtual = ma.fields.Boolean(load_default=False)
    cursor = Cursor()
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(1, 5000))


class BalanceOut(ma.Schema):
    id = ma.fields.Integer()
    item_id = ma.fields.Integer()
    sku = ma.fields.String()
    location_id = ma.fields.Integer()
    location_code = ma.fields.String()
    location_type = ma.fields.String()
    is_virtual = ma.fields.Boolean()
    sellable = ma.fields.Boolean()
    lot_id = ma.fields.Integer(allow_none=True)
    lot_code = ma.fields.String(allow_none=True)
    container_id = ma.fields.Integer(allow_none=True)
    container_code = ma.fields.String(allow_none=True)
    quantity = ma.fields.Integer()


class BalanceTotalOut(ma.Schema):
    item_id = ma.fields.Integer()
    sku = ma.fields.String()
    on_hand = ma.fields.Integer(metadata={"description": "Physical locations only"})
    sellable = ma.fields.Integer(metadata={"description": "Physical sellable locations only"})


class BalancePageOut(ma.Schema):
    balances = ma.fields.List(ma.fields.Nested(BalanceOut))
    totals = ma.fields.List(ma.fields.Nested(BalanceTotalOut))
    next_cursor = ma.fields.String(allow_none=True)


class BrokenLinkOut(ma.Schema):
    movement_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "null: the chain head disagrees"}
    )
    expected = ma.fields.String()
    stored = ma.fields.String(allow_none=True)


class ChainOut(ma.Schema):
    checked = ma.fields.Integer(metadata={"description": "Movements whose link was checked"})
    head = ma.fields.String(metadata={"description": "Hash of the last movement (keep it)"})
    broken_link = ma.fields.Nested(BrokenLinkOut, allow_none=True)


class VerifyOut(ma.Schema):
    clean = ma.fields.Boolean()
    differences = ma.fields.Integer()
    balance_mismatches = ma.fields.List(ma.fields.Dict())
    unbalanced_items = ma.fields.List(ma.fields.Dict())
    negative_physical = ma.fields.List(ma.fields.Dict())
    chain = ma.fields.Nested(ChainOut)
