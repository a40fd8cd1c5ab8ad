"""Channels and the reference data allocation reads: pools, listings, kits, routing ranks.

A change to a channel's rules changes its ATS for every item, so it writes a feed row that
tells connectors to take a full snapshot; a pool or a kit changes its item for every channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..catalog.codes import sku_key
from ..catalog.models import Item, Location
from ..database import write_transaction
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .ats_feed import ats_changed
from .models import (
    Channel,
    ChannelListing,
    ChannelPool,
    ChannelWarehouse,
    KitComponent,
    WarehouseRegion,
)
from .rules import CHANNEL_KINDS
from .webhook_http import vet_for_saving
from .webhook_url_rules import WebhookUrlRefused

CHANNEL_FIELDS = (
    "name",
    "kind",
    "priority",
    "ship_within_hours",
    "safety_buffer",
    "cap_fraction",
    "allow_partial_shipment",
    "min_shelf_life_days",
    "webhook_url",
    "webhook_secret",
    "active",
)


@dataclass(frozen=True)
class ChannelView:
    id: int
    code: str
    kind: str
    name: str
    priority: int
    ship_within_hours: int | None
    safety_buffer: int
    cap_fraction: Decimal | None
    allow_partial_shipment: bool
    min_shelf_life_days: int
    warehouses: list[str]
    webhook_url: str | None
    has_webhook_secret: bool
    active: bool


@dataclass(frozen=True)
class PoolView:
    sku: str
    warehouse: str
    quantity: int


def _view(ch: Channel) -> ChannelView:
    codes = list(
        db.session.scalars(
            select(Location.code)
            .join(ChannelWarehouse, ChannelWarehouse.warehouse_id == Location.id)
            .where(ChannelWarehouse.channel_id == ch.id)
            .order_by(Location.code)
        )
    )
    return ChannelView(
        ch.id,
        ch.code,
        ch.kind,
        ch.name,
        ch.priority,
        ch.ship_within_hours,
        ch.safety_buffer,
        ch.cap_fraction,
        ch.allow_partial_shipment,
        ch.min_shelf_life_days,
        codes,
        ch.webhook_url,
        bool(ch.webhook_secret),
        ch.active,
    )


def _channel(code: str) -> Channel:
    ch: Channel | None = db.session.scalar(
        select(Channel)
        .where(Channel.code == code.strip().upper())
        .execution_options(populate_existing=True)
    )
    if ch is None:
        raise NotFound("channel not found", {"channel": code})
    return ch


def warehouse_by_code(code: str) -> Location:
    loc: Location | None = db.session.scalar(
        select(Location).where(Location.code == code.strip().upper())
    )
    if loc is None or loc.level != "warehouse":
        raise NotFound("warehouse not found", {"warehouse": code})
    return loc


def item_by_sku(sku: str) -> Item:
    item: Item | None = db.session.scalar(select(Item).where(Item.sku_key == sku_key(sku)))
    if item is None:
        raise NotFound("item not found", {"sku": sku})
    return item


def _check(fields: Mapping[str, Any]) -> None:
    if "kind" in fields and fields["kind"] not in CHANNEL_KINDS:
        raise ValidationFailed("unknown channel kind", {"kind": fields["kind"]})
    cap = fields.get("cap_fraction")
    if cap is not None and not Decimal(0) < Decimal(cap) <= Decimal(1):
        raise ValidationFailed("cap_fraction is a share of stock: above 0, at most 1")
    for name in ("safety_buffer", "min_shelf_life_days"):
        if fields.get(name) is not None and fields[name] < 0:
            raise ValidationFailed(f"{name} cannot be negative", {"field": name})
    if fields.get("webhook_url"):
        # Before any transaction: this may look the host up (webhook_url_rules.py).
        try:
            vet_for_saving(fields["webhook_url"])
        except WebhookUrlRefused as exc:
            details = {"field": "webhook_url", "rule": exc.code, **exc.details}
            raise ValidationFailed(exc.message, details) from exc


def _set_warehouses(ch: Channel, codes: Sequence[str]) -> None:
    whs = [warehouse_by_code(c) for c in codes]
    db.session.execute(delete(ChannelWarehouse).where(ChannelWarehouse.channel_id == ch.id))
    for wh in {w.id: w for w in whs}.values():
        db.session.add(ChannelWarehouse(channel_id=ch.id, warehouse_id=wh.id))


def create_channel(code: str, warehouses: Sequence[str] = (), **fields: Any) -> ChannelView:
    """A sales channel with its rules and the warehouses it may ship from."""
    _check(fields)
    clean = code.strip().upper()
    if not clean or len(clean) > 32 or not clean.replace("-", "").replace("_", "").isalnum():
        raise ValidationFailed("code is 1-32 letters, digits, - or _", {"field": "code"})
    try:
        with write_transaction():
            ch = Channel(code=clean, **{k: v for k, v in fields.items() if k in CHANNEL_FIELDS})
            db.session.add(ch)
            db.session.flush()
            _set_warehouses(ch, warehouses)
            db.session.flush()
            ats_changed(db.session.connection(), None, utcnow(), ch.id)
            return _view(ch)
    except IntegrityError as exc:
        raise Conflict("a channel with this code exists", {"code": clean}) from exc


def update_channel(code: str, changes: Mapping[str, Any]) -> ChannelView:
    """Change a channel's rules; connectors are told to take a full snapshot."""
    _check(changes)
    with write_transaction():
        ch = _channel(code)
        for key, value in changes.items():
            if key in CHANNEL_FIELDS:
                setattr(ch, key, value)
        if "warehouses" in changes:
            _set_warehouses(ch, changes["warehouses"])
        db.session.flush()
        ats_changed(db.session.connection(), None, utcnow(), ch.id)
        return _view(ch)


