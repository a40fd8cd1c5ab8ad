"""Ship confirm: the truck leaves with the shipment's cartons.

One transaction (the `shipping.confirm` command, so a replay answers the first confirm and
posts nothing):
1. the shipment row is held and must be open (confirmed already: answered as it is);
2. its cartons are held and must be closed; what each holds is read from the ledger; the
   orders' rows are held, and a cancelled order's carton is refused (order_cancelled);
3. per order, the units shipped before and on this shipment fill its lines (rules.py); a
   channel that ships orders whole refuses an order this does not complete, naming what is
   missing;
4. one posting, movement type "ship": every carton's stock (its location, the carton) ->
   CUSTOMER, through the one writer; the carton containers stand at CUSTOMER;
5. cartons `shipped`, each with its part of the carrier's quote (carton_costs.py; NULL:
   unknown); lines whose every unit shipped `shipped`, with the order's status and
   history (allocation's restate, which also tells a hooked channel the new status);
6. each order's channel gets an "order.shipped" outbox message: lines shipped, cartons with
   SSCC, carrier, service, tracking numbers and URLs;
7. an order now shipped whole frees its tote (wave_orders.open false);
8. the shipment is confirmed; the board hears "to_ship" after commit.

Available-to-sell does not move here: it fell when the order reserved the stock, and stayed
down through the pick (sellable on hand and reserved fell together) and the pack (stock at a
pack station is not sellable); shipping moves unsellable stock to the customer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from ..allocation.ats_feed import queue_webhook
from ..allocation.channel_loader import ChannelInfo, load_channels
from ..allocation.engine import OrderRow, load_orders
from ..allocation.models import Order
from ..allocation.order_history import Actor
from ..allocation.reserve import restate
from ..catalog.containers_service import follow_stock
from ..catalog.models import Item, Location
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..extensions import db
from ..floor_events import announce_floor_change
from ..ledger.models import Balance, Movement
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..packing.models import Carton
from ..picking.models import WaveOrder
from ..timeutil import utcnow
from . import queries
from .carriers import CarrierConfig, adapter_for
from .carton_costs import record_carton_costs
from .errors import (
    CartonNotClosed,
    EmptyCarton,
    EmptyShipment,
    OrderCancelled,
    PartialShipmentRefused,
)
from .models import Shipment
from .queries import CartonRow, ShipmentView, shipment_view
from .rules import LineState, Missing, lines_now_shipped, missing_units, shipped_per_line
from .shipments_service import QUEUE, _open_shipment_locked

TOPIC = "order.shipped"
SOURCE_TYPE = "shipment"
_B = Balance.__table__
_M = Movement.__table__
_K = Carton.__table__
_O = Order.__table__
_I = Item.__table__
_W = WaveOrder.__table__
_S = Shipment.__table__
_CONTENTS = (
    select(_B.c.container_id, _B.c.location_id, _B.c.item_id, _B.c.lot_id, _B.c.quantity)
    .where(_B.c.container_id.in_(bindparam("ids", expanding=True)), _B.c.quantity > 0)
    .order_by(_B.c.container_id, _B.c.item_id, _B.c.lot_id)
)
# Units the orders shipped on earlier shipments: their shipped cartons, then the ship
# movements out of them (found through the movements' source index).
_SHIPPED_CARTONS = select(_K.c.order_id, _K.c.container_id, _K.c.shipment_id).where(
    _K.c.order_id.in_(bindparam("orders", expanding=True)), _K.c.status == "shipped"
)
_SHIP_MOVEMENTS = select(_M.c.from_container_id, _M.c.item_id, _M.c.quantity).where(
    _M.c.source_type == SOURCE_TYPE,
    _M.c.source_id.in_(bindparam("sources", expanding=True)),
    _M.c.movement_type == "ship",
)
_LOCK_ORDERS = (
    select(_O.c.id).where(_O.c.id.in_(bindparam("ids", expanding=True))).with_for_update()
)
_SKUS = select(_I.c.id, _I.c.sku).where(_I.c.id.in_(bindparam("ids", expanding=True)))
_CUSTOMER = select(Location.__table__.c.id).where(Location.__table__.c.code == "CUSTOMER")
_SHIP_CARTONS = (
    update(_K)
    .where(_K.c.shipment_id == bindparam("b_shipment"), _K.c.status == "closed")
    .values(status="shipped")
)
_FREE_TOTES = (
    update(_W)
    .where(_W.c.order_id.in_(bindparam("ids", expanding=True)), _W.c.open.is_(True))
    .values(open=False)
)
_CONFIRM = (
    update(_S)
    .where(_S.c.id == bindparam("b_id"), _S.c.status == "open")
    .values(
        status="confirmed",
        confirmed_by=bindparam("b_actor"),
        confirmed_at=bindparam("b_now"),
    )
)


@dataclass(frozen=True)
class ConfirmShipment:
    shipment_id: int
    actor_id: int | None
    device_id: str | None


def confirm_shipment(
    shipment_id: int,
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> ShipmentView:
    """Ship every carton on the shipment to the customer (module docstring)."""
    req = ConfirmShipment(shipment_id, actor_id, device_id)
    return CONFIRM.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _contents(conn: Connection, cartons: list[CartonRow]) -> dict[int, list[Any]]:
    """Each carton's stock as the ledger holds it (location, item, lot, quantity)."""
    by_container: dict[int, list[Any]] = defaultdict(list)
    ids = sorted(c.container_id for c in cartons)
    for row in conn.execute(_CONTENTS, {"ids": ids}):
        by_container[row.container_id].append(row)
    return by_container


