"""Ship confirm end to end: cartons scanned onto a shipment get tracking numbers; confirming
posts them to the customer, ships the lines, frees the tote and tells the channel.

Packed orders are built as packing leaves them (tests/shipping_helpers.py). Runs on SQLite
and PostgreSQL (the `app` fixture).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from scanfloor.allocation.ats import item_ats_across_channels
from scanfloor.allocation.models import Channel, Order, OrderEvent, OrderLine
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement, Posting
from scanfloor.ledger.verify import verify_ledger
from scanfloor.outbox.models import OutboxMessage
from scanfloor.packing.models import Carton
from scanfloor.picking.models import WaveOrder
from scanfloor.shipping.models import Carrier
from tests.factories import virtual
from tests.shipping_helpers import packed_order, shipping_site, stock

SHIPMENTS = "/api/v1/shipments"


def _open(client: Any, headers: dict[str, str], site: Any, **kw: Any) -> dict[str, Any]:
    body = {"warehouse": site.warehouse.code, "carrier": site.carrier, "service": "standard"}
    body.update(kw)
    r = client.post(SHIPMENTS, json=body, headers=headers)
    assert r.status_code == 201, r.get_json()
    return dict(r.get_json())


def _scan(client: Any, headers: dict[str, str], shipment_id: int, code: str, key: str) -> Any:
    return client.post(
        f"{SHIPMENTS}/{shipment_id}/cartons",
        json={"carton": code, "client_scan_id": key},
        headers=headers,
    )


def _confirm(client: Any, headers: dict[str, str], shipment_id: int, key: str) -> Any:
    return client.post(
        f"{SHIPMENTS}/{shipment_id}/confirm", json={"client_scan_id": key}, headers=headers
    )


def _shipped_messages() -> list[OutboxMessage]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.topic == "order.shipped")
            .order_by(OutboxMessage.id)
        )
    )


def _in_container(container_id: int) -> int:
    db.session.rollback()
    q = select(func.coalesce(func.sum(Balance.quantity), 0)).where(
        Balance.container_id == container_id
    )
    return int(db.session.scalar(q) or 0)


def _at_customer(item_id: int) -> int:
    q = select(func.coalesce(func.sum(Balance.quantity), 0)).where(
        Balance.item_id == item_id, Balance.location_id == virtual("CUSTOMER").id
    )
    return int(db.session.scalar(q) or 0)


def _line_statuses(order_id: int) -> list[str]:
    db.session.rollback()
    q = select(OrderLine.status).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
    return list(db.session.scalars(q))


def test_a_confirmed_shipment_posts_every_carton_to_customer_ships_the_lines_frees_the_tote_and_tells_the_channel(  # noqa: E501
    app, client, auth
):
    site = shipping_site(app)
    tee, mug = stock(site, 10, "TEE"), stock(site, 5, "MUG")
    order = packed_order(site, [(tee, 3), (mug, 1)], cartons=[{tee.id: 3}, {mug.id: 1}])
    worker = auth("worker")
    shipment = _open(client, worker, site, dock_door="DOOR-1")
    assert shipment["status"] == "open" and shipment["dock_door"]["code"] == "DOOR-1"

    first = _scan(client, worker, shipment["id"], order.ssccs[0], "scan-1")
    second = _scan(client, worker, shipment["id"], f"(00){order.ssccs[1]}", "scan-2")  # GS1 form
    assert first.status_code == 200 and second.status_code == 200, second.get_json()
    numbers = [c["tracking_number"] for c in second.get_json()["cartons"]]
    assert numbers == ["SF00000001", "SF00000002"]

    r = _confirm(client, worker, shipment["id"], "confirm-1")

    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "confirmed" and body["confirmed_at"] is not None
    assert body["orders"] == [{"id": order.order_id, "external_id": order.external_id,
                               "status": "shipped"}]  # fmt: skip
    # Every carton posted to the customer in one posting of type ship.
    assert [_in_container(c.container_id) for c in order.cartons] == [0, 0]
    assert (_at_customer(tee.id), _at_customer(mug.id)) == (3, 1)
    postings = db.session.scalars(
        select(Posting.id).where(
            Posting.movement_type == "ship", Posting.source_id == str(shipment["id"])
        )
    ).all()
    assert len(postings) == 1
    # Cartons shipped, lines shipped with their history, the tote free again.
    assert set(db.session.scalars(select(Carton.status))) == {"shipped"}
    assert _line_statuses(order.order_id) == ["shipped", "shipped"]
    assert db.session.get(Order, order.order_id).status == "shipped"
    events = db.session.scalars(
        select(OrderEvent.to_status).where(
            OrderEvent.order_id == order.order_id, OrderEvent.order_line_id.is_not(None)
        )
    ).all()
    assert events.count("shipped") == 2
    assert (
        db.session.scalar(select(WaveOrder.open).where(WaveOrder.order_id == order.order_id))
        is False
    )
    # One message for the channel, with what shipped and how to track it.
    [msg] = _shipped_messages()
    channel_id = db.session.scalar(select(Channel.id).where(Channel.code == site.channel))
    assert msg.destination == f"channel:{channel_id}"
    data = msg.payload
    assert data["external_id"] == order.external_id and data["complete"] is True
    assert data["carrier"]["code"] == site.carrier and data["service"] == "standard"
    assert sorted((ln["sku"], ln["quantity"]) for ln in data["lines"]) == [("MUG", 1), ("TEE", 3)]
    assert [(c["sscc"], c["tracking_number"], c["tracking_url"]) for c in data["cartons"]] == [
        (order.ssccs[0], "SF00000001", "https://track.example.com/t/SF00000001"),
        (order.ssccs[1], "SF00000002", "https://track.example.com/t/SF00000002"),
    ]
    assert verify_ledger().clean


def test_after_shipping_a_channel_sells_what_it_sold_before_the_order_less_the_units_shipped(
    app, users
):
    from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment

    site = shipping_site(app)
    tee = stock(site, 10, "TEE")
    before_order = item_ats_across_channels(tee.id)[site.channel]
    order = packed_order(site, [(tee, 4)])
    packed_ats = item_ats_across_channels(tee.id)[site.channel]
    uid = users["worker"].id
    shipment = open_shipment(site.warehouse.code, site.carrier, "standard", actor_id=uid)
    add_carton(shipment.id, order.ssccs[0], actor_id=uid)

    confirm_shipment(shipment.id, actor_id=uid)

    db.session.rollback()
    assert before_order == 10
    # ATS fell when the order reserved; pick and pack kept it there; ship does not move it.
    assert packed_ats == 10 - 4
    assert item_ats_across_channels(tee.id)[site.channel] == before_order - 4
    assert verify_ledger().clean


def test_a_replayed_confirm_answers_the_first_and_posts_nothing(app, client, auth):
    site = shipping_site(app)
    tee = stock(site, 10, "TEE")
    order = packed_order(site, [(tee, 2)])
    worker = auth("worker")
    shipment = _open(client, worker, site)
    assert _scan(client, worker, shipment["id"], order.ssccs[0], "s-1").status_code == 200
    first = _confirm(client, worker, shipment["id"], "c-1")
    movements = db.session.scalar(select(func.count()).select_from(Movement))

    again = _confirm(client, worker, shipment["id"], "c-1")
    fresh_key = _confirm(client, worker, shipment["id"], "c-2")

    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert {**again.get_json(), "replayed": False} == first.get_json()
    assert fresh_key.status_code == 200 and fresh_key.get_json()["status"] == "confirmed"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Movement)) == movements
    assert len(_shipped_messages()) == 1


def test_a_channel_that_ships_orders_whole_refuses_an_order_not_all_on_the_shipment(
    app, client, auth
):
    from tests.factories import ledger_snapshot

    site = shipping_site(app, allow_partial_shipment=False)
    tee, mug = stock(site, 10, "TEE"), stock(site, 5, "MUG")
    # Everything picked; the mug still waits in the tote.
    order = packed_order(site, [(tee, 2), (mug, 1)], cartons=[{tee.id: 2}])
    worker = auth("worker")
    shipment = _open(client, worker, site)
    assert _scan(client, worker, shipment["id"], order.ssccs[0], "s-1").status_code == 200
    before = ledger_snapshot()

    r = _confirm(client, worker, shipment["id"], "c-1")

    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "partial_shipment_refused"
    assert order.external_id in error["message"]
    [refused] = error["details"]["orders"]
    assert refused["external_id"] == order.external_id
    assert [(m["sku"], m["quantity"], m["status"]) for m in refused["missing"]] == [
        ("MUG", 1, "picked")
    ]
    assert ledger_snapshot() == before
    assert _line_statuses(order.order_id) == ["packed", "picked"]
    assert client.get(f"{SHIPMENTS}/{shipment['id']}", headers=worker).get_json()["status"] == (
        "open"
    )
    assert _shipped_messages() == []


def test_a_channel_that_allows_partial_shipments_ships_the_packed_part_and_keeps_the_rest_open(
    app, client, auth
):
    site = shipping_site(app, allow_partial_shipment=True)
    tee, mug = stock(site, 10, "TEE"), stock(site, 5, "MUG")
    order = packed_order(site, [(tee, 2), (mug, 1)], picked={mug.id: 0}, cartons=[{tee.id: 2}])
    worker = auth("worker")
    shipment = _open(client, worker, site)
    assert _scan(client, worker, shipment["id"], order.ssccs[0], "s-1").status_code == 200

    r = _confirm(client, worker, shipment["id"], "c-1")

    assert r.status_code == 200, r.get_json()
    assert _line_statuses(order.order_id) == ["shipped", "allocated"]
    assert db.session.get(Order, order.order_id).status == "allocated"
    assert _at_customer(tee.id) == 2 and _at_customer(mug.id) == 0
    # The tote stays bound to the order: the rest is still to pick and pack.
    assert db.session.scalar(select(WaveOrder.open).where(WaveOrder.order_id == order.order_id))
    [msg] = _shipped_messages()
    assert msg.payload["complete"] is False
    assert [(ln["sku"], ln["quantity"]) for ln in msg.payload["lines"]] == [("TEE", 2)]
    assert verify_ledger().clean


def test_a_second_shipment_ships_the_rest_of_a_partly_shipped_order(app, users):
    from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment

    site = shipping_site(app, allow_partial_shipment=True)
    tee = stock(site, 10, "TEE")
    order = packed_order(site, [(tee, 5)], cartons=[{tee.id: 3}, {tee.id: 2}])
    uid = users["worker"].id
    first = open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=uid)
    add_carton(first.id, order.ssccs[0], actor_id=uid)
    confirm_shipment(first.id, actor_id=uid)
    assert _line_statuses(order.order_id) == ["packed"]  # 3 of 5 units shipped

    second = open_shipment(site.warehouse.id, site.carrier, "express", actor_id=uid)
    add_carton(second.id, order.ssccs[1], actor_id=uid)
    done = confirm_shipment(second.id, actor_id=uid)

    assert _line_statuses(order.order_id) == ["shipped"]
    assert done.orders[0].status == "shipped"
    assert _at_customer(tee.id) == 5
    assert [m.payload["lines"][0]["quantity"] for m in _shipped_messages()] == [3, 2]
    assert [m.payload["complete"] for m in _shipped_messages()] == [False, True]
    assert (
        db.session.scalar(select(WaveOrder.open).where(WaveOrder.order_id == order.order_id))
        is False
    )


def test_taking_a_carton_off_voids_its_number_for_good_and_keeps_it_in_the_orders_history(
    app, client, auth
):
    site = shipping_site(app)
    tee = stock(site, 10, "TEE")
    order = packed_order(site, [(tee, 2)])
    worker = auth("worker")
    shipment = _open(client, worker, site)
    on = _scan(client, worker, shipment["id"], order.ssccs[0], "s-1").get_json()
    carton_id = on["cartons"][0]["id"]

    off = client.delete(f"{SHIPMENTS}/{shipment['id']}/cartons/{carton_id}", headers=worker)
    again = _scan(client, worker, shipment["id"], order.ssccs[0], "s-2").get_json()

    assert off.status_code == 200 and off.get_json()["cartons"] == []
    assert [c["tracking_number"] for c in again["cartons"]] == ["SF00000002"]  # 1 is gone
    notes = db.session.scalars(
        select(OrderEvent.note).where(OrderEvent.order_id == order.order_id)
    ).all()
    assert any("SF00000001 void" in (n or "") for n in notes)
    gone = client.delete(f"{SHIPMENTS}/{shipment['id']}/cartons/{carton_id + 99}", headers=worker)
    assert gone.status_code == 404
    assert gone.get_json()["error"]["code"] == "carton_not_on_shipment"


def test_a_carton_scanned_again_onto_its_shipment_keeps_its_number(app, client, auth):
    site = shipping_site(app)
    order = packed_order(site, [(stock(site, 10), 2)])
    worker = auth("worker")
    shipment = _open(client, worker, site)
    _scan(client, worker, shipment["id"], order.ssccs[0], "s-1")

    again = _scan(client, worker, shipment["id"], order.ssccs[0], "s-2")

    assert again.status_code == 200
    assert [c["tracking_number"] for c in again.get_json()["cartons"]] == ["SF00000001"]
    db.session.rollback()
    assert db.session.scalar(select(Carrier.tracking_next)) == 2


def test_a_manager_adds_a_carrier_and_every_worker_sees_it(client, auth):
    body = {
        "code": "van",
        "name": "Our van",
        "services": ["standard"],
        "tracking_prefix": "VN",
        "tracking_next": 100,
        "tracking_last": 199,
        "tracking_url_template": "https://track.example.com/{tracking_number}",
        "settings": {"digits": 6, "check_digit": "mod10", "currency": "EUR",
                     "rates": {"standard": "4.95"}},
    }  # fmt: skip
    made = client.post("/api/v1/carriers", json=body, headers=auth("manager"))
    refused = client.post("/api/v1/carriers", json=body, headers=auth("worker"))
    twice = client.post("/api/v1/carriers", json=body, headers=auth("manager"))
    listed = client.get("/api/v1/carriers", headers=auth("worker")).get_json()["carriers"]

    assert made.status_code == 201, made.get_json()
    assert made.get_json()["code"] == "VAN" and made.get_json()["numbers_left"] == 100
    assert refused.status_code == 403
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "duplicate_code"
    assert [c["code"] for c in listed] == ["VAN"]


def test_a_carrier_whose_range_runs_backwards_is_refused(client, auth):
    body = {"code": "VAN", "name": "Van", "services": ["standard"], "tracking_next": 10,
            "tracking_last": 9}  # fmt: skip
    r = client.post("/api/v1/carriers", json=body, headers=auth("manager"))
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["field"] == "tracking_last"


def test_a_shipment_needs_a_service_of_its_carrier_and_a_dock_door(app, client, auth):
    site = shipping_site(app)
    worker = auth("worker")
    base = {"warehouse": site.warehouse.code, "carrier": site.carrier}

    wrong_service = client.post(SHIPMENTS, json={**base, "service": "overnight"}, headers=worker)
    not_a_door = client.post(
        SHIPMENTS, json={**base, "service": "standard", "dock_door": "A-1"}, headers=worker
    )

    assert wrong_service.status_code == 422
    assert wrong_service.get_json()["error"]["code"] == "unknown_service"
    assert not_a_door.status_code == 422
    assert not_a_door.get_json()["error"]["code"] == "not_a_dock_door"
    listed = client.get(f"{SHIPMENTS}?warehouse={site.warehouse.code}", headers=worker)
    assert listed.get_json()["shipments"] == []


def test_carriers_are_set_up_from_the_command_line(app):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from scanfloor.cli import main

    def run(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))

    added = run(
        "carriers", "add", "van", "--name", "Our van", "--service", "standard",
        "--prefix", "VN", "--first", "1", "--last", "500", "--settings", '{"digits": 6}',
    )  # fmt: skip
    refused = run("carriers", "add", "van2", "--name", "Van", "--service", "Bad Service")
    listed = run("carriers", "list")

    assert added.exit_code == 0, added.output
    assert "carrier VAN added (standard; 500 numbers)" in added.output
    assert refused.exit_code != 0 and "validation_failed" in refused.output
    assert listed.output.splitlines() == ["VAN\tmanual\tstandard\t500"]
