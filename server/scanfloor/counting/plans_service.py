"""Count plans: ABC classes from the ledger, the day's scheduled counts, ad-hoc zone counts,
and the count policies. Each service is one write transaction.

- classify_warehouse: the ABC metric (counting/abc_sql.py) ranked into classes by the
  policies' cumulative shares (abc_rules.py); the warehouse's item_classes are replaced by
  this run's: every item that moved, and every item on hand in the warehouse that did not
  (metric 0, class C).
- generate_counts: the items due today (schedule_rules.py) among those on hand in the
  warehouse's storage and pick-face bins; one item-specific `abc` task per bin holding a due
  item. An item's last count is its latest count line in the warehouse. A due item whose
  task from an earlier day is still open takes its place in the quota again and raises
  nothing new: a team behind on counting is not buried under more of the same tasks.
- count_zone: one bin-level `adhoc` task per storage / pick-face bin of a zone (or of the
  bins named); a bin whose bin-level task is still open is not raised twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from ..catalog.models import Location
from ..database import write_transaction
from ..errors import NotFound, ValidationFailed, WrongLocation
from ..extensions import db
from ..ledger.models import Balance
from ..timeutil import as_utc, utcnow
from .abc_rules import rank
from .abc_sql import abc_metrics
from .classes import classes_of
from .models import ABC_BASES, CountLine, CountTask, ItemClass
from .policies import Policy, policies_for
from .schedule_rules import due_counts
from .service import raise_count_task

COUNTABLE_TYPES = ("storage", "pick_face")
MAX_WINDOW_DAYS = 3660

_LOC = Location.__table__
_BAL = Balance.__table__
_IC = ItemClass.__table__
_CL = CountLine.__table__
_CT = CountTask.__table__

_WAREHOUSE = select(_LOC.c.id).where(_LOC.c.id == bindparam("wh"), _LOC.c.type == "warehouse")
# Items on hand anywhere physical in the warehouse (classified even if nothing left).
_ON_HAND_ITEMS = (
    select(_BAL.c.item_id)
    .distinct()
    .join(_LOC, _LOC.c.id == _BAL.c.location_id)
    .where(_LOC.c.warehouse_id == bindparam("wh"), _BAL.c.quantity > 0)
)
# (item, bin) pairs a scheduled count covers: stock on hand in countable bins.
_HELD = (
    select(_BAL.c.item_id, _BAL.c.location_id)
    .distinct()
    .join(_LOC, _LOC.c.id == _BAL.c.location_id)
    .where(
        _LOC.c.warehouse_id == bindparam("wh"),
        _LOC.c.type.in_(COUNTABLE_TYPES),
        _LOC.c.is_virtual.is_(False),
        _BAL.c.quantity > 0,
    )
    .order_by(_BAL.c.item_id, _BAL.c.location_id)
)
_LAST_COUNTED = (
    select(_CL.c.item_id, func.max(_CL.c.counted_at))
    .where(_CL.c.warehouse_id == bindparam("wh"))
    .group_by(_CL.c.item_id)
)
_OPEN_TASK_IDS = select(_CT.c.id).where(
    _CT.c.warehouse_id == bindparam("wh"), _CT.c.status == "open"
)
_WAREHOUSE_LOCATIONS = select(
    _LOC.c.id, _LOC.c.code, _LOC.c.parent_id, _LOC.c.type, _LOC.c.level, _LOC.c.is_virtual
).where(_LOC.c.warehouse_id == bindparam("wh"))


@dataclass(frozen=True)
class ClassifyResult:
    warehouse_id: int
    basis: str
    window_days: int
    computed_at: datetime
    counts: dict[str, int]
    measure: str  # velocity taken from "shipped" or (nothing shipped yet) "picked" units


@dataclass(frozen=True)
class PlanResult:
    created: int
    task_ids: list[int]  # every task covering the plan: new ones and ones already open
    due: dict[str, int]  # items counted today per class


def classify_warehouse(
    warehouse_id: int,
    basis: str | None = None,
    window_days: int | None = None,
    actor_id: int | None = None,
    *,
    now: datetime | None = None,
) -> ClassifyResult:
    """Rank the warehouse's items by value or velocity over the window and store their
    classes (basis and window default to SCANFLOOR_ABC_BASIS / SCANFLOOR_ABC_WINDOW_DAYS).
    `actor_id` is who asked; item_classes keeps only when."""
    from flask import current_app

    basis = basis or str(current_app.config["SCANFLOOR_ABC_BASIS"])
    window_days = window_days or int(current_app.config["SCANFLOOR_ABC_WINDOW_DAYS"])
    if basis not in ABC_BASES:
        raise ValidationFailed("unknown ABC basis", {"basis": basis, "allowed": list(ABC_BASES)})
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise ValidationFailed(
            f"the window is 1 to {MAX_WINDOW_DAYS} days", {"window_days": window_days}
        )
    now = now or utcnow()
    with write_transaction():
        conn = db.session.connection()
        _require_warehouse(conn, warehouse_id)
        metrics = abc_metrics(conn, warehouse_id, basis, now - timedelta(days=window_days))
        by_item = dict(metrics.by_item)
        for (item_id,) in conn.execute(_ON_HAND_ITEMS, {"wh": warehouse_id}):
            by_item.setdefault(int(item_id), Decimal(0))
        shares = {c: p.cumulative_share for c, p in policies_for(conn, warehouse_id).items()}
        ranked = rank(by_item, shares)
        conn.execute(_IC.delete().where(_IC.c.warehouse_id == warehouse_id))
        if ranked:
            conn.execute(
                _IC.insert(),
                [
                    {
                        "item_id": r.item_id,
                        "warehouse_id": warehouse_id,
                        "abc_class": r.abc_class,
                        "basis": basis,
                        "metric": r.metric,
                        "rank": r.rank,
                        "computed_at": now,
                    }
                    for r in ranked
                ],
            )
    counts = {"A": 0, "B": 0, "C": 0}
    for r in ranked:
        counts[r.abc_class] += 1
    return ClassifyResult(warehouse_id, basis, window_days, now, counts, metrics.measure)


def generate_counts(
    warehouse_id: int, today: date | None = None, actor_id: int | None = None
) -> PlanResult:
    """Raise today's scheduled counts: one `abc` task per bin holding a due item."""
    today = today or utcnow().date()
    with write_transaction():
        conn = db.session.connection()
        _require_warehouse(conn, warehouse_id)
        bins_of: dict[int, list[int]] = {}
        for item_id, location_id in conn.execute(_HELD, {"wh": warehouse_id}):
            bins_of.setdefault(int(item_id), []).append(int(location_id))
        classes = classes_of(conn, warehouse_id, bins_of)
        last = {
            int(i): as_utc(at).date()
            for i, at in conn.execute(_LAST_COUNTED, {"wh": warehouse_id})
            if at is not None
        }
        policies = policies_for(conn, warehouse_id)
        plan = due_counts([(i, classes[i], last.get(i)) for i in sorted(bins_of)], policies, today)
        before = {int(t) for t in conn.scalars(_OPEN_TASK_IDS, {"wh": warehouse_id})}
        task_ids = [
            raise_count_task(
                warehouse_id=warehouse_id,
                location_id=loc,
                item_id=item_id,
                reason="abc",
                source_type="count_plan",
                source_id=today.isoformat(),
                actor_id=actor_id,
            )
            for item_id in plan
            for loc in bins_of[item_id]
        ]
    due = {"A": 0, "B": 0, "C": 0}
    for item_id in plan:
        due[classes[item_id]] += 1
    return PlanResult(len(set(task_ids) - before), _unique(task_ids), due)


