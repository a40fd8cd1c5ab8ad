"""What returns need to know of orders: their lines, what each line shipped (from the
ledger: the ship movements out of the order's shipped cartons, spread over its lines by
shipping's own rule), what a line may still be returned, and finding an order to return
from by its id, external id or customer. Batched: a page of orders is a fixed number of
statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.engine import Connection

from ..allocation.models import Channel, Order, OrderLine
from ..catalog.models import Item
from ..extensions import db
from ..ledger.models import Movement
from ..packing.models import Carton
from ..shipping.rules import LineState as ShipState
from ..shipping.rules import shipped_per_line
from ..timeutil import as_utc
from .models import ReturnAuthorisation, ReturnLine
from .queries import item_refs
from .rules import CANCELLED
from .views import OrderForReturn, OrderLineForReturn, Ref

T = TypeVar("T")

MAX_SEARCH = 20
MIN_SEARCH = 3

_O = Order.__table__
_OL = OrderLine.__table__
_CH = Channel.__table__
_I = Item.__table__
_K = Carton.__table__
_M = Movement.__table__
_R = ReturnAuthorisation.__table__
_RL = ReturnLine.__table__

_ORDERS = (
    select(_O.c.id, _O.c.external_id, _O.c.channel_id, _CH.c.code.label("channel_code"),
           _O.c.ship_to, _O.c.ordered_at, _O.c.status)
    .join(_CH, _CH.c.id == _O.c.channel_id)
    .where(_O.c.id.in_(bindparam("ids", expanding=True)))
)  # fmt: skip
_LINES = (
    select(_OL.c.id, _OL.c.order_id, _OL.c.line_no, _OL.c.item_id, _OL.c.quantity,
           _OL.c.consumed_qty, _OL.c.status, _OL.c.price, _OL.c.kit_item_id,
           _OL.c.kit_quantity, _I.c.sku, _I.c.name)
    .join(_I, _I.c.id == _OL.c.item_id)
    .where(_OL.c.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(_OL.c.order_id, _OL.c.line_no, _OL.c.id)
)  # fmt: skip
_SHIPPED_CARTONS = select(_K.c.order_id, _K.c.container_id, _K.c.shipment_id).where(
    _K.c.order_id.in_(bindparam("ids", expanding=True)), _K.c.status == "shipped"
)
_SHIP_MOVEMENTS = select(_M.c.from_container_id, _M.c.item_id, _M.c.quantity).where(
    _M.c.source_type == "shipment",
    _M.c.source_id.in_(bindparam("sources", expanding=True)),
    _M.c.movement_type == "ship",
)
# The ship movements of a return's order (its shipped cartons' stock to the customer).
_RETURN_SHIPS = (
    select(_M.c.id, _M.c.item_id)
    .join(_K, _K.c.container_id == _M.c.from_container_id)
    .where(
        _K.c.order_id == select(_R.c.order_id).where(_R.c.id == bindparam("rma")).scalar_subquery(),
        _K.c.status == "shipped",
        _M.c.movement_type == "ship",
        _M.c.item_id.in_(bindparam("items", expanding=True)),
    )
    .order_by(_M.c.id)
)
# Units other returns already claim of an order's lines (expected, or received if more).
_CLAIMED = (
    select(_RL.c.order_line_id, _RL.c.expected_qty, _RL.c.received_qty)
    .join(_R, _R.c.id == _RL.c.rma_id)
    .where(
        _R.c.order_id == bindparam("order"),
        _R.c.status != CANCELLED,
        _RL.c.order_line_id.is_not(None),
    )
)


@dataclass(frozen=True)
class OrderLineFacts:
    id: int
    line_no: int
    item_id: int
    sku: str
    name: str
    quantity: int
    shipped: int
    status: str
    price: Decimal | None
    kit: bool
    per_kit: int  # component units in one kit (1 for an ordinary line)


@dataclass(frozen=True)
class OrderFacts:
    id: int
    external_id: str
    channel_id: int
    channel_code: str
    ship_to: dict[str, Any]
    ordered_at: datetime
    status: str
    lines: list[OrderLineFacts]

    @property
    def shipped_any(self) -> bool:
        return any(ln.shipped for ln in self.lines)

    def returnable(self, line: OrderLineFacts) -> int:
        """What the customer can have of a line: what it shipped, or, if the order shipped
        nothing yet, what was ordered (a cancelled line: nothing)."""
        if self.shipped_any:
            return line.shipped
        return 0 if line.status == CANCELLED else line.quantity

    def customer(self, key: str) -> str | None:
        value = (self.ship_to or {}).get(key)
        return None if value is None else str(value)[:200]


def shipped_items(conn: Connection, order_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """order id -> item id -> units its shipped cartons took to the customer (the ship
    movements out of them; cartons of a shipment not yet confirmed do not count). Two
    statements (a chunk of ids at a time: PostgreSQL takes at most 65,535 parameters, a
    year's margin report asks for more orders); finance's revenue reads what an order
    shipped before a shipment with it."""
    ids = sorted(set(order_ids))
    cartons = [r for chunk in _chunks(ids) for r in conn.execute(_SHIPPED_CARTONS, {"ids": chunk})]
    if not cartons:
        return {}
    order_of = {r.container_id: r.order_id for r in cartons}
    sources = sorted({str(r.shipment_id) for r in cartons if r.shipment_id is not None})
    totals: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for chunk in _chunks(sources):
        for container_id, item_id, quantity in conn.execute(_SHIP_MOVEMENTS, {"sources": chunk}):
            if container_id in order_of:
                totals[int(order_of[container_id])][int(item_id)] += int(quantity)
    return {o: dict(items) for o, items in totals.items()}


CHUNK = 5000  # ids per statement: well under PostgreSQL's 65,535 parameters


def _chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _shipped(conn: Connection, lines_by_order: dict[int, list[Any]]) -> dict[int, int]:
    """order line id -> units shipped (shipping's rule over the ledger's ship movements)."""
    totals = shipped_items(conn, list(lines_by_order))
    if not totals:
        return {}
    out: dict[int, int] = {}
    for order_id, lines in lines_by_order.items():
        states = [
            ShipState(int(ln.id), int(ln.item_id), int(ln.quantity), ln.status,
                      int(ln.consumed_qty))
            for ln in lines
        ]  # fmt: skip
        out.update(shipped_per_line(states, totals.get(order_id, {})))
    return out


def order_facts(conn: Connection, order_ids: Sequence[int]) -> dict[int, OrderFacts]:
    """The orders with their lines and what each shipped (four statements in all)."""
    ids = sorted(set(order_ids))
    if not ids:
        return {}
    heads = conn.execute(_ORDERS, {"ids": ids}).all()
    by_order: dict[int, list[Any]] = defaultdict(list)
    for ln in conn.execute(_LINES, {"ids": ids}):
        by_order[int(ln.order_id)].append(ln)
    shipped = _shipped(conn, by_order)
    out = {}
    for h in heads:
        lines = [
            OrderLineFacts(
                id=int(ln.id),
                line_no=int(ln.line_no),
                item_id=int(ln.item_id),
                sku=str(ln.sku),
                name=str(ln.name),
                quantity=int(ln.quantity),
                shipped=shipped.get(int(ln.id), 0),
                status=str(ln.status),
                # A kit's price is the kit's: a component has no unit price of its own.
                price=None if ln.kit_item_id is not None else ln.price,
                kit=ln.kit_item_id is not None,
                per_kit=(
                    int(ln.quantity) // int(ln.kit_quantity)
                    if ln.kit_item_id is not None and ln.kit_quantity
                    else 1
                ),
            )
            for ln in by_order.get(int(h.id), [])
        ]
        out[int(h.id)] = OrderFacts(
            int(h.id), str(h.external_id), int(h.channel_id), str(h.channel_code),
            dict(h.ship_to or {}), as_utc(h.ordered_at), str(h.status), lines,
        )  # fmt: skip
    return out


def return_ship_movements(
    conn: Connection, rma_id: int, item_ids: Sequence[int]
) -> dict[int, list[int]]:
    """item id -> the ship movements (oldest first) that sent the return's order's units of
    it to the customer: what a restocked unit was issued at (finance values it so)."""
    out: dict[int, list[int]] = defaultdict(list)
    if item_ids:
        rows = conn.execute(_RETURN_SHIPS, {"rma": rma_id, "items": sorted(set(item_ids))})
        for movement_id, item_id in rows:
            out[int(item_id)].append(int(movement_id))
    return dict(out)


def claimed_by_returns(conn: Connection, order_id: int) -> dict[int, int]:
    """order line id -> units the order's (not cancelled) returns expect or received."""
    claimed: dict[int, int] = defaultdict(int)
    for line_id, expected, received in conn.execute(_CLAIMED, {"order": order_id}):
        claimed[int(line_id)] += max(int(expected), int(received))
    return claimed


def for_return(facts: OrderFacts, conn: Connection) -> OrderForReturn:
    items = item_refs(conn, {ln.item_id: (ln.sku, ln.name) for ln in facts.lines})
    return _for_return(facts, items)


def _for_return(facts: OrderFacts, items: dict[int, Any]) -> OrderForReturn:
    return OrderForReturn(
        id=facts.id,
        external_id=facts.external_id,
        channel=Ref(facts.channel_id, facts.channel_code),
        customer_name=facts.customer("name"),
        customer_email=facts.customer("email"),
        ordered_at=facts.ordered_at,
        lines=[
            OrderLineForReturn(ln.line_no, items[ln.item_id], ln.quantity, ln.shipped)
            for ln in facts.lines
        ],
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_orders(q: str) -> list[OrderForReturn]:
    """Orders whose customer name or e-mail (ship_to) or external id contains q, newest
    first, at most MAX_SEARCH (q: at least MIN_SEARCH characters, the caller checks)."""
    conn = db.session.connection()
    pattern = f"%{_escape_like(q.strip().lower())}%"
    found = conn.execute(
        select(_O.c.id)
        .where(
            or_(
                func.lower(_O.c.external_id).like(pattern, escape="\\"),
                func.lower(_O.c.ship_to["name"].as_string()).like(pattern, escape="\\"),
                func.lower(_O.c.ship_to["email"].as_string()).like(pattern, escape="\\"),
            )
        )
        .order_by(_O.c.ordered_at.desc(), _O.c.id.desc())
        .limit(MAX_SEARCH)
    ).scalars()
    ids = [int(i) for i in found]
    facts = order_facts(conn, ids)
    items = item_refs(
        conn, {ln.item_id: (ln.sku, ln.name) for f in facts.values() for ln in f.lines}
    )
    return [_for_return(facts[i], items) for i in ids if i in facts]


def orders_by_code(conn: Connection, code: str) -> list[int]:
    """Orders an external id (any channel) or a numeric id names, newest first."""
    text = code.strip()
    conditions = [_O.c.external_id == text]
    if text.isdigit() and len(text) <= 18:
        conditions.append(_O.c.id == int(text))
    rows = conn.execute(select(_O.c.id).where(or_(*conditions)).order_by(_O.c.id.desc()))
    return [int(r) for r in rows.scalars()]
