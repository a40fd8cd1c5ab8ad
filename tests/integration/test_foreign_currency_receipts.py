"""A purchase in another currency than the functional one (EUR here) is received at the rate
of the receipt's day: the movement carries the converted unit cost, finance values it so,
and the receipt line records the currency and rate. A rate entered later never changes
what was received; no rate known refuses the confirmation (exchange_rate_missing) and
writes nothing. Rates are entered by finance (or an admin) through the API; managers read them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.extensions import db
from scanfloor.finance.fx_service import set_rate
from scanfloor.finance.rebuild import rebuild_check
from scanfloor.finance.verify import verify
from scanfloor.ledger.models import Movement
from scanfloor.purchasing.models import PurchaseOrder, PurchaseOrderLine
from scanfloor.purchasing.suppliers_service import create_supplier
from scanfloor.receiving.models import ReceiptLine
from tests import finance_helpers as fh
from tests.factories import ledger_snapshot, make_po, make_supplier, make_warehouse

API = "/api/v1/finance/exchange-rates"
D = Decimal
TODAY = datetime.now(UTC).date()
_seq = itertools.count(1)


@pytest.fixture
def dock(app: Any) -> tuple[Any, Any]:
    wh = make_warehouse()
    return wh, fh.make_bin_in(wh, type="dock")


def _usd_po(item: Any, qty: int = 10, cost: str = "10.00") -> Any:
    supplier = create_supplier(code=f"US-{next(_seq)}", name="Yankee Tools", currency="USD")
    return make_po(supplier, [(item, qty, cost)])


def _receive(client: Any, auth: Any, po: Any, qty: int, dock: Any, **headers: str) -> Any:
    return client.post(
        f"/api/v1/purchase-orders/{po.id}/receive",
        headers={**auth("worker"), **headers},
        json={"line_id": po.lines[0].id, "quantity": qty, "to_location": dock.code},
    )


def _received(resp: Any) -> dict[str, Any]:
    assert resp.status_code == 201, resp.get_json()
    return dict(resp.get_json()["receipt_line"])


def _receipt_line(movement_ids: list[int]) -> ReceiptLine:
    db.session.rollback()
    mv = db.session.get(Movement, movement_ids[0])
    assert mv is not None
    found = db.session.scalar(select(ReceiptLine).where(ReceiptLine.posting_id == mv.posting_id))
    assert found is not None
    return found


def _costed(movement_id: int) -> tuple[str, str]:
    """The movement's unit cost and the value finance gave it, as text."""
    db.session.rollback()
    mv = db.session.get(Movement, movement_id)
    value = fh.movement_value(movement_id)
    assert mv is not None and value is not None
    return str(D(mv.unit_cost).quantize(D("0.000001"))), str(D(value.value).quantize(D("0.01")))


def _books_hold() -> None:
    assert verify() == []
    assert rebuild_check() == []


def _documents(po_id: int) -> tuple[Any, ...]:
    db.session.rollback()
    return (
        db.session.scalar(select(PurchaseOrder.state).where(PurchaseOrder.id == po_id)),
        tuple(db.session.execute(
            select(PurchaseOrderLine.received, PurchaseOrderLine.damaged)
            .where(PurchaseOrderLine.po_id == po_id)
        ).all()),
        db.session.scalar(select(func.count()).select_from(ReceiptLine)),
    )  # fmt: skip


def test_a_usd_po_at_10_with_a_rate_of_0_92_is_received_at_9_20_a_unit(app, client, auth, dock):
    wh, bay = dock
    it = fh.item()
    set_rate("USD", TODAY, D("0.92"), None)
    po = _usd_po(it)

    rl = _received(_receive(client, auth, po, 10, bay))

    (movement,) = rl["movement_ids"]
    assert _costed(movement) == ("9.200000", "92.00")
    assert fh.stock_value(it, wh) == (10, D("92.00"))
    assert fh.balance("grni") == D("-92.00")
    line = _receipt_line(rl["movement_ids"])
    assert (line.currency, D(line.exchange_rate)) == ("USD", D("0.92"))
    _books_hold()


def test_a_weekly_rate_covers_the_days_after_it(app, client, auth, dock):
    _, bay = dock
    set_rate("USD", TODAY - timedelta(days=3), D("0.90"), None)
    set_rate("USD", TODAY + timedelta(days=1), D("0.99"), None)  # not yet
    rl = _received(_receive(client, auth, _usd_po(fh.item(), 4, "2.50"), 4, bay))
    assert _costed(rl["movement_ids"][0]) == ("2.250000", "9.00")
    assert D(_receipt_line(rl["movement_ids"]).exchange_rate) == D("0.90")


def test_a_rate_changed_afterwards_does_not_change_what_was_received(app, client, auth, dock):
    wh, bay = dock
    it = fh.item()
    set_rate("USD", TODAY, D("0.92"), None)
    first = _received(_receive(client, auth, _usd_po(it), 10, bay))

    set_rate("USD", TODAY, D("0.95"), None)  # today's rate corrected
    set_rate("USD", TODAY + timedelta(days=1), D("0.97"), None)  # and tomorrow's entered

    assert _costed(first["movement_ids"][0]) == ("9.200000", "92.00")
    assert D(_receipt_line(first["movement_ids"]).exchange_rate) == D("0.92")
    second = _received(_receive(client, auth, _usd_po(it), 10, bay))
    assert _costed(second["movement_ids"][0]) == ("9.500000", "95.00")
    assert fh.stock_value(it, wh) == (20, D("187.00"))
    _books_hold()


