"""Import every context's tables so db.metadata (and Alembic) sees them all."""

from .access.models import UserWarehouse
from .allocation import models as allocation_models  # noqa: F401
from .auth.models import ApiToken, User
from .catalog.models import Barcode, Container, Item, Location, Lot, PackLevel
from .commands.models import CommandRecord
from .ledger.models import Balance, Movement, Posting
from .outbox.models import OutboxAttempt, OutboxMessage
from .purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
from .receiving.models import Receipt, ReceiptLine

__all__ = [
    "ApiToken",
    "Balance",
    "Barcode",
    "CommandRecord",
    "Container",
    "Item",
    "Location",
    "Lot",
    "Movement",
    "OutboxAttempt",
    "OutboxMessage",
    "PackLevel",
    "Posting",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Receipt",
    "ReceiptLine",
    "Supplier",
    "User",
    "UserWarehouse",
]
