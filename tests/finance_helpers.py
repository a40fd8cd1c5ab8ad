"""Finance test helpers: stock posted through the one ledger writer (receipts at a unit cost,
shipments, transfers, scrap), and reads of what finance booked for it: stock values,
movement values, journal entries and account balances per role and place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from scanfloor.catalog.models import Item, Location
from scanfloor.extensions import db
from scanfloor.finance.journal_models import JournalEntry, JournalLine
from scanfloor.finance.models import Account, AccountRole, ItemCostMethod
from scanfloor.finance.valuation_models import CostLayer, MovementValue, StockValue
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import PostingResult, post
from tests.factories import make_bin_in, make_item, make_warehouse, virtual

__all__ = ["make_bin_in"]


@dataclass
class Site:
    wh: Location
    bin: Location
    bin2: Location


def site(code: str | None = None) -> Site:
    """A warehouse with two storage bins."""
    wh = make_warehouse(code)
    return Site(wh, make_bin_in(wh), make_bin_in(wh))


def item(method: str | None = None, **kw: Any) -> Item:
    """An item, with its own cost method when given."""
    it = make_item(**kw)
    if method is not None:
        set_method(it.id, method)
    return it


def set_method(item_id: int, method: str) -> None:
    db.session.add(ItemCostMethod(item_id=item_id, method=method))
    db.session.commit()


def movements_of(item_id: int, kind: str) -> list[int]:
    """The item's movement ids of one movement type, oldest first."""
    from scanfloor.ledger.models import Movement

    db.session.rollback()
    return [
        int(i)
        for i in db.session.scalars(
            select(Movement.id)
            .where(Movement.item_id == item_id, Movement.movement_type == kind)
            .order_by(Movement.id)
        )
    ]


def line(it: Any, qty: int, src: Location | int, dst: Location | int, **kw: Any) -> MovementLine:
    return MovementLine(
        item_id=it.id,
        quantity=qty,
        from_location_id=src if isinstance(src, int) else src.id,
        to_location_id=dst if isinstance(dst, int) else dst.id,
        **kw,
    )


def posting(kind: str, *lines: MovementLine, **kw: Any) -> PostingResult:
    return post(PostingRequest(movement_type=kind, lines=tuple(lines), **kw))


def receive(
    it: Any, into: Location, qty: int, cost: str | None, occurred_at: datetime | None = None
) -> int:
    """A receipt from VENDOR at `cost` a unit; returns the movement id."""
    unit = None if cost is None else Decimal(cost)
    res = posting(
        "receipt", line(it, qty, virtual("VENDOR"), into, unit_cost=unit), occurred_at=occurred_at
    )
    return res.movement_ids[0]


def ship(it: Any, src: Location, qty: int) -> int:
    """Stock to CUSTOMER (a ship posting); returns the movement id."""
    return posting("ship", line(it, qty, src, virtual("CUSTOMER"))).movement_ids[0]


def move(kind: str, it: Any, src: Location, dst: Location, qty: int, **kw: Any) -> int:
    return posting(kind, line(it, qty, src, dst, **kw)).movement_ids[0]


def stock_value(it: Any, place: Location | int) -> tuple[int, Decimal]:
    """(quantity, value) of an item at a place (0, 0 when never valued)."""
    db.session.rollback()
    pid = place if isinstance(place, int) else place.id
    row = db.session.get(StockValue, (it.id, pid))
    if row is None:
        return 0, Decimal("0.00")
    return int(row.quantity), Decimal(row.value).quantize(Decimal("0.01"))


def movement_value(movement_id: int) -> MovementValue | None:
    db.session.rollback()
    return db.session.get(MovementValue, movement_id)


def account_id(role: str) -> int:
    found = db.session.scalar(
        select(AccountRole.account_id).where(
            AccountRole.role == role, AccountRole.warehouse_id.is_(None)
        )
    )
    assert found is not None, role
    return int(found)


def balance(role: str, place: Location | int | None = None) -> Decimal:
    """Debits - credits on the role's default account (at one place when given)."""
    db.session.rollback()
    q = select(func.sum(JournalLine.debit), func.sum(JournalLine.credit)).where(
        JournalLine.account_id == account_id(role)
    )
    if place is not None:
        q = q.where(JournalLine.warehouse_id == (place if isinstance(place, int) else place.id))
    debit, credit = db.session.execute(q).one()
    return (Decimal(str(debit or 0)) - Decimal(str(credit or 0))).quantize(Decimal("0.01"))


def entry_of(movement_id: int) -> tuple[JournalEntry | None, list[tuple[str, Decimal, Decimal]]]:
    """The movement's entry and its lines as (account code, debit, credit)."""
    db.session.rollback()
    entry = db.session.scalar(select(JournalEntry).where(JournalEntry.movement_id == movement_id))
    if entry is None:
        return None, []
    rows = db.session.execute(
        select(Account.code, JournalLine.debit, JournalLine.credit)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry.id)
        .order_by(JournalLine.id)
    ).all()
    q = Decimal("0.01")
    return entry, [(c, Decimal(d).quantize(q), Decimal(k).quantize(q)) for c, d, k in rows]


def codes(lines: list[tuple[str, Decimal, Decimal]]) -> set[tuple[str, str, str]]:
    """Lines as comparable (code, debit, credit) strings."""
    return {(c, str(d), str(k)) for c, d, k in lines}


def layers_left(it: Any, place: Location) -> list[tuple[int, str, str]]:
    """Open FIFO layers (quantity left, unit cost, value left), oldest first."""
    db.session.rollback()
    rows = db.session.scalars(
        select(CostLayer)
        .where(CostLayer.item_id == it.id, CostLayer.place_id == place.id)
        .where(CostLayer.quantity_left > 0)
        .order_by(CostLayer.id)
    )
    q = Decimal("0.01")
    return [
        (
            int(r.quantity_left),
            f"{Decimal(r.unit_cost).normalize():f}",
            str(Decimal(r.value_left).quantize(q)),
        )
        for r in rows
    ]


def table_counts() -> dict[str, int]:
    """Rows in every finance table and the ledger: a refused posting changes none."""
    from scanfloor.finance.valuation_models import LayerIssue
    from scanfloor.ledger.models import Balance, Movement

    db.session.rollback()
    out = {}
    for model in (Movement, Balance, StockValue, CostLayer, LayerIssue, MovementValue,
                  JournalEntry, JournalLine):  # fmt: skip
        out[model.__tablename__] = int(
            db.session.scalar(select(func.count()).select_from(model)) or 0
        )
    return out


def values_snapshot() -> list[tuple[Any, ...]]:
    db.session.rollback()
    return [
        tuple(r)
        for r in db.session.execute(
            select(
                StockValue.item_id, StockValue.place_id, StockValue.quantity, StockValue.value
            ).order_by(StockValue.item_id, StockValue.place_id)
        )
    ]
