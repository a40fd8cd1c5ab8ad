"""Request and response schemas for purchase orders, receipts and receiving (suppliers:
supplier_schemas.py)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate, validates_schema

from ..ledger.rules import MAX_QUANTITY
from ..purchasing.models import PO_STATES
from .contract_fields import DecimalText, id_or_code
from .fields import MAX_INT32, Id, RequestSchema
from .ledger_schemas import LocationRef
from .paging_schemas import PageArgs as PageArgs
from .supplier_schemas import SupplierSchema


class ContainerRef(fields.Field):  # type: ignore[type-arg]
    """A container by id (integer) or by its LPN/SSCC code (string)."""

    def openapi_properties(self) -> dict[str, Any]:
        return id_or_code("container (LPN or SSCC)")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int | str:
        if isinstance(value, bool):
            raise ma.ValidationError("give a container id or LPN code")
        if isinstance(value, int) and 0 < value <= MAX_INT32:
            return value
        if isinstance(value, str) and 0 < len(value.strip()) <= 64:
            return value.strip()
        raise ma.ValidationError("give a container id or LPN code")


class StateList(fields.Field):  # type: ignore[type-arg]
    """One state, or several separated by commas."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> list[str]:
        if not isinstance(value, str):
            raise ma.ValidationError("give states separated by commas")
        states = [s.strip() for s in value.split(",") if s.strip()]
        wrong = [s for s in states if s not in PO_STATES]
        if wrong or not states:
            raise ma.ValidationError(f"states are {', '.join(PO_STATES)}")
        return states


# --- purchase orders ---------------------------------------------------------------------


class PoLineIn(RequestSchema):
    sku = fields.String(validate=validate.Length(1, 64))
    item_id = Id()
    quantity = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, MAX_QUANTITY),
        metadata={"description": "Ordered base units"},
    )
    # Numeric(18, 6): below 10**12, at most 6 decimals.
    unit_cost = DecimalText(
        places=6, digits=12, minimum=0, required=True, metadata={"example": "4.25"}
    )
    expected_date = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def _item(self, data: dict[str, Any], **kw: Any) -> None:
        if data.get("sku") is None and data.get("item_id") is None:
            raise ma.ValidationError("give sku or item_id", "sku")


class PoCreateSchema(RequestSchema):
    number = fields.String(required=True, validate=validate.Length(1, 40))
    supplier = fields.String(validate=validate.Length(1, 32), metadata={"description": "code"})
    supplier_id = Id()
    expected_date = fields.Date(load_default=None, allow_none=True)
    blind_receipt = fields.Boolean(load_default=False)
    warehouse = fields.String(
        validate=validate.Length(1, 64),
        load_default=None,
        allow_none=True,
        metadata={"description": "Ship-to warehouse code (none: receivable at any dock)"},
    )
    lines = fields.List(fields.Nested(PoLineIn), required=True, validate=validate.Length(1, 1000))

    @validates_schema
    def _supplier(self, data: dict[str, Any], **kw: Any) -> None:
        if data.get("supplier") is None and data.get("supplier_id") is None:
            raise ma.ValidationError("give supplier (code) or supplier_id", "supplier")


class ItemBriefSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    tracking = fields.String()
    expiry_tracked = fields.Boolean()


class PoLineSchema(ma.Schema):
    id = fields.Integer()
    line_no = fields.Integer()
    item = fields.Nested(ItemBriefSchema)
    ordered = fields.Integer(allow_none=True, metadata={"description": "null: blind receipt"})
    received = fields.Integer(allow_none=True, metadata={"description": "damaged included"})
    damaged = fields.Integer(allow_none=True)
    open_quantity = fields.Integer(allow_none=True)
    variance = fields.Integer(allow_none=True, metadata={"description": "received - ordered"})
    unit_cost = DecimalText(places=6)
    expected_date = fields.Date(allow_none=True)
    supplier_sku = fields.String(allow_none=True)


class PersonSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()


