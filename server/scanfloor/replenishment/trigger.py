"""Raising replenishment tasks: from the ledger as stock leaves a face, and by a scan.

- below_min (a ledger subscriber, inside the posting's own transaction): a posting that
  takes stock out of a bin that is an active pick face of the item (a pick, a transfer, a
  count's write-off, anything with that bin as its source) and leaves the face below its
  min raises a task, unless the face has a live one (open or claimed). Cheap by design: no
  statement when every source is virtual (the ledger's facts cache knows which are),
  otherwise ONE statement reads the touched faces with their stock. The task is inserted
  with ON CONFLICT DO NOTHING on the partial unique index (one live task per face), so two
  postings racing on PostgreSQL raise it once; a replayed posting is answered from the
  first and never reaches subscribers, so it raises nothing twice.
- `raise_due_tasks(warehouse_id)` (and `scanfloor replenishment scan`): every active face
  of the warehouse below its min gets a task the same way, for faces set up (or lowered)
  after their stock was already low; running it twice raises nothing twice.
The suggested source is the rules' first choice over the warehouse's reserve stock at that
moment (replenishment/rules.py); a face with no reserve stock still gets its task (without
a source), so the shortage shows on the board and in the low-stock list.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.engine import Connection

from ..database import write_transaction
from ..extensions import db
from ..floor_events import announce_floor_change
from ..ledger.facts import facts
from ..ledger.subscribers import Posted, subscribe
from ..timeutil import utcnow
from . import queries
from .rules import needs_task, suggest_source, task_quantity

NAME = "replenishment.below_min"
QUEUE = "replenishment"


def register(app: Flask) -> None:
    subscribe(app, NAME, on_posting)


def on_posting(conn: Connection, posted: Posted) -> None:
    """Raise a task for each face this posting took below its min."""
    virtual = facts(conn).virtual
    # Unknown to the cache (first seen in this transaction): maybe a bin, so it is read.
    pairs = {
        (ln.from_location_id, ln.item_id)
        for ln in posted.lines
        if not virtual.get(ln.from_location_id, False)
    }
    if not pairs:
        return
    faces = queries.touched_faces(conn, (p[0] for p in pairs), (p[1] for p in pairs))
    for face in faces:
        if (face.location_id, face.item_id) in pairs:
            raise_for_face(conn, face, int(face.quantity), "below_min")


def raise_for_face(conn: Connection, face: Any, quantity: int, trigger: str) -> int | None:
    """A task for a face below its min that has no live one; its id, else None."""
    if not needs_task(quantity, int(face.min_qty)):
        return None
    if queries.live_task(conn, int(face.id)) is not None:
        return None
    wanted = task_quantity(quantity, int(face.max_qty))
    if wanted <= 0:
        return None
    item_id, warehouse_id = int(face.item_id), int(face.warehouse_id)
    stock = queries.reserve_stock(conn, warehouse_id, [item_id])[item_id]
    best = suggest_source(stock, queries.case_packs(conn, [item_id])[item_id])
    task_id = queries.insert_task_once(
        conn,
        {
            "pick_face_id": int(face.id),
            "warehouse_id": warehouse_id,
            "item_id": item_id,
            "to_location_id": int(face.location_id),
            "from_location_id": None if best is None else best.location_id,
            "lot_id": None if best is None else best.lot_id,
            "quantity": wanted,
            "moved": 0,
            "status": "open",
            "trigger": trigger,
            "created_at": utcnow(),
        },
    )
    if task_id is not None:
        announce_floor_change(warehouse_id, QUEUE)
    return task_id


def raise_due_tasks(warehouse_id: int) -> list[int]:
    """A task for every active face of the warehouse below its min without a live one;
    the ids raised (none twice, however often it runs)."""
    raised: list[int] = []
    with write_transaction():
        conn = db.session.connection()
        for face in queries.active_faces(conn, warehouse_id):
            task_id = raise_for_face(conn, face, int(face.quantity), "below_min")
            if task_id is not None:
                raised.append(task_id)
    return raised
