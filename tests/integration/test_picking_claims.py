"""Claiming pick tasks: each task goes to one picker, and a picker keeps the one they hold.

The race runs threads that each push their own app context (their own session and
connection, as requests have), released together by a Barrier, on file-backed SQLite and on
PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import queue
import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.access.models import UserWarehouse
from scanfloor.access.service import set_user_warehouses
from scanfloor.auth.models import User
from scanfloor.extensions import db
from scanfloor.picking.errors import NotAPicker, TaskClosed, TaskNotYours, WarehouseNotAllowed
from scanfloor.picking.models import PickTask
from scanfloor.picking.task_service import (
    claim_next_task,
    get_task,
    list_tasks,
    reassign_task,
    unassign_task,
)
from scanfloor.picking.wave_service import release_wave, wave_rules
from tests.picking_helpers import allocated_order, stock_item, stocked_warehouse

PICKERS = 32
TASKS = 100


def _released_tasks(n: int, user_id: int) -> Any:
    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 10 * n, "B-2": 10 * n})
    for _ in range(n):
        allocated_order(floor, [(it, 1)])
    release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=user_id)
    return floor


def _workers(n: int, warehouse_id: int) -> list[int]:
    """n workers with rights to the warehouse (no password: they never sign in here)."""
    start = int(db.session.scalar(select(func.count()).select_from(User)) or 0)
    made = [
        User(username=f"picker{start + i}", display_name=f"Picker {i}", role="worker")
        for i in range(n)
    ]
    db.session.add_all(made)
    db.session.flush()
    db.session.add_all(UserWarehouse(user_id=u.id, warehouse_id=warehouse_id) for u in made)
    db.session.commit()
    return [u.id for u in made]


def test_thirty_two_pickers_claiming_at_once_get_each_task_exactly_once(app, users):
    floor = _released_tasks(TASKS, users["supervisor"].id)
    wh_id = floor.wh.id
    todo: queue.Queue[int] = queue.Queue()
    for uid in _workers(TASKS, wh_id):
        todo.put(uid)
    barrier = threading.Barrier(PICKERS)
    got: list[tuple[int, int | None]] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def picker() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                while True:
                    try:
                        uid = todo.get_nowait()
                    except queue.Empty:
                        return
                    task = claim_next_task(wh_id, actor_id=uid, idempotency_key=f"claim-{uid}")
                    with guard:
                        got.append((uid, None if task is None else task.id))
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=picker, daemon=True) for _ in range(PICKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    task_ids = [tid for _uid, tid in got]
    assert None not in task_ids
    assert len(task_ids) == TASKS
    assert len(set(task_ids)) == TASKS, Counter(task_ids).most_common(3)
    db.session.commit()
    holders = db.session.execute(select(PickTask.id, PickTask.assigned_to, PickTask.status)).all()
    assert {(t.id, t.assigned_to) for t in holders} == {(tid, uid) for uid, tid in got}
    assert {t.status for t in holders} == {"claimed"}
    extra = _workers(1, wh_id)[0]
    assert claim_next_task(wh_id, actor_id=extra) is None


def test_a_picker_who_holds_a_task_gets_that_task_back(app, users):
    floor = _released_tasks(3, users["supervisor"].id)
    [uid] = _workers(1, floor.wh.id)

    first = claim_next_task(floor.wh.id, actor_id=uid)
    again = claim_next_task(floor.wh.id, actor_id=uid)

    assert first is not None and again is not None
    assert again.id == first.id
    assert again.assigned_to is not None and again.assigned_to.id == uid
    db.session.commit()
    claimed = db.session.scalar(
        select(func.count()).select_from(PickTask).where(PickTask.status == "claimed")
    )
    assert claimed == 1


def test_tasks_are_claimed_most_urgent_first(app, users):
    floor = _released_tasks(3, users["supervisor"].id)
    [a, b] = _workers(2, floor.wh.id)
    order = [t.id for t in list_tasks(floor.wh.id)]

    first = claim_next_task(floor.wh.id, actor_id=a)
    second = claim_next_task(floor.wh.id, actor_id=b)

    assert first is not None and second is not None
    assert [first.id, second.id] == order[:2]


def test_a_worker_without_rights_to_the_warehouse_is_refused(app, users):
    floor = _released_tasks(1, users["supervisor"].id)
    outsider = users["worker"].id  # assigned no warehouse

    with pytest.raises(WarehouseNotAllowed):
        claim_next_task(floor.wh.id, actor_id=outsider)

    db.session.commit()
    statuses = set(db.session.scalars(select(PickTask.status)))
    assert statuses == {"open"}


def test_a_claimed_task_carries_what_the_scanner_needs_offline(app, users):
    floor = _released_tasks(1, users["supervisor"].id)
    [uid] = _workers(1, floor.wh.id)

    task = claim_next_task(floor.wh.id, actor_id=uid)

    assert task is not None
    [line] = task.lines
    assert line.bin.code == "A-1" and line.bin.barcode == "A-1"
    assert {p.level for p in line.item.packs} == {"each", "case"}
    assert len(line.item.barcodes) == 2
    assert task.path == ["A-1"]
    assert [t.slot for t in task.totes] == [1] and task.totes[0].tote is None


def test_a_supervisor_reassigns_a_task_and_the_new_picker_gets_it(app, users):
    floor = _released_tasks(2, users["supervisor"].id)
    sup = users["supervisor"].id
    set_user_warehouses(sup, [floor.wh.id])
    [first, second] = _workers(2, floor.wh.id)
    task = claim_next_task(floor.wh.id, actor_id=first)
    assert task is not None

    moved = reassign_task(task.id, second, actor_id=sup)

    assert moved.assigned_to is not None and moved.assigned_to.id == second
    assert moved.status == "claimed"
    mine = claim_next_task(floor.wh.id, actor_id=second)
    assert mine is not None and mine.id == task.id
    with pytest.raises(TaskNotYours):
        get_task(task.id, viewer_id=first)


def test_a_task_cannot_go_to_someone_without_rights_to_its_warehouse(app, users):
    floor = _released_tasks(1, users["supervisor"].id)
    [task] = list_tasks(floor.wh.id)

    with pytest.raises(NotAPicker):
        reassign_task(task.id, users["worker"].id, actor_id=users["manager"].id)

    assert get_task(task.id).assigned_to is None


def test_a_worker_cannot_reassign_or_give_back_someone_elses_task(app, users):
    floor = _released_tasks(1, users["supervisor"].id)
    [holder, other] = _workers(2, floor.wh.id)
    task = claim_next_task(floor.wh.id, actor_id=holder)
    assert task is not None

    with pytest.raises(TaskNotYours):
        reassign_task(task.id, other, actor_id=other)
    with pytest.raises(TaskNotYours):
        unassign_task(task.id, actor_id=other)

    view = get_task(task.id)
    assert view.assigned_to is not None and view.assigned_to.id == holder


def test_the_holder_gives_a_task_back_and_another_picker_takes_it(app, users):
    floor = _released_tasks(1, users["supervisor"].id)
    [holder, other] = _workers(2, floor.wh.id)
    task = claim_next_task(floor.wh.id, actor_id=holder)
    assert task is not None

    back = unassign_task(task.id, actor_id=holder)

    assert back.status == "open" and back.assigned_to is None
    taken = claim_next_task(floor.wh.id, actor_id=other)
    assert taken is not None and taken.id == task.id


def test_a_closed_task_no_longer_changes_hands(app, users):
    floor = _released_tasks(1, users["supervisor"].id)
    [task] = list_tasks(floor.wh.id)
    db.session.execute(
        PickTask.__table__.update().where(PickTask.id == task.id).values(status="done")
    )
    db.session.commit()

    with pytest.raises(TaskClosed):
        reassign_task(task.id, users["manager"].id, actor_id=users["manager"].id)