def count_zone(
    warehouse_id: int,
    zone: str | None = None,
    locations: Sequence[str] | None = None,
    actor_id: int | None = None,
) -> PlanResult:
    """Raise a bin-level `adhoc` count of every storage / pick-face bin in the zone, or of
    the bins named; the zone or every named bin must be in the warehouse."""
    if not zone and not locations:
        raise ValidationFailed(
            "name a zone or the bins to count", {"fields": ["zone", "locations"]}
        )
    with write_transaction():
        conn = db.session.connection()
        _require_warehouse(conn, warehouse_id)
        bins = _bins_to_count(conn, warehouse_id, zone, locations or ())
        before = {int(t) for t in conn.scalars(_OPEN_TASK_IDS, {"wh": warehouse_id})}
        task_ids = [
            raise_count_task(
                warehouse_id=warehouse_id,
                location_id=loc,
                item_id=None,
                reason="adhoc",
                source_type="count_zone",
                source_id=zone.upper() if zone else None,
                actor_id=actor_id,
            )
            for loc in bins
        ]
    return PlanResult(len(set(task_ids) - before), _unique(task_ids), {})


def _bins_to_count(
    conn: Connection, warehouse_id: int, zone: str | None, codes: Iterable[str]
) -> list[int]:
    rows = conn.execute(_WAREHOUSE_LOCATIONS, {"wh": warehouse_id}).all()
    by_code = {str(r.code).upper(): r for r in rows}
    chosen: list[int] = []
    if zone:
        z = by_code.get(zone.strip().upper())
        if z is None or z.level != "zone":
            raise NotFound("no such zone in this warehouse", {"zone": zone})
        # Zones hold bins directly (a zone never sits under a zone: catalog rules).
        chosen += [int(r.id) for r in rows if r.parent_id == z.id and _countable(r)]
    for raw in codes:
        named = by_code.get(raw.strip().upper())
        if named is None:
            raise NotFound("no such location in this warehouse", {"location": raw})
        if not _countable(named):
            raise WrongLocation(
                "only storage and pick-face bins are counted",
                {"location": named.code, "type": named.type},
            )
        chosen.append(int(named.id))
    by_id = {int(r.id): str(r.code) for r in rows}
    return sorted(set(chosen), key=lambda i: by_id[i])


