"""Pick-face replenishment on SQLite and PostgreSQL: a face below its min raises one task, a
worker claims it and moves reserve stock to the face through the ledger, every refusal
leaves the ledger unchanged, and the low-stock list and board show what is short."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import event, func, select

from scanfloor.access.models import UserWarehouse
from scanfloor.auth.models import User
from scanfloor.board.service import board_for
from scanfloor.catalog.locations_service import create_location
from scanfloor.cli import main
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement, Posting
from scanfloor.ledger.verify import verify_ledger
from scanfloor.purchasing.terms_models import ReorderPolicy
from scanfloor.replenishment.faces_service import upsert_pick_face
from scanfloor.replenishment.models import PickFace, ReplenishmentTask
from scanfloor.replenishment.tasks_service import claim_next_task
from tests.factories import ledger_snapshot
from tests.picking_helpers import allocated_order, receive_into, stock_item
from tests.picking_released import released_task
from tests.replenishment_helpers import (
    ReplFloor,
    claim,
    lower_face,
    move,
    repl_floor,
    tasks_of_face,
)

WORKERS = 16
TASKS = 5


def on_hand(item_id: int, location_id: int) -> int:
    db.session.commit()
    total = db.session.scalar(
        select(func.coalesce(func.sum(Balance.quantity), 0)).where(
            Balance.item_id == item_id, Balance.location_id == location_id
        )
    )
    return int(total or 0)


def ledger_clean() -> bool:
    db.session.commit()
    return bool(verify_ledger().clean)


def _pick(
    client: Any, auth: Any, rf: ReplFloor, users: dict[str, Any], qty: int, tote: int
) -> None:
    order = allocated_order(rf.floor, [(rf.item, qty)])
    rel = released_task(rf.floor, [order], picker=users["worker"])
    r = client.post(
        f"/api/v1/pick-tasks/{rel.task_id}/picks",
        json={"line_id": rel.line_ids[0], "bin": rf.face.code, "item": rf.item.each_barcode,
              "quantity": qty, "tote": rf.floor.tote(tote).code},
        headers=auth("worker"),
    )  # fmt: skip
    assert r.status_code in (200, 201), r.get_json()


# --- raising tasks -----------------------------------------------------------------------


def test_a_pick_below_min_raises_one_task_and_a_second_pick_raises_no_other(
    app, users, auth, client
):
    rf = repl_floor()  # face 12 (min 10, max 40); reserve A-2 24 (two cases), B-1 30
    assert tasks_of_face(rf.face_id) == []

    _pick(client, auth, rf, users, 5, 1)  # 12 -> 7: below the min

    [task] = tasks_of_face(rf.face_id)
    assert (task.status, task.trigger, task.quantity, task.moved) == ("open", "below_min", 33, 0)
    assert task.to_location_id == rf.face.id
    assert task.from_location_id == rf.bin("A-2").id  # whole cases before a broken one

    _pick(client, auth, rf, users, 1, 2)  # 7 -> 6: the live task stands

    assert [t.id for t in tasks_of_face(rf.face_id)] == [task.id]


def test_a_face_at_its_min_raises_nothing(app, users):
    rf = repl_floor()
    lower_face(rf, 2)  # 12 -> 10: at the min
    assert tasks_of_face(rf.face_id) == []


def test_the_scan_raises_tasks_for_faces_set_up_when_stock_was_already_low(app, users):
    rf = repl_floor()
    other = create_location(code="P-2", type="pick_face", parent_id=rf.floor.zones["B"].id)
    it = stock_item(rf.floor, {"B-2": 50})
    receive_into(it.id, other.id, 3)
    db.session.add(  # set up behind the service's back: nothing raised it
        PickFace(location_id=other.id, item_id=it.id, warehouse_id=rf.wh.id, min_qty=5, max_qty=20)
    )
    db.session.commit()
    face_id = db.session.scalar(select(PickFace.id).where(PickFace.location_id == other.id))

    def run() -> Any:
        return CliRunner().invoke(
            main, ["replenishment", "scan", "--warehouse", rf.wh.code],
            obj=ScriptInfo(create_app=lambda: app),
        )  # fmt: skip

    first = run()
    assert first.exit_code == 0, first.output
    assert "WH1: 1 replenishment task(s) raised" in first.output
    [task] = tasks_of_face(face_id)
    assert (task.quantity, task.from_location_id) == (17, rf.bin("B-2").id)
    again = run()
    assert "WH1: 0 replenishment task(s) raised" in again.output
    assert len(tasks_of_face(face_id)) == 1


# --- moving stock ------------------------------------------------------------------------


def test_a_move_posts_reserve_to_face_through_the_ledger_and_the_task_completes(
    app, users, auth, client
):
    rf = repl_floor()
    lower_face(rf, 5)  # face 7: a task of 33
    got = claim(client, auth("worker"), rf.wh.code)
    assert got.status == 200, got.body
    task = got.body["task"]
    assert task["status"] == "claimed" and task["claimed_by"]["username"] == "worker"
    assert task["to_location"]["code"] == rf.face.code and task["to_location"]["barcode"]
    assert task["suggested_source"]["location"]["code"] == rf.bin("A-2").code
    assert [s["location"]["code"] for s in task["sources"]] == ["A-2", "B-1"]
    assert {b["code"]: b["quantity"] for b in task["item"]["barcodes"]} == {
        rf.item.each_barcode: 1,
        rf.item.case_barcode: 12,
    }
    assert task["next"]["action"] == "scan_source"
    assert task["next"]["text"] == f"Take 24 of {rf.item.sku} from A-2 to {rf.face.code}"

    cases = move(client, auth("worker"), task["id"], from_bin="A-2",
                 item=rf.item.case_barcode, quantity=2, to_bin=rf.face.code)  # fmt: skip
    assert cases.status == 201, cases.body
    assert cases.body["units"] == 24 and cases.body["replayed"] is False
    assert (cases.body["task"]["moved"], cases.body["task"]["remaining"]) == (24, 9)
    assert cases.body["task"]["suggested_source"]["location"]["code"] == "B-1"

    rest = move(client, auth("worker"), task["id"], from_bin="B-1",
                item=rf.item.sku, quantity=9, to_bin=rf.face.code)  # fmt: skip
    assert rest.status == 201, rest.body
    assert rest.body["task"]["status"] == "done"
    assert rest.body["task"]["next"]["action"] == "done"
    assert rest.body["task"]["done_by"]["username"] == "worker"

    assert on_hand(rf.item.id, rf.face.id) == 40
    assert on_hand(rf.item.id, rf.bin("A-2").id) == 0
    assert on_hand(rf.item.id, rf.bin("B-1").id) == 21
    posted = db.session.execute(
        select(Posting.movement_type, Posting.source_type, Posting.source_id).where(
            Posting.source_type == "replenishment"
        )
    ).all()
    assert posted == [("transfer", "replenishment", str(task["id"]))] * 2
    assert ledger_clean()
    assert claim(client, auth("worker"), rf.wh.code).body["task"] is None


REFUSALS = {
    # name: (who, from, item ("each"/"other"), quantity, to, status, code)
    "wrong_source_pack_station": ("worker", "PACK-1", "each", 1, "P-1", 422, "wrong_source"),
    "wrong_source_empty_bin": ("worker", "A-3", "each", 1, "P-1", 422, "wrong_source"),
    "wrong_item": ("worker", "A-2", "other", 1, "P-1", 422, "wrong_item"),
    "wrong_destination": ("worker", "A-2", "each", 1, "A-3", 422, "wrong_destination"),
    "over_move": ("worker", "B-1", "each", 34, "P-1", 409, "over_move"),
    "above_the_source": ("worker", "A-2", "each", 30, "P-1", 409, "insufficient_stock"),
    "not_the_holder": ("supervisor", "A-2", "each", 1, "P-1", 403, "task_not_yours"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_move_that_does_not_fit_the_task_is_refused_and_the_ledger_is_unchanged(
    app, users, auth, client, case
):
    who, src, which, qty, dst, status, code = REFUSALS[case]
    rf = repl_floor()
    other = stock_item(rf.floor, {"A-2": 5})  # another item in the task's source bin
    lower_face(rf, 5)
    task_id = claim(client, auth("worker"), rf.wh.code).body["task"]["id"]
    before = ledger_snapshot()

    item = rf.item.each_barcode if which == "each" else other.each_barcode
    got = move(client, auth(who), task_id, from_bin=rf.bin(src).code if src != "PACK-1"
               else rf.floor.pack_station.code, item=item, quantity=qty,
               to_bin=rf.bin(dst).code)  # fmt: skip

    assert (got.status, got.code) == (status, code), got.body
    assert ledger_snapshot() == before
    db.session.commit()
    row = db.session.get(ReplenishmentTask, task_id)
    assert (row.moved, row.status) == (0, "claimed")


def test_a_move_replayed_with_the_same_client_scan_id_posts_once(app, users, auth, client):
    rf = repl_floor()
    lower_face(rf, 5)
    task_id = claim(client, auth("worker"), rf.wh.code).body["task"]["id"]
    kw = dict(from_bin="A-2", item=rf.item.each_barcode, quantity=4, to_bin=rf.face.code)

    first = move(client, auth("worker"), task_id, key="scan-1", **kw)
    count_after_first = ledger_snapshot()[0]
    again = move(client, auth("worker"), task_id, key="scan-1", **kw)

    assert (first.status, again.status) == (201, 201)
    assert again.body["replayed"] is True
    assert again.body["posting_id"] == first.body["posting_id"]
    assert ledger_snapshot()[0] == count_after_first
    assert db.session.get(ReplenishmentTask, task_id).moved == 4
    other = move(client, auth("worker"), task_id, key="scan-1", **{**kw, "quantity": 5})
    assert (other.status, other.code) == (409, "idempotency_key_reused")


# --- claiming, finishing, giving back ----------------------------------------------------


def _workers(n: int, warehouse_id: int) -> list[int]:
    start = int(db.session.scalar(select(func.count()).select_from(User)) or 0)
    made = [
        User(username=f"replen{start + i}", display_name=f"Replenisher {i}", role="worker")
        for i in range(n)
    ]
    db.session.add_all(made)
    db.session.flush()
    db.session.add_all(UserWarehouse(user_id=u.id, warehouse_id=warehouse_id) for u in made)
    db.session.commit()
    return [u.id for u in made]


def test_sixteen_workers_claiming_five_tasks_at_once_each_get_a_different_one_or_none(app, users):
    rf = repl_floor(face_stock=0)  # raised at set-up: the face is empty
    supervisor = users["supervisor"].id
    for n in range(2, TASKS + 1):
        face = create_location(code=f"P-{n}", type="pick_face", parent_id=rf.floor.zones["B"].id)
        it = stock_item(rf.floor, {"B-3": 10})
        upsert_pick_face(bin=face.code, sku=it.sku, min_qty=5, max_qty=10, actor_id=supervisor)
    db.session.commit()
    live = set(
        db.session.scalars(select(ReplenishmentTask.id).where(ReplenishmentTask.status == "open"))
    )
    assert len(live) == TASKS
    wh_id = rf.wh.id
    workers = _workers(WORKERS, wh_id)
    barrier = threading.Barrier(WORKERS)
    got: list[int | None] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def worker(uid: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                task = claim_next_task(wh_id, actor_id=uid, idempotency_key=f"c-{uid}")
                with guard:
                    got.append(None if task is None else task.id)
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(u,), daemon=True) for u in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    claimed = [t for t in got if t is not None]
    assert sorted(claimed) == sorted(live), Counter(claimed).most_common(3)
    assert got.count(None) == WORKERS - TASKS
    db.session.commit()
    holders = db.session.execute(
        select(ReplenishmentTask.claimed_by).where(ReplenishmentTask.id.in_(live))
    ).scalars()
    assert len(set(holders)) == TASKS


def test_a_task_finished_short_is_done_and_the_next_posting_raises_a_new_one(
    app, users, auth, client
):
    rf = repl_floor()
    lower_face(rf, 5)
    task_id = claim(client, auth("worker"), rf.wh.code).body["task"]["id"]
    move(
        client,
        auth("worker"),
        task_id,
        from_bin="A-2",
        item=rf.item.each_barcode,
        quantity=2,
        to_bin=rf.face.code,
    )  # fmt: skip  face 9: still below the min

    done = client.post(f"/api/v1/replenishment-tasks/{task_id}/finish",
                       json={"client_scan_id": "fin-1"}, headers=auth("worker"))  # fmt: skip

    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["status"], done.get_json()["moved"]) == ("done", 2)
    lower_face(rf, 1)
    tasks = tasks_of_face(rf.face_id)
    assert [(t.status, t.quantity) for t in tasks] == [("done", 33), ("open", 32)]


def test_release_and_cancel_are_for_the_holder_or_a_supervisor(app, users, auth, client):
    rf = repl_floor()
    lower_face(rf, 5)
    task_id = claim(client, auth("worker"), rf.wh.code).body["task"]["id"]
    url = f"/api/v1/replenishment-tasks/{task_id}"

    assert client.post(f"{url}/cancel", headers=auth("worker")).status_code == 403
    released = client.post(f"{url}/release", headers=auth("worker"))
    assert released.status_code == 200
    assert (released.get_json()["status"], released.get_json()["claimed_by"]) == ("open", None)
    assert released.get_json()["next"]["action"] == "claim"
    cancelled = client.post(f"{url}/cancel", headers=auth("supervisor"))
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    again = client.post(f"{url}/cancel", headers={**auth("supervisor"), "Idempotency-Key": "x"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "task_closed")


def test_tasks_are_listed_per_warehouse_with_their_sources(app, users, auth, client):
    rf = repl_floor()
    lower_face(rf, 5)
    got = client.get(f"/api/v1/replenishment-tasks?warehouse={rf.wh.code}", headers=auth("worker"))
    assert got.status_code == 200
    body = got.get_json()
    assert body["total"] == 1 and body["items"][0]["pick_face"]["quantity"] == 7
    assert body["items"][0]["next"]["action"] == "claim"
    done = client.get(
        f"/api/v1/replenishment-tasks?warehouse={rf.wh.code}&status=done", headers=auth("worker")
    )
    assert done.get_json()["items"] == []
    bad = client.get(
        f"/api/v1/replenishment-tasks?warehouse={rf.wh.code}&status=nope", headers=auth("worker")
    )
    assert bad.status_code == 422


# --- pick faces --------------------------------------------------------------------------


def test_pick_faces_are_set_listed_and_deactivated_by_supervisors(app, users, auth, client):
    rf = repl_floor()
    body = {"bin": rf.face.code, "sku": rf.item.sku, "min_qty": 15, "max_qty": 50}

    assert client.put("/api/v1/pick-faces", json=body, headers=auth("worker")).status_code == 403
    changed = client.put("/api/v1/pick-faces", json=body, headers=auth("supervisor"))
    assert changed.status_code == 200, changed.get_json()
    face = changed.get_json()
    assert (face["id"], face["quantity"], face["below_min"]) == (rf.face_id, 12, True)
    assert face["live_task_id"] is not None  # raised at once: 12 is below the new min
    listed = client.get(f"/api/v1/pick-faces?warehouse={rf.wh.code}", headers=auth("worker"))
    assert [f["location"]["code"] for f in listed.get_json()["items"]] == [rf.face.code]

    gone = client.delete(f"/api/v1/pick-faces/{rf.face_id}", headers=auth("supervisor"))
    assert gone.status_code == 200 and gone.get_json()["active"] is False
    assert [t.status for t in tasks_of_face(rf.face_id)] == ["cancelled"]
    listed = client.get(f"/api/v1/pick-faces?warehouse={rf.wh.code}", headers=auth("worker"))
    assert listed.get_json()["total"] == 0


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"max_qty": 10}, 422, "validation_failed"),
        ({"bin": "PACK-1"}, 422, "validation_failed"),
        ({"bin": "WH1-A"}, 422, "validation_failed"),
        ({"sku": "NO-SUCH-SKU"}, 404, "not_found"),
        ({"bin": "NO-SUCH-BIN"}, 404, "unknown_barcode"),
    ],
)
def test_a_pick_face_that_cannot_be_is_refused_and_nothing_changes(
    app, users, auth, client, change, status, code
):
    rf = repl_floor()
    body = {"bin": rf.face.code, "sku": rf.item.sku, "min_qty": 10, "max_qty": 40, **change}
    got = client.put("/api/v1/pick-faces", json=body, headers=auth("supervisor"))
    assert (got.status_code, got.get_json()["error"]["code"]) == (status, code)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PickFace)) == 1


# --- low stock and the board -------------------------------------------------------------


def test_low_stock_lists_faces_below_min_and_items_at_their_reorder_min_or_out_with_demand(
    app, users, auth, client
):
    rf = repl_floor()
    lower_face(rf, 5)
    at_min = stock_item(rf.floor, {"A-3": 5})
    above = stock_item(rf.floor, {"A-3": 5})
    wanted = stock_item(rf.floor, {})
    for it, lo in ((at_min, 5), (above, 4)):
        db.session.add(ReorderPolicy(item_id=it.id, warehouse_id=rf.wh.id, policy="min_max",
                                     min_qty=lo, max_qty=20))  # fmt: skip
    db.session.commit()
    allocated_order(rf.floor, [(wanted, 3)])  # nothing to reserve: it waits

    got = client.get(f"/api/v1/purchasing/low-stock?warehouse={rf.wh.code}",
                     headers=auth("supervisor"))  # fmt: skip

    assert got.status_code == 200, got.get_json()
    body = got.get_json()
    [face] = body["pick_faces"]
    live = tasks_of_face(rf.face_id)[0].id
    assert (face["pick_face_id"], face["quantity"], face["live_task_id"]) == (rf.face_id, 7, live)
    items = {i["item"]["sku"]: (i["reason"], i["on_hand"], i["backordered"]) for i in body["items"]}
    assert items == {at_min.sku: ("below_min", 5, 0), wanted.sku: ("out_with_demand", 0, 3)}
    assert body["total"] == 3
    assert client.get(f"/api/v1/purchasing/low-stock?warehouse={rf.wh.code}",
                      headers=auth("worker")).status_code == 403  # fmt: skip


def test_the_board_shows_the_replenishment_queue_and_the_low_stock_count(app, users, auth, client):
    rf = repl_floor()
    board = board_for(rf.wh.id, ["replenishment", "low_stock"])
    assert board.queues["replenishment"].count == 0
    assert board.queues["replenishment"].oldest_age_minutes is None

    lower_face(rf, 5)
    claim(client, auth("worker"), rf.wh.code)
    board = board_for(rf.wh.id, ["replenishment", "low_stock"])

    queue = board.queues["replenishment"]
    assert (queue.count, queue.units, queue.detail) == (1, 33, {"open": 0, "claimed": 1})
    assert queue.oldest_age_minutes == 0
    low = board.queues["low_stock"]
    assert (low.count, low.detail) == (1, {"pick_faces": 1, "items": 0})
    whole = client.get(f"/api/v1/board?warehouse={rf.wh.code}", headers=auth("supervisor"))
    assert whole.get_json()["queues"]["replenishment"]["count"] == 1


def test_the_trigger_costs_one_statement_and_none_without_a_physical_source(app, users):
    rf = repl_floor()
    seen: list[str] = []

    def spy(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if "pick_faces" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        receive_into(rf.item.id, rf.bin("A-1").id, 1)  # from VENDOR: virtual, known
        assert seen == []
        lower_face(rf, 1)  # 12 -> 11: still at or above the min
        assert len(seen) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)


def test_postings_elsewhere_raise_nothing_and_the_ledger_stays_whole(app, users):
    rf = repl_floor()
    receive_into(rf.item.id, rf.bin("A-1").id, 5)
    assert tasks_of_face(rf.face_id) == []
    assert db.session.scalar(select(func.count()).select_from(Movement)) > 0
    assert ledger_clean()
