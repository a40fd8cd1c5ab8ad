"""Supplier items: what each supplier sells us and on what terms, and which supplier an
item is preferably bought from.

Several suppliers may sell one item; at most one of them is its preferred supplier (a
partial unique index on supplier_items). Making one preferred clears the others' flag first,
in the same transaction, so the index never sees two; deactivating the preferred one clears
its flag (an inactive supplier item is never bought from). The suggestion run reads the
terms in bulk through supplier_terms_for / preferred_terms: the preferred supplier, else the
cheapest active one (unit costs are compared as numbers, whatever their currency).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Row, Select, select, update
from sqlalchemy.exc import IntegrityError

from ..catalog.codes import sku_key
from ..catalog.models import Item
from ..catalog.results import Page, cursor_id, next_cursor, page_limit
from ..database import write_transaction
from ..errors import Conflict, NotFound, ValidationFailed, rule_failed
from ..extensions import db
from ..timeutil import utcnow
from .models import Supplier
from .rules import PurchasingRuleError, decimal_text
from .terms_models import SupplierItem
from .terms_rules import TERM_FIELDS, check_case_holds_purchase_units, clean_terms
from .terms_views import ItemRef, SupplierItemView, SupplierRef, TermsRow

PATCH_FIELDS = (*TERM_FIELDS, "preferred", "active")
# Above this many items a bulk read takes every active row and drops the others in Python:
# one plain scan beats an IN list of thousands of bound parameters (SQLite caps them).
_IN_LIST_LIMIT = 1000

_SI = SupplierItem.__table__
_S = Supplier.__table__
_I = Item.__table__
_VIEW: Select[Any] = (
    select(
        _SI,
        _S.c.code.label("supplier_code"),
        _S.c.name.label("supplier_name"),
        _I.c.sku.label("item_sku"),
        _I.c.name.label("item_name"),
    )
    .select_from(_SI.join(_S, _S.c.id == _SI.c.supplier_id).join(_I, _I.c.id == _SI.c.item_id))
    .order_by(_SI.c.id)
)
_TERMS = (
    select(
        _SI.c.id,
        _SI.c.supplier_id,
        _S.c.code,
        _SI.c.item_id,
        _SI.c.supplier_sku,
        _SI.c.unit_cost,
        _SI.c.currency,
        _SI.c.moq,
        _SI.c.case_pack,
        _SI.c.purchase_unit,
        _SI.c.units_per_purchase_unit,
        _SI.c.lead_time_days,
        _SI.c.case_volume_m3,
        _SI.c.case_weight_kg,
        _SI.c.preferred,
    )
    .select_from(_SI.join(_S, _S.c.id == _SI.c.supplier_id))
    .where(_SI.c.active.is_(True), _S.c.active.is_(True))
    .order_by(_SI.c.item_id, _SI.c.preferred.desc(), _SI.c.unit_cost, _SI.c.id)
)


class DuplicateSupplierItem(Conflict):
    """The supplier already has terms for this item: change them with PATCH."""

    code = "duplicate_supplier_item"


def _view(r: Row[Any]) -> SupplierItemView:
    return SupplierItemView(
        id=r.id,
        supplier=SupplierRef(r.supplier_id, r.supplier_code, r.supplier_name),
        item=ItemRef(r.item_id, r.item_sku, r.item_name),
        supplier_sku=r.supplier_sku,
        unit_cost=decimal_text(r.unit_cost, 2) or "0.00",
        currency=r.currency,
        moq=r.moq,
        case_pack=r.case_pack,
        purchase_unit=r.purchase_unit,
        units_per_purchase_unit=r.units_per_purchase_unit,
        lead_time_days=r.lead_time_days,
        case_volume_m3=decimal_text(r.case_volume_m3),
        case_weight_kg=decimal_text(r.case_weight_kg),
        preferred=bool(r.preferred),
        active=bool(r.active),
    )


def _read(supplier_item_id: int) -> SupplierItemView:
    row = db.session.execute(_VIEW.where(_SI.c.id == supplier_item_id)).one_or_none()
    if row is None:
        raise NotFound("supplier item not found", {"supplier_item_id": supplier_item_id})
    return _view(row)


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return clean_terms(values)
    except PurchasingRuleError as exc:
        raise rule_failed(exc) from exc


def _check_case(case_pack: int, units_per_purchase_unit: int) -> None:
    try:
        check_case_holds_purchase_units(case_pack, units_per_purchase_unit)
    except PurchasingRuleError as exc:
        raise rule_failed(exc) from exc


def item_by_ref(sku: str | None, item_id: int | None) -> Item:
    """The item named by id or SKU (both: they must agree); an inactive item is refused."""
    if sku is None and item_id is None:
        raise ValidationFailed("give sku or item_id", {"field": "sku"})
    found: Item | None = (
        db.session.get(Item, item_id)
        if item_id is not None
        else db.session.scalar(select(Item).where(Item.sku_key == sku_key(sku or "")))
    )
    if found is None:
        raise NotFound("item not found", {"sku": sku, "item_id": item_id})
    if sku is not None and found.sku_key != sku_key(sku):
        raise ValidationFailed("sku and item_id name different items", {"sku": sku})
    if not found.active:
        raise ValidationFailed("item is inactive", {"sku": found.sku})
    return found


def _make_preferred(si: SupplierItem) -> None:
    """Clear the item's other preferred flag, then set this one: two statements in this
    order, so the one-preferred-per-item index never holds two."""
    db.session.execute(
        update(SupplierItem)
        .where(
            SupplierItem.item_id == si.item_id,
            SupplierItem.preferred.is_(True),
            SupplierItem.id != si.id,
        )
        .values(preferred=False, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    si.preferred = True
    db.session.flush()


def _concurrent(exc: IntegrityError) -> Conflict:
    return Conflict(
        "this item's supplier terms changed at the same time: read them and try again",
        {"rule": "concurrent_change"},
    )


def add_supplier_item(
    supplier_id: int,
    *,
    sku: str | None = None,
    item_id: int | None = None,
    preferred: bool = False,
    **terms: Any,
) -> SupplierItemView:
    """A supplier's terms for one item (by SKU or id). Currency and lead time default to the
    supplier's; MOQ, case pack and units per purchase unit to 1, purchase unit to "each"."""
    unknown = sorted(set(terms) - set(TERM_FIELDS))
    if unknown:
        raise ValidationFailed("these fields are not supplier item terms", {"fields": unknown})
    if "unit_cost" not in terms:
        raise ValidationFailed("unit_cost is required", {"field": "unit_cost"})
    clean = _clean(terms)
    try:
        with write_transaction():
            supplier = db.session.get(Supplier, supplier_id)
            if supplier is None:
                raise NotFound("supplier not found", {"supplier_id": supplier_id})
            item = item_by_ref(sku, item_id)
            values: dict[str, Any] = {
                "currency": supplier.currency,
                "lead_time_days": supplier.lead_time_days,
                "moq": 1,
                "case_pack": 1,
                "purchase_unit": "each",
                "units_per_purchase_unit": 1,
                **clean,
            }
            _check_case(values["case_pack"], values["units_per_purchase_unit"])
            taken = db.session.scalar(
                select(SupplierItem.id).where(
                    SupplierItem.supplier_id == supplier.id, SupplierItem.item_id == item.id
                )
            )
            if taken is not None:
                raise DuplicateSupplierItem(
                    f"{supplier.code} already has terms for {item.sku}",
                    {"supplier_item_id": taken, "supplier": supplier.code, "sku": item.sku},
                )
            si = SupplierItem(
                supplier_id=supplier.id,
                item_id=item.id,
                preferred=False,
                active=True,
                updated_at=utcnow(),
                **values,
            )
            db.session.add(si)
            db.session.flush()
            if preferred:
                _make_preferred(si)
            return _read(si.id)
    except IntegrityError as exc:  # a concurrent add or preferred switch (PostgreSQL)
        raise _concurrent(exc) from exc


