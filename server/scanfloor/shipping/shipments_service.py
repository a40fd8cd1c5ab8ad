"""Shipments: open one per carrier service and dock door, scan closed cartons onto it (each
gets its tracking number from the carrier's adapter), take a carton off (its number is void).

Scanning a carton on is the `shipping.add_carton` command (docs/decisions/0008): a replayed
scan answers the shipment again and issues no second number. Lock order, the same in every
shipping transaction: the shipment row, then carton rows, then the carrier row (the
adapter's number), so two scans onto one shipment, or one carton onto two, take turns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from ..access.service import WarehouseRef, find_warehouse
from ..allocation.models import Order, OrderEvent
from ..catalog.models import Location
from ..catalog.resolve import resolve_barcode
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..database import write_transaction
from ..errors import Conflict, NotFound, UnknownBarcode, ValidationFailed
from ..extensions import db
from ..floor_events import announce_floor_change
from ..packing.models import Carton
from ..timeutil import utcnow
from . import queries
from .carriers import CarrierConfig, LabelRequest, Parcel, adapter_for
from .errors import (
    CartonNotClosed,
    CartonNotOnShipment,
    CartonOnAnotherShipment,
    CartonShipped,
    CartonWrongWarehouse,
    NotACarton,
    NotADockDoor,
    OrderCancelled,
    ShipmentNotOpen,
    TrackingNumberTaken,
    UnknownService,
)
from .models import Shipment
from .queries import CartonRow, ShipmentView, shipment_view
from .rules import (
    DOCK_DOOR_TYPES,
    CartonState,
    ShippingRuleError,
    carton_refusal,
    check_service,
)

QUEUE = "to_ship"
MAX_LIST = 200
_K = Carton.__table__
_EV = OrderEvent.__table__
# The WHERE repeats what was checked under the row lock: a backstop, never the check itself.
_ON = (
    update(_K)
    .where(_K.c.id == bindparam("b_id"), _K.c.shipment_id.is_(None), _K.c.status == "closed")
    .values(shipment_id=bindparam("b_shipment"), tracking_number=bindparam("b_tracking"))
)
_OFF = (
    update(_K)
    .where(_K.c.id == bindparam("b_id"), _K.c.shipment_id == bindparam("b_shipment"))
    .values(shipment_id=None, tracking_number=None)
)
_REFUSALS: dict[str, tuple[type[Conflict], str]] = {
    "wrong_warehouse": (CartonWrongWarehouse, "this carton is packed in another warehouse"),
    "carton_shipped": (CartonShipped, "this carton has shipped already"),
    "carton_on_another_shipment": (
        CartonOnAnotherShipment,
        "this carton is on another shipment: take it off that one first",
    ),
    "carton_not_closed": (CartonNotClosed, "this carton is still open: close and weigh it first"),
    "order_cancelled": (OrderCancelled, "this carton's order is cancelled: it does not ship"),
}


def _warehouse(ref: WarehouseRef) -> tuple[int, str]:
    found = find_warehouse(ref)
    if found is None:
        raise NotFound("warehouse not found", {"warehouse": ref})
    return found.id, found.code


def _dock_door(raw: str, warehouse_id: int) -> int:
    found = resolve_barcode(raw)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": raw})
    loc = found.location
    if found.kind != "location" or loc is None:
        raise NotADockDoor(
            f"this barcode is a {found.kind}: scan the dock door's label",
            {"barcode": raw, "kind": found.kind},
        )
    row = db.session.get(Location, int(loc["id"]))
    details = {"barcode": raw, "location_id": int(loc["id"]), "type": loc["type"]}
    if row is None or row.type not in DOCK_DOOR_TYPES or not row.active:
        raise NotADockDoor("a shipment leaves from an active dock or shipping location", details)
    if row.warehouse_id != warehouse_id:
        raise NotADockDoor("this dock door is in another warehouse", details)
    return int(row.id)


def open_shipment(
    warehouse: WarehouseRef,
    carrier_code: str,
    service: str,
    dock_door: str | None = None,
    *,
    actor_id: int | None,
) -> ShipmentView:
    """A new open shipment (manifest) for a carrier's service, at a dock door."""
    warehouse_id, _code = _warehouse(warehouse)
    carrier = queries.carrier_by_code(carrier_code)
    if not carrier.active:
        raise ValidationFailed("this carrier is inactive", {"carrier": carrier.code})
    try:
        check_service(tuple(carrier.services or ()), service)
    except ShippingRuleError as exc:
        raise UnknownService(str(exc), exc.details) from exc
    door_id = None if dock_door is None else _dock_door(dock_door, warehouse_id)
    with write_transaction():
        row = Shipment(
            warehouse_id=warehouse_id,
            carrier_id=carrier.id,
            service=service,
            dock_door_id=door_id,
            status="open",
            created_by=actor_id,
        )
        db.session.add(row)
        db.session.flush()
        shipment_id = int(row.id)
        announce_floor_change(warehouse_id, QUEUE)
    return shipment_view(shipment_id)


