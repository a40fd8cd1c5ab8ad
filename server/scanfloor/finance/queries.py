"""Finance reads for the API and the console: valuation per item and place, FIFO layers,
how movements were costed, the journal, the trial balance and the periods.

Sums run in SQL typed as money (Numeric(18, 2)), so SQLite's REAL arithmetic comes back
rounded to the cent as a Decimal, like PostgreSQL's exact NUMERIC."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ..catalog.models import Item, Location
from ..catalog.results import Page, cursor_id, page_limit
from ..errors import ValidationFailed
from ..extensions import db
from ..ledger.models import Movement
from ..timeutil import utcnow
from .errors import InvalidPeriod
from .journal_models import JournalEntry, JournalLine
from .method_sql import methods_of
from .models import Account, FiscalPeriod
from .money import rate
from .period_rules import BadPeriod, check_period, period_of
from .valuation_models import CostLayer, MovementValue, StockValue
from .views import (
    AccountBalance,
    EntryLineView,
    EntryView,
    LayerRow,
    MovementValueRow,
    PeriodView,
    TrialBalance,
    ValuationRow,
)

_SV, _ML, _JE, _JL = StockValue, MovementValue, JournalEntry, JournalLine
_FROM = aliased(Location, name="from_place")
_TO = aliased(Location, name="to_place")
_WH = aliased(Location, name="line_wh")


def period_arg(period: str | None) -> str | None:
    """A period argument checked (None stays None); InvalidPeriod otherwise."""
    if period is None or period == "":
        return None
    try:
        return check_period(period)
    except BadPeriod as exc:
        raise InvalidPeriod(str(exc), {"period": period}) from None


def _pair_cursor(cursor: str | None) -> tuple[int, int] | None:
    """Valuation rows page by (item id, place id): the cursor is 'ITEM-PLACE'."""
    if cursor is None or cursor == "":
        return None
    item, sep, place = cursor.partition("-")
    ok = sep and all(p.isascii() and p.isdigit() and len(p) <= 18 for p in (item, place))
    if not ok:
        raise ValidationFailed("cursor is not one this server gave out", {"cursor": cursor})
    return int(item), int(place)


def valuation(
    warehouse_id: int | None = None,
    item_id: int | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ValuationRow]:
    """Stock value per item and place (places with nothing and worth nothing left out),
    ordered by item then place."""
    n = page_limit(limit)
    q = (
        select(_SV.item_id, Item.sku, Item.name, _SV.place_id, Location.code, _SV.quantity,
               _SV.value, _SV.last_rate)
        .join(Item, Item.id == _SV.item_id)
        .join(Location, Location.id == _SV.place_id)
        .where(or_(_SV.quantity != 0, _SV.value != 0))
        .order_by(_SV.item_id, _SV.place_id)
        .limit(n + 1)
    )  # fmt: skip
    if warehouse_id is not None:
        q = q.where(_SV.place_id == warehouse_id)
    if item_id is not None:
        q = q.where(_SV.item_id == item_id)
    after = _pair_cursor(cursor)
    if after is not None:
        q = q.where(
            or_(_SV.item_id > after[0], and_(_SV.item_id == after[0], _SV.place_id > after[1]))
        )
    rows = db.session.execute(q).all()
    methods = methods_of(db.session.connection(), [int(r.item_id) for r in rows[:n]])
    out = [
        ValuationRow(
            item_id=int(r.item_id),
            sku=str(r.sku),
            name=str(r.name),
            place_id=int(r.place_id),
            place_code=str(r.code),
            quantity=int(r.quantity),
            value=Decimal(r.value),
            unit_cost=_unit_cost(int(r.quantity), Decimal(r.value), r.last_rate),
            method=methods[int(r.item_id)],
        )
        for r in rows[:n]
    ]
    more = len(rows) > n
    return Page(out, f"{out[-1].item_id}-{out[-1].place_id}" if more and out else None)


def _unit_cost(quantity: int, value: Decimal, last_rate: Decimal | None) -> Decimal | None:
    if quantity > 0:
        return rate(value, quantity)
    return None if last_rate is None else Decimal(last_rate)


def layers(item_id: int, place_id: int | None = None) -> list[LayerRow]:
    """The item's FIFO layers with units left (at one place, or all), oldest first."""
    q = select(CostLayer).where(CostLayer.item_id == item_id, CostLayer.quantity_left > 0)
    if place_id is not None:
        q = q.where(CostLayer.place_id == place_id)
    return [
        LayerRow(
            id=int(la.id),
            movement_id=None if la.movement_id is None else int(la.movement_id),
            lot_id=la.lot_id,
            received_at=la.received_at,
            quantity_in=int(la.quantity_in),
            quantity_left=int(la.quantity_left),
            unit_cost=Decimal(la.unit_cost),
            value_left=Decimal(la.value_left),
        )
        for la in db.session.scalars(q.order_by(CostLayer.place_id, CostLayer.id))
    ]


