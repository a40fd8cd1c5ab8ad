"""What a scanner caches to receive a PO through a dead spot: the lines with every barcode of
their items, and where received stock may be put down (docks, staging, LPNs standing there).

The server re-validates every confirmation on replay; this is for checking scans locally.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from ..catalog.models import Barcode, Container, Item, Location, PackLevel
from ..extensions import db
from ..purchasing.models import PurchaseOrderLine
from ..purchasing.queries import load_po
from ..purchasing.rules import may_see_expected
from ..purchasing.suppliers_service import load_supplier, supplier_view
from .rules import DOCK_TYPES

MAX_CONTAINERS = 500


def _barcodes(item_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    rows = db.session.execute(
        select(PackLevel.item_id, PackLevel.level, PackLevel.quantity, Barcode.code)
        .join(Barcode, Barcode.pack_id == PackLevel.id)
        .where(PackLevel.item_id.in_(item_ids))
        .order_by(PackLevel.item_id, PackLevel.quantity, Barcode.code)
    ).all()
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        found[r.item_id].append({"code": r.code, "level": r.level, "quantity": r.quantity})
    return found


def _places(warehouse_id: int | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The docks (and LPNs on them) the PO may be received at: its warehouse's, or any for a
    PO without one. The scanner checks the dock scan against these, so another warehouse's
    dock is refused on the device as the server would refuse it."""
    query = select(Location.id, Location.code, Location.name, Location.type).where(
        Location.type.in_(sorted(DOCK_TYPES)),
        Location.active.is_(True),
        Location.is_virtual.is_(False),
    )
    if warehouse_id is not None:
        query = query.where(Location.warehouse_id == warehouse_id)
    docks = db.session.execute(query.order_by(Location.code)).all()
    dock_ids = [d.id for d in docks]
    containers = db.session.execute(
        select(Container.id, Container.code, Container.kind, Container.location_id)
        .where(Container.location_id.in_(dock_ids), Container.active.is_(True))
        .order_by(Container.code)
        .limit(MAX_CONTAINERS)
    ).all()
    return [dict(d._mapping) for d in docks], [dict(c._mapping) for c in containers]


def scan_context(po_id: int, *, role: str) -> dict[str, Any]:
    """A PO's lines, their items' barcodes (as stored: GTIN-14 or internal) and the docks."""
    po = load_po(po_id)
    shown = may_see_expected(po.blind_receipt, role)
    rows = db.session.execute(
        select(
            PurchaseOrderLine.id,
            PurchaseOrderLine.line_no,
            PurchaseOrderLine.ordered,
            PurchaseOrderLine.received,
            Item.id.label("item_id"),
            Item.sku,
            Item.name,
            Item.tracking,
            Item.expiry_tracked,
        )
        .join(Item, Item.id == PurchaseOrderLine.item_id)
        .where(PurchaseOrderLine.po_id == po.id)
        .order_by(PurchaseOrderLine.line_no)
    ).all()
    codes = _barcodes({r.item_id for r in rows})
    docks, containers = _places(po.warehouse_id)
    return {
        "po": {
            "id": po.id,
            "number": po.number,
            "state": po.state,
            "blind_receipt": po.blind_receipt,
            "over_receipt_tolerance_pct": supplier_view(
                load_supplier(po.supplier_id)
            ).over_receipt_tolerance_pct,
        },
        "lines": [
            {
                "id": r.id,
                "line_no": r.line_no,
                "item_id": r.item_id,
                "sku": r.sku,
                "name": r.name,
                "tracking": r.tracking,
                "expiry_tracked": r.expiry_tracked,
                "ordered": r.ordered if shown else None,
                "received": r.received if shown else None,
                "barcodes": codes.get(r.item_id, []),
            }
            for r in rows
        ],
        "dock_locations": docks,
        "dock_containers": containers,
    }
