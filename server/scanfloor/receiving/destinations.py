"""Where received units go, and their lot: the lookups of a receiving confirmation.

Good units land on a dock or staging location, or in an LPN standing on one; damaged units go
to the quarantine location of the same warehouse. Runs inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, or_, select
from sqlalchemy.engine import Connection

from ..catalog import lots_service
from ..catalog.codes import CodeError
from ..catalog.models import Barcode, Container, Location, Lot
from ..catalog.rules import CatalogRuleError, canonical_container_code, normalise_lot_code
from ..errors import (
    DuplicateCode,
    InvalidBarcode,
    NotFound,
    ReceiveLocationRefused,
    ReceiveWrongWarehouse,
    ValidationFailed,
)
from ..extensions import db
from .rules import ReceivingRuleError, ScanWarning, check_destination, check_warehouse

_PLACE_COLUMNS = (
    Location.id,
    Location.code,
    Location.type,
    Location.is_virtual,
    Location.active,
    Location.warehouse_id,
)
_LOCATION_BY_ID = select(*_PLACE_COLUMNS).where(Location.id == bindparam("id"))
_LOCATION_BY_CODE = (
    select(*_PLACE_COLUMNS)
    .where(
        or_(
            Location.code == bindparam("code"),
            Location.id.in_(
                select(Barcode.location_id).where(
                    Barcode.code == bindparam("code"), Barcode.target == "location"
                )
            ),
        )
    )
    .order_by(Location.id)
    .limit(1)
)
_CONTAINER_COLUMNS = (Container.id, Container.code, Container.location_id, Container.active)
_CONTAINER_BY_ID = select(*_CONTAINER_COLUMNS).where(Container.id == bindparam("id"))
_CONTAINER_BY_CODE = select(*_CONTAINER_COLUMNS).where(Container.code == bindparam("code"))
_QUARANTINE = (
    select(Location.id)
    .where(
        Location.type == "quarantine",
        Location.active.is_(True),
        Location.is_virtual.is_(False),
        Location.warehouse_id.is_not_distinct_from(bindparam("warehouse_id")),
    )
    .order_by(Location.id)
    .limit(1)
)
_LOT = select(Lot.id, Lot.expiry).where(
    Lot.item_id == bindparam("item_id"), Lot.code == bindparam("code")
)


@dataclass(frozen=True)
class Destination:
    location_id: int
    location_code: str
    container_id: int | None
    warehouse_id: int | None


def _location(conn: Connection, ref: int | str) -> Destination:
    if isinstance(ref, int):
        row = conn.execute(_LOCATION_BY_ID, {"id": ref}).first()
    else:
        row = conn.execute(_LOCATION_BY_CODE, {"code": ref.strip().upper()}).first()
    if row is None:
        raise NotFound("location not found", {"to_location": ref})
    try:
        check_destination(row.type, row.is_virtual, row.active)
    except ReceivingRuleError as exc:
        raise ReceiveLocationRefused(exc.message, {"to_location": row.code, **exc.details}) from exc
    return Destination(row.id, row.code, None, row.warehouse_id)


def _container(conn: Connection, ref: int | str) -> Destination:
    if isinstance(ref, int):
        row = conn.execute(_CONTAINER_BY_ID, {"id": ref}).first()
    else:
        try:
            _, code = canonical_container_code(ref)
        except CodeError as exc:
            raise InvalidBarcode(str(exc), {"to_container": ref}) from exc
        row = conn.execute(_CONTAINER_BY_CODE, {"code": code}).first()
    if row is None:
        raise NotFound("container not found", {"to_container": ref})
    if not row.active or row.location_id is None:
        raise ReceiveLocationRefused(
            "this LPN is not standing on a dock: put it on one first",
            {"to_container": row.code, "location_id": row.location_id, "active": row.active},
        )
    place = _location(conn, int(row.location_id))
    return Destination(place.location_id, place.location_code, row.id, place.warehouse_id)


def destination(
    conn: Connection,
    to_location: int | str | None,
    to_container: int | str | None,
    po_warehouse_id: int | None,
) -> Destination:
    """The dock (or the LPN on a dock) the good units go to, in the PO's warehouse."""
    if (to_location is None) == (to_container is None):
        raise ValidationFailed(
            "give exactly one of to_location (a dock) and to_container (an LPN on a dock)",
            {"field": "to_location"},
        )
    if to_container is not None:
        dest = _container(conn, to_container)
    else:
        assert to_location is not None
        dest = _location(conn, to_location)
    try:
        check_warehouse(po_warehouse_id, dest.warehouse_id)
    except ReceivingRuleError as exc:
        where = {"to_location": dest.location_code}
        if dest.container_id is not None:
            where["to_container"] = str(to_container)
        raise ReceiveWrongWarehouse(exc.message, {**where, **exc.details}) from exc
    return dest


def quarantine_for(conn: Connection, dest: Destination) -> int:
    """The quarantine location of the destination's warehouse, for damaged units."""
    found = conn.scalar(_QUARANTINE, {"warehouse_id": dest.warehouse_id})
    if found is None:
        raise ReceiveLocationRefused(
            "this warehouse has no quarantine location for damaged units",
            {"warehouse_id": dest.warehouse_id, "location_type": "quarantine"},
        )
    return int(found)


def lot_for(item_id: int, raw_code: str, expiry: date | None) -> tuple[int, str, list[ScanWarning]]:
    """The item's lot with this code, created on first receipt (catalog lots service)."""
    try:
        code = normalise_lot_code(raw_code)
    except CatalogRuleError as exc:
        raise ValidationFailed(str(exc), {"field": "lot_code", **exc.details}) from exc
    conn = db.session.connection()
    row = conn.execute(_LOT, {"item_id": item_id, "code": code}).first()
    if row is None:
        try:
            return lots_service.create_lot(item_id, code=code, expiry=expiry).id, code, []
        except DuplicateCode:
            # Another receipt of the same item created it a moment ago (PostgreSQL): use it.
            row = conn.execute(_LOT, {"item_id": item_id, "code": code}).one()
    warnings = []
    if expiry is not None and row.expiry is not None and row.expiry != expiry:
        warnings.append(
            ScanWarning(
                "lot_expiry_differs",
                f"lot {code} is recorded with expiry {row.expiry.isoformat()}, "
                f"not {expiry.isoformat()}; the recorded date stands",
            )
        )
    return int(row.id), code, warnings
