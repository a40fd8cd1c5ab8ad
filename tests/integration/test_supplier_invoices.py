"""Supplier invoices through the API after real receipts: the three-way match (PO line <->
receipts <-> invoice line) under the supplier's tolerances, the approval queue (a mismatch
waits for finance or an admin other than the one who entered it; managers only read), and
the entry a posted invoice books: Dr GRNI (what the units were received at) / Cr accounts
payable, the price difference to the stock still on hand (and its FIFO layer) or to price
variance for units already gone.

Accounts of the default chart: 1300 inventory, 2000 accounts payable, 2100 GRNI, 5300
purchase price variance. After every posting the finance checks hold (verify)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from scanfloor.extensions import db
from scanfloor.finance.document_models import (
    CostAdjustment,
    SupplierInvoice,
    SupplierInvoiceLine,
    SupplierInvoiceMatch,
)
from scanfloor.finance.journal_models import JournalEntry, JournalLine
from scanfloor.finance.models import Account
from scanfloor.finance.verify import verify
from scanfloor.purchasing.models import Supplier
from tests import finance_helpers as fh
from tests.factories import make_po, make_supplier

API = "/api/v1/finance/invoices"
D = Decimal


@dataclass
class Bought:
    supplier: Any
    po: Any
    item: Any
    wh: Any
    dock: Any

    @property
    def line_id(self) -> int:
        return int(self.po.lines[0].id)


def _tolerate(supplier: Any, quantity: str = "0", price: str = "0") -> None:
    db.session.execute(
        update(Supplier)
        .where(Supplier.id == supplier.id)
        .values(invoice_qty_tolerance_pct=D(quantity), invoice_price_tolerance_pct=D(price))
    )
    db.session.commit()


def _buy(
    client: Any, auth: Any, *, method: str = "moving_average", received: int = 10, **tol: str
) -> Bought:
    """A PO for 10 @ 2.50 from a supplier with the given tolerances, `received` received."""
    wh = fh.site().wh
    dock = fh.make_bin_in(wh, type="dock")
    it = fh.item(method)
    sup = make_supplier()
    _tolerate(sup, **tol)
    po = make_po(sup, [(it, 10, "2.50")])
    bought = Bought(sup, po, it, wh, dock)
    if received:
        _receive(client, auth, bought, received)
    return bought


def _receive(client: Any, auth: Any, b: Bought, quantity: int) -> None:
    r = client.post(
        f"/api/v1/purchase-orders/{b.po.id}/receive",
        headers=auth("worker"),
        json={"line_id": b.line_id, "quantity": quantity, "to_location": b.dock.code},
    )
    assert r.status_code == 201, r.get_json()


def _invoice(
    client: Any,
    headers: dict[str, str],
    b: Bought,
    lines: list[tuple[int, int, str]] | None = None,
    *,
    number: str = "INV-1",
    quantity: int = 10,
    price: str = "2.50",
    **extra: Any,
) -> Any:
    body = {
        "supplier": b.supplier.code,
        "number": number,
        "invoice_date": fh_today(),
        "lines": [
            {"po_line_id": pl, "quantity": q, "unit_price": p}
            for pl, q, p in (lines or [(b.line_id, quantity, price)])
        ],
        **extra,
    }
    return client.post(API, headers=headers, json=body)


def fh_today() -> str:
    from scanfloor.timeutil import utcnow

    return utcnow().date().isoformat()


def _entry(entry_id: int) -> set[tuple[str, str, str]]:
    db.session.rollback()
    rows = db.session.execute(
        select(Account.code, JournalLine.debit, JournalLine.credit)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry_id)
    ).all()
    q = D("0.01")
    return {(c, str(D(d).quantize(q)), str(D(k).quantize(q))) for c, d, k in rows}


def _count(model: Any) -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _second_finance_user() -> dict[str, str]:
    from scanfloor.auth.service import create_user
    from scanfloor.auth.tokens import issue_token

    other = create_user(
        username="finance2", role="finance", password="finance2-password-1", display_name="F2"
    )
    tok = issue_token(other.id)
    db.session.commit()
    return {"Authorization": f"Bearer {tok.token}"}


def test_an_invoice_at_the_po_price_posts_grni_against_payables_and_clears_the_receipts_grni(
    app, client, auth
):
    b = _buy(client, auth)
    assert fh.balance("grni") == D("-25.00")
    r = _invoice(client, auth("finance"), b)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "posted" and body["subtotal"] == "25.00"
    (line,) = body["lines"]
    assert line["match_status"] == "matched"
    assert line["matches"] == [
        {"movement_id": line["matches"][0]["movement_id"], "quantity": 10,
         "received_value": "25.00", "invoiced_value": "25.00"}
    ]  # fmt: skip
    assert _entry(body["entry_id"]) == {("2100", "25.00", "0.00"), ("2000", "0.00", "25.00")}
    assert fh.balance("grni") == D("0.00")
    assert fh.balance("accounts_payable") == D("-25.00")
    assert fh.stock_value(b.item, b.wh) == (10, D("25.00"))
    assert _count(CostAdjustment) == 0
    assert verify() == []


def test_the_suppliers_tax_is_recoverable_and_owed_with_the_invoice(app, client, auth):
    b = _buy(client, auth)
    r = _invoice(client, auth("finance"), b, tax="5.00")
    assert r.status_code == 201, r.get_json()
    assert _entry(r.get_json()["entry_id"]) == {
        ("2100", "25.00", "0.00"), ("1400", "5.00", "0.00"), ("2000", "0.00", "30.00")
    }  # fmt: skip
    assert fh.balance("tax_receivable") == D("5.00")
    assert fh.balance("accounts_payable") == D("-30.00")
    assert verify() == []


def test_an_invoice_at_a_higher_price_with_every_unit_on_hand_raises_the_stock_and_its_layer(
    app, client, auth
):
    b = _buy(client, auth, method="fifo", price="20")
    r = _invoice(client, auth("finance"), b, price="3.00")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "posted"
    assert _entry(body["entry_id"]) == {
        ("2100", "25.00", "0.00"),
        ("1300", "5.00", "0.00"),
        ("2000", "0.00", "30.00"),
    }
    assert fh.stock_value(b.item, b.wh) == (10, D("30.00"))
    # The receipt's layer holds the invoiced value (its unit_cost column: see the report).
    assert [(q, v) for q, _, v in fh.layers_left(b.item, b.wh)] == [(10, "30.00")]
    assert fh.balance("grni") == D("0.00")
    assert verify() == []


@pytest.mark.parametrize("method", ["moving_average", "fifo"])
def test_with_half_the_units_shipped_half_the_price_difference_goes_to_price_variance(
    app, client, auth, method
):
    b = _buy(client, auth, method=method, price="20")
    fh.ship(b.item, b.dock, 5)
    r = _invoice(client, auth("finance"), b, price="3.00")
    assert r.status_code == 201, r.get_json()
    assert _entry(r.get_json()["entry_id"]) == {
        ("2100", "25.00", "0.00"),
        ("1300", "2.50", "0.00"),
        ("5300", "2.50", "0.00"),
        ("2000", "0.00", "30.00"),
    }
    assert fh.stock_value(b.item, b.wh) == (5, D("15.00"))
    assert fh.balance("price_variance") == D("2.50")
    assert verify() == []


def test_a_price_outside_tolerance_waits_for_finance_other_than_the_one_who_entered_it(
    app, client, auth
):
    b = _buy(client, auth, price="5")
    r = _invoice(client, auth("finance"), b, price="2.80")
    assert r.status_code == 201, r.get_json()
    held = r.get_json()
    assert held["status"] == "held" and held["entry_id"] is None
    assert held["lines"][0]["match_status"] == "price"
    assert held["lines"][0]["match_detail"]["price_ok"] is False
    assert fh.balance("grni") == D("-25.00")  # nothing posted while it waits

    queue = client.get(API, headers=auth("finance"), query_string={"status": "held"}).get_json()
    assert [i["id"] for i in queue["invoices"]] == [held["id"]]
    assert queue["invoices"][0]["mismatched_lines"] == 1

    entries = _count(JournalEntry)
    mine = client.post(f"{API}/{held['id']}/approve", headers=auth("finance"), json={})
    assert mine.status_code == 403
    assert mine.get_json()["error"]["code"] == "approver_entered_invoice"
    managed = client.post(f"{API}/{held['id']}/approve", headers=auth("manager"), json={})
    assert managed.status_code == 403  # a manager reads the queue, never decides it
    assert managed.get_json()["error"]["code"] == "forbidden"
    assert _count(JournalEntry) == entries

    second = _second_finance_user()
    ok = client.post(f"{API}/{held['id']}/approve", headers=second, json={"note": "ok"})
    assert ok.status_code == 200, ok.get_json()
    posted = ok.get_json()
    assert posted["status"] == "posted" and posted["decision_note"] == "ok"
    assert posted["decided_by"] != posted["entered_by"]
    assert _entry(posted["entry_id"]) == {
        ("2100", "25.00", "0.00"),
        ("1300", "3.00", "0.00"),
        ("2000", "0.00", "28.00"),
    }
    assert (
        client.get(API, headers=auth("finance"), query_string={"status": "held"}).get_json()[
            "invoices"
        ]
        == []
    )
    again = client.post(f"{API}/{held['id']}/approve", headers=auth("admin"), json={})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "invoice_not_held"
    assert verify() == []


def test_billing_more_than_received_beyond_the_quantity_tolerance_is_held(app, client, auth):
    b = _buy(client, auth, received=8, quantity="10")  # 10% of 8: up to 8.8 units
    r = _invoice(client, auth("finance"), b, quantity=9)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "held"
    assert body["lines"][0]["match_status"] == "quantity"
    assert body["lines"][0]["match_detail"]["received"] == 8


def test_units_billed_beyond_receipts_within_tolerance_go_to_price_variance(app, client, auth):
    b = _buy(client, auth, received=10, quantity="10")
    r = _invoice(client, auth("finance"), b, quantity=11)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "posted"
    assert _entry(body["entry_id"]) == {
        ("2100", "25.00", "0.00"),
        ("5300", "2.50", "0.00"),
        ("2000", "0.00", "27.50"),
    }
    assert verify() == []


def test_a_rejected_invoice_posts_nothing_and_no_longer_counts_as_invoiced(app, client, auth):
    b = _buy(client, auth)
    held = _invoice(client, auth("finance"), b, price="9.00").get_json()
    assert held["status"] == "held"
    r = client.post(f"{API}/{held['id']}/reject", headers=auth("finance"), json={"note": "wrong"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "rejected" and r.get_json()["entry_id"] is None
    redo = _invoice(client, auth("finance"), b, number="INV-2")
    assert redo.status_code == 201 and redo.get_json()["status"] == "posted"
    assert redo.get_json()["lines"][0]["match_detail"]["invoiced_before"] == 0


def test_a_second_invoice_clears_the_next_receipt_and_counts_what_was_invoiced_before(
    app, client, auth
):
    b = _buy(client, auth, received=4)
    _receive(client, auth, b, 6)
    first = _invoice(client, auth("finance"), b, quantity=5).get_json()
    second = _invoice(client, auth("finance"), b, number="INV-2", quantity=5).get_json()
    assert (first["status"], second["status"]) == ("posted", "posted")
    assert second["lines"][0]["match_detail"]["invoiced_before"] == 5
    assert [m["quantity"] for m in first["lines"][0]["matches"]] == [4, 1]
    assert [m["quantity"] for m in second["lines"][0]["matches"]] == [5]
    third = _invoice(client, auth("finance"), b, number="INV-3", quantity=1).get_json()
    assert third["status"] == "held" and third["lines"][0]["match_status"] == "quantity"
    assert fh.balance("grni") == D("0.00")
    assert verify() == []


def test_the_same_supplier_invoice_number_twice_is_a_conflict(app, client, auth):
    b = _buy(client, auth)
    assert _invoice(client, auth("finance"), b, quantity=5).status_code == 201
    again = _invoice(client, auth("finance"), b, quantity=5)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "duplicate_invoice"
    assert _count(SupplierInvoice) == 1


def test_bad_lines_are_refused_and_write_nothing(app, client, auth):
    b = _buy(client, auth)
    other = _buy(client, auth)
    before = (_count(SupplierInvoice), _count(SupplierInvoiceLine), _count(JournalEntry))
    unknown = _invoice(client, auth("finance"), b, [(b.line_id, 5, "2.50"), (999999, 1, "1")])
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "po_line_not_found"
    foreign = _invoice(client, auth("finance"), b, [(other.line_id, 5, "2.50")])
    assert foreign.status_code == 422
    assert foreign.get_json()["error"]["code"] == "po_line_of_another_supplier"
    zero = _invoice(client, auth("finance"), b, quantity=0)
    assert zero.status_code == 422
    currency = _invoice(client, auth("finance"), b, currency="USD")
    assert currency.status_code == 422
    assert currency.get_json()["error"]["code"] == "invoice_currency_refused"
    assert (_count(SupplierInvoice), _count(SupplierInvoiceLine), _count(JournalEntry)) == before
    assert _count(SupplierInvoiceMatch) == 0


def test_finance_and_admins_enter_invoices_and_every_reader_above_workers_lists_them(
    app, client, auth
):
    b = _buy(client, auth)
    before = (_count(SupplierInvoice), _count(JournalEntry))
    for role in ("worker", "supervisor", "manager"):
        refused = _invoice(client, auth(role), b)
        assert refused.status_code == 403, role
        assert refused.get_json()["error"]["code"] == "forbidden"
    assert (_count(SupplierInvoice), _count(JournalEntry)) == before
    assert client.get(API, headers=auth("worker")).status_code == 403
    for role in ("supervisor", "manager", "finance", "admin"):
        assert client.get(API, headers=auth(role)).status_code == 200, role
    assert _invoice(client, auth("admin"), b).status_code == 201