def get_shipment(shipment_id: int) -> ShipmentView:
    return shipment_view(shipment_id)


def list_shipments(
    warehouse: WarehouseRef | None = None, status: str | None = None, limit: int = 50
) -> list[ShipmentView]:
    """Shipments, newest first, of a warehouse and/or in a status."""
    warehouse_id = None if warehouse is None else _warehouse(warehouse)[0]
    ids = queries.list_shipment_ids(warehouse_id, status, min(limit, MAX_LIST))
    return [shipment_view(i) for i in ids]


# --- scanning a carton on ---------------------------------------------------------------------


@dataclass(frozen=True)
class AddCarton:
    shipment_id: int
    container_id: int
    actor_id: int | None


def _scanned_carton(raw: str) -> int:
    """The container id a carton scan names (its SSCC, plain or as GS1 "(00)...")."""
    found = resolve_barcode(raw)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": raw})
    container = found.container
    if found.kind != "container" or container is None or container["kind"] != "carton":
        kind = found.kind if container is None else f"{container['kind']} container"
        raise NotACarton(
            f"this barcode is a {kind}, not a carton: scan the carton's SSCC label",
            {"barcode": raw, "kind": kind},
        )
    return int(container["id"])


def add_carton(
    shipment_id: int, scanned_code: str, *, actor_id: int | None, idempotency_key: str | None = None
) -> ShipmentView:
    """Put the scanned carton on the shipment; the carrier's adapter gives it a label."""
    # Resolved before the write transaction starts: it holds the write lock.
    req = AddCarton(shipment_id, _scanned_carton(scanned_code), actor_id)
    return ADD_CARTON.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _open_shipment_locked(shipment_id: int) -> Any:
    s = queries.shipment_row(shipment_id, lock=True)
    if s.status != "open":
        raise ShipmentNotOpen(
            f"shipment {shipment_id} is {s.status}: it takes no more changes",
            {"shipment_id": shipment_id, "status": s.status},
        )
    return s


