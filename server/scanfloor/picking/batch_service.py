"""Confirming many picks of one task at once (a scanner flushing its queue, a cart that was
picked offline): every scan checked as confirm_pick checks one, then ONE posting with a
movement per scan, the reservations consumed in bulk, the lines written back in one
executemany. All of them post, or none (docs/decisions/0014).

Scans are resolved before the write transaction, in bulk: the task's bins, items and
their barcodes are read once, and a scan that is one of the codes the line expects is
resolved from them (GS1 text is interpreted, purely, to its GTIN, lot, expiry and count).
A scan that matches nothing expected goes through the catalog's resolver, which names
what it is (another bin, another item, an unknown code) for the refusal.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from flask import current_app

from ..allocation.bulk_sql import columns, is_pg, run_pg
from ..allocation.consume_bulk import Consumption, consume_many
from ..allocation.order_history import Actor, many, naive
from ..catalog.containers_service import follow_stock
from ..catalog.scan_rules import MalformedScan, interpret_scan
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import InvalidBarcode, ValidationFailed
from ..extensions import db
from ..floor_events import announce_floor_change
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..timeutil import utcnow
from . import batch_sql as sql
from . import scan_check as rules
from .pick_service import (
    MOVEMENT_TYPE,
    PickScan,
    TaskBrief,
    bind_tote,
    first_location,
    line_facts,
    locked_task,
    refusal,
    resolve_bin,
    resolve_item,
    resolve_tote,
)
from .queries import refresh_task_status
from .scan_check import LineFacts, ScannedItem, ScanRefused

SOURCE_TYPE = "pick_task"
MAX_BATCH = 10_000


@dataclass(frozen=True)
class BatchResult:
    task: TaskBrief
    posting_id: int
    lines: int
    units: int
    next_line_id: int | None
    replayed: bool


@dataclass(frozen=True)
class Resolved:
    bin: tuple[int, str]
    item: ScannedItem
    tote_id: int


@dataclass(frozen=True)
class BatchRequest:
    task_id: int
    scans: tuple[PickScan, ...]
    resolved: tuple[Resolved, ...]
    actor_id: int | None
    device_id: str | None


class _Resolver:
    """Scanned texts to ids, from what the task expects, the catalog's resolver else."""

    def __init__(self, task_id: int) -> None:
        conn = db.session.connection()
        self.bins: dict[str, tuple[int, str]] = {}
        for loc, loc_code in conn.execute(sql.TASK_BINS, {"task": task_id}):
            ref = (int(loc), str(loc_code))
            self.bins[str(loc_code)] = ref
            self.bins[str(loc_code).upper()] = ref
        for code, loc, loc_code in conn.execute(sql.TASK_BIN_CODES, {"task": task_id}):
            self.bins[str(code)] = (int(loc), str(loc_code))
        # barcode -> (item, base units one scan counts)
        self.codes: dict[str, tuple[int, int]] = {
            str(code): (int(item), int(qty))
            for code, item, qty in conn.execute(sql.TASK_ITEM_CODES, {"task": task_id})
        }
        self.seps = current_app.config["SCANFLOOR_SETTINGS"].gs1_separator_chars
        self._bin: dict[str, tuple[int, str]] = {}
        self._item: dict[str, ScannedItem] = {}
        self._tote: dict[str, int] = {}

    def bin(self, raw: str) -> tuple[int, str]:
        if raw not in self._bin:
            text = raw.strip()
            found = self.bins.get(text) or self.bins.get(text.upper())
            self._bin[raw] = found if found is not None else resolve_bin(raw)
        return self._bin[raw]

    def item(self, raw: str) -> ScannedItem:
        if raw not in self._item:
            try:
                scan = interpret_scan(raw, self.seps)
            except MalformedScan as exc:
                raise InvalidBarcode(exc.message, exc.details) from exc
            key = scan.gtin or (scan.code.upper() if scan.code else None)
            hit = None if key is None or scan.sscc else self.codes.get(key)
            if hit is None:
                self._item[raw] = resolve_item(raw)
            else:
                units = hit[1] * (scan.count or 1)
                self._item[raw] = ScannedItem(hit[0], units, scan.lot, scan.expiry)
        return self._item[raw]

    def tote(self, raw: str) -> int:
        if raw not in self._tote:
            self._tote[raw] = resolve_tote(raw)
        return self._tote[raw]


