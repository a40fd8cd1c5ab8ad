"""Resolve a scan: say whether raw scanner text is a location, a container, an item or unknown.

A read on the scan path: it changes nothing, so it opens no write transaction, and it uses
column selects (no ORM objects). A well-formed code that matches nothing is a normal answer
(kind "unknown"), not an error; text that can never be a code raises InvalidBarcode (422).

A barcodes row and what it points at are read in one statement; `prefetch` reads the rows of
several scans at once (a pick names a bin, an item and a tote). Resolutions are NOT cached
across requests, on purpose: a code is not an immutable fact. An item's barcode can be
taken off and given to another item or a location (catalog/packs_service, barcode_registry),
a location's barcode is rewritten in place, a pack's quantity and a container's active flag
change, and all of that may happen in another server process. A per-process cache would
need a catalog version every process reads per request (one statement again) or it would,
after a relabel, resolve the new holder's code to the old one; the pick check compares ids,
so a stale entry would accept the wrong item. One indexed read per request is the price.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select

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


def resolve_barcode(
    code: str, separators: Iterable[str] | None = None, *, known: Known | None = None
) -> Resolution:
    """Interpret raw scanner text and look its codes up.

    Returns kind "unknown" (not an error) for a well-formed code that matches nothing: an
    unknown barcode is an ordinary answer at a scanner. Raises InvalidBarcode for text that
    can never be a valid code (bad check digit, broken GS1 data, control characters, ...).
    `known`: barcodes rows read beforehand by `prefetch` (the same answer, fewer reads).
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
    known = known or Known()
    if scan.sscc is not None:
        container = _container_by_sscc(scan.sscc, known)
        if container is not None:
            answer = replace(answer, kind="container", container=container)
    if scan.gtin is not None:
        answer = _with_barcode(answer, scan, scan.gtin, known)
    if scan.code is not None:
        answer = _by_plain_code(answer, scan, scan.code, known)
    return answer


@dataclass(frozen=True)
class Known:
    """Barcodes rows read ahead (as _BY_CODE reads them), by code: `codes` were looked up,
    `rows` holds those that exist. Only a read made for this one request: never kept."""

    codes: frozenset[str] = frozenset()
    rows: Mapping[str, Any] = field(default_factory=dict)

    def row(self, code: str) -> Any:
        if code in self.codes:
            return self.rows.get(code)
        return db.session.connection().execute(_BY_CODE, {"code": code}).first()


def prefetch(codes: Iterable[str], separators: Iterable[str] | None = None) -> Known:
    """Read, in ONE statement, every barcodes row that resolving these scans would look up
    (a scan confirming a pick names a bin, an item and a tote: one read, not three). Text
    that cannot be a code is left out: resolving it raises as it always does."""
    if separators is None:
        separators = current_app.config["SCANFLOOR_SETTINGS"].gs1_separator_chars
    seps = tuple(separators)
    wanted: set[str] = set()
    for raw in codes:
        try:
            scan = interpret_scan(raw, seps)
        except MalformedScan:
            continue
        wanted.update(c for c in (scan.sscc, scan.gtin) if c is not None)
        if scan.code is not None:
            wanted.add(scan.code.upper())
    if not wanted:
        return Known()
    rows = db.session.connection().execute(_BY_CODES, {"codes": sorted(wanted)})
    return Known(frozenset(wanted), {r.code: r for r in rows})


