"""Plain results of the terms services: what the API answers (views, money as text) and
the rows other purchasing services read in bulk (TermsRow, PolicyRow: Decimals, ids)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class SupplierRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class ItemRef:
    id: int
    sku: str
    name: str


@dataclass(frozen=True)
class WarehouseRef:
    id: int
    code: str


@dataclass(frozen=True)
class SupplierItemView:
    """A supplier's terms for one item; decimals as text (unit cost with at least 2 places)."""

    id: int
    supplier: SupplierRef
    item: ItemRef
    supplier_sku: str | None
    unit_cost: str
    currency: str
    moq: int
    case_pack: int
    purchase_unit: str
    units_per_purchase_unit: int
    lead_time_days: int
    case_volume_m3: str | None
    case_weight_kg: str | None
    preferred: bool
    active: bool


@dataclass(frozen=True)
class ReorderPolicyView:
    id: int
    item: ItemRef
    warehouse: WarehouseRef
    policy: str
    min_qty: int | None
    max_qty: int | None
    service_level: str | None
    review_days: int | None
    order_qty: int | None
    order_cost: str | None
    holding_rate: str | None
    active: bool
    updated_at: datetime


@dataclass(frozen=True)
class TermsRow:
    """An active supplier item of an active supplier, as the suggestion run reads it.
    MOQ, case pack and units per purchase unit are base units; `preferred` says whether
    this is the item's preferred supplier (else it was ranked by unit cost)."""

    supplier_item_id: int
    supplier_id: int
    supplier_code: str
    item_id: int
    supplier_sku: str | None
    unit_cost: Decimal
    currency: str
    moq: int
    case_pack: int
    purchase_unit: str
    units_per_purchase_unit: int
    lead_time_days: int
    case_volume_m3: Decimal | None
    case_weight_kg: Decimal | None
    preferred: bool = False


@dataclass(frozen=True)
class PolicyRow:
    """An active reorder policy of an active item; fields its policy does not use are None."""

    id: int
    item_id: int
    warehouse_id: int
    policy: str
    min_qty: int | None
    max_qty: int | None
    service_level: Decimal | None
    review_days: int | None
    order_qty: int | None
    order_cost: Decimal | None
    holding_rate: Decimal | None
