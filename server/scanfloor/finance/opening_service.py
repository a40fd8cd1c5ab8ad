"""`scanfloor finance open-valuation`: value the stock that was on hand before valuation
began, once (opening_rules.py is the policy). One transaction: the ledger chain head's lock
(postings wait), the units on hand per item, warehouse and lot against what the book holds,
a cost per item, then the stock values and FIFO layers (no movement: layers with
movement_id NULL), one opening_values row per part and one journal entry (Dr inventory
per place, Dr COGS for units issued before at a booked cost, Cr opening balance equity).
Running it again values only what is still missing; `--dry-run` reports without writing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from ..catalog.codes import sku_key
from ..catalog.models import Item, Location
from ..database import write_transaction
from ..extensions import db
from ..ledger.chain import hold
from ..ledger.models import Balance, Movement
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine
from ..purchasing.terms_models import SupplierItem
from ..timeutil import utcnow
from . import book_sql
from .adjust_service import DocLine, write_document_entry
from .cost_rules import Layer, Outcome, average_receive, fifo_receive
from .document_models import OpeningValue
from .method_sql import methods_of
from .money import quantum, times
from .opening_rules import KnownCosts, lot_split, opening_cost, units_to_open
from .valuation_models import CostLayer
from .valuation_rules import FIFO, Book, Key

KIND = "opening_valuation"
ZERO = Decimal(0)
_B, _L, _M = Balance.__table__, Location.__table__, Movement.__table__
_CL, _OV = CostLayer.__table__, OpeningValue.__table__

_ON_HAND = (
    select(_B.c.item_id, _L.c.warehouse_id, _B.c.lot_id, func.sum(_B.c.quantity))
    .join(_L, _L.c.id == _B.c.location_id)
    .where(_L.c.is_virtual.is_(False), _L.c.warehouse_id.is_not(None))
    .group_by(_B.c.item_id, _L.c.warehouse_id, _B.c.lot_id)
)


@dataclass(frozen=True)
class Opened:
    item_id: int
    sku: str
    place_id: int
    lot_id: int | None
    quantity: int
    value: Decimal
    unit_cost: Decimal
    cost_source: str
    correction: Decimal
    method: str
    layer_temp_id: int | None


@dataclass
class OpeningReport:
    opened: list[Opened] = field(default_factory=list)
    skipped: list[tuple[str, int, int]] = field(default_factory=list)  # sku, place, units
    entry_id: int | None = None
    written: bool = False

    @property
    def value(self) -> Decimal:
        return sum((o.value for o in self.opened), ZERO)


def open_valuation(
    given: Mapping[str, Decimal], actor_id: int | None, *, dry_run: bool = False
) -> OpeningReport:
    """Value what the book does not hold of the stock on hand (module docstring)."""
    q = quantum(_currency())
    costs_by_key = {sku_key(k): v for k, v in given.items()}
    with write_transaction():
        conn = db.session.connection()
        hold(conn, 0)
        after = int(conn.scalar(select(func.max(_M.c.id))) or 0)
        on_hand: dict[Key, dict[int | None, int]] = defaultdict(dict)
        for item, wh, lot, quantity in conn.execute(_ON_HAND):
            if int(quantity or 0) > 0:
                on_hand[(int(item), int(wh))][lot] = int(quantity)
        book, read = _book(conn, set(on_hand))
        wanted = {k: units_to_open(sum(lots.values()), book.position(k).quantity)
                  for k, lots in on_hand.items()}  # fmt: skip
        wanted = {k: n for k, n in wanted.items() if n > 0}
        report = OpeningReport()
        if not wanted:
            return report
        items = sorted({k[0] for k in wanted})
        skus = dict(conn.execute(select(Item.id, Item.sku).where(Item.id.in_(items))).all())
        known = _known_costs(
            conn, items, {i: costs_by_key.get(sku_key(s)) for i, s in skus.items()}
        )
        methods = methods_of(conn, items)
        for key in sorted(wanted):
            found = opening_cost(known[key[0]])
            if found is None:
                report.skipped.append((str(skus[key[0]]), key[1], wanted[key]))
                continue
            empty = book.position(key).quantity == 0 and not book.layers.get(key)
            for lot, n in lot_split(on_hand[key], wanted[key], empty).items():
                report.opened.append(
                    _open(book, key, lot, n, found, methods[key[0]], str(skus[key[0]]), q)
                )
        if dry_run or not report.opened:
            return report
        report.entry_id = _entry(conn, report.opened, after, actor_id)
        _write(conn, book, read, report, after, actor_id)
        report.written = True
        return report


def _currency() -> str:
    return str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR")


def _book(conn: Connection, keys: set[Key]) -> tuple[Book, dict[Key, Any]]:
    items = {k[0] for k in keys}
    fifo = {k for k in keys if methods_of(conn, items).get(k[0]) == FIFO} if keys else set()
    return book_sql.load_book(conn, keys, fifo) if keys else (Book(), {})


def _known_costs(
    conn: Connection, items: list[int], given: dict[int, Decimal | None]
) -> dict[int, KnownCosts]:
    currency = _currency()
    po: dict[int, Decimal] = {}
    rows = conn.execute(
        select(PurchaseOrderLine.item_id, PurchaseOrderLine.unit_cost)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.po_id)
        .where(PurchaseOrderLine.item_id.in_(items), PurchaseOrder.currency == currency)
        .order_by(PurchaseOrderLine.id.desc())
    )
    for item, cost in rows:
        po.setdefault(int(item), Decimal(str(cost)))
    supplier = {
        int(i): Decimal(str(c))
        for i, c in conn.execute(
            select(SupplierItem.item_id, SupplierItem.unit_cost).where(
                SupplierItem.item_id.in_(items),
                SupplierItem.preferred.is_(True),
                SupplierItem.currency == currency,
            )
        )
    }
    return {i: KnownCosts(given.get(i), po.get(i), supplier.get(i)) for i in items}


def _open(
    book: Book,
    key: Key,
    lot: int | None,
    units: int,
    found: tuple[Decimal, str],
    method: str,
    sku: str,
    q: Decimal,
) -> Opened:
    cost, source = found
    value = times(units, cost, q)
    pos = book.position(key)
    temp: int | None = None
    out: Outcome
    if method == FIFO:
        out = fifo_receive(pos, book.layers.get(key, []), units, value, q, lot)
        kept = []
        for layer in out.layers:
            if layer.id == 0:
                temp = book.new_id()
                layer = Layer(temp, layer.quantity_left, layer.unit_cost, layer.value_left, lot)
            kept.append(layer)
        book.layers[key] = kept
    else:
        out = average_receive(pos, units, value, q)
    book.positions[key] = out.position
    return Opened(key[0], sku, key[1], lot, units, value, out.unit_cost, source,
                  out.correction, method, temp)  # fmt: skip


def _entry(conn: Connection, opened: list[Opened], after: int, actor_id: int | None) -> int | None:
    per_place: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for o in opened:
        per_place[o.place_id][0] += o.value
        per_place[o.place_id][1] += o.correction
    lines = []
    for place, (value, correction) in sorted(per_place.items()):
        lines += [
            DocLine("inventory", place, value - correction),
            DocLine("cogs", place, correction),
            DocLine("opening_balance", place, -value),
        ]
    return write_document_entry(
        conn, kind=KIND, entry_date=utcnow().date(), source_type=KIND, source_id=str(after),
        memo=f"Opening valuation of stock on hand before valuation ({len(opened)} parts)",
        actor_id=actor_id, lines=lines,
    )  # fmt: skip


def _write(
    conn: Connection,
    book: Book,
    read: dict[Key, Any],
    report: OpeningReport,
    after: int,
    actor_id: int | None,
) -> None:
    now = utcnow()
    book_sql.write_positions(conn, book, read, now)
    final = {la.id: la for layers in book.layers.values() for la in layers}
    fresh = [o for o in report.opened if o.layer_temp_id is not None and o.layer_temp_id in final]
    if fresh:
        conn.execute(
            insert(_CL),
            [
                {"item_id": o.item_id, "place_id": o.place_id, "lot_id": o.lot_id,
                 "movement_id": None, "received_at": now,
                 "quantity_in": final[o.layer_temp_id].quantity_left,
                 "quantity_left": final[o.layer_temp_id].quantity_left,
                 "unit_cost": final[o.layer_temp_id].unit_cost,
                 "value_left": final[o.layer_temp_id].value_left}
                for o in fresh if o.layer_temp_id is not None
            ],
        )  # fmt: skip
    conn.execute(
        insert(_OV),
        [
            {"item_id": o.item_id, "place_id": o.place_id, "lot_id": o.lot_id,
             "quantity": o.quantity, "value": o.value, "unit_cost": o.unit_cost,
             "cost_source": o.cost_source, "correction": o.correction, "method": o.method,
             "after_movement_id": after, "entry_id": report.entry_id, "created_by": actor_id,
             "created_at": now}
            for o in report.opened
        ],
    )  # fmt: skip
