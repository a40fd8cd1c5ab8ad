"""Revenue inside a shipment's own transaction (a ledger in-transaction subscriber): a
posting that ships owned stock to the customer books, per order it ships for, ONE journal
entry: Dr channel_receivable (net + tax) / Cr revenue (net) / Cr tax_payable (tax), kind
"revenue", source "order" / the order id, posting_id the shipment's posting, no movement (the
COGS half is valuation's, one entry per movement: subscriber.py). A closed month refuses
the posting (PeriodClosed), as valuation does.

Which order line a shipped unit belongs to is shipping's own rule: the carton a ship line
leaves from names its order; the units the order shipped before (its shipped cartons,
returns/order_facts.shipped_items) and with this posting fill its lines
(shipping/rules.shipped_per_line) read with the lines as they stand before the shipment:
shipping confirms lines after it posts (shipping/confirm_service.py). What each line books
is revenue_rules.py. A ship line not out of a carton of an order, or of an order line with
no price, books no revenue.

Only ship postings are read (movement type "ship", from a container, owned place ->
CUSTOMER): any other posting costs nothing here. A reversal of a ship movement does not
reverse its revenue (shipping still counts the carton shipped): a customer credit does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..allocation.models import Order, OrderLine
from ..ledger.subscribers import Posted, subscribe
from ..packing.models import Carton
from ..returns.order_facts import shipped_items
from ..shipping.rules import LineState, shipped_per_line
from .adjust_service import DocLine, write_document_entry
from .money import quantum
from .period_rules import utc_date
from .revenue_rules import line_row, order_books
from .subscriber import sides_of

NAME = "finance.revenue"
SHIP = "ship"
KIND = "revenue"
SOURCE_TYPE = "order"  # the entry names its order; posting_id names the shipment
RECEIVABLE, REVENUE, TAX = "channel_receivable", "revenue", "tax_payable"

_K, _O, _OL = Carton.__table__, Order.__table__, OrderLine.__table__
_CARTONS = (
    select(_K.c.container_id, _K.c.order_id, _O.c.external_id)
    .join(_O, _O.c.id == _K.c.order_id)
    .where(_K.c.container_id.in_(bindparam("ids", expanding=True)))
)
_LINES = (
    select(_OL.c.id, _OL.c.order_id, _OL.c.line_no, _OL.c.item_id, _OL.c.quantity,
           _OL.c.consumed_qty, _OL.c.status, _OL.c.price, _OL.c.discount, _OL.c.tax,
           _OL.c.kit_quantity)
    .where(_OL.c.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(_OL.c.order_id, _OL.c.id)
)  # fmt: skip


def register(app: Flask) -> None:
    subscribe(app, NAME, on_posting)


def on_posting(conn: Connection, posted: Posted) -> None:
    """Book the revenue of what the posting ships (module docstring)."""
    if posted.movement_type != SHIP:
        return
    if all(ln.from_container_id is None for ln in posted.lines):
        return
    sides = sides_of(conn, posted.location_ids)
    out = [
        (box, ln)
        for ln in posted.lines
        if (box := ln.from_container_id) is not None
        and sides[ln.from_location_id].kind == "owned"
        and sides[ln.to_location_id].kind == "customer"
    ]
    if not out:
        return
    ids = sorted({box for box, _ in out})
    cartons = {int(c): (int(o), str(e)) for c, o, e in conn.execute(_CARTONS, {"ids": ids})}
    now: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    places: dict[int, set[int | None]] = defaultdict(set)
    for box, ln in out:
        found = cartons.get(box)
        if found is not None:
            now[found[0]][ln.item_id] += ln.quantity
            places[found[0]].add(sides[ln.from_location_id].place_id)
    if not now:
        return
    rows: dict[int, list[Any]] = defaultdict(list)
    for r in conn.execute(_LINES, {"ids": sorted(now)}):
        rows[int(r.order_id)].append(r)
    before = shipped_items(conn, sorted(now))
    q = quantum(str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR"))
    names = {o: e for o, e in cartons.values()}
    for order_id in sorted(now):
        lines = rows.get(order_id, [])
        if not any(r.price is not None for r in lines):
            continue
        was = before.get(order_id, {})
        booked = order_books(
            [line_row(r) for r in lines],
            _per_line(lines, was),
            _per_line(lines, _plus(was, now[order_id])),
            q,
        )
        place = next(iter(places[order_id])) if len(places[order_id]) == 1 else None
        write_document_entry(
            conn,
            kind=KIND,
            entry_date=utc_date(posted.occurred_at),
            source_type=SOURCE_TYPE,
            source_id=str(order_id),
            memo=f"order {order_id} {names[order_id]}",
            actor_id=posted.actor_id,
            posting_id=posted.posting_id,
            lines=[
                DocLine(RECEIVABLE, place, booked.receivable),
                DocLine(REVENUE, place, -booked.net),
                DocLine(TAX, place, -booked.tax),
            ],
        )


def _per_line(lines: list[Any], shipped: Mapping[int, int]) -> dict[int, int]:
    """Row id -> units shipped, by shipping's rule, with the lines as they stand."""
    states = [
        LineState(int(r.id), int(r.item_id), int(r.quantity), str(r.status), int(r.consumed_qty))
        for r in lines
    ]
    return shipped_per_line(states, shipped)


def _plus(a: Mapping[int, int], b: Mapping[int, int]) -> dict[int, int]:
    return {i: a.get(i, 0) + b.get(i, 0) for i in set(a) | set(b)}
