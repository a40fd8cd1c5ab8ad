"""Confirming a pick: the scanned bin, item (and lot) and tote are checked against the pick
line, and the units post bin -> (pick destination, tote), consuming their reservation.

Order of the steps, in one transaction (docs/decisions/0014):
1. the scanned texts are resolved BEFORE the write transaction starts (it holds the write
   lock; resolving is reads only): their barcodes rows in one read (catalog/resolve.prefetch);
2. the task row is locked (the pick destination read with it) and the line re-read: the
   server decides, whatever the scanner cached (scan_check.py: holder, line open, bin,
   item, lot, quantity);
3. the order's tote is checked and, at its first pick, bound (and moved to the pick
   destination the first time only: after that it stands there);
4. the posting goes through the one ledger writer (a shortfall of stock in the bin is the
   writer's refusal: InsufficientStock, which is a short pick to report);
5. THEN the reservation is consumed (allocation/consume_one.consume_line: the invariants of
   changes_service.consume_reservation in half its statements, joining this transaction;
   allocation's subscriber settles at commit, seeing the consumption, docs 0009);
6. the line is written back, the answer (the line, the task's brief, the next open line:
   pick_answer.py) read in one statement, and the task (and wave) closes when its last
   line does.
Any refusal raises and the transaction rolls back: ledger, reservations and lines unchanged.
Confirming is the `picking.confirm` command: a replayed scan answers as the first did and
posts nothing (it reads the line and task as they are then).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from ..allocation.consume_one import consume_line
from ..allocation.order_history import Actor
from ..catalog.containers_service import follow_stock
from ..catalog.resolve import Known, prefetch, resolve_barcode
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import (
    NotALocation,
    NotConfigured,
    ScanfloorError,
    UnknownBarcode,
    ValidationFailed,
    WrongLocation,
)
from ..extensions import db
from ..floor_events import announce_floor_change
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..timeutil import utcnow
from . import batch_sql as sql
from . import scan_check as rules
from .errors import (
    NotShort,
    OverPick,
    PickLineClosed,
    TaskNotFound,
    TaskNotYours,
    WrongItem,
    WrongLot,
    WrongTote,
)
from .pick_answer import TaskBrief as TaskBrief
from .pick_answer import picked_line
from .queries import refresh_task_status
from .scan_check import LineFacts, ScannedItem, ScanRefused
from .views import TaskLine

MOVEMENT_TYPE = "pick"
SOURCE_TYPE = "pick_line"

_REFUSALS: dict[str, type[ScanfloorError]] = {
    rules.WRONG_LOCATION: WrongLocation,
    rules.WRONG_ITEM: WrongItem,
    rules.WRONG_LOT: WrongLot,
    rules.WRONG_TOTE: WrongTote,
    rules.OVER_PICK: OverPick,
    rules.TASK_NOT_YOURS: TaskNotYours,
    rules.LINE_CLOSED: PickLineClosed,
    rules.NOT_SHORT: NotShort,
    rules.BAD_QUANTITY: ValidationFailed,
}


def refusal(exc: ScanRefused) -> ScanfloorError:
    """A pure rule's refusal as the named error the API answers with."""
    return _REFUSALS[exc.code](exc.message, {"rule": exc.code, **exc.details})


@dataclass(frozen=True)
class PickScan:
    """What the picker scanned: raw texts, as the scanner read them."""

    task_id: int
    line_id: int
    bin: str
    item: str
    quantity: int | None
    tote: str


@dataclass(frozen=True)
class PickResult:
    line: TaskLine
    task: TaskBrief
    next_line_id: int | None
    quantity: int
    posting_id: int
    replayed: bool


# --- resolving scans (before the write transaction) ----------------------------------------


def resolve_bin(raw: str, known: Known | None = None) -> tuple[int, str]:
    found = resolve_barcode(raw, known=known)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": raw})
    if found.kind != "location" or found.location is None:
        raise NotALocation(
            f"this barcode is a {found.kind}, not a location: scan the bin's label",
            {"barcode": raw, "kind": found.kind},
        )
    return int(found.location["id"]), str(found.location["code"])


def resolve_item(raw: str, known: Known | None = None) -> ScannedItem:
    """The item a scan names, the base units one scan stands for (a case: its pack
    quantity, times a GS1 count), and the lot and expiry a GS1 scan carries."""
    found = resolve_barcode(raw, known=known)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": raw})
    if found.item is None:
        raise WrongItem(
            f"this barcode is a {found.kind}, not an item", {"barcode": raw, "kind": found.kind}
        )
    lot = None if found.lot is None else found.lot.get("code")
    return ScannedItem(
        item_id=int(found.item["id"]),
        units=int(found.quantity or 1),
        lot_code=None if lot is None else str(lot),
        expiry=found.expiry,
    )


