"""Raising and listing count tasks. Events that leave a bin in doubt (a short pick, ...)
raise one inside their own transaction; the counting workflow (a later issue) executes it.

One open task per bin and item: raising again while one is open (or in recount, or
awaiting approval), or while the whole bin's count is, returns that one (the count settles
every doubt about the bin at once), under the bin's lock on PostgreSQL so
two events in doubt about one bin raise one task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select

from ..catalog.models import Location
from ..database import write_transaction
from ..errors import ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .models import COUNT_REASONS, COUNT_STATUSES, OPEN_STATUSES, CountTask

_CT = CountTask.__table__
_LOC = Location.__table__
_LOCK_BIN = select(_LOC.c.id).where(_LOC.c.id == bindparam("loc")).with_for_update()
# A task still in doubt (open, in recount or awaiting approval) settles the bin: an item's
# doubt is settled by a task for that item or by one for the whole bin (item NULL first).
_OPEN = (
    select(_CT.c.id)
    .where(
        _CT.c.location_id == bindparam("loc"),
        or_(_CT.c.item_id == bindparam("item"), _CT.c.item_id.is_(None)),
        _CT.c.status.in_(OPEN_STATUSES),
    )
    .order_by(_CT.c.item_id.is_not(None), _CT.c.id)
    .limit(1)
)
_OPEN_NO_ITEM = (
    select(_CT.c.id)
    .where(
        _CT.c.location_id == bindparam("loc"),
        _CT.c.item_id.is_(None),
        _CT.c.status.in_(OPEN_STATUSES),
    )
    .order_by(_CT.c.id)
    .limit(1)
)


@dataclass(frozen=True)
class CountTaskView:
    id: int
    warehouse_id: int
    location_id: int
    location_code: str
    item_id: int | None
    reason: str
    status: str
    source_type: str | None
    source_id: str | None
    raised_by: int | None
    created_at: datetime


def raise_count_task(
    *,
    warehouse_id: int,
    location_id: int,
    item_id: int | None,
    reason: str,
    source_type: str | None,
    source_id: str | None,
    actor_id: int | None,
) -> int:
    """A count of this bin (and item), inside the caller's transaction; returns its id
    (the open one if there is one already)."""
    if reason not in COUNT_REASONS:
        raise ValidationFailed(
            "unknown count reason", {"reason": reason, "allowed": list(COUNT_REASONS)}
        )
    with write_transaction():
        conn = db.session.connection()
        conn.execute(_LOCK_BIN, {"loc": location_id})
        if item_id is None:
            found = conn.scalar(_OPEN_NO_ITEM, {"loc": location_id})
        else:
            found = conn.scalar(_OPEN, {"loc": location_id, "item": item_id})
        if found is not None:
            return int(found)
        new_id = conn.execute(
            _CT.insert().returning(_CT.c.id),
            {
                "warehouse_id": warehouse_id,
                "location_id": location_id,
                "item_id": item_id,
                "reason": reason,
                "status": "open",
                "source_type": source_type,
                "source_id": source_id,
                "raised_by": actor_id,
                "created_at": utcnow(),
            },
        ).scalar_one()
        return int(new_id)


def list_count_tasks(
    warehouse_id: int | None = None, status: str | None = "open"
) -> list[CountTaskView]:
    """Count tasks, oldest first (a warehouse's, of a status; None: all)."""
    if status is not None and status not in COUNT_STATUSES:
        raise ValidationFailed(
            "unknown count task status", {"status": status, "allowed": list(COUNT_STATUSES)}
        )
    q = (
        select(
            _CT.c.id,
            _CT.c.warehouse_id,
            _CT.c.location_id,
            _LOC.c.code,
            _CT.c.item_id,
            _CT.c.reason,
            _CT.c.status,
            _CT.c.source_type,
            _CT.c.source_id,
            _CT.c.raised_by,
            _CT.c.created_at,
        )
        .join(_LOC, _LOC.c.id == _CT.c.location_id)
        .order_by(_CT.c.created_at, _CT.c.id)
    )
    if warehouse_id is not None:
        q = q.where(_CT.c.warehouse_id == warehouse_id)
    if status is not None:
        q = q.where(_CT.c.status == status)
    return [CountTaskView(*r) for r in db.session.execute(q)]
