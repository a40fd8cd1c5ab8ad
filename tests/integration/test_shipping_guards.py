"""What ship confirm and the dock must never do: ship a line that is not picked in full,
ship a cancelled order's carton, or give two cartons one tracking number.

Runs on SQLite and PostgreSQL (the `app` fixture).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from scanfloor.allocation.models import Order, OrderLine
from scanfloor.errors import ScanfloorError
from scanfloor.extensions import db
from scanfloor.shipping.models import Carrier
from scanfloor.shipping.service import add_carton, confirm_shipment, create_carrier, open_shipment
from tests import outbound_machine_support as books
from tests.integration.test_shipping_refusals import _state
from tests.outbound_scenarios import released_order
from tests.shipping_helpers import packed_order, shipping_site, stock


def _refused(call: Any, code: str) -> ScanfloorError:
    before = _state()
    try:
        call()
    except ScanfloorError as exc:
        db.session.rollback()
        assert exc.code == code, (exc.code, exc.details)
        assert _state() == before
        return exc
    raise AssertionError(f"not refused: expected {code}")


def _lines(order_id: int) -> list[tuple[str, int, int]]:
    db.session.rollback()
    return [
        (str(s), int(r), int(c))
        for s, r, c in db.session.execute(
            select(OrderLine.status, OrderLine.reserved_qty, OrderLine.consumed_qty)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.id)
        )
    ]


# --- a line ships only when every unit of it has shipped ---------------------------------------


def test_a_line_ships_only_when_every_unit_of_its_quantity_has_shipped(app, users):
    """Two lines of one item, 2 each. Line 2 is picked in full, line 1 only 1 of 2 (1 still
    reserved); the 3 units packed and shipped are line 1's one and line 2's two. Line 2
    ships; line 1 keeps its status and its reservation. Its last unit, picked and shipped
    later, ships it and the order."""
    sc = released_order(app, users["manager"].id, [2, 2])

    sc.pick(sc.line(2), 2)
    sc.pick(sc.line(1), 1)
    sc.ship(sc.pack(3))

    assert _lines(sc.order.id) == [("picking", 1, 1), ("shipped", 0, 2)]
    assert db.session.get(Order, sc.order.id).status != "shipped"
    books.check_all(sc.floor.channel, sc.floor.wh.id)

    sc.pick(sc.line(1), 1)
    sc.ship(sc.pack(1))

    assert _lines(sc.order.id) == [("shipped", 0, 2), ("shipped", 0, 2)]
    assert db.session.get(Order, sc.order.id).status == "shipped"
    books.check_all(sc.floor.channel, sc.floor.wh.id)


def test_a_unit_shipped_for_one_line_is_never_counted_again_for_another(app, users):
    """Line 2 (1 unit) ships first, while line 1 (3) has nothing picked. Line 1 is then
    picked, and 2 of its 3 units ship: 3 units have shipped, so line 1 is not shipped, the
    order keeps its tote, and its last unit is still there to pack."""
    sc = released_order(app, users["manager"].id, [3, 1])
    sc.pick(sc.line(2), 1)
    sc.ship(sc.pack(1))
    sc.pick(sc.line(1), 3)
    sc.ship(sc.pack(2))

    assert _lines(sc.order.id) == [("picked", 0, 3), ("shipped", 0, 1)]
    books.check_all(sc.floor.channel, sc.floor.wh.id)
    sc.ship(sc.pack(1))  # the tote still holds it, and it is the order's to ship

    assert _lines(sc.order.id) == [("shipped", 0, 3), ("shipped", 0, 1)]
    books.check_all(sc.floor.channel, sc.floor.wh.id)


# --- a cancelled order's cartons never ship ----------------------------------------------------


def _cancel_behind_the_back(order_id: int) -> None:
    """The order cancelled however it happened (a path that skipped the cancel's own
    refusal, a fix by hand): the dock is the last line of defence."""
    db.session.execute(update(Order).where(Order.id == order_id).values(status="cancelled"))
    db.session.commit()


def test_a_cancelled_orders_carton_is_refused_at_the_dock(app, users):
    site = shipping_site(app)
    order = packed_order(site, [(stock(site, 10), 2)])
    uid = users["worker"].id
    shipment = open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=uid)
    _cancel_behind_the_back(order.order_id)

    exc = _refused(lambda: add_carton(shipment.id, order.ssccs[0], actor_id=uid), "order_cancelled")
    assert exc.details["sscc"] == order.ssccs[0]


def test_a_shipment_holding_a_cancelled_orders_carton_is_not_confirmed(app, users):
    site = shipping_site(app)
    item = stock(site, 10)
    kept, gone = packed_order(site, [(item, 1)]), packed_order(site, [(item, 2)])
    uid = users["worker"].id
    shipment = open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=uid)
    add_carton(shipment.id, kept.ssccs[0], actor_id=uid)
    add_carton(shipment.id, gone.ssccs[0], actor_id=uid)
    _cancel_behind_the_back(gone.order_id)

    exc = _refused(lambda: confirm_shipment(shipment.id, actor_id=uid), "order_cancelled")
    assert exc.details["orders"] == [{"order_id": gone.order_id, "external_id": gone.external_id}]
    assert [c["sscc"] for c in exc.details["cartons"]] == gone.ssccs


# --- two carriers never issue one tracking number -----------------------------------------------


def _carrier(code: str, prefix: str, first: int, last: int | None, **settings: Any) -> Any:
    return create_carrier(
        code=code,
        name=code,
        services=["standard"],
        tracking_prefix=prefix,
        tracking_next=first,
        tracking_last=last,
        settings=settings or None,
    )


def test_a_carrier_whose_numbers_another_carrier_issues_is_refused(app, client, auth):
    _carrier("ACME", "AC", 1, 1000, digits=8)
    body = {"code": "ACME2", "name": "Acme again", "services": ["standard"],
            "tracking_prefix": "AC", "tracking_next": 1000, "tracking_last": 2000,
            "settings": {"digits": 8}}  # fmt: skip
    r = client.post("/api/v1/carriers", json=body, headers=auth("manager"))

    assert r.status_code == 409, r.get_json()
    assert r.get_json()["error"]["code"] == "tracking_range_overlap"
    assert r.get_json()["error"]["details"]["carrier"] == "ACME"
    assert db.session.scalars(select(Carrier.code)).all() == ["ACME"]


def test_carriers_whose_numbers_never_meet_are_both_accepted(app):
    _carrier("ACME", "AC", 1, 1000, digits=8)
    _carrier("ACME2", "AC", 1001, 2000, digits=8)  # the same prefix, the range above
    _carrier("BETA", "BE", 1, 1000, digits=8)  # another prefix
    _carrier("LONG", "AC", 1, 1000, digits=9)  # longer numbers: "AC" + 9 digits
    assert sorted(db.session.scalars(select(Carrier.code))) == ["ACME", "ACME2", "BETA", "LONG"]


def test_a_prefix_that_reads_as_another_carriers_digits_is_refused(app):
    """ "A" + 10 digits and "A0" + 9 digits both issue "A0000000001"."""
    _carrier("ONE", "A", 1, None)
    _refused(lambda: _carrier("TWO", "A0", 1, 50, digits=9), "tracking_range_overlap")


def test_numbers_an_old_carrier_issued_below_its_next_count_as_its_own(app):
    """Where a carrier's range began is not kept: a new range below its next number may
    hold numbers already on cartons, so it is refused."""
    _carrier("OLD", "OL", 500, 600, digits=6)
    _refused(lambda: _carrier("NEW", "OL", 1, 10, digits=6), "tracking_range_overlap")


def test_a_number_already_on_another_carton_is_refused_not_a_server_error(app, users):
    """A carrier set up before overlaps were refused issues a number another carrier's
    carton carries: the scan is refused with a named error and changes nothing."""
    site = shipping_site(app)  # carrier OWN: "SF" + 8 digits from 1
    item = stock(site, 10)
    first, second = packed_order(site, [(item, 1)]), packed_order(site, [(item, 1)])
    db.session.add(
        Carrier(code="TWIN", name="Twin", adapter="manual", services=["standard"],
                tracking_prefix="SF", tracking_next=1, tracking_last=99,
                settings={"digits": 8}, active=True)
    )  # fmt: skip
    db.session.commit()
    uid = users["worker"].id
    ours = open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=uid)
    twin = open_shipment(site.warehouse.id, "TWIN", "standard", actor_id=uid)
    add_carton(ours.id, first.ssccs[0], actor_id=uid)

    exc = _refused(
        lambda: add_carton(twin.id, second.ssccs[0], actor_id=uid), "tracking_number_taken"
    )
    assert exc.details == {"carrier": "TWIN", "tracking_number": "SF00000001"}
