"""The demo month's finished floor work, written inside the demo seed's one transaction
after the shipped month (shipped_history.py), each step through the service a person uses:

- a return of a shipped web order, as the channel sends it (`R-DEMO-0`): `worker1` receives
  one unit at the returns desk and inspects it sellable with a full credit, back into a
  shelf bin of its item. The credit books Dr returns / Cr channel receivable
  (finance/customer_credit.py) and the unit goes back to stock at its cost; the payout
  refunds it (finance_demo.py), so that refund is matched, not an exception;
- a count of one reserve bin that finds LOST units fewer than the ledger holds: `worker1`
  counts, the variance is beyond the class's tolerance so `worker2` recounts, and the
  manager approves it: the loss posts bin -> Inventory Loss and books Dr shrinkage /
  Cr inventory (the Trial balance's shrinkage line).

The bin is a storage bin outside the zone the open ad-hoc counts are in, holding one
untracked item that no other part of the demo (nor the browser tests, which take items from
the catalog's front: outbound_plan.FIRST_ORDER_ITEM) uses, so nothing else moves because of
it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..allocation.models import Channel, Order, OrderLine
from ..auth.models import User
from ..catalog.codes import normalise_sku
from ..catalog.models import Barcode, Item, Location, PackLevel
from ..counting.claim_service import assign_task
from ..counting.count_service import CountScan, record_count
from ..counting.decide_service import Decision, decide_count
from ..counting.finish_service import finish_count
from ..counting.models import OPEN_STATUSES, CountTask
from ..counting.plans_service import count_zone
from ..extensions import db
from ..ledger.models import Balance, Movement
from ..returns.capture_service import RmaInput, RmaLineInput, capture_return
from ..returns.inspect_service import Inspection, inspect_return
from ..returns.models import ReturnAuthorisation, ReturnLine
from ..returns.receive_service import ReturnScan, receive_return
from ..returns.rules import rma_number
from .catalog_plan import ItemSpec
from .layout import WAREHOUSE
from .outbound_plan import FIRST_ORDER_ITEM, SHELF_TYPES
from .returns_counts import COUNT_ZONE
from .shipped_history import busy_items

RETURN_REF, RETURN_REASON = "R-DEMO-0", "changed mind"
LOST = 3  # units the count finds missing: beyond class C's tolerance of 2
MIN_COUNTED = 10  # a bin holding fewer is not worth the demo's count
DECISION_REASON = "unexplained_loss"


@dataclass(frozen=True)
class _Staff:
    manager: int
    supervisor: int
    counter: int
    recounter: int


def seed_closed_work(
    locations: dict[str, int], catalog: list[ItemSpec], shipped: list[int]
) -> None:
    """The return of a shipped web order and the approved count loss (module docstring)."""
    users = dict(db.session.execute(select(User.username, User.id)).all())
    names = ("manager", "super", "worker1", "worker2")
    if any(users.get(n) is None for n in names):
        return  # a demo login was taken by someone else: nobody to do the work
    staff = _Staff(*(int(users[n]) for n in names))
    warehouse = locations[WAREHOUSE]
    web = _first_web_order(shipped)
    if web is not None:
        _return_one_unit(web, staff.counter)
    _count_a_loss(warehouse, staff, {normalise_sku(s.sku) for s in catalog[FIRST_ORDER_ITEM:]})


def _each_barcode(item_id: int) -> str:
    return str(
        db.session.scalar(
            select(func.min(Barcode.code))
            .join(PackLevel, PackLevel.id == Barcode.pack_id)
            .where(PackLevel.item_id == item_id, PackLevel.level == "each")
        )
    )


def _first_web_order(shipped: list[int]) -> int | None:
    return db.session.scalar(
        select(Order.id)
        .join(Channel, Channel.id == Order.channel_id)
        .where(Order.id.in_(shipped), Channel.code == "WEB")
        .order_by(Order.external_id)
        .limit(1)
    )


def _return_one_unit(order_id: int, worker: int) -> None:
    line_no, item_id = db.session.execute(
        select(OrderLine.line_no, OrderLine.item_id)
        .where(OrderLine.order_id == order_id)
        .order_by(OrderLine.line_no)
        .limit(1)
    ).one()
    rma = capture_return(
        RmaInput(
            channel="WEB",
            external_id=RETURN_REF,
            order_id=order_id,
            warehouse=WAREHOUSE,
            reason=RETURN_REASON,
            source="channel",
            lines=[RmaLineInput(quantity=1, line_no=int(line_no), reason=RETURN_REASON)],
        )
    ).rma
    barcode = _each_barcode(int(item_id))
    receive_return(ReturnScan(rma.id, barcode), actor_id=worker)
    line_id = db.session.scalar(select(ReturnLine.id).where(ReturnLine.rma_id == rma.id))
    shelf = db.session.scalar(
        select(Location.code)
        .join(Balance, Balance.location_id == Location.id)
        .where(
            Balance.item_id == item_id,
            Balance.quantity > 0,
            Balance.container_id.is_(None),
            Location.type.in_(SHELF_TYPES),
        )
        .order_by(Balance.quantity.desc(), Location.code)
        .limit(1)
    )
    inspect_return(
        Inspection(int(rma.id), int(line_id or 0), 1, "sellable", "full", location=shelf),
        actor_id=worker,
    )


def _loss_bin(warehouse: int, skus: set[str]) -> tuple[str, int, int] | None:
    """(code, item id, units) of the first storage bin (walk order) outside COUNT_ZONE with
    one untracked, idle item of `skus` of MIN_COUNTED units or more, loose, and no count in
    doubt."""
    zone = db.session.scalar(
        select(Location.id).where(Location.code == f"{WAREHOUSE}-{COUNT_ZONE}")
    )
    in_doubt = select(CountTask.location_id).where(CountTask.status.in_(OPEN_STATUSES))
    rows = db.session.execute(
        select(Location.code, Balance.item_id, Balance.quantity, Item.tracking, Item.sku)
        .join(Balance, Balance.location_id == Location.id)
        .join(Item, Item.id == Balance.item_id)
        .where(
            Location.warehouse_id == warehouse,
            Location.type == "storage",
            Location.parent_id != zone,
            Location.id.not_in(in_doubt),
            Balance.quantity > 0,
        )
        .order_by(Location.walk_sequence, Location.code)
    ).all()
    held: dict[str, list[tuple[int, int, bool]]] = {}
    for code, item_id, quantity, tracking, sku in rows:
        ours = tracking == "none" and sku in skus
        held.setdefault(code, []).append((int(item_id), int(quantity), ours))
    busy = busy_items()
    for code, stock in held.items():
        if len(stock) != 1:
            continue
        item_id, quantity, ours = stock[0]
        if ours and item_id not in busy and quantity >= MIN_COUNTED:
            return code, item_id, quantity
    return None


def _count_a_loss(warehouse: int, staff: _Staff, skus: set[str]) -> None:
    found = _loss_bin(warehouse, skus)
    if found is None:
        return
    code, item_id, quantity = found
    task = count_zone(warehouse, locations=[code], actor_id=staff.supervisor).task_ids[0]
    scan = CountScan(task, code, _each_barcode(item_id), quantity - LOST)
    for counter in (staff.counter, staff.recounter):
        assign_task(task, counter, actor_id=staff.supervisor)
        record_count(scan, actor_id=counter)
        if finish_count(task, actor_id=counter).outcome != "recount":
            break
    state = db.session.scalar(select(CountTask.status).where(CountTask.id == task))
    if state == "approval":
        decide_count(
            Decision(task, "approve", DECISION_REASON, note="recount confirmed the loss"),
            actor_id=staff.manager,
        )


def closed_work_summary() -> list[str]:
    """The seed summary's lines on the finished return and the approved count loss."""
    out = []
    returned = db.session.execute(
        select(ReturnAuthorisation.id, Order.external_id)
        .join(Order, Order.id == ReturnAuthorisation.order_id)
        .where(ReturnAuthorisation.external_id == RETURN_REF)
    ).first()
    if returned is not None:
        out.append(
            f"Returned: {rma_number(returned[0])} ({RETURN_REF}) of order {returned[1]}, "
            "received, inspected sellable and restocked with a full credit"
        )
    lost = db.session.execute(
        select(Location.code, Item.sku, func.sum(Movement.quantity))
        .join(Movement, Movement.from_location_id == Location.id)
        .join(Item, Item.id == Movement.item_id)
        .where(Movement.source_type == "count_task", Movement.reason_code == "count_loss")
        .group_by(Location.code, Item.sku)
        .order_by(Location.code)
    ).first()
    if lost is not None:
        out.append(
            f"Counted: {lost[0]} recounted and approved {int(lost[2])} x {lost[1]} short "
            "(a count loss: shrinkage in the journal)"
        )
    return out