# Statements built once (PERFORMANCE.md) and run on the session's connection: a code's
# barcodes row together with what it points at is ONE statement (outer joins), where
# following the row took two.
_BC = Barcode.__table__
_PK = PackLevel.__table__
_IT = Item.__table__
_LOC = Location.__table__
_CON = Container.__table__
_LOC_COLS = (_LOC.c.id, _LOC.c.code, _LOC.c.name, _LOC.c.type, _LOC.c.level, _LOC.c.active)
_CON_COLS = (_CON.c.id, _CON.c.code, _CON.c.kind, _CON.c.location_id, _CON.c.active)
_BY_CODE_OF = (
    select(
        _BC.c.target,
        _BC.c.pack_id,
        _BC.c.location_id,
        _BC.c.container_id,
        _PK.c.id.label("pk_id"),
        _PK.c.level.label("pk_level"),
        _PK.c.quantity.label("pk_quantity"),
        _IT.c.id.label("item_id"),
        _IT.c.sku.label("item_sku"),
        _IT.c.name.label("item_name"),
        *(c.label(f"loc_{c.name}") for c in _LOC_COLS),
        *(c.label(f"con_{c.name}") for c in _CON_COLS),
    )
    .select_from(_BC)
    .outerjoin(_PK, _PK.c.id == _BC.c.pack_id)
    .outerjoin(_IT, _IT.c.id == _PK.c.item_id)
    .outerjoin(_LOC, _LOC.c.id == _BC.c.location_id)
    .outerjoin(_CON, _CON.c.id == _BC.c.container_id)
)
_BY_CODE = _BY_CODE_OF.where(_BC.c.code == bindparam("code"))
_BY_CODES = _BY_CODE_OF.add_columns(_BC.c.code).where(
    _BC.c.code.in_(bindparam("codes", expanding=True))
)
_LOT_OF_ITEM = (
    select(Lot.__table__.c.id)
    .where(
        Lot.__table__.c.item_id == bindparam("item"),
        Lot.__table__.c.code.in_(bindparam("codes", expanding=True)),
    )
    .order_by(Lot.__table__.c.id)
    .limit(1)
)
_LOCATION_BY_CODE = (
    select(*_LOC_COLS)
    .where(_LOC.c.code.in_(bindparam("codes", expanding=True)))
    .order_by(_LOC.c.id)
    .limit(1)
)
_CONTAINER_BY_CODE = (
    select(*_CON_COLS)
    .where(_CON.c.code.in_(bindparam("codes", expanding=True)))
    .order_by(_CON.c.id)
    .limit(1)
)
_CONTAINER_BY_SSCC = (
    select(*_CON_COLS)
    .select_from(_BC)
    .join(_CON, _CON.c.id == _BC.c.container_id)
    .where(_BC.c.code == bindparam("code"), _BC.c.target == "container")
    .order_by(_CON.c.id)
    .limit(1)
)


def _picked(row: Any, prefix: str, cols: tuple[Any, ...]) -> dict[str, Any]:
    return {c.name: row._mapping[f"{prefix}{c.name}"] for c in cols}


def _with_barcode(answer: Resolution, scan: Scan, code: str, known: Known) -> Resolution:
    """Fill in what the barcodes row for `code` points at; unchanged if there is none."""
    row = known.row(code)
    if row is None:
        return answer
    if row.target == "location" and row.location_id is not None:
        if row.loc_id is None:
            return answer
        return replace(answer, kind="location", location=_picked(row, "loc_", _LOC_COLS))
    if row.target == "container" and row.container_id is not None:
        if row.con_id is None:
            return answer
        return replace(answer, kind="container", container=_picked(row, "con_", _CON_COLS))
    if row.pack_id is None or row.pk_id is None:
        return answer
    return _with_pack(answer, scan, row)


def _with_pack(answer: Resolution, scan: Scan, pack: Any) -> Resolution:
    lot = answer.lot
    if scan.lot is not None:
        # The lots service stores codes upper-cased (they compare case-insensitively).
        spellings = list(dict.fromkeys((scan.lot, scan.lot.upper())))
        lot_id = db.session.connection().scalar(
            _LOT_OF_ITEM, {"item": pack.item_id, "codes": spellings}
        )
        lot = {"code": scan.lot, "id": lot_id}
    # A pallet label names its container first (SSCC); the item it carries comes along.
    kind = answer.kind if answer.kind == "container" else "item"
    return replace(
        answer,
        kind=kind,
        item={"id": pack.item_id, "sku": pack.item_sku, "name": pack.item_name},
        pack={"id": pack.pk_id, "level": pack.pk_level, "quantity": pack.pk_quantity},
        quantity=pack.pk_quantity * (scan.count or 1),
        lot=lot,
    )


def _by_plain_code(answer: Resolution, scan: Scan, code: str, known: Known) -> Resolution:
    """Internal barcodes are stored upper-cased; location and container codes as entered."""
    upper = code.upper()
    spellings = list(dict.fromkeys((code, upper)))
    found = _with_barcode(answer, scan, upper, known)
    if found is not answer:
        return found
    conn = db.session.connection()
    location = conn.execute(_LOCATION_BY_CODE, {"codes": spellings}).first()
    if location is not None:
        return replace(answer, kind="location", location=dict(location._mapping))
    container = conn.execute(_CONTAINER_BY_CODE, {"codes": spellings}).first()
    if container is not None:
        return replace(answer, kind="container", container=dict(container._mapping))
    return answer


def _container_by_sscc(sscc: str, known: Known) -> dict[str, Any] | None:
    conn = db.session.connection()
    if sscc in known.codes:
        hit = known.rows.get(sscc)
        if hit is not None and hit.target == "container" and hit.con_id is not None:
            return _picked(hit, "con_", _CON_COLS)
    else:
        row = conn.execute(_CONTAINER_BY_SSCC, {"code": sscc}).first()
        if row is not None:  # a container barcode always names a container (check + FK)
            return dict(row._mapping)
    row = conn.execute(_CONTAINER_BY_CODE, {"codes": [sscc]}).first()
    return None if row is None else dict(row._mapping)
