"""Request and response schemas for labels."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import url_for
from marshmallow import fields, validate

from ..catalog.models import CONTAINER_KINDS, PACK_LEVELS
from ..labels.base import DPIS
from ..labels.pdf import SHEETS
from ..labels.service import FORMATS, MAX_BATCH
from .fields import Id, RequestSchema
from .location_schemas import ContainerSchema

ARROWS = ("up", "down")


class LabelFormatArgsSchema(RequestSchema):
    fmt = fields.String(
        data_key="format",
        load_default="png",
        validate=validate.OneOf(FORMATS),
        metadata={"description": "png (one label), pdf (a page per label) or zpl"},
    )
    dpi = fields.Integer(
        load_default=203,
        validate=validate.OneOf(DPIS),
        metadata={"description": "Printer resolution: 203 (8 dots/mm) or 300 (12 dots/mm)"},
    )


class LocationLabelArgsSchema(LabelFormatArgsSchema):
    arrow = fields.String(
        validate=validate.OneOf(ARROWS),
        metadata={"description": "Print an arrow pointing up or down to the bin"},
    )


class ItemLabelArgsSchema(LabelFormatArgsSchema):
    level = fields.String(
        load_default="each",
        validate=validate.OneOf(PACK_LEVELS),
        metadata={"description": "Which pack the label is for"},
    )
    lot_id = Id(strict=False, metadata={"description": "Adds (10) lot and (17) expiry"})
    count = fields.Integer(
        validate=validate.Range(1, 99_999_999),
        metadata={"description": "Adds (30): how many of this pack the labelled unit holds"},
    )


class LocationBatchSchema(RequestSchema):
    location_ids = fields.List(
        Id(strict=False),
        validate=validate.Length(1, MAX_BATCH),
        metadata={"description": "These locations, in this order"},
    )
    zone_id = Id(
        strict=False,
        metadata={"description": "Every active bin of this zone (or warehouse), in walk order"},
    )
    fmt = fields.String(
        data_key="format", load_default="pdf", validate=validate.OneOf(("pdf", "zpl"))
    )
    dpi = fields.Integer(load_default=203, validate=validate.OneOf(DPIS))
    arrow = fields.String(validate=validate.OneOf(ARROWS))
    sheet = fields.String(
        load_default="label",
        validate=validate.OneOf(SHEETS),
        metadata={"description": "PDF only: label (a page per label) or a4 (a grid)"},
    )

    @ma.validates_schema
    def _one_source(self, data: dict[str, Any], **_kw: Any) -> None:
        if ("location_ids" in data) == ("zone_id" in data):
            raise ma.ValidationError("give location_ids or zone_id, one of them", "_schema")


class SsccAllocateSchema(RequestSchema):
    kind = fields.String(load_default="pallet", validate=validate.OneOf(CONTAINER_KINDS))
    location_id = Id(strict=False, allow_none=True, load_default=None)


class SsccContainerSchema(ContainerSchema):
    label_url = fields.Method(
        "_label_url", metadata={"type": "string", "description": "GET it for the label"}
    )

    def _label_url(self, obj: Any) -> str:
        return url_for("labels_api.ContainerLabel", container_id=obj.id)
