"""Helpers of the finance state machine (tests/integration/test_finance_state_machine.py):
a change to what a receipt cost, booked as an invoice or a landed cost does it (through
adjust_service.py), a snapshot of everything a refused request must leave as it was, and
the checks run after the machine's steps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from scanfloor.catalog.models import Location
from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.finance.adjust_service import (
    Adjusted,
    CostChange,
    DocLine,
    apply_cost_changes,
    plan_cost_changes,
    write_document_entry,
)
from scanfloor.finance.document_models import CostAdjustment
from scanfloor.finance.journal_models import JournalEntry, JournalLine
from scanfloor.finance.models import AccountRole
from scanfloor.finance.rebuild import rebuild_check
from scanfloor.finance.valuation_models import CostLayer, MovementValue, StockValue
from scanfloor.finance.verify import verify

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def change_cost(
    movement_id: int, amount: Decimal, kind: str, *, day: date | None = None
) -> Adjusted:
    """Change a receipt movement's cost by `amount`, booked as a supplier invoice at another
    price does it (kind "invoice_price": Dr grni the receipt's value at the old price is not
    touched, so Dr inventory on hand / Dr price variance gone / Cr accounts payable) or as a
    landed cost (kind "landed_cost": Dr inventory on hand / Dr COGS gone / Cr landed costs
    accrued). One transaction; PeriodClosed when `day` is in a closed month."""
    gone_role, credit_role = (
        ("price_variance", "accounts_payable") if kind == "invoice_price"
        else ("cogs", "landed_cost")
    )  # fmt: skip
    with write_transaction():
        conn = db.session.connection()
        plan = plan_cost_changes(conn, [CostChange(movement_id, amount)])
        (a,) = plan.adjusted
        entry = write_document_entry(
            conn,
            kind=kind,
            entry_date=day or date.today(),
            source_type="state_machine",
            source_id=str(movement_id),
            memo=f"{kind} on movement {movement_id}",
            actor_id=None,
            lines=[
                DocLine("inventory", a.place_id, a.on_hand_amount, a.item_id),
                DocLine(gone_role, a.place_id, a.gone_amount, a.item_id),
                DocLine(credit_role, None, -a.amount),
            ],
        )
        apply_cost_changes(conn, plan, kind=kind, source_type="state_machine",
                           source_id=str(movement_id), entry_id=entry, actor_id=None)  # fmt: skip
    return a


def snapshot() -> tuple[Any, ...]:
    """Everything a refused posting or document must leave unchanged: the row count of every
    ledger and finance table, the journal's totals, and every stock value and layer (one
    round trip each)."""
    from scanfloor.finance.valuation_models import LayerIssue
    from scanfloor.ledger.models import Balance, Movement, Posting

    db.session.rollback()
    tables = (Posting, Movement, Balance, StockValue, CostLayer, LayerIssue, MovementValue,
              JournalEntry, JournalLine, CostAdjustment)  # fmt: skip
    row = db.session.execute(
        select(
            *(select(func.count()).select_from(t).scalar_subquery() for t in tables),
            select(func.sum(Balance.quantity * Balance.location_id)).scalar_subquery(),
            select(func.sum(JournalLine.debit)).scalar_subquery(),
            select(func.sum(JournalLine.credit)).scalar_subquery(),
        )
    ).one()
    values = db.session.execute(
        select(
            StockValue.item_id, StockValue.place_id, StockValue.quantity, StockValue.value
        ).order_by(StockValue.item_id, StockValue.place_id)
    ).all()
    layers = db.session.execute(
        select(CostLayer.id, CostLayer.quantity_left, CostLayer.value_left).order_by(CostLayer.id)
    ).all()
    db.session.rollback()
    return tuple(row), [tuple(r) for r in values], [tuple(r) for r in layers]


def books_hold() -> None:
    """`finance verify` finds nothing and `finance rebuild --check` finds no difference."""
    db.session.rollback()
    failures = verify()
    assert failures == [], "\n".join(f"{f.check}: {f.message} {f.details}" for f in failures)
    differences = rebuild_check()
    assert differences == [], "\n".join(str(d) for d in differences[:20])
    db.session.rollback()


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def items_hold(
    item_ids: list[int],
    fifo: set[int],
    quantities: dict[tuple[int, int], int],
    places: list[Location],
    transit: Location,
) -> None:
    """This example's own items, place by place: the stock values hold the quantities the
    model expects, never below 0 units or 0 value, worth 0 when empty; FIFO layers hold
    exactly the stock's quantity and value; each place's inventory (in transit) account
    equals the sum of its stock values; every valued movement of these items has its entry."""
    db.session.rollback()
    ids = [p.id for p in places]
    stock = {
        (int(i), int(p)): (int(q), _money(v))
        for i, p, q, v in db.session.execute(
            select(
                StockValue.item_id, StockValue.place_id, StockValue.quantity, StockValue.value
            ).where(StockValue.item_id.in_(item_ids), StockValue.place_id.in_(ids))
        )
    }
    layers = {
        (int(i), int(p)): (int(q or 0), _money(v))
        for i, p, q, v in db.session.execute(
            select(CostLayer.item_id, CostLayer.place_id, func.sum(CostLayer.quantity_left),
                   func.sum(CostLayer.value_left))
            .where(CostLayer.item_id.in_(item_ids), CostLayer.place_id.in_(ids))
            .group_by(CostLayer.item_id, CostLayer.place_id)
        )
    }  # fmt: skip
    worth = {
        int(p): _money(v)
        for p, v in db.session.execute(
            select(StockValue.place_id, func.sum(StockValue.value))
            .where(StockValue.place_id.in_(ids))
            .group_by(StockValue.place_id)
        )
    }
    roles = (AccountRole.role.in_(("inventory", "in_transit")), AccountRole.warehouse_id.is_(None))
    accounts = select(AccountRole.account_id).where(*roles).scalar_subquery()
    booked = {
        int(p or 0): _money(d) - _money(c)
        for p, d, c in db.session.execute(
            select(JournalLine.warehouse_id, func.sum(JournalLine.debit),
                   func.sum(JournalLine.credit))
            .where(JournalLine.account_id.in_(accounts), JournalLine.warehouse_id.in_(ids))
            .group_by(JournalLine.warehouse_id)
        )
    }  # fmt: skip
    for place in places:
        assert booked.get(place.id, ZERO) == worth.get(place.id, ZERO), f"books at {place.code}"
        for item in item_ids:
            q, v = stock.get((item, place.id), (0, ZERO))
            want = quantities.get((item, place.id), 0)
            assert q == want, f"item {item} at {place.code}: {q} units valued, {want} expected"
            assert v >= 0, f"item {item} at {place.code} is worth {v}"
            if q == 0:
                assert v == ZERO, f"item {item} at {place.code} holds nothing worth {v}"
            if item in fifo:
                assert layers.get((item, place.id), (0, ZERO)) == (q, v), (
                    f"FIFO layers of item {item} at {place.code}: "
                    f"{layers.get((item, place.id))}, stock {(q, v)}"
                )
    valued = db.session.scalars(
        select(MovementValue.movement_id)
        .where(MovementValue.item_id.in_(item_ids), MovementValue.value != 0)
        .where(
            ~select(JournalEntry.id)
            .where(JournalEntry.movement_id == MovementValue.movement_id)
            .exists()
        )
    ).all()
    db.session.rollback()
    assert list(valued) == [], f"valued movements without an entry: {valued}"
