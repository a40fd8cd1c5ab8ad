"""Purchase-order use cases: create (one or a CSV of many), open, close."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..catalog.codes import sku_key
from ..catalog.models import Item, Location
from ..database import write_transaction
from ..errors import (
    DuplicateCode,
    ImportRefused,
    InvalidState,
    NotFound,
    ValidationFailed,
    rule_failed,
)
from ..extensions import db
from ..timeutil import utcnow
from .csv_rules import CsvOrder, CsvRefused, RowProblem, parse_po_csv
from .models import PurchaseOrder, PurchaseOrderLine, Supplier
from .queries import po_summary, po_view
from .results import ImportResult, PoView
from .rules import PurchasingRuleError, normalise_po_number, parse_unit_cost, transition
from .suppliers_service import load_supplier, supplier_by_code
from .terms_models import SupplierItem

MAX_LINES = 1000


@dataclass(frozen=True)
class LineSpec:
    quantity: int
    unit_cost: Decimal | str
    sku: str | None = None
    item_id: int | None = None
    expected_date: date | None = None


def _number(raw: str) -> str:
    try:
        return normalise_po_number(raw)
    except PurchasingRuleError as exc:
        raise rule_failed(exc) from exc


def _duplicate(number: str) -> DuplicateCode | None:
    taken = db.session.scalar(select(PurchaseOrder.id).where(PurchaseOrder.number == number))
    if taken is None:
        return None
    return DuplicateCode(
        f"purchase order {number} already exists", {"number": number, "po_id": taken}
    )


def _supplier(supplier: str | None, supplier_id: int | None) -> Supplier:
    if supplier_id is not None:
        found = load_supplier(supplier_id)
        if supplier is not None and found.code != supplier.strip().upper():
            raise ValidationFailed(
                "supplier and supplier_id name different suppliers",
                {"supplier": supplier, "supplier_id": supplier_id},
            )
    elif supplier is not None:
        found = supplier_by_code(supplier)
    else:
        raise ValidationFailed("give the supplier (code) or supplier_id", {"field": "supplier"})
    if not found.active:
        raise ValidationFailed("this supplier is inactive", {"supplier": found.code})
    return found


def warehouse_by_code(code: str) -> Location:
    """A warehouse (the location at level warehouse) by its code."""
    loc: Location | None = db.session.scalar(
        select(Location).where(Location.code == code.strip().upper())
    )
    if loc is None or loc.level != "warehouse":
        raise NotFound("warehouse not found", {"warehouse": code})
    return loc


def supplier_skus(supplier_id: int, item_ids: Iterable[int]) -> dict[int, str | None]:
    """The supplier's own SKU for each item it sells us (supplier items), by item id."""
    rows = db.session.execute(
        select(SupplierItem.item_id, SupplierItem.supplier_sku).where(
            SupplierItem.supplier_id == supplier_id, SupplierItem.item_id.in_(set(item_ids))
        )
    )
    return {r.item_id: r.supplier_sku for r in rows}


def resolve_items(lines: Sequence[LineSpec]) -> dict[int, Item]:
    """Each line's item (by index), by id or SKU; inactive or unknown items are refused."""
    keys = {sku_key(ln.sku) for ln in lines if ln.sku is not None}
    ids = {ln.item_id for ln in lines if ln.item_id is not None}
    rows = db.session.scalars(select(Item).where(Item.sku_key.in_(keys) | Item.id.in_(ids))).all()
    by_key = {it.sku_key: it for it in rows}
    by_id = {it.id: it for it in rows}
    found: dict[int, Item] = {}
    for i, ln in enumerate(lines):
        if ln.item_id is not None:
            item = by_id.get(ln.item_id)
            if item is not None and ln.sku is not None and item.sku_key != sku_key(ln.sku):
                raise ValidationFailed(
                    "sku and item_id name different items",
                    {"line": i, "sku": ln.sku, "item_id": ln.item_id},
                )
        elif ln.sku is not None:
            item = by_key.get(sku_key(ln.sku))
        else:
            raise ValidationFailed("each line needs a sku or an item_id", {"line": i})
        if item is None:
            raise NotFound("item not found", {"line": i, "sku": ln.sku, "item_id": ln.item_id})
        if not item.active:
            raise ValidationFailed("item is inactive", {"line": i, "sku": item.sku})
        found[i] = item
    return found


