"""An order whose units are in a carton, or already shipped, can no longer be cancelled:
409 order_packed, and nothing changes (its cartons are the pack station's to unpack, the
shipped units the customer's). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from scanfloor.allocation.models import OrderLine, Reservation
from scanfloor.extensions import db
from scanfloor.picking.models import PickLine, WaveOrder
from tests import outbound_machine_support as books
from tests.factories import ledger_snapshot
from tests.outbound_scenarios import Scenario, released_order


def _state() -> tuple[Any, ...]:
    """What a refused cancel must leave as it was."""
    rows = (
        db.session.execute(select(Reservation.id, Reservation.status, Reservation.quantity)).all(),
        db.session.execute(select(OrderLine.id, OrderLine.status, OrderLine.reserved_qty)).all(),
        db.session.execute(select(PickLine.id, PickLine.status)).all(),
        db.session.execute(select(WaveOrder.order_id, WaveOrder.open)).all(),
    )
    out = (ledger_snapshot(), *(sorted(tuple(r) for r in found) for found in rows))
    db.session.rollback()
    return out


def _cancel_refused(client: Any, auth: Any, sc: Scenario) -> dict[str, Any]:
    before = _state()
    r = client.post(f"/api/v1/orders/{sc.order.id}/cancel", headers=auth("manager"))
    assert r.status_code == 409, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "order_packed"
    assert _state() == before
    books.check_all(sc.floor.channel, sc.floor.wh.id)
    return dict(error)


def test_an_order_with_units_in_an_open_carton_cannot_be_cancelled(app, client, auth, users):
    sc = released_order(app, users["manager"].id, [4])
    sc.pick(sc.line(1), 3)
    sc.pack(3, close=False)

    error = _cancel_refused(client, auth, sc)
    assert error["details"]["order_line_ids"] == [sc.line(1)]


def test_an_order_part_shipped_cannot_be_cancelled(app, client, auth, users):
    """3 of the line's 4 units picked and shipped: no line is packed or shipped in full and
    its cartons hold nothing now, but the shipped units are gone; a cancel would send the
    tote's nothing back and leave the books saying the order never left."""
    sc = released_order(app, users["manager"].id, [4])
    sc.pick(sc.line(1), 3)
    sc.ship(sc.pack(3))

    error = _cancel_refused(client, auth, sc)
    assert error["details"]["order_line_ids"] == [sc.line(1)]
