"""Reorder policies: how each item is reordered in each warehouse.

One policy per (item, warehouse), set by upsert (the whole policy is replaced, and an
inactive one becomes active again) and removed by deactivating it, so its history of who
changed it last stays. What each policy needs is terms_rules.check_policy's; the suggestion
run reads the active ones in bulk through policies_for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, Select, exists, select
from sqlalchemy.exc import IntegrityError

from ..catalog.codes import sku_key
from ..catalog.models import Item, Location
from ..catalog.results import Page, cursor_id, next_cursor, page_limit
from ..database import write_transaction
from ..errors import Conflict, NotFound, ValidationFailed, rule_failed
from ..extensions import db
from ..timeutil import utcnow
from .rules import PurchasingRuleError, decimal_text
from .suppliers_service import supplier_by_code
from .terms_models import ReorderPolicy, SupplierItem
from .terms_rules import POLICIES, POLICY_FIELDS, PolicyValues, check_policy
from .terms_service import item_by_ref
from .terms_views import ItemRef, PolicyRow, ReorderPolicyView, WarehouseRef

_P = ReorderPolicy.__table__
_I = Item.__table__
_SI = SupplierItem.__table__
_W = Location.__table__
_VIEW: Select[Any] = (
    select(
        _P,
        _I.c.sku.label("item_sku"),
        _I.c.name.label("item_name"),
        _W.c.code.label("warehouse_code"),
    )
    .select_from(_P.join(_I, _I.c.id == _P.c.item_id).join(_W, _W.c.id == _P.c.warehouse_id))
    .order_by(_P.c.id)
)
_ROWS = (
    select(
        _P.c.id,
        _P.c.item_id,
        _P.c.warehouse_id,
        _P.c.policy,
        _P.c.min_qty,
        _P.c.max_qty,
        _P.c.service_level,
        _P.c.review_days,
        _P.c.order_qty,
        _P.c.order_cost,
        _P.c.holding_rate,
    )
    .select_from(_P.join(_I, _I.c.id == _P.c.item_id))
    .where(_P.c.active.is_(True), _I.c.active.is_(True))
    .order_by(_P.c.warehouse_id, _P.c.item_id)
)


def _view(r: Row[Any]) -> ReorderPolicyView:
    return ReorderPolicyView(
        id=r.id,
        item=ItemRef(r.item_id, r.item_sku, r.item_name),
        warehouse=WarehouseRef(r.warehouse_id, r.warehouse_code),
        policy=r.policy,
        min_qty=r.min_qty,
        max_qty=r.max_qty,
        service_level=decimal_text(r.service_level),
        review_days=r.review_days,
        order_qty=r.order_qty,
        order_cost=decimal_text(r.order_cost, 2),
        holding_rate=decimal_text(r.holding_rate),
        active=bool(r.active),
        updated_at=r.updated_at,
    )


def reorder_policy(policy_id: int) -> ReorderPolicyView:
    """One policy, active or not (404 for none)."""
    row = db.session.execute(_VIEW.where(_P.c.id == policy_id)).one_or_none()
    if row is None:
        raise NotFound("reorder policy not found", {"policy_id": policy_id})
    return _view(row)


def warehouse_by_code(code: str) -> Location:
    """The warehouse a code names: 404 for no location, 422 for a location below one."""
    clean = code.strip().upper()
    loc: Location | None = db.session.scalar(select(Location).where(Location.code == clean))
    if loc is None:
        raise NotFound("warehouse not found", {"warehouse": clean})
    if loc.level != "warehouse":
        raise ValidationFailed(
            f"{clean} is a {loc.level}, not a warehouse",
            {"field": "warehouse", "warehouse": clean, "level": loc.level},
        )
    return loc


def upsert_reorder_policy(
    *,
    warehouse: str,
    policy: str,
    sku: str | None = None,
    item_id: int | None = None,
    actor_id: int | None = None,
    **values: Any,
) -> ReorderPolicyView:
    """Set an item's reorder policy in a warehouse (replacing the one there, if any)."""
    unknown = sorted(set(values) - set(POLICY_FIELDS))
    if unknown:
        raise ValidationFailed("these fields are not a reorder policy's", {"fields": unknown})
    try:
        checked = check_policy(policy, values)
    except PurchasingRuleError as exc:
        raise rule_failed(exc) from exc
    try:
        with write_transaction():
            wh = warehouse_by_code(warehouse)
            item = item_by_ref(sku, item_id)
            row: ReorderPolicy | None = db.session.scalar(
                select(ReorderPolicy)
                .where(ReorderPolicy.item_id == item.id, ReorderPolicy.warehouse_id == wh.id)
                .execution_options(populate_existing=True)
            )
            if row is None:
                row = ReorderPolicy(item_id=item.id, warehouse_id=wh.id)
                db.session.add(row)
            _apply(row, checked)
            row.active = True
            row.updated_by = actor_id
            row.updated_at = utcnow()
            db.session.flush()
            return reorder_policy(row.id)
    except IntegrityError as exc:  # a concurrent upsert created it first (PostgreSQL)
        raise Conflict(
            "this item's policy in the warehouse was set at the same time: try again",
            {"rule": "concurrent_change"},
        ) from exc