def get_channel(code: str) -> ChannelView:
    return _view(_channel(code))


def list_channels() -> list[ChannelView]:
    return [
        _view(ch)
        for ch in db.session.scalars(
            select(Channel).order_by(Channel.priority.desc(), Channel.code)
        )
    ]


def set_pool(code: str, sku: str, warehouse: str, quantity: int) -> list[PoolView]:
    """Ring-fence `quantity` of an item in a warehouse for this channel (0 removes it)."""
    if quantity < 0:
        raise ValidationFailed("a pool cannot be negative", {"quantity": quantity})
    with write_transaction():
        ch, item, wh = _channel(code), item_by_sku(sku), warehouse_by_code(warehouse)
        key = {"channel_id": ch.id, "item_id": item.id, "warehouse_id": wh.id}
        pool = db.session.get(ChannelPool, key)
        if quantity == 0:
            if pool is not None:
                db.session.delete(pool)
        elif pool is None:
            db.session.add(ChannelPool(**key, quantity=quantity))
        else:
            pool.quantity = quantity
        db.session.flush()
        ats_changed(db.session.connection(), [item.id], utcnow())
        return list_pools(code)


def list_pools(code: str) -> list[PoolView]:
    ch = _channel(code)
    rows = db.session.execute(
        select(Item.sku, Location.code, ChannelPool.quantity)
        .join(Item, Item.id == ChannelPool.item_id)
        .join(Location, Location.id == ChannelPool.warehouse_id)
        .where(ChannelPool.channel_id == ch.id)
        .order_by(Item.sku, Location.code)
    )
    return [PoolView(s, w, q) for s, w, q in rows]


def add_listing(code: str, listing_id: str, sku: str) -> dict[str, Any]:
    """Map a channel's own listing id to one of our SKUs."""
    listing_id = listing_id.strip()
    if not listing_id or len(listing_id) > 100:
        raise ValidationFailed("listing_id is 1-100 characters", {"field": "listing_id"})
    try:
        with write_transaction():
            ch, item = _channel(code), item_by_sku(sku)
            db.session.add(ChannelListing(channel_id=ch.id, listing_id=listing_id, item_id=item.id))
            db.session.flush()
            return {"channel": ch.code, "listing_id": listing_id, "sku": item.sku}
    except IntegrityError as exc:
        raise Conflict("this listing id is mapped already", {"listing_id": listing_id}) from exc


def set_kit(kit_sku: str, components: Sequence[tuple[str, int]]) -> dict[str, Any]:
    """Define what one unit of a kit SKU is made of (replaces the previous recipe)."""
    if not components:
        raise ValidationFailed("a kit needs at least one component")
    with write_transaction():
        kit = item_by_sku(kit_sku)
        if db.session.scalar(
            select(KitComponent.kit_item_id).where(KitComponent.component_item_id == kit.id)
        ):
            raise ValidationFailed("this SKU is a component of a kit; kits do not nest")
        parts: dict[int, int] = {}
        for sku, qty in components:
            item = item_by_sku(sku)
            if qty <= 0:
                raise ValidationFailed("component quantities are positive", {"sku": sku})
            if item.id == kit.id:
                raise ValidationFailed("a kit cannot contain itself", {"sku": sku})
            if db.session.scalar(
                select(KitComponent.kit_item_id).where(KitComponent.kit_item_id == item.id)
            ):
                raise ValidationFailed(
                    "a component cannot be a kit; kits do not nest", {"sku": sku}
                )
            parts[item.id] = parts.get(item.id, 0) + qty
        db.session.execute(delete(KitComponent).where(KitComponent.kit_item_id == kit.id))
        for comp, qty in parts.items():
            db.session.add(KitComponent(kit_item_id=kit.id, component_item_id=comp, quantity=qty))
        db.session.flush()
        ats_changed(db.session.connection(), [kit.id], utcnow())
        skus = {
            i: s for i, s in db.session.execute(select(Item.id, Item.sku).where(Item.id.in_(parts)))
        }
        return {
            "sku": kit.sku,
            "components": [{"sku": skus[c], "quantity": q} for c, q in sorted(parts.items())],
        }


def set_region_rank(warehouse: str, region: str, rank: int) -> dict[str, Any]:
    """How near a warehouse is to a ship-to region (lower ships first)."""
    region = region.strip().upper()
    if not region or len(region) > 32:
        raise ValidationFailed("region is 1-32 characters", {"field": "region"})
    with write_transaction():
        wh = warehouse_by_code(warehouse)
        row = db.session.get(WarehouseRegion, {"warehouse_id": wh.id, "region": region})
        if row is None:
            db.session.add(WarehouseRegion(warehouse_id=wh.id, region=region, rank=rank))
        else:
            row.rank = rank
        db.session.flush()
        return {"warehouse": wh.code, "region": region, "rank": rank}
