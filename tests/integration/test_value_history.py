"""The stock's value over time (GET /api/v1/finance/valuation/history): each day's closing
value, worked back from the books, for every place or one warehouse (SQLite and
PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

from tests.factories import virtual
from tests.finance_helpers import item, line, posting, receive, site
from tests.suggestion_helpers import day_at

URL = "/api/v1/finance/valuation/history"


def test_each_day_closes_at_what_was_received_less_what_shipped_until_then(client, auth):
    s, far = site("VH1"), site("VH2")
    tee = item()
    receive(tee, s.bin, 10, "10.00", day_at(4))  # +100.00 four days ago
    posting("ship", line(tee, 3, s.bin, virtual("CUSTOMER")), occurred_at=day_at(2))  # -30.00
    receive(tee, far.bin, 5, "10.00", day_at(1))  # +50.00 yesterday, in the other warehouse

    days = {"from": day_at(5).date().isoformat(), "to": day_at(0).date().isoformat()}
    r = client.get(URL, query_string=days, headers=auth("finance"))
    assert r.status_code == 200, r.get_json()
    got = [(d["day"], Decimal(d["value"])) for d in r.get_json()["days"]]
    assert [v for _, v in got] == [Decimal(x) for x in ("0", "100", "100", "70", "120", "120")]
    assert got[0][0] == days["from"] and got[-1][0] == days["to"]

    one = client.get(URL, query_string={**days, "warehouse": s.wh.code}, headers=auth("manager"))
    assert one.status_code == 200, one.get_json()
    assert one.get_json()["warehouse"] == s.wh.code
    values = [Decimal(d["value"]) for d in one.get_json()["days"]]
    assert values == [Decimal(x) for x in ("0", "100", "100", "70", "70", "70")]


def test_a_period_backwards_or_over_a_year_is_a_422_and_workers_may_not_read_it(client, auth):
    r = client.get(URL, query_string={"from": "2026-03-02", "to": "2026-03-01"},
                   headers=auth("finance"))  # fmt: skip
    assert r.status_code == 422
    r = client.get(URL, query_string={"from": "2025-01-01", "to": "2026-01-02"},
                   headers=auth("finance"))  # fmt: skip
    assert r.status_code == 422
    assert client.get(URL, headers=auth("worker")).status_code == 403
