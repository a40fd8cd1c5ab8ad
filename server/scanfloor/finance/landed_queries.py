"""Landed-cost reads for the API: the charges newest first, and one charge with how it was
spread over its receipts' movements.

A charge's parts are its cost_adjustments rows (one per movement that bore a part above 0).
The spread shows every receipt movement the charge's receipts held when it was entered
(movement id up to the adjustments' `after_movement_id`: a receipt that took more lines
later shows them no part); basis figures and parts as they were when the charge was
booked (landed_costs.figures), whatever the supplier's case terms are now."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from ..catalog.results import Page, cursor_id, page_limit
from ..errors import NotFound
from ..extensions import db
from .document_models import CostAdjustment, LandedCost, LandedCostReceipt
from .landed_sql import receipt_movements
from .landed_views import LandedCostView, LandedSpreadRow
from .money import quantum

ZERO = Decimal(0)
_LC, _LCR, _CA = LandedCost, LandedCostReceipt, CostAdjustment
_MAX_ID = 2**31 - 1  # landed_costs.id is an INTEGER (PostgreSQL refuses a larger bind)


def _q() -> Decimal:
    return quantum(str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR"))


def _money(value: object, q: Decimal) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(q)


def _receipts(ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    if ids:
        rows = db.session.execute(
            select(_LCR.landed_cost_id, _LCR.receipt_id)
            .where(_LCR.landed_cost_id.in_(ids))
            .order_by(_LCR.landed_cost_id, _LCR.receipt_id)
        )
        for charge, receipt in rows:
            found[int(charge)].append(int(receipt))
    return found


def _totals(ids: list[int], q: Decimal) -> dict[int, tuple[Decimal, Decimal]]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(_CA.source_id, func.sum(_CA.on_hand_amount), func.sum(_CA.gone_amount))
        .where(_CA.source_type == "landed_cost", _CA.source_id.in_([str(i) for i in ids]))
        .group_by(_CA.source_id)
    )
    return {int(s): (_money(on, q), _money(gone, q)) for s, on, gone in rows}


def _view(row: LandedCost, receipts: list[int], totals: tuple[Decimal, Decimal] | None,
          q: Decimal, lines: list[LandedSpreadRow] | None = None) -> LandedCostView:  # fmt: skip
    on_hand, gone = totals or (ZERO.quantize(q), ZERO.quantize(q))
    return LandedCostView(
        id=row.id, charge_kind=row.charge_kind, basis=row.basis, amount=_money(row.amount, q),
        reference=row.reference, description=row.description, charge_date=row.charge_date,
        created_by=row.created_by, created_at=row.created_at, entry_id=row.entry_id,
        receipt_ids=receipts, on_hand_amount=on_hand, gone_amount=gone, lines=lines or [],
    )  # fmt: skip


def landed_costs(
    receipt_id: int | None = None, limit: int | None = None, cursor: str | None = None
) -> Page[LandedCostView]:
    """Charges newest first (cursor: the last id), only those on one receipt when given."""
    n = page_limit(limit)
    stmt = select(_LC).order_by(_LC.id.desc()).limit(n + 1)
    if receipt_id is not None:
        on_receipt = select(_LCR.landed_cost_id).where(_LCR.receipt_id == receipt_id)
        stmt = stmt.where(_LC.id.in_(on_receipt))
    after = cursor_id(cursor)
    if 0 < after <= _MAX_ID:  # a cursor past any INTEGER id leaves every charge before it
        stmt = stmt.where(_LC.id < after)
    rows = list(db.session.scalars(stmt))
    shown = rows[:n]
    ids = [r.id for r in shown]
    receipts, q = _receipts(ids), _q()
    totals = _totals(ids, q)
    views = [_view(r, receipts.get(r.id, []), totals.get(r.id), q) for r in shown]
    return Page(views, str(ids[-1]) if len(rows) > n and ids else None)


def landed_cost(charge_id: int) -> LandedCostView:
    """One charge with its spread (see the module docstring)."""
    row = db.session.get(_LC, charge_id)
    if row is None:
        raise NotFound("landed cost not found", {"landed_cost_id": charge_id})
    q = _q()
    receipts = _receipts([charge_id]).get(charge_id, [])
    parts = {
        int(a.movement_id): a
        for a in db.session.scalars(
            select(_CA).where(_CA.source_type == "landed_cost", _CA.source_id == str(charge_id))
        )
    }
    cutoff = max((int(a.after_movement_id) for a in parts.values()), default=None)
    lines = []
    for m in receipt_movements(db.session.connection(), receipts, q):
        if cutoff is not None and m.movement_id > cutoff:
            continue
        a = parts.get(m.movement_id)
        kept = (row.figures or {}).get(str(m.movement_id))
        figure = None if kept is None else Decimal(kept)
        lines.append(
            LandedSpreadRow(
                receipt_id=m.receipt_id, receipt_line_id=m.receipt_line_id,
                movement_id=m.movement_id, item_id=m.item_id, sku=m.sku,
                place_id=m.place_id if a is None else a.place_id, units=m.quantity,
                figure=figure,
                share=_money(a.amount if a else 0, q),
                on_hand_quantity=int(a.on_hand_quantity) if a else 0,
                on_hand_amount=_money(a.on_hand_amount if a else 0, q),
                gone_amount=_money(a.gone_amount if a else 0, q),
            )
        )  # fmt: skip
    totals = _totals([charge_id], q).get(charge_id)
    return _view(row, receipts, totals, q, lines)
