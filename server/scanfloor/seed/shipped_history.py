"""The demo's shipped month, written inside the demo seed's one transaction: the orders of
shipped_plan.py captured with the day they were placed, then worked as the floor would,
each step through the service a person uses: `super` releases them as one cluster wave,
`worker1` claims its tasks and scans every pick into a tote, `worker2` packs each order's
tote into a carton, and `super` confirms one shipment per carrier service. So the ship
confirm books revenue and VAT (finance/revenue_subscriber.py), valuation books COGS, and
each carton keeps its carrier's flat rate (shipping/carton_costs.py): the margin report
has lines with every figure from the first click.

The wave takes only these orders: they were due days ago, and it is cut off before today's
orders (seed/outbound.py) fall due, which wait allocated for the user's first wave. SSCCs
need a GS1 company prefix: without one configured the demo uses the one `make demo` sets.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from ..allocation.models import Channel, Order, OrderLine
from ..allocation.orders_service import LineInput, OrderInput, capture_order
from ..auth.models import User
from ..catalog.codes import normalise_sku
from ..catalog.models import Barcode, Item, Location, PackLevel
from ..errors import NotConfigured
from ..extensions import db
from ..labels.sscc_service import PREFIX_SETTING, sscc_settings
from ..ledger.models import Balance
from ..packing.models import Carton
from ..packing.service import close_carton, open_carton, pack_item
from ..picking.pick_service import PickScan, confirm_pick
from ..picking.task_service import claim_next_task
from ..picking.views import TaskLine
from ..picking.wave_rules import WaveRules
from ..picking.wave_service import release_wave
from ..purchasing.models import PurchaseOrderLine
from ..purchasing.terms_models import ReorderPolicy, SupplierItem
from ..replenishment.models import PickFace
from ..shipping.confirm_service import confirm_shipment
from ..shipping.models import Shipment
from ..shipping.shipments_service import add_carton, open_shipment
from ..timeutil import utcnow
from .catalog_plan import ItemSpec
from .layout import WAREHOUSE
from .outbound_plan import (
    CARRIER,
    FIRST_ORDER_ITEM,
    MIN_ITEM_STOCK,
    SHELF_TYPES,
    line_tax,
    list_price,
    tote_codes,
)
from .shipped_plan import SERVICES, carton_for, plan_shipped_orders

SHIPPED_SEED = 13  # its own random stream: the other plans stay as they were
DEMO_GS1_PREFIX = "9501101"  # the Makefile's demo prefix (GS1's own, for demonstrations)
# The wave's cutoff: the month's orders were due a day ago or more, today's are due at the
# earliest 12 hours ago (placed up to 36 hours back, WEB ships within 24).
CUTOFF = timedelta(hours=18)
# The first barcode of an order line's item's each pack: what the packer scans.
_EACH = (
    select(func.min(Barcode.code))
    .join(PackLevel, PackLevel.id == Barcode.pack_id)
    .where(PackLevel.item_id == OrderLine.item_id, PackLevel.level == "each")
    .scalar_subquery()
)


def seed_shipped_history(locations: dict[str, int], catalog: list[ItemSpec]) -> list[int]:
    """Capture the month's orders, wave, pick, pack and ship them (module docstring);
    returns their order ids (none when no item qualifies)."""
    users = dict(db.session.execute(select(User.username, User.id)).all())
    boss, picker, packer = users.get("super"), users.get("worker1"), users.get("worker2")
    if boss is None or picker is None or packer is None:
        return []  # the floor staff's logins were taken by others: nobody to do the work
    _gs1_prefix()
    warehouse = locations[WAREHOUSE]
    now = utcnow()
    plans = plan_shipped_orders(random.Random(SHIPPED_SEED), _shelf(catalog, warehouse), now)
    price = {normalise_sku(spec.sku): list_price(spec.unit_cost) for spec in catalog}
    order_ids = []
    for plan in plans:
        lines = [
            LineInput(
                quantity=ln.quantity,
                sku=ln.sku,
                price=price[normalise_sku(ln.sku)],
                tax=line_tax(price[normalise_sku(ln.sku)], ln.quantity),
            )
            for ln in plan.lines
        ]
        captured = capture_order(
            OrderInput(plan.channel, plan.external_id, lines, dict(plan.ship_to), plan.ordered_at)
        )
        order_ids.append(captured.order.id)
    if not order_ids:
        return []
    release_wave(warehouse, WaveRules(mode="cluster", ship_by_before=now - CUTOFF), actor_id=boss)
    _pick(warehouse, picker)
    cartons = {oid: _pack(oid, packer) for oid in order_ids}
    _ship(warehouse, cartons, boss)
    return order_ids


def _gs1_prefix() -> None:
    """Cartons are coded with SSCCs: use the demo's prefix when none is configured."""
    try:
        sscc_settings()
    except NotConfigured:
        current_app.config[PREFIX_SETTING] = DEMO_GS1_PREFIX


