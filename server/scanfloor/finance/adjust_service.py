"""Changing what a receipt cost after it was received, and the journal entry of a finance
document. Used by supplier invoices (an invoice at another price) and landed costs; the
split itself is adjust_rules.py.

Inside the caller's one transaction, in this order:
1. plan_cost_changes: take the ledger chain head's lock (postings wait; on SQLite the write
   transaction already excludes them), note the last movement id (a rebuild replays the
   change right after it), lock the stock values and layers of the places concerned and
   compute every split in memory; nothing is written yet;
2. the caller builds its entry from the splits and writes it (write_document_entry);
3. apply_cost_changes writes the stock values, the FIFO layers and one cost_adjustments row
   per change, naming that entry.
A document entry has no movement (movement_id NULL), resolves each role to the account of
that place (else the default), is refused in a closed month (PeriodClosed) and must
balance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from ..ledger.chain import hold
from ..ledger.models import Movement
from ..timeutil import utcnow
from . import book_sql
from .adjust_rules import Split, adjust_average, adjust_fifo
from .cost_rules import Layer
from .document_models import CostAdjustment
from .errors import PeriodClosed
from .journal_models import JournalEntry, JournalLine
from .journal_push import enqueue_entries
from .method_sql import methods_of
from .money import quantum
from .period_rules import period_of
from .valuation_models import CostLayer, MovementValue
from .valuation_rules import EMPTY, FIFO, Book, Key, account_resolver

ZERO = Decimal(0)
_M, _MV, _CL = Movement.__table__, MovementValue.__table__, CostLayer.__table__
_CA, _JE, _JL = CostAdjustment.__table__, JournalEntry.__table__, JournalLine.__table__

_RECEIPTS = (
    select(_M.c.id, _M.c.item_id, _M.c.quantity, _MV.c.to_place_id, _MV.c.method)
    .select_from(_M.outerjoin(_MV, _MV.c.movement_id == _M.c.id))
    .where(_M.c.id.in_(bindparam("ids", expanding=True)))
)
_LAYER_OF = select(_CL.c.movement_id, _CL.c.place_id, _CL.c.id).where(
    _CL.c.movement_id.in_(bindparam("ids", expanding=True))
)
_LAST_MOVEMENT = select(func.max(_M.c.id))
_UPDATE_LAYER = (
    update(_CL)
    .where(_CL.c.id == bindparam("k_id"))
    .values(value_left=bindparam("value_left"), unit_cost=bindparam("unit_cost"))
)
_INSERT_ADJUSTMENTS = insert(_CA)
_INSERT_ENTRY = insert(_JE).returning(_JE.c.id)
_INSERT_LINES = insert(_JL)


class UnknownReceiptMovement(LookupError):
    """A cost change names a movement that does not exist (a caller's bug, not input)."""


@dataclass(frozen=True)
class CostChange:
    """One receipt movement's cost changes by `amount` (+ more, - less) for all its units."""

    movement_id: int
    amount: Decimal


@dataclass(frozen=True)
class Adjusted:
    movement_id: int
    item_id: int
    place_id: int | None  # the valued place the receipt entered (None: never valued)
    quantity: int  # units the receipt movement brought in
    on_hand_quantity: int
    on_hand_amount: Decimal  # to the stock value (inventory at place_id)
    gone_amount: Decimal  # units already gone: price variance or COGS
    amount: Decimal
    method: str
    layer_id: int | None


@dataclass
class CostPlan:
    adjusted: list[Adjusted]
    after_movement_id: int
    book: Book
    read: dict[Key, Any]
    layers_changed: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class DocLine:
    role: str
    place: int | None
    amount: Decimal  # > 0 debit, < 0 credit; 0: left out
    item_id: int | None = None


def plan_cost_changes(conn: Connection, changes: Sequence[CostChange]) -> CostPlan:
    """Lock and compute every change's split (module docstring, step 1); writes nothing."""
    hold(conn, 0)
    after = int(conn.scalar(_LAST_MOVEMENT) or 0)
    ids = sorted({c.movement_id for c in changes})
    facts = {int(r.id): r for r in conn.execute(_RECEIPTS, {"ids": ids})} if ids else {}
    missing = [i for i in ids if i not in facts]
    if missing:
        raise UnknownReceiptMovement(f"no such movement: {missing}")
    current = methods_of(conn, {int(r.item_id) for r in facts.values()})
    keys: set[Key] = set()
    fifo: set[Key] = set()
    for r in facts.values():
        if r.to_place_id is not None:
            key = (int(r.item_id), int(r.to_place_id))
            keys.add(key)
            if current.get(int(r.item_id)) == FIFO:
                fifo.add(key)
    book, read = book_sql.load_book(conn, keys, fifo) if keys else (Book(), {})
    layer_of = {
        (int(m), int(p)): int(i) for m, p, i in conn.execute(_LAYER_OF, {"ids": ids})
    } if ids else {}  # fmt: skip
    q = _quantum()
    plan = CostPlan([], after, book, read)
    for change in changes:
        r = facts[change.movement_id]
        item, received = int(r.item_id), int(r.quantity)
        place = None if r.to_place_id is None else int(r.to_place_id)
        method = current.get(item, "moving_average")
        layer_id = None if place is None else layer_of.get((change.movement_id, place))
        split = _split(book, (item, place), method, layer_id, received, change.amount, q)
        if split.on_hand_amount and place is not None:
            book.positions[(item, place)] = split.position
            if method == FIFO:
                book.layers[(item, place)] = list(split.layers)
                if layer_id is not None:
                    plan.layers_changed.add(layer_id)
        plan.adjusted.append(
            Adjusted(change.movement_id, item, place, received, split.on_hand_quantity,
                     split.on_hand_amount, split.gone_amount, change.amount, method, layer_id)
        )  # fmt: skip
    return plan


def _split(
    book: Book,
    key: tuple[int, int | None],
    method: str,
    layer_id: int | None,
    received: int,
    amount: Decimal,
    q: Decimal,
) -> Split:
    item, place = key
    if place is None:
        return Split(0, ZERO, amount, EMPTY, ())
    pos = book.position((item, place))
    if method == FIFO:
        return adjust_fifo(pos, book.layers.get((item, place), []), layer_id, received, amount, q)
    return adjust_average(pos, received, amount, q)


def apply_cost_changes(
    conn: Connection,
    plan: CostPlan,
    *,
    kind: str,
    source_type: str,
    source_id: str,
    entry_id: int | None,
    actor_id: int | None,
) -> None:
    """Write what plan_cost_changes computed (module docstring, step 3)."""
    now = utcnow()
    book_sql.write_positions(conn, plan.book, plan.read, now)
    final: dict[int, Layer] = {la.id: la for ls in plan.book.layers.values() for la in ls}
    rows = [{"k_id": i, "value_left": final[i].value_left, "unit_cost": final[i].unit_cost}
            for i in sorted(plan.layers_changed) if i in final]  # fmt: skip
    if rows:
        conn.execute(_UPDATE_LAYER, rows)
    if not plan.adjusted:
        return
    conn.execute(
        _INSERT_ADJUSTMENTS,
        [
            {"kind": kind, "source_type": source_type, "source_id": source_id,
             "movement_id": a.movement_id, "item_id": a.item_id, "place_id": a.place_id,
             "after_movement_id": plan.after_movement_id, "amount": a.amount,
             "quantity": a.quantity, "on_hand_quantity": a.on_hand_quantity,
             "on_hand_amount": a.on_hand_amount, "gone_amount": a.gone_amount,
             "layer_id": a.layer_id, "method": a.method, "entry_id": entry_id,
             "created_by": actor_id, "created_at": now}
            for a in plan.adjusted
        ],
    )  # fmt: skip


def write_document_entry(
    conn: Connection,
    *,
    kind: str,
    entry_date: date,
    source_type: str,
    source_id: str,
    memo: str,
    actor_id: int | None,
    lines: Sequence[DocLine],
    posting_id: int | None = None,
) -> int | None:
    """One balanced journal entry for a document (module docstring); None when every line
    is 0. PeriodClosed when `entry_date` falls in a closed month."""
    kept = [ln for ln in lines if ln.amount != 0]
    if not kept:
        return None
    period = period_of(entry_date)
    if book_sql.closed_periods(conn, [period]):
        raise PeriodClosed(
            f"the period {period} is closed: a document dated in it is refused",
            {"period": period},
        )
    debit = sum((ln.amount for ln in kept if ln.amount > 0), ZERO)
    credit = sum((-ln.amount for ln in kept if ln.amount < 0), ZERO)
    if debit != credit:
        raise ValueError(f"{kind} entry does not balance: debit {debit}, credit {credit}")
    account_of = account_resolver(book_sql.roles(conn))
    rows = []
    for ln in kept:
        account = account_of(ln.role, ln.place)
        if account is None:
            raise ValueError(f"no account plays the role {ln.role}")
        amount = abs(ln.amount)
        rows.append(
            {"account_id": account, "warehouse_id": ln.place, "item_id": ln.item_id,
             "debit": amount if ln.amount > 0 else ZERO,
             "credit": amount if ln.amount < 0 else ZERO}
        )  # fmt: skip
    entry_id = int(
        conn.execute(
            _INSERT_ENTRY,
            {"entry_date": entry_date, "period": period, "kind": kind, "movement_id": None,
             "posting_id": posting_id, "source_type": source_type, "source_id": source_id,
             "memo": memo[:200], "reverses_entry_id": None, "created_by": actor_id,
             "created_at": utcnow()},
        ).scalar_one()
    )  # fmt: skip
    conn.execute(_INSERT_LINES, [{**r, "entry_id": entry_id} for r in rows])
    enqueue_entries(conn, [entry_id])
    return entry_id


def _quantum() -> Decimal:
    return quantum(str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR"))
