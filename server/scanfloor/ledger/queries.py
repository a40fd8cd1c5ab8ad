"""Reads of the ledger for pages and the API: movements and balances, filtered and paged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ..catalog.models import Container, Item, Location, Lot
from ..extensions import db
from .models import Balance, Movement

_FROM = aliased(Location, name="from_loc")
_TO = aliased(Location, name="to_loc")


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    next_cursor: str | None


def _cursor(value: str | None) -> int | None:
    from ..errors import ValidationFailed

    if value in (None, ""):
        return None
    assert value is not None
    if not value.isdigit():
        raise ValidationFailed("cursor is not valid", {"cursor": value})
    return int(value)


def movements_page(
    *,
    item_id: int | None = None,
    location_id: int | None = None,
    movement_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    posting_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """Newest first; the cursor is the last id seen. `since` and `until` bound when the
    movements happened (occurred_at): since included, until excluded."""
    q = (
        select(Movement, Item.sku, _FROM.code, _TO.code, Lot.code)
        .join(Item, Item.id == Movement.item_id)
        .join(_FROM, _FROM.id == Movement.from_location_id)
        .join(_TO, _TO.id == Movement.to_location_id)
        .outerjoin(Lot, Lot.id == Movement.lot_id)
        .order_by(Movement.id.desc())
        .limit(limit + 1)
    )
    if item_id is not None:
        q = q.where(Movement.item_id == item_id)
    if location_id is not None:
        q = q.where(
            or_(Movement.from_location_id == location_id, Movement.to_location_id == location_id)
        )
    if movement_type:
        q = q.where(Movement.movement_type == movement_type)
    if since is not None:
        q = q.where(Movement.occurred_at >= since)
    if until is not None:
        q = q.where(Movement.occurred_at < until)
    if posting_id is not None:
        q = q.where(Movement.posting_id == posting_id)
    after = _cursor(cursor)
    if after is not None:
        q = q.where(Movement.id < after)
    rows = db.session.execute(q).all()
    more = len(rows) > limit
    out = [movement_dict(m, sku, fcode, tcode, lot) for m, sku, fcode, tcode, lot in rows[:limit]]
    return Page(out, str(out[-1]["id"]) if more and out else None)


def movements_by_ids(ids: Sequence[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    q = (
        select(Movement, Item.sku, _FROM.code, _TO.code, Lot.code)
        .join(Item, Item.id == Movement.item_id)
        .join(_FROM, _FROM.id == Movement.from_location_id)
        .join(_TO, _TO.id == Movement.to_location_id)
        .outerjoin(Lot, Lot.id == Movement.lot_id)
        .where(Movement.id.in_(list(ids)))
        .order_by(Movement.id)
    )
    return [movement_dict(*row) for row in db.session.execute(q).all()]


def movement_dict(
    m: Movement, sku: str, from_code: str, to_code: str, lot_code: str | None
) -> dict[str, Any]:
    return {
        "id": m.id,
        "posting_id": m.posting_id,
        "item_id": m.item_id,
        "sku": sku,
        "lot_id": m.lot_id,
        "lot_code": lot_code,
        "quantity": m.quantity,
        "from_location_id": m.from_location_id,
        "from_location_code": from_code,
        "from_container_id": m.from_container_id,
        "to_location_id": m.to_location_id,
        "to_location_code": to_code,
        "to_container_id": m.to_container_id,
        "movement_type": m.movement_type,
        "reason_code": m.reason_code,
        "actor_id": m.actor_id,
        "device_id": m.device_id,
        "source_type": m.source_type,
        "source_id": m.source_id,
        "unit_cost": m.unit_cost,
        "reverses_movement_id": m.reverses_movement_id,
        "occurred_at": m.occurred_at,
        "recorded_at": m.recorded_at,
    }


def balances_report(
    *,
    item_id: int | None = None,
    location_id: int | None = None,
    warehouse_id: int | None = None,
    lot_id: int | None = None,
    include_virtual: bool = False,
    cursor: str | None = None,
    limit: int = 500,
) -> tuple[Page, list[dict[str, Any]]]:
    """Balances (non-zero) with codes, plus on-hand totals per item over the whole filter."""
    filters = [Balance.quantity != 0]
    if item_id is not None:
        filters.append(Balance.item_id == item_id)
    if location_id is not None:
        filters.append(Balance.location_id == location_id)
    if warehouse_id is not None:
        filters.append(or_(Location.warehouse_id == warehouse_id, Location.id == warehouse_id))
    if lot_id is not None:
        filters.append(Balance.lot_id == lot_id)
    if not include_virtual:
        filters.append(Location.is_virtual.is_(False))
    q = (
        select(
            Balance,
            Item.sku,
            Location.code,
            Location.type,
            Location.is_virtual,
            Location.sellable,
            Lot.code,
            Container.code,
        )
        .join(Item, Item.id == Balance.item_id)
        .join(Location, Location.id == Balance.location_id)
        .outerjoin(Lot, Lot.id == Balance.lot_id)
        .outerjoin(Container, Container.id == Balance.container_id)
        .where(*filters)
        .order_by(Balance.id)
        .limit(limit + 1)
    )
    after = _cursor(cursor)
    if after is not None:
        q = q.where(Balance.id > after)
    rows = db.session.execute(q).all()
    more = len(rows) > limit
    out = [
        {
            "id": b.id,
            "item_id": b.item_id,
            "sku": sku,
            "location_id": b.location_id,
            "location_code": code,
            "location_type": ltype,
            "is_virtual": virtual,
            "sellable": sellable,
            "lot_id": b.lot_id,
            "lot_code": lot_code,
            "container_id": b.container_id,
            "container_code": cont_code,
            "quantity": b.quantity,
        }
        for b, sku, code, ltype, virtual, sellable, lot_code, cont_code in rows[:limit]
    ]
    totals_q = (
        select(
            Balance.item_id,
            Item.sku,
            func.sum(Balance.quantity).filter(Location.is_virtual.is_(False)),
            func.sum(Balance.quantity).filter(
                Location.is_virtual.is_(False), Location.sellable.is_(True)
            ),
        )
        .join(Item, Item.id == Balance.item_id)
        .join(Location, Location.id == Balance.location_id)
        .where(*filters)
        .group_by(Balance.item_id, Item.sku)
        .order_by(Balance.item_id)
    )
    totals = [
        {"item_id": i, "sku": sku, "on_hand": int(oh or 0), "sellable": int(se or 0)}
        for i, sku, oh, se in db.session.execute(totals_q).all()
    ]
    return Page(out, str(out[-1]["id"]) if more and out else None), totals
