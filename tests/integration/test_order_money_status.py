"""An order's money status in its API answer (GET /orders/{id}: `finance`, for supervisors
and above and finance, docs/decisions/0026): captured with its priced total; shipped once
revenue is booked (the receivable); settled once a settlement line names it (amount, fee,
the settlement's reference and deposit date); returned once the channel refunded it or a
return's inspection credited the customer. Every finance reader sees the money; a worker
reads no order."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from scanfloor.allocation.models import OrderLine
from scanfloor.extensions import db
from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment
from tests import finance_helpers as fh
from tests.returns_helpers import capture, grant, inspect, receive_scan, return_site, scanned_item
from tests.shipping_helpers import packed_order

D = Decimal
HEAD = (
    '"Transaction Date","Type","Order","Card Brand","Card Source","Payout Status",'
    '"Payout Date","Payout ID","Available On","Amount","Fee","Net","Checkout","Currency"'
)


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _payout(payout: str, rows: list[tuple[str, str, str, str]]) -> bytes:
    day = _today()
    out, total = [HEAD], D(0)
    for kind, order, amount, fee in rows:
        net = D(amount) - D(fee)
        total += net
        out.append(f'"{day} 10:00:00 +0100","{kind}","{order}","visa","online","paid","{day}",'
                   f'"{payout}","{day}","{amount}","{fee}","{net}","1","EUR"')  # fmt: skip
    out.append(f'"{day} 11:00:00 +0100","payout","","","","paid","{day}","{payout}","{day}",'
               f'"{-total}","0.00","{-total}","","EUR"')  # fmt: skip
    return ("\n".join(out) + "\n").encode()


def _upload(client: Any, h: dict[str, str], data: bytes) -> Any:
    form = {"file": (io.BytesIO(data), "payout.csv"), "channel": "WEB",
            "source": "shopify_payouts"}  # fmt: skip
    r = client.post("/api/v1/finance/settlements", data=form, headers=h,
                    content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _packed(rs: Any, quantity: int, price: str, tax: str | None = None) -> Any:
    from scanfloor.catalog.models import Item

    it = scanned_item(rs, 0)
    fh.receive(db.session.get(Item, it.id), rs.site.bin, 20, "3.10")
    packed = packed_order(rs.site, [(db.session.get(Item, it.id), quantity)])
    db.session.execute(
        update(OrderLine)
        .where(OrderLine.order_id == packed.order_id)
        .values(price=D(price), tax=None if tax is None else D(tax))
    )
    db.session.commit()
    return it, packed


def _ship(rs: Any, sscc: str) -> None:
    shipment = open_shipment(rs.warehouse.id, rs.site.carrier, "standard", actor_id=None)
    add_carton(shipment.id, sscc, actor_id=None)
    confirm_shipment(shipment.id, actor_id=None)
    db.session.rollback()


def _money(client: Any, h: dict[str, str], order_id: int) -> dict[str, Any]:
    r = client.get(f"/api/v1/orders/{order_id}", headers=h)
    assert r.status_code == 200, r.get_json()
    return dict(r.get_json()["finance"])


def test_an_order_goes_from_captured_to_shipped_to_settled_with_its_fee(app, client, auth):
    rs = return_site(app)
    _, packed = _packed(rs, 2, "25.00", tax="10.00")
    h = auth("finance")
    money = _money(client, h, packed.order_id)
    assert (money["stage"], money["ordered"], money["invoiced"]) == ("captured", "60.00", "0.00")
    assert [s["step"] for s in money["steps"]] == ["captured"]

    _ship(rs, packed.ssccs[0])
    money = _money(client, h, packed.order_id)
    assert (money["stage"], money["invoiced"]) == ("shipped", "60.00")
    shipped = [s for s in money["steps"] if s["step"] == "shipped"]
    assert [(s["amount"], s["on"]) for s in shipped] == [("60.00", _today())]
    assert shipped[0]["entry_id"] is not None

    got = _upload(client, h, _payout("P-7", [("charge", f"#{packed.external_id}", "60.00",
                                                  "2.04")]))  # fmt: skip
    money = _money(client, h, packed.order_id)
    assert (money["stage"], money["settled"], money["fees"]) == ("settled", "60.00", "2.04")
    (settled,) = [s for s in money["steps"] if s["step"] == "settled"]
    assert (settled["amount"], settled["fee"], settled["reference"], settled["kind"]) == (
        "60.00", "2.04", "P-7", "order")  # fmt: skip
    assert (settled["deposit_date"], settled["settlement_id"]) == (_today(), got["id"])
    assert [s["step"] for s in money["steps"]] == ["captured", "shipped", "settled"]


def test_a_channel_refund_marks_the_order_returned(app, client, auth):
    rs = return_site(app)
    _, packed = _packed(rs, 1, "40.00")
    _ship(rs, packed.ssccs[0])
    h = auth("finance")
    ref = f"#{packed.external_id}"
    _upload(client, h, _payout("P-8", [("charge", ref, "40.00", "1.46"),
                                       ("refund", ref, "-15.00", "0.00")]))  # fmt: skip
    money = _money(client, h, packed.order_id)
    assert (money["stage"], money["settled"], money["refunded"]) == ("returned", "40.00", "15.00")
    assert [s["step"] for s in money["steps"]][-2:] == ["settled", "refunded"]


def test_a_return_credited_to_the_customer_marks_the_order_returned(app, client, auth, users):
    rs = return_site(app)
    grant(users, rs.warehouse)
    it, packed = _packed(rs, 2, "10.00")
    _ship(rs, packed.ssccs[0])
    order = type("Shipped", (), {"external_id": packed.external_id})()
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 1}]).get_json()
    got = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=1).get_json()
    done = inspect(client, auth("worker"), got["rma"]["id"], got["line_id"], credit="full")
    credit = done.get_json()["inspection"]["credit_amount"]
    money = _money(client, auth("manager"), packed.order_id)
    assert (money["stage"], money["invoiced"], money["credited"]) == ("returned", "20.00", credit)
    (step,) = [s for s in money["steps"] if s["step"] == "credited"]
    assert step["amount"] == credit and step["entry_id"] is not None


def test_every_finance_reader_reads_the_order_with_its_money_and_a_worker_no_order(
    app, client, auth
):
    rs = return_site(app)
    _, packed = _packed(rs, 1, "12.00")
    for role in ("supervisor", "manager", "finance", "admin"):
        r = client.get(f"/api/v1/orders/{packed.order_id}", headers=auth(role))
        assert r.status_code == 200, role
        body = r.get_json()
        assert (body["finance"]["stage"], body["finance"]["ordered"]) == ("captured", "12.00")
        assert body["lines"][0]["price"] == "12.0000"
        assert body["external_id"] == packed.external_id
    assert client.get("/api/v1/orders/999999", headers=auth("finance")).status_code == 404
    r = client.get(f"/api/v1/orders/{packed.order_id}", headers=auth("worker"))
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
