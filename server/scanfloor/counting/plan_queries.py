"""Reading the count plan: each classified item with its class, its last count in the
warehouse and when its class's interval makes it due again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, select

from ..catalog.models import Item
from ..errors import ValidationFailed
from ..extensions import db
from ..timeutil import as_utc
from .models import ABC_CLASSES, CountLine, ItemClass
from .policies import policies_for
from .schedule_rules import next_due

_IC = ItemClass.__table__
_CL = CountLine.__table__
_ITEM = Item.__table__
_LAST = (
    select(_CL.c.item_id, func.max(_CL.c.counted_at).label("at"))
    .where(_CL.c.warehouse_id == bindparam("wh"))
    .group_by(_CL.c.item_id)
    .subquery()
)
_CLASSES = (
    select(
        _IC.c.item_id,
        _ITEM.c.sku,
        _ITEM.c.name,
        _IC.c.abc_class,
        _IC.c.basis,
        _IC.c.metric,
        _IC.c.rank,
        _IC.c.computed_at,
        _LAST.c.at,
    )
    .join(_ITEM, _ITEM.c.id == _IC.c.item_id)
    .join(_LAST, _LAST.c.item_id == _IC.c.item_id, isouter=True)
    .where(_IC.c.warehouse_id == bindparam("wh"))
    .order_by(_IC.c.rank, _IC.c.item_id)
)


@dataclass(frozen=True)
class ItemClassView:
    item_id: int
    sku: str
    name: str
    abc_class: str
    basis: str
    metric: Decimal
    rank: int
    computed_at: datetime
    last_counted_at: datetime | None
    next_due: date | None  # None: never counted in this warehouse, so due now


def list_item_classes(warehouse_id: int, abc_class: str | None = None) -> list[ItemClassView]:
    """The warehouse's classified items by rank (of one class if asked)."""
    if abc_class is not None and abc_class not in ABC_CLASSES:
        raise ValidationFailed("unknown ABC class", {"class": abc_class})
    conn = db.session.connection()
    intervals = {c: p.interval_days for c, p in policies_for(conn, warehouse_id).items()}
    q = _CLASSES if abc_class is None else _CLASSES.where(_IC.c.abc_class == abc_class)
    out = []
    for r in conn.execute(q, {"wh": warehouse_id}):
        last = None if r.at is None else as_utc(r.at)
        out.append(
            ItemClassView(
                item_id=int(r.item_id),
                sku=str(r.sku),
                name=str(r.name),
                abc_class=str(r.abc_class),
                basis=str(r.basis),
                metric=Decimal(r.metric),
                rank=int(r.rank),
                computed_at=as_utc(r.computed_at),
                last_counted_at=last,
                next_due=next_due(None if last is None else last.date(), intervals[r.abc_class]),
            )
        )
    return out
