"""Request and response schemas for waves and pick tasks."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..picking.models import TASK_STATUSES, WAVE_MODES, WAVE_STATUSES
from .contract_fields import id_or_code
from .fields import MAX_INT32, Id, RequestSchema

MAX_CAP = 100_000


class WarehouseRef(fields.Field):  # type: ignore[type-arg]
    """A warehouse by id (integer) or by code (string)."""

    def openapi_properties(self) -> dict[str, Any]:
        return id_or_code("warehouse")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int | str:
        if isinstance(value, bool):
            raise ma.ValidationError("give a warehouse id or code")
        if isinstance(value, int) and 0 < value <= MAX_INT32:
            return value
        if isinstance(value, str) and 0 < len(value.strip()) <= 64:
            return value.strip().upper()
        raise ma.ValidationError("give a warehouse id or code")


def _cap(what: str) -> fields.Integer:
    return fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, MAX_CAP),
        metadata={"description": f"At most this many {what} (null: no cap)"},
    )


# --- answers -------------------------------------------------------------------------------


class PickRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class PickUserSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()


class PickOrderRefSchema(ma.Schema):
    id = fields.Integer()
    external_id = fields.String()


class PickPackSchema(ma.Schema):
    level = fields.String()
    quantity = fields.Integer(metadata={"description": "Base units one scan of it counts"})
    barcodes = fields.List(fields.String())


class PickItemSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    barcodes = fields.List(fields.String(), metadata={"description": "Every pack's barcodes"})
    packs = fields.List(fields.Nested(PickPackSchema))


class PickLotSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    expiry = fields.Date(allow_none=True)


class PickBinSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    barcode = fields.String(allow_none=True)


class PickTaskLineSchema(ma.Schema):
    id = fields.Integer()
    seq = fields.Integer(metadata={"description": "Position on the walk path"})
    order = fields.Nested(PickOrderRefSchema)
    order_line_id = fields.Integer()
    item = fields.Nested(PickItemSchema)
    lot = fields.Nested(PickLotSchema, allow_none=True)
    bin = fields.Nested(PickBinSchema)
    quantity = fields.Integer()
    picked = fields.Integer()
    short = fields.Integer()
    status = fields.String(metadata={"description": "open | picked | short | cancelled"})
    slot = fields.Integer(metadata={"description": "The cart slot of the order's tote"})


class PickToteSlotSchema(ma.Schema):
    slot = fields.Integer()
    order = fields.Nested(PickOrderRefSchema)
    tote = fields.Nested(PickRefSchema, allow_none=True, metadata={"description": "null: unbound"})


class PickTaskSchema(ma.Schema):
    id = fields.Integer()
    wave_id = fields.Integer()
    warehouse = fields.Nested(PickRefSchema)
    status = fields.String(metadata={"description": "open | claimed | done | cancelled"})
    assigned_to = fields.Nested(PickUserSchema, allow_none=True)
    mode = fields.String(metadata={"description": "single | cluster | zone"})
    priority = fields.Integer(metadata={"description": "Lower is claimed first"})
    zone = fields.Nested(PickRefSchema, allow_none=True)
    lines = fields.List(fields.Nested(PickTaskLineSchema))
    totes = fields.List(fields.Nested(PickToteSlotSchema))
    path = fields.List(fields.String(), metadata={"description": "Bin codes in walk order"})
    path_length = fields.Integer()
    claimed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)


class PickTaskSummarySchema(ma.Schema):
    id = fields.Integer()
    wave_id = fields.Integer()
    warehouse = fields.Nested(PickRefSchema)
    status = fields.String()
    assigned_to = fields.Nested(PickUserSchema, allow_none=True)
    mode = fields.String()
    priority = fields.Integer()
    zone = fields.Nested(PickRefSchema, allow_none=True)
    orders = fields.Integer()
    lines = fields.Integer()
    lines_open = fields.Integer()
    units = fields.Integer()
    path_length = fields.Integer()
    claimed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class PickTaskListSchema(ma.Schema):
    tasks = fields.List(fields.Nested(PickTaskSummarySchema))


class PickClaimOutSchema(ma.Schema):
    task = fields.Nested(PickTaskSchema, allow_none=True, metadata={"description": "null: no work"})


class WaveSkippedOrderSchema(ma.Schema):
    order = fields.Nested(PickOrderRefSchema)
    reason = fields.String()
    details = fields.Dict()


class WaveOrderSchema(ma.Schema):
    order = fields.Nested(PickOrderRefSchema)
    slot = fields.Integer()
    task_id = fields.Integer(allow_none=True)
    tote = fields.Nested(PickRefSchema, allow_none=True)
    open = fields.Boolean()


class WaveSchema(ma.Schema):
    id = fields.Integer()
    warehouse = fields.Nested(PickRefSchema)
    status = fields.String(metadata={"description": "released | picking | picked | cancelled"})
    mode = fields.String()
    rules = fields.Dict(metadata={"description": "The rules as chosen"})
    order_count = fields.Integer()
    line_count = fields.Integer()
    unit_count = fields.Integer()
    path_length = fields.Integer()
    released_by = fields.Nested(PickUserSchema, allow_none=True)
    released_via = fields.String()
    released_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    orders = fields.List(fields.Nested(WaveOrderSchema))
    tasks = fields.List(fields.Nested(PickTaskSummarySchema))
    skipped = fields.List(
        fields.Nested(WaveSkippedOrderSchema),
        metadata={"description": "Orders left out at release (their stock left the bins)"},
    )


class WaveListSchema(ma.Schema):
    waves = fields.List(fields.Nested(WaveSchema))


class WavePreviewSchema(ma.Schema):
    warehouse = fields.Nested(PickRefSchema)
    mode = fields.String()
    orders = fields.Integer()
    lines = fields.Integer()
    units = fields.Integer()
    tasks = fields.Integer()
    pickers = fields.Integer()
    path_length = fields.Integer()
    order_ids = fields.List(fields.Integer())
    skipped = fields.List(fields.Nested(WaveSkippedOrderSchema))


# --- requests ------------------------------------------------------------------------------


class WaveRulesInSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})
    mode = fields.String(required=True, validate=validate.OneOf(WAVE_MODES))
    channels = fields.List(
        fields.String(validate=validate.Length(1, 32)),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "Channel codes; empty: every channel"},
    )
    ship_by_before = fields.AwareDateTime(
        allow_none=True,
        load_default=None,
        metadata={"description": "Only orders that must ship before this moment"},
    )
    max_orders = _cap("orders")
    max_lines = _cap("pick lines")
    max_units = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, 10**9),
        metadata={"description": "At most this many units (null: no cap)"},
    )
    max_pickers = _cap("pickers (tasks)")
    orders_per_picker = fields.Integer(
        strict=True,
        load_default=8,
        validate=validate.Range(1, 100),
        metadata={"description": "Cluster mode: totes on one cart"},
    )
    lines_per_picker = _cap("lines per task")
    client_scan_id = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 200),
        metadata={"description": "Key when no Idempotency-Key header is sent"},
    )


class WaveListArgsSchema(RequestSchema):
    warehouse = WarehouseRef(metadata={"description": "id or code"})
    status = fields.String(validate=validate.OneOf(WAVE_STATUSES))


class PickClaimInSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE  # scanners replaying an old queue may carry fields of their own

    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})
    client_scan_id = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 200),
        metadata={"description": "Key when no Idempotency-Key header is sent"},
    )
    device_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 64))


class PickTaskListArgsSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))


class UserRefField(fields.Field):  # type: ignore[type-arg]
    """A user by id (integer) or by username (string)."""

    def openapi_properties(self) -> dict[str, Any]:
        return id_or_code("user")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int | str:
        if isinstance(value, bool):
            raise ma.ValidationError("give a user id or username")
        if isinstance(value, int) and 0 < value <= MAX_INT32:
            return value
        if isinstance(value, str) and 0 < len(value.strip()) <= 64:
            return value.strip()
        raise ma.ValidationError("give a user id or username")


class PickAssignInSchema(RequestSchema):
    user = UserRefField(metadata={"description": "The picker: a user id or a username"})
    user_id = Id(metadata={"description": "The picker's id (older clients; or send user)"})

    @ma.validates_schema
    def _one_user(self, data: dict[str, Any], **_kw: Any) -> None:
        if ("user" in data) == ("user_id" in data):
            raise ma.ValidationError("name the picker: user (id or username) or user_id")


class PickersArgsSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})


class PickerSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    open_tasks = fields.Integer(metadata={"description": "Open tasks held in this warehouse"})


class PickerListSchema(ma.Schema):
    pickers = fields.List(fields.Nested(PickerSchema))
