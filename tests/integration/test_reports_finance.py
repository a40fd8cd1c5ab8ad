"""Working capital per category from the books (inventory turns and days of supply), and the
figures purchasing and finance already had (supplier performance, gross margin) answered as
KPI reports by their own services, through the reports API (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from tests.factories import make_item, virtual
from tests.integration import test_supplier_performance
from tests.integration.test_margin_report import _world
from tests.integration.test_reporting_facts import _post
from tests.report_api_helpers import URL, kpi_report, rows_by_label
from tests.suggestion_helpers import day_at, make_site, today

# Supplier performance's own history (its module docstring works the figures out), as a
# fixture of this module.
deliveries = test_supplier_performance.history


# --- inventory turns and days of supply --------------------------------------------------


def _books(app: Any) -> Any:
    """SHIRTS: 10 received at 2.00 nine days ago (20.00), 5 shipped 3 days ago (COGS 10.00).
    MUGS: 4 received at 5.00 two days ago (20.00), none sold."""
    site = make_site()
    shirt = make_item("CAP-SHIRT", attributes={"category": "SHIRTS"})
    mug = make_item("CAP-MUG", attributes={"category": "MUGS"})
    vendor = virtual("VENDOR").id
    _post("receipt", shirt.id, 10, vendor, site.bin.id, day_at(9), cost=Decimal("2.00"))
    _post("ship", shirt.id, 5, site.bin.id, virtual("CUSTOMER").id, day_at(3))
    _post("receipt", mug.id, 4, vendor, site.bin.id, day_at(2), cost=Decimal("5.00"))
    return site, shirt


def test_turns_and_days_of_supply_per_category_come_from_the_books(app, client, auth):
    _books(app)
    period = {"from": day_at(7).date().isoformat(), "to": today().isoformat()}
    turns = kpi_report(client, auth("finance"), "inventory_turns", by="category", **period)
    rows = rows_by_label(turns)
    # 8 days. SHIRTS worth 20.00 at the end of 4 days, 10.00 at the end of 4: average
    # 120 / 8 = 15.00; COGS 10.00; turns 10 / 15 = 0.67, a year 10 x 365 / (15 x 8) = 30.42;
    # days of supply 10.00 closing x 8 days / 10.00 COGS = 8.00.
    shirts = rows["SHIRTS"]
    assert (shirts["days"], shirts["cogs"], shirts["average_value"]) == (8, "10.00", "15.00")
    assert (shirts["turns"], shirts["annualised_turns"], shirts["days_of_supply"]) == (
        "0.67", "30.42", "8.00")  # fmt: skip
    # MUGS: 0 for 5 days, 20.00 for 3: 60 / 8 = 7.50; nothing sold: 0 turns, no days of
    # supply (it would last for ever).
    mugs = rows["MUGS"]
    assert (mugs["average_value"], mugs["closing_value"], mugs["turns"]) == (
        "7.50",
        "20.00",
        "0.00",
    )
    assert mugs["days_of_supply"] is None
    # Together: COGS 10.00 over an average of 22.50 -> 0.44 turns; 30.00 x 8 / 10 = 24.00 days.
    total = turns["total"]["cells"]
    assert (total["average_value"], total["turns"], total["days_of_supply"]) == (
        "22.50", "0.44", "24.00")  # fmt: skip
    supply = kpi_report(client, auth("manager"), "days_of_supply", **period)
    assert supply["rows"][0]["cells"]["days_of_supply"] == "24.00"


def test_a_past_period_is_valued_back_from_todays_stock(app, client, auth):
    site, shirt = _books(app)
    _post("receipt", shirt.id, 1, virtual("VENDOR").id, site.bin.id, day_at(0),
          cost=Decimal("2.00"))  # fmt: skip
    period = {"from": day_at(7).date().isoformat(), "to": day_at(1).date().isoformat()}
    shirts = rows_by_label(
        kpi_report(client, auth("finance"), "inventory_turns", by="category", **period)
    )
    # 7 days ending yesterday: 20.00 for 4 days, 10.00 for 3 -> 110 / 7 = 15.71; today's
    # receipt is after the period: closing 10.00; days of supply 10 x 7 / 10 = 7.00.
    cells = shirts["SHIRTS"]
    assert (cells["average_value"], cells["closing_value"], cells["days_of_supply"]) == (
        "15.71", "10.00", "7.00")  # fmt: skip
    drill = client.get(f"{URL}/inventory_turns/records", headers=auth("finance"),
                       query_string={**period, "by": "category", "group": "SHIRTS"})  # fmt: skip
    (stock,) = drill.get_json()["records"]
    assert stock["opening_value"] == "20.0000"
    assert stock["cogs"] == [[day_at(3).date().isoformat(), "10.0000"]]


def test_working_capital_is_for_finance_purchasing_and_executives(app, client, auth):
    for kpi in ("inventory_turns", "days_of_supply"):
        assert client.get(f"{URL}/{kpi}", headers=auth("supervisor")).status_code == 403
        assert client.get(f"{URL}/{kpi}", headers=auth("finance")).status_code == 200
    r = client.get(f"{URL}/inventory_turns", query_string={"by": "item"}, headers=auth("finance"))
    assert r.status_code == 422


# --- supplier performance ----------------------------------------------------------------


def test_supplier_performance_is_purchasings_own_figure_per_supplier(client, auth, deliveries):
    window = {"from": deliveries.month_a.isoformat(),
              "to": (deliveries.today + timedelta(days=60)).isoformat()}  # fmt: skip
    body = kpi_report(client, auth("manager"), "supplier_performance", **window)
    (row,) = body["rows"]
    c = row["cells"]
    # As tests/integration/test_supplier_performance.py works it out: OTIF 3 / 7, fill
    # 81 / 85, lead time 33.75 days against 25 promised, 2 of 8 deliveries within.
    assert (row["label"], c["lines_judged"], c["otif"], c["pending"]) == ("ACME", 7, 3, 2)
    assert (c["otif_rate"], c["fill_rate"]) == ("0.4286", "0.9529")
    assert (c["lead_time_mean"], c["lead_time_promised"], c["lead_time_within_rate"]) == (
        "33.7500", 25, "0.2500")  # fmt: skip
    drill = client.get(f"{URL}/supplier_performance/records", headers=auth("manager"),
                       query_string={**window, "group": "ACME"})  # fmt: skip
    assert len(drill.get_json()["records"]) == 9  # 7 judged and 2 pending PO lines
    none = kpi_report(client, auth("manager"), "supplier_performance", supplier="NOPE", **window)
    assert none["rows"] == []
    assert client.get(f"{URL}/supplier_performance", headers=auth("supervisor")).status_code == 403


# --- gross margin ------------------------------------------------------------------------


def test_gross_margin_is_finances_own_figure_by_fulfilment_path(app, client, auth, users):
    w = _world(app, client, auth, users)
    wh, carrier = w["rs"].warehouse.code, w["rs"].site.carrier
    body = kpi_report(client, auth("finance"), "gross_margin")
    # As tests/integration/test_margin_report.py works it out: SHOP 44.00, WEB 21.90.
    assert body["by"] == "path"
    paths = rows_by_label(body)
    assert paths[f"SHOP / {wh} / {carrier} / standard"]["gross_margin"] == "44.00"
    assert paths[f"WEB / {wh} / {carrier} / standard"]["gross_margin"] == "21.90"
    assert body["total"]["cells"]["gross_margin"] == "65.90"
    assert body["total"]["cells"]["shipping_unknown_orders"] == 2
    assert any("2 order(s) with shipping cost unknown" in n for n in body["notes"])

    web = kpi_report(client, auth("manager"), "gross_margin", by="order_line", channel="WEB")
    (line,) = web["rows"]
    assert line["cells"]["external_id"] == w["a"].external_id
    assert line["cells"]["gross_margin"] == "21.90"
    assert client.get(f"{URL}/gross_margin", headers=auth("supervisor")).status_code == 403
    gone = client.get(f"{URL}/gross_margin", query_string={"channel": "NOPE"},
                      headers=auth("finance"))  # fmt: skip
    assert gone.status_code == 404
