"""Landed costs through the API after real receiving: a charge spread over receipts by
value, quantity or weight raises the cost of the units still on hand (stock value and FIFO
layer) and puts the part of units already gone to COGS, in one balanced entry against
2300 Landed costs accrued. Refusals write nothing; the finance checks and a rebuild from
the ledger hold after each case.

Accounts of the default chart: 1300 inventory, 2100 GRNI, 2300 landed costs, 5000 COGS."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from scanfloor.extensions import db
from scanfloor.finance.document_models import CostAdjustment, LandedCost, LandedCostReceipt
from scanfloor.finance.journal_models import JournalEntry, JournalLine
from scanfloor.finance.rebuild import rebuild_check
from scanfloor.finance.verify import verify
from scanfloor.purchasing.terms_models import SupplierItem
from tests import finance_helpers as fh
from tests.factories import make_po, make_supplier, make_warehouse

API = "/api/v1/finance/landed-costs"
D = Decimal
TODAY = datetime.now(UTC).date()


def _dock() -> tuple[Any, Any]:
    wh = make_warehouse()
    return wh, fh.make_bin_in(wh, type="dock")


def _received(client: Any, auth: Any, supplier: Any, item: Any, qty: int, cost: str,
              dock: Any, **extra: Any) -> int:  # fmt: skip
    """A PO of `qty` @ `cost`, received in full at the dock; the receipt's id."""
    po = make_po(supplier, [(item, qty, cost)])
    r = client.post(
        f"/api/v1/purchase-orders/{po.id}/receive",
        headers=auth("worker"),
        json={"line_id": po.lines[0].id, "quantity": qty, "to_location": dock.code, **extra},
    )
    assert r.status_code == 201, r.get_json()
    return int(r.get_json()["receipt_line"]["receipt_id"])


def _charge(client: Any, auth: Any, receipts: list[int], amount: str, basis: str = "value",
            kind: str = "freight", on: date = TODAY) -> Any:  # fmt: skip
    return client.post(
        API,
        headers=auth("finance"),
        json={"charge_kind": kind, "basis": basis, "amount": amount, "receipt_ids": receipts,
              "reference": "BL-1", "charge_date": on.isoformat()},
    )  # fmt: skip


def _added(resp: Any) -> dict[str, Any]:
    assert resp.status_code == 201, resp.get_json()
    return dict(resp.get_json())


def _refused(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == code, error
    return dict(error)


def _written() -> dict[str, int]:
    """Rows of every table a charge writes, and the stock values: a refusal changes none."""
    db.session.rollback()
    out = {
        m.__tablename__: int(db.session.scalar(select(func.count()).select_from(m)) or 0)
        for m in (LandedCost, LandedCostReceipt, CostAdjustment, JournalEntry, JournalLine)
    }
    return out | {"values": hash(tuple(fh.values_snapshot()))}


def _books_hold() -> None:
    """Every finance check passes, and a rebuild from the ledger (replaying the charges'
    cost adjustments) gives the same values, layers and entries."""
    assert verify() == []
    assert rebuild_check() == []


def _entry_codes(entry_id: int) -> set[tuple[str, str, str]]:
    from scanfloor.finance.models import Account

    db.session.rollback()
    rows = db.session.execute(
        select(Account.code, JournalLine.debit, JournalLine.credit)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry_id)
    ).all()
    q = D("0.01")
    return {(c, str(D(str(d)).quantize(q)), str(D(str(k)).quantize(q))) for c, d, k in rows}


@pytest.mark.parametrize("method", ["moving_average", "fifo"])
def test_erpnexts_example_10_at_200_with_shipping_100_and_customs_150_cost_225_a_unit(
    app, client, auth, method
):
    wh, dock = _dock()
    it = fh.item(method)
    receipt = _received(client, auth, make_supplier(), it, 10, "200", dock)
    shipping = _added(_charge(client, auth, [receipt], "100.00", kind="freight"))
    customs = _added(_charge(client, auth, [receipt], "150.00", kind="duty"))

    assert fh.stock_value(it, wh) == (10, D("2250.00"))
    assert fh.balance("inventory", wh) == D("2250.00")
    assert fh.balance("landed_cost") == D("-250.00")
    (line,) = customs["lines"]
    assert (line["receipt_id"], line["units"], line["figure"]) == (receipt, 10, "2000.000000")
    assert (line["share"], line["on_hand_quantity"], line["on_hand_amount"],
            line["gone_amount"]) == ("150.00", 10, "150.00", "0.00")  # fmt: skip
    assert (customs["amount"], customs["receipt_ids"]) == ("150.00", [receipt])
    assert _entry_codes(shipping["entry_id"]) == {("1300", "100.00", "0.00"),
                                                  ("2300", "0.00", "100.00")}  # fmt: skip
    got = client.get(f"{API}/{shipping['id']}", headers=auth("finance")).get_json()
    assert got["lines"] == shipping["lines"] and got["charge_kind"] == "freight"
    _books_hold()
    if method == "fifo":
        assert fh.layers_left(it, wh) == [(10, "225", "2250.00")]