def busy_items() -> set[int]:
    """Items the demo's other work is built on: on an order or a PO, or with the purchasing
    demo's terms, policy or pick face (its history and suggestions stay as it planned)."""
    busy: set[int] = set()
    for column in (
        OrderLine.item_id,
        PurchaseOrderLine.item_id,
        SupplierItem.item_id,
        ReorderPolicy.item_id,
        PickFace.item_id,
    ):
        busy.update(db.session.scalars(select(column).distinct()))
    return busy


def _shelf(catalog: list[ItemSpec], warehouse: int) -> list[tuple[str, int]]:
    """(sku, loose units in WH1's sellable shelves) of the catalog's untracked items from
    FIRST_ORDER_ITEM on with MIN_ITEM_STOCK units or more there, none of them busy."""
    busy = busy_items()
    units = dict(
        db.session.execute(
            select(Item.sku, func.sum(Balance.quantity))
            .join(Balance, Balance.item_id == Item.id)
            .join(Location, Location.id == Balance.location_id)
            .where(
                Item.tracking == "none",
                Item.id.not_in(busy),
                Location.warehouse_id == warehouse,
                Location.type.in_(SHELF_TYPES),
                Location.sellable.is_(True),
                Balance.container_id.is_(None),
            )
            .group_by(Item.sku)
        ).all()
    )
    shelf = [(normalise_sku(spec.sku), int(units.get(normalise_sku(spec.sku)) or 0))
             for spec in catalog[FIRST_ORDER_ITEM:]]  # fmt: skip
    return [(sku, n) for sku, n in shelf if n >= MIN_ITEM_STOCK]


def _each(line: TaskLine) -> str:
    """The barcode a picker scans for one unit of the line's item."""
    return next(p.barcodes[0] for p in line.item.packs if p.level == "each" and p.barcodes)


def _pick(warehouse: int, picker: int) -> None:
    """Claim each task of the wave and pick every line into its order's tote: the totes
    from the last down (the first ones are the ones a new user reaches for)."""
    free = list(tote_codes())
    tote_of: dict[int, str] = {}
    while (task := claim_next_task(warehouse, actor_id=picker)) is not None:
        open_lines = [ln for ln in task.lines if ln.status == "open"]
        if not open_lines:
            break  # a task with nothing to pick would be claimed again and again
        for line in open_lines:
            tote = tote_of.setdefault(line.order.id, free.pop())
            scan = PickScan(
                task_id=task.id,
                line_id=line.id,
                bin=line.bin.barcode or line.bin.code,
                item=_each(line),
                quantity=line.quantity - line.picked - line.short,
                tote=tote,
            )
            confirm_pick(scan, actor_id=picker)


def _pack(order_id: int, packer: int) -> str:
    """Pack everything picked for the order into one carton and close it; its SSCC."""
    lines = db.session.execute(
        select(_EACH, OrderLine.quantity)
        .where(OrderLine.order_id == order_id)
        .order_by(OrderLine.line_no)
    ).all()
    carton = open_carton(order_id, actor_id=packer)
    for code, quantity in lines:
        pack_item(carton.id, code, int(quantity), actor_id=packer)
    box, grams = carton_for(sum(int(quantity) for _, quantity in lines))
    return close_carton(carton.id, box, grams, actor_id=packer).sscc


def _ship(warehouse: int, cartons: dict[int, str], actor: int) -> None:
    """One shipment per service of the demo carrier, confirmed with all its cartons."""
    channel_of = dict(
        db.session.execute(
            select(Order.id, Channel.code)
            .join(Channel, Channel.id == Order.channel_id)
            .where(Order.id.in_(list(cartons)))
        ).all()
    )
    by_service: dict[str, list[str]] = defaultdict(list)
    for order_id, sscc in cartons.items():
        by_service[SERVICES[channel_of[order_id]]].append(sscc)
    for service, ssccs in sorted(by_service.items()):
        shipment = open_shipment(warehouse, CARRIER.code, service, actor_id=actor)
        for sscc in ssccs:
            add_carton(shipment.id, sscc, actor_id=actor)
        confirm_shipment(shipment.id, actor_id=actor)


def shipped_summary() -> list[str]:
    """The seed summary's line on the shipped month (none when nothing shipped)."""
    shipped = db.session.scalars(
        select(Order.external_id)
        .where(Order.id.in_(select(Carton.order_id).where(Carton.status == "shipped")))
        .order_by(Order.id)
    )
    refs = list(shipped)
    if not refs:
        return []
    cartons = db.session.scalar(
        select(func.count()).select_from(Carton).where(Carton.status == "shipped")
    )
    shipments = db.session.scalar(
        select(func.count()).select_from(Shipment).where(Shipment.status == "confirmed")
    )
    rates = " / ".join(f"{service} {price}" for service, price in CARRIER.rates)
    return [
        f"Shipped: {len(refs)} orders placed over the last month ({refs[0]} ... {refs[-1]}), "
        f"waved, picked, packed into {cartons} cartons and shipped today on {shipments} "
        f"{CARRIER.code} shipments ({rates} a carton): revenue, COGS and shipping cost "
        "at /console/margin"
    ]
