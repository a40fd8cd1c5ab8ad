"""The ABC metric from the ledger: one aggregate over the window's movements.

Velocity is the units that left the warehouse for a customer in the window: movements
whose to_location is CUSTOMER (the shipment), from a location of the warehouse. A
warehouse that shipped nothing in the window yet (shipping not in use, or a new site)
takes its picks instead (movement_type `pick` out of its bins): the same aggregate sums
both, and the warehouse as a whole uses shipments if it has any, so items are never
compared on two different measures. A reversed shipment still counts: the units were
handled. Value is velocity times the item's unit value (counting/values.py: the latest
costed receipt), read in a second statement.

Built for a ledger of millions of movements (< 2 s at 1M): the filter is on the
warehouse's locations (a small id set), the movement type / destination and the time, and
only the per-item sums leave the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.engine import Connection

from ..catalog.models import Location
from ..ledger.models import Movement

_MOV = Movement.__table__
_LOC = Location.__table__
_m = _MOV.alias("m")
_WAREHOUSE_LOCATIONS = select(_LOC.c.id).where(_LOC.c.warehouse_id == bindparam("wh"))
_TO_CUSTOMER = _m.c.to_location_id == bindparam("customer")
_PICK = _m.c.movement_type == "pick"
_COLUMNS = (
    _m.c.item_id,
    func.sum(case((_TO_CUSTOMER, _m.c.quantity), else_=0)).label("shipped"),
    func.sum(case((_PICK, _m.c.quantity), else_=0)).label("picked"),
)
_WHERE = (
    or_(_TO_CUSTOMER, _PICK),
    _m.c.occurred_at >= bindparam("since"),
    _m.c.from_location_id.in_(_WAREHOUSE_LOCATIONS.scalar_subquery()),
)
_VELOCITY = select(*_COLUMNS).where(*_WHERE).group_by(_m.c.item_id)
# Value: the latest costed receipt of each item, read from the receipts (a fraction of the
# ledger, by ix_movements_movement_type) ranked per item, rather than by walking each item's
# whole history back to its last receipt (an item never costed would walk all of it).
# Partitioned by `item_id + 0` on purpose: partitioned by the bare column, SQLite walks
# ix_movements_item_occurred over the WHOLE ledger to get the rows in partition order (2.8 s
# at 1M movements) instead of sorting the receipts (0.3 s). A statement of its own, joined
# to the moved items here in Python: joined in SQL, SQLite rescans the ranked receipts for
# every moved item (52 s at 1M movements; bench/bench_abc.py).
_r = _MOV.alias("r")
_ranked = (
    select(
        _r.c.item_id,
        _r.c.unit_cost,
        func.row_number()
        .over(partition_by=_r.c.item_id + 0, order_by=(_r.c.occurred_at.desc(), _r.c.id.desc()))
        .label("n"),
    )
    .where(_r.c.movement_type == "receipt", _r.c.unit_cost.is_not(None))
    .subquery("ranked")
)
_LATEST_COSTS = select(_ranked.c.item_id, _ranked.c.unit_cost).where(_ranked.c.n == 1)
_CUSTOMER = select(_LOC.c.id).where(_LOC.c.code == "CUSTOMER")


@dataclass(frozen=True)
class Metrics:
    by_item: dict[int, Decimal]
    measure: str  # "shipped" or "picked": what velocity was taken from


def abc_metrics(conn: Connection, warehouse_id: int, basis: str, since: datetime) -> Metrics:
    """item id -> metric (velocity in units, or value) for the items that moved."""
    customer = conn.execute(_CUSTOMER).scalar_one()
    rows = conn.execute(_VELOCITY, {"wh": warehouse_id, "customer": customer, "since": since}).all()
    costs: dict[int, Decimal] = {}
    if basis == "value" and rows:
        costs = {int(r.item_id): Decimal(r.unit_cost) for r in conn.execute(_LATEST_COSTS)}
    shipped_any = any(int(r.shipped or 0) > 0 for r in rows)
    measure = "shipped" if shipped_any else "picked"
    out: dict[int, Decimal] = {}
    for r in rows:
        units = Decimal(int((r.shipped if shipped_any else r.picked) or 0))
        if basis == "value":
            cost = costs.get(int(r.item_id))
            out[int(r.item_id)] = Decimal(0) if cost is None else units * cost
        else:
            out[int(r.item_id)] = units
    return Metrics(by_item=out, measure=measure)
