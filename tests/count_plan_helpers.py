"""Helpers for count-plan tests: stock moved through the one writer (receipts with a unit
cost, shipments to CUSTOMER, picks out of bins), and the count tasks that resulted."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from scanfloor.counting.models import CountTask
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import PostingResult, post
from tests.factories import virtual


def move(
    movement_type: str,
    item_id: int,
    qty: int,
    from_id: int,
    to_id: int,
    *,
    cost: str | None = None,
    at: datetime | None = None,
    key: str | None = None,
    actor_id: int | None = None,
) -> PostingResult:
    return post(
        PostingRequest(
            movement_type=movement_type,
            lines=(
                MovementLine(
                    item_id=item_id,
                    quantity=qty,
                    from_location_id=from_id,
                    to_location_id=to_id,
                    unit_cost=None if cost is None else Decimal(cost),
                ),
            ),
            occurred_at=at,
            idempotency_key=key,
            actor_id=actor_id,
        )
    )


def receive_costed(item_id: int, bin_id: int, qty: int, cost: str | None, **kw: Any) -> None:
    move("receipt", item_id, qty, virtual("VENDOR").id, bin_id, cost=cost, **kw)


def ship(item_id: int, from_id: int, qty: int, **kw: Any) -> None:
    move("ship", item_id, qty, from_id, virtual("CUSTOMER").id, **kw)


def tasks(**where: Any) -> list[CountTask]:
    """Count tasks matching the columns given, oldest first."""
    db.session.commit()
    q = select(CountTask).order_by(CountTask.id)
    for k, v in where.items():
        q = q.where(getattr(CountTask, k) == v)
    return list(db.session.scalars(q))


def grant(users: dict[str, Any], *warehouses: Any) -> None:
    """Workers and supervisors see only the warehouses they are given."""
    from scanfloor.access.service import set_user_warehouses

    for role in ("worker", "supervisor"):
        set_user_warehouses(users[role].id, [wh.id for wh in warehouses])