@pytest.mark.parametrize("method", ["moving_average", "fifo"])
def test_with_4_of_10_already_shipped_40_percent_of_the_charge_goes_to_cogs(
    app, client, auth, method
):
    wh, dock = _dock()
    it = fh.item(method)
    receipt = _received(client, auth, make_supplier(), it, 10, "200", dock)
    fh.ship(it, dock, 4)  # 800 to COGS
    added = _added(_charge(client, auth, [receipt], "250.00", basis="quantity"))

    (line,) = added["lines"]
    assert (line["on_hand_quantity"], line["on_hand_amount"], line["gone_amount"]) == (
        6, "150.00", "100.00")  # fmt: skip
    assert (added["on_hand_amount"], added["gone_amount"]) == ("150.00", "100.00")
    assert fh.stock_value(it, wh) == (6, D("1350.00"))
    assert fh.balance("cogs") == D("900.00")
    assert _entry_codes(added["entry_id"]) == {
        ("1300", "150.00", "0.00"),
        ("5000", "100.00", "0.00"),
        ("2300", "0.00", "250.00"),
    }
    _books_hold()
    if method == "fifo":
        assert fh.layers_left(it, wh) == [(6, "225", "1350.00")]


def test_a_charge_over_two_receipts_is_spread_by_their_value_to_the_cent(app, client, auth):
    wh, dock = _dock()
    big, small = fh.item("fifo"), fh.item()
    supplier = make_supplier()
    first = _received(client, auth, supplier, big, 10, "200", dock)  # 2,000
    second = _received(client, auth, supplier, small, 3, "111", dock)  # 333
    added = _added(_charge(client, auth, [second, first], "100.01"))

    shares = {ln["receipt_id"]: ln["share"] for ln in added["lines"]}
    # 100.01 x 2000 / 2333 = 85.7351.., x 333 / 2333 = 14.2748..: 85.73 + 14.27 leaves a
    # cent, which goes to the larger remainder (0.51 of a cent against 0.48).
    assert shares == {first: "85.74", second: "14.27"}
    assert added["receipt_ids"] == [first, second]
    assert fh.stock_value(big, wh) == (10, D("2085.74"))
    assert fh.stock_value(small, wh) == (3, D("347.27"))
    listed = client.get(API, query_string={"receipt": second}, headers=auth("finance"))
    assert [c["id"] for c in listed.get_json()["landed_costs"]] == [added["id"]]
    _books_hold()


def test_a_receipt_line_with_damaged_units_spreads_over_both_its_movements(app, client, auth):
    wh, dock = _dock()
    fh.make_bin_in(wh, type="quarantine")
    it = fh.item()
    receipt = _received(client, auth, make_supplier(), it, 10, "20", dock,
                        damaged_quantity=2, damage_reason="crushed")  # fmt: skip
    added = _added(_charge(client, auth, [receipt], "30.00", basis="quantity"))
    assert [(ln["units"], ln["share"]) for ln in added["lines"]] == [(8, "24.00"), (2, "6.00")]
    assert len({ln["receipt_line_id"] for ln in added["lines"]}) == 1
    assert fh.stock_value(it, wh) == (10, D("230.00"))
    _books_hold()


def test_a_charge_spread_by_weight_uses_the_suppliers_case_weight(app, client, auth):
    wh, dock = _dock()
    heavy, light = fh.item(), fh.item()
    supplier = make_supplier()
    for it, kg, pack in ((heavy, "12", 6), (light, "1", 4)):  # 2 kg / unit, 0.25 kg / unit
        db.session.add(SupplierItem(supplier_id=supplier.id, item_id=it.id, unit_cost=D("1"),
                                    case_pack=pack, case_weight_kg=D(kg)))  # fmt: skip
    db.session.commit()
    a = _received(client, auth, supplier, heavy, 10, "1", dock)  # 20 kg
    b = _received(client, auth, supplier, light, 20, "50", dock)  # 5 kg
    added = _added(_charge(client, auth, [a, b], "50.00", basis="weight"))
    assert [(ln["figure"], ln["share"]) for ln in added["lines"]] == [
        ("20.000000", "40.00"), ("5.000000", "10.00")]  # fmt: skip
    assert fh.stock_value(heavy, wh) == (10, D("50.00"))
    _books_hold()
    # The supplier's terms change later: the charge still shows the weights it was spread by.
    db.session.execute(update(SupplierItem).values(case_weight_kg=D("99")))
    db.session.commit()
    again = client.get(f"/api/v1/finance/landed-costs/{added['id']}", headers=auth("finance"))
    assert [ln["figure"] for ln in again.get_json()["lines"]] == ["20.000000", "5.000000"]


