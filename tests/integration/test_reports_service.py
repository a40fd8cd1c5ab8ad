"""The service-level KPIs through the reports API, read from what the floor recorded (on
SQLite and PostgreSQL): line, unit and order fill, order cycle time and backorder ageing
of orders shipped whole, split over two shipments, late and still waiting; the ranked
order exceptions (waiting for stock, a short pick) with the three parts of their score;
and dock-to-stock time of receipt lines put away first in, first out."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from scanfloor.allocation import settling
from scanfloor.allocation.changes_service import cancel_order
from scanfloor.allocation.channels_service import create_channel
from scanfloor.allocation.models import Order
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from scanfloor.packing.models import Carton
from scanfloor.picking.short_service import ShortReport, report_short
from scanfloor.putaway.service import PutawayScan, confirm_putaway
from scanfloor.putaway.tasks import list_tasks
from scanfloor.receiving.confirmation import Confirmation
from scanfloor.receiving.models import ReceiptLine
from scanfloor.receiving.receive_service import receive as receive_on_po
from scanfloor.shipping.models import Shipment
from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment
from tests.factories import make_item, make_po, make_supplier, virtual
from tests.integration.test_reporting_facts import _post
from tests.picking_helpers import allocated_order, stock_item, stocked_warehouse
from tests.picking_released import released_task
from tests.putaway_helpers import build_site
from tests.putaway_helpers import item as put_item
from tests.shipping_helpers import Site, packed_order, shipping_site, stock
from tests.suggestion_helpers import day_at, today

URL = "/api/v1/reports/kpis"


def _ship(site: Site, ssccs: list[str], confirmed_at: datetime) -> None:
    """The cartons leave on one shipment, confirmed (test set-up: dated) at `confirmed_at`;
    its orders' facts are kept again as that commits, as if it had been confirmed then."""
    shipment = open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=None)
    for sscc in ssccs:
        add_carton(shipment.id, sscc, actor_id=None)
    confirm_shipment(shipment.id, actor_id=None)
    db.session.execute(
        update(Shipment).where(Shipment.id == shipment.id).values(confirmed_at=confirmed_at)
    )
    settling.note(
        db.session.scalars(select(Carton.order_id).where(Carton.shipment_id == shipment.id))
    )
    db.session.commit()


def _captured_at(order_id: int, at: datetime) -> None:
    """Test set-up only: the order was captured at `at` (packing helpers capture it now)."""
    db.session.execute(update(Order).where(Order.id == order_id).values(ordered_at=at))
    db.session.commit()


def _capture(channel: str, sku: str, quantity: int, **line: Any) -> int:
    ordered_at = line.pop("ordered_at", None)
    captured = capture_order(
        OrderInput(channel=channel, external_id=f"{channel}-{sku}-{quantity}",
                   lines=[LineInput(quantity=quantity, sku=sku, **line)], ordered_at=ordered_at)
    )  # fmt: skip
    return int(captured.order.id)


def _outbound(app: Any) -> dict[str, Any]:
    """Channel FLWEB ships from FLWH:
    - O1 (captured 3 days ago 08:00): 2 x A and 1 x B in one carton, shipped 2 days ago
      08:00: both lines whole in the first shipment; 24 hours to complete;
    - O2 (4 days ago 12:00): 4 x A in two cartons of 2, shipped 3 days ago 12:00 and 2 days
      ago 12:00: its line's first shipment carried half; 48 hours to complete;
    - O3 (5 days ago): 3 x C at 10.00, promised 3 days ago, no stock: late, waiting;
    - O4 (now): 2 x C, no price and no promise, no stock: pending, waiting."""
    site = shipping_site(app, "FL")
    a, b, c = stock(site, 20), stock(site, 5), make_item()
    o1 = packed_order(site, [(a, 2), (b, 1)])
    _captured_at(o1.order_id, day_at(3, 8))
    _ship(site, o1.ssccs, day_at(2, 8))
    o2 = packed_order(site, [(a, 4)], cartons=[{a.id: 2}, {a.id: 2}])
    _captured_at(o2.order_id, day_at(4, 12))
    _ship(site, o2.ssccs[:1], day_at(3, 12))
    _ship(site, o2.ssccs[1:], day_at(2, 12))
    o3 = _capture(site.channel, c.sku, 3, price=Decimal("10.00"),
                  promised_ship_date=today() - timedelta(days=3), ordered_at=day_at(5))  # fmt: skip
    o4 = _capture(site.channel, c.sku, 2)
    return {"site": site, "c": c, "orders": (o1.order_id, o2.order_id, o3, o4)}


