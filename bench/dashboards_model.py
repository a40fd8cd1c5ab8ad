"""The shapes of bench_dashboards.py's year of history: its constants (the year, the shares of
returns, cancellations and short picks, count tolerances, the finance rules of the virtual
counterparties), the columns written per table (COLUMNS, parents first), the reference rows
the history runs on (Site, Channel) and its orders and lines in memory (Order, Line).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DAYS = 365
ZERO, CENT = Decimal(0), Decimal("0.01")
HOUR, DAY = 3600.0, 86400.0
RETURN_SHARE, CANCEL_SHARE, SHORT_PICK = 0.04, 0.02, 0.004
LATE_CANCEL_DAYS = 12
COUNT_TOLERANCE = {"A": 0, "B": 1, "C": 2}
VIRTUAL_RULES = {  # counterparty -> (entry kind issuing to it, receiving from it; its role)
    "VENDOR": ("return_to_vendor", "receipt", "grni"),
    "CUSTOMER": ("shipment", "customer_return", "cogs"),
    "INV-ADJ": ("shrinkage", "stock_gain", "shrinkage"),
    "SCRAP": ("scrap", "scrap", "scrap_expense"),
}
# The columns written, per table, parents first (an indented line continues the one above).
_TABLES = """
containers: id code kind location_id active created_at
postings: id movement_type actor_id source_type source_id recorded_at
movements: id posting_id item_id quantity from_location_id from_container_id to_location_id
  to_container_id movement_type reason_code actor_id source_type source_id unit_cost
  occurred_at recorded_at
orders: id channel_id external_id status ship_to ordered_at created_at updated_at
order_lines: id order_id line_no item_id quantity reserved_qty consumed_qty price
  promised_ship_date status discount tax
order_events: id order_id order_line_id at actor_id actor from_status to_status
reservations: id order_line_id channel_id item_id warehouse_id quantity status created_at
  resolved_at
shipments: id warehouse_id carrier_id service status created_by created_at confirmed_by
  confirmed_at
cartons: id container_id order_id warehouse_id location_id seq weight_g status packed_by
  opened_at closed_at shipment_id tracking_number shipping_cost shipping_currency
floor_exceptions: id kind warehouse_id location_id item_id order_id actor_id source_type
  source_id details at resolved_at
purchase_orders: id number supplier_id state blind_receipt expected_date created_at
  warehouse_id currency sent_at
purchase_order_lines: id po_id line_no item_id ordered received damaged unit_cost
receipts: id po_id actor_id business_date started_at last_at
receipt_lines: id receipt_id po_line_id item_id quantity damaged_quantity variance location_id
  posting_id created_at currency
return_authorisations: id channel_id external_id order_id warehouse_id source status
  created_at arrived_at receipt_closed_at completed_at updated_at
return_lines: id rma_id line_no order_line_id item_id expected_qty received_qty inspected_qty
  unit_price
return_inspections: id rma_id return_line_id quantity disposition to_location_id reason_code
  credit restocking_fee credit_amount posting_id inspected_by inspected_at
count_tasks: id warehouse_id location_id item_id reason status created_at completed_at
  attempt counted_by counted_at posting_id
count_lines: id task_id attempt warehouse_id location_id item_id lot_key counted_qty
  system_qty variance unit_value variance_value abc_class within_tolerance unexpected
  outcome counted_by counted_at
journal_entries: id entry_date period kind movement_id posting_id source_type source_id memo
  created_by created_at
journal_lines: id entry_id account_id debit credit warehouse_id item_id
movement_values: movement_id item_id from_place_id to_place_id quantity value unit_cost
  method cost_source created_at
stock_values: item_id place_id quantity value last_rate updated_at
channel_settlements: id channel_id source reference deposit_date currency total file_sha256
  imported_at entry_id
channel_settlement_lines: id settlement_id line_no kind order_reference order_id
  posted_date amount fee raw
"""
COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(cols.split())
    for name, cols in (t.split(":") for t in _TABLES.replace("\n  ", " ").strip().splitlines())
}


@dataclass
class Channel:
    id: int
    code: str
    share: float
    partial: bool  # ships what it has (else waits for the whole order)
    sla_days: int
    carrier: int  # index into Site.carriers
    marketplace: bool


@dataclass
class Site:
    """The reference rows the history runs on (ids), item i at index i."""

    wh: int
    items: list[int]
    categories: list[str]
    costs: list[float]
    prices: list[float]
    pick_face: list[int]
    reserve: list[tuple[int, int]]
    docks: list[int]
    pack: int
    returns_area: int
    virtual: dict[str, int]  # code -> id
    suppliers: list[tuple[int, int]]  # (id, lead days)
    supplier_of: list[int]
    case_pack: list[int]
    channels: list[Channel]
    carriers: list[int]
    workers: dict[str, list[int]]  # pickers, packers, receivers, counters, shippers
    accounts: dict[str, int]  # role -> account id
    totes: list[int]


class Line:
    __slots__ = ("cancelled", "consumed", "cost", "discount", "id", "item", "no", "order",
                 "packed", "price", "promised", "qty", "res", "reserved", "shipped",
                 "tax")  # fmt: skip

    def need(self) -> int:
        return 0 if self.cancelled else self.qty - self.consumed - self.reserved


class Order:
    __slots__ = ("at", "boxes", "cancelled", "channel", "ext", "id", "lines", "pending", "updated")
