"""`scanfloor finance verify`: the checks that hold the books to the stock, each a failure
when it does not hold (a month closes only with none):
- entry_balanced: every journal entry's debits equal its credits, and it has lines;
- trial_balance: all debits equal all credits;
- inventory_matches_stock: per warehouse (and IN-TRANSIT), the inventory (in transit)
  accounts' balance equals the sum of its stock values, to the cent;
- layers_match_value: per FIFO item and place with quantity >= 0, the layers left hold
  exactly its quantity and value;
- valued_movement_has_entry: every movement value other than 0 has its journal entry;
- inventory_line_has_movement: every line on an inventory account comes from a movement
  or from a cost adjustment's or the opening valuation's entry;
- grni_matches_ageing: the GRNI ageing adds up to the grni accounts' balance (grni_service).
Sums run in SQL (typed money; SQLite's REAL sums are re-rounded to the cent), so the checks
read aggregates, not every line. Each check reports at most MAX_REPORTED cases.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select

from ..extensions import db
from .document_models import CostAdjustment, OpeningValue
from .grni_service import grni_matches_ageing
from .journal_models import JournalEntry, JournalLine
from .method_sql import methods_of
from .models import AccountRole
from .valuation_models import CostLayer, MovementValue, StockValue
from .views import Failure

MAX_REPORTED = 20
CENT = Decimal("0.01")
INVENTORY_ROLES = ("inventory", "in_transit")
_JE, _JL = JournalEntry.__table__, JournalLine.__table__
_SV, _CL, _MV = StockValue.__table__, CostLayer.__table__, MovementValue.__table__
_AR = AccountRole.__table__
_CA, _OV = CostAdjustment.__table__, OpeningValue.__table__


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def verify() -> list[Failure]:
    """Every failed check (module docstring); an empty list when the books hold."""
    conn = db.session.connection()
    roles = select(_AR.c.account_id).where(_AR.c.role.in_(INVENTORY_ROLES))
    inventory = sorted(set(conn.execute(roles).scalars()))
    failures: list[Failure] = []
    failures += _entries_balance(conn)
    failures += _trial_balance(conn)
    failures += _inventory_matches_stock(conn, inventory)
    failures += _layers_match_value(conn)
    failures += _valued_movements_have_entries(conn)
    failures += _inventory_lines_have_movements(conn, inventory)
    failures += grni_matches_ageing(conn)
    return failures


def _entries_balance(conn: Any) -> list[Failure]:
    sums = (
        select(_JL.c.entry_id, func.sum(_JL.c.debit), func.sum(_JL.c.credit))
        .group_by(_JL.c.entry_id)
        .having(func.abs(func.sum(_JL.c.debit) - func.sum(_JL.c.credit)) > Decimal("0.001"))
        .order_by(_JL.c.entry_id)
        .limit(MAX_REPORTED)
    )
    out = [
        Failure("entry_balanced", f"entry {e} does not balance",
                {"entry_id": int(e), "debit": str(_money(d)), "credit": str(_money(c))})
        for e, d, c in conn.execute(sums)
        if _money(d) != _money(c)
    ]  # fmt: skip
    empty = (
        select(_JE.c.id)
        .where(~select(_JL.c.id).where(_JL.c.entry_id == _JE.c.id).exists())
        .order_by(_JE.c.id)
        .limit(MAX_REPORTED)
    )
    out += [
        Failure("entry_balanced", f"entry {e} has no lines", {"entry_id": int(e)})
        for e in conn.execute(empty).scalars()
    ]
    return out


def _trial_balance(conn: Any) -> list[Failure]:
    debit, credit = conn.execute(select(func.sum(_JL.c.debit), func.sum(_JL.c.credit))).one()
    if _money(debit) == _money(credit):
        return []
    return [
        Failure(
            "trial_balance",
            "total debits differ from total credits",
            {"debit": str(_money(debit)), "credit": str(_money(credit))},
        )
    ]


def _inventory_matches_stock(conn: Any, inventory: list[int]) -> list[Failure]:
    books: dict[int | None, Decimal] = {}
    if inventory:
        q = (
            select(_JL.c.warehouse_id, func.sum(_JL.c.debit), func.sum(_JL.c.credit))
            .where(_JL.c.account_id.in_(inventory))
            .group_by(_JL.c.warehouse_id)
        )
        books = {w: _money(d) - _money(c) for w, d, c in conn.execute(q)}
    stock = {
        int(p): _money(v)
        for p, v in conn.execute(
            select(_SV.c.place_id, func.sum(_SV.c.value)).group_by(_SV.c.place_id)
        )
    }
    out = []
    if None in books:  # an inventory line must say which place's stock it values
        out.append(
            Failure(
                "inventory_matches_stock",
                "inventory account lines without a place",
                {"place_id": None, "account": str(books.pop(None))},
            )
        )
    zero = Decimal("0.00")
    for place in sorted({p for p in books if p is not None} | set(stock)):
        booked, valued = books.get(place, zero), stock.get(place, zero)
        if booked != valued:
            out.append(
                Failure(
                    "inventory_matches_stock",
                    f"inventory account at place {place} is {booked}, its stock is worth {valued}",
                    {"place_id": place, "account": str(booked), "stock": str(valued)},
                )
            )
    return out[:MAX_REPORTED]


def _layers_match_value(conn: Any) -> list[Failure]:
    left = (
        select(
            _CL.c.item_id,
            _CL.c.place_id,
            func.sum(_CL.c.quantity_left).label("quantity"),
            func.sum(_CL.c.value_left).label("value"),
        )
        .group_by(_CL.c.item_id, _CL.c.place_id)
        .subquery()
    )
    rows = conn.execute(
        select(left.c.item_id, left.c.place_id, left.c.quantity, left.c.value,
               _SV.c.quantity, _SV.c.value)
        .select_from(left.outerjoin(
            _SV, and_(_SV.c.item_id == left.c.item_id, _SV.c.place_id == left.c.place_id)))
        .order_by(left.c.item_id, left.c.place_id)
    ).all()  # fmt: skip
    fifo = {i for i, m in methods_of(conn, {int(r[0]) for r in rows}).items() if m == "fifo"}
    out = []
    for item, place, lq, lv, q, v in rows:
        quantity = int(q or 0)
        if int(item) not in fifo or quantity < 0:
            continue
        if int(lq or 0) != quantity or _money(lv) != _money(v):
            out.append(
                Failure(
                    "layers_match_value",
                    f"item {item} at place {place}: layers hold {lq} worth {_money(lv)}, "
                    f"the stock is {quantity} worth {_money(v)}",
                    {"item_id": int(item), "place_id": int(place)},
                )
            )
    return out[:MAX_REPORTED]


def _valued_movements_have_entries(conn: Any) -> list[Failure]:
    q = (
        select(_MV.c.movement_id, _MV.c.value)
        .where(_MV.c.value != 0)
        .where(~select(_JE.c.id).where(_JE.c.movement_id == _MV.c.movement_id).exists())
        .order_by(_MV.c.movement_id)
        .limit(MAX_REPORTED)
    )
    return [
        Failure("valued_movement_has_entry", f"movement {m} is valued {_money(v)} with no entry",
                {"movement_id": int(m)})
        for m, v in conn.execute(q)
    ]  # fmt: skip


def _inventory_lines_have_movements(conn: Any, inventory: list[int]) -> list[Failure]:
    if not inventory:
        return []
    q = (
        select(_JL.c.id, _JL.c.entry_id)
        .join(_JE, _JE.c.id == _JL.c.entry_id)
        .where(_JL.c.account_id.in_(inventory), _JE.c.movement_id.is_(None))
        # A cost adjustment's entry (invoice price, landed cost) and the opening valuation's
        # move inventory by design.
        .where(~select(_CA.c.id).where(_CA.c.entry_id == _JE.c.id).exists())
        .where(~select(_OV.c.id).where(_OV.c.entry_id == _JE.c.id).exists())
        .order_by(_JL.c.id)
        .limit(MAX_REPORTED)
    )
    return [
        Failure("inventory_line_has_movement", f"inventory line {ln} (entry {e}) has no movement",
                {"line_id": int(ln), "entry_id": int(e)})
        for ln, e in conn.execute(q)
    ]  # fmt: skip