def _get(client: Any, headers: dict[str, str], kpi: str, **query: Any) -> dict[str, Any]:
    r = client.get(f"{URL}/{kpi}", query_string=query, headers=headers)
    assert r.status_code == 200, r.get_json()
    return dict(r.get_json())


def _total(body: dict[str, Any]) -> dict[str, Any]:
    return dict(body["total"]["cells"])


def test_line_fill_is_lines_complete_in_their_first_shipment_over_lines_judged(app, client, auth):
    _outbound(app)
    body = _get(client, auth("manager"), "line_fill", by="channel")
    # Judged: O1's two lines (filled), O2's line (first shipment 2 of 4: not), O3's line
    # (promise passed, nothing shipped: not); O4's line is pending. 2 / 4 = 0.5.
    assert _total(body) == {"judged": 4, "filled": 2, "pending": 1, "rate": "0.5000"}
    assert [(r["label"], r["cells"]["rate"]) for r in body["rows"]] == [("FLWEB", "0.5000")]
    assert any("Pending: 1 lines" in n for n in body["notes"])


def test_unit_fill_is_units_shipped_by_the_promise_over_units_ordered(app, client, auth):
    _outbound(app)
    body = _get(client, auth("finance"), "unit_fill")
    # O1 3 of 3 and O2 4 of 4 (no promise: shipped is on time), O3 0 of 3 (promise passed);
    # O4's 2 units pending. 7 / 10 = 0.7.
    assert _total(body) == {"judged": 10, "filled": 7, "pending": 2, "rate": "0.7000"}
    assert body["rows"] == []


def test_order_fill_is_orders_complete_in_one_shipment_over_orders_judged(app, client, auth):
    _outbound(app)
    body = _get(client, auth("admin"), "order_fill", warehouse="FLWH")
    # O1 in one shipment; O2 in two; O3 late with nothing shipped; O4 pending. 1 / 3. The
    # unreserved O3 and O4 are FLWH's: the only warehouse their channel ships from.
    assert _total(body) == {"judged": 3, "filled": 1, "pending": 1, "rate": "0.3333"}
    other = _get(client, auth("admin"), "order_fill", warehouse="NOWH")
    assert _total(other) == {"judged": 0, "filled": 0, "pending": 0, "rate": None}


def test_a_fill_rate_of_a_period_counts_the_orders_captured_in_it_and_drills_down(
    app, client, auth
):
    made = _outbound(app)
    o1, o2, o3, _o4 = made["orders"]
    period = {"from": day_at(5).date().isoformat(), "to": day_at(3).date().isoformat()}
    body = _get(client, auth("manager"), "line_fill", **period)
    # O1, O2 and O3 were captured 5 to 3 days ago; O4 today is outside.
    assert _total(body) == {"judged": 4, "filled": 2, "pending": 0, "rate": "0.5000"}
    r = client.get(f"{URL}/line_fill/records", query_string=period, headers=auth("manager"))
    assert r.status_code == 200, r.get_json()
    records = {x["order_id"]: x for x in r.get_json()["records"]}
    assert set(records) == {o1, o2, o3}
    [split] = records[o2]["lines"]
    assert [s["units"] for s in split["shipped"]] == [2, 2]
    assert records[o3]["lines"][0]["promised_on"] == (today() - timedelta(days=3)).isoformat()


def test_a_line_cancelled_before_its_promise_is_withdrawn_and_after_it_is_a_miss(app, client, auth):
    site, c = shipping_site(app, "CX"), make_item()
    early = _capture(site.channel, c.sku, 2, promised_ship_date=today() + timedelta(days=5))
    late = _capture(site.channel, c.sku, 3, promised_ship_date=today() - timedelta(days=2))
    for order_id in (early, late):
        cancel_order(order_id)
    # Cancelled today: the early order before its promise (not wanted: not counted), the
    # late one after it (counted, not filled). 0 / 1.
    for kpi in ("line_fill", "order_fill"):
        body = _get(client, auth("manager"), kpi)
        assert _total(body) == {"judged": 1, "filled": 0, "pending": 0, "rate": "0.0000"}
    units = _get(client, auth("manager"), "unit_fill")
    assert _total(units) == {"judged": 3, "filled": 0, "pending": 0, "rate": "0.0000"}


