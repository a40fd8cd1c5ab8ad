"""Shipping cost in margin: the ship confirm records each carton's part of its carrier's
quote (a flat rate per carton; NULL on the own fleet's basis), and the margin report
subtracts an order's shipping cost split over its shipped lines by their revenue, to the
cent; an order with any carton of unknown cost has unknown shipping, not subtracted and
counted; a cost in another currency converts at the rate of its ship day, and stays unknown
while no rate applies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from scanfloor.allocation.models import OrderLine
from scanfloor.extensions import db
from scanfloor.finance.fx_service import set_rate
from scanfloor.packing.models import Carton
from scanfloor.shipping.service import add_carton, confirm_shipment, create_carrier, open_shipment
from tests import finance_helpers as fh
from tests.factories import make_item
from tests.shipping_helpers import PackedOrder, Site, packed_order, shipping_site

D = Decimal
URL = "/api/v1/finance/margin"


def _site(app: Any) -> Site:
    """The shipping site (carrier OWN: no rates) and DHL: standard 4.95 EUR a carton,
    express without a rate (its own fleet); UPS: standard 10.00 USD a carton."""
    site = shipping_site(app)
    create_carrier(code="DHL", name="DHL", services=["standard", "express"],
                   settings={"currency": "EUR", "rates": {"standard": "4.95"}})  # fmt: skip
    create_carrier(code="UPS", name="UPS", services=["standard"],
                   settings={"currency": "USD", "rates": {"standard": "10.00"}})  # fmt: skip
    return site


def _stocked(site: Site, cost: str) -> Any:
    it = make_item()
    fh.receive(it, site.bin, 20, cost)
    return it


def _packed(site: Site, lines: Sequence[tuple[Any, int, str]],
            cartons: Sequence[Mapping[int, int]] | None = None) -> PackedOrder:  # fmt: skip
    """An order of (item, quantity, unit price) lines, packed into `cartons`."""
    packed = packed_order(site, [(it, q) for it, q, _ in lines], cartons=cartons)
    for line_id, (_, _, price) in zip(packed.line_ids, lines, strict=True):
        db.session.execute(update(OrderLine).where(OrderLine.id == line_id).values(price=D(price)))
    db.session.commit()
    return packed


def _ship(site: Site, carrier: str, service: str, ssccs: Sequence[str]) -> None:
    shipment = open_shipment(site.warehouse.id, carrier, service, actor_id=None)
    for sscc in ssccs:
        add_carton(shipment.id, sscc, actor_id=None)
    confirm_shipment(shipment.id, actor_id=None)
    db.session.rollback()


def _costs(packed: PackedOrder) -> list[tuple[Decimal | None, str | None]]:
    ids = [c.id for c in packed.cartons]
    rows = db.session.execute(
        select(Carton.shipping_cost, Carton.shipping_currency)
        .where(Carton.id.in_(ids))
        .order_by(Carton.id)
    )
    return [(None if c is None else D(str(c)).quantize(D("0.0001")), cur) for c, cur in rows]


def _report(client: Any, h: dict[str, str], **query: str) -> dict[str, Any]:
    r = client.get(URL, query_string=query, headers=h)
    assert r.status_code == 200, r.get_json()
    return dict(r.get_json())


def _today() -> datetime:
    return datetime.now(UTC)


def test_ship_confirm_records_each_cartons_quoted_cost_and_none_on_the_own_fleet(app):
    site = _site(app)
    it = _stocked(site, "3.10")
    rated = _packed(site, [(it, 2, "25.00")], cartons=[{it.id: 1}, {it.id: 1}])
    own_fleet = _packed(site, [(it, 1, "25.00")])
    no_rates = _packed(site, [(it, 1, "25.00")])
    _ship(site, "DHL", "standard", rated.ssccs)
    _ship(site, "DHL", "express", own_fleet.ssccs)
    _ship(site, site.carrier, "standard", no_rates.ssccs)

    assert _costs(rated) == [(D("4.9500"), "EUR"), (D("4.9500"), "EUR")]
    assert _costs(own_fleet) == [(None, None)]  # unknown, not zero
    assert _costs(no_rates) == [(None, None)]


def test_margin_subtracts_shipping_split_by_line_revenue_and_counts_the_unknown(app, client, auth):
    site = _site(app)
    it, other = _stocked(site, "3.10"), _stocked(site, "2.00")
    # A: 2 x 25.00 and 3 x 5.00 in two DHL standard cartons: 9.90 of shipping.
    a = _packed(site, [(it, 2, "25.00"), (other, 3, "5.00")],
                cartons=[{it.id: 2}, {other.id: 3}])  # fmt: skip
    # B: on the OWN carrier (no rate): unknown. C: one carton rated, one on the own fleet.
    b = _packed(site, [(it, 1, "40.00")])
    c = _packed(site, [(it, 2, "10.00")], cartons=[{it.id: 1}, {it.id: 1}])
    _ship(site, "DHL", "standard", [*a.ssccs, c.ssccs[0]])
    _ship(site, site.carrier, "standard", b.ssccs)
    _ship(site, "DHL", "express", c.ssccs[1:])
    h = auth("manager")

    lines = _report(client, h, group_by="order_line")
    rows = {(r["external_id"], r["line_no"]): r for r in lines["rows"]}
    # 9.90 over A's lines by revenue 50 : 15 = 7.615.. : 2.284..; the cent left to line 1.
    assert (rows[(a.external_id, 1)]["shipping_cost"], rows[(a.external_id, 2)]["shipping_cost"]) \
        == ("7.62", "2.28")  # fmt: skip
    assert rows[(a.external_id, 1)]["gross_margin"] == "36.18"  # 50.00 - 6.20 - 7.62
    assert rows[(a.external_id, 2)]["gross_margin"] == "6.72"  # 15.00 - 6.00 - 2.28
    assert rows[(a.external_id, 1)]["shipping_unknown_orders"] == 0
    for unknown in (b, c):
        row = rows[(unknown.external_id, 1)]
        assert row["shipping_cost"] is None and row["shipping_unknown_orders"] == 1
    assert rows[(b.external_id, 1)]["gross_margin"] == "36.90"  # nothing subtracted
    assert rows[(c.external_id, 1)]["gross_margin"] == "13.80"  # C's 4.95 neither

    channel = _report(client, h, group_by="channel")
    web = channel["rows"][0]
    assert (web["shipping_cost"], web["shipping_unknown_orders"], web["shipping_unknown_revenue"]) \
        == ("9.90", 2, "60.00")  # fmt: skip
    assert web["gross_margin"] == "93.60"  # 125.00 - 21.50 - 9.90
    assert channel["totals"] == {k: v for k, v in web.items() if k in channel["totals"]}
    assert channel["shipping_cost_known"] is False
    month = _report(client, h, group_by="month")
    assert month["rows"][0]["shipping_unknown_orders"] == 2
    assert month["totals"]["shipping_cost"] == "9.90"

    csv = client.get(URL + ".csv", query_string={"group_by": "channel"}, headers=h)
    head, row = csv.get_data(as_text=True).splitlines()
    assert head.endswith(",shipping_cost,gross_margin,margin_pct,shipping_unknown_orders,"
                         "shipping_unknown_revenue")  # fmt: skip
    assert row.endswith(",21.50,0.00,9.90,93.60,74.88,2,60.00")
    tomorrow = (_today().date() + timedelta(days=1)).isoformat()
    later = _report(client, h, **{"from": tomorrow})
    assert later["rows"] == [] and later["totals"]["shipping_cost"] == "0.00"


def test_a_foreign_shipping_cost_converts_at_its_ship_days_rate_and_is_unknown_without(
    app, client, auth
):
    site = _site(app)
    it = _stocked(site, "3.10")
    d = _packed(site, [(it, 1, "30.00")])
    _ship(site, "UPS", "standard", d.ssccs)
    h = auth("manager")
    assert _costs(d) == [(D("10.0000"), "USD")]

    without = _report(client, h, group_by="order_line")["rows"][0]
    assert (without["shipping_cost"], without["gross_margin"]) == (None, "26.90")
    today = _today().date()
    set_rate("USD", today + timedelta(days=1), D("0.95"), None)  # never applies backwards
    assert _report(client, h, group_by="order_line")["rows"][0]["shipping_cost"] is None

    set_rate("USD", today, D("0.92"), None)
    report = _report(client, h, group_by="order_line")
    row = report["rows"][0]
    assert (row["shipping_cost"], row["gross_margin"]) == ("9.20", "17.70")  # 30 - 3.10 - 9.20
    assert row["shipping_unknown_orders"] == 0 and report["shipping_cost_known"] is True
