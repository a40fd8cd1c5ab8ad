"""Labels: location, item, LPN and SSCC labels as PNG, PDF or ZPL."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..catalog.results import ContainerView
from ..labels import service, sscc_service
from ..labels.service import LabelFile
from .idempotency import idempotent
from .label_schemas import (
    ItemLabelArgsSchema,
    LabelFormatArgsSchema,
    LocationBatchSchema,
    LocationLabelArgsSchema,
    SsccAllocateSchema,
    SsccContainerSchema,
)

blp = Blueprint(
    "labels_api",
    __name__,
    url_prefix="/api/v1/labels",
    description="Printable labels: PNG (whole-dot bars, dpi-tagged), PDF sheets and ZPL",
)

_FILE: dict[str, Any] = {
    "description": "The label file, with a Content-Disposition file name",
    "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in ("image/png", "application/pdf", "text/plain")
    },
}
_BATCH_FILE = {**_FILE, "content": {k: v for k, v in _FILE["content"].items() if k != "image/png"}}


def _download(label: LabelFile) -> Response:
    return Response(
        label.body,
        content_type=label.media_type,  # the whole header: ZPL says its charset once
        headers={"Content-Disposition": f'attachment; filename="{label.filename}"'},
    )


@blp.route("/locations/<int:location_id>")
class LocationLabel(MethodView):
    @blp.arguments(LocationLabelArgsSchema, location="query")
    @blp.doc(responses={"200": _FILE})
    @requires("worker")
    def get(self, args: dict[str, Any], location_id: int) -> Response:
        """A location label: Code 128 of its barcode, its code, optionally an arrow."""
        return _download(service.location_label(location_id, **args))


@blp.route("/locations/batch")
class LocationLabelBatch(MethodView):
    @blp.arguments(LocationBatchSchema)
    @blp.doc(responses={"200": _BATCH_FILE})
    @requires("worker")
    def post(self, args: dict[str, Any]) -> Response:
        """Labels for many locations (or every bin of a zone) as one PDF or ZPL job."""
        return _download(service.location_labels(**args))


@blp.route("/items/<int:item_id>")
class ItemLabel(MethodView):
    @blp.arguments(ItemLabelArgsSchema, location="query")
    @blp.doc(responses={"200": _FILE})
    @requires("worker")
    def get(self, args: dict[str, Any], item_id: int) -> Response:
        """An item label: EAN-13 of its GTIN, or GS1-128 with lot, expiry and count."""
        return _download(service.item_label(item_id, **args))


@blp.route("/containers/<int:container_id>")
class ContainerLabel(MethodView):
    @blp.arguments(LabelFormatArgsSchema, location="query")
    @blp.doc(responses={"200": _FILE})
    @requires("worker")
    def get(self, args: dict[str, Any], container_id: int) -> Response:
        """A container label: GS1-128 (00) for an SSCC, Code 128 for an LPN."""
        return _download(service.container_label(container_id, **args))


@blp.route("/sscc")
class SsccAllocation(MethodView):
    @idempotent
    @blp.arguments(SsccAllocateSchema)
    @blp.response(201, SsccContainerSchema)
    @requires("manager")
    def post(self, args: dict[str, Any]) -> ContainerView:
        """Register a container under the next SSCC of the configured GS1 company prefix."""
        return sscc_service.allocate_sscc(**args)
