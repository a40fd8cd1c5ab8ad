"""Wholesale orders from CSV: rows grouped by external_id into orders, each captured like an
order from the API (a re-imported file finds its orders and creates nothing).

The whole file is read and checked before anything is written: a bad row refuses the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from ..database import write_transaction
from ..errors import ValidationFailed
from .orders_service import LineInput, OrderInput, capture_order

COLUMNS = ("external_id", "sku", "quantity", "price", "promised_ship_date", "region", "name")
REQUIRED = ("external_id", "sku", "quantity")
MAX_ROWS = 20_000


@dataclass(frozen=True)
class ImportedOrder:
    external_id: str
    order_id: int
    status: str
    created: bool


def parse_orders_csv(channel: str, text: str) -> list[OrderInput]:
    """Orders in file order; raises ValidationFailed naming the first bad row."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationFailed("the CSV header lacks columns", {"missing": missing})
    reader.fieldnames = header
    grouped: dict[str, tuple[list[LineInput], dict[str, str]]] = {}
    for n, row in enumerate(reader, start=2):
        if n > MAX_ROWS + 1:
            raise ValidationFailed(f"at most {MAX_ROWS} rows per file")
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        ext = cells.get("external_id", "")
        if not ext:
            raise ValidationFailed("external_id is empty", {"row": n})
        lines, ship_to = grouped.setdefault(ext, ([], {}))
        lines.append(_line(cells, n))
        for key in ("region", "name"):
            if cells.get(key):
                ship_to[key] = cells[key]
    if not grouped:
        raise ValidationFailed("the CSV has no rows")
    return [
        OrderInput(channel=channel, external_id=ext, lines=lines, ship_to=ship_to)
        for ext, (lines, ship_to) in grouped.items()
    ]


def _line(cells: dict[str, str], n: int) -> LineInput:
    try:
        quantity = int(cells["quantity"])
    except ValueError as exc:
        raise ValidationFailed("quantity is a whole number", {"row": n}) from exc
    price = None
    if cells.get("price"):
        try:
            price = Decimal(cells["price"])
        except InvalidOperation as exc:
            raise ValidationFailed("price is a decimal number", {"row": n}) from exc
        if not price.is_finite() or price < 0:
            raise ValidationFailed("price is a decimal number, not negative", {"row": n})
    promised = None
    if cells.get("promised_ship_date"):
        try:
            promised = date.fromisoformat(cells["promised_ship_date"])
        except ValueError as exc:
            raise ValidationFailed("promised_ship_date is YYYY-MM-DD", {"row": n}) from exc
    if not cells.get("sku"):
        raise ValidationFailed("sku is empty", {"row": n})
    return LineInput(quantity=quantity, sku=cells["sku"], price=price, promised_ship_date=promised)


def import_orders_csv(channel: str, text: str, actor_id: int | None = None) -> list[ImportedOrder]:
    """Capture every order of the file in one transaction: all of them or none."""
    orders = parse_orders_csv(channel, text)
    out: list[ImportedOrder] = []
    with write_transaction():
        for inp in orders:
            try:
                got = capture_order(inp, actor_id)
            except ValidationFailed as exc:
                raise ValidationFailed(
                    exc.message, {**exc.details, "external_id": inp.external_id}
                ) from exc
            out.append(ImportedOrder(inp.external_id, got.order.id, got.order.status, got.created))
    return out
