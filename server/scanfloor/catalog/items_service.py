"""Item use cases: create, read, list, change and deactivate items."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from ..database import write_transaction
from ..errors import Conflict, DuplicateSku, NotFound, ScanfloorError, ValidationFailed
from ..extensions import db
from ..ledger.models import Movement
from .barcode_registry import ensure_free, explain_clash, guarded_write, product_code
from .codes import CodeError, canonical_barcode, normalise_sku, sku_key
from .models import Barcode, Item, Lot, PackLevel
from .results import (
    BarcodeView,
    ItemView,
    PackView,
    Page,
    cursor_id,
    next_cursor,
    page_limit,
)
from .rules import PACK_ORDER, CatalogRuleError, check_pack_ladder, check_tracking

MAX_ATTRIBUTES_JSON = 16_000
ITEM_FIELDS = ("sku", "name", "base_unit", "tracking", "expiry_tracked", "attributes", "active")


@dataclass(frozen=True)
class PackSpec:
    """A pack level as given by a caller: raw barcodes, checked by the service."""

    level: str
    quantity: int
    barcodes: tuple[str, ...] = ()


def _rule(exc: CatalogRuleError) -> ValidationFailed:
    return ValidationFailed(str(exc), exc.details)


def _clean_sku(raw: str) -> str:
    try:
        return normalise_sku(raw)
    except CodeError as exc:
        raise ValidationFailed(str(exc), {"field": "sku", "sku": raw}) from exc


def _clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > 200:
        raise ValidationFailed("name must be 1-200 characters", {"field": "name"})
    return name


def _clean_unit(raw: str) -> str:
    unit = raw.strip().lower()
    if not unit or len(unit) > 16 or any(ch.isspace() for ch in unit) or not unit.isprintable():
        raise ValidationFailed(
            "base_unit is one word of 1-16 characters (each, g, ml, ...)", {"field": "base_unit"}
        )
    return unit


def _clean_attributes(raw: Mapping[str, Any]) -> dict[str, Any]:
    try:
        size = len(json.dumps(raw, sort_keys=True))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("attributes must be plain JSON", {"field": "attributes"}) from exc
    if size > MAX_ATTRIBUTES_JSON:
        raise ValidationFailed(
            f"attributes are at most {MAX_ATTRIBUTES_JSON} characters of JSON",
            {"field": "attributes", "size": size},
        )
    return dict(raw)


def _tracking(tracking: str, expiry_tracked: bool) -> None:
    try:
        check_tracking(tracking, expiry_tracked)
    except CatalogRuleError as exc:
        raise _rule(exc) from exc


def require_pack_ladder(packs: Sequence[tuple[str, int]]) -> None:
    try:
        check_pack_ladder(packs)
    except CatalogRuleError as exc:
        raise _rule(exc) from exc


def _sku_taken(key: str, exclude_id: int | None = None) -> Item | None:
    stmt = select(Item).where(Item.sku_key == key)
    if exclude_id is not None:
        stmt = stmt.where(Item.id != exclude_id)
    return db.session.scalars(stmt).first()


def _duplicate(sku: str, existing: Item) -> DuplicateSku:
    return DuplicateSku(
        f"SKU {sku} is already used by item {existing.sku}",
        {"sku": sku, "existing_item_id": existing.id, "existing_sku": existing.sku},
    )


def _explain_sku(sku: str, exclude_id: int | None = None) -> ScanfloorError | None:
    existing = _sku_taken(sku_key(sku), exclude_id)
    return None if existing is None else _duplicate(sku, existing)


def item_view(item: Item) -> ItemView:
    packs = sorted(item.packs, key=lambda p: PACK_ORDER.index(p.level))
    return ItemView(
        id=item.id,
        sku=item.sku,
        name=item.name,
        base_unit=item.base_unit,
        tracking=item.tracking,
        expiry_tracked=item.expiry_tracked,
        attributes=dict(item.attributes or {}),
        active=item.active,
        packs=[pack_view(p) for p in packs],
    )


def pack_view(pack: PackLevel) -> PackView:
    codes = sorted(pack.barcodes, key=lambda b: b.id)
    return PackView(
        id=pack.id,
        level=pack.level,
        quantity=pack.quantity,
        barcodes=[BarcodeView(id=b.id, code=b.code, symbology=b.symbology) for b in codes],
    )


def _with_packs(stmt: Select[Item]) -> Select[Item]:
    return stmt.options(selectinload(Item.packs).selectinload(PackLevel.barcodes))


def load_item(item_id: int) -> Item:
    """The item with its packs and barcodes, or NotFound."""
    item = db.session.scalars(_with_packs(select(Item).where(Item.id == item_id))).first()
    if item is None:
        raise NotFound("item not found", {"item_id": item_id})
    return item


def has_movements(item_id: int) -> bool:
    hit = db.session.scalar(select(Movement.id).where(Movement.item_id == item_id).limit(1))
    return hit is not None


def _pack_rows(packs: Sequence[PackSpec] | None) -> list[tuple[PackSpec, list[tuple[str, str]]]]:
    """Packs in ladder order with canonical barcodes; adds the 'each' pack when missing."""
    given = list(packs or [])
    if not any(p.level == "each" for p in given):
        given.append(PackSpec(level="each", quantity=1))
    require_pack_ladder([(p.level, p.quantity) for p in given])
    given.sort(key=lambda p: PACK_ORDER.index(p.level))
    return [(p, [product_code(raw) for raw in p.barcodes]) for p in given]


def create_item(
    *,
    sku: str,
    name: str,
    base_unit: str = "each",
    tracking: str = "none",
    expiry_tracked: bool = False,
    attributes: Mapping[str, Any] | None = None,
    active: bool = True,
    packs: Sequence[PackSpec] | None = None,
) -> ItemView:
    """Create an item with its pack levels and their barcodes, all or nothing."""
    clean_sku = _clean_sku(sku)
    clean_name = _clean_name(name)
    unit = _clean_unit(base_unit)
    _tracking(tracking, expiry_tracked)
    attrs = _clean_attributes(attributes or {})
    rows = _pack_rows(packs)
    codes = [code for _, coded in rows for _, code in coded]
    with write_transaction():
        existing = _sku_taken(sku_key(clean_sku))
        if existing is not None:
            raise _duplicate(clean_sku, existing)
        ensure_free(codes)
        item = Item(
            sku=clean_sku,
            sku_key=sku_key(clean_sku),
            name=clean_name,
            base_unit=unit,
            tracking=tracking,
            expiry_tracked=expiry_tracked,
            attributes=attrs,
            active=active,
        )
        for spec, coded in rows:
            pack = PackLevel(level=spec.level, quantity=spec.quantity)
            pack.barcodes = [
                Barcode(code=code, symbology=symbology, target="pack") for symbology, code in coded
            ]
            item.packs.append(pack)
        with guarded_write(lambda: _explain_sku(clean_sku), lambda: explain_clash(codes)):
            db.session.add(item)
        return item_view(item)


def get_item(item_id: int) -> ItemView:
    """One item with its packs and barcodes."""
    return item_view(load_item(item_id))


def _search(q: str) -> Any:
    needle = q.strip()
    barcode_match = [Barcode.code.contains(needle.upper(), autoescape=True)]
    with suppress(CodeError):  # not a storable code: only a partial match can find it
        barcode_match.append(Barcode.code == canonical_barcode(needle)[1])
    by_barcode = (
        select(PackLevel.item_id)
        .join(Barcode, Barcode.pack_id == PackLevel.id)
        .where(or_(*barcode_match))
    )
    return or_(
        Item.sku_key.contains(sku_key(needle), autoescape=True),
        func.lower(Item.name).contains(needle.lower(), autoescape=True),
        Item.id.in_(by_barcode),
    )


def list_items(
    *,
    q: str | None = None,
    active: bool | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ItemView]:
    """Items by id; q matches SKU, name or any barcode of the item (a scanned GTIN too)."""
    size = page_limit(limit)
    stmt = select(Item).where(Item.id > cursor_id(cursor)).order_by(Item.id).limit(size + 1)
    if active is not None:
        stmt = stmt.where(Item.active == active)
    if q is not None and q.strip():
        stmt = stmt.where(_search(q))
    items = list(db.session.scalars(_with_packs(stmt)))
    return Page(
        rows=[item_view(i) for i in items[:size]],
        next_cursor=next_cursor([i.id for i in items], size),
    )


def update_item(item_id: int, changes: Mapping[str, Any]) -> ItemView:
    """Change an item's fields; unit and tracking are fixed once it has moved."""
    unknown = sorted(set(changes) - set(ITEM_FIELDS))
    if unknown:
        raise ValidationFailed("these fields cannot be changed here", {"fields": unknown})
    new_sku = _clean_sku(changes["sku"]) if "sku" in changes else None
    name = _clean_name(changes["name"]) if "name" in changes else None
    unit = _clean_unit(changes["base_unit"]) if "base_unit" in changes else None
    attrs = _clean_attributes(changes["attributes"] or {}) if "attributes" in changes else None
    with write_transaction():
        item = load_item(item_id)
        if new_sku is not None:
            existing = _sku_taken(sku_key(new_sku), exclude_id=item.id)
            if existing is not None:
                raise _duplicate(new_sku, existing)
        tracking = changes.get("tracking", item.tracking)
        expiry = changes.get("expiry_tracked", item.expiry_tracked)
        _tracking(tracking, expiry)
        _refuse_if_moved(item, unit or item.base_unit, tracking)
        with guarded_write(lambda: None if new_sku is None else _explain_sku(new_sku, item_id)):
            if new_sku is not None:
                item.sku, item.sku_key = new_sku, sku_key(new_sku)
            item.name = name or item.name
            item.base_unit = unit or item.base_unit
            item.tracking, item.expiry_tracked = tracking, expiry
            item.attributes = item.attributes if attrs is None else attrs
            if "active" in changes:
                item.active = bool(changes["active"])
        return item_view(item)


def _refuse_if_moved(item: Item, unit: str, tracking: str) -> None:
    """Quantities already posted are in the old unit, and lots were (or were not) recorded."""
    fixed = {"base_unit": unit != item.base_unit, "tracking": tracking != item.tracking}
    changed = [name for name, differs in fixed.items() if differs]
    if not changed:
        return
    if has_movements(item.id):
        raise Conflict(
            "this item has stock movements: its base unit and tracking can no longer change",
            {"item_id": item.id, "fields": changed},
        )
    if fixed["tracking"]:
        has_lots = db.session.scalar(select(Lot.id).where(Lot.item_id == item.id).limit(1))
        if has_lots is not None:
            raise Conflict(
                "this item has lots: its tracking can no longer change",
                {"item_id": item.id, "fields": ["tracking"]},
            )


def deactivate_item(item_id: int) -> ItemView:
    """Soft delete: an item with history is never removed, it stops being active."""
    with write_transaction():
        item = load_item(item_id)
        item.active = False
        db.session.flush()
        return item_view(item)