class ReceiptLineSchema(ma.Schema):
    id = fields.Integer()
    po_line_id = fields.Integer()
    line_no = fields.Integer()
    item_id = fields.Integer()
    sku = fields.String()
    quantity = fields.Integer(metadata={"description": "Every unit confirmed, damaged included"})
    damaged_quantity = fields.Integer()
    damage_reason = fields.String(allow_none=True)
    lot_id = fields.Integer(allow_none=True)
    lot_code = fields.String(allow_none=True)
    expiry = fields.Date(allow_none=True)
    variance = fields.Integer(allow_none=True, metadata={"description": "Units over ordered"})
    location_id = fields.Integer()
    location_code = fields.String()
    container_id = fields.Integer(allow_none=True)
    container_code = fields.String(allow_none=True)
    approved_by = fields.Nested(PersonSchema, allow_none=True)
    posting_id = fields.Integer()
    movement_ids = fields.List(fields.Integer())
    created_at = fields.DateTime()


class ReceiptSummarySchema(ma.Schema):
    id = fields.Integer()
    po_id = fields.Integer()
    actor = fields.Nested(PersonSchema, allow_none=True)
    device_id = fields.String(allow_none=True)
    business_date = fields.Date()
    started_at = fields.DateTime()
    last_at = fields.DateTime()
    line_count = fields.Integer()
    quantity = fields.Integer()
    damaged_quantity = fields.Integer()


class ReceiptSchema(ReceiptSummarySchema):
    lines = fields.List(fields.Nested(ReceiptLineSchema))


class ReceiptListSchema(ma.Schema):
    receipts = fields.List(fields.Nested(ReceiptSchema))


class PoWarehouseSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class PoSummarySchema(ma.Schema):
    id = fields.Integer()
    number = fields.String()
    supplier = fields.Nested(SupplierSchema)
    state = fields.String(metadata={"description": " | ".join(PO_STATES)})
    blind_receipt = fields.Boolean()
    expected_date = fields.Date(allow_none=True)
    line_count = fields.Integer()
    ordered_total = fields.Integer(allow_none=True)
    received_total = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    opened_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    warehouse = fields.Nested(
        PoWarehouseSchema, allow_none=True, metadata={"description": "null: any dock"}
    )
    currency = fields.String()
    revision = fields.Integer(metadata={"description": "Bumped by each edit and amendment"})
    value = DecimalText(
        places=6,
        digits=30,
        allow_none=True,
        metadata={"description": "Sum of ordered x unit cost; null: blind receipt"},
    )
    approved_by = fields.Nested(PersonSchema, allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    suggestion_run_id = fields.Integer(allow_none=True)


class PoSchema(PoSummarySchema):
    lines = fields.List(fields.Nested(PoLineSchema))
    receipts = fields.List(
        fields.Nested(ReceiptSummarySchema),
        metadata={
            "description": "Receipt documents (when reading one PO); their lines at /receipts"
        },
    )


class PoListArgs(PageArgs):
    state = StateList(metadata={"description": "One state or several, comma-separated"})
    q = fields.String(
        validate=validate.Length(max=100), metadata={"description": "Number or supplier"}
    )
    number = fields.String(
        validate=validate.Length(1, 40), metadata={"description": "Exact number"}
    )
    supplier_id = Id(strict=False)


class PoPageSchema(ma.Schema):
    purchase_orders = fields.List(fields.Nested(PoSummarySchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class ImportArgs(ma.Schema):
    open = fields.Boolean(
        load_default=False, metadata={"description": "Open the imported POs at once"}
    )


class ImportResultSchema(ma.Schema):
    created = fields.List(fields.Nested(PoSummarySchema))


# --- scan context and receiving ----------------------------------------------------------


class ScanBarcodeSchema(ma.Schema):
    code = fields.String(metadata={"description": "As stored: 14-digit GTIN or internal code"})
    level = fields.String()
    quantity = fields.Integer()


class ScanLineSchema(ma.Schema):
    id = fields.Integer()
    line_no = fields.Integer()
    item_id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    tracking = fields.String()
    expiry_tracked = fields.Boolean()
    ordered = fields.Integer(allow_none=True)
    received = fields.Integer(allow_none=True)
    barcodes = fields.List(fields.Nested(ScanBarcodeSchema))


class ScanPoSchema(ma.Schema):
    id = fields.Integer()
    number = fields.String()
    state = fields.String()
    blind_receipt = fields.Boolean()
    over_receipt_tolerance_pct = DecimalText(places=2, allow_none=True)


class DockSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    type = fields.String()


class DockContainerSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    kind = fields.String()
    location_id = fields.Integer()


class ScanContextSchema(ma.Schema):
    po = fields.Nested(ScanPoSchema)
    lines = fields.List(fields.Nested(ScanLineSchema))
    dock_locations = fields.List(fields.Nested(DockSchema))
    dock_containers = fields.List(fields.Nested(DockContainerSchema))


class ApprovalSchema(ma.Schema):
    badge = fields.String(required=True, validate=validate.Length(1, 64))
    pin = fields.String(required=True, validate=validate.Length(1, 32), load_only=True)


class ReceiveSchema(RequestSchema):
    line_id = Id()
    barcode = fields.String(
        validate=validate.Length(1, 200),
        metadata={"description": "Raw scan text; a case counts its pack quantity, GS1 fills lot"},
    )
    item_id = Id()
    quantity = fields.Integer(
        strict=True,
        validate=validate.Range(1, MAX_QUANTITY),
        metadata={"description": "Base units confirmed, damaged ones included"},
    )
    lot_code = fields.String(validate=validate.Length(1, 40), load_default=None, allow_none=True)
    expiry = fields.Date(load_default=None, allow_none=True)
    to_location = LocationRef(metadata={"description": "Dock or staging location: id or code"})
    to_container = ContainerRef(metadata={"description": "LPN on a dock: id or code"})
    damaged_quantity = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(0, MAX_QUANTITY),
        metadata={"description": "Of quantity, how many go to quarantine"},
    )
    damage_reason = fields.String(validate=validate.Length(1, 32), load_default=None)
    approval = fields.Nested(
        ApprovalSchema, metadata={"description": "A supervisor's badge and PIN for an over-receipt"}
    )
    device_id = fields.String(validate=validate.Length(1, 64), load_default=None)
    client_scan_id = fields.String(
        validate=validate.Length(1, 200),
        metadata={"description": "The scan's id: the posting key when no Idempotency-Key is sent"},
    )

    @validates_schema
    def _complete(self, data: dict[str, Any], **kw: Any) -> None:
        if all(data.get(k) is None for k in ("line_id", "barcode", "item_id")):
            raise ma.ValidationError("give line_id, barcode or item_id", "line_id")
        if data.get("quantity") is None and data.get("barcode") is None:
            raise ma.ValidationError("give the quantity", "quantity")
        if (data.get("to_location") is None) == (data.get("to_container") is None):
            raise ma.ValidationError(
                "give exactly one of to_location and to_container", "to_location"
            )
        if data.get("damaged_quantity") and not data.get("damage_reason"):
            raise ma.ValidationError("say why the units are damaged", "damage_reason")


class ReceivedLineSchema(ma.Schema):
    id = fields.Integer()
    receipt_id = fields.Integer()
    po_line_id = fields.Integer()
    quantity = fields.Integer()
    damaged_quantity = fields.Integer()
    damage_reason = fields.String(allow_none=True)
    lot_id = fields.Integer(allow_none=True)
    lot_code = fields.String(allow_none=True)
    expiry = fields.Date(allow_none=True)
    variance = fields.Integer(allow_none=True)
    location_id = fields.Integer()
    container_id = fields.Integer(allow_none=True)
    approved_by = fields.Integer(allow_none=True)
    posting_id = fields.Integer()
    movement_ids = fields.List(fields.Integer())


class PoLineTotalsSchema(ma.Schema):
    id = fields.Integer()
    ordered = fields.Integer(allow_none=True)
    received = fields.Integer(allow_none=True)
    damaged = fields.Integer(allow_none=True)
    open_quantity = fields.Integer(allow_none=True)


class WarningSchema(ma.Schema):
    code = fields.String()
    message = fields.String()


class ReceiveResultSchema(ma.Schema):
    receipt_line = fields.Nested(ReceivedLineSchema)
    po_line = fields.Nested(PoLineTotalsSchema)
    po_state = fields.String()
    warnings = fields.List(fields.Nested(WarningSchema))
