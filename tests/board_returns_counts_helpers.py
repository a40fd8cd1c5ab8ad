"""Rows for the board's returns and count-approval queues, written straight to the tables.

The board reads these queues through returns/queries.uninspected_summary and
counting/queue_queries.approval_summary/open_summary, which read only the tables: these
helpers pin the queue definitions whatever workflow wrote the rows (the services' own
tests drive receipt, inspection, count and recount through the API)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from scanfloor.allocation.models import Channel, Order
from scanfloor.counting.models import CountLine, CountTask
from scanfloor.extensions import db
from scanfloor.returns.models import ReturnAuthorisation, ReturnLine
from scanfloor.timeutil import utcnow


def ago(minutes: int) -> datetime:
    return utcnow() - timedelta(minutes=minutes)


def add(*rows: Any) -> None:
    db.session.add_all(rows)
    db.session.commit()


def order_of(channel_code: str, external_id: str) -> Order:
    channel = db.session.query(Channel).filter_by(code=channel_code).one_or_none()
    if channel is None:
        channel = Channel(code=channel_code, kind="web", name=channel_code)
        add(channel)
    order = Order(channel_id=channel.id, external_id=external_id, status="shipped")
    add(order)
    return order


def rma(
    warehouse: Any,
    item: Any,
    *,
    status: str,
    expected: int,
    received: int = 0,
    inspected: int = 0,
    arrived_minutes_ago: int | None = None,
    order: Order | None = None,
) -> ReturnAuthorisation:
    """An RMA with one line of `item` in `warehouse`, as far along as told."""
    order = order or order_of("RET", f"RET-{utcnow().timestamp()}-{id(item)}-{expected}")
    row = ReturnAuthorisation(
        channel_id=order.channel_id,
        order_id=order.id,
        warehouse_id=warehouse.id,
        source="back_office",
        status=status,
        created_at=ago((arrived_minutes_ago or 0) + 60),
        arrived_at=None if arrived_minutes_ago is None else ago(arrived_minutes_ago),
        completed_at=utcnow() if status == "completed" else None,
    )
    add(row)
    add(ReturnLine(rma_id=row.id, line_no=1, item_id=item.id, expected_qty=expected,
                   received_qty=received, inspected_qty=inspected))  # fmt: skip
    return row


def count_task(
    warehouse: Any,
    bin_: Any,
    *,
    status: str,
    counted_by: int | None = None,
    recounted_by: int | None = None,
    waiting_minutes: int | None = None,
) -> CountTask:
    task = CountTask(
        warehouse_id=warehouse.id,
        location_id=bin_.id,
        reason="adhoc",
        status=status,
        attempt=2 if status in ("recount", "approval") else 1,
        created_at=ago(600),
        counted_by=counted_by,
        counted_at=ago(400) if counted_by else None,
        recounted_by=recounted_by,
        recounted_at=None if waiting_minutes is None else ago(waiting_minutes),
    )
    add(task)
    return task


def waiting_line(task: CountTask, item: Any, *, system: int, counted: int, unit_value: str,
                 by: int) -> CountLine:  # fmt: skip
    """A recount line confirming a variance beyond tolerance: it waits for approval."""
    variance = counted - system
    line = CountLine(
        task_id=task.id,
        attempt=2,
        warehouse_id=task.warehouse_id,
        location_id=task.location_id,
        item_id=item.id,
        lot_key=0,
        counted_qty=counted,
        system_qty=system,
        variance=variance,
        unit_value=Decimal(unit_value),
        variance_value=(Decimal(unit_value) * variance).quantize(Decimal("0.01")),
        abc_class="A",
        within_tolerance=False,
        outcome="approval",
        counted_by=by,
        counted_at=task.recounted_at or utcnow(),
    )
    add(line)
    return line
