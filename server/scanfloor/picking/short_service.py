"""Reporting a short pick: the bin holds less than the line needs.

The picker says what is really in the bin (`found_quantity`, 0 allowed). One transaction
(docs/decisions/0014), postings first, then reservations (docs/decisions/0009):
1. one posting (movement type "pick"): the found units bin -> (pick destination, the
   order's tote), and whatever the ledger still shows of that item and lot loose in the
   bin beyond them bin -> INV-ADJ, reason "short_pick": the stock is not there, so it
   must not stay sellable (the count raised in step 5 confirms it, or gives it back);
2. the found units' reservation is consumed;
3. the line closes as short, and its shortfall is released and re-allocated
   (short_realloc.py): a new line on this task from another bin of the warehouse, else
   another warehouse, else a backorder;
4. a floor exception (kind "short_pick": who, device, where, what, expected, found) is
   written for the supervisor;
5. a count task (reason "short_pick") is raised for the bin and item.
It is the `picking.short` command: a replayed report answers as the first and posts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from ..catalog.containers_service import follow_stock
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..counting.service import raise_count_task
from ..errors import NotConfigured, ValidationFailed
from ..extensions import db
from ..floor_events import announce_floor_change
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..timeutil import utcnow
from . import batch_sql as sql
from . import scan_check as rules
from .models import FloorException
from .pick_service import (
    MOVEMENT_TYPE,
    SOURCE_TYPE,
    TaskBrief,
    bind_tote,
    consume,
    first_location,
    load_line,
    refusal,
    resolve_bin,
    resolve_tote,
    task_brief,
    write_line,
)
from .queries import refresh_task_status, task_view
from .scan_check import ScanRefused
from .short_realloc import reallocate_short
from .views import TaskLine

REASON = "short_pick"
_FE = FloorException.__table__


@dataclass(frozen=True)
class ShortReport:
    task_id: int
    line_id: int
    bin: str
    found_quantity: int
    tote: str | None = None


@dataclass(frozen=True)
class ShortResult:
    line: TaskLine
    picked: int
    short: int
    written_off: int
    outcome: str
    new_line_id: int | None
    new_line_ids: list[int]
    count_task_id: int
    exception_id: int
    task: TaskBrief
    replayed: bool


@dataclass(frozen=True)
class ShortRequest:
    report: ShortReport
    bin: tuple[int, str]
    tote_id: int | None
    actor_id: int | None
    device_id: str | None


def report_short(
    report: ShortReport,
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> ShortResult:
    """The bin holds only `found_quantity`: pick that, write the rest off, re-allocate."""
    found = report.found_quantity
    if found and report.tote is None:
        raise ValidationFailed("scan the tote the found units go into", {"field": "tote"})
    tote_id = None if report.tote is None else resolve_tote(report.tote)
    req = ShortRequest(report, resolve_bin(report.bin), tote_id, actor_id, device_id)
    return SHORT.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _fingerprint(req: ShortRequest) -> str:
    r = req.report
    return fingerprint_of(
        {
            "task_id": r.task_id,
            "line_id": r.line_id,
            "bin": req.bin[0],
            "found": r.found_quantity,
            "tote": req.tote_id if r.found_quantity else None,
        }
    )


def _inventory_adjustment(conn: Connection) -> int:
    found = conn.scalar(sql.VIRTUAL_BY_CODE, {"code": "INV-ADJ"})
    if found is None:  # made by the first migration
        raise NotConfigured("the INV-ADJ virtual location is missing", {"code": "INV-ADJ"})
    return int(found)


def _lines(
    conn: Connection, row: Any, found: int, dest: int | None, tote: int | None
) -> list[MovementLine]:
    """The found units into the tote, and what the ledger shows loose in the bin (this item
    and lot) beyond them to INV-ADJ: one posting, so a short is one posting per key."""
    shown = int(
        conn.scalar(
            sql.LOOSE_IN_BIN,
            {"loc": row.location_id, "item": row.item_id, "lot": row.lot_id or 0},
        )
        or 0
    )
    lines = []
    if found:
        assert dest is not None and tote is not None  # report_short asks for the tote
        lines.append(
            MovementLine(
                item_id=int(row.item_id),
                quantity=found,
                from_location_id=int(row.location_id),
                to_location_id=dest,
                lot_id=row.lot_id,
                to_container_id=tote,
            )
        )
    if shown > found:
        lines.append(
            MovementLine(
                item_id=int(row.item_id),
                quantity=shown - found,
                from_location_id=int(row.location_id),
                to_location_id=_inventory_adjustment(conn),
                lot_id=row.lot_id,
                reason_code=REASON,
            )
        )
    return lines


def _short(req: ShortRequest) -> dict[str, Any]:
    conn = db.session.connection()
    r = req.report
    task, row, facts = load_line(conn, r.task_id, r.line_id)
    try:
        rules.check_holder(facts, req.actor_id)
        rules.check_open(facts)
        rules.check_bin(facts, req.bin[0], req.bin[1])
        short = rules.check_short(facts, r.found_quantity)
    except ScanRefused as exc:
        raise refusal(exc) from exc
    wh = int(task.warehouse_id)
    now = utcnow()
    found = r.found_quantity
    dest = None
    if found:
        assert req.tote_id is not None  # report_short asks for it
        bind_tote(conn, int(task.wave_id), int(row.order_id), req.tote_id)
        dest = first_location(conn, wh, "pack_station")
    lines = _lines(conn, row, found, dest, req.tote_id)
    written_off = sum(ln.quantity for ln in lines if ln.reason_code == REASON)
    if lines:
        # A pick posting: the found units picked, the unfound written off beside them.
        post(
            PostingRequest(
                movement_type=MOVEMENT_TYPE,
                lines=tuple(lines),
                actor_id=req.actor_id,
                device_id=req.device_id,
                source_type=SOURCE_TYPE,
                source_id=str(row.id),
            )
        )
    if found and req.tote_id is not None and dest is not None:
        follow_stock(req.tote_id, dest)
        consume(row, found, req.actor_id, wh)
    write_line(conn, facts, found, short, req.actor_id)
    placed = reallocate_short(conn, row, wh, short, req.actor_id, now)
    details = {
        "task_id": facts.task_id,
        "line_id": facts.line_id,
        "order_line_id": int(row.order_line_id),
        "lot_id": row.lot_id,
        "expected": facts.remaining,
        "found": found,
        "short": short,
        "written_off": written_off,
        "outcome": placed.outcome,
        "new_line_ids": list(placed.new_line_ids),
    }
    count_id = raise_count_task(
        warehouse_id=wh,
        location_id=int(row.location_id),
        item_id=int(row.item_id),
        reason=REASON,
        source_type=SOURCE_TYPE,
        source_id=str(row.id),
        actor_id=req.actor_id,
    )
    details["count_task_id"] = count_id
    exception_id = conn.execute(
        _FE.insert().returning(_FE.c.id),
        {
            "kind": REASON,
            "warehouse_id": wh,
            "location_id": int(row.location_id),
            "item_id": int(row.item_id),
            "order_id": int(row.order_id),
            "actor_id": req.actor_id,
            "device_id": req.device_id,
            "source_type": SOURCE_TYPE,
            "source_id": str(row.id),
            "details": details,
            "at": now,
        },
    ).scalar_one()
    refresh_task_status(conn, facts.task_id, now)
    for queue in ("to_pick", "exceptions", "to_pack"):
        announce_floor_change(wh, queue)
    return {
        "task_id": facts.task_id,
        "line_id": facts.line_id,
        "picked": found,
        "short": short,
        "written_off": written_off,
        "outcome": placed.outcome,
        "new_line_ids": list(placed.new_line_ids),
        "count_task_id": count_id,
        "exception_id": int(exception_id),
    }


def _present(_req: ShortRequest, answer: dict[str, Any], replayed: bool) -> ShortResult:
    view = task_view(int(answer["task_id"]))
    line = next(ln for ln in view.lines if ln.id == int(answer["line_id"]))
    new_ids = [int(i) for i in answer["new_line_ids"]]
    return ShortResult(
        line=line,
        picked=int(answer["picked"]),
        short=int(answer["short"]),
        written_off=int(answer["written_off"]),
        outcome=str(answer["outcome"]),
        new_line_id=new_ids[0] if new_ids else None,
        new_line_ids=new_ids,
        count_task_id=int(answer["count_task_id"]),
        exception_id=int(answer["exception_id"]),
        task=task_brief(view),
        replayed=replayed,
    )


SHORT: Command[ShortRequest, ShortResult] = Command(
    name="picking.short", execute=_short, present=_present, fingerprint=_fingerprint
)
