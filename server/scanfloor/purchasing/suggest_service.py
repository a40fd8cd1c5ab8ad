"""Run purchase suggestions: one write transaction that reads every input in a handful of
set-based statements, applies each reorder policy (suggest_compute.py), and writes the
lines and the draft POs they group into.

In order, inside the transaction:
1. the run row (a scheduled run is keyed by its slot: a slot that already has a run answers
   that run and writes nothing);
2. drafts of earlier runs that nobody touched (state draft, revision 0, suggestion_run_id
   set; in this run's warehouse, or all for a run over all) are cancelled, "superseded by
   suggestion run N", so a re-run replaces its proposals instead of adding to them;
3. reads: policies (reorder_policy_service.policies_for), positions (position_sql, one
   statement), demand history per warehouse (demand_sql) and its units per sales channel
   (demand_channel_sql, one statement per warehouse), preferred terms
   (terms_service.preferred_terms), lead-time samples (leadtime_sql), and each item's last
   PO line date (periodic review's review day);
4. the lines (suggest_compute), the draft POs (SUG-<run>-<n>, state draft, the warehouse,
   the terms' currency, expected at as_of + lead time) with their lines, then the
   suggestion lines linked to the PO lines, all by Core executemany;
5. the run's counters and finish time.
Runs are serialised (SQLite writers are already; a transaction-scoped advisory lock on
PostgreSQL), so two runs at once never both supersede and both draft.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, select, text, update
from sqlalchemy.engine import Connection

from ..catalog.models import Location
from ..database import is_sqlite, write_transaction
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..timeutil import as_utc, utcnow
from .demand_channel_sql import ChannelUnits, channel_totals
from .demand_sql import DemandHistory, daily_demand, window
from .leadtime_sql import lead_time_history
from .models import PurchaseOrder, PurchaseOrderLine
from .position_sql import inventory_positions
from .reorder_policy_service import policies_for
from .suggest_compute import (
    ORDERED,
    USES_DEMAND,
    ComputedLine,
    DraftPo,
    RunInputs,
    compute_lines,
    group_orders,
)
from .suggest_views import SuggestionRunView, run_view
from .suggestion_models import RUN_TRIGGERS, SuggestionLine, SuggestionRun
from .terms_service import preferred_terms

_LOCK_KEY = 0x5067  # any constant: the lock only orders suggestion runs
_RUN = SuggestionRun.__table__
_SL = SuggestionLine.__table__
_PO = PurchaseOrder.__table__
_PL = PurchaseOrderLine.__table__
_L = Location.__table__
_WAREHOUSES = select(_L.c.id, _L.c.code).where(_L.c.type == "warehouse").order_by(_L.c.id)


def run_suggestions(
    *,
    trigger: str,
    actor_id: int | None = None,
    warehouse_id: int | None = None,
    as_of: date | None = None,
    slot: str | None = None,
    line_outcome: str | None = None,
) -> SuggestionRunView:
    """Suggest what to buy for every reorder policy (one warehouse's, or all) and draft the
    POs; the run with its POs and its lines (those of `line_outcome` only, when given). With
    `slot`, a second call answers the first run and writes nothing."""
    if trigger not in RUN_TRIGGERS:
        raise ValidationFailed(
            "unknown trigger", {"trigger": trigger, "allowed": list(RUN_TRIGGERS)}
        )
    day = as_of or utcnow().date()
    days = int(current_app.config["SCANFLOOR_DEMAND_HISTORY_DAYS"])
    with write_transaction():
        conn = db.session.connection()
        if not is_sqlite():
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        if warehouse_id is not None and warehouse_id not in dict(_warehouses(conn)):
            raise NotFound("no such warehouse", {"warehouse_id": warehouse_id})
        if slot is not None:
            done = conn.execute(select(_RUN.c.id).where(_RUN.c.slot == slot)).scalar()
            if done is not None:
                return run_view(int(done), line_outcome, replayed=True)
        run_id = _run(conn, trigger, actor_id, warehouse_id, day, days, slot)
        return run_view(run_id, line_outcome)


def _warehouses(conn: Connection) -> list[tuple[int, str]]:
    return [(int(r.id), str(r.code)) for r in conn.execute(_WAREHOUSES)]


def _run(
    conn: Connection,
    trigger: str,
    actor_id: int | None,
    warehouse_id: int | None,
    as_of: date,
    days: int,
    slot: str | None,
) -> int:
    now = utcnow()
    run_id = int(
        conn.execute(
            _RUN.insert().returning(_RUN.c.id),
            {
                "trigger": trigger,
                "actor_id": actor_id,
                "warehouse_id": warehouse_id,
                "as_of": as_of,
                "history_days": days,
                "items_considered": 0,
                "lines_ordered": 0,
                "po_count": 0,
                "slot": slot,
                "started_at": now,
            },
        ).scalar_one()
    )
    _supersede(conn, run_id, actor_id, warehouse_id, now)
    lines = compute_lines(_inputs(conn, warehouse_id, as_of, days))
    orders = group_orders(lines)
    po_lines = _write_orders(conn, run_id, orders, actor_id, now)
    _write_lines(conn, run_id, lines, po_lines)
    conn.execute(
        update(_RUN)
        .where(_RUN.c.id == run_id)
        .values(
            items_considered=len(lines),
            lines_ordered=sum(1 for ln in lines if ln.outcome == ORDERED),
            po_count=len(orders),
            finished_at=utcnow(),
        )
    )
    return run_id


def _supersede(
    conn: Connection, run_id: int, actor_id: int | None, warehouse_id: int | None, now: Any
) -> None:
    untouched = and_(
        _PO.c.state == "draft",
        _PO.c.revision == 0,
        _PO.c.suggestion_run_id.is_not(None),
        _PO.c.suggestion_run_id != run_id,
    )
    if warehouse_id is not None:
        untouched = and_(untouched, _PO.c.warehouse_id == warehouse_id)
    conn.execute(
        update(_PO)
        .where(untouched)
        .values(
            state="cancelled",
            cancelled_at=now,
            cancelled_by=actor_id,
            cancel_reason=f"superseded by suggestion run {run_id}",
        )
    )


def _last_ordered(conn: Connection, warehouse_id: int | None) -> dict[tuple[int, int], date]:
    """(item, warehouse) -> the creation date of its latest PO line on a PO not cancelled."""
    stmt = (
        select(_PL.c.item_id, _PO.c.warehouse_id, func.max(_PO.c.created_at).label("at"))
        .join(_PO, _PO.c.id == _PL.c.po_id)
        .where(_PO.c.state != "cancelled", _PO.c.warehouse_id.is_not(None))
        .group_by(_PL.c.item_id, _PO.c.warehouse_id)
    )
    if warehouse_id is not None:
        stmt = stmt.where(_PO.c.warehouse_id == warehouse_id)
    return {(int(r.item_id), int(r.warehouse_id)): as_utc(r.at).date() for r in conn.execute(stmt)}


def _inputs(conn: Connection, warehouse_id: int | None, as_of: date, days: int) -> RunInputs:
    policies = policies_for(conn, warehouse_id)
    needs_demand: dict[int, set[int]] = defaultdict(set)
    for p in policies:
        if p.policy in USES_DEMAND:
            needs_demand[p.warehouse_id].add(p.item_id)
    demand: dict[int, dict[int, DemandHistory]] = {
        wh: daily_demand(conn, wh, as_of, days, items) for wh, items in needs_demand.items()
    }
    first, _last = window(as_of, days)
    channel_units: dict[int, dict[int, list[ChannelUnits]]] = {
        wh: channel_totals(conn, wh, first, days, items) for wh, items in needs_demand.items()
    }
    warehouses = _warehouses(conn)
    return RunInputs(
        as_of=as_of,
        history_days=days,
        policies=policies,
        positions=inventory_positions(conn, warehouse_id),
        demand=demand,
        terms=preferred_terms(conn, {p.item_id for p in policies}),
        lead_times=lead_time_history(as_of, days),
        transit_warehouse=warehouses[0] if warehouses else None,
        last_ordered=_last_ordered(conn, warehouse_id),
        channel_units=channel_units,
    )


def _write_orders(
    conn: Connection, run_id: int, orders: Sequence[DraftPo], actor_id: int | None, now: Any
) -> dict[tuple[int, int], int]:
    """Insert the draft POs and their lines; (warehouse, item) -> its PO line id."""
    if not orders:
        return {}
    po_ids = (
        conn.execute(
            _PO.insert().returning(_PO.c.id, sort_by_parameter_order=True),
            [
                {
                    "number": f"SUG-{run_id}-{o.n}",
                    "supplier_id": o.supplier_id,
                    "state": "draft",
                    "blind_receipt": False,
                    "expected_date": o.expected_date,
                    "created_by": actor_id,
                    "created_at": now,
                    "warehouse_id": o.warehouse_id,
                    "currency": o.currency,
                    "revision": 0,
                    "suggestion_run_id": run_id,
                }
                for o in orders
            ],
        )
        .scalars()
        .all()
    )
    rows = []
    keys = []
    for po_id, o in zip(po_ids, orders, strict=True):
        for n, ln in enumerate(o.lines, 1):
            assert ln.terms is not None  # grouped lines all have a supplier
            keys.append((ln.warehouse_id, ln.item_id))
            rows.append(
                {
                    "po_id": int(po_id),
                    "line_no": n,
                    "item_id": ln.item_id,
                    "ordered": ln.quantity,
                    "received": 0,
                    "damaged": 0,
                    "unit_cost": ln.terms.unit_cost,
                    "expected_date": ln.expected_date,
                    "supplier_sku": ln.terms.supplier_sku,
                }
            )
    line_ids = (
        conn.execute(_PL.insert().returning(_PL.c.id, sort_by_parameter_order=True), rows)
        .scalars()
        .all()
    )
    return {key: int(i) for key, i in zip(keys, line_ids, strict=True)}


def _write_lines(
    conn: Connection,
    run_id: int,
    lines: Sequence[ComputedLine],
    po_lines: dict[tuple[int, int], int],
) -> None:
    if not lines:
        return
    conn.execute(
        _SL.insert(),
        [
            {
                "run_id": run_id,
                "item_id": ln.item_id,
                "warehouse_id": ln.warehouse_id,
                "supplier_id": ln.supplier_id,
                "policy": ln.policy,
                "outcome": ln.outcome,
                "quantity": ln.quantity,
                "on_hand": ln.position.on_hand,
                "open_po": ln.position.open_po,
                "in_transit": ln.position.in_transit,
                "reserved": ln.position.reserved,
                "backordered": ln.position.backordered,
                "position": ln.position.total,
                "demand_source": ln.demand.source,
                "demand_method": ln.demand.method,
                "demand_per_day": ln.demand.per_day,
                "demand_sd": ln.demand.sd,
                "lead_time_days": ln.lead_time.days,
                "lead_time_sd": ln.lead_time.sd,
                "lead_time_source": ln.lead_time.source,
                "unit_cost": ln.terms.unit_cost if ln.terms else None,
                "steps": list(ln.steps),
                "po_line_id": po_lines.get((ln.warehouse_id, ln.item_id))
                if ln.outcome == ORDERED
                else None,
            }
            for ln in lines
        ],
    )
