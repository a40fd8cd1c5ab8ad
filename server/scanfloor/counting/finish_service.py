"""Finishing a count (or a recount): what the ledger holds that nobody counted is counted
zero, every line gets its fate, and what is within tolerance posts at once.

One transaction (the `counts.finish` command):
1. the task is locked and checked (countable, held by the worker; an empty-bin finish names
   the bin scanned, a finish with no line must be one);
2. every item and lot in the task's scope without a line in this attempt gets a zero line
   whose system quantity is the ledger's now: the first count's scope is what the ledger
   holds loose in the bin (of the task's item, for an item count), the recount's is the
   lines sent to it;
3. each line's outcome follows from its judgement (variance_rules.line_outcome); the
   within-tolerance variances post as ONE `count` posting (bin <-> INV-ADJ, count_gain /
   count_loss, source count_task), as deltas;
4. the task moves on (variance_rules.finish): counted; or recount (attempt 2, held by nobody,
   never claimable by its counter); or approval (the recount's lines wait for a decision,
   the first count's lines are superseded). The board hears of it (count_approvals): a
   task entering or leaving recount / approval, or leaving the open queue.
Any refusal rolls everything back: no line, no posting, no status changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from ..catalog.resolve import resolve_barcode
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import (
    CountTaskClosed,
    CountTaskNotHeld,
    CountWrongLocation,
    NothingCounted,
    ValidationFailed,
)
from ..extensions import db
from ..floor_events import announce_floor_change
from ..timeutil import utcnow
from . import task_rows as rows
from .classes import classes_of
from .models import CountLine
from .policies import policies_for
from .task_views import WorkerView, worker_view
from .values import unit_values
from .variance_rules import RECOUNT, SUPERSEDED, finish, judge, line_outcome, posts_now, uncounted

QUEUE = "count_approvals"
_CL = CountLine.__table__
_LINES = select(_CL).where(_CL.c.task_id == bindparam("task"), _CL.c.attempt == bindparam("att"))
_SUPERSEDE = (
    update(_CL)
    .where(_CL.c.task_id == bindparam("b_task"), _CL.c.attempt == 1, _CL.c.outcome == RECOUNT)
    .values(outcome=SUPERSEDED)
)


@dataclass(frozen=True)
class FinishResult:
    task: WorkerView
    outcome: str  # matched | adjusted | recount | approval


@dataclass(frozen=True)
class FinishRequest:
    task_id: int
    empty: bool
    bin_id: int | None
    actor_id: int
    device_id: str | None


def finish_count(
    task_id: int,
    *,
    empty: bool = False,
    location: str | None = None,
    actor_id: int,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> FinishResult:
    """Close this attempt of a count task the worker holds; `empty` confirms an empty bin
    (the bin scanned in `location`)."""
    bin_id = None
    if location is not None:
        found = resolve_barcode(location)
        if found.kind != "location" or found.location is None:
            raise CountWrongLocation(
                "scan the bin's label to confirm it is empty", {"barcode": location}
            )
        bin_id = int(found.location["id"])
    if empty and bin_id is None:
        raise ValidationFailed("scan the bin to confirm it is empty", {"field": "location"})
    req = FinishRequest(task_id, empty, bin_id, actor_id, device_id)
    return FINISH.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _check(conn: Connection, task: Any, req: FinishRequest, lines: Sequence[Any]) -> None:
    if task.status not in rows.COUNTABLE:
        raise CountTaskClosed(
            f"this count task is {task.status}: it was finished already",
            {"task_id": req.task_id, "status": task.status},
        )
    if task.assigned_to != req.actor_id:
        raise CountTaskNotHeld(
            "this count task is not held by you: claim it (or have it assigned) first",
            {"task_id": req.task_id},
        )
    if req.bin_id is not None and req.bin_id != task.location_id:
        raise CountWrongLocation(
            "wrong bin: this task counts another bin",
            {"task_id": req.task_id, "expected_location_id": int(task.location_id)},
        )
    if req.empty and any(int(ln.counted_qty) > 0 for ln in lines):
        raise ValidationFailed(
            "units were counted in this bin: finish the count, it is not empty",
            {"rule": "bin_not_empty", "task_id": req.task_id},
        )
    if not lines and not req.empty:
        raise NothingCounted(
            "nothing was counted: count the items, or scan the bin to confirm it is empty",
            {"task_id": req.task_id},
        )


def _scope(conn: Connection, task: Any) -> dict[tuple[int, int], int | None]:
    """(item, lot key) -> lot id of what this attempt must count."""
    if int(task.attempt) == 1:
        held = rows.loose_in_bin(conn, int(task.location_id), task.item_id)
        scope = {k: lot_id for k, (lot_id, _qty) in held.items()}
        if task.item_id is not None and not scope:
            # An item count of a bin the ledger says holds none of it (an emptied bin):
            # confirming zero is a count that matched, and accuracy counts it.
            scope[(int(task.item_id), 0)] = None
        return scope
    q = select(_CL.c.item_id, _CL.c.lot_key, _CL.c.lot_id).where(
        _CL.c.task_id == task.id, _CL.c.attempt == 1, _CL.c.outcome == RECOUNT
    )
    return {(int(i), int(k)): lot for i, k, lot in conn.execute(q)}


def _zero_lines(conn: Connection, task: Any, req: FinishRequest, lines: Sequence[Any]) -> None:
    """A zero line for each item and lot in scope that nobody counted, against the ledger
    now."""
    scope = _scope(conn, task)
    missing = uncounted(scope, ((int(ln.item_id), int(ln.lot_key)) for ln in lines))
    if not missing:
        return
    wh = int(task.warehouse_id)
    item_ids = [i for i, _k in missing]
    classes = classes_of(conn, wh, item_ids)
    values = unit_values(conn, item_ids)
    policies = policies_for(conn, wh)
    now = utcnow()
    for item_id, lot_key in missing:
        lot_id = scope[(item_id, lot_key)]
        system = rows.loose_qty(conn, int(task.location_id), item_id, lot_id)
        judged = judge(0, system, values[item_id], policies[classes[item_id]])
        conn.execute(
            _CL.insert(),
            {
                "task_id": task.id,
                "attempt": int(task.attempt),
                "warehouse_id": wh,
                "location_id": int(task.location_id),
                "item_id": item_id,
                "lot_id": lot_id,
                "lot_key": lot_key,
                "counted_qty": 0,
                "system_qty": system,
                "variance": judged.variance,
                "unit_value": values[item_id],
                "variance_value": judged.variance_value,
                "abc_class": classes[item_id],
                "within_tolerance": judged.within_tolerance,
                "unexpected": False,
                "outcome": "matched",
                "counted_by": req.actor_id,
                "device_id": req.device_id,
                "counted_at": now,
            },
        )


def _finish(req: FinishRequest) -> dict[str, Any]:
    conn = db.session.connection()
    task = rows.lock_task(conn, req.task_id)
    attempt = int(task.attempt)
    params = {"task": task.id, "att": attempt}
    _check(conn, task, req, conn.execute(_LINES, params).all())
    _zero_lines(conn, task, req, conn.execute(_LINES, params).all())
    lines = conn.execute(_LINES, params).all()
    outcomes = [
        (ln, line_outcome(attempt, int(ln.variance), bool(ln.within_tolerance))) for ln in lines
    ]
    rows.set_outcomes(conn, ((int(ln.id), out) for ln, out in outcomes))
    posting_id = rows.post_variances(
        conn,
        task,
        [rows.Variance(int(ln.item_id), ln.lot_id, int(ln.variance))
         for ln, out in outcomes if posts_now(out)],
        actor_id=req.actor_id,
        device_id=req.device_id,
    )  # fmt: skip
    step = finish(attempt, (out for _ln, out in outcomes))
    now = utcnow()
    changes: dict[str, Any] = {"status": step.status, "attempt": step.attempt}
    if attempt == 1:
        changes.update(counted_by=req.actor_id, counted_at=now)
    else:
        changes.update(recounted_by=req.actor_id, recounted_at=now)
        conn.execute(_SUPERSEDE, {"b_task": task.id})
    if step.status == "recount":
        changes.update(assigned_to=None, assigned_at=None)  # back to the queue, for another
    if step.status == "counted":
        changes.update(completed_at=now)
    if posting_id is not None:
        changes.update(posting_id=posting_id)
    rows.set_task(conn, int(task.id), **changes)
    # Entering recount, leaving it, entering approval; and a count closed leaves the open
    # queue (open_summary) even when it posted nothing.
    announce_floor_change(int(task.warehouse_id), QUEUE)
    return {"task_id": int(task.id), "outcome": step.outcome, "posting_id": posting_id}


def _present(_req: FinishRequest, answer: dict[str, Any], _replayed: bool) -> FinishResult:
    return FinishResult(task=worker_view(int(answer["task_id"])), outcome=str(answer["outcome"]))


FINISH: Command[FinishRequest, FinishResult] = Command(
    name="counts.finish",
    execute=_finish,
    present=_present,
    fingerprint=lambda req: fingerprint_of(
        {"task": req.task_id, "empty": req.empty, "bin": req.bin_id}
    ),
)
