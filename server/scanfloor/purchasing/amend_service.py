"""Changing a purchase order's lines: amending an approved or issued PO (with history), and
editing a draft's line (free: no history).

An amendment (approved, sent, open or partially received PO) changes lines' quantity (never
below what a line received), unit cost and expected date, adds lines and removes lines that
received nothing. Each call writes one po_amendments row with every field's old and new
value ({line_no, field, old, new}; an added or removed line is field "line" with the line as
new or old) and bumps the PO's revision, in one transaction.

- A sent PO (or one received in part after it was sent) is sent again: the new revision goes
  to the supplier through the outbox (purchase_order.amended, with the amendment).
- An approved PO not sent yet goes back to draft and is approved again: its value may now
  need another approver, and approval is of what is sent.
- A partially received PO whose every line is now complete (a quantity cut to what came) is
  received.

Editing a draft's line bumps the revision too, without an amendment row: a draft a
suggestion run made and a person then edited (revision > 0) is the person's, and the next
suggestion run leaves it alone.

Receipts already posted keep the unit cost they were posted at; a new cost applies to what
is received from then on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select, update

from ..database import write_transaction
from ..errors import InvalidState, NotFound, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .lifecycle_errors import EmptyPurchaseOrder, NothingToAmend, lifecycle_error
from .lifecycle_service import clean_reason, lock_po, po_lines
from .models import PoAmendment, PurchaseOrder, PurchaseOrderLine
from .orders_service import MAX_LINES, LineSpec, resolve_items, supplier_skus
from .po_outbox import enqueue_po_message
from .queries import load_po, po_view, users_by_id
from .results import PoAmendmentView, PoView
from .rules import (
    PurchasingRuleError,
    check_amendable,
    check_line_quantity,
    check_removable,
    decimal_text,
    field_changes,
    parse_unit_cost,
    state_after_amend,
)
from .suggestion_models import SuggestionLine

Keep = Literal["keep"]
KEEP: Keep = "keep"


@dataclass(frozen=True)
class LineChange:
    """What changes on one line; None (and KEEP for the date) leaves a field as it is, an
    expected_date of None clears it."""

    line_no: int
    quantity: int | None = None
    unit_cost: Decimal | str | None = None
    expected_date: date | Keep | None = KEEP


def _cost(raw: Decimal | str, line: int | str) -> Decimal:
    try:
        return parse_unit_cost(raw)
    except PurchasingRuleError as exc:
        raise ValidationFailed(exc.message, {"line": line, **exc.details}) from exc


def _fields(ln: PurchaseOrderLine) -> dict[str, Any]:
    """A line's amendable fields as JSON values (history keeps these)."""
    return {
        "quantity": int(ln.ordered),
        "unit_cost": decimal_text(ln.unit_cost, 2),
        "expected_date": ln.expected_date.isoformat() if ln.expected_date else None,
    }


def _change_line(ln: PurchaseOrderLine, ch: LineChange) -> list[dict[str, Any]]:
    """Apply one change to its line (rules checked first); the fields that changed."""
    after: dict[str, Any] = {}
    if ch.quantity is not None:
        check_line_quantity(ln.line_no, ch.quantity, int(ln.received))
        after["quantity"] = ch.quantity
    cost = _cost(ch.unit_cost, ln.line_no) if ch.unit_cost is not None else None
    if cost is not None:
        after["unit_cost"] = decimal_text(cost, 2)
    if ch.expected_date != KEEP:
        after["expected_date"] = ch.expected_date.isoformat() if ch.expected_date else None
    changes = field_changes(ln.line_no, _fields(ln), after)
    if ch.quantity is not None:
        ln.ordered = ch.quantity
    if cost is not None:
        ln.unit_cost = cost
    if ch.expected_date != KEEP:
        ln.expected_date = ch.expected_date
    return changes


def _check_targets(
    lines: dict[int, PurchaseOrderLine], changed: Sequence[LineChange], remove: Sequence[int]
) -> None:
    named = [c.line_no for c in changed] + list(remove)
    twice = sorted({n for n in named if named.count(n) > 1})
    if twice:
        raise ValidationFailed(
            "name each line once: changed or removed, not both or twice", {"line_nos": twice}
        )
    missing = sorted(n for n in named if n not in lines)
    if missing:
        raise NotFound("purchase order line not found", {"line_nos": missing})


def _forget(ln: PurchaseOrderLine) -> None:
    """Delete a removed line; the suggestion that proposed it keeps its explanation but no
    longer points at a line (the amendment keeps what the line was)."""
    db.session.execute(
        update(SuggestionLine).where(SuggestionLine.po_line_id == ln.id).values(po_line_id=None)
    )
    db.session.delete(ln)


