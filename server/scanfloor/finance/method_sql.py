"""Which cost method values an item: its own row (item_cost_methods), else its category's
(category_cost_methods by items.attributes 'category'), else SCANFLOOR_COST_METHOD. One
statement for any number of items."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_app_context
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..catalog.models import Item
from .models import COST_METHODS, CategoryCostMethod, ItemCostMethod

SETTING = "SCANFLOOR_COST_METHOD"
DEFAULT_METHOD = "moving_average"

_I = Item.__table__
_IM = ItemCostMethod.__table__
_CM = CategoryCostMethod.__table__

_METHODS = (
    select(_I.c.id, _IM.c.method.label("own"), _CM.c.method.label("category"))
    .select_from(
        _I.outerjoin(_IM, _IM.c.item_id == _I.c.id).outerjoin(
            _CM, _CM.c.category == _I.c.attributes["category"].as_string()
        )
    )
    .where(_I.c.id.in_(bindparam("ids", expanding=True)))
)


def default_method() -> str:
    method = str(current_app.config.get(SETTING) or DEFAULT_METHOD) if has_app_context() else ""
    return method if method in COST_METHODS else DEFAULT_METHOD


def methods_of(conn: Connection, item_ids: Iterable[int]) -> dict[int, str]:
    """item id -> its cost method (items not found: the default)."""
    ids = sorted(set(item_ids))
    fallback = default_method()
    out = dict.fromkeys(ids, fallback)
    if ids:
        for item_id, own, category in conn.execute(_METHODS, {"ids": ids}):
            out[int(item_id)] = str(own or category or fallback)
    return out
