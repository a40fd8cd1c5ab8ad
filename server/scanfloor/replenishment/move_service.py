"""Confirming a replenishment move: reserve bin -> pick face, through the one ledger writer.

The worker scans the source bin, the item (a case barcode counts its pack quantity), says
how many of the scanned pack, and scans the face. The texts are resolved before the write
transaction (reads only); inside it the task is re-read under its lock (the server decides,
whatever the scanner cached), the source's stock of the item is read, every rule of
replenishment/rules.py is checked, and one `transfer` posting (source_type replenishment,
source_id the task id) moves the units, FEFO and loose stock first. The task's `moved`
grows; reaching its quantity closes it (done). Any refusal rolls it all back, so the
ledger is unchanged. Confirming is the `replenishment.move` command (commands/): a replayed
scan (same client_scan_id) answers as the first did and posts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..catalog.resolve import prefetch
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..extensions import db
from ..floor_events import announce_floor_change
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..timeutil import utcnow
from . import queries
from .errors import named
from .move_rules import ScannedItem, TaskFacts, check_move, status_after
from .rules import MoveRefused
from .scans import ScannedBin, ScannedPack, scanned_bin, scanned_item
from .trigger import QUEUE
from .views import TaskView, task_view

MOVEMENT_TYPE = "transfer"
SOURCE_TYPE = "replenishment"


@dataclass(frozen=True)
class MoveScan:
    """What the worker scanned: source bin, item, how many of the scanned pack (None: one),
    and the destination bin (raw scanner texts)."""

    task_id: int
    from_bin: str
    item: str
    quantity: int | None
    to_bin: str


@dataclass(frozen=True)
class MoveResult:
    posting_id: int
    movement_ids: tuple[int, ...]
    units: int
    task: TaskView
    replayed: bool


@dataclass(frozen=True)
class MoveRequest:
    task_id: int
    source: ScannedBin
    pack: ScannedPack
    units: int
    destination: ScannedBin
    actor_id: int
    device_id: str | None


def confirm_move(
    scan: MoveScan,
    *,
    actor_id: int,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> MoveResult:
    """Move stock of a claimed task from a reserve bin to its face: one transfer posting."""
    known = prefetch((scan.from_bin, scan.item, scan.to_bin))
    source = scanned_bin(scan.from_bin, known)
    pack = scanned_item(scan.item, known)
    destination = scanned_bin(scan.to_bin, known)
    count = 1 if scan.quantity is None else scan.quantity
    req = MoveRequest(
        scan.task_id, source, pack, count * pack.pack_units, destination, actor_id, device_id
    )
    return MOVE.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _fingerprint(req: MoveRequest) -> str:
    p = req.pack
    return fingerprint_of(
        {
            "task": req.task_id,
            "from": req.source.id,
            "item": p.item_id,
            "units": req.units,
            "lot": p.lot_code,
            "expiry": None if p.expiry is None else p.expiry.isoformat(),
            "to": req.destination.id,
        }
    )


def _task_facts(row: Any, to_code: str) -> TaskFacts:
    return TaskFacts(
        task_id=int(row.id),
        status=row.status,
        claimed_by=row.claimed_by,
        warehouse_id=int(row.warehouse_id),
        item_id=int(row.item_id),
        to_location_id=int(row.to_location_id),
        to_code=to_code,
        quantity=int(row.quantity),
        moved=int(row.moved),
    )


def _move(req: MoveRequest) -> dict[str, Any]:
    conn = db.session.connection()
    row = queries.lock_task(conn, req.task_id)
    queries.require_rights(req.actor_id, int(row.warehouse_id))
    bins = queries.bin_facts(conn, {req.source.id, req.destination.id, int(row.to_location_id)})
    task = _task_facts(row, bins[int(row.to_location_id)].code)
    item = ScannedItem(req.pack.item_id, req.units, req.pack.lot_code, req.pack.expiry)
    try:
        takes = check_move(
            task,
            actor_id=req.actor_id,
            source=bins[req.source.id],
            item=item,
            holdings=queries.holdings(conn, req.source.id, task.item_id),
            destination=bins[req.destination.id],
        )
    except MoveRefused as refused:
        raise named(refused) from refused
    result = post(
        PostingRequest(
            movement_type=MOVEMENT_TYPE,
            lines=tuple(
                MovementLine(
                    item_id=task.item_id,
                    quantity=t.quantity,
                    from_location_id=req.source.id,
                    to_location_id=task.to_location_id,
                    lot_id=t.lot_id,
                    from_container_id=t.container_id,
                )
                for t in takes
            ),
            actor_id=req.actor_id,
            device_id=req.device_id,
            source_type=SOURCE_TYPE,
            source_id=str(task.task_id),
        )
    )
    moved = task.moved + req.units
    status = status_after(task.quantity, moved)
    done = {"done_at": utcnow(), "done_by": req.actor_id} if status == "done" else {}
    queries.set_task(conn, task.task_id, moved=moved, status=status, **done)
    announce_floor_change(task.warehouse_id, QUEUE)
    return {
        "posting_id": result.posting_id,
        "movement_ids": list(result.movement_ids),
        "units": req.units,
        "task_id": task.task_id,
    }


def _present(req: MoveRequest, answer: dict[str, Any], replayed: bool) -> MoveResult:
    # The task as it is now, for a replay too: the worker acts on what is left.
    return MoveResult(
        posting_id=int(answer["posting_id"]),
        movement_ids=tuple(int(m) for m in answer["movement_ids"]),
        units=int(answer["units"]),
        task=task_view(int(answer["task_id"])),
        replayed=replayed,
    )


MOVE: Command[MoveRequest, MoveResult] = Command(
    name="replenishment.move", execute=_move, present=_present, fingerprint=_fingerprint
)
