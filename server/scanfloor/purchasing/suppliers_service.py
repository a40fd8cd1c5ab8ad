"""Supplier use cases: who ships to us, and how much over an order they may deliver."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..catalog.results import Page, cursor_id, next_cursor, page_limit
from ..database import write_transaction
from ..errors import DuplicateCode, NotFound, ValidationFailed, rule_failed
from ..extensions import db
from .models import Supplier
from .results import SupplierView
from .rules import PurchasingRuleError, decimal_text, normalise_supplier_code, parse_tolerance

SUPPLIER_FIELDS = ("name", "over_receipt_tolerance_pct", "active")


def supplier_view(s: Supplier) -> SupplierView:
    return SupplierView(
        id=s.id,
        code=s.code,
        name=s.name,
        over_receipt_tolerance_pct=decimal_text(s.over_receipt_tolerance_pct) or "0",
        active=s.active,
    )


def _clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > 200:
        raise ValidationFailed("name must be 1-200 characters", {"field": "name"})
    return name


def _tolerance(raw: str | Decimal) -> Decimal:
    try:
        return parse_tolerance(raw)
    except PurchasingRuleError as exc:
        raise ValidationFailed(
            exc.message, {"field": "over_receipt_tolerance_pct", **exc.details}
        ) from exc


def load_supplier(supplier_id: int) -> Supplier:
    found = db.session.get(Supplier, supplier_id)
    if found is None:
        raise NotFound("supplier not found", {"supplier_id": supplier_id})
    return found


def supplier_by_code(code: str) -> Supplier:
    try:
        clean = normalise_supplier_code(code)
    except PurchasingRuleError as exc:
        raise rule_failed(exc) from exc
    found: Supplier | None = db.session.scalar(select(Supplier).where(Supplier.code == clean))
    if found is None:
        raise NotFound(f"no supplier with code {clean}", {"supplier": clean})
    return found


def create_supplier(
    *, code: str, name: str, over_receipt_tolerance_pct: str | Decimal = "0"
) -> SupplierView:
    """Register a supplier; its code is unique and its tolerance defaults to 0%."""
    try:
        clean = normalise_supplier_code(code)
    except PurchasingRuleError as exc:
        raise rule_failed(exc) from exc
    supplier = Supplier(
        code=clean,
        name=_clean_name(name),
        over_receipt_tolerance_pct=_tolerance(over_receipt_tolerance_pct),
        active=True,
    )
    try:
        with write_transaction():
            taken = db.session.scalar(select(Supplier.id).where(Supplier.code == clean))
            if taken is not None:
                raise DuplicateCode(
                    f"supplier {clean} already exists", {"code": clean, "supplier_id": taken}
                )
            db.session.add(supplier)
            db.session.flush()
    except IntegrityError as exc:  # a concurrent create took the code (PostgreSQL)
        raise DuplicateCode(f"supplier {clean} already exists", {"code": clean}) from exc
    return supplier_view(supplier)


def get_supplier(supplier_id: int) -> SupplierView:
    """One supplier."""
    return supplier_view(load_supplier(supplier_id))


def list_suppliers(
    *,
    q: str | None = None,
    active: bool | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[SupplierView]:
    """Suppliers by id; q matches part of the code or name."""
    size = page_limit(limit)
    stmt = select(Supplier).where(Supplier.id > cursor_id(cursor))
    if q is not None and q.strip():
        term = q.strip()
        stmt = stmt.where(
            or_(
                Supplier.code.contains(term.upper(), autoescape=True),
                Supplier.name.ilike(f"%{term}%"),
            )
        )
    if active is not None:
        stmt = stmt.where(Supplier.active.is_(active))
    rows = list(db.session.scalars(stmt.order_by(Supplier.id).limit(size + 1)))
    return Page(
        rows=[supplier_view(s) for s in rows[:size]],
        next_cursor=next_cursor([s.id for s in rows], size),
    )


def update_supplier(supplier_id: int, changes: Mapping[str, Any]) -> SupplierView:
    """Change a supplier's name, tolerance or active flag (the code is fixed)."""
    unknown = sorted(set(changes) - set(SUPPLIER_FIELDS))
    if unknown:
        raise ValidationFailed("these fields cannot be changed here", {"fields": unknown})
    with write_transaction():
        supplier = db.session.get(Supplier, supplier_id, populate_existing=True)
        if supplier is None:
            raise NotFound("supplier not found", {"supplier_id": supplier_id})
        if "name" in changes:
            supplier.name = _clean_name(changes["name"])
        if "over_receipt_tolerance_pct" in changes:
            supplier.over_receipt_tolerance_pct = _tolerance(changes["over_receipt_tolerance_pct"])
        if "active" in changes:
            supplier.active = bool(changes["active"])
        db.session.flush()
        return supplier_view(supplier)
