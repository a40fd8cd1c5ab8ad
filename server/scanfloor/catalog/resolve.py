"""Resolve a scan: say whether raw scanner text is a location, a container, an item or unknown.

A read on the scan path: it changes nothing, so it opens no write transaction, and it uses
column selects (no ORM objects). A well-formed code that matches nothing is a normal answer
(kind "unknown"), not an error; text that can never be a code raises InvalidBarcode (422).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..errors import InvalidBarcode
from ..extensions import db
from .models import Barcode, Container, Item, Location, Lot, PackLevel
from .scan_rules import MalformedScan, Scan, interpret_scan


@dataclass(frozen=True)
class Resolution:
    """What a scan is. kind: location | container | item | unknown."""

    kind: str
    raw: str
    cleaned: str
    symbology: str
    location: Mapping[str, Any] | None = None
    container: Mapping[str, Any] | None = None
    item: Mapping[str, Any] | None = None
    pack: Mapping[str, Any] | None = None
    quantity: int | None = None
    lot: Mapping[str, Any] | None = None
    expiry: date | None = None
    best_before: date | None = None
    production_date: date | None = None
    serial: str | None = None
    gs1: Mapping[str, str] | None = None


def resolve_barcode(code: str, separators: Iterable[str] | None = None) -> Resolution:
    """Interpret raw scanner text and look its codes up.

    Returns kind "unknown" (not an error) for a well-formed code that matches nothing: an
    unknown barcode is an ordinary answer at a scanner. Raises InvalidBarcode for text that
    can never be a valid code (bad check digit, broken GS1 data, control characters, ...).
    """
    if separators is None:
        separators = current_app.config["SCANFLOOR_SETTINGS"].gs1_separator_chars
    try:
        scan = interpret_scan(code, separators)
    except MalformedScan as exc:
        raise InvalidBarcode(exc.message, exc.details) from exc

    answer = Resolution(
        kind="unknown",
        raw=scan.raw,
        cleaned=scan.cleaned,
        symbology=scan.symbology,
        lot={"code": scan.lot, "id": None} if scan.lot is not None else None,
        expiry=scan.expiry,
        best_before=scan.best_before,
        production_date=scan.production_date,
        serial=scan.serial,
        gs1=scan.gs1,
    )
    if scan.sscc is not None:
        container = _container_by_sscc(scan.sscc)
        if container is not None:
            answer = replace(answer, kind="container", container=container)
    if scan.gtin is not None:
        answer = _with_barcode(answer, scan, scan.gtin)
    if scan.code is not None:
        answer = _by_plain_code(answer, scan, scan.code)
    return answer


def _with_barcode(answer: Resolution, scan: Scan, code: str) -> Resolution:
    """Fill in what the barcodes row for `code` points at; unchanged if there is none."""
    row = db.session.execute(
        select(Barcode.target, Barcode.pack_id, Barcode.location_id, Barcode.container_id).where(
            Barcode.code == code
        )
    ).first()
    if row is None:
        return answer
    if row.target == "location" and row.location_id is not None:
        location = _location(Location.id == row.location_id)
        return replace(answer, kind="location", location=location) if location else answer
    if row.target == "container" and row.container_id is not None:
        container = _container(Container.id == row.container_id)
        return replace(answer, kind="container", container=container) if container else answer
    if row.pack_id is None:
        return answer
    return _with_pack(answer, scan, row.pack_id)


def _with_pack(answer: Resolution, scan: Scan, pack_id: int) -> Resolution:
    pack = db.session.execute(
        select(
            PackLevel.id,
            PackLevel.level,
            PackLevel.quantity,
            Item.id.label("item_id"),
            Item.sku,
            Item.name,
        )
        .join(Item, Item.id == PackLevel.item_id)
        .where(PackLevel.id == pack_id)
    ).first()
    if pack is None:
        return answer
    lot = answer.lot
    if scan.lot is not None:
        # The lots service stores codes upper-cased (they compare case-insensitively).
        spellings = list(dict.fromkeys((scan.lot, scan.lot.upper())))
        lot_id = db.session.scalar(
            select(Lot.id)
            .where(Lot.item_id == pack.item_id, Lot.code.in_(spellings))
            .order_by(Lot.id)
            .limit(1)
        )
        lot = {"code": scan.lot, "id": lot_id}
    # A pallet label names its container first (SSCC); the item it carries comes along.
    kind = answer.kind if answer.kind == "container" else "item"
    return replace(
        answer,
        kind=kind,
        item={"id": pack.item_id, "sku": pack.sku, "name": pack.name},
        pack={"id": pack.id, "level": pack.level, "quantity": pack.quantity},
        quantity=pack.quantity * (scan.count or 1),
        lot=lot,
    )


def _by_plain_code(answer: Resolution, scan: Scan, code: str) -> Resolution:
    """Internal barcodes are stored upper-cased; location and container codes as entered."""
    upper = code.upper()
    spellings = list(dict.fromkeys((code, upper)))
    found = _with_barcode(answer, scan, upper)
    if found is not answer:
        return found
    location = _location(Location.code.in_(spellings))
    if location is not None:
        return replace(answer, kind="location", location=location)
    container = _container(Container.code.in_(spellings))
    if container is not None:
        return replace(answer, kind="container", container=container)
    return answer


def _container_by_sscc(sscc: str) -> dict[str, Any] | None:
    container_id = db.session.scalar(
        select(Barcode.container_id).where(Barcode.code == sscc, Barcode.target == "container")
    )
    if container_id is not None:
        return _container(Container.id == container_id)
    return _container(Container.code == sscc)


def _location(where: Any) -> dict[str, Any] | None:
    row = db.session.execute(
        select(
            Location.id,
            Location.code,
            Location.name,
            Location.type,
            Location.level,
            Location.active,
        )
        .where(where)
        .order_by(Location.id)
        .limit(1)
    ).first()
    return dict(row._mapping) if row is not None else None


def _container(where: Any) -> dict[str, Any] | None:
    row = db.session.execute(
        select(
            Container.id, Container.code, Container.kind, Container.location_id, Container.active
        )
        .where(where)
        .order_by(Container.id)
        .limit(1)
    ).first()
    return dict(row._mapping) if row is not None else None
