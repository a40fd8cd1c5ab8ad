"""Supplier use cases: who ships to us, how much over an order they may deliver, where a
sent PO goes (email, po_endpoint, and the secret its POSTs are signed with), their
currency, promised lead time and import legs."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..allocation.webhook_http import vet_for_saving
from ..allocation.webhook_url_rules import WebhookUrlRefused
from ..catalog.results import Page, cursor_id, next_cursor, page_limit
from ..database import write_transaction
from ..errors import DuplicateCode, NotFound, ValidationFailed, rule_failed
from ..extensions import db
from .models import Supplier
from .results import SupplierView
from .rules import PurchasingRuleError, decimal_text, normalise_supplier_code, parse_tolerance
from .terms_rules import check_days, normalise_currency, normalise_email

DAY_FIELDS = ("lead_time_days", "production_days", "transit_days", "customs_days")
# Three-way match tolerances of the supplier's invoices (finance/invoice_rules.py).
INVOICE_TOLERANCES = ("invoice_qty_tolerance_pct", "invoice_price_tolerance_pct")
TERMS_FIELDS = (
    "email", "po_endpoint", "po_endpoint_secret", "currency", *DAY_FIELDS, "imports",
    *INVOICE_TOLERANCES,
)  # fmt: skip
# The po_endpoint's signing secret, like a channel's webhook_secret: written, never read back.
SECRET_LENGTH = (16, 200)
SUPPLIER_FIELDS = ("name", "over_receipt_tolerance_pct", "active", *TERMS_FIELDS)


def supplier_view(s: Supplier) -> SupplierView:
    return SupplierView(
        id=s.id,
        code=s.code,
        name=s.name,
        over_receipt_tolerance_pct=decimal_text(s.over_receipt_tolerance_pct) or "0",
        active=s.active,
        email=s.email,
        po_endpoint=s.po_endpoint,
        has_po_endpoint_secret=bool(s.po_endpoint_secret),
        currency=s.currency,
        lead_time_days=s.lead_time_days,
        production_days=s.production_days,
        transit_days=s.transit_days,
        customs_days=s.customs_days,
        imports=s.imports,
        invoice_qty_tolerance_pct=decimal_text(s.invoice_qty_tolerance_pct) or "0",
        invoice_price_tolerance_pct=decimal_text(s.invoice_price_tolerance_pct) or "0",
    )


def _clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > 200:
        raise ValidationFailed("name must be 1-200 characters", {"field": "name"})
    return name


def _tolerance(raw: str | Decimal, name: str = "over_receipt_tolerance_pct") -> Decimal:
    try:
        return parse_tolerance(raw)
    except PurchasingRuleError as exc:
        raise ValidationFailed(exc.message, {"field": name, **exc.details}) from exc


def _po_endpoint(raw: str | None) -> str | None:
    """Under the channel webhook URL policy (https; http only to loopback where allowed).
    Called before any transaction: it may look the host up."""
    if raw is None or not raw.strip():
        return None
    try:
        vet_for_saving(raw.strip())
    except WebhookUrlRefused as exc:
        raise ValidationFailed(
            exc.message, {"field": "po_endpoint", "rule": exc.code, **exc.details}
        ) from exc
    return raw.strip()


def _secret(raw: str | None) -> str | None:
    """The key the supplier verifies our POSTs with (None removes it); kept as given."""
    if raw is None:
        return None
    low, high = SECRET_LENGTH
    if not low <= len(raw) <= high:
        raise ValidationFailed(
            f"po_endpoint_secret must be {low}-{high} characters",
            {"field": "po_endpoint_secret"},
        )
    return raw


def _clean_terms(values: Mapping[str, Any]) -> dict[str, Any]:
    """The contact and terms fields in `values`, checked (email/po_endpoint/secret None =
    none)."""
    clean: dict[str, Any] = {}
    try:
        if "email" in values:
            clean["email"] = None if values["email"] is None else normalise_email(values["email"])
        if "currency" in values:
            clean["currency"] = normalise_currency(values["currency"])
        for name in DAY_FIELDS:
            if name in values:
                clean[name] = check_days(name, values[name])
    except PurchasingRuleError as exc:
        raise rule_failed(exc) from exc
    if "imports" in values:
        clean["imports"] = bool(values["imports"])
    for name in INVOICE_TOLERANCES:
        if name in values:
            clean[name] = _tolerance(values[name], name)
    if "po_endpoint" in values:
        clean["po_endpoint"] = _po_endpoint(values["po_endpoint"])
    if "po_endpoint_secret" in values:
        clean["po_endpoint_secret"] = _secret(values["po_endpoint_secret"])
    return clean


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
    *, code: str, name: str, over_receipt_tolerance_pct: str | Decimal = "0", **terms: Any
) -> SupplierView:
    """Register a supplier; its code is unique and its tolerance defaults to 0%. `terms`:
    email, po_endpoint, po_endpoint_secret, currency (default SCANFLOOR_CURRENCY),
    lead_time_days (default 14), production_days, transit_days, customs_days (default 0)
    and imports (default false)."""
    unknown = sorted(set(terms) - set(TERMS_FIELDS))
    if unknown:
        raise ValidationFailed("these fields are not a supplier's", {"fields": unknown})
    try:
        clean = normalise_supplier_code(code)
    except PurchasingRuleError as exc:
        raise rule_failed(exc) from exc
    defaults: dict[str, Any] = {
        "currency": current_app.config.get("SCANFLOOR_CURRENCY", "EUR"),
        "lead_time_days": 14,
        "production_days": 0,
        "transit_days": 0,
        "customs_days": 0,
        "imports": False,
    }
    supplier = Supplier(
        code=clean,
        name=_clean_name(name),
        over_receipt_tolerance_pct=_tolerance(over_receipt_tolerance_pct),
        active=True,
        **_clean_terms({**defaults, **terms}),
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
    """Change a supplier's name, tolerance, active flag, contact or terms (the code is
    fixed); email, po_endpoint or po_endpoint_secret null removes it."""
    unknown = sorted(set(changes) - set(SUPPLIER_FIELDS))
    if unknown:
        raise ValidationFailed("these fields cannot be changed here", {"fields": unknown})
    terms = _clean_terms(changes)
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
        for name, value in terms.items():
            setattr(supplier, name, value)
        db.session.flush()
        return supplier_view(supplier)