def _add_po(
    number: str,
    supplier: Supplier,
    expected_date: date | None,
    blind_receipt: bool,
    lines: Sequence[tuple[Item, int, Decimal, date | None]],
    actor_id: int | None,
    warehouse_id: int | None = None,
) -> PurchaseOrder:
    po = PurchaseOrder(
        number=number,
        supplier_id=supplier.id,
        state="draft",
        blind_receipt=blind_receipt,
        expected_date=expected_date,
        created_by=actor_id,
        created_at=utcnow(),
        warehouse_id=warehouse_id,
        currency=supplier.currency,
        revision=0,
    )
    db.session.add(po)
    db.session.flush()
    skus = supplier_skus(supplier.id, (item.id for item, *_ in lines))
    db.session.add_all(
        PurchaseOrderLine(
            po_id=po.id,
            line_no=n,
            item_id=item.id,
            ordered=quantity,
            received=0,
            damaged=0,
            unit_cost=cost,
            expected_date=line_date,
            supplier_sku=skus.get(item.id),
        )
        for n, (item, quantity, cost, line_date) in enumerate(lines, start=1)
    )
    db.session.flush()
    return po


def create_purchase_order(
    *,
    number: str,
    lines: Sequence[LineSpec],
    supplier: str | None = None,
    supplier_id: int | None = None,
    expected_date: date | None = None,
    blind_receipt: bool = False,
    actor_id: int | None = None,
    warehouse: str | None = None,
) -> PoView:
    """Create a draft PO with its lines; its number is unique. `warehouse` (a code) is where
    it is delivered; without one it is receivable at any dock. Its currency is the
    supplier's; each line takes the supplier's SKU for the item when a supplier item has one."""
    clean = _number(number)
    if not lines or len(lines) > MAX_LINES:
        raise ValidationFailed(f"a purchase order has 1-{MAX_LINES} lines", {"field": "lines"})
    costs = []
    for i, ln in enumerate(lines):
        if isinstance(ln.quantity, bool) or ln.quantity <= 0:
            raise ValidationFailed("quantity must be a positive integer", {"line": i})
        try:
            costs.append(parse_unit_cost(ln.unit_cost))
        except PurchasingRuleError as exc:
            raise ValidationFailed(exc.message, {"line": i, **exc.details}) from exc
    try:
        with write_transaction():
            duplicate = _duplicate(clean)
            if duplicate is not None:
                raise duplicate
            sup = _supplier(supplier, supplier_id)
            wh = warehouse_by_code(warehouse) if warehouse is not None else None
            items = resolve_items(lines)
            po = _add_po(
                clean,
                sup,
                expected_date,
                blind_receipt,
                [(items[i], ln.quantity, costs[i], ln.expected_date) for i, ln in enumerate(lines)],
                actor_id,
                wh.id if wh is not None else None,
            )
            return po_view(po.id, role="admin")
    except IntegrityError as exc:  # a concurrent create took the number (PostgreSQL)
        raise DuplicateCode(f"purchase order {clean} already exists", {"number": clean}) from exc


def _step(po_id: int, action: str) -> PoView:
    with write_transaction():
        po = db.session.get(PurchaseOrder, po_id, with_for_update=True, populate_existing=True)
        if po is None:
            raise NotFound("purchase order not found", {"po_id": po_id})
        try:
            po.state = transition(po.state, action)
        except PurchasingRuleError as exc:
            raise InvalidState(exc.message, {"po_id": po.id, **exc.details}) from exc
        if action == "open":
            po.opened_at = utcnow()
        else:
            po.closed_at = utcnow()
        db.session.flush()
        return po_view(po.id, role="admin")


def open_purchase_order(po_id: int) -> PoView:
    """Release a draft PO to the dock: it can be received from now on."""
    return _step(po_id, "open")


def close_purchase_order(po_id: int) -> PoView:
    """Close a PO: no more receiving; lines still short stay short."""
    return _step(po_id, "close")


