"""The GRNI ageing report through real postings (receipts dated in the past, a return to
vendor, a receipt through the receiving API, a receipt no purchase order names) and posted
supplier invoices: each purchase order's open GRNI in its age buckets, the unassigned row,
and a total that is always the grni account's balance (the trial balance's 2100, sign
flipped: what is owed). The API, its CSV, who may read it, and the console page's shell."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from scanfloor.extensions import db
from scanfloor.finance.document_models import (
    SupplierInvoice,
    SupplierInvoiceLine,
    SupplierInvoiceMatch,
)
from scanfloor.finance.grni_service import grni_ageing
from scanfloor.finance.journal_models import JournalEntry, JournalLine
from scanfloor.finance.period_rules import period_of
from scanfloor.finance.queries import trial_balance
from scanfloor.finance.verify import verify
from scanfloor.purchasing.orders_service import LineSpec, create_purchase_order, open_purchase_order
from tests import finance_helpers as fh
from tests.console_shells import (
    assert_assets_served,
    assert_nothing_inline_or_foreign,
    assert_scripts_call,
    assert_shells,
)
from tests.factories import make_po, make_supplier, virtual

API = "/api/v1/finance/grni-ageing"
D = Decimal
Z = "0.00"
CSV_HEADER = [
    "kind",
    "supplier_code",
    "po_number",
    "warehouse",
    "oldest_receipt_date",
    "days_0_30",
    "days_31_60",
    "days_61_90",
    "days_over_90",
    "total",
]


@dataclass(frozen=True)
class Books:
    today: date
    wh: Any
    supplier_a: Any
    supplier_b: Any
    po1: Any  # supplier A, for wh: 10 @ 5 received 100 days ago, 4 @ 5 20 days ago
    po2: Any  # supplier B: 6 @ 2.50 received 45 days ago, 2 returned to vendor 10 days ago
    po3: Any  # supplier A: 7 @ 2.35 received today through the receiving API
    receipt1: int  # po1's first receipt movement
    receipt2: int  # po2's receipt movement


def _at(days_ago: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days_ago)


def _po_receipt(po: Any, item: Any, into: Any, qty: int, cost: str, days_ago: int) -> int:
    line = fh.line(item, qty, virtual("VENDOR"), into, unit_cost=D(cost))
    res = fh.posting("receipt", line, occurred_at=_at(days_ago),
                     source_type="purchase_order", source_id=str(po.id))  # fmt: skip
    return res.movement_ids[0]


@pytest.fixture
def books(app: Any, client: Any, auth: Any) -> Books:
    today = datetime.now(UTC).date()
    s = fh.site()
    dock = fh.make_bin_in(s.wh, type="dock")
    a, b = make_supplier(), make_supplier()
    i1, i2, i3, i4 = fh.item(), fh.item(), fh.item(), fh.item()
    po1 = open_purchase_order(
        create_purchase_order(
            number="PO-00000", supplier=a.code, warehouse=s.wh.code,
            lines=[LineSpec(item_id=i1.id, quantity=20, unit_cost="5")],
        ).id
    )  # fmt: skip
    po2 = make_po(b, [(i2, 6, "2.50")])
    po3 = make_po(a, [(i3, 24, "2.35")])
    receipt1 = _po_receipt(po1, i1, s.bin, 10, "5", 100)
    _po_receipt(po1, i1, s.bin, 4, "5", 20)
    receipt2 = _po_receipt(po2, i2, s.bin, 6, "2.50", 45)
    fh.posting("return", fh.line(i2, 2, s.bin, virtual("VENDOR")), occurred_at=_at(10),
               source_type="purchase_order", source_id=str(po2.id))  # fmt: skip
    r = client.post(
        f"/api/v1/purchase-orders/{po3.id}/receive",
        headers=auth("worker"),
        json={"line_id": po3.lines[0].id, "quantity": 7, "to_location": dock.code},
    )
    assert r.status_code == 201, r.get_json()
    fh.receive(i4, s.bin, 3, "1", occurred_at=_at(5))  # a receipt no purchase order names
    return Books(today, s.wh, a, b, po1, po2, po3, receipt1, receipt2)


def _rows(report: Any) -> dict[str | None, tuple[Any, ...]]:
    return {
        r.po_number: (r.supplier_code, r.oldest_receipt_date,
                      str(r.days_0_30), str(r.days_31_60), str(r.days_61_90),
                      str(r.days_over_90), str(r.total))
        for r in report.rows
    }  # fmt: skip


def _grni_owed() -> Decimal:
    """The trial balance's grni account (2100), sign flipped: what is owed."""
    tb = trial_balance()
    return -sum((a.balance for a in tb.accounts if a.code == "2100"), D(0))


