"""Confirming a putaway: the scanned bin is checked, and the stock posts dock -> bin.

One transaction: the task is re-read (the server decides, whatever the scanner cached), the
bin row is held so two putaways into one bin check its capacity in turn, the movement posts
through the one writer, and a container's location follows its stock. Any refusal rolls it
all back, so the ledger is unchanged. Confirming is the `putaway.confirm` command
(commands/): a replayed scan answers as the first did and posts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..catalog.containers_service import follow_stock
from ..catalog.resolve import resolve_barcode
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..counting.triggers import count_refused_putaway
from ..errors import (
    BinFull,
    NotALocation,
    OverrideReasonRequired,
    UnknownBarcode,
    ValidationFailed,
    WrongLocation,
)
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


@dataclass(frozen=True)
class PutawayRequest:
    scan: PutawayScan
    target: Ref
    actor_id: int | None
    device_id: str | None


def confirm_putaway(
    scan: PutawayScan,
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> ConfirmResult:
    """Put a task's stock into the scanned bin: one posting, dock -> bin (a container whole)."""
    # Resolved before the write transaction starts: it holds the write lock.
    target = _scanned_location(scan.to_location)
    req = PutawayRequest(scan, target, actor_id, device_id)
    return CONFIRM.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _fingerprint(req: PutawayRequest) -> str:
    return fingerprint_of(
        {
            "task_id": req.scan.task_id,
            "to_location_id": req.target.id,
            "quantity": req.scan.quantity,
            "override_reason": _reason(req.scan.override_reason),
        }
    )


def _present(req: PutawayRequest, answer: dict[str, Any], replayed: bool) -> ConfirmResult:
    # The remaining quantity is today's, for a replay too: the worker acts on it next.
    return ConfirmResult(
        posting_id=int(answer["posting_id"]),
        movement_ids=tuple(int(m) for m in answer["movement_ids"]),
        task_id=answer["task_id"],
        to_location=Ref(int(answer["to_location"]["id"]), answer["to_location"]["code"]),
        quantity=int(answer["quantity"]),
        overridden=bool(answer["overridden"]),
        reason_code=answer["reason_code"],
        remaining_quantity=_remaining(answer["task_id"]),
        replayed=replayed,
    )


def _confirm(req: PutawayRequest) -> dict[str, Any]:
    scan, target = req.scan, req.target
    task = load_task(scan.task_id)
    place = queries.place(target.id, lock=True)
    if place is None:  # resolved a moment ago; deleted meanwhile
        raise UnknownBarcode("nothing has this barcode", {"location_id": target.id})
    _check_destination(task, place)
    quantity = _quantity(task, scan.quantity)
    reason = _reason(scan.override_reason)
    before = queries.as_candidate(place)
    # The bin the scanner showed, still meeting the rules, is followed whatever the live
    # suggestion says now; only otherwise is the suggestion (4 reads, the costly part of a
    # confirm) worked out, to tell a followed suggestion from an override.
    suggested = None
    followed = scan.suggested_location_id == place.id and bin_meets_rules(before, load_of(task))
    if not followed:
        suggested = suggestion_for(task)
        followed = suggested is not None and suggested.bin_id == place.id
    reason_code = None if followed else reason
    # The writer first: asking for more than is on the dock is its refusal to make.
    result = post(
        PostingRequest(
            movement_type="putaway",
            lines=tuple(_lines(task, place.id, quantity, reason_code)),
            actor_id=req.actor_id,
            device_id=req.device_id,
            source_type=SOURCE_TYPE,
            source_id=task.id,
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
    if not followed:  # the worker says the suggested bin was wrong: count it
        count_refused_putaway(
            shown_id=scan.suggested_location_id,
            live_id=None if suggested is None else suggested.bin_id,
            placed_id=place.id,
            task_id=task.id,
            actor_id=req.actor_id,
        )
    if task.kind == LPN and task.container is not None:
        follow_stock(task.container.id, place.id)
    return {
        "posting_id": result.posting_id,
        "movement_ids": list(result.movement_ids),
        "task_id": task.id,
        "to_location": {"id": place.id, "code": place.code},
        "quantity": quantity,
        "overridden": not followed,
        "reason_code": reason_code,
    }


CONFIRM: Command[PutawayRequest, ConfirmResult] = Command(
    name="putaway.confirm", execute=_confirm, present=_present, fingerprint=_fingerprint
)
