"""Supplier performance over HTTP: PO lines delivered early, on time, late, short and over,
created through the purchasing services and received through the receiving service on
chosen business dates; the figures are worked out by hand below.

Every PO is dated P (opened at P; PO-3 typed earlier and sent at P); P is 40 days before the
first of last month, so the first due date (P+25) falls in the month before last (month A)
and P+45 in last month (month B), whatever today is. The supplier promises 25 days and
accepts 10% over.

  line                      due    received (date: units)   judged
  A1 early                  P+25   P+22: 10 of 10           early, in full
  A2 on time                P+25   P+25: 20 of 20           on time, in full (OTIF)
  A3 late, two drops        P+25   P+25: 4, P+28: 6 of 10   late (+3), in full
  G  due from item promise  P+30   P+30: 5 of 5             on time, in full (OTIF)
  D  over within 10%        P+45   P+45: 22 of 20           on time, in full (OTIF)
  E  over beyond 10%        P+45   P+45: 12 of 10           on time, over
  F  short, PO closed       P+50   P+50: 6 of 10            on time, short
  pending (due today, and due in 30 days; nothing received): not judged
  a cancelled PO and a draft PO (both due P+25, nothing received): left out

OTIF 3/7 = 0.4286; fill (10+20+10+5+20+10+6) / (10+20+10+5+20+10+10) = 81/85 = 0.9529.
Lead-time samples (one per line per receipt date): 22, 25, 25, 28, 30, 45, 45, 50 days:
mean 270/8 = 33.75; sd = sqrt(855.5 / 7) = 11.0551; 2 of 8 took the promised 25 days
(within 0.25), mean minus promised 8.75.
Month A: 4 judged, OTIF 2/4 = 0.5, fill 45/45 = 1; month B: 3 judged, OTIF 1/3 = 0.3333,
fill 36/40 = 0.9.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from scanfloor.extensions import db
from scanfloor.purchasing import lifecycle_service, orders_service
from scanfloor.purchasing.lifecycle_service import (
    approve_purchase_order,
    cancel_purchase_order,
    send_purchase_order,
)
from scanfloor.purchasing.models import PurchaseOrder
from scanfloor.purchasing.orders_service import (
    LineSpec,
    close_purchase_order,
    create_purchase_order,
    open_purchase_order,
)
from scanfloor.purchasing.suppliers_service import create_supplier, update_supplier
from scanfloor.purchasing.terms_service import add_supplier_item
from scanfloor.receiving import receive_service
from scanfloor.receiving.confirmation import Approver, Confirmation
from scanfloor.timeutil import utcnow
from tests.factories import make_bin, make_item

URL = "/api/v1/purchasing/supplier-performance"


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


class Clock:
    """The purchasing and receiving services' clock, set to a chosen day (10:00 UTC)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def at(self, day: date) -> None:
        moment = datetime.combine(day, time(10), tzinfo=UTC)
        for module in (orders_service, lifecycle_service, receive_service):
            self.monkeypatch.setattr(module, "utcnow", lambda m=moment: m)


def _po(number: str, supplier: str, lines: list[tuple[Any, int, date | None]], **kw: Any) -> Any:
    return create_purchase_order(
        number=number,
        supplier=supplier,
        lines=[
            LineSpec(item_id=item.id, quantity=qty, unit_cost="2.00", expected_date=due)
            for item, qty, due in lines
        ],
        **kw,
    )


def _receive(
    clock: Clock, day: date, po: Any, line_no: int, qty: int, dock: Any, approver: Any = None
) -> None:
    clock.at(day)
    receive_service.receive(
        po.id,
        Confirmation(quantity=qty, line_id=po.lines[line_no - 1].id, to_location=dock.id),
        actor_id=None,
        role="supervisor",
        approver=approver,
    )


