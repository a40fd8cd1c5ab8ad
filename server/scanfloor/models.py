"""Import every context's tables so db.metadata (and Alembic) sees them all."""

from .allocation import models as allocation_models  # noqa: F401
from .api.idempotency_models import IdempotencyRecord
from .auth.models import ApiToken, User
from .catalog.models import Barcode, Container, Item, Location, Lot, PackLevel
from .ledger.models import Balance, Movement, Posting
from .receiving.models import PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine, Supplier

__all__ = [
    "ApiToken",
    "Balance",
    "Barcode",
    "Container",
    "IdempotencyRecord",
    "Item",
    "Location",
    "Lot",
    "Movement",
    "PackLevel",
    "Posting",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Receipt",
    "ReceiptLine",
    "Supplier",
    "User",
]
