"""Revenue and customer credits in the journal: a shipment books, per order, one entry Dr
channel receivable (net + tax) / Cr revenue (net) / Cr tax payable (tax), its lines' shares
summing exactly to each line once it has shipped whole; a line with no price books none; a
return inspection's credit books Dr returns / Cr channel receivable; the books still hold.
Order capture takes each line's discount and tax."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from scanfloor.allocation.models import OrderLine
from scanfloor.extensions import db
from scanfloor.finance import queries
from scanfloor.finance.journal_models import JournalEntry, JournalLine
from scanfloor.finance.models import Account
from scanfloor.finance.periods_service import close_period
from scanfloor.finance.verify import verify
from scanfloor.ledger.models import Posting
from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment
from tests import finance_helpers as fh
from tests.factories import make_item
from tests.returns_helpers import (
    capture,
    grant,
    inspect,
    ledger_state,
    receive_scan,
    return_site,
    scanned_item,
    shipped_order,
)
from tests.shipping_helpers import packed_order

D = Decimal
# The default chart's accounts (migration 0016) for each role.
RECEIVABLE, REVENUE, TAX, RETURNS = "1200", "4000", "2200", "4100"


def _orm_item(item_id: int) -> Any:
    from scanfloor.catalog.models import Item

    return db.session.get(Item, item_id)


def _stocked(rs: Any, quantity: int = 10) -> Any:
    """An item with `quantity` units in A-1 received at 3.10 a unit (so shipping books COGS)."""
    it = scanned_item(rs, 0)
    fh.receive(_orm_item(it.id), rs.site.bin, quantity, "3.10")
    return it


def _d(value: str | None) -> Decimal | None:
    return None if value is None else D(value)


def _price(order_id: int, price: str | None, discount: str | None = None,
           tax: str | None = None) -> None:  # fmt: skip
    """Set every line's price, discount and tax (packed_order captures without them)."""
    db.session.execute(
        update(OrderLine)
        .where(OrderLine.order_id == order_id)
        .values(price=_d(price), discount=_d(discount), tax=_d(tax))
    )
    db.session.commit()


def _ship(rs: Any, sscc: str) -> int:
    """One shipment with this carton, confirmed; its posting id."""
    shipment = open_shipment(rs.warehouse.id, rs.site.carrier, "standard", actor_id=None)
    add_carton(shipment.id, sscc, actor_id=None)
    confirm_shipment(shipment.id, actor_id=None)
    db.session.rollback()
    found = db.session.scalar(
        select(Posting.id).where(
            Posting.source_type == "shipment", Posting.source_id == str(shipment.id)
        )
    )
    assert found is not None
    return int(found)


def _entries(kind: str) -> list[tuple[JournalEntry, set[tuple[str, str, str]]]]:
    """Entries of a kind, oldest first, each with its lines as (code, debit, credit)."""
    db.session.rollback()
    out = []
    for e in db.session.scalars(
        select(JournalEntry).where(JournalEntry.kind == kind).order_by(JournalEntry.id)
    ):
        rows = db.session.execute(
            select(Account.code, JournalLine.debit, JournalLine.credit)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalLine.entry_id == e.id)
        ).all()
        q = D("0.01")
        out.append((e, {(c, str(D(d).quantize(q)), str(D(k).quantize(q))) for c, d, k in rows}))
    return out


def _books_hold() -> None:
    db.session.rollback()
    assert verify() == []
    tb = queries.trial_balance()
    assert tb.balanced and tb.debit == tb.credit


def test_two_shipments_of_a_line_book_its_net_and_tax_to_the_cent(app):
    """10.00 x 3 less 3.00 discount, tax 5.40, shipped 2 then 1: 18.00 + 3.60, then 9.00
    + 1.80; together receivable 32.40, revenue 27.00, tax 5.40."""
    rs = return_site(app)
    it = _stocked(rs)
    packed = packed_order(rs.site, [(_orm_item(it.id), 3)], cartons=[{it.id: 2}, {it.id: 1}])
    _price(packed.order_id, "10.00", "3.00", "5.40")

    first = _ship(rs, packed.ssccs[0])
    ((entry, lines),) = _entries("revenue")
    assert lines == {(RECEIVABLE, "21.60", "0.00"), (REVENUE, "0.00", "18.00"),
                     (TAX, "0.00", "3.60")}  # fmt: skip
    assert (entry.movement_id, entry.posting_id) == (None, first)
    assert (entry.source_type, entry.source_id) == ("order", str(packed.order_id))
    assert str(packed.order_id) in entry.memo

    second = _ship(rs, packed.ssccs[1])
    (_, (again, lines)) = _entries("revenue")
    assert lines == {(RECEIVABLE, "10.80", "0.00"), (REVENUE, "0.00", "9.00"),
                     (TAX, "0.00", "1.80")}  # fmt: skip
    assert (again.posting_id, again.source_id) == (second, str(packed.order_id))
    assert fh.balance("channel_receivable") == D("32.40")
    assert fh.balance("revenue") == D("-27.00")
    assert fh.balance("tax_payable") == D("-5.40")
    # The goods' half is still valuation's: COGS per ship movement, at cost.
    assert len(fh.movements_of(it.id, "ship")) == 2
    assert fh.balance("cogs") == D("9.30")
    _books_hold()


def test_a_line_with_no_price_books_no_revenue(app):
    rs = return_site(app)
    it = _stocked(rs)
    shipped_order(rs, [(it, 2)])
    assert _entries("revenue") == []
    assert fh.balance("revenue") == D("0.00")
    assert fh.balance("cogs") == D("6.20")  # COGS is booked all the same
    _books_hold()


