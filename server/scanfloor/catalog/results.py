"""Plain results the catalog services return (built inside their transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from ..errors import ValidationFailed

T = TypeVar("T")
MAX_PAGE = 200


@dataclass(frozen=True)
class BarcodeView:
    id: int
    code: str
    symbology: str


@dataclass(frozen=True)
class ItemBarcodeView:
    """A barcode of an item's pack, as answered when it is added."""

    id: int
    code: str
    symbology: str
    item_id: int
    pack_id: int
    level: str


@dataclass(frozen=True)
class PackView:
    id: int
    level: str
    quantity: int
    barcodes: list[BarcodeView]


@dataclass(frozen=True)
class ItemView:
    id: int
    sku: str
    name: str
    base_unit: str
    tracking: str
    expiry_tracked: bool
    attributes: dict[str, Any]
    active: bool
    packs: list[PackView]


@dataclass(frozen=True)
class LocationView:
    id: int
    code: str
    name: str
    level: str
    type: str
    parent_id: int | None
    warehouse_id: int | None
    is_virtual: bool
    sellable: bool
    walk_sequence: int | None
    capacity: int | None
    active: bool
    barcode: str | None


@dataclass(frozen=True)
class ContainerView:
    id: int
    code: str
    symbology: str
    kind: str
    location_id: int | None
    active: bool


@dataclass(frozen=True)
class LotView:
    id: int
    item_id: int
    code: str
    expiry: date | None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list ordered by id; next_cursor is null on the last page."""

    rows: list[T] = field(default_factory=list)
    next_cursor: str | None = None


def cursor_id(cursor: str | None) -> int:
    """The id a cursor points after (0 for the first page)."""
    if cursor is None or cursor == "":
        return 0
    if not (cursor.isascii() and cursor.isdigit()) or len(cursor) > 18:
        raise ValidationFailed("cursor is not one this server gave out", {"cursor": cursor})
    return int(cursor)


def page_limit(limit: int | None, default: int = 50) -> int:
    if limit is None:
        return default
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(f"limit is 1-{MAX_PAGE}", {"limit": limit})
    return limit


def next_cursor(ids: list[int], limit: int) -> str | None:
    """Callers fetch limit + 1 rows: an extra row means there is a next page."""
    return str(ids[limit - 1]) if len(ids) > limit else None