def _invoice(
    supplier: Any, lines: list[tuple[Any, int, str, int | None, str]], amount: str, days_ago: int
) -> int:
    """A posted supplier invoice (as the invoice service leaves it): lines (po, qty, price,
    matched receipt movement, value it cleared), and its entry Dr grni / Cr payable."""
    day = datetime.now(UTC).date() - timedelta(days=days_ago)
    inv = SupplierInvoice(supplier_id=supplier.id, number=f"INV-{supplier.code}-{days_ago}",
                          invoice_date=day, currency="EUR", subtotal=D(amount), tax=D(0),
                          status="posted")  # fmt: skip
    db.session.add(inv)
    db.session.flush()
    for n, (po, qty, price, movement, cleared) in enumerate(lines, 1):
        line = SupplierInvoiceLine(invoice_id=inv.id, line_no=n, po_line_id=po.lines[0].id,
                                   item_id=po.lines[0].item.id, quantity=qty,
                                   unit_price=D(price), amount=D(cleared),
                                   match_status="matched", match_detail={})  # fmt: skip
        db.session.add(line)
        db.session.flush()
        if movement is not None:
            db.session.add(SupplierInvoiceMatch(invoice_line_id=line.id, movement_id=movement,
                                                quantity=qty, received_value=D(cleared),
                                                invoiced_value=D(cleared)))  # fmt: skip
    entry = JournalEntry(entry_date=day, period=period_of(day), kind="supplier_invoice",
                         source_type="supplier_invoice", source_id=str(inv.id),
                         memo="invoice")  # fmt: skip
    db.session.add(entry)
    db.session.flush()
    db.session.add_all([
        JournalLine(entry_id=entry.id, account_id=fh.account_id("grni"), debit=D(amount),
                    credit=D(0)),
        JournalLine(entry_id=entry.id, account_id=fh.account_id("accounts_payable"),
                    debit=D(0), credit=D(amount)),
    ])  # fmt: skip
    db.session.commit()
    return int(inv.id)


def test_each_po_ages_what_its_receipts_left_open_less_its_returns_to_vendor(books):
    t = books.today
    report = grni_ageing(as_of=t)
    assert _rows(report) == {
        "PO-00000": (books.supplier_a.code, t - timedelta(days=100),
                      "20.00", Z, Z, "50.00", "70.00"),
        books.po3.number: (books.supplier_a.code, t, "16.45", Z, Z, Z, "16.45"),
        books.po2.number: (books.supplier_b.code, t - timedelta(days=45),
                           Z, "10.00", Z, Z, "10.00"),
        None: (None, t - timedelta(days=5), "3.00", Z, Z, Z, "3.00"),
    }  # fmt: skip
    assert report.rows[-1].kind == "unassigned"
    assert report.rows[0].warehouse_code == books.wh.code
    totals = report.totals
    assert (str(totals.days_0_30), str(totals.days_31_60), str(totals.days_61_90),
            str(totals.days_over_90), str(totals.total)) == ("39.45", "10.00", Z, "50.00",
                                                              "99.45")  # fmt: skip
    assert totals.total == report.account_balance == _grni_owed() == D("99.45")
    assert report.reconciled is True
    assert verify() == []


def test_an_earlier_day_ages_only_what_was_booked_by_then(books):
    report = grni_ageing(as_of=books.today - timedelta(days=30))
    rows = _rows(report)
    assert rows["PO-00000"][2:] == (Z, Z, "50.00", Z, "50.00")  # 70 days old then
    assert rows[books.po2.number][2:] == ("15.00", Z, Z, Z, "15.00")  # not yet returned
    assert set(rows) == {"PO-00000", books.po2.number}
    assert report.account_balance == report.totals.total == D("65.00")


def test_a_supplier_invoice_clears_its_pos_oldest_receipt_first(books):
    _invoice(books.supplier_a, [(books.po1, 10, "5", books.receipt1, "50.00")], "50.00", 1)
    report = grni_ageing(as_of=books.today)
    row = _rows(report)["PO-00000"]
    assert row[1:] == (books.today - timedelta(days=20), "20.00", Z, Z, Z, "20.00")
    assert report.totals.total == report.account_balance == _grni_owed() == D("49.45")
    assert verify() == []


def test_an_invoice_across_two_pos_clears_what_each_match_cleared(books):
    lines = [(books.po1, 10, "5", books.receipt1, "50.00"),
             (books.po2, 2, "2.50", books.receipt2, "5.00")]  # fmt: skip
    _invoice(books.supplier_a, lines, "55.00", 2)
    rows = _rows(grni_ageing(as_of=books.today))
    assert rows["PO-00000"][2:] == ("20.00", Z, Z, Z, "20.00")
    assert rows[books.po2.number][2:] == (Z, "5.00", Z, Z, "5.00")
    assert verify() == []