@pytest.fixture
def history(app: Any, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    clock = Clock(monkeypatch)
    today = utcnow().date()
    month_b = _month_start(today, 1)
    p = month_b - timedelta(days=40)
    clock.at(p)
    dock = make_bin("DOCK-1", type="dock")
    a1, a2, a3, g, d, e, f = (
        make_item(f"PERF-{n}") for n in ("A1", "A2", "A3", "G", "D", "E", "F")
    )
    acme = create_supplier(code="ACME", name="Acme", over_receipt_tolerance_pct="10")
    update_supplier(acme.id, {"lead_time_days": 25, "email": "orders@acme.example"})
    add_supplier_item(acme.id, item_id=g.id, unit_cost="2.00", lead_time_days=30)
    due_a, due_b = p + timedelta(days=25), p + timedelta(days=45)
    po1 = open_purchase_order(
        _po(
            "PO-1",
            "ACME",
            [(a1, 10, due_a), (a2, 20, due_a), (a3, 10, due_a), (d, 20, due_b), (e, 10, due_b)],
        ).id
    )
    po2 = open_purchase_order(
        _po("PO-2", "ACME", [(f, 10, None)], expected_date=p + timedelta(days=50)).id
    )
    # PO-3 is typed five days early and sent on P: the day it was sent is its date.
    clock.at(p - timedelta(days=5))
    po3 = _po("PO-3", "ACME", [(g, 5, None)])
    clock.at(p)
    approve_purchase_order(po3.id, None, "supervisor")
    send_purchase_order(po3.id, None)
    po4 = open_purchase_order(
        _po("PO-4", "ACME", [(a1, 10, today), (a2, 10, today + timedelta(days=30))]).id
    )
    po5 = open_purchase_order(_po("PO-5", "ACME", [(a1, 10, due_a)]).id)
    cancel_purchase_order(po5.id, None, "supplier out of stock")
    _po("PO-6", "ACME", [(a1, 10, due_a)])  # a draft: never issued
    boss = Approver(users["supervisor"].id, "supervisor", "supervisor")
    _receive(clock, p + timedelta(days=22), po1, 1, 10, dock)
    _receive(clock, due_a, po1, 2, 20, dock)
    _receive(clock, due_a, po1, 3, 4, dock)
    _receive(clock, p + timedelta(days=28), po1, 3, 6, dock)
    _receive(clock, p + timedelta(days=30), po3, 1, 5, dock)
    _receive(clock, due_b, po1, 4, 22, dock)
    _receive(clock, due_b, po1, 5, 12, dock, approver=boss)
    _receive(clock, p + timedelta(days=50), po2, 1, 6, dock)
    close_purchase_order(po2.id)
    monkeypatch.undo()
    return SimpleNamespace(
        supplier=acme, today=today, p=p, month_a=_month_start(today, 2), month_b=month_b, po4=po4
    )


def _get(client: Any, headers: dict[str, str], url: str) -> Any:
    r = client.get(url, headers=headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_otif_fill_rate_and_lead_time_are_worked_out_per_supplier(client, auth, history):
    window = f"from={history.month_a}&to={history.today + timedelta(days=60)}"
    body = _get(client, auth("supervisor"), f"{URL}?{window}")
    assert body["from"] == history.month_a.isoformat()
    assert body["as_of"] == history.today.isoformat()
    (row,) = body["suppliers"]
    assert row["supplier"] == {"id": history.supplier.id, "code": "ACME", "name": "Acme"}
    assert {k: row[k] for k in ("lines_judged", "otif", "early", "late", "short", "over")} == {
        "lines_judged": 7,
        "otif": 3,
        "early": 1,
        "late": 1,
        "short": 1,
        "over": 1,
    }
    assert row["otif_rate"] == "0.4286"
    assert row["fill_rate"] == "0.9529"
    # Both lines of PO-4 fall due in the window, nothing has come: pending, not rated.
    assert row["pending"] == 2
    assert row["lead_time"] == {
        "samples": 8,
        "mean": "33.7500",
        "sd": "11.0551",
        "promised": 25,
        "mean_delta": "8.7500",
        "within_rate": "0.2500",
    }


@pytest.mark.parametrize("window", ["long_ago", "at_the_start_of_the_calendar"])
def test_a_window_without_deliveries_lists_no_supplier(client, auth, history, window):
    day = history.p - timedelta(days=400) if window == "long_ago" else date(1, 1, 1)
    body = _get(client, auth("supervisor"), f"{URL}?from={day}&to={day + timedelta(days=10)}")
    assert body["suppliers"] == []


def test_the_detail_has_one_trend_point_per_month_and_every_judged_line(client, auth, history):
    url = f"/api/v1/suppliers/{history.supplier.id}/performance?months=12"
    body = _get(client, auth("supervisor"), url)
    assert body["from"] == _month_start(history.today, 11).isoformat()
    assert body["to"] == history.today.isoformat()
    assert (body["lines_judged"], body["otif_rate"], body["fill_rate"]) == (7, "0.4286", "0.9529")
    assert body["pending"] == 1  # only PO-4's line due today falls inside the window
    months = [point["month"] for point in body["trend"]]
    assert months == [_month_start(history.today, 11 - n).strftime("%Y-%m") for n in range(12)]
    by_month = {point["month"]: point for point in body["trend"]}
    assert by_month[history.month_a.strftime("%Y-%m")] == {
        "month": history.month_a.strftime("%Y-%m"),
        "lines": 4,
        "otif_rate": "0.5000",
        "fill_rate": "1.0000",
    }
    assert by_month[history.month_b.strftime("%Y-%m")] == {
        "month": history.month_b.strftime("%Y-%m"),
        "lines": 3,
        "otif_rate": "0.3333",
        "fill_rate": "0.9000",
    }
    quiet = [p for m, p in by_month.items() if m not in (months[-3], months[-2])]
    assert all(p["lines"] == 0 and p["otif_rate"] is None for p in quiet)
    judged = [
        (
            ln["po_number"],
            ln["line_no"],
            ln["timing"],
            ln["fullness"],
            ln["days_off"],
            ln["units_off"],
        )
        for ln in body["lines"]
    ]
    assert judged == [
        ("PO-1", 1, "early", "in_full", -3, 0),
        ("PO-1", 2, "on_time", "in_full", 0, 0),
        ("PO-1", 3, "late", "in_full", 3, 0),
        ("PO-3", 1, "on_time", "in_full", 0, 0),
        ("PO-1", 4, "on_time", "in_full", 0, 2),
        ("PO-1", 5, "on_time", "over", 0, 2),
        ("PO-2", 1, "on_time", "short", 0, -4),
    ]
    late = body["lines"][2]
    assert late["sku"] == "PERF-A3"
    assert (late["ordered"], late["received"]) == (10, 10)
    assert late["due"] == (history.p + timedelta(days=25)).isoformat()
    assert late["received_on"] == (history.p + timedelta(days=28)).isoformat()
    # The short line's due date came from its PO, the G line's from the item's 30-day promise.
    assert body["lines"][6]["due"] == (history.p + timedelta(days=50)).isoformat()
    assert body["lines"][3]["due"] == (history.p + timedelta(days=30)).isoformat()


def test_cancelled_and_draft_purchase_orders_are_left_out(client, auth, history):
    body = _get(client, auth("supervisor"), f"/api/v1/suppliers/{history.supplier.id}/performance")
    numbers = {ln["po_number"] for ln in body["lines"]}
    assert numbers == {"PO-1", "PO-2", "PO-3"}
    states = dict(db.session.execute(db.select(PurchaseOrder.number, PurchaseOrder.state)).all())
    assert (states["PO-5"], states["PO-6"]) == ("cancelled", "draft")


def test_an_unreceived_line_past_its_due_date_is_late(client, auth, history, monkeypatch):
    # A day after PO-4's first line fell due, nothing received: late, short, all units off.
    from scanfloor.purchasing import performance_service

    tomorrow = history.today + timedelta(days=1)
    monkeypatch.setattr(performance_service, "_today", lambda: tomorrow)
    body = _get(client, auth("supervisor"), f"/api/v1/suppliers/{history.supplier.id}/performance")
    po4 = [ln for ln in body["lines"] if ln["po_number"] == "PO-4"]
    assert [(ln["timing"], ln["fullness"], ln["days_off"], ln["units_off"]) for ln in po4] == [
        ("late", "short", 1, -10)
    ]
    assert body["lines_judged"] == 8


def test_a_supplier_with_nothing_delivered_has_no_rates(client, auth, app):
    quiet = create_supplier(code="QUIET", name="Quiet")
    body = _get(client, auth("supervisor"), f"/api/v1/suppliers/{quiet.id}/performance?months=3")
    assert (body["lines_judged"], body["otif_rate"], body["fill_rate"]) == (0, None, None)
    assert body["lead_time"]["mean"] is None and body["lead_time"]["samples"] == 0
    assert [p["lines"] for p in body["trend"]] == [0, 0, 0]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/suppliers/{id}/performance?months=0",
        "/api/v1/suppliers/{id}/performance?months=61",
        "/api/v1/suppliers/{id}/performance?months=x",
        URL + "?from=2026-02-30",
        URL + "?from=yesterday",
        URL + "?from=2026-05-02&to=2026-05-01",
        URL + "?from=2010-01-01&to=2026-01-01",
    ],
)
def test_bad_input_is_refused_with_a_clear_error(client, auth, app, url):
    supplier = create_supplier(code="ACME", name="Acme")
    r = client.get(url.format(id=supplier.id), headers=auth("supervisor"))
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "validation_failed"


def test_an_unknown_supplier_is_not_found(client, auth, app):
    r = client.get("/api/v1/suppliers/999999/performance", headers=auth("supervisor"))
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


def test_workers_may_not_read_supplier_performance(client, auth, app):
    assert client.get(URL, headers=auth("worker")).status_code == 403
