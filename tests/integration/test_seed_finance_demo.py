"""The demo's finance: a posted supplier invoice, one waiting in the approval queue for
someone other than the manager who entered it, a freight charge spread over real receipts,
demo orders priced with VAT, a WEB Shopify payout with its fees and one refund exception,
and books that verify and rebuild clean."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.allocation.models import OrderLine
from scanfloor.auth.models import User
from scanfloor.extensions import db
from scanfloor.finance.document_models import (
    ChannelSettlement,
    ChannelSettlementLine,
    CostAdjustment,
    LandedCost,
    SupplierInvoice,
)
from scanfloor.finance.invoice_service import approve_invoice
from scanfloor.finance.rebuild import rebuild_check
from scanfloor.finance.verify import verify
from scanfloor.seed.outbound_plan import VAT


@pytest.fixture
def seeded(app: Any) -> str:
    from scanfloor.seed.demo import seed_demo

    return seed_demo()


def _user(name: str) -> int:
    return int(db.session.scalar(select(User.id).where(User.username == name)))


def test_the_demo_has_a_posted_invoice_and_one_held_for_another_approver(seeded):
    invoices = {i.status: i for i in db.session.scalars(select(SupplierInvoice))}
    assert set(invoices) == {"posted", "held"}
    held = invoices["held"]
    assert held.entered_by == _user("manager")
    assert "Finance: 1 supplier invoice(s) posted, 1 held for approval" in seeded
    approved = approve_invoice(held.id, _user("admin"))
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


def test_the_demo_imports_a_web_payout_with_its_fees_booked_and_one_refund_exception(seeded):
    from scanfloor.finance.settlement_exceptions import settlement_exceptions
    from tests import finance_helpers as fh

    (payout,) = db.session.scalars(select(ChannelSettlement)).all()
    lines = db.session.scalars(
        select(ChannelSettlementLine).where(ChannelSettlementLine.settlement_id == payout.id)
    ).all()
    charges = [ln for ln in lines if ln.kind == "order"]
    assert charges and all(ln.order_id is not None for ln in lines if ln.kind != "payout")
    fees = sum(Decimal(str(ln.fee)) for ln in lines)
    for ln in charges:  # 2.9 % + 0.30 of each charge, to the cent
        amount = Decimal(str(ln.amount))
        expected = (amount * Decimal("0.029") + Decimal("0.30")).quantize(Decimal("0.01"))
        assert abs(Decimal(str(ln.fee)) - expected) <= Decimal("0.005")
    net = sum(Decimal(str(ln.amount)) - Decimal(str(ln.fee)) for ln in lines if ln.kind != "payout")
    assert Decimal(str(payout.total)) == net and payout.entry_id is not None
    assert fh.balance("channel_fees") == fees
    assert fh.balance("channel_clearing") == net
    refunds = settlement_exceptions(queue="refund_without_return")
    assert [(e.channel, e.queue) for e in refunds] == [("WEB", "refund_without_return")]
    assert f"Settlements: 1 Shopify payout {payout.reference} of WEB imported" in seeded
    assert verify() == []
