"""The demo's outbound half, written inside the demo seed's one transaction.

Everything goes through the services a person would use, so the demo rows pass the same
checks: totes through the container service (each with its barcode), carton types through
packing's, the carrier through shipping's, channels through allocation's, and the orders
through order capture, which allocates them as they land: the demo starts with
reservations against the seeded stock, ready for a wave. Only warehouse rights are plain
inserts (their service replaces a user's whole set; the seed only adds).
"""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import func, insert, select

from ..access.models import UserWarehouse
from ..allocation.channels_service import create_channel
from ..allocation.models import Channel, Order, OrderLine, Reservation
from ..allocation.orders_service import LineInput, OrderInput, capture_order
from ..auth.models import User
from ..catalog.containers_service import create_container
from ..catalog.models import Container
from ..extensions import db
from ..finance.fx_service import functional_currency
from ..packing.cartons_service import create_carton_type
from ..packing.models import CartonType
from ..shipping.carriers_service import create_carrier
from ..shipping.models import Carrier
from ..timeutil import utcnow
from .catalog_plan import ItemSpec
from .layout import PACK_STATIONS, WAREHOUSE, LocationSpec
from .outbound_plan import (
    CARRIER,
    CARTON_TYPES,
    CHANNELS,
    line_tax,
    list_price,
    plan_orders,
    tote_codes,
)
from .stock_plan import ReceiptLine

ORDER_SEED = 8  # its own random stream: the catalog and stock plans stay as they were
# Who works the floor of the demo warehouse: managers and admins see every warehouse.
FLOOR_USERS = ("super", "worker1", "worker2")


def seed_outbound(
    locations: dict[str, int],
    catalog: list[ItemSpec],
    stock: list[ReceiptLine],
    layout: list[LocationSpec],
) -> None:
    """Totes, carton types, the carrier, floor rights, channels and allocated orders."""
    for code in tote_codes():
        # Empty totes wait at the first pack station, where packed-out totes come back to.
        create_container(code=code, kind="tote", location_id=locations[PACK_STATIONS[0]])
    for box in CARTON_TYPES:
        create_carton_type(
            code=box.code,
            name=box.name,
            length_mm=box.length_mm,
            width_mm=box.width_mm,
            height_mm=box.height_mm,
            tare_g=box.tare_g,
            max_weight_g=box.max_weight_g,
        )
    create_carrier(
        code=CARRIER.code,
        name=CARRIER.name,
        adapter=CARRIER.adapter,
        services=CARRIER.services,
        tracking_prefix=CARRIER.tracking_prefix,
        tracking_next=CARRIER.tracking_first,
        tracking_last=CARRIER.tracking_last,
        tracking_url_template=CARRIER.tracking_url_template,
        settings={"rates": dict(CARRIER.rates), "currency": functional_currency()},
    )
    _grant_floor_rights(locations[WAREHOUSE])
    for ch in CHANNELS:
        create_channel(
            ch.code,
            [WAREHOUSE],
            kind=ch.kind,
            name=ch.name,
            priority=ch.priority,
            ship_within_hours=ch.ship_within_hours,
        )
    rng = random.Random(ORDER_SEED)
    price = {spec.sku: list_price(spec.unit_cost) for spec in catalog}
    for plan in plan_orders(rng, catalog, stock, layout, utcnow()):
        capture_order(
            OrderInput(
                channel=plan.channel,
                external_id=plan.external_id,
                lines=[
                    LineInput(
                        quantity=ln.quantity,
                        sku=ln.sku,
                        price=price[ln.sku],
                        tax=line_tax(price[ln.sku], ln.quantity),
                    )
                    for ln in plan.lines
                ],
                ship_to=dict(plan.ship_to),
                ordered_at=plan.ordered_at,
            )
        )


def _grant_floor_rights(warehouse_id: int) -> None:
    users = db.session.scalars(select(User.id).where(User.username.in_(FLOOR_USERS))).all()
    have = set(
        db.session.scalars(
            select(UserWarehouse.user_id).where(UserWarehouse.warehouse_id == warehouse_id)
        )
    )
    rows = [{"user_id": uid, "warehouse_id": warehouse_id} for uid in users if uid not in have]
    if rows:
        db.session.execute(insert(UserWarehouse), rows)


def outbound_summary() -> list[str]:
    """Lines for the seed's summary: what waits to be waved, and the outbound set-up."""
    count = db.session.scalar
    lines_by_status = Counter(
        dict(
            db.session.execute(
                select(OrderLine.status, func.count()).group_by(OrderLine.status)
            ).all()
        )
    )
    orders = count(select(func.count()).select_from(Order)) or 0
    reserved = (
        count(
            select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
                Reservation.status == "active"
            )
        )
        or 0
    )
    totes = count(select(func.count()).select_from(Container).where(Container.kind == "tote"))
    channels = ", ".join(db.session.scalars(select(Channel.code).order_by(Channel.code)))
    types = ", ".join(db.session.scalars(select(CartonType.code).order_by(CartonType.code)))
    carriers = ", ".join(db.session.scalars(select(Carrier.code).order_by(Carrier.code)))
    return [
        f"Orders: {orders} from channels {channels or '-'}; "
        f"{lines_by_status['allocated']} lines allocated ({int(reserved)} units reserved), "
        "ready for a wave",
        f"Outbound: {totes or 0} totes (TOTE-001...), carton types {types or '-'}, "
        f"carriers {carriers or '-'}",
    ]
