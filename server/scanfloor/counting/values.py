"""What one unit of an item is worth, for variance values, value-weighted accuracy and
the ABC value basis: the unit cost of the item's latest costed receipt movement
(`movements.unit_cost` of movement_type `receipt`), None when no receipt was ever costed.

This is a stand-in: when finance brings a valuation (moving average, FIFO layers), it
replaces this module and every caller follows."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..catalog.models import Item
from ..ledger.models import Movement

_MOV = Movement.__table__
_ITEM = Item.__table__


def latest_receipt_cost(item_id_column: Any) -> Any:
    """A scalar subquery: the unit cost of the latest costed receipt of the item in
    `item_id_column` (newest occurred_at, then newest id); walks ix_movements_item_occurred
    backwards, so it stops at the first receipt it meets."""
    return (
        select(_MOV.c.unit_cost)
        .where(
            _MOV.c.item_id == item_id_column,
            _MOV.c.movement_type == "receipt",
            _MOV.c.unit_cost.is_not(None),
        )
        .order_by(_MOV.c.occurred_at.desc(), _MOV.c.id.desc())
        .limit(1)
        .correlate_except(_MOV)
        .scalar_subquery()
    )


_VALUES = select(_ITEM.c.id, latest_receipt_cost(_ITEM.c.id)).where(
    _ITEM.c.id.in_(bindparam("items", expanding=True))
)
_CHUNK = 5000


def unit_values(conn: Connection, item_ids: Iterable[int]) -> dict[int, Decimal | None]:
    """item id -> the unit value (Decimal) or None when never costed, for every item asked
    about (an unknown item id is None too)."""
    ids = sorted(set(item_ids))
    out: dict[int, Decimal | None] = dict.fromkeys(ids)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        for item_id, cost in conn.execute(_VALUES, {"items": chunk}):
            out[int(item_id)] = None if cost is None else Decimal(cost)
    return out
