"""The demo's returns and counting work, written inside the demo seed's one transaction.

Through the services a person would use: two RMAs captured by returns' capture (one from
the WEB channel with its own external id, one keyed in by the back office for a MARKET
order), an ABC classification of the warehouse by counting's plans service, and ad-hoc
counts of a few bins of one zone, as the console raises them, so the scanner's Returns,
Inspect and Count tiles have work at once.

The demo orders are allocated, not shipped, so an RMA may expect at most what was ordered
(capture checks it). The orders are chosen from the database, not by number: the first
order of the channel whose lines are all untracked items (a lot-tracked unit would ask the
demo user for a lot). Nothing has shipped yet either, so the ABC run ranks every item C
until picks and shipments give it a velocity; the run still shows the classes page filled.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..allocation.models import Channel, Order, OrderLine
from ..auth.models import User
from ..catalog.models import Barcode, Item, Location, PackLevel
from ..counting.models import CountTask, ItemClass
from ..counting.plans_service import classify_warehouse, count_zone
from ..extensions import db
from ..ledger.models import Balance
from ..returns.capture_service import RmaInput, RmaLineInput, capture_return
from ..returns.models import ReturnAuthorisation, ReturnLine
from ..returns.rules import rma_number
from .layout import WAREHOUSE

COUNT_ZONE = "C"  # storage zone whose bins get ad-hoc counts
COUNT_BINS = 4  # how many: the reserve bins of that zone holding the fewest items


@dataclass(frozen=True)
class DemoReturn:
    channel: str
    external_id: str | None
    source: str
    reason: str
    lines: int  # how many of the order's lines come back


DEMO_RETURNS = (
    DemoReturn("WEB", "R-DEMO-1", "channel", "wrong size", lines=2),
    DemoReturn("MARKET", None, "back_office", "damaged in transit", lines=1),
)


def seed_returns_counts(locations: dict[str, int]) -> None:
    """The demo RMAs, the warehouse's ABC classes and the ad-hoc counts (see module)."""
    users = dict(db.session.execute(select(User.username, User.id)).all())
    manager, supervisor = users.get("manager"), users.get("super")
    warehouse_id = locations[WAREHOUSE]
    for plan in DEMO_RETURNS:
        order = _returnable_order(plan.channel, plan.lines)
        if order is None:
            continue
        lines = _order_lines(order)[: plan.lines]
        # The first line comes back whole (several units where the order has them: enough
        # to inspect into two dispositions), any other with one unit.
        capture_return(
            RmaInput(
                channel=plan.channel,
                external_id=plan.external_id,
                order_id=order,
                warehouse=WAREHOUSE,
                reason=plan.reason,
                source=plan.source,
                lines=[
                    RmaLineInput(quantity=qty if n == 0 else 1, line_no=line_no, reason=plan.reason)
                    for n, (line_no, qty) in enumerate(lines)
                ],
            ),
            actor_id=manager,
        )
    classify_warehouse(warehouse_id, actor_id=manager)
    bins = _bins_to_count(warehouse_id)
    if bins:
        count_zone(warehouse_id, locations=bins, actor_id=supervisor)


def _returnable_order(channel: str, lines: int) -> int | None:
    """The channel's first order (by external id) of untracked items with `lines` lines or
    more, preferring one whose first line has several units."""
    lot_lines = (
        select(func.count())
        .select_from(OrderLine)
        .join(Item, Item.id == OrderLine.item_id)
        .where(OrderLine.order_id == Order.id, Item.tracking != "none")
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Order.id)
        .join(Channel, Channel.id == Order.channel_id)
        .where(Channel.code == channel, lot_lines == 0)
        .order_by(Order.external_id)
    ).scalars()
    fallback = None
    for order_id in rows:
        mine = _order_lines(order_id)
        if len(mine) < lines:
            continue
        if mine[0][1] >= 2:
            return int(order_id)
        fallback = fallback or int(order_id)
    return fallback


def _order_lines(order_id: int) -> list[tuple[int, int]]:
    """(line_no, quantity) of an order's lines, most units first, then by line number."""
    rows = db.session.execute(
        select(OrderLine.line_no, OrderLine.quantity).where(OrderLine.order_id == order_id)
    ).all()
    return sorted(((int(n), int(q)) for n, q in rows), key=lambda r: (-r[1], r[0]))


def _bins_to_count(warehouse_id: int) -> list[str]:
    """The COUNT_BINS reserve bins of COUNT_ZONE holding the fewest items (at least one,
    none lot-tracked): a count the demo user can finish in a minute."""
    zone = db.session.scalar(
        select(Location.id).where(Location.code == f"{WAREHOUSE}-{COUNT_ZONE}")
    )
    items = func.count(func.distinct(Balance.item_id))
    rows = db.session.execute(
        select(Location.code)
        .join(Balance, Balance.location_id == Location.id)
        .where(
            Location.warehouse_id == warehouse_id,
            Location.parent_id == zone,
            Location.type == "storage",
            Balance.quantity > 0,
        )
        .group_by(Location.id, Location.code, Location.walk_sequence)
        .having(func.count(Balance.lot_id) == 0)  # no lot to key in on the demo's count
        .order_by(items, Location.walk_sequence)
        .limit(COUNT_BINS)
    ).scalars()
    return list(rows)


def returns_counts_summary() -> list[str]:
    """Lines for the seed's summary: the RMAs to receive (with what to scan), the classes
    and the counts waiting."""
    out = []
    rmas = db.session.execute(
        select(ReturnAuthorisation.id, ReturnAuthorisation.external_id, Order.external_id)
        .join(Order, Order.id == ReturnAuthorisation.order_id)
        .where(ReturnAuthorisation.arrived_at.is_(None))  # what waits to be received
        .order_by(ReturnAuthorisation.id)
        .limit(5)
    ).all()
    for rma_id, external_id, order_ref in rmas:
        scans = db.session.execute(
            select(Item.sku, ReturnLine.expected_qty, Barcode.code)
            .join(Item, Item.id == ReturnLine.item_id)
            .join(PackLevel, (PackLevel.item_id == Item.id) & (PackLevel.level == "each"))
            .join(Barcode, Barcode.pack_id == PackLevel.id)
            .where(ReturnLine.rma_id == rma_id)
            .order_by(ReturnLine.line_no)
        ).all()
        what = ", ".join(f"{q} x {sku} (scan {code})" for sku, q, code in scans)
        ref = f" ({external_id})" if external_id else ""
        out.append(f"Return {rma_number(rma_id)}{ref} for order {order_ref}: {what}")
    classes = dict(
        db.session.execute(
            select(ItemClass.abc_class, func.count()).group_by(ItemClass.abc_class)
        ).all()
    )
    tasks = db.session.execute(
        select(Location.code)
        .join(CountTask, CountTask.location_id == Location.id)
        .where(CountTask.status == "open", CountTask.reason == "adhoc")
        .order_by(Location.code)
    ).scalars()
    bins = list(tasks)
    out.append(
        f"Counts: ABC classes A {classes.get('A', 0)}, B {classes.get('B', 0)}, "
        f"C {classes.get('C', 0)}; {len(bins)} ad-hoc bin counts open"
        + (f" ({', '.join(bins)})" if bins else "")
    )
    return out