def confirm_picks(
    task_id: int,
    scans: Sequence[PickScan],
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> BatchResult:
    """Confirm every scan of a task in one transaction and one posting (all or none)."""
    if not 1 <= len(scans) <= MAX_BATCH:
        raise ValidationFailed(f"a batch holds 1 to {MAX_BATCH} picks", {"picks": len(scans)})
    wrong = [i for i, s in enumerate(scans) if s.task_id != task_id]
    if wrong:
        raise ValidationFailed("every pick of a batch is of its task", {"picks": wrong[:20]})
    with _no_cycle_collection():
        resolver = _Resolver(task_id)
        resolved = tuple(
            Resolved(resolver.bin(s.bin), resolver.item(s.item), resolver.tote(s.tote))
            for s in scans
        )
        req = BatchRequest(task_id, tuple(scans), resolved, actor_id, device_id)
        return BATCH.run(req, caller=caller_of(actor_id), key=idempotency_key)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A batch holds tens of thousands of rows and tuples alive at once: the cyclic garbage
    collector would walk the whole heap again and again while they pile up (a quarter of a
    10,000-line batch's time, measured). Reference counting still frees everything; the
    collector is switched back on (if it was on) at the end, and catches up then."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _fingerprint(req: BatchRequest) -> str:
    return fingerprint_of(
        {
            "task_id": req.task_id,
            "picks": [[s.line_id, s.bin, s.item, s.quantity, s.tote] for s in req.scans],
        }
    )


def _checked(
    req: BatchRequest, task: Any, rows: dict[int, Any]
) -> tuple[list[tuple[Any, int, int]], dict[int, tuple[LineFacts, int]]]:
    """(line row, quantity, tote) per scan, checked in order against the lines as earlier
    scans of the batch left them; and each touched line's facts as read with the units the
    batch picks of it."""
    facts: dict[int, tuple[LineFacts, int]] = {}
    out = []
    for i, (scan, res) in enumerate(zip(req.scans, req.resolved, strict=True)):
        row = rows.get(scan.line_id)
        if row is None:
            raise ValidationFailed(
                "no such line on this task", {"pick": i, "line_id": scan.line_id}
            )
        seen = facts.get(row.id)
        if seen is None:
            base, added = line_facts(task, row), 0
            now = base
        else:  # a line scanned again: checked against what the earlier scans left
            base, added = seen
            now = replace(base, picked=base.picked + added)
        try:
            q = rules.check_pick(
                now,
                actor_id=req.actor_id,
                bin_id=res.bin[0],
                bin_code=res.bin[1],
                item=res.item,
                requested=scan.quantity,
            )
        except ScanRefused as exc:
            exc.details["pick"] = i
            raise refusal(exc) from exc
        facts[row.id] = (base, added + q)
        out.append((row, q, res.tote_id))
    return out, facts


def _bind_totes(conn: Any, task: Any, picks: list[tuple[Any, int, int]]) -> None:
    totes: dict[int, int] = {}
    for i, (row, _q, tote) in enumerate(picks):
        first = totes.setdefault(int(row.order_id), tote)
        if first != tote:
            raise refusal(
                ScanRefused(
                    rules.WRONG_TOTE,
                    "wrong tote: this order is picked into one tote",
                    {"pick": i, "expected_tote_id": first, "tote_id": tote},
                )
            )
    for order_id, tote in sorted(totes.items()):
        bind_tote(conn, int(task.wave_id), order_id, tote)


def _confirm(req: BatchRequest) -> dict[str, Any]:
    conn = db.session.connection()
    task = locked_task(conn, req.task_id)
    rows = {int(r.id): r for r in conn.execute(sql.LINES_OF_TASK, {"task": req.task_id})}
    picks, facts = _checked(req, task, rows)
    _bind_totes(conn, task, picks)
    wh = int(task.warehouse_id)
    dest = first_location(conn, wh, "pack_station")
    result = post(
        PostingRequest(
            movement_type=MOVEMENT_TYPE,
            lines=tuple(
                MovementLine(
                    item_id=int(row.item_id),
                    quantity=q,
                    from_location_id=int(row.location_id),
                    to_location_id=dest,
                    lot_id=row.lot_id,
                    to_container_id=tote,
                )
                for row, q, tote in picks
            ),
            actor_id=req.actor_id,
            device_id=req.device_id,
            source_type=SOURCE_TYPE,
            source_id=str(req.task_id),
        )
    )
    now = utcnow()
    consume_many(
        conn,
        [
            Consumption(int(row.order_id), int(row.order_line_id), q, wh, row.reserved_lot_id)
            for row, q, _tote in picks
        ],
        Actor.user(req.actor_id),
        now,
    )
    for tote in sorted({tote for _row, _q, tote in picks}):
        follow_stock(tote, dest)
    rows_out = [
        (
            f.line_id,
            f.picked + added,
            f.short,
            rules.line_status(f.quantity, f.picked + added, f.short),
        )
        for f, added in facts.values()
    ]
    if _write_lines(conn, rows_out, req.actor_id, now) != len(rows_out):
        raise ValidationFailed("a pick line changed meanwhile", {"task_id": req.task_id})
    refresh_task_status(conn, req.task_id, now)
    announce_floor_change(wh, "to_pick")
    announce_floor_change(wh, "to_pack")
    return {
        "task_id": req.task_id,
        "posting_id": result.posting_id,
        "lines": len(picks),
        "units": sum(q for _row, q, _tote in picks),
    }


def _write_lines(
    conn: Any, rows: list[tuple[int, int, int, str]], actor_id: int | None, now: Any
) -> int:
    """(line id, picked, short, status) of every touched line, each only while open, in one
    statement on PostgreSQL (arrays) and one driver executemany on SQLite; returns rows."""
    at = naive(now)
    if is_pg(conn):
        cols = columns(rows, 4)
        return run_pg(conn, sql.PG_UPDATE_LINES, (actor_id, at, *cols))
    return many(conn, sql.SQLITE_UPDATE_LINE, [(p, s, st, actor_id, at, i) for i, p, s, st in rows])


def _present(_req: BatchRequest, answer: dict[str, Any], replayed: bool) -> BatchResult:
    task_id = int(answer["task_id"])
    row = db.session.execute(sql.TASK_BRIEF, {"task": task_id}).one()
    next_line = db.session.scalar(sql.NEXT_OPEN_LINE, {"task": task_id})
    return BatchResult(
        task=TaskBrief(task_id, str(row.status), int(row.lines_open or 0)),
        posting_id=int(answer["posting_id"]),
        lines=int(answer["lines"]),
        units=int(answer["units"]),
        next_line_id=None if next_line is None else int(next_line),
        replayed=replayed,
    )


BATCH: Command[BatchRequest, BatchResult] = Command(
    name="picking.confirm_batch", execute=_confirm, present=_present, fingerprint=_fingerprint
)
