"""The demo's purchasing and replenishment: suppliers and terms, a policy of every kind, a
history the suggestions and supplier scores can read, a backorder, and a pick face to refill."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.allocation.models import Order, OrderLine
from scanfloor.catalog.models import Item, Location
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement
from scanfloor.purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
from scanfloor.purchasing.suppliers_service import supplier_view
from scanfloor.purchasing.terms_models import ReorderPolicy, SupplierItem
from scanfloor.receiving.models import Receipt, ReceiptLine
from scanfloor.replenishment.models import PickFace, ReplenishmentTask
from scanfloor.seed.purchasing_demo import BACKORDER_REF
from scanfloor.seed.purchasing_plan import HISTORY_DAYS, SUPPLIERS
from scanfloor.timeutil import as_utc, utcnow

CODES = [s.code for s in SUPPLIERS]


@pytest.fixture
def seeded(app: Any) -> str:
    from scanfloor.seed.demo import seed_demo

    return seed_demo()


def _wh1() -> int:
    return int(db.session.scalar(select(Location.id).where(Location.code == "WH1")))


def _suppliers() -> dict[str, Supplier]:
    return {s.code: s for s in db.session.scalars(select(Supplier).where(Supplier.code.in_(CODES)))}


def test_demo_suppliers_say_where_a_po_goes_and_the_importer_its_legs(seeded):
    sups = _suppliers()
    assert set(sups) == {"ACME", "BRIGHTLINE", "HAIXIN"}
    assert all(s.email and "@" in s.email and s.active for s in sups.values())
    assert sups["BRIGHTLINE"].po_endpoint is None  # e-mail only
    assert sups["ACME"].po_endpoint and sups["ACME"].po_endpoint.startswith("https://")
    imp = sups["HAIXIN"]
    assert imp.imports and min(imp.production_days, imp.transit_days, imp.customs_days) > 0
    assert imp.lead_time_days == imp.production_days + imp.transit_days + imp.customs_days
    assert not sups["ACME"].imports and sups["ACME"].lead_time_days < imp.lead_time_days
    assert "BRIGHTLINE (e-mail only" in seeded


def test_demo_suppliers_with_a_po_endpoint_sign_their_po_messages(seeded):
    sups = _suppliers()
    keys = {code: s.po_endpoint_secret for code, s in sups.items()}
    assert keys["BRIGHTLINE"] is None  # e-mail only: nothing is posted, nothing to sign
    signed = [keys[c] for c in CODES if sups[c].po_endpoint]
    assert len(signed) == 2 and len(set(signed)) == 2  # ACME, HAIXIN: one key each
    assert all(k and len(k) >= 32 for k in signed)
    assert "ACME (e-mail + signed PO endpoint" in seeded
    assert not any(k and k in seeded for k in signed)  # the summary never prints a key
    assert supplier_view(sups["ACME"]).has_po_endpoint_secret  # as the API shows it


def test_every_demo_item_bought_has_one_preferred_supplier_and_terms_in_cases(seeded):
    sups = {s.id: s for s in _suppliers().values()}
    terms = db.session.scalars(
        select(SupplierItem).where(SupplierItem.supplier_id.in_(list(sups)))
    ).all()
    by_item: dict[int, list[SupplierItem]] = defaultdict(list)
    for t in terms:
        by_item[t.item_id].append(t)
        assert t.active and t.supplier_sku and t.unit_cost > 0
        assert t.moq % t.case_pack == 0 and t.case_pack % t.units_per_purchase_unit == 0
        assert t.lead_time_days == sups[t.supplier_id].lead_time_days
        imported = sups[t.supplier_id].imports
        assert (t.case_volume_m3 is not None and t.case_weight_kg is not None) == imported
    assert len(by_item) >= 10
    assert all(sum(t.preferred for t in ts) == 1 for ts in by_item.values())
    two = [ts for ts in by_item.values() if len(ts) == 2]
    assert two, "some items have a second source"
    for ts in two:  # the second source is dearer than the preferred one
        pref = next(t for t in ts if t.preferred)
        other = next(t for t in ts if not t.preferred)
        if sups[pref.supplier_id].imports == sups[other.supplier_id].imports:
            assert other.unit_cost > pref.unit_cost


def test_the_demo_warehouse_has_a_reorder_policy_of_every_kind(seeded):
    policies = db.session.scalars(
        select(ReorderPolicy).where(ReorderPolicy.warehouse_id == _wh1())
    ).all()
    kinds = {p.policy for p in policies}
    assert kinds == {"min_max", "reorder_point", "periodic_review", "buy_to_order"}
    for p in policies:
        assert p.active
        if p.policy == "min_max":
            assert p.min_qty is not None and p.max_qty > p.min_qty
        if p.policy in ("reorder_point", "periodic_review"):
            assert p.service_level is not None and 0 < p.service_level < 1
        if p.policy == "periodic_review":
            assert p.review_days and p.review_days >= 1
    # One item has a policy and nobody to buy it from: the run says so.
    sourced = set(db.session.scalars(select(SupplierItem.item_id)))
    assert any(p.item_id not in sourced for p in policies)


def test_the_history_has_pos_received_on_their_day_some_late_some_short(seeded):
    sups = _suppliers()
    today = utcnow().date()
    pos = db.session.scalars(
        select(PurchaseOrder).where(PurchaseOrder.supplier_id.in_([s.id for s in sups.values()]))
    ).all()
    assert {po.state for po in pos} >= {"sent", "partially_received", "received", "closed"}
    assert all(po.warehouse_id == _wh1() and po.sent_at and po.approved_by for po in pos)
    receipts = db.session.execute(
        select(Receipt.business_date, PurchaseOrder.expected_date, PurchaseOrder.supplier_id)
        .join(PurchaseOrder, PurchaseOrder.id == Receipt.po_id)
        .where(PurchaseOrder.id.in_([po.id for po in pos]))
    ).all()
    assert receipts and all(day < today for day, _, _ in receipts)
    for code in ("ACME", "BRIGHTLINE"):
        mine = [(day, due) for day, due, sup in receipts if sup == sups[code].id]
        assert any(day > due for day, due in mine), f"{code} delivered late sometimes"
        assert any(day <= due for day, due in mine), f"{code} delivered on time sometimes"
        # Several months of deliveries: a trend, not a point.
        assert len({day.strftime("%Y-%m") for day, _ in mine}) >= 5
    short = db.session.execute(
        select(PurchaseOrder.state)
        .join(PurchaseOrderLine, PurchaseOrderLine.po_id == PurchaseOrder.id)
        .where(
            PurchaseOrder.id.in_([po.id for po in pos]),
            PurchaseOrderLine.received > 0,
            PurchaseOrderLine.received < PurchaseOrderLine.ordered,
        )
    ).scalars()
    assert {"closed", "partially_received"} <= set(short)
    # Each receipt line's units reached the ledger on the receipt's day, from the Vendor.
    lines = db.session.execute(
        select(ReceiptLine.quantity, Receipt.business_date, Movement.quantity, Movement.occurred_at)
        .join(Receipt, Receipt.id == ReceiptLine.receipt_id)
        .join(
            Movement,
            (Movement.posting_id == ReceiptLine.posting_id)
            & (Movement.item_id == ReceiptLine.item_id),
        )
        .where(Receipt.po_id.in_([po.id for po in pos]))
    ).all()
    assert lines and all(q == mq and as_utc(at).date() == d for q, d, mq, at in lines)


def test_months_of_shipments_are_in_the_ledger_and_never_ran_ahead_of_the_stock(seeded):
    customer = db.session.scalar(select(Location.id).where(Location.code == "CUSTOMER"))
    ships = db.session.execute(
        select(Movement.occurred_at, Movement.quantity).where(
            Movement.movement_type == "ship", Movement.to_location_id == customer
        )
    ).all()
    days = {as_utc(at).date() for at, _ in ships}
    assert len(days) >= 90
    assert (utcnow().date() - min(days)).days >= HISTORY_DAYS - 7
    restocked = db.session.scalar(
        select(func.count()).select_from(Movement).where(Movement.movement_type == "return")
    )
    assert restocked > 0
    # Replayed in time order, no physical place ever held less than nothing: receipts came
    # before the shipments they fed.
    physical = set(db.session.scalars(select(Location.id).where(Location.is_virtual.is_(False))))
    held: dict[tuple[int, int, int], int] = defaultdict(int)
    for m in db.session.execute(
        select(Movement).order_by(Movement.occurred_at, Movement.id)
    ).scalars():
        held[(m.item_id, m.from_location_id, m.lot_id or 0)] -= m.quantity
        held[(m.item_id, m.to_location_id, m.lot_id or 0)] += m.quantity
        key = (m.item_id, m.from_location_id, m.lot_id or 0)
        assert m.from_location_id not in physical or held[key] >= 0, (m.id, m.occurred_at)
    # And the balances the writer kept agree with those movements.
    from scanfloor.ledger.verify import verify_ledger

    assert verify_ledger().clean


def test_a_backordered_web_order_waits_for_the_buy_to_order_item(seeded):
    line = db.session.execute(
        select(OrderLine.item_id, OrderLine.status, OrderLine.quantity)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.external_id == BACKORDER_REF)
    ).one()
    assert line.status == "backordered" and line.quantity > 0
    policy = db.session.scalar(
        select(ReorderPolicy.policy).where(ReorderPolicy.item_id == line.item_id)
    )
    assert policy == "buy_to_order"
    stock = db.session.scalar(
        select(func.coalesce(func.sum(Balance.quantity), 0))
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.item_id == line.item_id, Location.is_virtual.is_(False))
    )
    assert stock == 0
    assert f"Order {BACKORDER_REF}" in seeded


def test_one_demo_pick_face_is_below_its_min_with_a_task_from_reserve(seeded):
    wh = _wh1()
    faces = db.session.scalars(select(PickFace).where(PickFace.warehouse_id == wh)).all()
    assert len(faces) >= 3 and all(f.active and f.max_qty > f.min_qty for f in faces)

    def held(location_id: int, item_id: int) -> int:
        return int(
            db.session.scalar(
                select(func.coalesce(func.sum(Balance.quantity), 0)).where(
                    Balance.location_id == location_id, Balance.item_id == item_id
                )
            )
        )

    below = [f for f in faces if held(f.location_id, f.item_id) < f.min_qty]
    assert len(below) == 1
    face = below[0]
    tasks = db.session.scalars(
        select(ReplenishmentTask).where(ReplenishmentTask.status.in_(("open", "claimed")))
    ).all()
    assert len(tasks) == 1
    task = tasks[0]
    assert (task.pick_face_id, task.status, task.trigger) == (face.id, "open", "below_min")
    assert task.quantity == face.max_qty - held(face.location_id, face.item_id)
    source = db.session.get(Location, task.from_location_id)
    assert source.type == "storage" and source.warehouse_id == wh
    assert held(source.id, face.item_id) > 0
    assert "1 task(s) open" in seeded


def test_a_suggestion_run_over_the_demo_reads_the_history(seeded, app):
    from scanfloor.purchasing.suggest_service import run_suggestions

    run = run_suggestions(trigger="cli", warehouse_id=_wh1())
    by_sku = {ln.item.sku: ln for ln in run.lines}
    sources = {ln.demand.source for ln in run.lines}
    assert {"shipments", "allocated_lines"} <= sources
    assert {ln.outcome for ln in run.lines} >= {"ordered", "no_need", "no_supplier"}
    assert {ln.demand.method for ln in run.lines} >= {"ses", "croston_sba"}
    assert {po.supplier.code for po in run.purchase_orders} == set(CODES)
    # The importer's container-sized draft needs a manager; the others a supervisor.
    threshold = Decimal(str(app.config["SCANFLOOR_PO_MANAGER_VALUE"]))
    values = {po.supplier.code: Decimal(po.value) for po in run.purchase_orders}
    assert values["HAIXIN"] > threshold >= max(values["ACME"], values["BRIGHTLINE"])
    # Lead times come from the receipts, not from the promise.
    assert all(
        ln.lead_time.source.startswith("receipts")
        for ln in run.lines
        if ln.demand.source == "shipments"
    )
    backorder = db.session.scalar(
        select(Item.sku)
        .join(OrderLine, OrderLine.item_id == Item.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.external_id == BACKORDER_REF)
    )
    assert by_sku[backorder].outcome == "ordered"
    assert by_sku[backorder].position.backordered > 0


def test_the_demo_supplier_scores_have_a_trend_over_months(seeded):
    from scanfloor.purchasing.performance_service import supplier_performance_detail

    sups = _suppliers()
    detail = supplier_performance_detail(sups["ACME"].id, months=12)
    judged = [p for p in detail.trend if p.lines]
    assert len(judged) >= 4
    rates = [p.otif_rate for p in judged]
    assert rates[-1] > rates[0]  # ACME got better