def _add_lines(po: PurchaseOrder, add: Sequence[LineSpec], next_no: int) -> list[dict[str, Any]]:
    costs = [_cost(spec.unit_cost, f"add {i}") for i, spec in enumerate(add)]
    for i, spec in enumerate(add):
        if isinstance(spec.quantity, bool) or spec.quantity <= 0:
            raise ValidationFailed("quantity must be a positive integer", {"line": f"add {i}"})
    items = resolve_items(add)
    skus = supplier_skus(po.supplier_id, (it.id for it in items.values()))
    changes = []
    for i, spec in enumerate(add):
        item, line_no = items[i], next_no + i
        db.session.add(
            PurchaseOrderLine(
                po_id=po.id,
                line_no=line_no,
                item_id=item.id,
                ordered=spec.quantity,
                received=0,
                damaged=0,
                unit_cost=costs[i],
                expected_date=spec.expected_date,
                supplier_sku=skus.get(item.id),
            )
        )
        new = {
            "sku": item.sku,
            "quantity": spec.quantity,
            "unit_cost": decimal_text(costs[i], 2),
            "expected_date": spec.expected_date.isoformat() if spec.expected_date else None,
        }
        changes.append({"line_no": line_no, "field": "line", "old": None, "new": new})
    return changes


def amend_purchase_order(
    po_id: int,
    actor_id: int | None,
    reason: str,
    *,
    changes: Sequence[LineChange] = (),
    add: Sequence[LineSpec] = (),
    remove: Sequence[int] = (),
) -> PoView:
    """Amend an approved, sent, open or partially received PO (see the module docstring)."""
    text = clean_reason(reason)
    with write_transaction():
        po = lock_po(po_id)
        lines = {ln.line_no: ln for ln in po_lines(po.id)}
        try:
            check_amendable(po.state)
            _check_targets(lines, changes, remove)
            history: list[dict[str, Any]] = []
            for ch in changes:
                history += _change_line(lines[ch.line_no], ch)
            for line_no in remove:
                ln = lines.pop(line_no)
                check_removable(line_no, int(ln.received))
                history.append(
                    {"line_no": line_no, "field": "line", "old": _fields(ln), "new": None}
                )
                _forget(ln)
        except PurchasingRuleError as exc:
            raise lifecycle_error(exc, po_id=po.id) from exc
        if len(lines) + len(add) > MAX_LINES:
            raise ValidationFailed(f"a purchase order has 1-{MAX_LINES} lines", {"field": "add"})
        if not lines and not add:
            raise EmptyPurchaseOrder(
                "an amendment cannot remove every line: cancel the PO instead", {"po_id": po.id}
            )
        db.session.flush()
        next_no = max([0, *lines, *remove]) + 1
        history += _add_lines(po, add, next_no) if add else []
        if not history:
            raise NothingToAmend("the amendment changes nothing", {"po_id": po.id})
        db.session.flush()
        pairs = [(int(ln.ordered), int(ln.received)) for ln in po_lines(po.id)]
        state = state_after_amend(po.state, pairs)
        if state == "draft":
            po.approved_by = po.approved_at = None
        po.state = state
        po.revision += 1
        now = utcnow()
        db.session.add(
            PoAmendment(
                po_id=po.id,
                revision=po.revision,
                actor_id=actor_id,
                reason=text,
                changes=history,
                created_at=now,
            )
        )
        db.session.flush()
        if po.sent_at is not None:
            amendment = {"revision": po.revision, "reason": text, "changes": history}
            enqueue_po_message(po.id, po.supplier_id, "purchase_order.amended", amendment)
        return po_view(po.id, role="admin")


def edit_draft_line(po_id: int, actor_id: int | None, change: LineChange) -> PoView:
    """Change a draft's line (quantity, unit cost, expected date): no amendment is kept,
    the revision marks the draft as edited by a person."""
    with write_transaction():
        po = lock_po(po_id)
        if po.state != "draft":
            raise InvalidState(
                f"only a draft's lines are edited: amend this {po.state.replace('_', ' ')} PO",
                {"po_id": po.id, "state": po.state, "allowed_from": ["draft"]},
            )
        line = next((ln for ln in po_lines(po.id) if ln.line_no == change.line_no), None)
        if line is None:
            raise NotFound("purchase order line not found", {"line_no": change.line_no})
        try:
            changed = _change_line(line, change)
        except PurchasingRuleError as exc:
            raise lifecycle_error(exc, po_id=po.id) from exc
        if changed:
            po.revision += 1
            db.session.flush()
        return po_view(po.id, role="admin")


def list_amendments(po_id: int) -> list[PoAmendmentView]:
    """A PO's amendments, oldest first."""
    po = load_po(po_id)
    rows = list(
        db.session.scalars(
            select(PoAmendment).where(PoAmendment.po_id == po.id).order_by(PoAmendment.revision)
        )
    )
    people = users_by_id(r.actor_id for r in rows)
    return [
        PoAmendmentView(
            id=r.id,
            revision=r.revision,
            actor=people.get(r.actor_id) if r.actor_id else None,
            reason=r.reason,
            changes=list(r.changes),
            created_at=r.created_at,
        )
        for r in rows
    ]
