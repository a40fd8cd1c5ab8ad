"""Location use cases: the warehouse -> zone -> bin tree, each place with its barcode."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, or_, select

from ..database import write_transaction
from ..errors import (
    Conflict,
    DuplicateCode,
    InvalidBarcode,
    NotFound,
    ScanfloorError,
    ValidationFailed,
)
from ..extensions import db
from ..ledger.models import Balance
from .barcode_registry import ensure_free, explain_clash, guarded_write
from .codes import CodeError
from .models import Barcode, Location
from .results import LocationView, Page, cursor_id, next_cursor, page_limit
from .rules import (
    CatalogRuleError,
    canonical_place_barcode,
    check_location_kind,
    check_location_parent,
    default_level,
    default_sellable,
    normalise_location_code,
)

LOCATION_FIELDS = ("name", "type", "sellable", "walk_sequence", "capacity", "active", "barcode")


def _rule(exc: CatalogRuleError) -> ValidationFailed:
    return ValidationFailed(str(exc), exc.details)


def _place_barcode(raw: str, *, defaulted: bool) -> tuple[str, str]:
    try:
        return canonical_place_barcode(raw)
    except CodeError as exc:
        hint = " (the barcode defaults to the code: give `barcode` explicitly)" if defaulted else ""
        raise InvalidBarcode(f"{exc}{hint}", {"code": raw, "field": "barcode"}) from exc


def _numbers(walk_sequence: int | None, capacity: int | None) -> None:
    if walk_sequence is not None and walk_sequence < 0:
        raise ValidationFailed("walk_sequence is 0 or more", {"walk_sequence": walk_sequence})
    if capacity is not None and capacity < 1:
        raise ValidationFailed("capacity is at least 1", {"capacity": capacity})


def _clean_name(raw: str | None, fallback: str) -> str:
    name = " ".join((raw or "").split()) or fallback
    if len(name) > 200:
        raise ValidationFailed("name is at most 200 characters", {"field": "name"})
    return name


def _barcodes_of(ids: Iterable[int]) -> dict[int, str]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Barcode.location_id, Barcode.code).where(Barcode.location_id.in_(wanted))
    ).all()
    return {r.location_id: r.code for r in rows}


def _view(loc: Location, barcode: str | None) -> LocationView:
    return LocationView(
        id=loc.id,
        code=loc.code,
        name=loc.name,
        level=loc.level,
        type=loc.type,
        parent_id=loc.parent_id,
        warehouse_id=loc.warehouse_id,
        is_virtual=loc.is_virtual,
        sellable=loc.sellable,
        walk_sequence=loc.walk_sequence,
        capacity=loc.capacity,
        active=loc.active,
        barcode=barcode,
    )


def _load(location_id: int) -> Location:
    loc = db.session.get(Location, location_id)
    if loc is None:
        raise NotFound("location not found", {"location_id": location_id})
    return loc


def _explain_code(code: str) -> ScanfloorError | None:
    taken = db.session.scalar(select(Location.id).where(Location.code == code))
    if taken is None:
        return None
    return DuplicateCode(
        f"location code {code} is already used", {"code": code, "location_id": taken}
    )


def create_location(
    *,
    code: str,
    type: str,
    name: str | None = None,
    level: str | None = None,
    parent_id: int | None = None,
    sellable: bool | None = None,
    walk_sequence: int | None = None,
    capacity: int | None = None,
    barcode: str | None = None,
    active: bool = True,
) -> LocationView:
    """Create a warehouse, zone or bin under its parent, with its barcode (default: its code)."""
    try:
        clean_code = normalise_location_code(code)
        lvl = level or default_level(type)
        check_location_kind(lvl, type)
    except CatalogRuleError as exc:
        raise _rule(exc) from exc
    _numbers(walk_sequence, capacity)
    symbology, stored = _place_barcode(barcode or clean_code, defaulted=barcode is None)
    with write_transaction():
        parent = None if parent_id is None else _load(parent_id)
        try:
            check_location_parent(
                lvl, parent.level if parent else None, bool(parent and parent.is_virtual)
            )
        except CatalogRuleError as exc:
            raise _rule(exc) from exc
        if parent is not None and not parent.active:
            raise ValidationFailed("the parent location is inactive", {"parent_id": parent.id})
        duplicate = _explain_code(clean_code)
        if duplicate is not None:
            raise duplicate
        ensure_free([stored])
        loc = Location(
            code=clean_code,
            name=_clean_name(name, clean_code),
            level=lvl,
            type=type,
            parent_id=parent_id,
            warehouse_id=parent.warehouse_id if parent else None,
            is_virtual=False,
            sellable=default_sellable(type) if sellable is None else sellable,
            walk_sequence=walk_sequence,
            capacity=capacity,
            active=active,
        )
        with guarded_write(lambda: _explain_code(clean_code), lambda: explain_clash([stored])):
            db.session.add(loc)
            db.session.flush()
            if lvl == "warehouse":
                loc.warehouse_id = loc.id  # a warehouse is its own root, so filters include it
            db.session.add(
                Barcode(code=stored, symbology=symbology, target="location", location_id=loc.id)
            )
        return _view(loc, stored)


def get_location(location_id: int) -> LocationView:
    """One location with its barcode."""
    loc = _load(location_id)
    return _view(loc, _barcodes_of([loc.id]).get(loc.id))


def list_locations(
    *,
    warehouse_id: int | None = None,
    type: str | None = None,
    level: str | None = None,
    q: str | None = None,
    active: bool | None = None,
    is_virtual: bool | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[LocationView]:
    """Locations by id, filtered; q matches the code or the name."""
    size = page_limit(limit)
    stmt = select(Location).where(Location.id > cursor_id(cursor))
    filters = {
        Location.warehouse_id: warehouse_id,
        Location.type: type,
        Location.level: level,
        Location.active: active,
        Location.is_virtual: is_virtual,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if q is not None and q.strip():
        needle = q.strip()
        stmt = stmt.where(
            or_(
                Location.code.contains(needle.upper(), autoescape=True),
                func.lower(Location.name).contains(needle.lower(), autoescape=True),
            )
        )
    locs = list(db.session.scalars(stmt.order_by(Location.id).limit(size + 1)))
    shown = locs[:size]
    codes = _barcodes_of(loc.id for loc in shown)
    return Page(
        rows=[_view(loc, codes.get(loc.id)) for loc in shown],
        next_cursor=next_cursor([loc.id for loc in locs], size),
    )


def _holds_stock(location_id: int) -> bool:
    hit = db.session.scalar(
        select(Balance.id).where(Balance.location_id == location_id, Balance.quantity != 0).limit(1)
    )
    return hit is not None


def update_location(location_id: int, changes: Mapping[str, Any]) -> LocationView:
    """Change a location's name, type, flags, numbers or barcode; virtual ones are fixed."""
    unknown = sorted(set(changes) - set(LOCATION_FIELDS))
    if unknown:
        raise ValidationFailed("these fields cannot be changed here", {"fields": unknown})
    new_code: tuple[str, str] | None = None
    if changes.get("barcode") is not None:
        new_code = _place_barcode(changes["barcode"], defaulted=False)
    with write_transaction():
        loc = _load(location_id)
        if loc.is_virtual:
            raise Conflict("virtual locations are fixed", {"location_id": loc.id, "code": loc.code})
        new_type = changes.get("type") or loc.type
        try:
            check_location_kind(loc.level, new_type)
        except CatalogRuleError as exc:
            raise _rule(exc) from exc
        sellable = changes.get("sellable")
        if sellable is None:
            # A new type brings its own default: storage turned quarantine stops being sellable.
            sellable = loc.sellable if new_type == loc.type else default_sellable(new_type)
        walk = changes.get("walk_sequence", loc.walk_sequence)
        capacity = changes.get("capacity", loc.capacity)
        _numbers(walk, capacity)
        active = loc.active if changes.get("active") is None else changes["active"]
        if loc.active and not active and _holds_stock(loc.id):
            raise Conflict(
                "this location holds stock: move it out before deactivating the location",
                {"location_id": loc.id, "code": loc.code},
            )
        current = db.session.scalars(select(Barcode).where(Barcode.location_id == loc.id)).first()
        if new_code is not None and current is not None and current.code == new_code[1]:
            new_code = None
        if new_code is not None:
            ensure_free([new_code[1]])
        claimed = new_code
        with guarded_write(lambda: None if claimed is None else explain_clash([claimed[1]])):
            loc.type, loc.sellable, loc.active = new_type, sellable, active
            loc.walk_sequence, loc.capacity = walk, capacity
            if "name" in changes:
                loc.name = _clean_name(changes["name"], loc.code)
            if new_code is not None:
                if current is None:
                    current = Barcode(target="location", location_id=loc.id)
                    db.session.add(current)
                current.symbology, current.code = new_code
        return _view(loc, None if current is None else current.code)
