"""Channel settlements imported and booked: a Shopify payout (two charges with their fees,
a refund, the payout) clears the receivable its orders' shipments booked, books the fees,
and leaves the clearing account holding the payout; an Amazon V2 report likewise (orders
found by merchant-order-id); a settlement is imported once; a bad file, a total that does
not add up or a closed month write nothing; and each exception queue shows its case with
its age and amount. The books still hold after each import."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from scanfloor.extensions import db
from scanfloor.finance.periods_service import close_period
from scanfloor.finance.verify import verify
from scanfloor.packing.models import Carton
from scanfloor.shipping.models import Shipment
from tests import finance_helpers as fh
from tests.returns_helpers import allocated_order, return_site, scanned_item, set_prices
from tests.shipping_helpers import packed_order

D = Decimal
URL = "/api/v1/finance/settlements"
HEAD = (
    '"Transaction Date","Type","Order","Card Brand","Card Source","Payout Status",'
    '"Payout Date","Payout ID","Available On","Amount","Fee","Net","Checkout","Currency"'
)


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _shopify(payout: str, rows: list[tuple[str, str, str, str]]) -> bytes:
    """A payout export: (type, order, amount, fee) rows, then the payout row."""
    day = _today()
    out = [HEAD]
    total = D(0)
    for kind, order, amount, fee in rows:
        net = D(amount) - D(fee)
        total += net
        out.append(f'"{day} 10:00:00 +0100","{kind}","{order}","visa","online","paid","{day}",'
                   f'"{payout}","{day}","{amount}","{fee}","{net}","1","EUR"')  # fmt: skip
    out.append(f'"{day} 11:00:00 +0100","payout","","","","paid","{day}","{payout}","{day}",'
               f'"{-total}","0.00","{-total}","","EUR"')  # fmt: skip
    return ("\n".join(out) + "\n").encode()


def _upload(client: Any, h: dict[str, str], data: bytes, source: str = "shopify_payouts",
            channel: str = "WEB") -> Any:  # fmt: skip
    form = {"file": (io.BytesIO(data), "payout.csv"), "channel": channel, "source": source}
    return client.post(URL, data=form, headers=h, content_type="multipart/form-data")


def _item(rs: Any) -> Any:
    from scanfloor.catalog.models import Item

    it = scanned_item(rs, 0)
    fh.receive(db.session.get(Item, it.id), rs.site.bin, 20, "3.10")
    return db.session.get(Item, it.id)


def _shipped(rs: Any, it: Any, price: str) -> Any:
    """An order of 1 unit at `price` packed and shipped (revenue books price)."""
    from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment

    packed = packed_order(rs.site, [(it, 1)])
    set_prices(packed.order_id, price)
    shipment = open_shipment(rs.warehouse.id, rs.site.carrier, "standard", actor_id=None)
    add_carton(shipment.id, packed.ssccs[0], actor_id=None)
    confirm_shipment(shipment.id, actor_id=None)
    db.session.rollback()
    return packed


def _counts() -> dict[str, int]:
    db.session.rollback()
    return fh.table_counts()


def _books_hold() -> None:
    db.session.rollback()
    assert verify() == []


def test_a_shopify_payout_clears_the_receivable_books_fees_and_holds_the_payout(app, client, auth):
    rs = return_site(app)
    it = _item(rs)
    a, b = _shipped(rs, it, "50.00"), _shipped(rs, it, "30.00")
    assert fh.balance("channel_receivable") == D("80.00")
    data = _shopify("P-1", [("charge", f"#{a.external_id}", "50.00", "1.75"),
                            ("charge", f"#{b.external_id}", "30.00", "1.15"),
                            ("refund", f"#{a.external_id}", "-10.00", "0.00")])  # fmt: skip
    h = auth("finance")
    r = _upload(client, h, data)
    assert r.status_code == 201, r.get_json()
    got = r.get_json()
    assert (got["reference"], got["total"], got["unmapped_count"]) == ("P-1", "67.10", 0)
    assert [ln["order_id"] for ln in got["lines"]] == [a.order_id, b.order_id, a.order_id, None]
    assert fh.balance("channel_receivable") == D("10.00")  # 80 - 80 + the 10 refunded
    assert fh.balance("channel_fees") == D("2.90")
    assert fh.balance("channel_clearing") == D("67.10")
    _books_hold()

    before = _counts()
    again = _upload(client, h, data)
    assert again.status_code == 409
    err = again.get_json()["error"]
    assert err["code"] == "duplicate_settlement" and err["details"]["settlement_id"] == got["id"]
    assert _counts() == before
    listed = client.get(URL, headers=h).get_json()["settlements"]
    assert [s["id"] for s in listed] == [got["id"]]
    one = client.get(f"{URL}/{got['id']}", headers=h).get_json()
    assert len(one["lines"]) == 4 and one["entry_id"] is not None
    assert client.get(URL, headers=auth("worker")).status_code == 403


def test_an_amazon_report_maps_orders_by_merchant_order_id_and_books_its_fees(app, client, auth):
    rs = return_site(app)
    it = _item(rs)
    o = _shipped(rs, it, "40.00")
    day = _today()
    cols = 24
    head = ("settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\t"
            "total-amount\tcurrency\ttransaction-type\torder-id\tmerchant-order-id\t"
            "adjustment-id\tshipment-id\tmarketplace-name\tamount-type\tamount-description\t"
            "amount\tfulfillment-id\tposted-date\tposted-date-time\torder-item-code\t"
            "merchant-order-item-id\tmerchant-adjustment-item-id\tsku\tquantity-purchased\t"
            "promotion-id")  # fmt: skip

    def row(**cells: str) -> str:
        names = head.split("\t")
        return "\t".join(cells.get(n.replace("-", "_"), "") for n in names[:cols])

    order = {"settlement_id": "S-9", "transaction_type": "Order", "order_id": "028-1",
             "merchant_order_id": o.external_id, "posted_date": day}  # fmt: skip
    text = "\n".join([
        head,
        row(settlement_id="S-9", settlement_start_date=day, settlement_end_date=day,
            deposit_date=day, total_amount="33.40", currency="EUR"),
        row(**order, amount_type="ItemPrice", amount_description="Principal", amount="36.00"),
        row(**order, amount_type="ItemPrice", amount_description="Tax", amount="4.00"),
        row(**order, amount_type="ItemFees", amount_description="Commission", amount="-6.00"),
        row(settlement_id="S-9", transaction_type="ServiceFee", amount_type="other-transaction",
            amount_description="Subscription Fee", amount="-0.60", posted_date=day),
    ]) + "\n"  # fmt: skip
    h = auth("finance")
    r = _upload(client, h, text.encode(), "amazon_v2")
    assert r.status_code == 201, r.get_json()
    assert [ln["order_id"] for ln in r.get_json()["lines"]] == [o.order_id] * 3 + [None]
    assert fh.balance("channel_receivable") == D("0.00")
    assert fh.balance("channel_fees") == D("6.60")
    assert fh.balance("channel_clearing") == D("33.40")
    _books_hold()
    before = _counts()
    assert _upload(client, h, text.encode(), "amazon_v2").status_code == 409
    assert _counts() == before


def test_a_bad_file_a_wrong_total_or_a_closed_month_write_nothing(app, client, auth, users):
    rs = return_site(app)
    it = _item(rs)
    a = _shipped(rs, it, "50.00")
    h = auth("finance")
    before = _counts()
    good = _shopify("P-2", [("charge", f"#{a.external_id}", "50.00", "1.75")])
    r = _upload(client, h, good.replace(b'"50.00"', b'"fifty"'))
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["code"] == "invalid_settlement_file"
    assert (err["details"]["row"], err["details"]["column"]) == (2, "Amount")
    wrong = good.replace(b'"-48.25","0.00","-48.25"', b'"-48.00","0.00","-48.00"')
    r = _upload(client, h, wrong)
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["code"] == "settlement_total_mismatch"
    assert (err["details"]["total"], err["details"]["lines_total"]) == ("48.00", "48.25")
    assert _upload(client, h, good, channel="NOPE").status_code == 404
    assert _counts() == before
    now = datetime.now(UTC)
    close_period(f"{now.year:04d}-{now.month:02d}", users["finance"].id)
    before = _counts()
    r = _upload(client, h, good)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "period_closed"
    assert _counts() == before


def test_each_exception_queue_shows_its_case_with_age_and_amount(app, client, auth):
    rs = return_site(app)
    it = _item(rs)
    late = _shipped(rs, it, "20.00")  # shipped 20 days ago, never settled
    refunded = _shipped(rs, it, "25.00")  # settled, then refunded with no return
    short = _shipped(rs, it, "32.00")  # settled 30.00 of the 32.00 invoiced
    unshipped = allocated_order(rs, [(scanned_item(rs, 5), 1)])
    old = datetime.now(UTC) - timedelta(days=20)
    db.session.execute(
        update(Shipment)
        .where(Shipment.id.in_(
            db.session.query(Carton.shipment_id).filter(Carton.order_id == late.order_id)))
        .values(confirmed_at=old)
    )  # fmt: skip
    db.session.commit()
    data = _shopify("P-3", [("charge", f"#{refunded.external_id}", "25.00", "0.80"),
                            ("refund", f"#{refunded.external_id}", "-25.00", "0.00"),
                            ("charge", f"#{short.external_id}", "30.00", "1.00"),
                            ("charge", f"#{unshipped.external_id}", "20.00", "0.70"),
                            ("charge", "#NOPE-1", "12.00", "0.40")])  # fmt: skip
    h = auth("finance")
    assert _upload(client, h, data).status_code == 201
    _books_hold()

    def queue(kind: str) -> list[dict[str, Any]]:
        r = client.get(f"/api/v1/finance/settlement-exceptions?kind={kind}&channel=WEB",
                       headers=h)  # fmt: skip
        assert r.status_code == 200, r.get_json()
        return list(r.get_json()["exceptions"])

    (row,) = queue("not_settled")
    assert (row["order_id"], row["age_days"], row["amount"]) == (late.order_id, 20, "20.00")
    (row,) = queue("refund_without_return")
    assert (row["order_id"], row["age_days"], row["amount"]) == (refunded.order_id, 0, "25.00")
    (row,) = queue("settled_not_shipped")
    assert (row["order_id"], row["amount"]) == (unshipped.id, "20.00")
    (row,) = queue("amount_differs")
    assert (row["order_id"], row["amount"]) == (short.order_id, "-2.00")
    assert row["detail"] == {"settled": "30.0000", "invoiced": "32.0000"}
    (row,) = queue("unmapped")
    assert (row["order_reference"], row["amount"], row["order_id"]) == ("#NOPE-1", "11.60", None)
    every = client.get("/api/v1/finance/settlement-exceptions", headers=h).get_json()
    assert len(every["exceptions"]) == 5
    app.config["SCANFLOOR_SETTLEMENT_DAYS"] = 30
    assert queue("not_settled") == []
    # A channel that pays on its own rhythm: its own days, whatever the default.
    app.config["SCANFLOOR_SETTLEMENT_DAYS_WEB"] = 10
    assert [r["order_id"] for r in queue("not_settled")] == [late.order_id]
    del app.config["SCANFLOOR_SETTLEMENT_DAYS_WEB"]
    other = client.get("/api/v1/finance/settlement-exceptions?channel=ELSE", headers=h)
    assert other.get_json()["exceptions"] == []