def resolve_tote(raw: str, known: Known | None = None) -> int:
    found = resolve_barcode(raw, known=known)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": raw})
    box = found.container
    if found.kind != "container" or box is None or box["kind"] != "tote":
        raise WrongTote(
            "scan a tote: picks go into the order's tote",
            {"barcode": raw, "kind": found.kind if box is None else box["kind"]},
        )
    if not box["active"]:
        raise WrongTote("this tote is out of use", {"tote_id": box["id"]})
    return int(box["id"])


# --- inside the transaction -----------------------------------------------------------------


def locked_task(conn: Connection, task_id: int) -> Any:
    task = conn.execute(sql.TASK_FOR_UPDATE, {"task": task_id}).first()
    if task is None:
        raise TaskNotFound("no such pick task", {"task_id": task_id})
    return task


def line_facts(task: Any, row: Any) -> LineFacts:
    return LineFacts(
        line_id=int(row.id),
        task_id=int(task.id),
        task_status=str(task.status),
        assigned_to=task.assigned_to,
        status=str(row.status),
        location_id=int(row.location_id),
        location_code=str(row.location_code),
        item_id=int(row.item_id),
        lot_id=row.lot_id,
        lot_code=row.lot_code,
        lot_expiry=row.lot_expiry,
        quantity=int(row.quantity),
        picked=int(row.picked_qty),
        short=int(row.short_qty),
    )


def load_line(conn: Connection, task_id: int, line_id: int) -> tuple[Any, Any, LineFacts]:
    """The task (locked) and one of its lines, as they are now."""
    task = locked_task(conn, task_id)
    row = conn.execute(sql.LINE, {"task": task_id, "line": line_id}).first()
    if row is None:
        raise TaskNotFound("no such line on this task", {"task_id": task_id, "line_id": line_id})
    return task, row, line_facts(task, row)


def bind_tote(conn: Connection, wave_id: int, order_id: int, tote_id: int) -> None:
    """The order's tote is this one, binding it at the order's first pick (WrongTote else)."""
    wo = conn.execute(sql.WAVE_ORDER_FOR_UPDATE, {"wave": wave_id, "order": order_id}).first()
    _bind(conn, wave_id, order_id, tote_id, None if wo is None else wo.tote_container_id)


def _bind(conn: Connection, wave_id: int, order_id: int, tote_id: int, bound: int | None) -> None:
    holder, held = None, 0
    if bound is None:
        at = conn.execute(
            sql.TOTE_AT_BIND, {"tote": tote_id, "wave": wave_id, "order": order_id}
        ).one()
        holder, held = at.holder, int(at.held)
    try:
        bind = rules.tote_binding(bound, tote_id, holder, held)
    except ScanRefused as exc:
        raise refusal(exc) from exc
    if bind:
        conn.execute(sql.BIND_TOTE, {"b_wave": wave_id, "b_order": order_id, "b_tote": tote_id})


def _bind_tote_at(conn: Connection, wave_id: int, order_id: int, tote_id: int) -> int | None:
    """bind_tote, answering where the tote stands now (one statement reads both)."""
    wo = conn.execute(
        sql.WAVE_ORDER_TOTE_FOR_UPDATE, {"wave": wave_id, "order": order_id, "tote": tote_id}
    ).first()
    _bind(conn, wave_id, order_id, tote_id, None if wo is None else wo.tote_container_id)
    return None if wo is None or wo.tote_location is None else int(wo.tote_location)


def first_location(conn: Connection, warehouse_id: int, kind: str) -> int:
    """The warehouse's first active location of a type (pack_station: where picks go)."""
    return _configured(
        conn.scalar(sql.FIRST_OF_TYPE, {"wh": warehouse_id, "type": kind}), warehouse_id, kind
    )


def _configured(found: int | None, warehouse_id: int, kind: str) -> int:
    if found is None:
        raise NotConfigured(
            f"this warehouse has no active {kind.replace('_', ' ')} location",
            {"warehouse_id": warehouse_id, "location_type": kind},
        )
    return int(found)


def post_pick(
    row: Any, quantity: int, dest: int, tote_id: int, actor_id: int | None, device: str | None
) -> int:
    result = post(
        PostingRequest(
            movement_type=MOVEMENT_TYPE,
            lines=(
                MovementLine(
                    item_id=int(row.item_id),
                    quantity=quantity,
                    from_location_id=int(row.location_id),
                    to_location_id=dest,
                    lot_id=row.lot_id,
                    to_container_id=tote_id,
                ),
            ),
            actor_id=actor_id,
            device_id=device,
            source_type=SOURCE_TYPE,
            source_id=str(row.id),
        )
    )
    return result.posting_id


def consume(row: Any, quantity: int, actor_id: int | None, warehouse_id: int) -> None:
    """The picked units' reservation resolves as consumed (its lot only for FEFO rows):
    allocation's one-line consume, inside the caller's transaction."""
    consume_line(
        db.session.connection(),
        int(row.order_line_id),
        quantity,
        Actor.user(actor_id),
        utcnow(),
        order_id=int(row.order_id),
        warehouse_id=warehouse_id,
        lot_id=row.reserved_lot_id,
    )


