"""Pure ledger rules: what a posting is, its fingerprint, and its net effect on balances."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

MAX_QUANTITY = 10**12


class BalanceKey(NamedTuple):
    """Where a quantity sits. Tuples sort, which fixes the order rows are locked in."""

    item_id: int
    location_id: int
    lot_id: int
    container_id: int  # 0 = none; the database stores NULL


class LineError(ValueError):
    """A movement line that can never be posted, whatever the stock."""


@dataclass(frozen=True)
class MovementLine:
    item_id: int
    quantity: int
    from_location_id: int
    to_location_id: int
    lot_id: int | None = None
    from_container_id: int | None = None
    to_container_id: int | None = None
    unit_cost: Decimal | None = None
    reason_code: str | None = None
    reverses_movement_id: int | None = None


@dataclass(frozen=True)
class PostingRequest:
    movement_type: str
    lines: tuple[MovementLine, ...]
    actor_id: int | None = None
    device_id: str | None = None
    source_type: str | None = None
    source_id: str | None = None
    idempotency_key: str | None = None
    occurred_at: datetime | None = None
    meta: Mapping[str, str] = field(default_factory=dict)


def check_line(line: MovementLine) -> None:
    """Refuse lines that are wrong in themselves: no stock lookup needed."""
    if isinstance(line.quantity, bool) or not isinstance(line.quantity, int):
        raise LineError("quantity must be an integer number of base units")
    if line.quantity <= 0:
        raise LineError("quantity must be positive")
    if line.quantity > MAX_QUANTITY:
        raise LineError(f"quantity must be at most {MAX_QUANTITY}")
    if (line.from_location_id, line.from_container_id) == (
        line.to_location_id,
        line.to_container_id,
    ):
        raise LineError("a movement must go from one place to another")
    if line.unit_cost is not None and line.unit_cost < 0:
        raise LineError("unit cost cannot be negative")


def net_deltas(lines: Iterable[MovementLine]) -> list[tuple[BalanceKey, int]]:
    """Sum each line's effect per balance key, sorted by key, zero effects dropped."""
    totals: dict[BalanceKey, int] = defaultdict(int)
    for ln in lines:
        lot = ln.lot_id or 0
        src = BalanceKey(ln.item_id, ln.from_location_id, lot, ln.from_container_id or 0)
        dst = BalanceKey(ln.item_id, ln.to_location_id, lot, ln.to_container_id or 0)
        totals[src] -= ln.quantity
        totals[dst] += ln.quantity
    return sorted((k, v) for k, v in totals.items() if v)


def fingerprint(req: PostingRequest) -> str:
    """A stable hash of what a posting asks for, to tell a replay from a reused key."""
    body = {
        "type": req.movement_type,
        "source": [req.source_type, req.source_id],
        "lines": [
            [
                ln.item_id,
                ln.quantity,
                ln.from_location_id,
                ln.to_location_id,
                ln.lot_id,
                ln.from_container_id,
                ln.to_container_id,
                None if ln.unit_cost is None else str(ln.unit_cost),
                ln.reason_code,
                ln.reverses_movement_id,
            ]
            for ln in req.lines
        ],
    }
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def reversal_of(
    item_id: int,
    quantity: int,
    from_location_id: int,
    to_location_id: int,
    lot_id: int | None,
    from_container_id: int | None,
    to_container_id: int | None,
    movement_id: int,
) -> MovementLine:
    """The line that undoes a movement: same item and quantity, the other way round."""
    return MovementLine(
        item_id=item_id,
        quantity=quantity,
        from_location_id=to_location_id,
        to_location_id=from_location_id,
        lot_id=lot_id,
        from_container_id=to_container_id,
        to_container_id=from_container_id,
        reason_code="reversal",
        reverses_movement_id=movement_id,
    )