def test_filters_show_the_suppliers_or_warehouses_pos_and_no_unassigned_row(books):
    by_supplier = grni_ageing(as_of=books.today, supplier=books.supplier_a.code.lower())
    assert set(_rows(by_supplier)) == {"PO-00000", books.po3.number}
    assert by_supplier.totals.total == D("86.45") and by_supplier.reconciled is None
    assert by_supplier.account_balance == D("99.45")
    by_wh = grni_ageing(as_of=books.today, warehouse=(books.wh.id, books.wh.code))
    assert set(_rows(by_wh)) == {"PO-00000"}


def test_the_api_answers_rows_totals_and_the_balance(client, auth, books):
    r = client.get(API, query_string={"as_of": books.today.isoformat()},
                   headers=auth("manager"))  # fmt: skip
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["account_balance"] == "99.45" and body["reconciled"] is True
    oldest = (books.today - timedelta(days=100)).isoformat()
    assert body["totals"] == {"oldest_receipt_date": oldest, "days_0_30": "39.45",
                              "days_31_60": "10.00", "days_61_90": Z, "days_over_90": "50.00",
                              "total": "99.45"}  # fmt: skip
    first = body["rows"][0]
    assert first == {
        "kind": "purchase_order", "po_id": books.po1.id, "po_number": "PO-00000",
        "supplier_id": books.supplier_a.id, "supplier_code": books.supplier_a.code,
        "warehouse_id": books.wh.id, "warehouse_code": books.wh.code,
        "oldest_receipt_date": (books.today - timedelta(days=100)).isoformat(),
        "days_0_30": "20.00", "days_31_60": Z, "days_61_90": Z, "days_over_90": "50.00",
        "total": "70.00",
    }  # fmt: skip
    assert body["rows"][-1]["kind"] == "unassigned" and body["rows"][-1]["po_id"] is None
    by_wh = client.get(API, query_string={"warehouse": books.wh.code}, headers=auth("manager"))
    assert [row["po_number"] for row in by_wh.get_json()["rows"]] == ["PO-00000"]


def test_the_csv_has_the_documented_columns_one_row_per_po_and_the_unassigned_row(
    client, auth, books
):
    r = client.get(f"{API}.csv", query_string={"as_of": books.today.isoformat()},
                   headers=auth("manager"))  # fmt: skip
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "text/csv"
    assert f"grni-ageing-{books.today.isoformat()}.csv" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0] == CSV_HEADER
    assert rows[1] == ["purchase_order", books.supplier_a.code, "PO-00000", books.wh.code,
                       (books.today - timedelta(days=100)).isoformat(), "20.00", Z, Z,
                       "50.00", "70.00"]  # fmt: skip
    assert rows[-1][:4] == ["unassigned", "", "", ""]
    assert sum(D(row[-1]) for row in rows[1:]) == D("99.45")


def test_supervisors_and_above_and_finance_read_it_and_bad_filters_are_refused(client, auth, books):
    for path in (API, f"{API}.csv"):
        assert client.get(path).status_code == 401
        r = client.get(path, headers=auth("worker"))
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
        for role in ("supervisor", "manager", "finance", "admin"):
            assert client.get(path, headers=auth(role)).status_code == 200, role
    h = auth("finance")
    r = client.get(API, query_string={"as_of": "2025-13-01"}, headers=h)
    assert r.status_code == 422, r.get_json()
    r = client.get(API, query_string={"supplier": "NO-SUCH"}, headers=h)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    r = client.get(API, query_string={"warehouse": "NO-SUCH-WH"}, headers=h)
    assert r.status_code == 404


PAGES = {"/console/grni-ageing": ["console_buying.js", "console_finance.js",
                                  "console_grni_ageing.js"]}  # fmt: skip


def test_the_console_page_is_a_finance_shell_calling_the_report_api(client):
    assert_shells(client, PAGES, 'id="finance-denied"', 'aria-label="Finance pages"')
    assert_nothing_inline_or_foreign(client, PAGES)
    assert_assets_served(client, PAGES)
    assert_scripts_call(client, {"/console/grni-ageing": ["/finance/grni-ageing"]})
    html = client.get("/console/grni-ageing").get_data(as_text=True)
    assert 'href="/api/v1/finance/grni-ageing.csv"' in html
    assert 'href="/console/grni-ageing" aria-current="page"' in html
