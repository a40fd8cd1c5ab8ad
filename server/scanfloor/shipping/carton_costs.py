"""The ship confirm records what each carton costs to carry (cost_rules.py has the policy):
the shipment's carrier quotes its service for the shipment's cartons, and each carton keeps
its part and currency, in the confirm's own transaction (a replayed confirm records nothing
again). Finance's margin report reads them (finance/margin_sql.py)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from ..packing.models import Carton
from .carriers import CarrierConfig, Parcel, adapter_for
from .cost_rules import split_quote
from .queries import CartonRow

_K = Carton.__table__
_SET_COST = (
    update(_K)
    .where(_K.c.id == bindparam("b_id"))
    .values(shipping_cost=bindparam("b_cost"), shipping_currency=bindparam("b_currency"))
)


def record_carton_costs(
    conn: Connection, config: CarrierConfig, service: str, cartons: list[CartonRow]
) -> None:
    """Each of the shipment's `cartons` gets its part of the carrier's quote (or NULL)."""
    if not cartons:
        return
    quote = adapter_for(config).rate(service, [Parcel(c.id, c.sscc, c.weight_g) for c in cartons])
    functional = str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR")
    costs = split_quote(quote, len(cartons), functional)
    conn.execute(
        _SET_COST,
        [
            {"b_id": c.id, "b_cost": k.cost, "b_currency": k.currency}
            for c, k in zip(cartons, costs, strict=True)
        ],
    )