def test_refused_charges_write_nothing(app, client, auth):
    _, dock = _dock()
    it = fh.item()
    receipt = _received(client, auth, make_supplier(), it, 10, "200", dock)
    before = _written()

    unknown = _refused(_charge(client, auth, [receipt, 999_999], "10.00"), 404, "not_found")
    assert unknown["details"]["receipt_ids"] == [999_999]
    _refused(_charge(client, auth, [receipt], "0.00"), 422, "validation_failed")
    _refused(_charge(client, auth, [receipt], "-5.00"), 422, "validation_failed")
    no_weight = _refused(_charge(client, auth, [receipt], "10.00", basis="weight"), 422,
                         "validation_failed")  # fmt: skip
    assert no_weight["details"]["rule"] == "weight_unknown"
    assert len(no_weight["details"]["movements"]) == 1
    _refused(_charge(client, auth, [receipt], "10.001"), 422, "validation_failed")
    assert _written() == before
    _books_hold()


def test_a_closed_month_refuses_a_charge_dated_in_it(app, client, auth):
    _, dock = _dock()
    it = fh.item()
    receipt = _received(client, auth, make_supplier(), it, 10, "200", dock)
    last_month_day = TODAY.replace(day=1) - timedelta(days=1)
    month = last_month_day.strftime("%Y-%m")
    closed = client.post(f"/api/v1/finance/periods/{month}/close", headers=auth("finance"))
    assert closed.status_code == 200, closed.get_json()
    before = _written()
    error = _refused(_charge(client, auth, [receipt], "10.00", on=last_month_day), 409,
                     "period_closed")  # fmt: skip
    assert error["details"]["period"] == month
    assert _written() == before
    assert _added(_charge(client, auth, [receipt], "10.00"))["entry_id"] is not None
    _books_hold()


def test_finance_and_admins_add_landed_costs_others_above_workers_only_read_them(app, client, auth):
    _, dock = _dock()
    receipt = _received(client, auth, make_supplier(), fh.item(), 1, "5", dock)
    body = {"charge_kind": "freight", "basis": "value", "amount": "1.00",
            "receipt_ids": [receipt], "charge_date": TODAY.isoformat()}  # fmt: skip
    before = _written()
    for role in ("worker", "supervisor", "manager"):
        _refused(client.post(API, headers=auth(role), json=body), 403, "forbidden")
    assert _written() == before
    _refused(client.get(API, headers=auth("worker")), 403, "forbidden")
    for role in ("supervisor", "manager", "finance", "admin"):
        assert client.get(API, headers=auth(role)).status_code == 200, role
    _refused(client.get(f"{API}/999999", headers=auth("finance")), 404, "not_found")
    # A cursor past any INTEGER id pages from the newest (PostgreSQL would refuse the bind).
    far = client.get(API, query_string={"cursor": "431656658008574311"}, headers=auth("finance"))
    assert far.status_code == 200 and far.get_json()["landed_costs"] == []
    assert _added(client.post(API, headers=auth("admin"), json=body))["entry_id"] is not None


def test_a_charge_sent_again_with_the_same_idempotency_key_is_added_once(app, client, auth):
    wh, dock = _dock()
    it = fh.item()
    receipt = _received(client, auth, make_supplier(), it, 10, "200", dock)
    body = {"charge_kind": "handling", "basis": "quantity", "amount": "20.00",
            "receipt_ids": [receipt], "charge_date": TODAY.isoformat()}  # fmt: skip
    h = {**auth("finance"), "Idempotency-Key": "landed-1"}
    first = _added(client.post(API, headers=h, json=body))
    again = _added(client.post(API, headers=h, json=body))
    assert again["id"] == first["id"]
    assert fh.stock_value(it, wh) == (10, D("2020.00"))
    _books_hold()