def test_order_cycle_time_runs_from_capture_to_the_shipment_that_completed_it(app, client, auth):
    _outbound(app)
    day = day_at(2).date().isoformat()
    body = _get(client, auth("supervisor"), "order_cycle_time", **{"from": day, "to": day})
    # O1: 24 h, O2: 48 h (its last shipment), both completed 2 days ago. Nearest rank:
    # p50 = the 1st of 2, p90 = the 2nd. O3 and O4 were not captured that day.
    assert _total(body) == {"count": 2, "p50_hours": "24.00", "p90_hours": "48.00",
                            "waiting": 0, "clamped": 0}  # fmt: skip
    timed = _records(client, auth, "order_cycle_time", **{"from": day, "to": day})
    assert sorted(r["completed_at"] for r in timed) == [
        day_at(2, 8).isoformat(), day_at(2, 12).isoformat(),
    ]  # fmt: skip
    everything = _get(client, auth("supervisor"), "order_cycle_time", by="warehouse")
    assert [(r["label"], r["cells"]["waiting"]) for r in everything["rows"]] == [("FLWH", 2)]


def test_backorder_ageing_buckets_waiting_units_and_their_value_by_days_since_capture(
    app, client, auth
):
    _outbound(app)
    body = _get(client, auth("supervisor"), "backorder_ageing")
    cells = {r["cells"]["bucket"]: r["cells"] for r in body["rows"]}
    assert list(cells) == ["0-2", "3-7", "8-14", "15-30", ">30"]
    # O3: 3 units at 10.00 captured 5 days ago; O4: 2 units with no price captured today.
    assert cells["3-7"] == {"bucket": "3-7", "lines": 1, "units": 3, "value": "30.00",
                            "unpriced_units": 0}  # fmt: skip
    assert cells["0-2"] == {"bucket": "0-2", "lines": 1, "units": 2, "value": "0.00",
                            "unpriced_units": 2}  # fmt: skip
    assert _total(body) == {"bucket": "all", "lines": 2, "units": 5, "value": "30.00",
                            "unpriced_units": 2}  # fmt: skip


def test_exceptions_rank_by_service_risk_margin_at_stake_and_channel_priority(app, client, auth):
    made = _outbound(app)
    site, c = made["site"], made["c"]
    create_channel("FLAMZ", kind="marketplace", name="Marketplace", warehouses=["FLWH"],
                   priority=10)  # fmt: skip
    o5 = _capture("FLAMZ", c.sku, 1)
    d = make_item()
    _post("receipt", d.id, 2, virtual("VENDOR").id, site.bin.id, day_at(6), cost=Decimal("4.00"))
    o6 = _capture(site.channel, d.sku, 5, price=Decimal("9.00"))
    body = _get(client, auth("manager"), "exception_priority")
    got = [(r["cells"]["order"], r["cells"]["kind"], r["cells"]["service_risk"],
            r["cells"]["margin"], r["cells"]["margin_impact"], r["cells"]["channel_penalty"],
            r["cells"]["score"]) for r in body["rows"]]  # fmt: skip
    wait = "waiting_for_stock"
    assert got == [
        # O3: promised 3 days ago, so more than 48 h late: service 2; no cost for C: margin
        # unknown. 0.5 x 2 = 1.
        (f"FLWEB-{c.sku}-3", wait, "2.0000", None, "0.0000", "0.0000", "1.0000"),
        # O6: 5 x 9.00 = 45.00 less 5 at 4.00 = 25.00 at stake, the largest: impact 1.
        # 0.3 x 1 = 0.3.
        (f"FLWEB-{d.sku}-5", wait, "0.0000", "25.00", "1.0000", "0.0000", "0.3000"),
        # O5: FLAMZ has the highest priority (10 / 10 = penalty 1). 0.2 x 1 = 0.2.
        (f"FLAMZ-{c.sku}-1", wait, "0.0000", None, "0.0000", "1.0000", "0.2000"),
        # O4: nothing at all.
        (f"FLWEB-{c.sku}-2", wait, "0.0000", None, "0.0000", "0.0000", "0.0000"),
    ]
    assert [r["cells"]["rank"] for r in body["rows"]] == [1, 2, 3, 4]
    assert any("allocation priority" in n for n in body["notes"])
    label = body["rows"][1]["label"]
    drill = client.get(f"{URL}/exception_priority/records", query_string={"group": label},
                       headers=auth("manager"))  # fmt: skip
    [record] = drill.get_json()["records"]
    assert (record["order_id"], record["margin"], record["ship_by"]) == (o6, "25.00", None)
    assert o5 in {r["order_id"] for r in _records(client, auth, "exception_priority")}


def _records(client: Any, auth: Any, kpi: str, **query: Any) -> list[dict[str, Any]]:
    r = client.get(f"{URL}/{kpi}/records", query_string=query, headers=auth("manager"))
    assert r.status_code == 200, r.get_json()
    return list(r.get_json()["records"])


