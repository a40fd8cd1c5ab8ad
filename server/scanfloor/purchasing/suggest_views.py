"""Reading suggestion runs (with their draft POs and explained lines) and inventory
positions, as plain results for the API, the console and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..auth.models import User
from ..catalog.models import Item, Location
from ..catalog.results import Page, cursor_id, next_cursor, page_limit
from ..errors import NotFound
from ..extensions import db
from .models import PurchaseOrder, PurchaseOrderLine, Supplier
from .position_sql import PositionRow, inventory_positions
from .rules import decimal_text
from .suggestion_models import SuggestionLine, SuggestionRun
from .terms_views import ItemRef, SupplierRef, WarehouseRef

_RUN = SuggestionRun.__table__
_SL = SuggestionLine.__table__
_PO = PurchaseOrder.__table__
_PL = PurchaseOrderLine.__table__
_S = Supplier.__table__
_I = Item.__table__
_L = Location.__table__
_U = User.__table__


@dataclass(frozen=True)
class ActorRef:
    id: int
    username: str


@dataclass(frozen=True)
class PositionView:
    on_hand: int
    open_po: int
    in_transit: int
    reserved: int
    backordered: int
    total: int


@dataclass(frozen=True)
class DemandView:
    source: str
    method: str | None
    per_day: str
    sd: str


@dataclass(frozen=True)
class LeadTimeView:
    days: str
    sd: str
    source: str


@dataclass(frozen=True)
class SuggestionLineView:
    id: int
    item: ItemRef
    warehouse: WarehouseRef
    supplier: SupplierRef | None
    policy: str
    outcome: str
    quantity: int
    position: PositionView
    demand: DemandView
    lead_time: LeadTimeView
    unit_cost: str | None
    steps: list[dict[str, str]]
    po_id: int | None
    po_number: str | None


@dataclass(frozen=True)
class RunPoView:
    id: int
    number: str
    supplier: SupplierRef
    warehouse: WarehouseRef | None
    state: str
    currency: str
    value: str  # sum(ordered * unit_cost), the PO's currency
    line_count: int
    expected_date: date | None


@dataclass(frozen=True)
class SuggestionRunSummary:
    id: int
    trigger: str
    actor: ActorRef | None
    warehouse: WarehouseRef | None
    as_of: date
    history_days: int
    items_considered: int
    lines_ordered: int
    po_count: int
    slot: str | None
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class SuggestionRunView(SuggestionRunSummary):
    purchase_orders: list[RunPoView] = field(default_factory=list)
    lines: list[SuggestionLineView] = field(default_factory=list)
    # True when a scheduled slot had run already: this is that run, nothing was written.
    replayed: bool = False


@dataclass(frozen=True)
class ItemPositionView:
    item: ItemRef
    warehouse: WarehouseRef
    on_hand: int
    open_po: int
    in_transit: int
    reserved: int
    backordered: int
    position: int


def _money(value: Decimal | None) -> str:
    return decimal_text(value, 2) or "0.00"


def _decimal(value: Any) -> str:
    return decimal_text(Decimal(value) if value is not None else Decimal(0)) or "0"


# --- runs --------------------------------------------------------------------------------

_SUMMARY = (
    select(_RUN, _U.c.username, _L.c.code.label("warehouse_code"))
    .select_from(_RUN)
    .outerjoin(_U, _U.c.id == _RUN.c.actor_id)
    .outerjoin(_L, _L.c.id == _RUN.c.warehouse_id)
)


def _summary(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "trigger": r.trigger,
        "actor": ActorRef(r.actor_id, r.username) if r.actor_id is not None else None,
        "warehouse": WarehouseRef(r.warehouse_id, r.warehouse_code)
        if r.warehouse_id is not None
        else None,
        "as_of": r.as_of,
        "history_days": r.history_days,
        "items_considered": r.items_considered,
        "lines_ordered": r.lines_ordered,
        "po_count": r.po_count,
        "slot": r.slot,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
    }


def _orders(run_id: int) -> list[RunPoView]:
    wh = _L.alias("po_wh")
    totals = (
        select(
            _PL.c.po_id,
            func.count().label("line_count"),
            func.sum(_PL.c.ordered * _PL.c.unit_cost).label("value"),
        )
        .group_by(_PL.c.po_id)
        .subquery("totals")
    )
    stmt = (
        select(
            _PO.c.id,
            _PO.c.number,
            _PO.c.state,
            _PO.c.currency,
            _PO.c.expected_date,
            _PO.c.warehouse_id,
            wh.c.code.label("warehouse_code"),
            _S.c.id.label("supplier_id"),
            _S.c.code.label("supplier_code"),
            _S.c.name.label("supplier_name"),
            totals.c.line_count,
            totals.c.value,
        )
        .join(_S, _S.c.id == _PO.c.supplier_id)
        .outerjoin(wh, wh.c.id == _PO.c.warehouse_id)
        .outerjoin(totals, totals.c.po_id == _PO.c.id)
        .where(_PO.c.suggestion_run_id == run_id)
        .order_by(_PO.c.id)
    )
    return [
        RunPoView(
            id=r.id,
            number=r.number,
            supplier=SupplierRef(r.supplier_id, r.supplier_code, r.supplier_name),
            warehouse=WarehouseRef(r.warehouse_id, r.warehouse_code)
            if r.warehouse_id is not None
            else None,
            state=r.state,
            currency=r.currency,
            value=_money(Decimal(r.value) if r.value is not None else None),
            line_count=int(r.line_count or 0),
            expected_date=r.expected_date,
        )
        for r in db.session.execute(stmt)
    ]


def _lines(run_id: int, outcome: str | None) -> list[SuggestionLineView]:
    wh = _L.alias("line_wh")
    stmt = (
        select(
            _SL,
            _I.c.sku,
            _I.c.name.label("item_name"),
            wh.c.code.label("warehouse_code"),
            _S.c.code.label("supplier_code"),
            _S.c.name.label("supplier_name"),
            _PO.c.id.label("po_id"),
            _PO.c.number.label("po_number"),
        )
        .select_from(_SL)
        .join(_I, _I.c.id == _SL.c.item_id)
        .join(wh, wh.c.id == _SL.c.warehouse_id)
        .outerjoin(_S, _S.c.id == _SL.c.supplier_id)
        .outerjoin(_PL, _PL.c.id == _SL.c.po_line_id)
        .outerjoin(_PO, _PO.c.id == _PL.c.po_id)
        .where(_SL.c.run_id == run_id)
        .order_by(_SL.c.id)
    )
    if outcome is not None:
        stmt = stmt.where(_SL.c.outcome == outcome)
    return [
        SuggestionLineView(
            id=r.id,
            item=ItemRef(r.item_id, r.sku, r.item_name),
            warehouse=WarehouseRef(r.warehouse_id, r.warehouse_code),
            supplier=SupplierRef(r.supplier_id, r.supplier_code, r.supplier_name)
            if r.supplier_id is not None
            else None,
            policy=r.policy,
            outcome=r.outcome,
            quantity=int(r.quantity),
            position=PositionView(
                int(r.on_hand),
                int(r.open_po),
                int(r.in_transit),
                int(r.reserved),
                int(r.backordered),
                int(r.position),
            ),
            demand=DemandView(
                r.demand_source, r.demand_method, _decimal(r.demand_per_day), _decimal(r.demand_sd)
            ),
            lead_time=LeadTimeView(
                _decimal(r.lead_time_days), _decimal(r.lead_time_sd), r.lead_time_source
            ),
            unit_cost=decimal_text(Decimal(r.unit_cost), 2) if r.unit_cost is not None else None,
            steps=list(r.steps or []),
            po_id=r.po_id,
            po_number=r.po_number,
        )
        for r in db.session.execute(stmt)
    ]


def run_view(
    run_id: int, outcome: str | None = None, *, replayed: bool = False
) -> SuggestionRunView:
    """A run with its draft POs and its lines (only those of `outcome` when given)."""
    row = db.session.execute(_SUMMARY.where(_RUN.c.id == run_id)).first()
    if row is None:
        raise NotFound("suggestion run not found", {"run_id": run_id})
    return SuggestionRunView(
        **_summary(row),
        purchase_orders=_orders(run_id),
        lines=_lines(run_id, outcome),
        replayed=replayed,
    )


def list_runs(
    *, warehouse_id: int | None = None, limit: int | None = None, cursor: str | None = None
) -> Page[SuggestionRunSummary]:
    """Runs newest first (their POs and lines: GET one run)."""
    size = page_limit(limit)
    stmt = _SUMMARY.order_by(_RUN.c.id.desc()).limit(size + 1)
    after = cursor_id(cursor)
    if after:
        stmt = stmt.where(_RUN.c.id < after)
    if warehouse_id is not None:
        stmt = stmt.where(_RUN.c.warehouse_id == warehouse_id)
    rows = db.session.execute(stmt).all()
    return Page(
        rows=[SuggestionRunSummary(**_summary(r)) for r in rows[:size]],
        next_cursor=next_cursor([int(r.id) for r in rows], size),
    )


def slot_run(slot: str) -> int | None:
    """The run a schedule slot already has, if any."""
    found = db.session.execute(select(_RUN.c.id).where(_RUN.c.slot == slot)).scalar()
    return None if found is None else int(found)


# --- positions ---------------------------------------------------------------------------


def list_positions(
    warehouse: WarehouseRef,
    *,
    item_id: int | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ItemPositionView]:
    """A warehouse's inventory positions by item id (position_sql: one statement), items with
    no term at all left out; `item_id` asks for one item (listed even when all 0)."""
    size = page_limit(limit)
    after = cursor_id(cursor)
    found = inventory_positions(
        db.session.connection(), warehouse.id, None if item_id is None else [item_id]
    )
    rows = sorted((r for r in found.values() if r.item_id > after), key=lambda r: r.item_id)
    if item_id is not None and not rows and not after:
        rows = [PositionRow(item_id, warehouse.id)]
    page = rows[:size]
    items = {
        int(r.id): ItemRef(int(r.id), r.sku, r.name)
        for r in db.session.execute(
            select(_I.c.id, _I.c.sku, _I.c.name).where(_I.c.id.in_([r.item_id for r in page]))
        )
    }
    return Page(
        rows=[
            ItemPositionView(
                item=items[r.item_id],
                warehouse=warehouse,
                on_hand=r.on_hand,
                open_po=r.open_po,
                in_transit=r.in_transit,
                reserved=r.reserved,
                backordered=r.backordered,
                position=r.total,
            )
            for r in page
        ],
        next_cursor=next_cursor([r.item_id for r in rows], size),
    )
