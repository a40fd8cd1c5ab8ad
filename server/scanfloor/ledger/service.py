"""Ledger use cases: manual transfers and adjustments, reversals, and reading the ledger."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..catalog.models import Item, Location, Lot
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from .models import Movement
from .rules import MovementLine, PostingRequest, reversal_of
from .writer import PostingResult, post, posting_answer, posting_result

ADJUSTMENT_SIDES = {"INV-ADJ", "SCRAP"}
MANUAL_TYPES = ("transfer", "adjustment", "receipt", "scrap")


@dataclass(frozen=True)
class ManualLine:
    item_id: int
    quantity: int
    from_location: int | str
    to_location: int | str
    lot_id: int | None = None
    from_container_id: int | None = None
    to_container_id: int | None = None
    reason_code: str | None = None
    unit_cost: Decimal | None = None


def _locations(refs: set[int | str]) -> dict[int | str, Location]:
    ids = {r for r in refs if isinstance(r, int)}
    codes = {r.strip().upper() for r in refs if isinstance(r, str)}
    rows = db.session.scalars(
        select(Location).where(Location.id.in_(ids) | Location.code.in_(codes))
    ).all()
    found: dict[int | str, Location] = {}
    for loc in rows:
        found[loc.id] = loc
        found[loc.code] = loc
    missing = [r for r in refs if (r.strip().upper() if isinstance(r, str) else r) not in found]
    if missing:
        raise NotFound("location not found", {"locations": [str(m) for m in missing]})
    return {r: found[r.strip().upper() if isinstance(r, str) else r] for r in refs}


def _check_items(lines: list[ManualLine]) -> None:
    item_ids = {ln.item_id for ln in lines}
    items = {i.id: i for i in db.session.scalars(select(Item).where(Item.id.in_(item_ids)))}
    lot_ids = {ln.lot_id for ln in lines if ln.lot_id}
    lots = {lt.id: lt for lt in db.session.scalars(select(Lot).where(Lot.id.in_(lot_ids)))}
    for i, ln in enumerate(lines):
        item = items.get(ln.item_id)
        if item is None:
            raise NotFound("item not found", {"line": i, "item_id": ln.item_id})
        if not item.active:
            raise ValidationFailed("item is inactive", {"line": i, "item_id": item.id})
        if item.tracking == "lot" and ln.lot_id is None:
            raise ValidationFailed(
                "this item is lot-tracked: give a lot", {"line": i, "item_id": item.id}
            )
        if ln.lot_id is not None:
            lot = lots.get(ln.lot_id)
            if lot is None or lot.item_id != item.id:
                raise ValidationFailed(
                    "lot does not belong to this item",
                    {"line": i, "lot_id": ln.lot_id, "item_id": item.id},
                )


def _check_sides(
    movement_type: str, lines: list[ManualLine], locs: dict[int | str, Location]
) -> None:
    for i, ln in enumerate(lines):
        src, dst = locs[ln.from_location], locs[ln.to_location]
        details = {"line": i, "from": src.code, "to": dst.code}
        if not (src.active and dst.active):
            raise ValidationFailed("location is inactive", details)
        if movement_type == "transfer" and (src.is_virtual or dst.is_virtual):
            raise ValidationFailed("a transfer moves stock between physical locations", details)
        if movement_type in ("adjustment", "scrap"):
            allowed = {"SCRAP"} if movement_type == "scrap" else ADJUSTMENT_SIDES
            if not ln.reason_code:
                raise ValidationFailed("an adjustment needs a reason code", details)
            if (src.code in allowed) == (dst.code in allowed) or (
                src.is_virtual and dst.is_virtual
            ):
                raise ValidationFailed(
                    f"an {movement_type} moves stock between a physical location and "
                    f"{' or '.join(sorted(allowed))}",
                    details,
                )
        if movement_type == "receipt" and (src.code != "VENDOR" or dst.is_virtual):
            raise ValidationFailed("a receipt moves stock from VENDOR into the warehouse", details)
        if ln.unit_cost is not None and movement_type != "receipt":
            raise ValidationFailed("unit cost is kept on receipts only", details)


@dataclass(frozen=True)
class ManualPosting:
    movement_type: str
    lines: tuple[ManualLine, ...]
    actor_id: int | None
    device_id: str | None
    occurred_at: datetime | None
    source_type: str | None
    source_id: str | None


def post_manual_movements(
    movement_type: str,
    lines: list[ManualLine],
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
    occurred_at: datetime | None = None,
    source_type: str | None = None,
    source_id: str | None = None,
) -> PostingResult:
    """Post a back-office transfer, adjustment, scrap or receipt, all lines or none."""
    if movement_type not in MANUAL_TYPES:
        raise ValidationFailed(
            "manual movements are transfer, adjustment, scrap or receipt",
            {"type": movement_type, "allowed": list(MANUAL_TYPES)},
        )
    if not lines:
        raise ValidationFailed("give at least one line")
    req = ManualPosting(
        movement_type, tuple(lines), actor_id, device_id, occurred_at, source_type, source_id
    )
    return MANUAL.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _post_manual(req: ManualPosting) -> dict[str, Any]:
    lines = list(req.lines)
    locs = _locations({ln.from_location for ln in lines} | {ln.to_location for ln in lines})
    _check_items(lines)
    _check_sides(req.movement_type, lines, locs)
    posted = post(
        PostingRequest(
            movement_type=req.movement_type,
            lines=tuple(
                MovementLine(
                    item_id=ln.item_id,
                    quantity=ln.quantity,
                    from_location_id=locs[ln.from_location].id,
                    to_location_id=locs[ln.to_location].id,
                    lot_id=ln.lot_id,
                    from_container_id=ln.from_container_id,
                    to_container_id=ln.to_container_id,
                    unit_cost=ln.unit_cost,
                    reason_code=ln.reason_code,
                )
                for ln in lines
            ),
            actor_id=req.actor_id,
            device_id=req.device_id,
            occurred_at=req.occurred_at,
            source_type=req.source_type or "manual",
            source_id=req.source_id,
        )
    )
    return posting_answer(posted)


MANUAL: Command[ManualPosting, PostingResult] = Command(
    name="ledger.manual",
    execute=_post_manual,
    present=posting_result,
    fingerprint=lambda r: fingerprint_of(asdict(r)),
)


@dataclass(frozen=True)
class Reversal:
    movement_id: int
    actor_id: int | None
    device_id: str | None
    reason: str | None


def reverse_movement(
    movement_id: int,
    *,
    actor_id: int | None = None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
    reason: str | None = None,
) -> PostingResult:
    """Post the movement that undoes another; each movement is reversed at most once.

    The writer refuses a second reversal (checked inside its transaction, with a unique
    constraint as the backstop for a race, which the command path retries once)."""
    req = Reversal(movement_id, actor_id, device_id, reason)
    return REVERSE.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _reverse(req: Reversal) -> dict[str, Any]:
    mv = db.session.get(Movement, req.movement_id)
    if mv is None:
        raise NotFound("movement not found", {"movement_id": req.movement_id})
    if mv.reverses_movement_id is not None:
        raise Conflict(
            "this movement is itself a reversal; post a new movement instead",
            {"movement_id": mv.id, "reverses_movement_id": mv.reverses_movement_id},
        )
    line = reversal_of(
        mv.item_id,
        mv.quantity,
        mv.from_location_id,
        mv.to_location_id,
        mv.lot_id,
        mv.from_container_id,
        mv.to_container_id,
        mv.id,
    )
    if req.reason:
        line = replace(line, reason_code=req.reason[:32])
    posted = post(
        PostingRequest(
            movement_type="reversal",
            lines=(line,),
            actor_id=req.actor_id,
            device_id=req.device_id,
            source_type="movement",
            source_id=str(mv.id),
        )
    )
    return posting_answer(posted)


REVERSE: Command[Reversal, PostingResult] = Command(
    name="ledger.reverse",
    execute=_reverse,
    present=posting_result,
    fingerprint=lambda r: fingerprint_of(asdict(r)),
)