def _import_problems(orders: list[CsvOrder]) -> list[RowProblem]:
    """What only the database can tell: unknown suppliers and SKUs, numbers already used."""
    problems: list[RowProblem] = []
    codes = {o.supplier for o in orders}
    suppliers = {
        s.code: s for s in db.session.scalars(select(Supplier).where(Supplier.code.in_(codes)))
    }
    keys = {sku_key(ln.sku) for o in orders for ln in o.lines}
    items = {
        it.sku_key: it for it in db.session.scalars(select(Item).where(Item.sku_key.in_(keys)))
    }
    taken = set(
        db.session.scalars(
            select(PurchaseOrder.number).where(PurchaseOrder.number.in_([o.number for o in orders]))
        )
    )
    warehouses = _warehouse_ids({o.warehouse for o in orders if o.warehouse})
    for order in orders:
        if order.warehouse and order.warehouse not in warehouses:
            problems.append(
                RowProblem(order.row, "warehouse", "no such warehouse", order.warehouse)
            )
        if order.number in taken:
            problems.append(
                RowProblem(order.row, "po_number", "this PO number already exists", order.number)
            )
        sup = suppliers.get(order.supplier)
        if sup is None or not sup.active:
            problems.append(
                RowProblem(
                    order.row,
                    "supplier",
                    "no such supplier" if sup is None else "this supplier is inactive",
                    order.supplier,
                )
            )
        for ln in order.lines:
            item = items.get(sku_key(ln.sku))
            if item is None or not item.active:
                problems.append(
                    RowProblem(
                        ln.row,
                        "sku",
                        "no such item" if item is None else "item is inactive",
                        ln.sku,
                    )
                )
    return sorted(problems, key=lambda p: p.row)


def _warehouse_ids(codes: set[str]) -> dict[str, int]:
    rows = db.session.execute(
        select(Location.code, Location.id).where(
            Location.code.in_(codes), Location.level == "warehouse"
        )
    )
    return {r.code: r.id for r in rows}


def _refuse(problems: list[RowProblem], total: int | None = None) -> ImportRefused:
    count = total if total is not None else len(problems)
    first = problems[0]
    return ImportRefused(
        f"nothing was imported: {count} problem(s), first on row {first.row}"
        + (f" ({first.column})" if first.column else "")
        + f": {first.message}",
        {
            "problem_count": count,
            "problems": [
                {"row": p.row, "column": p.column, "message": p.message, "value": p.value}
                for p in problems
            ],
        },
    )


def import_purchase_orders(
    csv_text: str, *, actor_id: int | None = None, open_orders: bool = False
) -> ImportResult:
    """Create the POs a CSV describes, all or none (draft, or open with open_orders)."""
    try:
        orders = parse_po_csv(csv_text)
    except CsvRefused as exc:
        raise _refuse(exc.problems, exc.total) from exc
    try:
        return _import(orders, actor_id, open_orders)
    except IntegrityError as exc:  # a concurrent create took a number (PostgreSQL)
        numbers = [o.number for o in orders]
        raise DuplicateCode(
            "a purchase order number in the file was just taken", {"numbers": numbers}
        ) from exc


def _import(orders: list[CsvOrder], actor_id: int | None, open_orders: bool) -> ImportResult:
    with write_transaction():
        problems = _import_problems(orders)
        if problems:
            raise _refuse(problems)
        suppliers = {
            s.code: s
            for s in db.session.scalars(
                select(Supplier).where(Supplier.code.in_({o.supplier for o in orders}))
            )
        }
        keys = {sku_key(ln.sku) for o in orders for ln in o.lines}
        items = {
            it.sku_key: it for it in db.session.scalars(select(Item).where(Item.sku_key.in_(keys)))
        }
        warehouses = _warehouse_ids({o.warehouse for o in orders if o.warehouse})
        created = []
        now = utcnow()
        for order in orders:
            po = _add_po(
                order.number,
                suppliers[order.supplier],
                order.expected_date,
                False,
                [
                    (items[sku_key(ln.sku)], ln.quantity, ln.unit_cost, ln.expected_date)
                    for ln in order.lines
                ],
                actor_id,
                warehouses[order.warehouse] if order.warehouse else None,
            )
            if open_orders:
                po.state, po.opened_at = "open", now
            created.append(po.id)
        db.session.flush()
        return ImportResult(created=[po_summary(po_id, role="admin") for po_id in created])
