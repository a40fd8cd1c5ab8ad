"""An RMA's status after a step, and what the channel and the board hear of it.

Called inside the step's transaction, after its writes: the RMA's totals are read again,
its status follows (rules.next_status; arrived_at and completed_at are set the first time),
and the channel, when it has a webhook, gets a `return.status` message in this
transaction's outbox (on every status change and every inspection). A step that posts
nothing announces the warehouse's `to_inspect` queue to the board (a posting announces
itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Connection

from ..allocation.ats_feed import queue_webhook
from ..allocation.models import Channel, Order
from ..catalog.models import Item
from ..database import write_transaction
from ..errors import InvalidState, NotFound
from ..extensions import db
from ..floor_events import announce_floor_change
from ..timeutil import utcnow
from .models import ReturnAuthorisation, ReturnInspection, ReturnLine
from .rules import (
    ARRIVED,
    AUTHORISED,
    CANCELLED,
    COMPLETED,
    Totals,
    money,
    next_status,
    rma_number,
)

TOPIC = "return.status"
QUEUE = "to_inspect"

_R = ReturnAuthorisation.__table__
_RL = ReturnLine.__table__
_RI = ReturnInspection.__table__
_I = Item.__table__
_O = Order.__table__
_CH = Channel.__table__

_CREDIT_BY_LINE = (
    select(_RI.c.return_line_id, func.sum(_RI.c.credit_amount).label("credit"))
    .where(_RI.c.rma_id == bindparam("id"))
    .group_by(_RI.c.return_line_id)
    .subquery("credit")
)
_LINES = (
    select(_RL.c.id, _RL.c.expected_qty, _RL.c.received_qty, _RL.c.inspected_qty, _I.c.sku,
           _CREDIT_BY_LINE.c.credit)
    .join(_I, _I.c.id == _RL.c.item_id)
    .outerjoin(_CREDIT_BY_LINE, _CREDIT_BY_LINE.c.return_line_id == _RL.c.id)
    .where(_RL.c.rma_id == bindparam("id"))
    .order_by(_RL.c.line_no)
)  # fmt: skip
_HOOK = (
    select(_CH.c.webhook_url, _O.c.external_id)
    .select_from(_R)
    .join(_CH, _CH.c.id == _R.c.channel_id)
    .join(_O, _O.c.id == _R.c.order_id)
    .where(_R.c.id == bindparam("id"))
)


def settle(
    conn: Connection,
    rma_id: int,
    now: datetime,
    *,
    inspected: bool = False,
    announce: bool = False,
    created: bool = False,
) -> str:
    """Bring the RMA's status in line with its lines; tell the channel and the board.
    Returns the status."""
    rma = conn.execute(select(_R).where(_R.c.id == rma_id)).one()  # as this step left it
    lines = conn.execute(_LINES, {"id": rma.id}).all()
    totals = Totals(
        sum(int(ln.expected_qty) for ln in lines),
        sum(int(ln.received_qty) for ln in lines),
        sum(int(ln.inspected_qty) for ln in lines),
    )
    closed_at = rma.receipt_closed_at
    status = next_status(rma.status, totals, closed_at is not None)
    values: dict[str, Any] = {"updated_at": now}
    if status != rma.status:
        values["status"] = status
    if status in (ARRIVED, COMPLETED) and rma.arrived_at is None:
        values["arrived_at"] = now
    if status == COMPLETED and rma.completed_at is None:
        values["completed_at"] = now
    conn.execute(update(_R).where(_R.c.id == rma.id).values(**values))
    if created or inspected or status != rma.status:
        _tell_channel(conn, rma, status, lines, now)
    if announce:
        announce_floor_change(int(rma.warehouse_id), QUEUE)
    return status


def _tell_channel(
    conn: Connection, rma: Any, status: str, lines: Sequence[Any], now: datetime
) -> None:
    hook = conn.execute(_HOOK, {"id": rma.id}).one()
    if hook.webhook_url is None:  # a channel without a webhook reads the return instead
        return
    credits = [money(Decimal(ln.credit or 0)) for ln in lines]
    payload = {
        "rma": rma_number(int(rma.id)),
        "external_id": rma.external_id,
        "order_external_id": hook.external_id,
        "status": status,
        "credit_due": str(money(sum(credits, Decimal("0")))),
        "lines": [
            {
                "sku": ln.sku,
                "expected": int(ln.expected_qty),
                "received": int(ln.received_qty),
                "inspected": int(ln.inspected_qty),
                "credit_amount": str(credit),
            }
            for ln, credit in zip(lines, credits, strict=True)
        ],
        "at": now.isoformat(),
    }
    queue_webhook(conn, int(rma.channel_id), TOPIC, payload, now)


def cancel_return(rma_id: int) -> int:
    """Withdraw a return nothing of which has arrived (409 otherwise); returns its id."""
    with write_transaction():
        conn = db.session.connection()
        rma = conn.execute(select(_R).where(_R.c.id == rma_id).with_for_update()).first()
        if rma is None:
            raise NotFound("no such return", {"rma_id": rma_id})
        if rma.status != AUTHORISED:
            raise InvalidState(
                f"a return is cancelled only before anything arrives; this one is {rma.status}",
                {"rma_id": rma_id, "status": rma.status},
            )
        now = utcnow()
        conn.execute(update(_R).where(_R.c.id == rma_id).values(status=CANCELLED, updated_at=now))
        _tell_channel(conn, rma, CANCELLED, conn.execute(_LINES, {"id": rma_id}).all(), now)
        announce_floor_change(int(rma.warehouse_id), QUEUE)
    return rma_id