def write_line(
    conn: Connection, facts: LineFacts, picked: int, short: int, actor_id: int | None
) -> str:
    status = rules.line_status(facts.quantity, facts.picked + picked, facts.short + short)
    done = conn.execute(
        sql.UPDATE_LINE,
        {
            "b_id": facts.line_id,
            "b_picked": facts.picked + picked,
            "b_short": facts.short + short,
            "b_status": status,
            "b_by": actor_id,
            "b_at": utcnow(),
        },
    ).rowcount
    if done != 1:  # the task row lock makes this unreachable; a guard, not a path
        raise PickLineClosed("this pick line changed meanwhile", {"line_id": facts.line_id})
    return status


def task_brief(view: Any) -> TaskBrief:
    return TaskBrief(view.id, view.status, sum(1 for ln in view.lines if ln.status == "open"))


# --- the command ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PickRequest:
    scan: PickScan
    bin: tuple[int, str]
    item: ScannedItem
    tote_id: int
    actor_id: int | None
    device_id: str | None
    # The answer's line and task as the confirming transaction left them, read inside it
    # (one statement, no read transaction of its own after commit); a replay reads anew.
    memo: dict[int, tuple[TaskLine, TaskBrief, int | None]] = field(
        default_factory=dict, compare=False, repr=False
    )


def confirm_pick(
    scan: PickScan,
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> PickResult:
    """Pick units of a line from its bin into the order's tote; consumes their reservation."""
    # The three scans' barcodes rows in one read; each is then resolved (and refused) in
    # turn, bin first, as if alone.
    known = prefetch((scan.bin, scan.item, scan.tote))
    req = PickRequest(
        scan,
        resolve_bin(scan.bin, known),
        resolve_item(scan.item, known),
        resolve_tote(scan.tote, known),
        actor_id,
        device_id,
    )
    return CONFIRM.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _fingerprint(req: PickRequest) -> str:
    return fingerprint_of(
        {
            "task_id": req.scan.task_id,
            "line_id": req.scan.line_id,
            "bin": req.bin[0],
            "item": [req.item.item_id, req.item.units, req.item.lot_code, str(req.item.expiry)],
            "quantity": req.scan.quantity,
            "tote": req.tote_id,
        }
    )


def _confirm(req: PickRequest) -> dict[str, Any]:
    conn = db.session.connection()
    task = conn.execute(sql.TASK_FOR_PICK, {"task": req.scan.task_id}).first()
    if task is None:
        raise TaskNotFound("no such pick task", {"task_id": req.scan.task_id})
    row = conn.execute(sql.LINE, {"task": req.scan.task_id, "line": req.scan.line_id}).first()
    if row is None:
        raise TaskNotFound(
            "no such line on this task", {"task_id": req.scan.task_id, "line_id": req.scan.line_id}
        )
    facts = line_facts(task, row)
    try:
        quantity = rules.check_pick(
            facts,
            actor_id=req.actor_id,
            bin_id=req.bin[0],
            bin_code=req.bin[1],
            item=req.item,
            requested=req.scan.quantity,
        )
    except ScanRefused as exc:
        raise refusal(exc) from exc
    tote_at = _bind_tote_at(conn, int(task.wave_id), int(row.order_id), req.tote_id)
    wh = int(task.warehouse_id)
    dest = _configured(task.dest, wh, "pack_station")
    posting_id = post_pick(row, quantity, dest, req.tote_id, req.actor_id, req.device_id)
    consume(row, quantity, req.actor_id, wh)
    if tote_at != dest:  # after the order's first pick the tote is there already
        follow_stock(req.tote_id, dest)
    write_line(conn, facts, quantity, 0, req.actor_id)
    line, brief, next_open = picked_line(facts.line_id, conn)
    if not brief.lines_open:  # the last open line: the task (and its wave) closes
        brief = TaskBrief(brief.id, refresh_task_status(conn, facts.task_id), 0)
    req.memo.clear()
    req.memo[posting_id] = (line, brief, next_open)
    announce_floor_change(wh, "to_pick")
    announce_floor_change(wh, "to_pack")
    return {
        "task_id": facts.task_id,
        "line_id": facts.line_id,
        "quantity": quantity,
        "posting_id": posting_id,
    }


def _present(req: PickRequest, answer: dict[str, Any], replayed: bool) -> PickResult:
    # The line and task as they are now, for a replay too: the picker acts on them next.
    posting_id = int(answer["posting_id"])
    kept = None if replayed else req.memo.get(posting_id)
    line, task, next_open = kept or picked_line(int(answer["line_id"]))
    return PickResult(
        line=line,
        task=task,
        next_line_id=next_open,
        quantity=int(answer["quantity"]),
        posting_id=posting_id,
        replayed=replayed,
    )


CONFIRM: Command[PickRequest, PickResult] = Command(
    name="picking.confirm", execute=_confirm, present=_present, fingerprint=_fingerprint
)
