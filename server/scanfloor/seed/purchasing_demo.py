"""The demo's purchasing and replenishment, written inside the demo seed's one transaction.

Through the services a person would use: the suppliers (purchasing's suppliers service,
with their e-mail, PO endpoint, lead time and import legs), each one's terms per item
(terms_service: supplier SKU, cost, MOQ, case pack, cube and weight for the importer, one
preferred supplier per item), a reorder policy per item in WH1 (reorder_policy_service:
every policy at least once), one web order for an item out of stock (order capture
backorders it: the buy-to-order item's confirmed demand) and pick faces with a min and a
max (replenishment's faces service, which raises the task of a face already below its min
at once, so the scanner's Replenish tile has work). The months before today are written by
purchasing_history.py from the pure plan in purchasing_plan.py: POs sent, received late or
short, shipments and returns, so a suggestion run, the lead times and the supplier scores
have data from the first click.

Items are chosen from the seeded catalog by what each slot needs, not by SKU: untracked
items with a case pack whose only stock is the one pick face the stock plan gave them (so
the history's reserve bin, the storage bin above the face, is the reserve), on no order and
no PO; for the "demand from order lines" slot, an item on the demo orders; for the
buy-to-order slot, an item with no stock at all.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select

from ..allocation.models import Order, OrderLine
from ..allocation.orders_service import LineInput, OrderInput, capture_order
from ..auth.models import User
from ..catalog.models import Item, Location, PackLevel
from ..extensions import db
from ..ledger.models import Balance
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
from ..purchasing.reorder_policy_service import upsert_reorder_policy
from ..purchasing.suppliers_service import create_supplier
from ..purchasing.terms_models import ReorderPolicy, SupplierItem
from ..purchasing.terms_service import add_supplier_item
from ..replenishment.faces_service import upsert_pick_face
from ..replenishment.models import PickFace, ReplenishmentTask
from ..timeutil import utcnow
from .layout import RETURNS, WAREHOUSE
from .purchasing_history import Places, SlotItem, write_history
from .purchasing_plan import (
    BACKORDER,
    HISTORY_DAYS,
    HISTORY_ROLES,
    ORDERS,
    SLOTS,
    SUPPLIER,
    SUPPLIERS,
    SlotPlan,
    min_max_levels,
    plan_history,
)

HISTORY_SEED = 10  # its own random stream: the other plans stay as they were
BACKORDER_REF = "WEB-BO-1"  # the web order waiting for the buy-to-order item
BACKORDER_UNITS = 3
BACKORDER_SHIP_TO = {"name": "Robin Vale", "line1": "4 Mill Lane", "city": "York",
                     "postcode": "YO1 7HH", "country": "GB"}  # fmt: skip
CENT = Decimal("0.01")
SECOND_SOURCE_MARKUP = Decimal("1.08")  # another supplier of an item is dearer


def _endpoint_secret(po_endpoint: str | None) -> str | None:
    """A fresh key for a supplier with a PO endpoint, so the demo's PO messages go out
    signed as a real supplier's would. Random per seed, never a shared constant anyone could
    sign with; write-only like any supplier's (the summary never prints it)."""
    return secrets.token_urlsafe(32) if po_endpoint else None


@dataclass(frozen=True)
class _Candidate:
    item_id: int
    sku: str
    case: int | None
    cost: Decimal
    stock: tuple[tuple[int, str, str, int], ...]  # (location id, code, type, qty) in WH1