def _shipped_before(conn: Connection, order_ids: list[int]) -> dict[int, dict[int, int]]:
    """order -> item -> units shipped on earlier shipments."""
    cartons = conn.execute(_SHIPPED_CARTONS, {"orders": order_ids}).all()
    out: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if not cartons:
        return out
    order_of = {r.container_id: r.order_id for r in cartons}
    sources = sorted({str(r.shipment_id) for r in cartons if r.shipment_id is not None})
    for container_id, item_id, quantity in conn.execute(_SHIP_MOVEMENTS, {"sources": sources}):
        if container_id in order_of:
            out[order_of[container_id]][item_id] += int(quantity)
    return out


def _line_states(order: OrderRow) -> list[LineState]:
    return [LineState(ln.id, ln.item_id, ln.quantity, ln.status, ln.consumed) for ln in order.lines]


def _refuse_cancelled(orders: list[OrderRow], cartons: list[CartonRow]) -> None:
    """A cancelled order's cartons never ship (read under the orders' row locks)."""
    gone = {o.id: o.external_id for o in orders if o.status == "cancelled"}
    if gone:
        mine = [c for c in cartons if c.order_id in gone]
        raise OrderCancelled(
            f"order {next(iter(gone.values()))} is cancelled: take its cartons off this shipment",
            {
                "orders": [{"order_id": o, "external_id": e} for o, e in sorted(gone.items())],
                "cartons": [{"carton_id": c.id, "sscc": c.sscc} for c in mine],
            },
        )


def _refuse_incomplete(
    orders: list[OrderRow],
    channels: dict[int, ChannelInfo],
    total: dict[int, dict[int, int]],
    skus: dict[int, str],
) -> None:
    """A channel that ships orders whole: every live line fully shipped, or refused."""
    refused: list[dict[str, Any]] = []
    for o in orders:
        if channels[o.channel_id].rules.allow_partial_shipment:
            continue
        missing = missing_units(_line_states(o), total[o.id])
        if missing:
            refused.append(_missing_details(o, channels[o.channel_id].code, missing, skus))
    if refused:
        first = refused[0]
        raise PartialShipmentRefused(
            f"order {first['external_id']} ships whole (channel {first['channel']}): "
            f"{sum(m['quantity'] for m in first['missing'])} unit(s) are not on this shipment",
            {"orders": refused},
        )


def _missing_details(
    o: OrderRow, channel: str, missing: list[Missing], skus: dict[int, str]
) -> dict[str, Any]:
    return {
        "order_id": o.id,
        "external_id": o.external_id,
        "channel": channel,
        "missing": [
            {
                "order_line_id": m.order_line_id,
                "sku": skus.get(m.item_id, str(m.item_id)),
                "status": m.status,
                "quantity": m.quantity,
            }
            for m in missing
        ],
    }


def _post(req: ConfirmShipment, cartons: list[CartonRow], stock: dict[int, list[Any]]) -> int:
    customer = db.session.connection().execute(_CUSTOMER).scalar_one()
    lines = tuple(
        MovementLine(
            item_id=row.item_id,
            quantity=int(row.quantity),
            from_location_id=row.location_id,
            to_location_id=customer,
            lot_id=row.lot_id,
            from_container_id=c.container_id,
        )
        for c in cartons
        for row in stock[c.container_id]
    )
    result = post(
        PostingRequest(
            movement_type="ship",
            lines=lines,
            actor_id=req.actor_id,
            device_id=req.device_id,
            source_type=SOURCE_TYPE,
            source_id=str(req.shipment_id),
        )
    )
    for c in cartons:  # the carton stands where its stock now is
        follow_stock(c.container_id, customer)
    return result.posting_id


