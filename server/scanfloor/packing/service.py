"""The pack station: open a carton for an order, pack scanned items into it, close it.

Each is a declared command (packing.open_carton, packing.pack, packing.close_carton; see
docs/decisions/0008), keyed by the scan's client_scan_id: a replayed scan answers as the first
did and posts nothing. Scanned text is resolved before the write transaction (it holds the
write lock). In the transaction the carton row is held first, so two scans into one carton,
or a scan and a close, go one after the other; the pure rules (rules.py) decide, and packing
posts (tote's location, tote) -> (carton's location, carton) through the one writer. Any
refusal rolls everything back: the ledger is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from ..catalog.resolve import resolve_barcode
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import NotFound, UnknownBarcode, ValidationFailed
from ..extensions import db
from ..floor_events import announce_floor_change
from ..labels.sscc_service import allocate_sscc
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..timeutil import utcnow
from . import queries
from .errors import (
    CartonClosed,
    NotAnItem,
    NotAPackStation,
    NothingToPack,
    UnknownCartonType,
    refused,
)
from .line_status import mark_packed_lines
from .lookup import CartonView, PackLine, get_carton, load_state, pack_lines
from .models import Carton
from .rules import CartonTypeSpec, PackRefused, check_close, decide_pack, to_pack

SOURCE_TYPE = queries.SOURCE_TYPE
STATION_TYPE = "pack_station"


@dataclass(frozen=True)
class PackResult:
    carton: CartonView
    line: PackLine
    quantity: int
    to_pack_total: int
    replayed: bool


@dataclass(frozen=True)
class ScannedItem:
    item_id: int
    lot_id: int | None
    lot_named: bool
    quantity: int  # base units one scan counts (a case: its pack quantity)


def scanned_item(code: str) -> ScannedItem:
    """An item barcode as scanned (EAN/UPC, internal, GS1 with lot and count, a case's)."""
    found = resolve_barcode(code)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": code})
    if found.kind != "item" or found.item is None:
        raise NotAnItem(
            f"this barcode is a {found.kind}, not an item: scan the item",
            {"barcode": code, "kind": found.kind},
        )
    lot = found.lot
    return ScannedItem(
        item_id=int(found.item["id"]),
        lot_id=None if lot is None or lot.get("id") is None else int(lot["id"]),
        lot_named=lot is not None,
        quantity=int(found.quantity or 1),
    )


# --- open a carton ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRequest:
    order_id: int
    station_location_id: int | None
    actor_id: int | None


def station_from_scan(code: str) -> int:
    found = resolve_barcode(code)
    if found.kind != "location" or found.location is None:
        raise NotAPackStation(
            "scan the pack station's label", {"barcode": code, "kind": found.kind}
        )
    return int(found.location["id"])


def open_carton(
    order_id: int,
    *,
    station_location_id: int | None = None,
    station_code: str | None = None,
    actor_id: int | None,
    idempotency_key: str | None = None,
) -> CartonView:
    """A new carton for the order (carton n of the order), coded with a new SSCC."""
    if station_code is not None:
        station_location_id = station_from_scan(station_code)
    req = OpenRequest(order_id, station_location_id, actor_id)
    return OPEN.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _open(req: OpenRequest) -> dict[str, Any]:
    if not queries.lock_order(req.order_id):
        raise NotFound("order not found", {"order_id": req.order_id})
    state = load_state(req.order_id)
    left = sum(to_pack(state.lines, state.packed).values())
    held = queries.tote_stock([t for t, _ in state.totes], [ln.item_id for ln in state.lines])
    if left == 0 or not held:
        raise NothingToPack(
            "this order has nothing picked and waiting to be packed",
            {"order_id": req.order_id, "to_pack": left},
        )
    at = min(held, key=lambda t: (t.tote_id, t.location_id)).location_id
    station = queries.place(req.station_location_id or at)
    if station is None:
        raise NotFound("location not found", {"location_id": req.station_location_id})
    totes_at = queries.place(at)
    details = {"location_id": station.id, "code": station.code, "type": station.type}
    if station.type != STATION_TYPE or station.is_virtual or not station.active:
        raise NotAPackStation("cartons are opened at an active pack station", details)
    if station.warehouse_id != totes_at.warehouse_id:
        raise NotAPackStation("this pack station is in another warehouse than the totes", details)
    container = allocate_sscc(kind="carton", location_id=station.id)
    carton = Carton(
        container_id=container.id,
        order_id=req.order_id,
        warehouse_id=station.warehouse_id,
        location_id=station.id,
        seq=queries.carton_count(req.order_id) + 1,
        status="open",
        packed_by=req.actor_id,
    )
    db.session.add(carton)
    db.session.flush()
    announce_floor_change(station.warehouse_id, "to_pack")
    return {"carton_id": carton.id}


OPEN: Command[OpenRequest, CartonView] = Command(
    name="packing.open_carton",
    execute=_open,
    present=lambda _req, answer, _replayed: get_carton(int(answer["carton_id"])),
    fingerprint=lambda r: fingerprint_of({"order": r.order_id, "station": r.station_location_id}),
)


# --- pack an item ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PackRequest:
    carton_id: int
    item: ScannedItem
    quantity: int
    actor_id: int | None
    device_id: str | None


def pack_item(
    carton_id: int,
    item_code: str,
    quantity: int | None = None,
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> PackResult:
    """Pack scanned units (quantity in base units; default: what one scan counts) from the
    order's totes into an open carton."""
    scanned = scanned_item(item_code)
    qty = scanned.quantity if quantity is None else quantity
    if isinstance(qty, bool) or qty < 1:
        raise ValidationFailed("quantity is at least 1", {"quantity": qty})
    req = PackRequest(carton_id, scanned, qty, actor_id, device_id)
    return PACK.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _open_carton_row(carton_id: int) -> queries.CartonRow:
    carton = queries.carton(carton_id, lock=True)
    if carton is None:
        raise NotFound("carton not found", {"carton_id": carton_id})
    if carton.status != "open":
        raise CartonClosed(
            "this carton is closed: open a new one",
            {"carton_id": carton.id, "sscc": carton.sscc, "status": carton.status},
        )
    return carton


def _pack(req: PackRequest) -> dict[str, Any]:
    carton = _open_carton_row(req.carton_id)
    state = load_state(carton.order_id)
    totes = queries.tote_stock([t for t, _ in state.totes], [req.item.item_id])
    try:
        decision = decide_pack(
            state.lines,
            totes,
            state.packed,
            item_id=req.item.item_id,
            quantity=req.quantity,
            lot_id=req.item.lot_id,
            lot_named=req.item.lot_named,
        )
    except PackRefused as exc:
        raise refused(exc) from exc
    result = post(
        PostingRequest(
            movement_type="pack",
            lines=tuple(
                MovementLine(
                    item_id=req.item.item_id,
                    quantity=take.quantity,
                    from_location_id=take.location_id,
                    to_location_id=carton.location_id,
                    lot_id=take.lot_id,
                    from_container_id=take.tote_id,
                    to_container_id=carton.container_id,
                )
                for take in decision.takes
            ),
            actor_id=req.actor_id,
            device_id=req.device_id,
            source_type=SOURCE_TYPE,
            source_id=str(carton.id),
        )
    )
    announce_floor_change(carton.warehouse_id, "to_pack")
    return {
        "carton_id": carton.id,
        "order_line_id": decision.order_line_id,
        "quantity": req.quantity,
        "posting_id": result.posting_id,
    }


def _present_pack(_req: PackRequest, answer: dict[str, Any], replayed: bool) -> PackResult:
    # Today's carton and line: the packer acts on them next, after a replay too.
    carton = get_carton(int(answer["carton_id"]))
    state = load_state(carton.order.id)
    lines = pack_lines(state)
    line = next(ln for ln in lines if ln.order_line_id == int(answer["order_line_id"]))
    return PackResult(
        carton=carton,
        line=line,
        quantity=int(answer["quantity"]),
        to_pack_total=sum(ln.to_pack for ln in lines),
        replayed=replayed,
    )


PACK: Command[PackRequest, PackResult] = Command(
    name="packing.pack",
    execute=_pack,
    present=_present_pack,
    fingerprint=lambda r: fingerprint_of(
        {
            "carton": r.carton_id,
            "item": r.item.item_id,
            "lot": r.item.lot_id,
            "lot_named": r.item.lot_named,
            "quantity": r.quantity,
        }
    ),
)


# --- close a carton --------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseRequest:
    carton_id: int
    carton_type: str
    weight_g: int
    actor_id: int | None


def close_carton(
    carton_id: int,
    carton_type: str,
    weight_g: int,
    *,
    actor_id: int | None,
    idempotency_key: str | None = None,
) -> CartonView:
    """Close a packed carton with its type and gross weight (tare included); lines whose
    picked units are now all in closed cartons become packed."""
    req = CloseRequest(carton_id, carton_type.strip().upper(), weight_g, actor_id)
    return CLOSE.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _close(req: CloseRequest) -> dict[str, Any]:
    carton = _open_carton_row(req.carton_id)
    ctype = queries.carton_type(req.carton_type)
    if ctype is None:
        raise UnknownCartonType("no carton type has this code", {"carton_type": req.carton_type})
    state = load_state(carton.order_id)
    units = sum(p.quantity for p in state.packed if p.carton_id == carton.id)
    spec = CartonTypeSpec(ctype.code, ctype.tare_g, ctype.max_weight_g, bool(ctype.active))
    try:
        check_close(units, req.weight_g, spec)
    except PackRefused as exc:
        raise refused(exc) from exc
    db.session.execute(
        update(Carton)
        .where(Carton.id == carton.id)
        .values(status="closed", carton_type_id=ctype.id, weight_g=req.weight_g, closed_at=utcnow())
    )
    packed = mark_packed_lines(carton.order_id, req.actor_id, f"carton {carton.sscc} closed")
    announce_floor_change(carton.warehouse_id, "to_pack")
    announce_floor_change(carton.warehouse_id, "to_ship")
    return {"carton_id": carton.id, "packed_lines": packed}


CLOSE: Command[CloseRequest, CartonView] = Command(
    name="packing.close_carton",
    execute=_close,
    present=lambda _req, answer, _replayed: get_carton(int(answer["carton_id"])),
    fingerprint=lambda r: fingerprint_of(
        {"carton": r.carton_id, "type": r.carton_type, "weight_g": r.weight_g}
    ),
)
