"""The finance API after real postings through the one ledger writer: what the stock is
worth, FIFO layers and how each movement was costed, the journal and the trial balance (in
JSON and as CSV an accounting system imports), and accounting periods (finance closes a
month, a back-dated posting into it is refused, only an admin reopens it). Reads are for
supervisors and above and finance, closing for finance and admins (docs/decisions/0026);
errors keep the API's one shape."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from scanfloor.extensions import db
from scanfloor.finance.models import ItemCostMethod
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from tests.factories import make_bin_in, make_item, make_warehouse, virtual
from tests.ledger_helpers import counts

API = "/api/v1/finance"
JOURNAL_HEADER = [
    "entry_id",
    "entry_date",
    "period",
    "kind",
    "movement_id",
    "account_code",
    "account_name",
    "debit",
    "credit",
    "warehouse",
    "memo",
]
TRIAL_BALANCE_HEADER = ["account_code", "account_name", "kind", "debit", "credit", "balance"]


@dataclass(frozen=True)
class Books:
    warehouse: Any
    bin: Any
    average: Any  # moving average: 10 @ 4 + 10 @ 6, 5 shipped at 5 = 25, 15 left worth 75
    fifo: Any  # FIFO (Odoo's example): 8 @ 10 + 4 @ 16, 10 shipped = 112, 2 @ 16 left
    ship_average: int
    ship_fifo: int


def _receive(item: Any, bin_id: int, quantity: int, cost: str) -> int:
    line = MovementLine(item.id, quantity, virtual("VENDOR").id, bin_id, unit_cost=Decimal(cost))
    return post(PostingRequest("receipt", (line,))).movement_ids[0]


def _ship(item: Any, bin_id: int, quantity: int) -> int:
    line = MovementLine(item.id, quantity, bin_id, virtual("CUSTOMER").id)
    return post(PostingRequest("ship", (line,))).movement_ids[0]


@pytest.fixture
def books(app: Any) -> Books:
    wh = make_warehouse()
    bin_ = make_bin_in(wh)
    average, fifo = make_item(), make_item()
    db.session.add(ItemCostMethod(item_id=fifo.id, method="fifo"))
    db.session.commit()
    _receive(average, bin_.id, 10, "4.00")
    _receive(average, bin_.id, 10, "6.00")
    ship_average = _ship(average, bin_.id, 5)
    _receive(fifo, bin_.id, 8, "10.00")
    _receive(fifo, bin_.id, 4, "16.00")
    ship_fifo = _ship(fifo, bin_.id, 10)
    return Books(wh, bin_, average, fifo, ship_average, ship_fifo)


def _last_month() -> str:
    first = datetime.now(UTC).date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def _this_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def _error(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code, error
    return dict(error)


def _csv_rows(resp: Any) -> list[list[str]]:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


# --- valuation -------------------------------------------------------------------------------


def test_valuation_shows_quantity_value_unit_cost_and_method_per_item_and_warehouse(
    client, auth, books
):
    r = client.get(f"{API}/valuation", headers=auth("manager"))
    assert r.status_code == 200, r.get_json()
    rows = {row["sku"]: row for row in r.get_json()["stock_values"]}
    assert rows[books.average.sku] == {
        "item_id": books.average.id,
        "sku": books.average.sku,
        "name": books.average.name,
        "place_id": books.warehouse.id,
        "place_code": books.warehouse.code,
        "quantity": 15,
        "value": "75.00",
        "unit_cost": "5.000000",
        "method": "moving_average",
    }
    fifo = rows[books.fifo.sku]
    assert (fifo["quantity"], fifo["value"], fifo["method"]) == (2, "32.00", "fifo")


def test_valuation_filters_by_warehouse_code_and_item_and_pages_by_cursor(client, auth, books):
    other = make_warehouse()
    h = auth("manager")
    by_code = client.get(
        f"{API}/valuation", query_string={"warehouse": books.warehouse.code}, headers=h
    )
    assert len(by_code.get_json()["stock_values"]) == 2
    empty = client.get(f"{API}/valuation", query_string={"warehouse": other.id}, headers=h)
    assert empty.get_json() == {"stock_values": [], "next_cursor": None}
    one = client.get(f"{API}/valuation", query_string={"item": books.fifo.id}, headers=h)
    assert [r["sku"] for r in one.get_json()["stock_values"]] == [books.fifo.sku]

    first = client.get(f"{API}/valuation", query_string={"limit": 1}, headers=h).get_json()
    assert len(first["stock_values"]) == 1 and first["next_cursor"]
    rest = client.get(
        f"{API}/valuation", query_string={"limit": 1, "cursor": first["next_cursor"]}, headers=h
    ).get_json()
    assert rest["stock_values"][0]["sku"] != first["stock_values"][0]["sku"]


def test_an_items_fifo_layers_say_what_is_left_of_each_receipt(client, auth, books):
    r = client.get(
        f"{API}/valuation/{books.fifo.id}/layers",
        query_string={"place": books.warehouse.id},
        headers=auth("manager"),
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["item"] == {"id": books.fifo.id, "sku": books.fifo.sku, "name": books.fifo.name}
    assert body["place"] == {"id": books.warehouse.id, "code": books.warehouse.code}
    [layer] = body["layers"]  # the 8 @ 10 are gone; 2 of the 4 @ 16 are left
    assert (layer["quantity_in"], layer["quantity_left"]) == (4, 2)
    assert (layer["unit_cost"], layer["value_left"]) == ("16.000000", "32.00")


def test_an_items_movement_values_say_how_each_movement_was_costed(client, auth, books):
    r = client.get(f"{API}/valuation/{books.fifo.id}/movements", headers=auth("manager"))
    assert r.status_code == 200, r.get_json()
    rows = r.get_json()["movement_values"]
    assert [(m["movement_type"], m["quantity"], m["value"]) for m in rows] == [
        ("ship", 10, "112.00"),  # newest first: 8 x 10 + 2 x 16
        ("receipt", 4, "64.00"),
        ("receipt", 8, "80.00"),
    ]
    assert rows[0]["movement_id"] == books.ship_fifo
    assert rows[0]["from_place_code"] == books.warehouse.code and rows[0]["to_place_id"] is None


# --- journal and trial balance -----------------------------------------------------------


def test_the_journal_shows_each_movements_balanced_entry(client, auth, books):
    h = auth("manager")
    r = client.get(f"{API}/journal", query_string={"movement": books.ship_average}, headers=h)
    assert r.status_code == 200, r.get_json()
    [entry] = r.get_json()["entries"]
    assert (entry["kind"], entry["movement_id"], entry["total"]) == (
        "shipment",
        books.ship_average,
        "25.00",
    )
    assert entry["period"] == _this_month()
    lines = {(ln["account_code"], ln["debit"], ln["credit"]) for ln in entry["lines"]}
    assert lines == {("5000", "25.00", "0.00"), ("1300", "0.00", "25.00")}
    assert {ln["warehouse_code"] for ln in entry["lines"]} == {books.warehouse.code}

    month = client.get(f"{API}/journal", query_string={"period": _this_month()}, headers=h)
    assert len(month.get_json()["entries"]) == 6  # four receipts, two shipments
    assert client.get(
        f"{API}/journal", query_string={"period": _last_month()}, headers=h
    ).get_json() == {"entries": [], "next_cursor": None}
    cogs = next(ln["account_id"] for ln in entry["lines"] if ln["account_code"] == "5000")
    by_account = client.get(f"{API}/journal", query_string={"account": cogs}, headers=h)
    assert {e["kind"] for e in by_account.get_json()["entries"]} == {"shipment"}
    page = client.get(f"{API}/journal", query_string={"limit": 4}, headers=h).get_json()
    assert len(page["entries"]) == 4 and page["next_cursor"]


def test_the_trial_balance_balances_and_inventory_equals_the_stock_value(client, auth, books):
    r = client.get(f"{API}/trial-balance", headers=auth("manager"))
    assert r.status_code == 200, r.get_json()
    tb = r.get_json()
    assert tb["balanced"] is True and tb["debit"] == tb["credit"] == "381.00"
    assert tb["period_to"] is None
    accounts = {a["code"]: a for a in tb["accounts"]}
    assert accounts["1300"]["balance"] == "107.00"  # 75 + 32: what the valuation says
    assert accounts["5000"]["balance"] == "137.00"  # 25 + 112
    assert accounts["2100"]["balance"] == "-244.00"
    before = client.get(
        f"{API}/trial-balance", query_string={"period": _last_month()}, headers=auth("manager")
    ).get_json()
    assert before["period_to"] == _last_month() and before["debit"] == "0.00"


def test_the_journal_csv_has_the_documented_columns_one_row_per_line(client, auth, books):
    r = client.get(f"{API}/journal.csv", headers=auth("manager"))
    rows = _csv_rows(r)
    assert rows[0] == JOURNAL_HEADER
    assert len(rows) == 1 + 12  # six entries of two lines
    ship = [row for row in rows[1:] if row[4] == str(books.ship_average)]
    assert {(row[5], row[7], row[8]) for row in ship} == {
        ("5000", "25.00", "0.00"),
        ("1300", "0.00", "25.00"),
    }
    assert {row[3] for row in ship} == {"shipment"} and {row[9] for row in ship} == {
        books.warehouse.code
    }
    ids = [int(row[0]) for row in rows[1:]]
    assert ids == sorted(ids)  # oldest entry first
    filtered = _csv_rows(
        client.get(
            f"{API}/journal.csv",
            query_string={"movement": books.ship_fifo},
            headers=auth("manager"),
        )
    )
    assert len(filtered) == 3 and {row[4] for row in filtered[1:]} == {str(books.ship_fifo)}


def test_the_trial_balance_csv_has_the_documented_columns_one_row_per_account(client, auth, books):
    r = client.get(f"{API}/trial-balance.csv", headers=auth("manager"))
    rows = _csv_rows(r)
    assert rows[0] == TRIAL_BALANCE_HEADER
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["1300"] == ["1300", "Inventory", "asset", "244.00", "137.00", "107.00"]
    assert by_code["2100"][5] == "-244.00"
    assert sum(Decimal(row[3]) for row in rows[1:]) == sum(Decimal(row[4]) for row in rows[1:])
    assert "trial-balance-all.csv" in r.headers["Content-Disposition"]


# --- periods ---------------------------------------------------------------------------------


def _back_dated_receipt(books: Books, month: str) -> dict[str, Any]:
    day = datetime.strptime(month + "-15", "%Y-%m-%d").replace(hour=12, tzinfo=UTC)
    line = {
        "item_id": books.average.id,
        "quantity": 2,
        "from_location": "VENDOR",
        "to_location": books.bin.code,
        "unit_cost": "6.00",
    }
    return {"type": "receipt", "lines": [line], "occurred_at": day.isoformat()}


def test_a_closed_month_refuses_a_back_dated_receipt_until_an_admin_reopens_it(client, auth, books):
    month = _last_month()
    finance, manager = auth("finance"), auth("manager")
    r = client.post(f"{API}/periods/{month}/close", headers=finance)
    assert r.status_code == 200, r.get_json()
    closed = r.get_json()
    assert (closed["period"], closed["status"]) == (month, "closed")
    assert closed["closed_at"] and closed["closed_by"] is not None
    listed = {
        p["period"]: p for p in client.get(f"{API}/periods", headers=manager).get_json()["periods"]
    }
    assert listed[month]["status"] == "closed" and listed[_this_month()]["status"] == "open"
    again = client.post(f"{API}/periods/{month}/close", headers=finance)
    assert again.get_json()["closed_at"] == closed["closed_at"]  # closing twice changes nothing

    before = counts()
    body = _back_dated_receipt(books, month)
    refused = client.post(
        "/api/v1/movements", json=body, headers={**manager, "Idempotency-Key": uuid.uuid4().hex}
    )
    error = _error(refused, 409, "period_closed")
    assert error["details"]["period"] == month
    assert counts() == before  # the whole posting refused: no movement, no entry

    for who in (finance, manager):
        _error(client.post(f"{API}/periods/{month}/reopen", headers=who), 403, "forbidden")
    reopened = client.post(f"{API}/periods/{month}/reopen", headers=auth("admin"))
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "open"
    accepted = client.post(
        "/api/v1/movements", json=body, headers={**manager, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert accepted.status_code == 201, accepted.get_json()
    entries = client.get(
        f"{API}/journal", query_string={"period": month}, headers=manager
    ).get_json()["entries"]
    assert [e["kind"] for e in entries] == ["receipt"]


def test_a_month_after_this_one_cannot_close_and_a_period_is_a_month(client, auth, app):
    h = auth("finance")
    future = (datetime.now(UTC).date().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    _error(client.post(f"{API}/periods/{future}/close", headers=h), 422, "period_in_future")
    _error(client.post(f"{API}/periods/2024-13/close", headers=h), 422, "invalid_period")
    _error(client.post(f"{API}/periods/2024-01%0A/close", headers=h), 422, "invalid_period")
    _error(client.post(f"{API}/periods/soon/reopen", headers=auth("admin")), 422, "invalid_period")


# --- who may, and what is refused --------------------------------------------------------


def test_supervisors_managers_and_finance_read_the_books_and_a_worker_none_of_them(
    client, auth, books
):
    for path in (
        "/valuation",
        f"/valuation/{books.fifo.id}/layers?place={books.warehouse.id}",
        f"/valuation/{books.fifo.id}/movements",
        "/journal",
        "/journal.csv",
        "/trial-balance",
        "/trial-balance.csv",
        "/periods",
    ):
        _error(client.get(API + path, headers=auth("worker")), 403, "forbidden")
        for role in ("supervisor", "manager", "finance"):
            assert client.get(API + path, headers=auth(role)).status_code == 200, (role, path)


def test_only_finance_and_admins_close_a_month_and_a_refused_close_changes_nothing(
    client, auth, books
):
    month = _last_month()
    for role in ("worker", "supervisor", "manager"):
        r = client.post(f"{API}/periods/{month}/close", headers=auth(role))
        _error(r, 403, "forbidden")
    listed = client.get(f"{API}/periods", headers=auth("manager")).get_json()["periods"]
    assert all(p["status"] == "open" for p in listed)
    closed = client.post(f"{API}/periods/{month}/close", headers=auth("admin"))
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"


def test_unknown_items_and_places_are_404_and_bad_filters_422(client, auth, books):
    h = auth("manager")
    place = {"place": books.warehouse.id}
    _error(
        client.get(f"{API}/valuation/999999/layers", query_string=place, headers=h),
        404,
        "not_found",
    )
    _error(client.get(f"{API}/valuation/999999/movements", headers=h), 404, "not_found")
    _error(
        client.get(
            f"{API}/valuation/{books.fifo.id}/layers", query_string={"place": 999999}, headers=h
        ),
        404,
        "not_found",
    )
    _error(
        client.get(f"{API}/valuation", query_string={"warehouse": "NOPE"}, headers=h),
        404,
        "not_found",
    )
    for path, args in (
        ("/valuation", {"cursor": "12"}),
        ("/valuation", {"item": "x"}),
        (f"/valuation/{books.fifo.id}/layers", {}),
        ("/journal", {"period": "2024-13"}),
        ("/journal", {"period": "2024-01\n"}),
        ("/journal", {"account": 0}),
        ("/journal.csv", {"period": "January"}),
        ("/trial-balance", {"period": "2024-1"}),
        ("/trial-balance.csv", {"period": "x"}),
    ):
        error = _error(
            client.get(API + path, query_string=args, headers=h), 422, "validation_failed"
        )
        assert error["details"]["fields"], (path, args)