def _confirm(req: ConfirmShipment) -> dict[str, Any]:
    s = queries.shipment_row(req.shipment_id, lock=True)
    if s.status == "confirmed":  # confirmed before, under another key or none
        return {"shipment_id": int(s.id), "posting_id": None, "orders_shipped": []}
    s = _open_shipment_locked(req.shipment_id)
    conn = db.session.connection()
    cartons = queries.cartons_of(conn, int(s.id), lock=True)
    if not cartons:
        raise EmptyShipment("no carton is on this shipment", {"shipment_id": int(s.id)})
    stock = _contents(conn, cartons)
    for c in cartons:
        if c.status != "closed":
            raise CartonNotClosed(
                f"carton {c.sscc} is {c.status}", {"carton_id": c.id, "sscc": c.sscc}
            )
        if not stock[c.container_id]:
            raise EmptyCarton(f"carton {c.sscc} holds nothing", {"carton_id": c.id})
    order_ids = sorted({c.order_id for c in cartons})
    conn.execute(_LOCK_ORDERS, {"ids": order_ids}).all()
    orders = load_orders(conn, order_ids)
    _refuse_cancelled(orders, cartons)
    channels = load_channels(conn, {o.channel_id for o in orders})
    now_by_order: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for c in cartons:
        for row in stock[c.container_id]:
            now_by_order[c.order_id][row.item_id] += int(row.quantity)
    before = _shipped_before(conn, order_ids)
    total = {
        o.id: {
            i: before[o.id].get(i, 0) + now_by_order[o.id].get(i, 0)
            for i in set(before[o.id]) | set(now_by_order[o.id])
        }
        for o in orders
    }
    item_ids = {ln.item_id for o in orders for ln in o.lines}
    skus = {r.id: r.sku for r in conn.execute(_SKUS, {"ids": sorted(item_ids)})}
    _refuse_incomplete(orders, channels, total, skus)

    posting_id = _post(req, cartons, stock)  # the writer first (docs/decisions/0009)
    now = utcnow()
    conn.execute(_SHIP_CARTONS, {"b_shipment": s.id})
    shipped_lines = _ship_lines(conn, orders, total, req.actor_id, now)
    whole = [o.id for o in orders if o.status == "shipped"]
    if whole:
        conn.execute(_FREE_TOTES, {"ids": whole})
    config = queries.carrier_config(s.carrier_id)
    record_carton_costs(conn, config, s.service, cartons)
    for o in orders:
        if channels[o.channel_id].webhook:  # a channel without a webhook reads the order
            _tell_channel(conn, o, s, config, cartons, stock, before[o.id], total[o.id], skus, now)
    conn.execute(_CONFIRM, {"b_id": s.id, "b_actor": req.actor_id, "b_now": now})
    announce_floor_change(int(s.warehouse_id), QUEUE)
    return {
        "shipment_id": int(s.id),
        "posting_id": posting_id,
        "orders_shipped": whole,
        "lines_shipped": shipped_lines,
    }


def _ship_lines(
    conn: Connection,
    orders: list[OrderRow],
    total: dict[int, dict[int, int]],
    actor_id: int | None,
    now: Any,
) -> list[int]:
    """Lines whose every unit has shipped become `shipped` (orders follow, with history)."""
    changed: dict[int, tuple[int, int, int, str]] = {}
    for o in orders:
        done = set(lines_now_shipped(_line_states(o), total[o.id]))
        for ln in o.lines:
            if ln.id in done:
                changed[ln.id] = (ln.quantity, ln.reserved, ln.consumed, "shipped")
    touched = [o for o in orders if any(ln.id in changed for ln in o.lines)]
    if touched:
        restate(conn, touched, changed, Actor.user(actor_id), now, "shipped")
    return sorted(changed)


def _tell_channel(
    conn: Connection,
    o: OrderRow,
    s: Any,
    config: CarrierConfig,
    cartons: list[CartonRow],
    stock: dict[int, list[Any]],
    before: dict[int, int],
    total: dict[int, int],
    skus: dict[int, str],
    now: Any,
) -> None:
    """The "order.shipped" message for the order's channel, in this transaction's outbox."""
    states = _line_states(o)
    was = shipped_per_line(states, before)
    now_per_line = shipped_per_line(states, total)
    adapter = adapter_for(config)
    mine = [c for c in cartons if c.order_id == o.id]
    payload = {
        "order_id": o.id,
        "external_id": o.external_id,
        "status": o.status,
        "shipment_id": int(s.id),
        "carrier": {"code": config.code, "name": config.name},
        "service": s.service,
        "shipped_at": now.isoformat(),
        "complete": o.status == "shipped",
        "lines": [
            {
                "order_line_id": ln.id,
                "line_no": ln.line_no,
                "sku": skus.get(ln.item_id),
                "quantity": now_per_line.get(ln.id, 0) - was.get(ln.id, 0),
                "status": ln.status,
            }
            for ln in o.lines
            if now_per_line.get(ln.id, 0) > was.get(ln.id, 0)
        ],
        "cartons": [
            {
                "sscc": c.sscc,
                "weight_g": c.weight_g,
                "tracking_number": c.tracking_number,
                "tracking_url": (
                    adapter.tracking_url(c.tracking_number) if c.tracking_number else None
                ),
                "items": [
                    {"sku": skus.get(r.item_id), "quantity": int(r.quantity)}
                    for r in stock[c.container_id]
                ],
            }
            for c in mine
        ],
    }
    queue_webhook(conn, o.channel_id, TOPIC, payload, now)


def _present(req: ConfirmShipment, answer: dict[str, Any], replayed: bool) -> ShipmentView:
    return shipment_view(int(answer["shipment_id"]), replayed=replayed)


def _fingerprint(req: ConfirmShipment) -> str:
    return fingerprint_of({"shipment_id": req.shipment_id})


CONFIRM: Command[ConfirmShipment, ShipmentView] = Command(
    name="shipping.confirm", execute=_confirm, present=_present, fingerprint=_fingerprint
)
