"""Adding a landed cost: a charge (freight, duty, handling, insurance) entered against one
or more receipts and spread over their receipt movements (landed_rules.py; the definition
is docs/landed-cost.md).

One transaction: take the ledger chain head's lock (receiving waits, so the receipts'
movements cannot change under the spread), read the receipts' movements, spread the charge,
plan each movement's cost change (adjust_service.py: the part for units still on hand goes
to the stock value and its FIFO layer, the part for units already gone to COGS), write the
charge and its receipts, one journal entry dated the charge date (Dr inventory per place
for units on hand, Dr COGS for units gone, Cr landed costs accrued for the whole charge),
and apply the changes. Any refusal writes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from flask import current_app

from ..database import write_transaction
from ..errors import NotFound, ValidationFailed, rule_failed
from ..extensions import db
from ..ledger.chain import hold
from ..timeutil import utcnow
from . import landed_queries, landed_sql
from .adjust_service import (
    CostChange,
    DocLine,
    apply_cost_changes,
    plan_cost_changes,
    write_document_entry,
)
from .document_models import CHARGE_KINDS
from .landed_rules import BASES, SpreadRefused, figure_of, shown, spread
from .landed_views import LandedCostView
from .money import quantum

KIND = "landed_cost"


def _check(charge_kind: str, basis: str, amount: Decimal, receipt_ids: Sequence[int]) -> None:
    if charge_kind not in CHARGE_KINDS:
        raise ValidationFailed(
            f"a charge is one of {', '.join(CHARGE_KINDS)}", {"charge_kind": charge_kind}
        )
    if basis not in BASES:
        raise ValidationFailed(f"a charge is spread by {', '.join(BASES)}", {"basis": basis})
    if amount <= 0:
        raise ValidationFailed("a charge is above 0", {"amount": str(amount)})
    if not receipt_ids:
        raise ValidationFailed("a charge is entered against one receipt or more", {})


def add_landed_cost(
    charge_kind: str,
    basis: str,
    amount: Decimal,
    receipt_ids: Sequence[int],
    reference: str | None,
    description: str | None,
    charge_date: date,
    actor_id: int | None,
) -> LandedCostView:
    """Spread a charge over the receipts' movements and book it (see the module docstring)."""
    _check(charge_kind, basis, amount, receipt_ids)
    ids = sorted(set(receipt_ids))
    q = quantum(str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR"))
    with write_transaction():
        conn = db.session.connection()
        hold(conn, 0)
        missing = sorted(set(ids) - landed_sql.existing_receipts(conn, ids))
        if missing:
            raise NotFound("receipt not found", {"receipt_ids": missing})
        moves = landed_sql.receipt_movements(conn, ids, q)
        try:
            parts = spread(amount, basis, [m.spread_line() for m in moves], q)
        except SpreadRefused as exc:
            raise rule_failed(exc) from None
        figures = {}
        for m in moves:
            figure = figure_of(m.spread_line(), basis)
            if figure is not None:
                figures[str(m.movement_id)] = str(shown(figure))
        plan = plan_cost_changes(conn, [CostChange(p.key, p.amount) for p in parts if p.amount])
        charge_id = landed_sql.insert_charge(
            conn,
            {"charge_kind": charge_kind, "basis": basis, "amount": amount,
             "reference": reference, "description": description, "charge_date": charge_date,
             "created_by": actor_id, "created_at": utcnow(), "entry_id": None,
             "figures": figures},
            ids,
        )  # fmt: skip
        lines = [DocLine(KIND, None, -amount)]
        for a in plan.adjusted:
            lines.append(DocLine("inventory", a.place_id, a.on_hand_amount, a.item_id))
            lines.append(DocLine("cogs", a.place_id, a.gone_amount, a.item_id))
        memo = f"Landed cost {charge_id}: {charge_kind}" + (f" {reference}" if reference else "")
        entry_id = write_document_entry(
            conn, kind=KIND, entry_date=charge_date, source_type=KIND,
            source_id=str(charge_id), memo=memo, actor_id=actor_id, lines=lines,
        )  # fmt: skip
        landed_sql.set_entry(conn, charge_id, entry_id)
        apply_cost_changes(
            conn, plan, kind=KIND, source_type=KIND, source_id=str(charge_id),
            entry_id=entry_id, actor_id=actor_id,
        )  # fmt: skip
        return landed_queries.landed_cost(charge_id)