def _countable(row: object) -> bool:
    return getattr(row, "type", None) in COUNTABLE_TYPES and not getattr(row, "is_virtual", True)


def _require_warehouse(conn: Connection, warehouse_id: int) -> None:
    if conn.scalar(_WAREHOUSE, {"wh": warehouse_id}) is None:
        raise NotFound("no such warehouse", {"warehouse_id": warehouse_id})


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


# --- policies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyView:
    abc_class: str
    interval_days: int
    tolerance_units: int
    tolerance_value: Decimal
    cumulative_share: Decimal
    own: bool  # the warehouse's own row (False: the every-warehouse default)


@dataclass(frozen=True)
class PolicyChange:
    abc_class: str
    interval_days: int
    tolerance_units: int
    tolerance_value: Decimal
    cumulative_share: Decimal


def get_policies(warehouse_id: int | None = None) -> list[PolicyView]:
    """The policy of each class for a warehouse (None: the every-warehouse defaults)."""
    conn = db.session.connection()
    if warehouse_id is not None:
        _require_warehouse(conn, warehouse_id)
    return _views(conn, warehouse_id)


def set_policies(
    warehouse_id: int | None, changes: Sequence[PolicyChange], actor_id: int | None
) -> list[PolicyView]:
    """Write the classes given (a warehouse's own rows, or the defaults for None); the
    classes not given keep theirs. The shares that result must still rise A <= B <= C = 1."""
    from .abc_rules import ShareError, check_shares
    from .models import ABC_CLASSES, CountPolicy

    seen = [c.abc_class for c in changes]
    if not changes or len(seen) != len(set(seen)) or any(c not in ABC_CLASSES for c in seen):
        raise ValidationFailed("give each class A, B, C at most once", {"classes": seen})
    key = warehouse_id or 0
    cp = CountPolicy.__table__
    with write_transaction():
        conn = db.session.connection()
        if warehouse_id is not None:
            _require_warehouse(conn, warehouse_id)
        now = utcnow()
        current = policies_for(conn, key)
        for c in changes:
            values = {
                "interval_days": c.interval_days,
                "tolerance_units": c.tolerance_units,
                "tolerance_value": c.tolerance_value,
                "cumulative_share": c.cumulative_share,
                "updated_by": actor_id,
                "updated_at": now,
            }
            hit = conn.execute(
                cp.update()
                .where(cp.c.warehouse_key == key, cp.c.abc_class == c.abc_class)
                .values(**values)
            ).rowcount
            if not hit:
                conn.execute(cp.insert().values(warehouse_key=key, abc_class=c.abc_class, **values))
            current[c.abc_class] = Policy(
                c.abc_class,
                c.interval_days,
                c.tolerance_units,
                c.tolerance_value,
                c.cumulative_share,
            )
        try:  # refused inside the transaction: it rolls back, nothing is kept
            check_shares({k: p.cumulative_share for k, p in current.items()})
        except ShareError as exc:
            raise ValidationFailed(
                str(exc), {k: str(p.cumulative_share) for k, p in sorted(current.items())}
            ) from None
        views = _views(conn, warehouse_id)
    return views


def _views(conn: Connection, warehouse_id: int | None) -> list[PolicyView]:
    from .models import CountPolicy

    cp = CountPolicy.__table__
    key = warehouse_id or 0
    own = set(conn.scalars(select(cp.c.abc_class).where(cp.c.warehouse_key == key)))
    return [
        PolicyView(
            p.abc_class,
            p.interval_days,
            p.tolerance_units,
            p.tolerance_value,
            p.cumulative_share,
            own=p.abc_class in own,
        )
        for _, p in sorted(policies_for(conn, key).items())
    ]
