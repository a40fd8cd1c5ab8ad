"""Confirming a putaway: the scanned bin is checked, and the stock posts dock -> bin.

One transaction: the task is re-read (the server decides, whatever the scanner cached), the
bin row is held so two putaways into one bin check its capacity in turn, the movement posts
through the one writer, and a container's location follows its stock. Any refusal rolls it
all back, so the ledger is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..catalog.containers_service import follow_stock
from ..catalog.models import Location
from ..catalog.resolve import resolve_barcode
from ..database import in_write_transaction, write_transaction
from ..errors import (
    BinFull,
    IdempotencyMismatch,
    NotALocation,
    OverrideReasonRequired,
    TaskStale,
    UnknownBarcode,
    ValidationFailed,
    WrongLocation,
)
from ..extensions import db
from ..ledger.models import Movement, Posting
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from . import queries
from .queries import PlaceRow
from .rules import LOOSE, LPN, PUTAWAY_BIN_TYPES, bin_meets_rules, parse_task_id
from .tasks import Ref, Task, load_of, load_task, suggestion_for

SOURCE_TYPE = "putaway"
MAX_REASON = 32


@dataclass(frozen=True)
class PutawayScan:
    """What the worker did: the task, the bin scanned (raw text), and maybe why."""

    task_id: str
    to_location: str
    quantity: int | None = None
    override_reason: str | None = None
    # The bin the scanner showed (from its cache): kept to without a reason while it still
    # follows the rules, though the live suggestion may have moved on meanwhile.
    suggested_location_id: int | None = None


@dataclass(frozen=True)
class ConfirmResult:
    posting_id: int
    movement_ids: tuple[int, ...]
    task_id: str
    to_location: Ref
    quantity: int
    overridden: bool
    reason_code: str | None
    remaining_quantity: int
    replayed: bool


def _scanned_location(raw: str) -> Ref:
    found = resolve_barcode(raw)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": raw})
    if found.kind != "location" or found.location is None:
        raise NotALocation(
            f"this barcode is a {found.kind}, not a location: scan the bin's label",
            {"barcode": raw, "kind": found.kind},
        )
    return Ref(int(found.location["id"]), str(found.location["code"]))


def _reason(raw: str | None) -> str | None:
    reason = " ".join((raw or "").split())
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            f"a reason is at most {MAX_REASON} characters", {"field": "override_reason"}
        )
    return reason or None


def _check_destination(task: Task, place: PlaceRow) -> None:
    details = {
        "location_id": place.id,
        "code": place.code,
        "type": place.type,
        "warehouse_id": place.warehouse_id,
        "task_warehouse_id": task.warehouse_id,
    }
    if place.is_virtual:
        raise WrongLocation("stock is put away into a bin, not a virtual location", details)
    if place.warehouse_id != task.warehouse_id:
        raise WrongLocation("this bin is in another warehouse", details)
    if place.type not in PUTAWAY_BIN_TYPES:
        raise WrongLocation(
            f"a {place.type.replace('_', ' ')} location does not take putaway: "
            "scan a storage or pick-face bin",
            details,
        )
    if not place.active:
        raise WrongLocation("this bin is inactive", details)


def _quantity(task: Task, requested: int | None) -> int:
    if task.kind == LPN:
        if requested is not None and requested != task.quantity:
            raise ValidationFailed(
                "a container moves whole: leave the quantity out",
                {"task_id": task.id, "quantity": requested, "container_quantity": task.quantity},
            )
        return task.quantity
    return task.quantity if requested is None else requested


def _lines(task: Task, to_id: int, quantity: int, reason: str | None) -> list[MovementLine]:
    if task.kind == LOOSE:
        ln = task.lines[0]
        return [
            MovementLine(
                item_id=ln.item_id,
                quantity=quantity,
                from_location_id=ln.location_id,
                to_location_id=to_id,
                lot_id=ln.lot_id,
                reason_code=reason,
            )
        ]
    return [
        MovementLine(
            item_id=ln.item_id,
            quantity=ln.quantity,
            from_location_id=ln.location_id,
            to_location_id=to_id,
            lot_id=ln.lot_id,
            from_container_id=ln.container_id,
            to_container_id=ln.container_id,
            reason_code=reason,
        )
        for ln in task.lines
    ]


def _remaining(task_id: str) -> int:
    kind, number = parse_task_id(task_id)
    if kind == LOOSE:
        lines = queries.inbound_lines(balance_id=number)
    else:
        lines = queries.inbound_lines(container_id=number)
    return sum(ln.quantity for ln in lines if (ln.container_id is None) == (kind == LOOSE))


def _replayed(key: str, scan: PutawayScan, target: Ref) -> ConfirmResult | None:
    """The first answer for a key already posted; None if the key is new."""
    posting = db.session.execute(
        select(Posting.id, Posting.source_type, Posting.source_id).where(
            Posting.idempotency_key == key
        )
    ).first()
    if posting is None:
        return None
    moves = db.session.execute(
        select(Movement.id, Movement.to_location_id, Movement.quantity, Movement.reason_code)
        .where(Movement.posting_id == posting.id)
        .order_by(Movement.id)
    ).all()
    quantity = sum(m.quantity for m in moves)
    same = (
        posting.source_type == SOURCE_TYPE
        and posting.source_id == scan.task_id
        and bool(moves)
        and moves[0].to_location_id == target.id
        and (scan.quantity is None or scan.quantity == quantity)
    )
    if not same:
        raise IdempotencyMismatch(
            "this key was already used for a different posting",
            {"idempotency_key": key, "posting_id": posting.id},
        )
    code = db.session.scalar(select(Location.code).where(Location.id == target.id))
    return ConfirmResult(
        posting_id=posting.id,
        movement_ids=tuple(m.id for m in moves),
        task_id=scan.task_id,
        to_location=Ref(target.id, code or target.code),
        quantity=quantity,
        overridden=moves[0].reason_code is not None,
        reason_code=moves[0].reason_code,
        remaining_quantity=_remaining(scan.task_id),
        replayed=True,
    )


def _confirm(
    scan: PutawayScan,
    target: Ref,
    actor_id: int | None,
    device_id: str | None,
    key: str | None,
) -> ConfirmResult:
    task = load_task(scan.task_id)
    place = queries.place(target.id, lock=True)
    if place is None:  # resolved a moment ago; deleted meanwhile
        raise UnknownBarcode("nothing has this barcode", {"location_id": target.id})
    _check_destination(task, place)
    quantity = _quantity(task, scan.quantity)
    reason = _reason(scan.override_reason)
    before = queries.as_candidate(place)
    suggested = suggestion_for(task)
    followed = suggested is not None and suggested.bin_id == place.id
    if not followed and scan.suggested_location_id == place.id:
        followed = bin_meets_rules(before, load_of(task))
    reason_code = None if followed else reason
    # The writer first: asking for more than is on the dock is its refusal to make.
    result = post(
        PostingRequest(
            movement_type="putaway",
            lines=tuple(_lines(task, place.id, quantity, reason_code)),
            actor_id=actor_id,
            device_id=device_id,
            source_type=SOURCE_TYPE,
            source_id=task.id,
            idempotency_key=key,
        )
    )
    if place.capacity is not None and before.on_hand_total + quantity > place.capacity:
        raise BinFull(
            f"bin {place.code} has no room for {quantity}",
            {
                "location_id": place.id,
                "code": place.code,
                "capacity": place.capacity,
                "on_hand": before.on_hand_total,
                "requested": quantity,
            },
        )
    if not followed and reason is None:
        raise OverrideReasonRequired(
            "this is not the suggested bin: give a reason to use it",
            {
                "suggested_location": (
                    None if suggested is None else {"id": suggested.bin_id, "code": suggested.code}
                ),
                "scanned_location": {"id": place.id, "code": place.code},
            },
        )
    if task.kind == LPN and task.container is not None:
        follow_stock(task.container.id, place.id)
    return ConfirmResult(
        posting_id=result.posting_id,
        movement_ids=result.movement_ids,
        task_id=task.id,
        to_location=Ref(place.id, place.code),
        quantity=quantity,
        overridden=not followed,
        reason_code=reason_code,
        remaining_quantity=_remaining(task.id),
        replayed=result.replayed,
    )


def confirm_putaway(
    scan: PutawayScan,
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> ConfirmResult:
    """Put a task's stock into the scanned bin: one posting, dock -> bin (a container whole)."""
    target = _scanned_location(scan.to_location)
    nested = in_write_transaction()
    try:
        with write_transaction():
            if idempotency_key is not None:
                done = _replayed(idempotency_key, scan, target)
                if done is not None:
                    return done
            try:
                return _confirm(scan, target, actor_id, device_id, idempotency_key)
            except TaskStale:
                # PostgreSQL: the same scan, sent twice at once, may have committed between
                # the look-up above and reading the task. Raised before anything is written,
                # so a posting found now is the other request's: answer as it did.
                done = None if idempotency_key is None else _replayed(idempotency_key, scan, target)
                if done is None:
                    raise
                return done
    except IntegrityError:
        # PostgreSQL: a request under the same key committed first. Inside @idempotent the
        # outer transaction is aborted and the decorator answers; here, answer as it did.
        if nested or idempotency_key is None:
            raise
        done = _replayed(idempotency_key, scan, target)
        if done is None:
            raise
        return done
