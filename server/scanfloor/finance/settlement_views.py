"""Plain results the settlement services and reads return. Money is Decimal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class SettlementLineView:
    id: int
    line_no: int
    kind: str
    order_reference: str | None
    order_id: int | None
    posted_date: date | None
    amount: Decimal
    fee: Decimal
    description: str | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class SettlementView:
    id: int
    channel_id: int
    channel: str
    source: str
    reference: str
    period_start: date | None
    period_end: date | None
    deposit_date: date
    currency: str
    total: Decimal
    file_sha256: str
    imported_by: int | None
    imported_at: datetime
    entry_id: int | None
    line_count: int
    unmapped_count: int
    lines: list[SettlementLineView] = field(default_factory=list)


@dataclass(frozen=True)
class SettlementException:
    """One row of an exception queue (settlement_rules.QUEUES): its age in whole days since
    the fact (shipped, refunded, settled) and the money at stake."""

    queue: str
    channel: str
    order_id: int | None
    order_reference: str | None
    settlement_id: int | None
    line_id: int | None
    since: date
    age_days: int
    amount: Decimal
    detail: dict[str, Any] = field(default_factory=dict)