def _add(req: AddCarton) -> dict[str, Any]:
    s = _open_shipment_locked(req.shipment_id)
    carton = queries.carton_of_container(req.container_id, lock=True)
    if carton is None:
        raise NotACarton(
            "this container is not a packed carton", {"container_id": req.container_id}
        )
    refusal = carton_refusal(carton_state(carton), int(s.id), int(s.warehouse_id))
    answer = {"shipment_id": int(s.id), "carton_id": carton.id}
    if refusal == "already_here":
        return {**answer, "tracking_number": carton.tracking_number, "added": False}
    if refusal is not None:
        error, message = _REFUSALS[refusal]
        raise error(
            message,
            {
                "carton_id": carton.id,
                "sscc": carton.sscc,
                "status": carton.status,
                "shipment_id": carton.shipment_id,
                "warehouse_id": carton.warehouse_id,
            },
        )
    config = queries.carrier_config(s.carrier_id)
    label = adapter_for(config).create_label(
        LabelRequest(
            shipment_id=int(s.id),
            service=s.service,
            parcel=Parcel(carton.id, carton.sscc, carton.weight_g),
            order_external_id=carton.external_id,
            ship_to=carton.ship_to or {},
        )
    )
    params = {"b_id": carton.id, "b_shipment": s.id, "b_tracking": label.tracking_number}
    try:
        placed = db.session.connection().execute(_ON, params).rowcount
    except IntegrityError as exc:
        # cartons.tracking_number is unique: another carrier issued this number (ranges set
        # up before overlaps were refused, or another adapter's). The scan rolls back whole.
        raise TrackingNumberTaken(
            f"carrier {config.code}'s next tracking number {label.tracking_number} is already "
            "on another carton: give the carrier a range of its own",
            {"carrier": config.code, "tracking_number": label.tracking_number},
        ) from exc
    if placed != 1:
        raise Conflict("the carton changed meanwhile: scan it again", {"carton_id": carton.id})
    announce_floor_change(int(s.warehouse_id), QUEUE)
    return {**answer, "tracking_number": label.tracking_number, "added": True}


def carton_state(c: CartonRow) -> CartonState:
    return CartonState(c.id, c.warehouse_id, c.status, c.shipment_id, c.order_status)


def _fingerprint(req: AddCarton) -> str:
    return fingerprint_of({"shipment_id": req.shipment_id, "container_id": req.container_id})


def _present(req: AddCarton, answer: dict[str, Any], replayed: bool) -> ShipmentView:
    # Today's shipment, for a replay too: the scanner shows what is on it now.
    return shipment_view(int(answer["shipment_id"]), replayed=replayed)


ADD_CARTON: Command[AddCarton, ShipmentView] = Command(
    name="shipping.add_carton", execute=_add, present=_present, fingerprint=_fingerprint
)


# --- taking a carton off ------------------------------------------------------------------------


def remove_carton(shipment_id: int, carton_id: int, *, actor_id: int | None) -> ShipmentView:
    """Take a carton off an open shipment; its tracking number is void for good (never
    reused), and the void is kept in the order's history."""
    with write_transaction():
        s = _open_shipment_locked(shipment_id)
        carton = queries.carton_locked(carton_id)
        if carton is None or carton.shipment_id != int(s.id):
            raise CartonNotOnShipment(
                "this carton is not on this shipment",
                {"shipment_id": shipment_id, "carton_id": carton_id},
            )
        config = queries.carrier_config(s.carrier_id)
        if carton.tracking_number is not None:
            adapter_for(config).void(carton.tracking_number)
        conn = db.session.connection()
        conn.execute(_OFF, {"b_id": carton.id, "b_shipment": s.id})
        _record_void(carton, config, int(s.id), actor_id)
        announce_floor_change(int(s.warehouse_id), QUEUE)
    return shipment_view(shipment_id)


def _record_void(
    carton: CartonRow, config: CarrierConfig, shipment_id: int, actor_id: int | None
) -> None:
    """A line in the order's history: the number printed on the carton's old label is dead
    (the carton row forgets it; the number is never issued again)."""
    status = db.session.scalar(select(Order.status).where(Order.id == carton.order_id))
    number = carton.tracking_number or "none"
    db.session.connection().execute(
        _EV.insert().values(
            order_id=carton.order_id,
            order_line_id=None,
            at=utcnow(),
            actor_id=actor_id,
            actor="system:shipping" if actor_id is None else f"user:{actor_id}",
            from_status=status,
            to_status=status,
            note=(
                f"carton {carton.sscc} off shipment {shipment_id}: "
                f"{config.code} tracking number {number} void"
            )[:200],
        )
    )