def update_supplier_item(supplier_item_id: int, changes: Mapping[str, Any]) -> SupplierItemView:
    """Change a supplier item's terms, preferred or active flag. preferred: true clears the
    item's other preferred supplier; deactivating the preferred one leaves the item with none."""
    unknown = sorted(set(changes) - set(PATCH_FIELDS))
    if unknown:
        raise ValidationFailed("these fields cannot be changed here", {"fields": unknown})
    clean = _clean(changes)
    try:
        with write_transaction():
            si = db.session.get(SupplierItem, supplier_item_id, populate_existing=True)
            if si is None:
                raise NotFound("supplier item not found", {"supplier_item_id": supplier_item_id})
            for name, value in clean.items():
                setattr(si, name, value)
            _check_case(si.case_pack, si.units_per_purchase_unit)
            if "active" in changes:
                si.active = bool(changes["active"])
            wants = changes.get("preferred")
            if not si.active:
                if wants:
                    raise ValidationFailed(
                        "an inactive supplier item cannot be preferred", {"field": "preferred"}
                    )
                si.preferred = False
            elif wants and not si.preferred:
                _make_preferred(si)
            elif wants is False:
                si.preferred = False
            si.updated_at = utcnow()
            db.session.flush()
            return _read(si.id)
    except IntegrityError as exc:
        raise _concurrent(exc) from exc