def seed_purchasing_demo(locations: dict[str, int]) -> None:
    """Suppliers, terms, policies, the history, the backorder and the pick faces (see the
    module); nothing when the demo suppliers are already there."""
    if db.session.scalar(select(Supplier.id).where(Supplier.code == SUPPLIERS[0].code)):
        return
    users = dict(db.session.execute(select(User.username, User.id)).all())
    manager, supervisor = users.get("manager"), users.get("super")
    warehouse = locations[WAREHOUSE]
    suppliers = {
        sup.code: create_supplier(
            code=sup.code,
            name=sup.name,
            email=sup.email,
            po_endpoint=sup.po_endpoint,
            po_endpoint_secret=_endpoint_secret(sup.po_endpoint),
            lead_time_days=sup.lead_time_days,
            production_days=sup.production_days,
            transit_days=sup.transit_days,
            customs_days=sup.customs_days,
            imports=sup.imports,
        ).id
        for sup in SUPPLIERS
    }
    items = _choose_items(warehouse, locations)
    _add_terms(items, suppliers)
    for slot, item in zip(SLOTS, items, strict=True):
        _set_policy(slot, item, manager)
    plan = plan_history(random.Random(HISTORY_SEED), SLOTS, [it.case for it in items])
    places = Places(
        warehouse=warehouse,
        vendor=locations["VENDOR"],
        customer=locations["CUSTOMER"],
        returns=locations[RETURNS],
        manager=manager,
        supervisor=supervisor,
        receiver=users.get("worker1"),
        suppliers=suppliers,
    )
    write_history(plan, items, places, utcnow().date())
    backordered = next(it for slot, it in zip(SLOTS, items, strict=True) if slot.role == BACKORDER)
    capture_order(
        OrderInput(
            channel="WEB",
            external_id=BACKORDER_REF,
            lines=[LineInput(quantity=BACKORDER_UNITS, sku=backordered.sku)],
            ship_to=dict(BACKORDER_SHIP_TO),
        )
    )
    if supervisor is not None:
        _add_pick_faces(items, supervisor)


# --- which items ---------------------------------------------------------------------------


def _choose_items(warehouse: int, locations: dict[str, int]) -> list[SlotItem]:
    candidates = _candidates(warehouse)
    ordered = set(db.session.scalars(select(OrderLine.item_id).distinct()))
    # The item whose demand comes from its order lines needs one ordered before today: a run
    # reads whole days before its own (demand_sql.window), and the demo's orders land from
    # 10 minutes to 36 hours back, so some may be today's, whatever the time of the seed.
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    ordered_before_today = set(
        db.session.scalars(
            select(OrderLine.item_id)
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.ordered_at < midnight)
            .distinct()
        )
    )
    on_po = set(db.session.scalars(select(PurchaseOrderLine.item_id).distinct()))
    taken: set[int] = set()
    chosen = []
    for slot in SLOTS:
        if slot.role == ORDERS:
            pool = [c for c in candidates if c.item_id in ordered_before_today and c.stock]
        elif slot.role == BACKORDER:
            pool = [c for c in candidates if not c.stock and c.item_id not in ordered]
        else:
            pool = [
                c
                for c in candidates
                if c.item_id not in ordered
                and len(c.stock) == 1
                and c.stock[0][2] == "pick_face"
                and c.case is not None
            ]
        pool = [c for c in pool if c.item_id not in on_po and c.item_id not in taken]
        fits = [c for c in pool if slot.category is None or c.sku.startswith(slot.category)]
        pick = (fits or pool)[0]
        taken.add(pick.item_id)
        chosen.append(_slot_item(slot, pick, locations))
    return chosen


def _candidates(warehouse: int) -> list[_Candidate]:
    """Untracked active items (by id) with their case pack, cost and stock in the warehouse."""
    case = (
        select(PackLevel.quantity)
        .where(PackLevel.item_id == Item.id, PackLevel.level == "case")
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Item.id, Item.sku, Item.attributes, case)
        .where(Item.tracking == "none", Item.active.is_(True))
        .order_by(Item.id)
    ).all()
    stock: dict[int, list[tuple[int, str, str, int]]] = {}
    for item_id, loc_id, code, kind, qty in db.session.execute(
        select(Balance.item_id, Location.id, Location.code, Location.type, Balance.quantity)
        .join(Location, Location.id == Balance.location_id)
        .where(Location.warehouse_id == warehouse, Balance.quantity > 0)
        .order_by(Balance.item_id, Location.code)
    ):
        stock.setdefault(item_id, []).append((loc_id, code, kind, int(qty)))
    return [
        _Candidate(
            item_id=item_id,
            sku=sku,
            case=int(case_qty) if case_qty else None,
            cost=Decimal(str((attrs or {}).get("standard_cost", "1.00"))),
            stock=tuple(stock.get(item_id, ())),
        )
        for item_id, sku, attrs, case_qty in rows
    ]