def _apply(row: ReorderPolicy, checked: PolicyValues) -> None:
    row.policy = checked.policy
    for name in POLICY_FIELDS:
        setattr(row, name, getattr(checked, name))


def deactivate_reorder_policy(policy_id: int, *, actor_id: int | None = None) -> ReorderPolicyView:
    """Stop a policy (it stays, inactive; an upsert for its item and warehouse revives it)."""
    with write_transaction():
        row = db.session.get(ReorderPolicy, policy_id, populate_existing=True)
        if row is None:
            raise NotFound("reorder policy not found", {"policy_id": policy_id})
        if row.active:
            row.active = False
            row.updated_by = actor_id
            row.updated_at = utcnow()
            db.session.flush()
        return reorder_policy(row.id)


def list_reorder_policies(
    *,
    warehouse: str | None = None,
    item: str | None = None,
    supplier: str | None = None,
    policy: str | None = None,
    active: bool | None = None,
    limit: int | None = None,
    cursor: str | None = None,
    warehouse_ids: Select[tuple[int]] | None = None,
) -> Page[ReorderPolicyView]:
    """Reorder policies by id; filters: warehouse code, item SKU, supplier code (the
    policies of items the supplier has terms for, active or not), policy, active.
    `warehouse_ids` (a select) keeps to the warehouses the caller may see; None: every one."""
    size = page_limit(limit)
    stmt = _VIEW.where(_P.c.id > cursor_id(cursor))
    if warehouse_ids is not None:
        stmt = stmt.where(_P.c.warehouse_id.in_(warehouse_ids))
    if warehouse is not None:
        stmt = stmt.where(_P.c.warehouse_id == warehouse_by_code(warehouse).id)
    if item is not None:
        found = db.session.scalar(select(Item.id).where(Item.sku_key == sku_key(item)))
        if found is None:
            raise NotFound("item not found", {"sku": item})
        stmt = stmt.where(_P.c.item_id == found)
    if supplier is not None:
        supplier_id = supplier_by_code(supplier).id
        stmt = stmt.where(
            exists().where(_SI.c.item_id == _P.c.item_id, _SI.c.supplier_id == supplier_id)
        )
    if policy is not None:
        if policy not in POLICIES:
            raise ValidationFailed(f"a policy is one of {', '.join(POLICIES)}", {"policy": policy})
        stmt = stmt.where(_P.c.policy == policy)
    if active is not None:
        stmt = stmt.where(_P.c.active.is_(active))
    rows = db.session.execute(stmt.limit(size + 1)).all()
    return Page(
        rows=[_view(r) for r in rows[:size]],
        next_cursor=next_cursor([r.id for r in rows], size),
    )


def policies_for(conn: Connection, warehouse_id: int | None) -> list[PolicyRow]:
    """The active policies of active items, in one warehouse or all (None), by warehouse
    then item. One query."""
    stmt = _ROWS if warehouse_id is None else _ROWS.where(_P.c.warehouse_id == warehouse_id)
    return [
        PolicyRow(
            id=r.id,
            item_id=r.item_id,
            warehouse_id=r.warehouse_id,
            policy=r.policy,
            min_qty=r.min_qty,
            max_qty=r.max_qty,
            service_level=r.service_level,
            review_days=r.review_days,
            order_qty=r.order_qty,
            order_cost=r.order_cost,
            holding_rate=r.holding_rate,
        )
        for r in conn.execute(stmt)
    ]