def _page(stmt: Any, limit: int | None, cursor: str | None) -> Page[SupplierItemView]:
    size = page_limit(limit)
    rows = db.session.execute(stmt.where(_SI.c.id > cursor_id(cursor)).limit(size + 1)).all()
    return Page(
        rows=[_view(r) for r in rows[:size]],
        next_cursor=next_cursor([r.id for r in rows], size),
    )


def list_supplier_items(
    supplier_id: int,
    *,
    active: bool | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[SupplierItemView]:
    """A supplier's items, by id."""
    if db.session.get(Supplier, supplier_id) is None:
        raise NotFound("supplier not found", {"supplier_id": supplier_id})
    stmt = _VIEW.where(_SI.c.supplier_id == supplier_id)
    if active is not None:
        stmt = stmt.where(_SI.c.active.is_(active))
    return _page(stmt, limit, cursor)


def list_item_supplier_items(
    item_id: int,
    *,
    active: bool | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[SupplierItemView]:
    """Every supplier's terms for one item, by id."""
    if db.session.get(Item, item_id) is None:
        raise NotFound("item not found", {"item_id": item_id})
    stmt = _VIEW.where(_SI.c.item_id == item_id)
    if active is not None:
        stmt = stmt.where(_SI.c.active.is_(active))
    return _page(stmt, limit, cursor)


# --- bulk reads for the suggestion run ---------------------------------------------------


def supplier_terms_for(conn: Connection, item_ids: Iterable[int]) -> dict[int, list[TermsRow]]:
    """Every asked item's active supplier items (of active suppliers), the preferred first,
    then by lowest unit cost; an item nobody sells has an empty list. One query."""
    wanted = set(item_ids)
    found: dict[int, list[TermsRow]] = {i: [] for i in wanted}
    if not wanted:
        return found
    stmt = _TERMS
    if len(wanted) <= _IN_LIST_LIMIT:
        stmt = stmt.where(_SI.c.item_id.in_(sorted(wanted)))
    for r in conn.execute(stmt):
        if r.item_id in wanted:
            found[r.item_id].append(
                TermsRow(
                    supplier_item_id=r.id,
                    supplier_id=r.supplier_id,
                    supplier_code=r.code,
                    item_id=r.item_id,
                    supplier_sku=r.supplier_sku,
                    unit_cost=r.unit_cost,
                    currency=r.currency,
                    moq=r.moq,
                    case_pack=r.case_pack,
                    purchase_unit=r.purchase_unit,
                    units_per_purchase_unit=r.units_per_purchase_unit,
                    lead_time_days=r.lead_time_days,
                    case_volume_m3=r.case_volume_m3,
                    case_weight_kg=r.case_weight_kg,
                    preferred=bool(r.preferred),
                )
            )
    return found


def preferred_terms(conn: Connection, item_ids: Iterable[int]) -> dict[int, TermsRow]:
    """Per item, the supplier to buy from: the preferred one, else the cheapest active one.
    Items nobody sells are left out."""
    return {i: rows[0] for i, rows in supplier_terms_for(conn, item_ids).items() if rows}
