"""The count queues for the supervisor board: what waits for a decision (how many, since
when, how many need a manager) and what waits to be counted or recounted. Two small reads
per warehouse: the board recomputes them on every count_approvals change and posting."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import bindparam, func, select

from ..extensions import db
from .approval_rules import needs_manager
from .models import CountLine, CountTask
from .variance_rules import APPROVAL, CENT, pending_value

_CT = CountTask.__table__
_CL = CountLine.__table__
_WAITING = (
    select(_CT.c.id, _CT.c.recounted_at, _CL.c.variance_value)
    .outerjoin(_CL, (_CL.c.task_id == _CT.c.id) & (_CL.c.outcome == APPROVAL))
    .where(_CT.c.warehouse_id == bindparam("wh"), _CT.c.status == "approval")
)
_TO_COUNT = (
    select(_CT.c.status, func.count())
    .where(_CT.c.warehouse_id == bindparam("wh"), _CT.c.status.in_(("open", "recount")))
    .group_by(_CT.c.status)
)


def approval_summary(
    warehouse_id: int, manager_value: Decimal | None = None
) -> tuple[int, datetime | None, int]:
    """(tasks waiting for approval, since when the oldest waits, how many need a manager)."""
    threshold = (
        Decimal(current_app.config["SCANFLOOR_COUNT_MANAGER_VALUE"])
        if manager_value is None
        else manager_value
    )
    values: dict[int, list[Decimal | None]] = defaultdict(list)
    since: dict[int, datetime | None] = {}
    for task_id, waited_from, value in db.session.execute(_WAITING, {"wh": warehouse_id}):
        since[int(task_id)] = waited_from
        values[int(task_id)].append(None if value is None else Decimal(value).quantize(CENT))
    known = [s for s in since.values() if s is not None]
    oldest = min(known) if known else None
    managers = sum(needs_manager(pending_value(v), threshold) for v in values.values())
    return len(since), oldest, managers


def open_summary(warehouse_id: int) -> tuple[int, int]:
    """(tasks waiting for their first count, tasks waiting for their recount)."""
    found = {str(s): int(n) for s, n in db.session.execute(_TO_COUNT, {"wh": warehouse_id})}
    return int(found.get("open", 0)), int(found.get("recount", 0))