def _slot_item(slot: SlotPlan, c: _Candidate, locations: dict[str, int]) -> SlotItem:
    face = next((s for s in c.stock if s[2] == "pick_face"), None)
    reserve = None
    if slot.role in HISTORY_ROLES and face is not None:
        # The reserve bin above the face (level B of the same bay) holds the history's stock.
        reserve = locations[face[1][:-1] + "B"]
    sup = SUPPLIER.get(slot.supplier or "")
    factor = sup.cost_factor if sup else Decimal("1")
    return SlotItem(
        item_id=c.item_id,
        sku=c.sku,
        case=c.case or 1,
        unit_cost=(c.cost * factor).quantize(CENT, rounding=ROUND_HALF_UP),
        face_bin=face[0] if face else None,
        face_code=face[1] if face else None,
        face_qty=face[3] if face else 0,
        reserve_bin=reserve,
        supplier_sku=f"{sup.code[:3]}-{c.sku.replace('-', '')}" if sup else None,
    )


# --- terms, policies, faces ----------------------------------------------------------------


def _add_terms(items: Sequence[SlotItem], suppliers: dict[str, int]) -> None:
    for slot, item in zip(SLOTS, items, strict=True):
        if slot.supplier is not None:
            # Bought to order: the supplier ships single units, so an order is what waits.
            each = slot.role == BACKORDER
            _add_term(slot.supplier, item, suppliers, item.unit_cost, preferred=True, each=each)
        if slot.second is not None:
            # The second source's price against the standard cost, marked up.
            cost = item.unit_cost / SUPPLIER[slot.supplier or slot.second].cost_factor
            cost = (cost * SECOND_SOURCE_MARKUP).quantize(CENT, rounding=ROUND_HALF_UP)
            _add_term(slot.second, item, suppliers, cost, preferred=False)


def _add_term(
    code: str,
    item: SlotItem,
    suppliers: dict[str, int],
    cost: Decimal,
    *,
    preferred: bool,
    each: bool = False,
) -> None:
    sup = SUPPLIER[code]
    case = 1 if each else item.case
    terms: dict[str, Any] = {
        "supplier_sku": f"{code[:3]}-{item.sku.replace('-', '')}",
        "unit_cost": str(cost),
        "moq": case * sup.moq_cases,
        "case_pack": case,
        "purchase_unit": "case" if case > 1 else "each",
        "units_per_purchase_unit": case,
    }
    if sup.imports:
        # A carton's outer size and weight grow with what it holds: container planning.
        terms["case_volume_m3"] = str(Decimal("0.012") + Decimal("0.0025") * item.case)
        terms["case_weight_kg"] = str(Decimal("0.8") + Decimal("0.45") * item.case)
    add_supplier_item(suppliers[code], item_id=item.item_id, preferred=preferred, **terms)


def _set_policy(slot: SlotPlan, item: SlotItem, actor: int | None) -> None:
    values: dict[str, Any] = {}
    if slot.policy == "min_max":
        values["min_qty"], values["max_qty"] = min_max_levels(slot)
    for name in ("service_level", "review_days", "order_qty", "order_cost", "holding_rate"):
        value = getattr(slot, name)
        if value is not None:
            values[name] = str(value) if isinstance(value, Decimal) else value
    upsert_reorder_policy(
        warehouse=WAREHOUSE, policy=slot.policy, item_id=item.item_id, actor_id=actor, **values
    )


