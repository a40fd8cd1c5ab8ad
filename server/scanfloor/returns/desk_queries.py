"""Reads at the returns desk: what a scanned code names (an RMA, or an order to open an
unannounced return for), finding an order by its customer, and where the putaway rules
would restock a line's sellable units."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..putaway import queries as putaway_queries
from ..putaway.rules import LoadLine, NoBinAvailable, item_zone, suggest_bin_for_load
from .models import ReturnAuthorisation, ReturnLine
from .order_facts import MIN_SEARCH, for_return, order_facts, orders_by_code, search_orders
from .queries import rma_row, rma_view
from .rules import OPEN_STATUSES, parse_rma_number
from .views import Lookup, OrderForReturn, RestockBin, Suggestion

_R = ReturnAuthorisation.__table__
_RL = ReturnLine.__table__
_BY_EXTERNAL = (
    select(_R.c.id)
    .where(_R.c.external_id == bindparam("code"))
    .order_by(_R.c.status.notin_(OPEN_STATUSES), _R.c.id.desc())
)
_OPEN_OF_ORDERS = (
    select(_R.c.id, _R.c.order_id)
    .where(_R.c.order_id.in_(bindparam("ids", expanding=True)), _R.c.status.in_(OPEN_STATUSES))
    .order_by(_R.c.id.desc())
)


def lookup(code: str) -> Lookup:
    """An RMA number, an RMA's external id, or an order's external id or number: the RMA
    (an order's open one), else the order with no open RMA (NotFound: nothing at all)."""
    text = code.strip()
    conn = db.session.connection()
    number = parse_rma_number(text)
    if number is not None:
        found = conn.execute(select(_R.c.id).where(_R.c.id == number)).scalar()
        if found is not None:
            return Lookup(rma_view(int(found)), None)
    found = conn.execute(_BY_EXTERNAL.limit(1), {"code": text}).scalar()
    if found is not None:
        return Lookup(rma_view(int(found)), None)
    orders = orders_by_code(conn, text)
    if orders:
        open_rma = conn.execute(_OPEN_OF_ORDERS, {"ids": orders}).first()
        if open_rma is not None:
            return Lookup(rma_view(int(open_rma.id)), None)
        facts = order_facts(conn, orders[:1])
        return Lookup(None, for_return(facts[orders[0]], conn))
    raise NotFound("no return or order has this code", {"code": text})


def find_orders(q: str) -> list[OrderForReturn]:
    if len(q.strip()) < MIN_SEARCH:
        raise ValidationFailed(
            f"search with at least {MIN_SEARCH} characters", {"field": "q", "min": MIN_SEARCH}
        )
    return search_orders(q)


def restock_suggestion(rma_id: int, line_id: int) -> Suggestion | None:
    """The bin the putaway rules send the line's units to (same item and lot with room,
    else an empty bin in the item's zone, else anywhere); None when no bin fits."""
    rma = rma_row(rma_id)
    line = (
        db.session.connection()
        .execute(select(_RL).where(_RL.c.id == line_id, _RL.c.rma_id == rma_id))
        .first()
    )
    if line is None:
        raise NotFound("no such line on this return", {"return_line_id": line_id})
    wh, item_id = int(rma.warehouse_id), int(line.item_id)
    quantity = max(int(line.received_qty) - int(line.inspected_qty), 1)
    bins = putaway_queries.bin_candidates(wh, [item_id])
    zone = item_zone(item_id, bins, putaway_queries.attribute_zones(wh, [item_id]).get(item_id))
    try:
        found = suggest_bin_for_load([LoadLine(item_id, line.lot_id, quantity)], bins, zone)
    except NoBinAvailable:
        return None
    barcode = putaway_queries.location_barcodes([found.bin_id]).get(found.bin_id)
    return Suggestion(RestockBin(found.bin_id, found.code, barcode), found.rule)
