"""An item's ABC class in a warehouse, as the last classification run left it. An item
never classified (new, or nothing moved in the window) is counted as a C item: the least
frequent count and the widest tolerance, until the ledger says otherwise."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from .models import ItemClass

UNCLASSIFIED = "C"

_IC = ItemClass.__table__
_CLASSES = select(_IC.c.item_id, _IC.c.abc_class).where(
    _IC.c.warehouse_id == bindparam("wh"),
    _IC.c.item_id.in_(bindparam("items", expanding=True)),
)
# Keeps each IN list well under SQLite's bound-parameter limit.
_CHUNK = 5000


def classes_of(conn: Connection, warehouse_id: int, item_ids: Iterable[int]) -> dict[int, str]:
    """item id -> "A" | "B" | "C" for every item asked about (unclassified: "C")."""
    ids = sorted(set(item_ids))
    out = dict.fromkeys(ids, UNCLASSIFIED)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        for item_id, cls in conn.execute(_CLASSES, {"wh": warehouse_id, "items": chunk}):
            out[int(item_id)] = str(cls)
    return out
