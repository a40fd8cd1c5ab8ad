"""Reading a purchase order into its supplier document (po_document.py renders it), and the
PDF and CSV downloads.

Ship-to is the PO's warehouse: its name and the address lines packing prints as ship-from
on a slip (SCANFLOOR_SHIP_FROM_<CODE>, else SCANFLOOR_SHIP_FROM: packing/documents.py), so a
warehouse has one address wherever it is printed. A PO without a warehouse says so.
"""

from __future__ import annotations

from sqlalchemy import and_, select

from ..catalog.models import Item, Location
from ..errors import NotFound
from ..extensions import db
from ..labels.service import LabelFile, file_name
from ..packing.documents import ship_from_lines
from .models import PurchaseOrder, PurchaseOrderLine, Supplier
from .po_document import PoDocLine, PoDocument, po_csv, po_pdf
from .terms_models import SupplierItem

_L, _I, _SI = PurchaseOrderLine, Item, SupplierItem


def load_document(po_id: int) -> PoDocument:
    """The PO as its supplier document, as it stands now (its current revision)."""
    po = db.session.get(PurchaseOrder, po_id, populate_existing=True)
    if po is None:
        raise NotFound("purchase order not found", {"po_id": po_id})
    supplier = db.session.get(Supplier, po.supplier_id)
    assert supplier is not None  # a foreign key
    warehouse = db.session.get(Location, po.warehouse_id) if po.warehouse_id else None
    rows = db.session.execute(
        select(
            _L.line_no,
            _L.ordered,
            _L.unit_cost,
            _L.expected_date,
            _L.supplier_sku,
            _I.sku,
            _I.name,
            _SI.supplier_sku.label("terms_sku"),
            _SI.purchase_unit,
            _SI.units_per_purchase_unit,
        )
        .join(_I, _I.id == _L.item_id)
        .outerjoin(_SI, and_(_SI.item_id == _L.item_id, _SI.supplier_id == po.supplier_id))
        .where(_L.po_id == po.id)
        .order_by(_L.line_no)
    ).all()
    return PoDocument(
        number=po.number,
        revision=po.revision,
        state=po.state,
        supplier_code=supplier.code,
        supplier_name=supplier.name,
        supplier_email=supplier.email,
        warehouse_code=warehouse.code if warehouse is not None else None,
        ship_to=ship_from_lines(warehouse.id) if warehouse is not None else (),
        currency=po.currency,
        ordered_on=(po.sent_at or po.created_at).date(),
        expected_date=po.expected_date,
        cancel_reason=po.cancel_reason,
        lines=tuple(
            PoDocLine(
                line_no=r.line_no,
                sku=r.sku,
                supplier_sku=r.supplier_sku or r.terms_sku,
                name=r.name,
                quantity=int(r.ordered),
                purchase_unit=r.purchase_unit or "each",
                units_per_purchase_unit=int(r.units_per_purchase_unit or 1),
                unit_cost=r.unit_cost,
                expected_date=r.expected_date,
            )
            for r in rows
        ),
    )


def _stem(doc: PoDocument) -> str:
    return f"PO-{doc.number}-rev{doc.revision}"


def pdf_file(po_id: int) -> LabelFile:
    """The PO as the supplier's PDF (A4)."""
    doc = load_document(po_id)
    return LabelFile(file_name(_stem(doc), "pdf"), "application/pdf", po_pdf(doc))


def csv_file(po_id: int) -> LabelFile:
    """The PO's lines as CSV (UTF-8)."""
    doc = load_document(po_id)
    return LabelFile(
        file_name(_stem(doc), "csv"), "text/csv; charset=utf-8", po_csv(doc).encode("utf-8")
    )