def test_an_order_books_one_entry_for_its_priced_lines_only(app):
    rs = return_site(app)
    priced, free = _stocked(rs), _stocked(rs)
    packed = packed_order(rs.site, [(_orm_item(priced.id), 2), (_orm_item(free.id), 1)])
    first_line, second_line = packed.line_ids
    db.session.execute(
        update(OrderLine).where(OrderLine.id == first_line).values(price=D("4.995"), tax=D("2"))
    )
    db.session.commit()
    _ship(rs, packed.ssccs[0])
    ((_, lines),) = _entries("revenue")
    assert lines == {(RECEIVABLE, "11.99", "0.00"), (REVENUE, "0.00", "9.99"),
                     (TAX, "0.00", "2.00")}  # fmt: skip
    assert db.session.get(OrderLine, second_line).price is None
    _books_hold()


def _received_return(app: Any, client: Any, auth: Any, users: Any) -> tuple[int, int]:
    """An order of 4 at 10.00 shipped (revenue 40.00), its 4 units returned and received."""
    rs = return_site(app)
    grant(users, rs.warehouse)
    it = _stocked(rs)
    packed = packed_order(rs.site, [(_orm_item(it.id), 4)])
    _price(packed.order_id, "10.00")
    _ship(rs, packed.ssccs[0])
    order = type("Shipped", (), {"external_id": packed.external_id})()
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 4}]).get_json()
    got = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=4).get_json()
    return got["rma"]["id"], got["line_id"]


def test_a_partial_credit_books_returns_against_the_channel_receivable(app, client, auth, users):
    rma_id, line_id = _received_return(app, client, auth, users)
    h = auth("worker")
    part = inspect(client, h, rma_id, line_id, credit="partial").get_json()["inspection"]
    assert part["credit_amount"] == "8.50"  # 10.00 less the 15 % restocking fee
    none = inspect(client, h, rma_id, line_id, credit="none").get_json()["inspection"]
    assert none["credit_amount"] == "0.00"

    ((entry, lines),) = _entries("customer_credit")  # a credit of 0 books nothing
    assert lines == {(RETURNS, "8.50", "0.00"), (RECEIVABLE, "0.00", "8.50")}
    assert (entry.source_type, entry.source_id) == ("return_inspection", str(part["id"]))
    assert (entry.movement_id, entry.posting_id) == (None, part["posting_id"])
    assert fh.balance("channel_receivable") == D("31.50")
    assert fh.balance("returns") == D("8.50")
    _books_hold()


def test_a_credit_in_a_closed_month_refuses_the_inspection(app, client, auth, users):
    rma_id, line_id = _received_return(app, client, auth, users)
    now = datetime.now(UTC)
    close_period(f"{now.year:04d}-{now.month:02d}", users["manager"].id)
    before = ledger_state()
    r = inspect(client, auth("worker"), rma_id, line_id, credit="full")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "period_closed"
    assert ledger_state() == before
    assert _entries("customer_credit") == []


# --- order capture: discount and tax --------------------------------------------------


def _order(external_id: str, channel: str, **line: Any) -> dict[str, Any]:
    return {"channel": channel, "external_id": external_id, "lines": [line]}


def test_capture_keeps_each_lines_discount_and_tax(app, client, auth):
    rs = return_site(app)
    it = _stocked(rs)
    body = _order("D-1", rs.channel, sku=it.sku, quantity=3, price="10", discount="3",
                  tax="5.40")  # fmt: skip
    r = client.post("/api/v1/orders", json=body, headers=auth("manager"))
    assert r.status_code == 201, r.get_json()
    (line,) = r.get_json()["lines"]
    assert (line["price"], line["discount"], line["tax"]) == ("10.0000", "3.0000", "5.4000")
    again = client.post("/api/v1/orders", json=body, headers=auth("manager"))
    assert again.status_code == 200 and again.get_json()["id"] == r.get_json()["id"]


def test_capture_refuses_a_discount_above_the_line_or_money_without_a_price(app, client, auth):
    rs = return_site(app)
    it = _stocked(rs)
    h = auth("manager")
    cases = [
        ({"price": "10", "discount": "30.01"}, "discount"),
        ({"discount": "1"}, "discount"),
        ({"tax": "1"}, "tax"),
        ({"price": "10", "tax": "-1"}, "tax"),
        ({"price": "10", "discount": "1.00001"}, "discount"),
    ]
    for n, (money, field) in enumerate(cases):
        body = _order(f"X-{n}", rs.channel, sku=it.sku, quantity=3, **money)
        r = client.post("/api/v1/orders", json=body, headers=h)
        assert r.status_code in (400, 422), (money, r.get_json())
        assert field in str(r.get_json()["error"]), (money, r.get_json())
    assert db.session.scalar(select(OrderLine.id)) is None


def test_a_kits_discount_and_tax_go_on_its_first_component_row(app, client, auth):
    rs = return_site(app)
    a, b = _stocked(rs), _stocked(rs)
    kit = make_item("KIT-REV")
    r = client.post(
        "/api/v1/kits",
        json={"sku": kit.sku, "components": [{"sku": a.sku, "quantity": 2},
                                             {"sku": b.sku, "quantity": 1}]},
        headers=auth("manager"),
    )  # fmt: skip
    assert r.status_code == 200, r.get_json()
    body = _order("K-1", rs.channel, sku=kit.sku, quantity=2, price="15", discount="6", tax="4")
    r = client.post("/api/v1/orders", json=body, headers=auth("manager"))
    assert r.status_code == 201, r.get_json()
    rows = sorted(r.get_json()["lines"], key=lambda ln: ln["id"])
    assert [(ln["discount"], ln["tax"]) for ln in rows] == [("6.0000", "4.0000"), (None, None)]
    assert {ln["price"] for ln in rows} == {"15.0000"}
