"""Small builders for reference data in integration tests (ORM, committed)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select

from scanfloor.catalog.models import Item, Location, Lot, PackLevel
from scanfloor.extensions import db

_seq = itertools.count(1)


def virtual(code: str) -> Location:
    loc = db.session.scalar(select(Location).where(Location.code == code))
    assert loc is not None, code
    return loc


def make_item(sku: str | None = None, **kw: Any) -> Item:
    n = next(_seq)
    sku = sku or f"SKU-{n:05d}"
    item = Item(sku=sku, sku_key=sku.casefold(), name=kw.pop("name", f"Item {n}"), **kw)
    item.packs.append(PackLevel(level="each", quantity=1))
    db.session.add(item)
    db.session.commit()
    return item


def make_bin(code: str | None = None, **kw: Any) -> Location:
    code = code or f"BIN-{next(_seq):05d}"
    kw.setdefault("type", "storage")
    kw.setdefault("sellable", kw["type"] in ("storage", "pick_face"))
    loc = Location(code=code, name=code, level="bin", **kw)
    db.session.add(loc)
    db.session.commit()
    return loc


def make_lot(item: Item, code: str) -> Lot:
    lot = Lot(item_id=item.id, code=code)
    db.session.add(lot)
    db.session.commit()
    return lot


def receive(item: Item, loc: Location, qty: int, key: str | None = None) -> Any:
    """Put stock in a bin the way a receipt does: through the one writer."""
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    return post(
        PostingRequest(
            movement_type="receipt",
            lines=(
                MovementLine(
                    item_id=item.id,
                    quantity=qty,
                    from_location_id=virtual("VENDOR").id,
                    to_location_id=loc.id,
                ),
            ),
            idempotency_key=key,
        )
    )
