"""The live board's counts and ages, from rows, on both databases.

Receiving, putaway and the ledger are driven through their services (purchase orders, the
one writer). Picking, packing, shipping and counting rows are inserted directly: their
services are being written in the same issue, and the board reads only their tables, so
these tests pin the queue definitions of docs/decisions/0016 whatever writes the rows.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta
from typing import Any

import pytest

from scanfloor.allocation.models import Channel, Order, OrderLine
from scanfloor.board.service import board_for
from scanfloor.catalog.models import Container
from scanfloor.counting.models import CountTask
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.packing.models import Carton
from scanfloor.picking.models import FloorException, PickLine, PickTask, Wave, WaveOrder
from scanfloor.purchasing.models import PurchaseOrder, PurchaseOrderLine
from scanfloor.receiving.models import Receipt, ReceiptLine
from scanfloor.shipping.models import Carrier, Shipment
from scanfloor.timeutil import utcnow
from tests.factories import (
    make_bin_in,
    make_item,
    make_po,
    make_supplier,
    make_warehouse,
    receive,
    virtual,
)

NOW = utcnow()


def ago(minutes: int) -> Any:
    return utcnow() - timedelta(minutes=minutes)


def _add(*rows: Any) -> None:
    db.session.add_all(rows)
    db.session.commit()


def _pick(item: Any, src: Any, dst: Any, qty: int, actor: int, **kw: Any) -> int:
    return post(
        PostingRequest(
            movement_type="pick",
            lines=(MovementLine(item.id, qty, src.id, dst.id, **kw.pop("line", {})),),
            actor_id=actor,
            **kw,
        )
    ).posting_id


@pytest.fixture
def floor(app: Any, users: dict[str, Any]) -> dict[str, Any]:
    """Two warehouses; NORTH has something in every queue, SOUTH a little of its own."""
    north, south = make_warehouse("NORTH"), make_warehouse("SOUTH")
    dock = make_bin_in(north, "N-DOCK", type="dock", sellable=False)
    pack = make_bin_in(north, "N-PACK", type="pack_station", sellable=False)
    bin1 = make_bin_in(north, "N-B1")
    s_dock = make_bin_in(south, "S-DOCK", type="dock", sellable=False)
    item, other = make_item("BOARD-1"), make_item("BOARD-2")
    worker, sup = users["worker"].id, users["supervisor"].id

    # Receiving: an open PO not received anywhere yet (on every board), and one received
    # into SOUTH only (on SOUTH's board alone).
    supplier = make_supplier()
    po_open = make_po(supplier, [(item, 10), (other, 4)])
    po_south = make_po(supplier, [(other, 6)])
    db.session.get(PurchaseOrder, po_open.id).opened_at = ago(90)
    db.session.commit()
    s_post = receive(other, s_dock, 2).posting_id
    rc = Receipt(po_id=po_south.id, business_date=NOW.date())
    _add(rc)
    pol = db.session.query(PurchaseOrderLine).filter_by(po_id=po_south.id).one()
    pol.received = 2
    _add(ReceiptLine(receipt_id=rc.id, po_line_id=pol.id, item_id=other.id, quantity=2,
                     location_id=s_dock.id, posting_id=s_post))  # fmt: skip

    # Putaway: 7 on NORTH's dock.
    receive(item, dock, 7)
    receive(item, bin1, 20)

    # Waves, tasks, lines and orders.
    channel = Channel(code="BOARD", kind="web", name="Board shop")
    _add(channel)
    ready = Order(channel_id=channel.id, external_id="READY-1", status="picked")
    busy = Order(channel_id=channel.id, external_id="BUSY-1", status="picking")
    _add(ready, busy)
    ready_line = OrderLine(order_id=ready.id, line_no=1, item_id=item.id, quantity=3,
                           status="picked")  # fmt: skip
    busy_line = OrderLine(order_id=busy.id, line_no=1, item_id=item.id, quantity=4,
                          status="released")  # fmt: skip
    _add(ready_line, busy_line)
    wave = Wave(warehouse_id=north.id, status="picking", mode="cluster", order_count=2,
                released_at=ago(30))  # fmt: skip
    done_wave = Wave(warehouse_id=north.id, status="picked", mode="single", released_at=ago(300))
    _add(wave, done_wave)
    tote = Container(code="TOTE-B1", kind="tote", location_id=pack.id)
    _add(tote, WaveOrder(wave_id=wave.id, order_id=ready.id, slot=1, tote_container_id=None),
         WaveOrder(wave_id=wave.id, order_id=busy.id, slot=2))  # fmt: skip
    db.session.get(WaveOrder, (wave.id, ready.id)).tote_container_id = tote.id
    claimed = PickTask(wave_id=wave.id, warehouse_id=north.id, status="claimed",
                       assigned_to=worker, created_at=ago(25))  # fmt: skip
    open_task = PickTask(wave_id=wave.id, warehouse_id=north.id, status="open",
                         created_at=ago(20))  # fmt: skip
    finished = PickTask(wave_id=done_wave.id, warehouse_id=north.id, status="done",
                        created_at=ago(299))  # fmt: skip
    _add(claimed, open_task, finished)
    common = {"wave_id": wave.id, "item_id": item.id, "location_id": bin1.id}
    _add(
        PickLine(task_id=claimed.id, order_id=ready.id, order_line_id=ready_line.id, seq=1,
                 quantity=3, picked_qty=3, status="picked", picked_by=worker,
                 picked_at=ago(15), **common),
        PickLine(task_id=open_task.id, order_id=busy.id, order_line_id=busy_line.id, seq=1,
                 quantity=4, status="open", **common),
        PickLine(task_id=open_task.id, order_id=busy.id, order_line_id=busy_line.id, seq=2,
                 quantity=9, status="cancelled", **common),
    )  # fmt: skip

    # Picks (the workers' rates): 3 into the tote and 2 more by the worker now, 1 by the
    # supervisor, and one by the worker two hours ago (outside the hour).
    _pick(item, bin1, pack, 3, worker, line={"to_container_id": tote.id})
    _pick(item, bin1, pack, 2, worker, line={"to_container_id": tote.id})
    _pick(item, bin1, pack, 1, sup)
    _pick(item, bin1, pack, 4, worker, occurred_at=ago(120))

    # Cartons and shipments.
    carrier = Carrier(code="OWN", name="Own fleet")
    _add(carrier)
    open_ship = Shipment(warehouse_id=north.id, carrier_id=carrier.id, service="std",
                         status="open", created_at=ago(40))  # fmt: skip
    gone = Shipment(warehouse_id=north.id, carrier_id=carrier.id, service="std",
                    status="confirmed", created_at=ago(400))  # fmt: skip
    _add(open_ship, gone)
    boxes = [Container(code=f"CTN-{n}", kind="carton", location_id=pack.id) for n in range(4)]
    _add(*boxes)
    base = {"order_id": ready.id, "warehouse_id": north.id, "location_id": pack.id}
    _add(
        Carton(container_id=boxes[0].id, seq=1, status="closed", closed_at=ago(10), **base),
        Carton(container_id=boxes[1].id, seq=2, status="closed", closed_at=ago(12),
               shipment_id=open_ship.id, **base),
        Carton(container_id=boxes[2].id, seq=3, status="shipped", closed_at=ago(500),
               shipment_id=gone.id, **base),
        Carton(container_id=boxes[3].id, seq=4, status="open", **base),
    )  # fmt: skip

    # Exceptions and count tasks.
    _add(
        FloorException(kind="short_pick", warehouse_id=north.id, location_id=bin1.id,
                       item_id=item.id, order_id=busy.id, actor_id=worker, device_id="HH-7",
                       details={"expected": 4, "found": 1}, at=ago(5)),
        FloorException(kind="short_pick", warehouse_id=north.id, at=ago(600),
                       resolved_at=ago(500)),
        FloorException(kind="replay_refused", warehouse_id=south.id, at=ago(3)),
        CountTask(warehouse_id=north.id, location_id=bin1.id, item_id=item.id,
                  reason="short_pick", created_at=ago(5)),
        CountTask(warehouse_id=north.id, location_id=bin1.id, reason="abc", status="counted"),
    )  # fmt: skip
    return {"north": north, "south": south, "item": item, "bin": bin1}


def test_each_queue_counts_what_waits_in_its_warehouse_with_the_oldest_age(floor):
    board = board_for(floor["north"].id)
    q = board.queues

    assert (q["to_receive"].count, q["to_receive"].units) == (2, 14)  # the open PO's 2 lines
    assert q["to_receive"].detail == {"purchase_orders": 1}
    assert 89 <= q["to_receive"].oldest_age_minutes <= 91

    assert (q["to_put_away"].count, q["to_put_away"].units) == (1, 7)
    assert q["to_put_away"].oldest_age_minutes == 0

    assert (q["waves"].count, q["waves"].detail) == (1, {"picking": 1})
    [wave] = board.waves
    assert (wave.lines_total, wave.lines_done, wave.units_total, wave.units_picked) == (2, 1, 7, 3)
    assert q["waves"].units == 4 and 29 <= q["waves"].oldest_age_minutes <= 31

    assert (q["to_pick"].count, q["to_pick"].units) == (1, 4)
    assert q["to_pick"].detail == {"tasks_open": 1, "tasks_claimed": 1}
    assert 24 <= q["to_pick"].oldest_age_minutes <= 26

    assert q["to_pack"].count == 1  # READY-1; BUSY-1 is still being picked
    assert q["to_pack"].detail == {"totes": 1, "open_cartons": 1}
    assert q["to_pack"].units == 5  # in the tote at the pack station
    assert 14 <= q["to_pack"].oldest_age_minutes <= 16

    assert q["to_ship"].count == 2  # the loose closed carton and the one on the open shipment
    assert q["to_ship"].detail == {"on_open_shipments": 1, "open_shipments": 1}
    assert 39 <= q["to_ship"].oldest_age_minutes <= 41

    assert q["exceptions"].count == 2 and q["exceptions"].detail == {"floor": 1, "count_tasks": 1}
    [issue] = board.exceptions.items
    assert (issue.kind, issue.who.username, issue.device_id) == ("short_pick", "worker", "HH-7")
    assert (issue.location_code, issue.sku, issue.order_external_id) == (
        "N-B1",
        "BOARD-1",
        "BUSY-1",
    )
    assert issue.details == {"expected": 4, "found": 1}
    assert board.exceptions.count_tasks_by_reason == {"short_pick": 1}


def test_picker_rates_count_the_last_hour_of_pick_movements_by_actor(floor):
    board = board_for(floor["north"].id, ["workers"])
    rates = {w.who.username: (w.lines_per_hour, w.units_per_hour) for w in board.workers}
    assert rates == {"worker": (2, 5), "supervisor": (1, 1)}
    assert board.queues == {} and board.sections == ["workers"]


def test_the_feed_lists_this_warehouses_postings_newest_first(floor):
    feed = board_for(floor["north"].id, ["feed"]).feed
    assert [e.movement_type for e in feed][:4] == ["pick", "pick", "pick", "pick"]
    ids = [e.posting_id for e in feed]
    assert ids == sorted(ids, reverse=True)
    assert feed[0].from_code == "N-B1" and feed[0].to_code == "N-PACK"
    south = board_for(floor["south"].id, ["feed"]).feed
    assert [e.movement_type for e in south] == ["receipt"]
    assert not set(ids) & {e.posting_id for e in south}


def test_another_warehouses_board_sees_none_of_it(floor):
    board = board_for(floor["south"].id)
    q = board.queues
    # The open PO was received nowhere yet: every board expects it. SOUTH's own PO too.
    assert (q["to_receive"].count, q["to_receive"].units) == (3, 18)
    assert (q["to_put_away"].count, q["to_put_away"].units) == (1, 2)
    assert [q[n].count for n in ("waves", "to_pick", "to_pack", "to_ship")] == [0, 0, 0, 0]
    assert q["to_pick"].oldest_age_minutes is None
    assert q["exceptions"].count == 1 and board.exceptions.items[0].kind == "replay_refused"
    assert board.workers == []


def test_a_purchase_order_received_into_one_warehouse_leaves_the_others_boards(floor):
    north = board_for(floor["north"].id, ["to_receive"]).queues["to_receive"]
    assert north.detail == {"purchase_orders": 1}  # not SOUTH's PO


def test_a_supervisor_reads_the_board_of_an_assigned_warehouse_only(client, auth, floor, users):
    from scanfloor.access.service import set_user_warehouses

    r = client.get("/api/v1/board?warehouse=NORTH", headers=auth("supervisor"))
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/board", headers=auth("supervisor")).status_code == 403
    set_user_warehouses(users["supervisor"].id, ["NORTH"])

    r = client.get("/api/v1/board", headers=auth("supervisor"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["warehouse"]["code"] == "NORTH"
    assert [w["code"] for w in body["warehouses"]] == ["NORTH"]
    assert body["queues"]["to_put_away"]["count"] == 1
    assert body["queues"]["to_pick"]["detail"] == {"tasks_open": 1, "tasks_claimed": 1}
    assert len(body["feed"]) >= 5 and body["exceptions"]["open"] == 1

    denied = client.get(f"/api/v1/board?warehouse={floor['south'].id}", headers=auth("supervisor"))
    assert denied.status_code == 403
    assert denied.get_json()["error"]["details"] == {"warehouse_id": floor["south"].id,
                                                     "code": "SOUTH"}  # fmt: skip
    assert client.get("/api/v1/board", headers=auth("worker")).status_code == 403


def test_a_manager_opens_any_warehouse_by_id_or_code_and_an_unknown_one_is_not_found(
    client, auth, floor
):
    by_id = client.get(f"/api/v1/board?warehouse={floor['south'].id}", headers=auth("manager"))
    assert by_id.status_code == 200 and by_id.get_json()["warehouse"]["code"] == "SOUTH"
    assert {w["code"] for w in by_id.get_json()["warehouses"]} == {"NORTH", "SOUTH"}
    by_code = client.get("/api/v1/board?warehouse=north", headers=auth("manager"))
    assert by_code.get_json()["warehouse"]["id"] == floor["north"].id
    missing = client.get("/api/v1/board?warehouse=N-B1", headers=auth("manager"))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_an_empty_warehouse_has_empty_queues_and_no_ages(app):
    wh = make_warehouse("EMPTY")
    board = board_for(wh.id)
    assert {
        n: (q.count, q.oldest_age_minutes) for n, q in board.queues.items() if n != "to_receive"
    } == {
        n: (0, None)
        for n in ("to_put_away", "waves", "to_pick", "to_pack", "to_ship", "exceptions",
                  "to_inspect", "count_approvals", "replenishment", "low_stock")
    }  # fmt: skip
    assert board.waves == [] and board.workers == [] and board.feed == []
    assert virtual("VENDOR").warehouse_id is None


def test_a_burst_of_changes_is_coalesced_into_few_updates_of_the_sections_touched(
    app, floor, monkeypatch
):
    from scanfloor.realtime import board as live_board

    sent: list[tuple[str, dict[str, Any], str]] = []
    monkeypatch.setattr(
        live_board.socketio,
        "emit",
        lambda event, data, namespace, to: sent.append((event, data, to)),
    )
    coalescer = live_board.Coalescer(window=0.4)
    north, vendor = floor["north"].id, virtual("VENDOR").id
    bin_id = floor["bin"].id
    started = time.monotonic()
    for _ in range(200):
        coalescer.put(live_board._Change(app, None, live_board.sections_for_posting("pick"),
                                         (bin_id, vendor)))  # fmt: skip
    took = time.monotonic() - started
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not sent:
        time.sleep(0.02)
    time.sleep(1.0)
    assert 1 <= len(sent) <= math.ceil(took / 0.4) + 2, (len(sent), took)
    event, data, room = sent[-1]
    assert (event, room, data["warehouse_id"]) == ("board.update", f"warehouse:{north}", north)
    assert set(data["sections"]) == {"waves", "to_pick", "to_pack", "workers", "feed"}
    assert data["queues"]["to_pick"]["count"] == 1 and "to_receive" not in data["queues"]

    sent.clear()
    coalescer.put(live_board._Change(app, north, ("to_ship",)))
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not sent:
        time.sleep(0.02)
    [(_, only, _)] = sent
    assert only["sections"] == ["to_ship"] and list(only["queues"]) == ["to_ship"]
    assert only["queues"]["to_ship"]["count"] == 2 and "feed" not in only


def test_a_short_pick_reads_as_units_picked_and_a_write_off_and_rates_count_the_tote_only(
    floor, users
):
    north, item, bin1 = floor["north"], floor["item"], floor["bin"]
    pack = virtual("N-PACK")  # by code: the fixture's pack station
    before = {w.who.username: (w.lines_per_hour, w.units_per_hour)
              for w in board_for(north.id, ["workers"]).workers}  # fmt: skip
    inv_adj = virtual("INV-ADJ")
    lines = (
        MovementLine(item.id, 1, bin1.id, pack.id),
        MovementLine(item.id, 3, bin1.id, inv_adj.id, reason_code="short_pick"),
    )
    short = post(
        PostingRequest(movement_type="pick", lines=lines, actor_id=users["worker"].id)
    ).posting_id

    board = board_for(north.id, ["workers", "feed"])
    rates = {w.who.username: (w.lines_per_hour, w.units_per_hour) for w in board.workers}
    # One line and one unit into the tote; the 3 written off were never picked.
    assert rates["worker"] == (before["worker"][0] + 1, before["worker"][1] + 1)
    assert rates["supervisor"] == before["supervisor"]
    entry = board.feed[0]
    assert (entry.posting_id, entry.movement_type, entry.units) == (short, "pick", 4)
    assert entry.summary == "pick 1 \u2192 N-PACK, short-pick write-off 3 \u2192 INV-ADJ"
    assert [(p.kind, p.units) for p in entry.parts] == [("pick", 1), ("short-pick write-off", 3)]


def test_a_transfer_shows_the_other_warehouses_location_as_elsewhere(floor):
    from scanfloor.board.feed import ELSEWHERE

    north, south, item, bin1 = floor["north"], floor["south"], floor["item"], floor["bin"]
    s_dock = virtual("S-DOCK")
    moved = post(
        PostingRequest(movement_type="transfer",
                       lines=(MovementLine(item.id, 2, bin1.id, s_dock.id),))
    ).posting_id  # fmt: skip
    [here] = [e for e in board_for(north.id, ["feed"]).feed if e.posting_id == moved]
    [there] = [e for e in board_for(south.id, ["feed"]).feed if e.posting_id == moved]
    assert (here.from_code, here.to_code) == ("N-B1", ELSEWHERE)
    assert (there.from_code, there.to_code) == (ELSEWHERE, "S-DOCK")
    assert here.summary == f"transfer 2 \u2192 {ELSEWHERE}"


def test_a_change_after_a_quiet_window_goes_out_at_once_and_a_burst_waits_for_the_window(
    app, floor, monkeypatch
):
    from scanfloor.realtime import board as live_board

    sent: list[tuple[float, dict[str, Any]]] = []

    def emit(_event: str, data: dict[str, Any], namespace: str, to: str) -> None:
        sent.append((time.monotonic(), data))

    monkeypatch.setattr(live_board.socketio, "emit", emit)
    window = 2.0
    coalescer = live_board.Coalescer(window=window)
    north = floor["north"].id

    def wait_for(n: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and len(sent) < n:
            time.sleep(0.01)

    put_at = time.monotonic()
    coalescer.put(live_board._Change(app, north, ("to_ship",)))
    wait_for(1, window)
    assert len(sent) == 1
    first_at = sent[0][0]
    assert first_at - put_at < window / 2  # the leading edge: no wait for the window

    for _ in range(20):  # a burst inside the window: held, then one trailing update
        coalescer.put(live_board._Change(app, north, ("to_pick",)))
    time.sleep(window / 4)
    assert len(sent) == 1
    wait_for(2, window * 2)
    assert len(sent) == 2
    trailing_at, trailing = sent[1]
    assert trailing_at - first_at >= window - 0.01
    assert trailing["sections"] == ["to_pick"]
    time.sleep(window + 0.3)
    assert len(sent) == 2  # nothing more without a change
