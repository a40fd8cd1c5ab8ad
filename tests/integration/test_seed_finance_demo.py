"""The demo's finance: a posted supplier invoice, one waiting in the approval queue for
finance (the admin entered it), a freight charge spread over real receipts, demo orders
priced with VAT, a month of orders shipped through the floor's services (revenue, COGS and
each carton's carrier rate), a returned unit credited, a recounted count loss booked as
shrinkage, a WEB Shopify payout with its fees and exactly two exceptions, a margin report
with figures, and books that verify and rebuild clean."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.allocation.models import Channel, Order, OrderLine
from scanfloor.auth.models import User
from scanfloor.catalog.models import Location
from scanfloor.counting.models import CountTask
from scanfloor.extensions import db
from scanfloor.finance.document_models import (
    ChannelSettlement,
    ChannelSettlementLine,
    CostAdjustment,
    LandedCost,
    SupplierInvoice,
)
from scanfloor.finance.fx_service import functional_currency
from scanfloor.finance.invoice_service import approve_invoice
from scanfloor.finance.journal_models import JournalEntry, JournalLine
from scanfloor.finance.rebuild import rebuild_check
from scanfloor.finance.verify import verify
from scanfloor.ledger.models import Movement
from scanfloor.packing.models import Carton
from scanfloor.returns.models import ReturnAuthorisation, ReturnInspection
from scanfloor.returns.rules import rma_number
from scanfloor.seed.closed_work import LOST, RETURN_REF
from scanfloor.seed.finance_demo import SHORT_PAID
from scanfloor.seed.outbound_plan import CARRIER, VAT
from scanfloor.seed.shipped_plan import SHIPPED_ORDERS
from scanfloor.shipping.models import Shipment
from scanfloor.timeutil import as_utc, utcnow


@pytest.fixture
def seeded(app: Any) -> str:
    from scanfloor.seed.demo import seed_demo

    return seed_demo()


def _user(name: str) -> int:
    return int(db.session.scalar(select(User.id).where(User.username == name)))


def test_the_demo_has_a_posted_invoice_and_one_held_for_finance_to_approve(seeded):
    invoices = {i.status: i for i in db.session.scalars(select(SupplierInvoice))}
    assert set(invoices) == {"posted", "held"}
    assert invoices["posted"].entered_by == _user("finance")
    held = invoices["held"]
    assert held.entered_by == _user("admin")
    assert "Finance: 1 supplier invoice(s) posted, 1 held for approval" in seeded
    assert "(approve as finance at /console/invoices)" in seeded
    approved = approve_invoice(held.id, _user("finance"))
    assert approved.status == "posted"
    assert verify() == []


def test_the_demo_freight_charge_splits_between_stock_on_hand_and_cogs(seeded):
    (charge,) = db.session.scalars(select(LandedCost)).all()
    parts = db.session.scalars(
        select(CostAdjustment).where(CostAdjustment.source_id == str(charge.id))
    ).all()
    assert sum(Decimal(str(p.amount)) for p in parts) == Decimal(str(charge.amount))
    assert any(Decimal(str(p.on_hand_amount)) > 0 for p in parts)
    assert verify() == []
    assert rebuild_check() == []


def test_demo_orders_carry_prices_and_vat(seeded):
    lines = db.session.scalars(select(OrderLine).where(OrderLine.price.is_not(None))).all()
    assert lines
    for ln in lines:
        net = Decimal(str(ln.price)) * ln.quantity
        assert abs(Decimal(str(ln.tax)) - net * VAT) <= Decimal("0.005")


def test_the_demo_payout_settles_the_shipped_web_orders_with_two_exceptions_only(seeded):
    from scanfloor.finance.settlement_exceptions import settlement_exceptions
    from tests import finance_helpers as fh

    (payout,) = db.session.scalars(select(ChannelSettlement)).all()
    lines = db.session.scalars(
        select(ChannelSettlementLine).where(ChannelSettlementLine.settlement_id == payout.id)
    ).all()
    charges = [ln for ln in lines if ln.kind == "order"]
    assert all(ln.order_id is not None for ln in lines if ln.kind != "payout")
    # A charge for every web order the demo shipped, and for nothing else.
    assert {ln.order_id for ln in charges} == set(_shipped("WEB"))
    fees = sum(Decimal(str(ln.fee)) for ln in lines)
    for ln in charges:  # 2.9 % + 0.30 of each charge, to the cent
        amount = Decimal(str(ln.amount))
        expected = (amount * Decimal("0.029") + Decimal("0.30")).quantize(Decimal("0.01"))
        assert abs(Decimal(str(ln.fee)) - expected) <= Decimal("0.005")
    net = sum(Decimal(str(ln.amount)) - Decimal(str(ln.fee)) for ln in lines if ln.kind != "payout")
    assert Decimal(str(payout.total)) == net and payout.entry_id is not None
    assert fh.balance("channel_fees") == fees
    assert fh.balance("channel_clearing") == net
    # Two refunds: the unit that came back (matched) and half an order with no return.
    returned = _returned_order()
    refunds = sorted(ln.order_id for ln in lines if ln.kind == "refund")
    assert returned in refunds and len(refunds) == 2
    got = sorted((e.queue, e.channel) for e in settlement_exceptions())
    assert got == [("amount_differs", "WEB"), ("refund_without_return", "WEB")]
    (short,) = settlement_exceptions(queue="amount_differs")
    assert short.amount == -SHORT_PAID
    (unreturned,) = settlement_exceptions(queue="refund_without_return")
    assert unreturned.order_id != returned
    assert f"Settlements: 1 Shopify payout {payout.reference} of WEB imported" in seeded
    assert "exceptions (amount_differs, refund_without_return)" in seeded
    assert verify() == []


# --- the shipped month: what the floor's services booked -----------------------------------


def _shipped(channel: str | None = None) -> list[int]:
    q = select(Order.id).join(Channel, Channel.id == Order.channel_id)
    q = q.where(Order.status == "shipped")
    if channel is not None:
        q = q.where(Channel.code == channel)
    return [int(i) for i in db.session.scalars(q.order_by(Order.id))]


def _returned_order() -> int:
    return int(
        db.session.scalar(
            select(ReturnAuthorisation.order_id).where(
                ReturnAuthorisation.external_id == RETURN_REF
            )
        )
    )


def test_the_demo_ships_a_month_of_orders_that_book_revenue_and_carry_their_carton_rate(seeded):
    shipped = _shipped()
    assert len(shipped) == SHIPPED_ORDERS
    assert len(_shipped("WEB")) == len(_shipped("MARKET")) == SHIPPED_ORDERS // 2
    orders = db.session.scalars(select(Order).where(Order.id.in_(shipped))).all()
    days = {(utcnow() - as_utc(o.ordered_at)).days for o in orders}
    assert min(days) >= 3 and max(days) >= 14  # placed over the last month
    # One revenue entry per shipped order: Dr receivable (net + tax) / Cr revenue / Cr VAT.
    entries = db.session.scalars(select(JournalEntry).where(JournalEntry.kind == "revenue")).all()
    assert sorted(int(e.source_id) for e in entries) == shipped
    for order in orders:
        lines = db.session.scalars(select(OrderLine).where(OrderLine.order_id == order.id))
        invoiced = sum(Decimal(str(ln.price)) * ln.quantity + Decimal(str(ln.tax)) for ln in lines)
        entry = next(e for e in entries if e.source_id == str(order.id))
        debit = db.session.scalar(
            select(func.sum(JournalLine.debit)).where(JournalLine.entry_id == entry.id)
        )
        assert Decimal(str(debit)) == invoiced
    # Every carton went out on a confirmed shipment at the carrier's flat rate for its service.
    rates = dict(CARRIER.rates)
    cartons = db.session.execute(
        select(Carton.order_id, Carton.shipping_cost, Carton.shipping_currency, Shipment.service)
        .join(Shipment, Shipment.id == Carton.shipment_id)
        .where(Carton.status == "shipped", Shipment.status == "confirmed")
    ).all()
    assert sorted(c.order_id for c in cartons) == shipped
    for c in cartons:
        assert Decimal(str(c.shipping_cost)) == Decimal(rates[c.service])
        assert c.shipping_currency == functional_currency()
    assert f"Shipped: {SHIPPED_ORDERS} orders placed over the last month" in seeded
    assert verify() == []
    assert rebuild_check() == []


def test_the_returned_unit_is_restocked_with_a_customer_credit(seeded):
    (rma,) = db.session.scalars(
        select(ReturnAuthorisation).where(ReturnAuthorisation.external_id == RETURN_REF)
    ).all()
    assert rma.status == "completed" and rma.arrived_at is not None
    assert db.session.get(Order, rma.order_id).status == "shipped"
    (inspection,) = db.session.scalars(
        select(ReturnInspection).where(ReturnInspection.rma_id == rma.id)
    ).all()
    assert (inspection.quantity, inspection.disposition, inspection.credit) == (
        1,
        "sellable",
        "full",
    )
    shelf = db.session.get(Location, inspection.to_location_id)
    assert shelf.sellable and shelf.type in ("storage", "pick_face")
    (credit,) = db.session.scalars(
        select(JournalEntry).where(JournalEntry.kind == "customer_credit")
    ).all()
    assert credit.source_id == str(inspection.id)
    assert Decimal(str(inspection.credit_amount)) > 0
    assert f"Returned: {rma_number(rma.id)} ({RETURN_REF})" in seeded


def test_the_demo_count_loss_is_recounted_approved_and_booked_as_shrinkage(seeded):
    from tests import finance_helpers as fh

    (task,) = db.session.scalars(select(CountTask).where(CountTask.status == "counted")).all()
    users = {name: _user(name) for name in ("worker1", "worker2", "manager")}
    assert (task.counted_by, task.recounted_by) == (users["worker1"], users["worker2"])
    assert task.decided_by == users["manager"] and task.decision_reason
    (loss,) = db.session.scalars(
        select(Movement).where(
            Movement.source_type == "count_task", Movement.source_id == str(task.id)
        )
    ).all()
    assert (loss.reason_code, loss.quantity, loss.from_location_id) == (
        "count_loss",
        LOST,
        task.location_id,
    )
    # Dr shrinkage / Cr inventory, for that movement (the shelf losses book their own).
    booked = db.session.scalars(
        select(JournalEntry.id).where(
            JournalEntry.kind == "shrinkage", JournalEntry.movement_id == loss.id
        )
    ).all()
    assert len(booked) == 1
    assert fh.balance("shrinkage") > 0
    assert f"approved {LOST} x" in seeded
    assert verify() == []


def test_the_margin_report_has_revenue_cogs_fees_and_shipping_for_both_channels(seeded):
    from scanfloor.finance.margin_service import margin_report

    report = margin_report("channel")
    rows = {r.channel: r.summary for r in report.rows}
    assert set(rows) == {"WEB", "MARKET"}
    for summary in rows.values():
        figures = summary.figures
        assert figures.revenue > 0 and figures.cogs > 0 and figures.shipping_cost > 0
        assert summary.shipping_known and summary.shipping_unknown_orders == 0
    assert rows["WEB"].figures.channel_fees > 0  # the payout's fees are the WEB channel's
    assert rows["WEB"].figures.returns_credited > 0
    lines = margin_report("order_line").rows
    assert len({r.order_id for r in lines}) == SHIPPED_ORDERS
