"""What a pick confirmation answers: the line as the task view shows it, the task's brief
(status, open lines) and the next open line, read in ONE statement (batch_sql.PICKED_LINE)
whatever the size of the task; the task view (queries.task_view) would read all of it,
every line's item, packs, barcodes and totes, for one scan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from ..extensions import db
from . import batch_sql as sql
from .errors import TaskNotFound
from .views import BinInfo, ItemInfo, LotInfo, OrderRef, PackInfo, TaskLine


@dataclass(frozen=True)
class TaskBrief:
    id: int
    status: str
    lines_open: int


def picked_line(
    line_id: int, conn: Connection | None = None
) -> tuple[TaskLine, TaskBrief, int | None]:
    """One line as the task view shows it, its task's brief and the next open line: one
    statement, whatever the size of the task (the task view would read all of it)."""
    rows = (conn or db.session.connection()).execute(sql.PICKED_LINE, {"line": line_id}).all()
    if not rows:
        raise TaskNotFound("no such pick line", {"line_id": line_id})
    ln = rows[0]
    packs: dict[str, PackInfo] = {}
    for r in rows:
        if r.pack_level is None:
            continue
        pack = packs.setdefault(r.pack_level, PackInfo(r.pack_level, int(r.pack_quantity), []))
        if r.pack_code is not None:
            pack.barcodes.append(str(r.pack_code))
    item = ItemInfo(
        int(ln.item_id),
        str(ln.sku),
        str(ln.name),
        [c for p in packs.values() for c in p.barcodes],
        list(packs.values()),
    )
    line = TaskLine(
        id=int(ln.id),
        seq=int(ln.seq),
        order=OrderRef(int(ln.order_id), str(ln.external_id)),
        order_line_id=int(ln.order_line_id),
        item=item,
        lot=None if ln.lot_id is None else LotInfo(int(ln.lot_id), str(ln.lot_code), ln.expiry),
        bin=BinInfo(
            int(ln.location_id),
            str(ln.bin_code),
            None if ln.bin_barcode is None else str(ln.bin_barcode),
        ),
        quantity=int(ln.quantity),
        picked=int(ln.picked_qty),
        short=int(ln.short_qty),
        status=str(ln.status),
        slot=int(ln.slot or 1),
    )
    task = TaskBrief(int(ln.task_id), str(ln.task_status), int(ln.lines_open or 0))
    return line, task, None if ln.next_line_id is None else int(ln.next_line_id)
