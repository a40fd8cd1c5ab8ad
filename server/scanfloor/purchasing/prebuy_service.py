"""Seasonal pre-buy: the last day to order so stock is sellable when a season starts, and for
an import supplier how its order fills shipping containers.

Order-by date (season_rules.order_by_date): season start minus the supplier's production,
transit and customs days and the warehouse's dock-to-stock time. A supplier with none of
the first three on file is refused: the date would be the season start less a day or two,
which looks like an answer and is not one.

Dock-to-stock is measured from the ledger (`dock_to_stock`): for each receipt movement into
a location of the warehouse in the last DOCK_TO_STOCK_WINDOW_DAYS days, the first putaway
of that item out of that location at or after it; the median of the calendar days between
them (UTC dates), rounded up to whole days. Receipts not put away yet, or received straight
into a bin, give no sample. With no sample at all, DEFAULT_DOCK_TO_STOCK_DAYS is used and
the answer says so (source "default").

Container plan (import suppliers only; season_rules.plan_containers and best_container):
- lines: the supplier's active items with a case cube and weight on file (the others are
  listed as skipped: they cannot be planned into a box);
- suggested quantity: what the supplier's DRAFT POs for the warehouse hold of the item (the
  order being prepared, by a suggestion run or a buyer), rounded up to whole cases;
- position and demand: position_sql.inventory_positions and demand_sql.daily_demand with
  forecast_rules.estimate_demand over SCANFLOOR_DEMAND_HISTORY_DAYS, as the suggestion run
  reads them. The position is taken before the draft: draft units the position already
  counts as open PO (drafts a person made or edited, see position_sql) are taken off, so
  the plan's cover does not count the draft twice.
- the type needing the fewest boxes; the room left is topped up one case at a time on the
  line with the lowest days of cover.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from math import ceil
from typing import Any

from flask import current_app
from sqlalchemy import and_, case, func, select

from ..catalog.models import Item, Location
from ..errors import NotFound, ValidationFailed, rule_failed
from ..extensions import db
from ..ledger.models import Movement
from ..timeutil import as_utc, utcnow
from .demand_sql import daily_demand
from .forecast_rules import estimate_demand
from .models import PurchaseOrder, PurchaseOrderLine, Supplier
from .performance_service import SupplierBrief
from .position_sql import inventory_positions
from .rules import PurchasingRuleError
from .season_rules import (
    ContainerLine,
    PlannedLine,
    best_container,
    order_by_date,
    plan_containers,
)
from .suppliers_service import load_supplier
from .terms_models import SupplierItem

DOCK_TO_STOCK_WINDOW_DAYS = 90
DEFAULT_DOCK_TO_STOCK_DAYS = 2
LEDGER, DEFAULT = "ledger", "default"


@dataclass(frozen=True)
class WarehouseBrief:
    id: int
    code: str


@dataclass(frozen=True)
class Leg:
    leg: str
    days: int


@dataclass(frozen=True)
class DockToStock:
    days: int
    source: str  # ledger | default
    samples: int


@dataclass(frozen=True)
class ItemBrief:
    id: int
    sku: str
    name: str


@dataclass(frozen=True)
class PlannedLineView:
    item: ItemBrief
    case_pack: int
    case_volume_m3: Decimal
    case_weight_kg: Decimal
    position: int  # before this order
    demand_per_day: Decimal
    suggested: int  # base units, whole cases
    topped_up: int
    quantity: int
    cases: int
    days_of_cover: Decimal | None  # after the order; None without demand


@dataclass(frozen=True)
class ContainerPlanView:
    container: str  # 20ft | 40ft | 40HC
    cube_capacity_m3: Decimal  # usable, per box
    payload_kg: Decimal
    containers: int
    cube_m3: Decimal
    weight_kg: Decimal
    cube_used: Decimal
    weight_used: Decimal
    lines: list[PlannedLineView]
    skipped: list[str]  # SKUs without a case cube or weight


@dataclass(frozen=True)
class PreBuy:
    supplier: SupplierBrief
    warehouse: WarehouseBrief
    season_start: date
    order_by: date
    total_days: int
    days_left: int  # until the order-by date: negative is too late
    legs: list[Leg]
    dock_to_stock: DockToStock
    container_plan: ContainerPlanView | None  # None: not an import supplier


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _warehouse(code: str | None) -> WarehouseBrief:
    stmt = select(Location.id, Location.code).where(Location.level == "warehouse")
    if code is None:
        row = db.session.execute(stmt.order_by(Location.id).limit(1)).first()
        if row is None:
            raise NotFound("there is no warehouse to plan for", {"warehouse": None})
    else:
        row = db.session.execute(stmt.where(Location.code == code.strip().upper())).first()
        if row is None:
            raise NotFound("no such warehouse", {"warehouse": code})
    return WarehouseBrief(int(row.id), str(row.code))


def dock_to_stock(warehouse_id: int, today: date) -> DockToStock:
    """Median days from receipt to putaway in the warehouse lately (module docstring)."""
    received = Movement.__table__.alias("received")
    put = Movement.__table__.alias("put")
    first_putaway = (
        select(func.min(put.c.occurred_at))
        .where(
            put.c.movement_type == "putaway",
            put.c.item_id == received.c.item_id,
            put.c.from_location_id == received.c.to_location_id,
            put.c.occurred_at >= received.c.occurred_at,
        )
        .scalar_subquery()
    )
    stmt = (
        select(received.c.occurred_at, first_putaway.label("put_at"))
        .join(Location, Location.id == received.c.to_location_id)
        .where(
            received.c.movement_type == "receipt",
            received.c.occurred_at >= _start_of(today - timedelta(days=DOCK_TO_STOCK_WINDOW_DAYS)),
            Location.warehouse_id == warehouse_id,
        )
    )
    days = [
        (as_utc(r.put_at).date() - as_utc(r.occurred_at).date()).days
        for r in db.session.execute(stmt)
        if r.put_at is not None
    ]
    if not days:
        return DockToStock(DEFAULT_DOCK_TO_STOCK_DAYS, DEFAULT, 0)
    return DockToStock(ceil(statistics.median(days)), LEDGER, len(days))


def _drafted(supplier_id: int, warehouse_id: int) -> dict[int, tuple[int, int]]:
    """item_id -> (units on the supplier's drafts for the warehouse, of them counted as open
    PO by position_sql: drafts that are not an untouched suggestion-run proposal)."""
    po, pl = PurchaseOrder, PurchaseOrderLine
    first = select(func.min(Location.id)).where(Location.level == "warehouse").scalar_subquery()
    untouched = and_(po.suggestion_run_id.is_not(None), po.revision == 0)
    open_units = pl.ordered - pl.received
    rows = db.session.execute(
        select(
            pl.item_id,
            func.sum(open_units).label("drafted"),
            func.sum(case((untouched, 0), else_=open_units)).label("counted"),
        )
        .join(po, po.id == pl.po_id)
        .where(
            po.supplier_id == supplier_id,
            po.state == "draft",
            func.coalesce(po.warehouse_id, first) == warehouse_id,
        )
        .group_by(pl.item_id)
    )
    return {int(r.item_id): (int(r.drafted or 0), int(r.counted or 0)) for r in rows}


def _plan(supplier: Supplier, warehouse_id: int, today: date) -> ContainerPlanView:
    terms = db.session.execute(
        select(
            Item.id,
            Item.sku,
            Item.name,
            SupplierItem.case_pack,
            SupplierItem.case_volume_m3,
            SupplierItem.case_weight_kg,
        )
        .join(Item, Item.id == SupplierItem.item_id)
        .where(SupplierItem.supplier_id == supplier.id, SupplierItem.active.is_(True))
        .order_by(Item.sku)
    ).all()
    plannable = [t for t in terms if t.case_volume_m3 is not None and t.case_weight_kg is not None]
    skipped = [t.sku for t in terms if t.case_volume_m3 is None or t.case_weight_kg is None]
    ids = [int(t.id) for t in plannable]
    conn = db.session.connection()
    positions = inventory_positions(conn, warehouse_id, ids) if ids else {}
    history = (
        daily_demand(
            conn, warehouse_id, today, int(current_app.config["SCANFLOOR_DEMAND_HISTORY_DAYS"]), ids
        )
        if ids
        else {}
    )
    drafted = _drafted(supplier.id, warehouse_id)
    lines: list[ContainerLine] = []
    for t in plannable:
        units, counted = drafted.get(t.id, (0, 0))
        pack = int(t.case_pack)
        row = positions.get((t.id, warehouse_id))
        demand = history.get(t.id)
        lines.append(
            ContainerLine(
                item_id=t.id,
                quantity=ceil(units / pack) * pack,
                case_pack=pack,
                case_cube_m3=Decimal(t.case_volume_m3),
                case_weight_kg=Decimal(t.case_weight_kg),
                position=(row.total if row else 0) - counted,
                demand_per_day=(
                    estimate_demand(demand.days).mean_per_day if demand else Decimal(0)
                ),
            )
        )
    box = best_container(lines)
    plan = plan_containers(lines, box)
    return ContainerPlanView(
        container=plan.container.code,
        cube_capacity_m3=plan.container.cube_m3,
        payload_kg=plan.container.payload_kg,
        containers=plan.containers,
        cube_m3=plan.cube_m3,
        weight_kg=plan.weight_kg,
        cube_used=plan.cube_used,
        weight_used=plan.weight_used,
        lines=_planned(plannable, lines, plan.lines),
        skipped=skipped,
    )


def _planned(
    terms: Sequence[Any], lines: Sequence[ContainerLine], planned: Sequence[PlannedLine]
) -> list[PlannedLineView]:
    return [
        PlannedLineView(
            item=ItemBrief(int(t.id), str(t.sku), str(t.name)),
            case_pack=ln.case_pack,
            case_volume_m3=ln.case_cube_m3,
            case_weight_kg=ln.case_weight_kg,
            position=ln.position,
            demand_per_day=ln.demand_per_day,
            suggested=p.suggested,
            topped_up=p.topped_up,
            quantity=p.quantity,
            cases=p.quantity // ln.case_pack,
            days_of_cover=p.days_of_cover,
        )
        for t, ln, p in zip(terms, lines, planned, strict=True)
    ]


def pre_buy(
    supplier_id: int,
    season_start: date,
    warehouse_code: str | None = None,
    *,
    today: date | None = None,
) -> PreBuy:
    """The order-by date for a season with each leg, and an import supplier's container
    plan, for one warehouse (default: the first)."""
    supplier = load_supplier(supplier_id)
    legs = (supplier.production_days, supplier.transit_days, supplier.customs_days)
    if not any(legs):
        raise ValidationFailed(
            "this supplier has no production, transit or customs days on file: set them "
            "before planning a pre-buy",
            {"rule": "no_lead_legs", "supplier_id": supplier.id},
        )
    wh = _warehouse(warehouse_code)
    now = today or utcnow().date()
    dock = dock_to_stock(wh.id, now)
    try:
        plan = order_by_date(
            season_start,
            production_days=supplier.production_days,
            transit_days=supplier.transit_days,
            customs_days=supplier.customs_days,
            dock_to_stock_days=dock.days,
        )
    except PurchasingRuleError as exc:
        raise rule_failed(exc) from exc
    except OverflowError as exc:  # a season start in the first days of year 1
        raise ValidationFailed(
            "the order-by date would fall before the calendar begins",
            {"season_start": season_start.isoformat()},
        ) from exc
    return PreBuy(
        supplier=SupplierBrief(supplier.id, supplier.code, supplier.name),
        warehouse=wh,
        season_start=season_start,
        order_by=plan.order_by,
        total_days=plan.total_days,
        days_left=plan.days_left(now),
        legs=[Leg(name, days) for name, days in plan.legs],
        dock_to_stock=dock,
        container_plan=_plan(supplier, wh.id, now) if supplier.imports else None,
    )
