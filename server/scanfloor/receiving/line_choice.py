"""Which PO line a confirmation is for: named, or found from the scanned or given item."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Row

from ..catalog.models import Item
from ..catalog.resolve import Resolution, resolve_barcode
from ..errors import NotAnItem, NotFound, UnexpectedItem, UnknownBarcode, ValidationFailed
from ..purchasing.models import PurchaseOrderLine
from .confirmation import Confirmation

_LINES = PurchaseOrderLine.__table__
LINE_COLUMNS = (
    _LINES.c.id,
    _LINES.c.po_id,
    _LINES.c.line_no,
    _LINES.c.item_id,
    _LINES.c.ordered,
    _LINES.c.received,
    _LINES.c.damaged,
    _LINES.c.unit_cost,
)
_ITEMS = Item.__table__
# The PO's lines with what the confirmation needs of each line's item, in one read. The
# caller holds the PO's row lock, and every writer of a PO's lines takes it first, so these
# rows stay as read until the transaction ends (no second, locking read of the line).
_LINES_OF_PO = (
    select(*LINE_COLUMNS, _ITEMS.c.tracking, _ITEMS.c.expiry_tracked)
    .join_from(_LINES, _ITEMS, _ITEMS.c.id == _LINES.c.item_id)
    .where(_LINES.c.po_id == bindparam("po_id"))
)
ITEM = select(Item.id, Item.sku, Item.tracking, Item.expiry_tracked, Item.active).where(
    Item.id == bindparam("item_id")
)


def scan_item(raw: str) -> Resolution:
    found = resolve_barcode(raw)
    if found.kind == "unknown":
        raise UnknownBarcode(
            "this barcode is not known here", {"barcode": raw, "cleaned": found.cleaned}
        )
    if found.item is None:
        raise NotAnItem(
            f"this barcode is a {found.kind}, not an item",
            {"barcode": raw, "kind": found.kind},
        )
    return found


def pick_line(
    conn: Connection, po: Row[Any], conf: Confirmation, scanned: Resolution | None
) -> tuple[Row[Any], list[Row[Any]]]:
    """The PO line this confirmation is for: named, or the first line of the scanned item
    that is still open (else its first line); and all the PO's lines (LINE_COLUMNS plus the
    item's tracking and expiry_tracked), from which the PO's state after the receipt follows."""
    item_id = conf.item_id
    if scanned is not None and scanned.item is not None:
        if item_id is not None and item_id != scanned.item["id"]:
            raise ValidationFailed(
                "item_id and barcode name different items",
                {"item_id": item_id, "barcode_item_id": scanned.item["id"]},
            )
        item_id = scanned.item["id"]
    lines: list[Row[Any]] = list(conn.execute(_LINES_OF_PO, {"po_id": po.id}))
    if conf.line_id is not None:
        named = next((ln for ln in lines if ln.id == conf.line_id), None)
        if named is None:
            raise NotFound(
                "this purchase order has no such line", {"po_id": po.id, "line_id": conf.line_id}
            )
        if item_id is not None and named.item_id != item_id:
            raise _unexpected(conn, po, item_id, line_id=named.id)
        return named, lines
    if item_id is None:
        raise ValidationFailed("give line_id, barcode or item_id", {"field": "line_id"})
    candidates = sorted((ln for ln in lines if ln.item_id == item_id), key=lambda ln: ln.line_no)
    if not candidates:
        raise _unexpected(conn, po, item_id)
    open_lines = [ln for ln in candidates if ln.received < ln.ordered]
    return (open_lines or candidates)[0], lines


def _unexpected(
    conn: Connection, po: Row[Any], item_id: int, line_id: int | None = None
) -> UnexpectedItem:
    item = conn.execute(ITEM, {"item_id": item_id}).first()
    sku = item.sku if item is not None else None
    return UnexpectedItem(
        f"{sku or 'this item'} is not on purchase order {po.number}"
        + (" at this line" if line_id is not None else ""),
        {"po_id": po.id, "number": po.number, "item_id": item_id, "sku": sku, "line_id": line_id},
    )
