"""A site for purchase order lifecycle tests: a warehouse with a dock, a supplier that takes
POs (an endpoint and an e-mail), two items it sells (one with its own SKU in cases of 12),
and HTTP helpers for the lifecycle calls."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from scanfloor.extensions import db
from scanfloor.outbox.models import OutboxMessage
from scanfloor.purchasing.models import PoAmendment, PurchaseOrder, PurchaseOrderLine, Supplier
from scanfloor.purchasing.terms_models import SupplierItem
from tests.factories import make_bin_in, make_item, make_supplier, make_warehouse

PO_URL = "/api/v1/purchase-orders"
_numbers = iter(range(1, 10_000))


def build_site(endpoint: str | None = "https://acme.example/po", email: str | None = None) -> Any:
    wh = make_warehouse("WH1")
    dock = make_bin_in(wh, "DOCK-1", type="dock", sellable=False)
    widget = make_item("WIDGET", name="Widget")
    gadget = make_item("GADGET", name="Gadget")
    supplier = supplier_with(endpoint, email or "orders@acme.example", code="ACME")
    db.session.add(
        SupplierItem(
            supplier_id=supplier.id,
            item_id=widget.id,
            supplier_sku="AC-W-12",
            unit_cost=Decimal("2.00"),
            purchase_unit="case",
            units_per_purchase_unit=12,
        )
    )
    db.session.commit()
    return SimpleNamespace(wh=wh, dock=dock, widget=widget, gadget=gadget, supplier=supplier)


def supplier_with(endpoint: str | None, email: str | None, code: str | None = None) -> Any:
    """A supplier with this PO endpoint and e-mail (None: none)."""
    view = make_supplier(code)
    sup = db.session.get(Supplier, view.id)
    sup.po_endpoint, sup.email = endpoint, email
    db.session.commit()
    return sup


def create(client: Any, auth: Any, supplier: str, lines: list[tuple[str, int, str]], **kw: Any):
    body = {
        "number": f"PO-LC-{next(_numbers)}",
        "supplier": supplier,
        "lines": [{"sku": s, "quantity": q, "unit_cost": c} for s, q, c in lines],
        **kw,
    }
    r = client.post(PO_URL, headers=auth("manager"), json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def act(client: Any, auth: Any, role: str, po_id: int, action: str, **body: Any) -> Any:
    return client.post(f"{PO_URL}/{po_id}/{action}", headers=auth(role), json=body or None)


def ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.get_json()
    return r.get_json()


def refused(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == code, error
    return error


def sent_po(client: Any, auth: Any, site: Any, lines: list[tuple[str, int, str]]) -> Any:
    po = create(client, auth, site.supplier.code, lines, warehouse="WH1")
    ok(act(client, auth, "supervisor", po["id"], "approve"))
    return ok(act(client, auth, "supervisor", po["id"], "send"))


def receive(client: Any, auth: Any, po: Any, line_no: int, quantity: int, dock: Any) -> Any:
    line = next(ln for ln in po["lines"] if ln["line_no"] == line_no)
    r = client.post(
        f"{PO_URL}/{po['id']}/receive",
        headers=auth("worker"),
        json={"line_id": line["id"], "quantity": quantity, "to_location": dock.code},
    )
    return ok(r, 201)


def messages(po_supplier_id: int | None = None) -> list[OutboxMessage]:
    db.session.rollback()
    q = select(OutboxMessage).order_by(OutboxMessage.id)
    if po_supplier_id is not None:
        q = q.where(OutboxMessage.destination == f"supplier:{po_supplier_id}")
    return list(db.session.scalars(q))


def snapshot(po_id: int) -> tuple[Any, ...]:
    """Everything a lifecycle call may change about a PO: its row, lines, history, outbox."""
    db.session.rollback()
    po = db.session.get(PurchaseOrder, po_id)
    lines = db.session.execute(
        select(
            PurchaseOrderLine.line_no,
            PurchaseOrderLine.ordered,
            PurchaseOrderLine.received,
            PurchaseOrderLine.unit_cost,
            PurchaseOrderLine.expected_date,
        )
        .where(PurchaseOrderLine.po_id == po_id)
        .order_by(PurchaseOrderLine.line_no)
    ).all()
    amendments = db.session.scalar(
        select(func.count()).select_from(PoAmendment).where(PoAmendment.po_id == po_id)
    )
    outbox = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    return (
        po.state,
        po.revision,
        po.approved_by,
        po.sent_at,
        po.cancelled_at,
        [tuple(r) for r in lines],
        amendments,
        outbox,
    )
