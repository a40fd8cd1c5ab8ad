"""Label use cases: read the catalog, lay the label out, render it. Reads only.

Each function takes plain ids and options and returns a LabelFile (file name, media type,
bytes). An unknown id is NotFound (404); a label that cannot be made from what the catalog
holds (no barcode, a code too long for the label, a lot GS1 cannot carry) is
LabelNotPrintable (422).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..catalog.models import Barcode, Container, Item, Location, Lot, PackLevel
from ..catalog.rules import container_symbology
from ..errors import LabelNotPrintable, NotFound, ValidationFailed
from ..extensions import db
from .base import LabelRuleError
from .geometry import Layout
from .layouts import item_layout, location_layout, lpn_layout, sscc_layout
from .pdf import pdf_bytes
from .png import png_bytes
from .zpl import zpl_labels

FORMATS = ("png", "zpl", "pdf")
MEDIA_TYPES = {"png": "image/png", "pdf": "application/pdf", "zpl": "text/plain; charset=utf-8"}
MAX_BATCH = 1000
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class LabelFile:
    filename: str
    media_type: str
    body: bytes


def _not_printable(exc: LabelRuleError) -> LabelNotPrintable:
    return LabelNotPrintable(exc.message, exc.details)


def file_name(stem: str, fmt: str) -> str:
    """A download name made of safe characters only (codes may hold / + : #)."""
    safe = _UNSAFE_NAME.sub("_", stem).strip("._") or "label"
    return f"{safe[:100]}.{fmt}"


def render(layouts: Sequence[Layout], fmt: str, stem: str, sheet: str = "label") -> LabelFile:
    """The labels as one PNG (one label only), one PDF or one ZPL print job."""
    if fmt not in FORMATS:
        raise ValidationFailed("format is png, zpl or pdf", {"format": fmt})
    if fmt == "png" and len(layouts) != 1:
        raise ValidationFailed("a PNG holds one label: ask for pdf or zpl", {"format": fmt})
    try:
        if fmt == "png":
            body = png_bytes(layouts[0])
        elif fmt == "pdf":
            body = pdf_bytes(layouts, sheet)
        else:
            body = zpl_labels(layouts).encode()
    except LabelRuleError as exc:
        raise _not_printable(exc) from exc
    return LabelFile(file_name(stem, fmt), MEDIA_TYPES[fmt], body)


# --- locations ------------------------------------------------------------------------------


def _location_rows(where: Any, order: Sequence[Any] = (Location.id,)) -> list[Any]:
    return list(
        db.session.execute(
            select(
                Location.id,
                Location.code,
                Location.name,
                Location.level,
                Location.is_virtual,
                Barcode.code.label("barcode"),
            )
            .outerjoin(Barcode, Barcode.location_id == Location.id)
            .where(where)
            .order_by(*order)
        ).all()
    )


def _location_layout(row: Any, dpi: int, arrow: str | None) -> Layout:
    if row.is_virtual:
        raise LabelNotPrintable(
            "virtual locations are not places on the floor: they get no label",
            {"location_id": row.id, "code": row.code},
        )
    try:
        return location_layout(
            code=row.code, barcode=row.barcode or row.code, name=row.name, dpi=dpi, arrow_to=arrow
        )
    except LabelRuleError as exc:
        raise LabelNotPrintable(exc.message, {**exc.details, "location_id": row.id}) from exc


def location_label(
    location_id: int, *, fmt: str = "png", dpi: int = 203, arrow: str | None = None
) -> LabelFile:
    """A bin (or any physical location) label: Code 128 of its barcode and its code."""
    rows = _location_rows(Location.id == location_id)
    if not rows:
        raise NotFound("location not found", {"location_id": location_id})
    return render([_location_layout(rows[0], dpi, arrow)], fmt, f"location-{rows[0].code}")


def _bins_of(zone_id: int) -> tuple[str, list[Any]]:
    zone = db.session.get(Location, zone_id)
    if zone is None:
        raise NotFound("location not found", {"location_id": zone_id})
    if zone.level == "bin" or zone.is_virtual:
        raise ValidationFailed(
            "zone_id names a zone or a warehouse; give a bin in location_ids",
            {"zone_id": zone_id, "level": zone.level},
        )
    under = Location.warehouse_id if zone.level == "warehouse" else Location.parent_id
    rows = _location_rows(
        (under == zone_id) & (Location.level == "bin") & Location.active,
        (Location.walk_sequence.is_(None), Location.walk_sequence, Location.code),
    )
    if not rows:
        raise LabelNotPrintable("there are no active bins here", {"zone_id": zone_id})
    return zone.code, rows


def _listed(location_ids: Sequence[int]) -> list[Any]:
    wanted = list(dict.fromkeys(location_ids))
    found = {row.id: row for row in _location_rows(Location.id.in_(wanted))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound("locations not found", {"location_ids": missing})
    return [found[i] for i in wanted]


def location_labels(
    *,
    location_ids: Sequence[int] | None = None,
    zone_id: int | None = None,
    fmt: str = "pdf",
    dpi: int = 203,
    arrow: str | None = None,
    sheet: str = "label",
) -> LabelFile:
    """Labels for the listed locations, or for every active bin of a zone (walk order)."""
    if (location_ids is None) == (zone_id is None):
        raise ValidationFailed("give location_ids or zone_id, one of them")
    if location_ids is not None:
        rows, stem = _listed(location_ids), f"locations-{len(set(location_ids))}"
    else:
        assert zone_id is not None
        zone_code, rows = _bins_of(zone_id)
        stem = f"bins-{zone_code}"
    if len(rows) > MAX_BATCH:
        raise ValidationFailed(
            f"at most {MAX_BATCH} labels in one batch", {"labels": len(rows), "max": MAX_BATCH}
        )
    return render([_location_layout(row, dpi, arrow) for row in rows], fmt, stem, sheet)


# --- items ----------------------------------------------------------------------------------


def _pack_codes(pack_id: int) -> tuple[str | None, str | None]:
    """(first GTIN, first internal code) of a pack, by age."""
    rows = db.session.execute(
        select(Barcode.code, Barcode.symbology)
        .where(Barcode.pack_id == pack_id)
        .order_by(Barcode.id)
    ).all()
    gtin = next((r.code for r in rows if r.symbology == "gtin"), None)
    internal = next((r.code for r in rows if r.symbology != "gtin"), None)
    return gtin, internal


def item_label(
    item_id: int,
    *,
    level: str = "each",
    lot_id: int | None = None,
    count: int | None = None,
    fmt: str = "png",
    dpi: int = 203,
) -> LabelFile:
    """An item label for one pack level: EAN-13, or GS1-128 with lot, expiry and count."""
    item = db.session.get(Item, item_id)
    if item is None:
        raise NotFound("item not found", {"item_id": item_id})
    pack = db.session.scalar(
        select(PackLevel).where(PackLevel.item_id == item.id, PackLevel.level == level)
    )
    if pack is None:
        raise LabelNotPrintable(
            f"this item has no {level} pack", {"item_id": item.id, "level": level}
        )
    lot = None
    if lot_id is not None:
        lot = db.session.get(Lot, lot_id)
        if lot is None:
            raise NotFound("lot not found", {"lot_id": lot_id})
        if lot.item_id != item.id:
            raise ValidationFailed(
                "this lot belongs to another item", {"lot_id": lot_id, "item_id": item.id}
            )
    gtin, internal = _pack_codes(pack.id)
    try:
        layout = item_layout(
            sku=item.sku,
            name=item.name,
            level=level,
            pack_quantity=pack.quantity,
            gtin=gtin,
            internal_code=internal,
            lot=lot.code if lot else None,
            expiry=lot.expiry if lot else None,
            count=count,
            dpi=dpi,
        )
    except LabelRuleError as exc:
        raise LabelNotPrintable(exc.message, {**exc.details, "item_id": item.id}) from exc
    return render([layout], fmt, f"item-{layout.name}")


# --- containers -----------------------------------------------------------------------------


def container_label(container_id: int, *, fmt: str = "png", dpi: int = 203) -> LabelFile:
    """A container label: GS1-128 (00) for an SSCC (a GS1 logistic label), else Code 128."""
    container = db.session.get(Container, container_id)
    if container is None:
        raise NotFound("container not found", {"container_id": container_id})
    where = None
    if container.location_id is not None:
        where = db.session.scalar(select(Location.code).where(Location.id == container.location_id))
    try:
        if container_symbology(container.code) == "sscc":
            layout = sscc_layout(sscc=container.code, kind=container.kind, where=where, dpi=dpi)
            stem = f"sscc-{container.code}"
        else:
            layout = lpn_layout(code=container.code, kind=container.kind, where=where, dpi=dpi)
            stem = f"container-{container.code}"
    except LabelRuleError as exc:
        raise LabelNotPrintable(exc.message, {**exc.details, "container_id": container.id}) from exc
    return render([layout], fmt, stem)
