"""Lot use cases: batches of a lot-tracked item, with an expiry date where tracked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from ..database import write_transaction
from ..errors import DuplicateCode, NotFound, ScanfloorError, ValidationFailed
from ..extensions import db
from .barcode_registry import guarded_write
from .models import Item, Lot
from .results import LotView, Page, cursor_id, next_cursor, page_limit
from .rules import CatalogRuleError, normalise_lot_code

LOT_FIELDS = ("expiry",)


def _view(lot: Lot) -> LotView:
    return LotView(id=lot.id, item_id=lot.item_id, code=lot.code, expiry=lot.expiry)


def _item(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None:
        raise NotFound("item not found", {"item_id": item_id})
    return item


def _load(lot_id: int) -> Lot:
    lot = db.session.get(Lot, lot_id)
    if lot is None:
        raise NotFound("lot not found", {"lot_id": lot_id})
    return lot


def _need_expiry(item: Item, expiry: date | None) -> None:
    if item.expiry_tracked and expiry is None:
        raise ValidationFailed(
            "this item tracks expiry: a lot needs an expiry date",
            {"item_id": item.id, "field": "expiry"},
        )


def _explain_code(item_id: int, code: str) -> ScanfloorError | None:
    taken = db.session.scalar(select(Lot.id).where(Lot.item_id == item_id, Lot.code == code))
    if taken is None:
        return None
    return DuplicateCode(
        f"this item already has lot {code}", {"item_id": item_id, "code": code, "lot_id": taken}
    )


def create_lot(item_id: int, *, code: str, expiry: date | None = None) -> LotView:
    """Record a lot of a lot-tracked item; its code is unique for that item."""
    try:
        clean = normalise_lot_code(code)
    except CatalogRuleError as exc:
        raise ValidationFailed(str(exc), exc.details) from exc
    with write_transaction():
        item = _item(item_id)
        if item.tracking != "lot":
            raise ValidationFailed(
                "this item is not lot-tracked", {"item_id": item.id, "tracking": item.tracking}
            )
        _need_expiry(item, expiry)
        duplicate = _explain_code(item.id, clean)
        if duplicate is not None:
            raise duplicate
        lot = Lot(item_id=item.id, code=clean, expiry=expiry)
        with guarded_write(lambda: _explain_code(item_id, clean)):
            db.session.add(lot)
        return _view(lot)


def get_lot(lot_id: int) -> LotView:
    """One lot."""
    return _view(_load(lot_id))


def list_lots(
    item_id: int, *, q: str | None = None, limit: int | None = None, cursor: str | None = None
) -> Page[LotView]:
    """An item's lots by id; q matches part of the lot code."""
    size = page_limit(limit)
    _item(item_id)
    stmt = select(Lot).where(Lot.item_id == item_id, Lot.id > cursor_id(cursor))
    if q is not None and q.strip():
        stmt = stmt.where(Lot.code.contains(q.strip().upper(), autoescape=True))
    rows = list(db.session.scalars(stmt.order_by(Lot.id).limit(size + 1)))
    return Page(
        rows=[_view(lot) for lot in rows[:size]],
        next_cursor=next_cursor([lot.id for lot in rows], size),
    )


def update_lot(lot_id: int, changes: Mapping[str, Any]) -> LotView:
    """Correct a lot's expiry date."""
    unknown = sorted(set(changes) - set(LOT_FIELDS))
    if unknown:
        raise ValidationFailed("these fields cannot be changed here", {"fields": unknown})
    with write_transaction():
        lot = _load(lot_id)
        if "expiry" in changes:
            _need_expiry(_item(lot.item_id), changes["expiry"])
            lot.expiry = changes["expiry"]
        db.session.flush()
        return _view(lot)
