"""Import every context's tables so db.metadata (and Alembic) sees them all."""

from .access.models import UserWarehouse
from .allocation import models as allocation_models  # noqa: F401
from .auth.models import ApiToken, User
from .catalog.models import Barcode, Container, Item, Location, Lot, PackLevel
from .commands.models import CommandRecord
from .counting.models import CountLine, CountPolicy, CountTask, ItemClass
from .finance.document_models import (
    ChannelSettlement,
    ChannelSettlementLine,
    CostAdjustment,
    LandedCost,
    LandedCostReceipt,
    OpeningValue,
    SupplierInvoice,
    SupplierInvoiceLine,
    SupplierInvoiceMatch,
)
from .finance.journal_models import JournalEntry, JournalLine
from .finance.models import (
    Account,
    AccountRole,
    CategoryCostMethod,
    ExchangeRate,
    FiscalPeriod,
    ItemCostMethod,
)
from .finance.valuation_models import CostLayer, LayerIssue, MovementValue, StockValue
from .ledger.models import Balance, Movement, Posting
from .outbox.models import OutboxAttempt, OutboxMessage
from .packing.models import Carton, CartonType
from .picking.models import FloorException, PickLine, PickTask, Wave, WaveOrder
from .purchasing.demand_models import ChannelDailyDemand, DailyDemand
from .purchasing.models import PoAmendment, PurchaseOrder, PurchaseOrderLine, Supplier
from .purchasing.suggestion_models import SuggestionLine, SuggestionRun
from .purchasing.terms_models import ReorderPolicy, SupplierItem
from .receiving.models import Receipt, ReceiptLine
from .replenishment.models import PickFace, ReplenishmentTask
from .reporting.facts_models import AnomalyAck, MovementDayFact, WorkerQuarter
from .reporting.order_facts_models import OrderFact, OrderLineFact, OrderShipFact
from .returns.models import ReturnAuthorisation, ReturnInspection, ReturnLine, ReturnPhoto
from .shipping.models import Carrier, Shipment

__all__ = [
    "Account",
    "AccountRole",
    "AnomalyAck",
    "ApiToken",
    "Balance",
    "Barcode",
    "Carrier",
    "Carton",
    "CartonType",
    "CategoryCostMethod",
    "ChannelDailyDemand",
    "ChannelSettlement",
    "ChannelSettlementLine",
    "CommandRecord",
    "Container",
    "CostAdjustment",
    "CostLayer",
    "CountLine",
    "CountPolicy",
    "CountTask",
    "DailyDemand",
    "ExchangeRate",
    "FiscalPeriod",
    "FloorException",
    "Item",
    "ItemClass",
    "ItemCostMethod",
    "JournalEntry",
    "JournalLine",
    "LandedCost",
    "LandedCostReceipt",
    "LayerIssue",
    "Location",
    "Lot",
    "Movement",
    "MovementDayFact",
    "MovementValue",
    "OpeningValue",
    "OrderFact",
    "OrderLineFact",
    "OrderShipFact",
    "OutboxAttempt",
    "OutboxMessage",
    "PackLevel",
    "PickFace",
    "PickLine",
    "PickTask",
    "PoAmendment",
    "Posting",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Receipt",
    "ReceiptLine",
    "ReorderPolicy",
    "ReplenishmentTask",
    "ReturnAuthorisation",
    "ReturnInspection",
    "ReturnLine",
    "ReturnPhoto",
    "Shipment",
    "StockValue",
    "SuggestionLine",
    "SuggestionRun",
    "Supplier",
    "SupplierInvoice",
    "SupplierInvoiceLine",
    "SupplierInvoiceMatch",
    "SupplierItem",
    "User",
    "UserWarehouse",
    "Wave",
    "WaveOrder",
    "WorkerQuarter",
]
