"""Reading what a worker scanned (or a supervisor typed): a bin by its barcode or code, an
item by a barcode (a case barcode counts its pack quantity) or by its SKU. Reads only: run
before a write transaction opens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select

from ..catalog.codes import sku_key
from ..catalog.models import Item
from ..catalog.resolve import Known, resolve_barcode
from ..errors import InvalidBarcode, NotALocation, NotAnItem, UnknownBarcode
from ..extensions import db

_I = Item.__table__
_BY_SKU = select(_I.c.id, _I.c.sku).where(_I.c.sku_key == bindparam("key"))


@dataclass(frozen=True)
class ScannedBin:
    id: int
    code: str


@dataclass(frozen=True)
class ScannedPack:
    """An item scan: the item, the base units one scan of it counts, lot and expiry read."""

    item_id: int
    pack_units: int
    lot_code: str | None
    expiry: date | None


def scanned_bin(raw: str, known: Known | None = None) -> ScannedBin:
    found = resolve_barcode(raw, known=known)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": raw})
    if found.kind != "location" or found.location is None:
        raise NotALocation(
            f"this barcode is a {found.kind}, not a location: scan the bin's label",
            {"barcode": raw, "kind": found.kind},
        )
    return ScannedBin(int(found.location["id"]), str(found.location["code"]))


def item_id_by_sku(raw: str) -> int | None:
    key = sku_key(raw)
    if not key or not key.isprintable():  # NUL and the like: no SKU has them
        return None
    found = db.session.connection().execute(_BY_SKU, {"key": key}).first()
    return None if found is None else int(found.id)


def scanned_item(raw: str, known: Known | None = None) -> ScannedPack:
    """The item a scan names: a barcode first, else a SKU typed in (one unit a scan)."""
    try:
        found = resolve_barcode(raw, known=known)
    except InvalidBarcode:
        by_sku = item_id_by_sku(raw)
        if by_sku is None:
            raise
        return ScannedPack(by_sku, 1, None, None)
    if found.item is not None:
        lot = None if found.lot is None else found.lot.get("code")
        return ScannedPack(
            int(found.item["id"]),
            int(found.quantity or 1),
            None if lot is None or not str(lot).strip() else str(lot),
            found.expiry,
        )
    by_sku = item_id_by_sku(raw)
    if by_sku is not None:
        return ScannedPack(by_sku, 1, None, None)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode or SKU", {"barcode": raw})
    raise NotAnItem(
        f"this barcode is a {found.kind}, not an item", {"barcode": raw, "kind": found.kind}
    )