def test_no_rate_known_refuses_the_receipt_and_writes_nothing(app, client, auth, dock):
    wh, bay = dock
    it = fh.item()
    set_rate("USD", TODAY + timedelta(days=1), D("0.92"), None)  # only from tomorrow
    set_rate("GBP", TODAY, D("1.17"), None)  # another currency's rate does not help
    po = _usd_po(it)
    before = (ledger_snapshot(), _documents(po.id), fh.table_counts(), fh.values_snapshot())

    resp = _receive(client, auth, po, 10, bay, **{"Idempotency-Key": "fx-1"})

    assert resp.status_code == 409, resp.get_json()
    error = resp.get_json()["error"]
    day = TODAY.isoformat()
    assert error["code"] == "exchange_rate_missing"
    assert error["details"] == {"currency": "USD", "date": day}
    assert f"ask finance to enter the USD rate for {day}" in error["message"]
    after = (ledger_snapshot(), _documents(po.id), fh.table_counts(), fh.values_snapshot())
    assert after == before
    assert fh.stock_value(it, wh) == (0, D("0.00"))

    # Once finance enters it, the same confirmation (same key: the refusal was not kept) goes.
    set_rate("USD", TODAY, D("0.92"), None)
    rl = _received(_receive(client, auth, po, 10, bay, **{"Idempotency-Key": "fx-1"}))
    assert _costed(rl["movement_ids"][0]) == ("9.200000", "92.00")
    _books_hold()


def test_a_po_in_the_functional_currency_is_received_at_its_own_price(app, client, auth, dock):
    _, bay = dock
    set_rate("USD", TODAY, D("0.92"), None)
    po = make_po(make_supplier(), [(fh.item(), 10, "10.00")])  # EUR, as the books

    rl = _received(_receive(client, auth, po, 10, bay))

    assert _costed(rl["movement_ids"][0]) == ("10.000000", "100.00")
    line = _receipt_line(rl["movement_ids"])
    assert (line.currency, line.exchange_rate) == (None, None)
    _books_hold()


# --- the rates API -------------------------------------------------------------------------


def _put(client: Any, auth: Any, currency: str, day: str, rate: Any, role: str = "finance"):
    return client.put(f"{API}/{currency}/{day}", headers=auth(role), json={"rate": rate})


def test_finance_enters_a_rate_and_reads_it_back(app, client, auth, users):
    r = _put(client, auth, "USD", "2026-12-07", "0.92")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["currency"], body["rate_date"], body["rate"]) == ("USD", "2026-12-07",
                                                                   "0.92000000")  # fmt: skip
    assert body["created_by"] == users["finance"].id
    assert _put(client, auth, "USD", "2026-12-07", "0.925").status_code == 200  # replaced
    assert _put(client, auth, "USD", "2026-12-14", "0.93").status_code == 200
    assert _put(client, auth, "GBP", "2026-12-07", "1.17").status_code == 200

    listed = client.get(API, headers=auth("manager"))
    assert listed.status_code == 200, listed.get_json()
    assert [(r["currency"], r["rate_date"], r["rate"]) for r in listed.get_json()["rates"]] == [
        ("GBP", "2026-12-07", "1.17000000"),
        ("USD", "2026-12-14", "0.93000000"),
        ("USD", "2026-12-07", "0.92500000"),
    ]
    only = client.get(API, headers=auth("manager"), query_string={"currency": "GBP"})
    assert [r["currency"] for r in only.get_json()["rates"]] == ["GBP"]


@pytest.mark.parametrize(
    ("currency", "day", "rate", "code"),
    [
        ("USD", "2026-12-07", "0", "invalid_exchange_rate"),
        ("USD", "2026-12-07", "-1", "validation_failed"),
        ("USD", "2026-12-07", "0.123456789", "validation_failed"),
        ("USD", "2026-12-07", 0.92, "validation_failed"),  # a float, never
        ("usd", "2026-12-07", "0.92", "invalid_currency"),
        ("x1z", "2026-12-07", "0.92", "invalid_currency"),
        ("EUR", "2026-12-07", "1", "functional_currency"),
        ("USD", "2026-13-07", "0.92", "invalid_date"),
        ("USD", "20261207", "0.92", "invalid_date"),
    ],
)
def test_a_bad_rate_currency_or_day_is_refused_and_nothing_is_entered(
    app, client, auth, currency, day, rate, code
):
    r = _put(client, auth, currency, day, rate)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == code
    assert client.get(API, headers=auth("manager")).get_json()["rates"] == []


def test_a_worker_neither_enters_nor_reads_rates(app, client, auth):
    assert _put(client, auth, "USD", "2026-12-07", "0.92", role="worker").status_code == 403
    assert client.get(API, headers=auth("worker")).status_code == 403
    assert client.get(API, headers=auth("manager")).get_json()["rates"] == []


def test_a_manager_or_supervisor_reads_rates_but_only_finance_and_admins_enter_them(
    app, client, auth
):
    for role in ("supervisor", "manager"):
        refused = _put(client, auth, "USD", "2026-12-07", "0.92", role=role)
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
        assert client.get(API, headers=auth(role)).get_json()["rates"] == []
    assert _put(client, auth, "USD", "2026-12-07", "0.92", role="admin").status_code == 200