def movement_values(
    item_id: int | None = None,
    place_id: int | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[MovementValueRow]:
    """How each valued movement was costed, newest first (cursor: the last movement id)."""
    n = page_limit(limit)
    q = (
        select(_ML, Movement.movement_type, Movement.occurred_at, Item.sku, _FROM.code, _TO.code)
        .join(Movement, Movement.id == _ML.movement_id)
        .join(Item, Item.id == _ML.item_id)
        .outerjoin(_FROM, _FROM.id == _ML.from_place_id)
        .outerjoin(_TO, _TO.id == _ML.to_place_id)
        .order_by(_ML.movement_id.desc())
        .limit(n + 1)
    )
    if item_id is not None:
        q = q.where(_ML.item_id == item_id)
    if place_id is not None:
        q = q.where(or_(_ML.from_place_id == place_id, _ML.to_place_id == place_id))
    after = cursor_id(cursor)
    if after:
        q = q.where(_ML.movement_id < after)
    rows = db.session.execute(q).all()
    out = [
        MovementValueRow(
            movement_id=int(mv.movement_id),
            movement_type=str(kind),
            occurred_at=occurred,
            item_id=int(mv.item_id),
            sku=str(sku),
            from_place_id=mv.from_place_id,
            from_place_code=from_code,
            to_place_id=mv.to_place_id,
            to_place_code=to_code,
            quantity=int(mv.quantity),
            value=Decimal(mv.value),
            unit_cost=Decimal(mv.unit_cost),
            method=str(mv.method),
            cost_source=str(mv.cost_source),
        )
        for mv, kind, occurred, sku, from_code, to_code in rows[:n]
    ]
    more = len(rows) > n
    return Page(out, str(out[-1].movement_id) if more and out else None)


def journal(
    period: str | None = None,
    account_id: int | None = None,
    movement_id: int | None = None,
    limit: int | None = None,
    cursor: str | None = None,
    entry_id: int | None = None,
) -> Page[EntryView]:
    """Journal entries with their lines, newest first (cursor: the last entry id)."""
    n = page_limit(limit)
    q = select(_JE).order_by(_JE.id.desc()).limit(n + 1)
    checked = period_arg(period)
    if checked is not None:
        q = q.where(_JE.period == checked)
    if movement_id is not None:
        q = q.where(_JE.movement_id == movement_id)
    if entry_id is not None:
        q = q.where(_JE.id == entry_id)
    if account_id is not None:
        q = q.where(
            _JE.id.in_(select(_JL.entry_id).where(_JL.account_id == account_id).scalar_subquery())
        )
    after = cursor_id(cursor)
    if after:
        q = q.where(_JE.id < after)
    entries = list(db.session.scalars(q))
    page = entries[:n]
    lines = entry_lines([int(e.id) for e in page])
    out = [_entry_view(e, lines.get(int(e.id), [])) for e in page]
    more = len(entries) > n
    return Page(out, str(out[-1].id) if more and out else None)


def entry(entry_id: int) -> EntryView | None:
    e = db.session.get(_JE, entry_id)
    return None if e is None else _entry_view(e, entry_lines([entry_id]).get(entry_id, []))


def entry_lines(entry_ids: list[int]) -> dict[int, list[EntryLineView]]:
    if not entry_ids:
        return {}
    rows = db.session.execute(
        select(_JL, Account.code, Account.name, _WH.code)
        .join(Account, Account.id == _JL.account_id)
        .outerjoin(_WH, _WH.id == _JL.warehouse_id)
        .where(_JL.entry_id.in_(entry_ids))
        .order_by(_JL.entry_id, _JL.id)
    ).all()
    out: dict[int, list[EntryLineView]] = defaultdict(list)
    for ln, code, name, wh_code in rows:
        out[int(ln.entry_id)].append(
            EntryLineView(
                id=int(ln.id),
                account_id=int(ln.account_id),
                account_code=str(code),
                account_name=str(name),
                debit=Decimal(ln.debit),
                credit=Decimal(ln.credit),
                warehouse_id=ln.warehouse_id,
                warehouse_code=wh_code,
                item_id=ln.item_id,
            )
        )
    return out


def _entry_view(e: JournalEntry, lines: list[EntryLineView]) -> EntryView:
    return EntryView(
        id=int(e.id),
        entry_date=e.entry_date,
        period=str(e.period),
        kind=str(e.kind),
        movement_id=e.movement_id,
        posting_id=e.posting_id,
        source_type=e.source_type,
        source_id=e.source_id,
        memo=str(e.memo or ""),
        reverses_entry_id=e.reverses_entry_id,
        created_by=e.created_by,
        created_at=e.created_at,
        lines=lines,
    )


def trial_balance(period_to: str | None = None) -> TrialBalance:
    """Every account's debit and credit totals over the entries up to and including
    period_to (None: all), with the grand totals; accounts without lines show zeros."""
    upto = period_arg(period_to)
    sums = (
        select(
            _JL.account_id,
            func.sum(_JL.debit).label("debit"),
            func.sum(_JL.credit).label("credit"),
        )
        .join(_JE, _JE.id == _JL.entry_id)
        .group_by(_JL.account_id)
    )
    if upto is not None:
        sums = sums.where(_JE.period <= upto)
    totals = {int(a): (_money(d), _money(c)) for a, d, c in db.session.execute(sums)}
    accounts = []
    for acc in db.session.scalars(select(Account).order_by(Account.code)):
        debit, credit = totals.get(int(acc.id), (Decimal("0.00"), Decimal("0.00")))
        if not acc.active and not (debit or credit):
            continue
        accounts.append(
            AccountBalance(int(acc.id), acc.code, acc.name, acc.kind, debit, credit, debit - credit)
        )
    debit = sum((a.debit for a in accounts), Decimal("0.00"))
    credit = sum((a.credit for a in accounts), Decimal("0.00"))
    return TrialBalance(upto, accounts, debit, credit, debit == credit)


def _money(value: object) -> Decimal:
    """A SQL sum as exact cents: SQLite's REAL sum rounds back to the cent here."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(Decimal("0.01"))


def periods() -> list[PeriodView]:
    """Months with entries or a status row, and the current month; newest first."""
    counts = dict(
        db.session.execute(select(_JE.period, func.count(_JE.id)).group_by(_JE.period)).all()
    )
    rows = {p.period: p for p in db.session.scalars(select(FiscalPeriod))}
    names = set(counts) | set(rows) | {period_of(utcnow().date())}
    out = []
    for name in sorted(names, reverse=True):
        row = rows.get(name)
        out.append(
            PeriodView(
                period=name,
                status=row.status if row else "open",
                closed_at=row.closed_at if row and row.status == "closed" else None,
                closed_by=row.closed_by if row and row.status == "closed" else None,
                entries=int(counts.get(name, 0)),
            )
        )
    return out


def period_view(period: str) -> PeriodView:
    for view in periods():
        if view.period == period:
            return view
    return PeriodView(period, "open", None, None, 0)