def _add_pick_faces(items: Sequence[SlotItem], actor: int) -> None:
    """A min/max on the faces of the pick-face slots: the first one's min above what its
    face holds (its task is raised at once), the others' below it."""
    faces = [it for slot, it in zip(SLOTS, items, strict=True) if slot.pick_face]
    for n, item in enumerate(faces):
        if item.face_code is None:
            continue
        if n == 0:
            low = item.face_qty + item.case
            high = low + 2 * item.case
        else:
            low = max(1, item.face_qty // 2)
            high = item.face_qty + 2 * item.case
        upsert_pick_face(
            bin=item.face_code, sku=item.sku, min_qty=low, max_qty=high, actor_id=actor
        )


# --- summary -------------------------------------------------------------------------------


def purchasing_summary() -> list[str]:
    """Lines for the seed's summary: suppliers, policies, the history, what is on its way,
    the backorder and the replenishment work."""
    codes = [s.code for s in SUPPLIERS]
    sups = db.session.scalars(
        select(Supplier).where(Supplier.code.in_(codes)).order_by(Supplier.id)
    ).all()
    if not sups:
        return []
    out = [
        "Suppliers: "
        + "; ".join(
            f"{s.code} ({_reach(s)}, "
            + (
                f"imports: {s.production_days} + {s.transit_days} + {s.customs_days} days"
                if s.imports
                else f"{s.lead_time_days} days"
            )
            + ")"
            for s in sups
        )
    ]
    ids = [s.id for s in sups]
    terms = db.session.scalar(
        select(func.count()).select_from(SupplierItem).where(SupplierItem.supplier_id.in_(ids))
    )
    policies = Counter(
        dict(
            db.session.execute(
                select(ReorderPolicy.policy, func.count()).group_by(ReorderPolicy.policy)
            ).all()
        )
    )
    out.append(
        f"Purchasing: {terms} supplier items; reorder policies in {WAREHOUSE}: "
        + ", ".join(f"{n} {p}" for p, n in sorted(policies.items()))
        + f"; {HISTORY_DAYS} days of shipments, receipts and returns behind them"
    )
    states = Counter(
        dict(
            db.session.execute(
                select(PurchaseOrder.state, func.count())
                .where(PurchaseOrder.supplier_id.in_(ids))
                .group_by(PurchaseOrder.state)
            ).all()
        )
    )
    coming = db.session.execute(
        select(PurchaseOrder.number, PurchaseOrder.expected_date)
        .where(PurchaseOrder.supplier_id.in_(ids), PurchaseOrder.state == "sent")
        .order_by(PurchaseOrder.expected_date)
    ).all()
    out.append(
        "Purchase orders: "
        + ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
        + "; on their way: "
        + ", ".join(f"{num} (due {due})" for num, due in coming)
    )
    backorder = db.session.execute(
        select(Item.sku, OrderLine.quantity, OrderLine.status)
        .join(OrderLine, OrderLine.item_id == Item.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.external_id == BACKORDER_REF)
    ).first()
    if backorder is not None:
        out.append(
            f"Order {BACKORDER_REF}: {backorder.quantity} x {backorder.sku} "
            f"{backorder.status} (bought to order); run suggestions on /console/purchasing"
        )
    out.append(_replenishment_line())
    return out


def _reach(s: Supplier) -> str:
    # Whether a PO message is signed, never the key itself (write-only, as on the API).
    endpoint = "signed PO endpoint" if s.po_endpoint_secret else "PO endpoint"
    if s.po_endpoint and s.email:
        return f"e-mail + {endpoint}"
    return "e-mail only" if s.email else f"{endpoint} only"


def _replenishment_line() -> str:
    faces = db.session.scalars(
        select(Location.code)
        .join(PickFace, PickFace.location_id == Location.id)
        .where(PickFace.active.is_(True))
        .order_by(Location.code)
    ).all()
    tasks = db.session.execute(
        select(ReplenishmentTask.quantity, Item.sku, Location.code)
        .join(Item, Item.id == ReplenishmentTask.item_id)
        .join(Location, Location.id == ReplenishmentTask.to_location_id)
        .where(ReplenishmentTask.status == "open")
        .order_by(ReplenishmentTask.id)
    ).all()
    return (
        f"Replenishment: {len(faces)} pick faces with min/max ({', '.join(faces) or '-'}); "
        f"{len(tasks)} task(s) open"
        + "".join(f", {qty} x {sku} to {code}" for qty, sku, code in tasks)
    )
