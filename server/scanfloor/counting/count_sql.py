"""The statements of recording a counted line (count_service.py), built once at import
(PERFORMANCE.md: building a statement costs more than running it): the task under its lock
with everything judging the line needs, in one read; the line's upsert; and the two reads
only a lot or a recount needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..catalog.models import Item, Lot
from ..ledger.models import Balance
from .classes import UNCLASSIFIED
from .models import CountLine, CountPolicy, CountTask, ItemClass
from .values import latest_receipt_cost
from .variance_rules import RECOUNT
from .view_sql import WORKER_TASK

_CL = CountLine.__table__
_I = Item.__table__
_LOT = Lot.__table__
_B = Balance.__table__
_IC = ItemClass.__table__
_CP = CountPolicy.__table__
LOT_BY_CODE = select(_LOT.c.id).where(
    _LOT.c.item_id == bindparam("item"), _LOT.c.code == bindparam("code")
)
RECOUNT_KEYS = select(_CL.c.item_id, _CL.c.lot_key).where(
    _CL.c.task_id == bindparam("task"), _CL.c.attempt == 1, _CL.c.outcome == RECOUNT
)

# --- the task and what judging a line needs, in ONE read ----------------------------------
# The task row (locked: FOR UPDATE OF count_tasks only) with what the worker's view shows of
# it, and beside it the scanned item, its class in the task's warehouse (classes.classes_of:
# unclassified is C), its unit value (values.unit_values), its class's tolerance
# (policies.policies_for: the warehouse's own row, else warehouse_key 0; neither: the seeded
# default, in Python) and what the ledger holds loose of it in the task's bin, without a lot
# and of the lot scanned (task_rows.loose_qty): seven reads as one statement, in the
# transaction that writes the line (the freeze rule).
_CT = CountTask.__table__
_CLASS = func.coalesce(
    select(_IC.c.abc_class)
    .where(_IC.c.warehouse_id == _CT.c.warehouse_id, _IC.c.item_id == _I.c.id)
    .correlate_except(_IC)
    .scalar_subquery(),
    UNCLASSIFIED,
)


def _tolerance(column: Any) -> Any:
    return (
        select(column)
        .where(
            _CP.c.abc_class == _CLASS,
            or_(_CP.c.warehouse_key == 0, _CP.c.warehouse_key == _CT.c.warehouse_id),
        )
        .order_by(_CP.c.warehouse_key.desc())  # the warehouse's own row over key 0
        .limit(1)
        .correlate_except(_CP)
        .scalar_subquery()
    )


_SCANNED_LOT = (
    select(_LOT.c.id)
    .where(_LOT.c.item_id == _I.c.id, _LOT.c.code == bindparam("lot"))
    .correlate_except(_LOT)
    .scalar_subquery()
)


def _loose(lot_key: Any) -> Any:
    return (
        select(func.coalesce(func.sum(_B.c.quantity), 0))
        .where(
            _B.c.location_id == _CT.c.location_id,
            _B.c.item_id == _I.c.id,
            func.coalesce(_B.c.lot_id, literal_column("0")) == lot_key,
            _B.c.container_id.is_(None),
        )
        .correlate_except(_B)
        .scalar_subquery()
    )


TASK_AND_FACTS = (
    WORKER_TASK.add_columns(
        _I.c.id.label("scanned_item_id"),
        _I.c.sku.label("item_sku"),
        _I.c.name.label("item_name"),
        _I.c.tracking,
        _CLASS.label("abc_class"),
        latest_receipt_cost(_I.c.id).label("unit_value"),
        _tolerance(_CP.c.tolerance_units).label("tolerance_units"),
        _tolerance(_CP.c.tolerance_value).label("tolerance_value"),
        _SCANNED_LOT.label("lot_id"),
        _loose(literal_column("0")).label("loose_unlotted"),
        _loose(func.coalesce(_SCANNED_LOT, -1)).label("loose_of_lot"),
    )
    .outerjoin(_I, _I.c.id == bindparam("item"))
    .with_for_update(of=_CT)
)

# Re-entry replaces the line (and re-reads the ledger): the last count stands. One upsert on
# the line's key, built once per dialect (PERFORMANCE.md: building it costs more than it runs).
_LINE_COLUMNS = (
    "task_id", "attempt", "item_id", "lot_key", "warehouse_id", "location_id", "lot_id",
    "counted_qty", "system_qty", "variance", "unit_value", "variance_value", "abc_class",
    "within_tolerance", "unexpected", "outcome", "counted_by", "device_id", "counted_at",
)  # fmt: skip
_KEY = ("task_id", "attempt", "item_id", "lot_key")
_UPSERTS: dict[str, Any] = {}


def upsert_line(dialect: str) -> Any:
    """INSERT .. ON CONFLICT (task, attempt, item, lot key) DO UPDATE, for this dialect."""
    if dialect not in _UPSERTS:
        insert = pg_insert(_CL) if dialect == "postgresql" else sqlite_insert(_CL)
        stmt = insert.values({c: bindparam(c) for c in _LINE_COLUMNS})
        _UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=[_CL.c[c] for c in _KEY],
            set_={c: stmt.excluded[c] for c in _LINE_COLUMNS if c not in _KEY},
        )
    return _UPSERTS[dialect]
