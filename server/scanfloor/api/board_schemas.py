"""Schemas of the live board (GET /board and the `board.update` socket event)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from .fields import RequestSchema


class BoardArgsSchema(RequestSchema):
    warehouse = fields.String(
        validate=validate.Regexp(r"^\S.{0,63}$", error="a warehouse id or code"),
        metadata={"description": "warehouse id or code; default: the first you may see"},
    )


class BoardWarehouseSchema(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class BoardQueueSchema(ma.Schema):
    name = fields.String(required=True)
    count = fields.Integer(
        required=True, metadata={"description": "waiting, in the queue's own unit (ADR 0016)"}
    )
    units = fields.Integer(required=True)
    oldest_since = fields.DateTime(required=True, allow_none=True)
    oldest_age_minutes = fields.Integer(required=True, allow_none=True)
    detail = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class BoardWaveSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    mode = fields.String(required=True)
    released_at = fields.DateTime(required=True)
    orders = fields.Integer(required=True)
    lines_total = fields.Integer(required=True)
    lines_done = fields.Integer(required=True)
    units_total = fields.Integer(required=True)
    units_picked = fields.Integer(required=True)


class BoardPersonSchema(ma.Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True)


class BoardIssueSchema(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "short_pick, over_receipt..."})
    at = fields.DateTime(required=True)
    who = fields.Nested(BoardPersonSchema, required=True, allow_none=True)
    device_id = fields.String(required=True, allow_none=True)
    location_code = fields.String(required=True, allow_none=True)
    sku = fields.String(required=True, allow_none=True)
    order_external_id = fields.String(required=True, allow_none=True)
    details = fields.Dict(keys=fields.String(), required=True)


class BoardExceptionsSchema(ma.Schema):
    open = fields.Integer(required=True, metadata={"description": "open floor exceptions"})
    oldest_age_minutes = fields.Integer(required=True, allow_none=True)
    items = fields.List(fields.Nested(BoardIssueSchema), required=True)
    count_tasks = fields.Integer(required=True, metadata={"description": "open count tasks"})
    count_tasks_by_reason = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True
    )


class BoardWorkerSchema(ma.Schema):
    who = fields.Nested(BoardPersonSchema, required=True, allow_none=True)
    lines_per_hour = fields.Integer(required=True, metadata={"description": "last 60 minutes"})
    units_per_hour = fields.Integer(required=True, metadata={"description": "last 60 minutes"})
    last_at = fields.DateTime(required=True)


class BoardFeedPartSchema(ma.Schema):
    kind = fields.String(
        required=True, metadata={"description": "the movement type, or e.g. 'short-pick write-off'"}
    )
    units = fields.Integer(required=True)
    lines = fields.Integer(required=True)
    to_code = fields.String(required=True)


class BoardFeedSchema(ma.Schema):
    posting_id = fields.Integer(required=True)
    movement_type = fields.String(required=True)
    at = fields.DateTime(required=True)
    who = fields.String(required=True, allow_none=True)
    lines = fields.Integer(required=True)
    units = fields.Integer(
        required=True, metadata={"description": "every line's quantity (parts split them)"}
    )
    sku = fields.String(required=True, metadata={"description": "the first line's item"})
    from_code = fields.String(required=True)
    to_code = fields.String(required=True)
    reason_code = fields.String(required=True, allow_none=True)
    parts = fields.List(
        fields.Nested(BoardFeedPartSchema),
        required=True,
        metadata={"description": "units per (what the line did, destination), ADR 0016"},
    )
    summary = fields.String(
        required=True,
        metadata={"description": "e.g. 'pick 1 → PACK-01, short-pick write-off 84 → INV-ADJ'"},
    )


class BoardUpdateSchema(ma.Schema):
    """What `board.update` carries: the sections a change touched (the others are absent)."""

    warehouse = fields.Nested(BoardWarehouseSchema, required=True)
    at = fields.DateTime(required=True)
    sections = fields.List(fields.String(), required=True)
    queues = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(BoardQueueSchema),
        required=True,
        metadata={
            "description": "by name: to_receive, to_put_away, waves, to_pick, to_pack, "
            "to_ship, exceptions, to_inspect (count: returns with units awaiting inspection, "
            "units: those units, age: the oldest arrival), count_approvals (count: tasks "
            "waiting for approval, detail: needs_manager, open, recount), replenishment "
            "(count: live replenishment tasks, units: still to move, detail: open, claimed), "
            "low_stock (count: pick faces below min + items low, detail: pick_faces, items)"
        },
    )
    waves = fields.List(fields.Nested(BoardWaveSchema), allow_none=True)
    exceptions = fields.Nested(BoardExceptionsSchema, allow_none=True)
    workers = fields.List(fields.Nested(BoardWorkerSchema), allow_none=True)
    feed = fields.List(fields.Nested(BoardFeedSchema), allow_none=True)


class BoardSchema(BoardUpdateSchema):
    """The whole board, and the warehouses this user may open it for (the page's selector)."""

    waves = fields.List(fields.Nested(BoardWaveSchema), required=True)
    exceptions = fields.Nested(BoardExceptionsSchema, required=True)
    workers = fields.List(fields.Nested(BoardWorkerSchema), required=True)
    feed = fields.List(fields.Nested(BoardFeedSchema), required=True)
    warehouses = fields.List(fields.Nested(BoardWarehouseSchema), required=True)