def test_a_short_pick_is_an_order_exception_in_its_warehouse(app, client, auth, users):
    floor = stocked_warehouse("SP")
    it = stock_item(floor, {"A-1": 4, "B-2": 10})
    order = allocated_order(floor, [(it, 3)], promised=today() - timedelta(days=3))
    rel = released_task(floor, [order], picker=users["worker"])
    report_short(ShortReport(rel.task_id, rel.line_ids[0], floor.bin("A-1").code, 1,
                             floor.tote(1).code),
                 actor_id=users["worker"].id)  # fmt: skip
    body = _get(client, auth("supervisor"), "exception_priority", warehouse="SPWH1")
    [row] = body["rows"]
    # Promised 3 days ago: more than 48 h late, service 2; no price: margin unknown.
    assert (row["cells"]["kind"], row["cells"]["warehouse"], row["cells"]["score"]) == (
        "short_pick", "SPWH1", "1.0000",
    )  # fmt: skip
    assert _get(client, auth("supervisor"), "exception_priority", channel="NONE")["rows"] == []


def test_who_may_read_a_service_figure_and_what_it_refuses(app, client, auth):
    # Fill rates are the executive dashboard's: a supervisor does not see them.
    r = client.get(f"{URL}/line_fill", headers=auth("supervisor"))
    assert r.status_code == 403
    assert "supervisor" not in r.get_json()["error"]["details"]["allowed_roles"]
    # Backorder ageing and exception priority are snapshots: no date range.
    for kpi in ("backorder_ageing", "exception_priority"):
        r = client.get(f"{URL}/{kpi}", query_string={"from": "2026-01-01"},
                       headers=auth("manager"))  # fmt: skip
        assert r.status_code == 422
        assert r.get_json()["error"]["details"]["code"] == "unsupported_filter"
    r = client.get(f"{URL}/order_cycle_time", query_string={"by": "zone"}, headers=auth("manager"))
    assert r.get_json()["error"]["details"]["code"] == "unsupported_breakdown"


def _received_at(line_id: int, at: datetime) -> None:
    """Test set-up only: the receipt line was confirmed at `at` (receiving stamps now)."""
    db.session.execute(update(ReceiptLine).where(ReceiptLine.id == line_id).values(created_at=at))
    db.session.commit()


def _put_away(warehouse_id: int, item_id: int, quantity: int | None = None) -> datetime:
    """The item's dock task put away into the bin putaway suggests; when it moved."""
    [task] = [t for t in list_tasks(warehouse_id=warehouse_id).tasks if t.item.id == item_id]
    assert task.suggested_location is not None
    done = confirm_putaway(
        PutawayScan(task.id, task.suggested_location.code, quantity=quantity), actor_id=None
    )
    moved = db.session.get(Movement, done.movement_ids[0])
    assert moved is not None
    return moved.occurred_at


def test_dock_to_stock_is_hours_from_receiving_a_line_to_putting_its_last_unit_away(
    app, client, auth
):
    site = build_site("DK")
    x, y = put_item(), put_item()
    po = make_po(make_supplier("DKSUP"), [(x, 8), (y, 4)])
    for line, quantity in ((po.lines[0], 5), (po.lines[0], 3), (po.lines[1], 4)):
        receive_on_po(po.id, Confirmation(line_id=line.id, quantity=quantity,
                                          to_location=site.dock.id),
                      actor_id=None, role="supervisor")  # fmt: skip
    first_x, second_x, the_y = db.session.scalars(select(ReceiptLine.id).order_by(ReceiptLine.id))
    # 5 of X's 8 leave the dock: the first line's 5 (first in, first out); the second's 3
    # stay. All 4 of Y leave.
    _received_at(first_x, _put_away(site.wh.id, x.id, 5) - timedelta(hours=5))
    _received_at(the_y, _put_away(site.wh.id, y.id) - timedelta(hours=3))
    body = _get(client, auth("supervisor"), "dock_to_stock", by="supplier")
    # Timed 3 h and 5 h: nearest rank p50 = 3, p90 = 5; the second X line waits.
    assert _total(body) == {"count": 2, "p50_hours": "3.00", "p90_hours": "5.00",
                            "waiting": 1, "clamped": 0}  # fmt: skip
    assert [r["label"] for r in body["rows"]] == ["DKSUP"]
    records = {r["receipt_line_id"]: r for r in _records(client, auth, "dock_to_stock")}
    assert set(records) == {first_x, second_x, the_y}
    assert (records[second_x]["stocked_at"], records[second_x]["units"]) == (None, 3)
    r = client.get(f"{URL}/dock_to_stock", query_string={"channel": "WEB"},
                   headers=auth("supervisor"))  # fmt: skip
    assert r.status_code == 422
