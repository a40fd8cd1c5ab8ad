"""The order facts (reporting/order_facts_store.py): an order settles into them as the
transaction that ships or cancels its last units commits, an order with something left to
ship has none, the reports answer the same with and without them, and `scanfloor facts
rebuild --check` finds the kept facts identical to assembling every order again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import delete, select

from scanfloor.allocation.changes_service import cancel_line, cancel_order
from scanfloor.allocation.models import Order
from scanfloor.cli import main
from scanfloor.extensions import db
from scanfloor.reporting import order_facts_store
from scanfloor.reporting.order_facts_models import OrderFact, OrderLineFact, OrderShipFact
from tests.factories import make_item
from tests.integration.test_reports_service import _capture, _get, _outbound, _ship
from tests.shipping_helpers import packed_order, shipping_site, stock
from tests.suggestion_helpers import day_at, today

KPIS = ("line_fill", "unit_fill", "order_fill", "order_cycle_time")


def _kept(order_id: int) -> dict[str, set[tuple[Any, ...]]]:
    ids = select(Order.id).where(Order.id == order_id)
    return order_facts_store.snapshot(db.session.connection(), ids)


def _cli(app: Any, *args: str) -> Any:
    db.session.remove()  # the command runs its own transaction
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def _answers(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    """Every order KPI's rows and total, over the last week, by channel and by warehouse."""
    week = {"from": day_at(7).date().isoformat(), "to": today().isoformat()}
    out = {}
    for kpi in KPIS:
        for by in ("channel", "warehouse"):
            body = _get(client, headers, kpi, by=by, **week)
            out[(kpi, by)] = (body["rows"], body["total"])
            r = client.get(f"/api/v1/reports/kpis/{kpi}/records", query_string=week,
                           headers=headers)  # fmt: skip
            out[(kpi, "records")] = sorted(r.get_json()["records"], key=lambda x: x["order_id"])
    return out


def test_an_order_shipped_in_full_settles_into_its_facts_as_the_shipment_commits(app):
    made = _outbound(app)
    o1, o2, o3, o4 = made["orders"]
    kept = _kept(o1)
    # O1: one carton, both lines whole, shipped 2 days ago 08:00 (the set-up dates it).
    assert kept["order_facts"] == {(o1, day_at(2, 8).isoformat())}
    assert {(r[1], r[2], r[6], r[7], r[9], r[10]) for r in kept["order_line_facts"]} == {
        (1, 2, 2, 2, 2, 2),  # line, ordered, demand, shipped, first units, by the promise
        (2, 1, 1, 1, 1, 1),
    }
    # O2 shipped in two shipments of 2: its line's first shipment carried half.
    [line] = _kept(o2)["order_line_facts"]
    assert (line[6], line[7], line[9]) == (4, 4, 2)
    assert len(_kept(o2)["order_ship_facts"]) == 2
    # O3 and O4 wait for stock: nothing settled, no facts.
    for waiting in (o3, o4):
        assert _kept(waiting) == {t: set() for t in order_facts_store.TABLES}


def test_an_order_cancelled_whole_settles_with_the_day_it_was_cancelled(app):
    site, item = shipping_site(app, "OF"), make_item()
    order_id = _capture(site.channel, item.sku, 3)
    assert _kept(order_id)["order_facts"] == set()
    cancel_order(order_id)
    kept = _kept(order_id)
    assert kept["order_facts"] == {(order_id, None)}  # nothing ever shipped: no completion
    [line] = kept["order_line_facts"]
    assert line[4] == today().isoformat()  # cancelled today
    assert (line[6], line[7]) == (0, 0)  # no promise: all of it withdrawn, nothing shipped


def test_the_reports_answer_the_same_from_the_facts_as_from_the_orders(app, client, auth):
    made = _outbound(app)
    site, c = made["site"], made["c"]
    # Besides O1 and O2 (shipped, settled) and O3 and O4 (open): two orders cancelled whole,
    # one before its promise (withdrawn: not counted) and one after it (a miss), and one with
    # a line cancelled before its promise beside a line that shipped.
    early = _capture(site.channel, c.sku, 2, promised_ship_date=today() + timedelta(days=5))
    late = _capture(site.channel, c.sku, 3, promised_ship_date=today() - timedelta(days=2))
    for order_id in (early, late):
        cancel_order(order_id)
    mixed = packed_order(site, [(stock(site, 5), 1), (c, 2)], picked={c.id: 0})
    cancel_line(mixed.order_id, 2)  # nothing of it picked: withdrawn, not counted
    _ship(site, mixed.ssccs, day_at(1, 9))
    assert len(_kept(mixed.order_id)["order_line_facts"]) == 2
    headers = auth("admin")
    with_facts = _answers(client, headers)
    assert db.session.scalar(select(OrderFact.order_id).limit(1)) is not None
    for table in (OrderShipFact, OrderLineFact, OrderFact):
        db.session.execute(delete(table))
    db.session.commit()
    assert _answers(client, headers) == with_facts


def test_facts_rebuild_check_finds_the_kept_facts_identical_and_rebuild_repairs_them(app):
    _outbound(app)
    checked = _cli(app, "facts", "rebuild", "--check")
    assert checked.exit_code == 0, checked.output
    assert "order_facts 2 rows" in checked.output
    assert "order_line_facts 0, order_ship_facts 0" in checked.output
    db.session.execute(delete(OrderShipFact))
    db.session.commit()
    broken = _cli(app, "facts", "rebuild", "--check")
    assert broken.exit_code == 1
    assert "order_ship_facts 4" in broken.output  # O1's two lines, O2's line twice
    repaired = _cli(app, "facts", "rebuild")
    assert repaired.exit_code == 0, repaired.output
    again = _cli(app, "facts", "rebuild", "--check")
    assert again.exit_code == 0, again.output
