"""Recording a counted line: the worker scanned the bin and an item and says how many.

The freeze rule: the line keeps the ledger's quantity of that item and lot loose in the bin
read in the SAME transaction that writes the line, so a pick (or any move in or out) between
the task's release and the count is already in it and makes no phantom variance; re-entering
a line replaces it and reads the ledger again. The line is judged at once against its
class's tolerance (variance_rules), and what the count does with it is decided at finish.

Refusals (nothing recorded): the task is closed (count_task_closed) or not the worker's
(task_not_held); another bin (wrong_location); another item on an item count (wrong_item);
an item or lot a recount does not recount (not_in_recount); a lot-tracked item without its
lot (lot_required). An item the ledger does not have in the bin is recorded (unexpected),
never refused: finding it is what counts are for.
Recording is the `counts.record` command: a replayed scan answers as the first did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from ..catalog import lots_service
from ..catalog.resolve import prefetch, resolve_barcode
from ..catalog.rules import CatalogRuleError, normalise_lot_code
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import (
    CountTaskClosed,
    CountTaskNotHeld,
    CountWrongItem,
    CountWrongLocation,
    DuplicateCode,
    LotRequired,
    NotALocation,
    NotAnItem,
    NotInRecount,
    UnknownBarcode,
    ValidationFailed,
)
from ..extensions import db
from ..timeutil import utcnow
from . import count_sql as sql
from . import task_rows as rows
from .policies import DEFAULT_POLICIES
from .task_views import (
    CountedLine,
    ItemRef,
    Ref,
    WorkerView,
    worker_view,
    worker_view_of,
)
from .variance_rules import judge


@dataclass(frozen=True)
class CountScan:
    """What the counter did: the bin and the item as scanned, how many of the scanned pack,
    and a lot / expiry typed in when the label carries none."""

    task_id: int
    location: str
    barcode: str
    quantity: int
    lot: str | None = None
    expiry: date | None = None


@dataclass(frozen=True)
class RecordResult:
    task: WorkerView
    line: CountedLine


@dataclass(frozen=True)
class _Scanned:
    bin_id: int
    bin_code: str
    item_id: int
    units: int  # base units counted: quantity * what one scan of the pack counts
    lot_code: str | None
    expiry: date | None


@dataclass(frozen=True)
class RecordRequest:
    task_id: int
    scanned: _Scanned
    actor_id: int
    device_id: str | None
    # The task view as the recording transaction left it, built inside it (no read
    # transaction of its own after commit); a replay reads it anew.
    memo: dict[str, WorkerView] = field(default_factory=dict, compare=False, repr=False)


def record_count(
    scan: CountScan,
    *,
    actor_id: int,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> RecordResult:
    """Record (or re-enter) one counted line of a count task the worker holds."""
    req = RecordRequest(scan.task_id, _resolve(scan), actor_id, device_id)
    return RECORD.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _resolve(scan: CountScan) -> _Scanned:
    """The scanned texts, resolved before the write transaction (reads only): both barcodes
    rows in one read, then each resolved (and refused) in turn, bin first, as if alone."""
    known = prefetch((scan.location, scan.barcode))
    place = resolve_barcode(scan.location, known=known)
    if place.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": scan.location})
    if place.kind != "location" or place.location is None:
        raise NotALocation(
            f"this barcode is a {place.kind}, not a location: scan the bin's label",
            {"barcode": scan.location, "kind": place.kind},
        )
    found = resolve_barcode(scan.barcode, known=known)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": scan.barcode})
    if found.item is None:
        raise NotAnItem(
            f"this barcode is a {found.kind}, not an item",
            {"barcode": scan.barcode, "kind": found.kind},
        )
    scanned_lot = None if found.lot is None else found.lot.get("code")
    lot = scan.lot if scan.lot is not None else scanned_lot
    return _Scanned(
        bin_id=int(place.location["id"]),
        bin_code=str(place.location["code"]),
        item_id=int(found.item["id"]),
        units=scan.quantity * int(found.quantity or 1),
        lot_code=None if lot is None or not str(lot).strip() else str(lot),
        expiry=scan.expiry if scan.expiry is not None else found.expiry,
    )


def _fingerprint(req: RecordRequest) -> str:
    s = req.scanned
    return fingerprint_of(
        {
            "task": req.task_id,
            "bin": s.bin_id,
            "item": s.item_id,
            "units": s.units,
            "lot": s.lot_code,
            "expiry": None if s.expiry is None else s.expiry.isoformat(),
        }
    )


def _clean_lot(code: str | None) -> tuple[str | None, ValidationFailed | None]:
    """The lot code as the catalog stores it, or why it cannot be one (raised only if the
    item turns out lot-tracked: an item without lots ignores a lot on its label)."""
    if code is None:
        return None, None
    try:
        return normalise_lot_code(code), None
    except CatalogRuleError as exc:
        return None, ValidationFailed(str(exc), {"field": "lot", **exc.details})


def _lot_id(
    conn: Connection,
    facts: Any,
    code: str | None,
    bad: ValidationFailed | None,
    expiry: date | None,
) -> tuple[int | None, bool]:
    """The lot counted (None for an item without lots) and whether the catalog knew it: a
    lot-tracked item needs one, found by its code or recorded now (a lot the catalog never
    saw is still stock in the bin)."""
    if facts.tracking != "lot":
        return None, True
    item_id = int(facts.scanned_item_id)
    if bad is not None:
        raise bad
    if code is None:
        raise LotRequired("this item is lot-tracked: scan or enter the lot", {"item_id": item_id})
    if facts.lot_id is not None:
        return int(facts.lot_id), True
    try:
        return lots_service.create_lot(item_id, code=code, expiry=expiry).id, False
    except DuplicateCode:  # recorded a moment ago by another scan (PostgreSQL)
        found = conn.execute(sql.LOT_BY_CODE, {"item": item_id, "code": code}).scalar_one()
        return int(found), False


def _check_task(task: Any, req: RecordRequest) -> None:
    if task.status not in rows.COUNTABLE:
        raise CountTaskClosed(
            f"this count task is {task.status}: nothing more is counted on it",
            {"task_id": req.task_id, "status": task.status},
        )
    if task.assigned_to != req.actor_id:
        raise CountTaskNotHeld(
            "this count task is not held by you: claim it (or have it assigned) first",
            {"task_id": req.task_id},
        )
    s = req.scanned
    if s.bin_id != task.location_id:
        raise CountWrongLocation(
            "wrong bin: this task counts another bin",
            {"task_id": req.task_id, "expected_location_id": int(task.location_id),
             "scanned": {"id": s.bin_id, "code": s.bin_code}},
        )  # fmt: skip
    if task.item_id is not None and s.item_id != task.item_id:
        raise CountWrongItem(
            "wrong item: this task counts one item only",
            {"task_id": req.task_id, "expected_item_id": int(task.item_id), "item_id": s.item_id},
        )


def _record(req: RecordRequest) -> dict[str, Any]:
    conn = db.session.connection()
    s = req.scanned
    lot_code, bad_lot = _clean_lot(s.lot_code)
    # The task under its lock, and the ledger as it is now (the freeze rule), in one read.
    task = conn.execute(
        sql.TASK_AND_FACTS, {"id": req.task_id, "item": s.item_id, "lot": lot_code}
    ).first()
    if task is None:
        raise rows.TaskNotFound("no such count task", {"task_id": req.task_id})
    facts = task  # the scanned item's columns ride on the task's row
    _check_task(task, req)
    if facts.scanned_item_id is None:  # deleted since the scan was resolved
        raise UnknownBarcode("nothing has this barcode", {"item_id": s.item_id})
    wh = int(task.warehouse_id)
    lot_id, known_lot = _lot_id(conn, facts, lot_code, bad_lot, s.expiry)
    lot_key = lot_id or 0
    attempt = int(task.attempt)
    if attempt == 2:
        keys = {(int(i), int(k)) for i, k in conn.execute(sql.RECOUNT_KEYS, {"task": task.id})}
        if (s.item_id, lot_key) not in keys:
            raise NotInRecount(
                "this recount counts only the items it names: this one is not among them",
                {"task_id": req.task_id, "item_id": s.item_id, "lot_id": lot_id},
            )
    if lot_id is None:
        system = int(facts.loose_unlotted)
    elif known_lot:
        system = int(facts.loose_of_lot)
    else:  # the lot was recorded after the read above
        system = rows.loose_qty(conn, int(task.location_id), s.item_id, lot_id)
    cls = str(facts.abc_class)
    value = None if facts.unit_value is None else Decimal(facts.unit_value)
    judged = judge(s.units, system, value, _policy(facts, cls))
    unexpected = system == 0 and s.units > 0
    conn.execute(
        sql.upsert_line(conn.dialect.name),
        {
            "task_id": int(task.id),
            "attempt": attempt,
            "item_id": s.item_id,
            "lot_key": lot_key,
            "warehouse_id": wh,
            "location_id": int(task.location_id),
            "lot_id": lot_id,
            "counted_qty": s.units,
            "system_qty": system,
            "variance": judged.variance,
            "unit_value": value,
            "variance_value": judged.variance_value,
            "abc_class": cls,
            "within_tolerance": judged.within_tolerance,
            "unexpected": unexpected,
            "outcome": "matched",  # decided at finish
            "counted_by": req.actor_id,
            "device_id": req.device_id,
            "counted_at": utcnow(),
        },
    )
    view = worker_view_of(conn, task)
    req.memo.clear()
    req.memo["task"] = view
    # The line just written, as the view shows it (with its lot's code).
    line = next(
        c
        for c in view.counted
        if c.item.id == s.item_id and (None if c.lot is None else c.lot.id) == lot_id
    )
    return {
        "task_id": int(task.id),
        "line": {
            "item": {"id": s.item_id, "sku": str(facts.item_sku), "name": str(facts.item_name)},
            "lot": None if line.lot is None else {"id": line.lot.id, "code": line.lot.code},
            "counted_qty": s.units,
            "unexpected": unexpected,
        },
    }


def _policy(facts: Any, cls: str) -> Any:
    """The class's tolerance: the policy row the read found, else the seeded default."""
    if facts.tolerance_units is None:
        return DEFAULT_POLICIES[cls]
    return _Tolerance(int(facts.tolerance_units), Decimal(facts.tolerance_value))


@dataclass(frozen=True)
class _Tolerance:
    tolerance_units: int
    tolerance_value: Decimal


def _present(req: RecordRequest, answer: dict[str, Any], replayed: bool) -> RecordResult:
    # The task as the recording left it; a replay reads it as it is now (the counter acts
    # on it next), as the first answer's line is kept.
    ln = answer["line"]
    item = ln["item"]
    lot = ln["lot"]
    kept = None if replayed else req.memo.get("task")
    return RecordResult(
        task=kept or worker_view(int(answer["task_id"])),
        line=CountedLine(
            item=ItemRef(int(item["id"]), str(item["sku"]), str(item["name"]), []),
            lot=None if lot is None else Ref(int(lot["id"]), str(lot["code"])),
            counted_qty=int(ln["counted_qty"]),
            unexpected=bool(ln["unexpected"]),
        ),
    )


RECORD: Command[RecordRequest, RecordResult] = Command(
    name="counts.record",
    execute=_record,
    present=_present,
    fingerprint=_fingerprint,
)
