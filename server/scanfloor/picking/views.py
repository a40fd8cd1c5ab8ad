"""What picking's services answer: plain dataclasses, dumped as JSON by api/picking_schemas.

TaskView is what a scanner caches to pick offline (ARCHITECTURE rule 10): every barcode of
each item and pack, each bin's barcode, the lot expected, and the totes by slot, so a scan
can be checked before it reaches the server (which checks it again)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Ref:
    id: int
    code: str


@dataclass(frozen=True)
class UserRef:
    id: int
    username: str


@dataclass(frozen=True)
class OrderRef:
    id: int
    external_id: str


@dataclass(frozen=True)
class PackInfo:
    level: str
    quantity: int
    barcodes: list[str]


@dataclass(frozen=True)
class ItemInfo:
    id: int
    sku: str
    name: str
    barcodes: list[str]  # every barcode of the item, whatever the pack
    packs: list[PackInfo]


@dataclass(frozen=True)
class LotInfo:
    id: int
    code: str
    expiry: date | None


@dataclass(frozen=True)
class BinInfo:
    id: int
    code: str
    barcode: str | None


@dataclass(frozen=True)
class TaskLine:
    id: int
    seq: int
    order: OrderRef
    order_line_id: int
    item: ItemInfo
    lot: LotInfo | None
    bin: BinInfo
    quantity: int
    picked: int
    short: int
    status: str
    slot: int


@dataclass(frozen=True)
class ToteSlot:
    slot: int
    order: OrderRef
    tote: Ref | None


@dataclass(frozen=True)
class TaskView:
    id: int
    wave_id: int
    warehouse: Ref
    status: str
    assigned_to: UserRef | None
    mode: str
    priority: int
    zone: Ref | None
    lines: list[TaskLine]
    totes: list[ToteSlot]
    path: list[str]  # bin codes in walk order
    path_length: int
    claimed_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class TaskSummary:
    id: int
    wave_id: int
    warehouse: Ref
    status: str
    assigned_to: UserRef | None
    mode: str
    priority: int
    zone: Ref | None
    orders: int
    lines: int
    lines_open: int
    units: int
    path_length: int
    claimed_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class SkippedOrder:
    """An order the wave left out: its reserved stock is no longer in the bins."""

    order: OrderRef
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WaveOrderView:
    order: OrderRef
    slot: int
    task_id: int | None
    tote: Ref | None
    open: bool


@dataclass(frozen=True)
class WaveView:
    id: int
    warehouse: Ref
    status: str
    mode: str
    rules: dict[str, Any]
    order_count: int
    line_count: int
    unit_count: int
    path_length: int
    released_by: UserRef | None
    released_via: str
    released_at: datetime
    completed_at: datetime | None
    orders: list[WaveOrderView]
    tasks: list[TaskSummary]
    skipped: list[SkippedOrder] = field(default_factory=list)


@dataclass(frozen=True)
class WavePreview:
    warehouse: Ref
    mode: str
    orders: int
    lines: int
    units: int
    tasks: int
    pickers: int
    path_length: int
    order_ids: list[int]
    skipped: list[SkippedOrder] = field(default_factory=list)
