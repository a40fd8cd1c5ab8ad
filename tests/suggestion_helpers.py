"""A warehouse with a ledger history, for the purchase-suggestion tests.

Everything goes through the services that own it: locations through the catalog factories,
stock through the one ledger writer, orders through allocation's capture (real reservations
and backorders), suppliers, supplier items and reorder policies through purchasing's
services. Past days are posted through the writer with `occurred_at` in the past (it takes
one, as a back-office posting does). The one thing no service can backdate is an order
line's status event or a PO's dates: `backdate_events` and `backdate_po` move them, in test
set-up only.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update

from scanfloor.allocation import settling
from scanfloor.allocation.channels_service import create_channel
from scanfloor.allocation.models import OrderEvent, OrderLine
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.catalog.models import Item, Location
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.purchasing.reorder_policy_service import upsert_reorder_policy
from scanfloor.purchasing.suppliers_service import create_supplier
from scanfloor.purchasing.terms_service import add_supplier_item
from scanfloor.timeutil import utcnow
from tests.factories import make_bin_in, make_item, make_warehouse, virtual

_n = itertools.count(1)


@dataclass
class Site:
    warehouse: Location
    bin: Location  # sellable storage
    dock: Location  # received, awaiting putaway
    pack: Location  # pack station: picked stock
    returns: Location  # the returns desk (not sellable)
    quarantine: Location
    channel: str


def today() -> date:
    return utcnow().date()


def day_at(days_ago: int, hour: int = 12) -> datetime:
    """`hour` o'clock UTC, `days_ago` days before today."""
    return datetime.combine(today() - timedelta(days=days_ago), time(hour), tzinfo=UTC)


def make_site(prefix: str = "") -> Site:
    p = prefix.upper()
    wh = make_warehouse(f"{p}WH")
    site = Site(
        warehouse=wh,
        bin=make_bin_in(wh, f"{p}A-1"),
        dock=make_bin_in(wh, f"{p}DOCK-1", type="dock", sellable=False),
        pack=make_bin_in(wh, f"{p}PACK-1", type="pack_station", sellable=False),
        returns=make_bin_in(wh, f"{p}RET-1", type="returns", sellable=False),
        quarantine=make_bin_in(wh, f"{p}Q-1", type="quarantine", sellable=False),
        channel=f"{p}WEB",
    )
    create_channel(site.channel, kind="web", name=f"Web {p}", warehouses=[wh.code])
    return site


def move(
    kind: str, item: Item, quantity: int, src: Location, dst: Location, at: datetime | None = None
) -> None:
    post(
        PostingRequest(
            movement_type=kind,
            lines=(MovementLine(item.id, quantity, src.id, dst.id),),
            occurred_at=at,
        )
    )


def receive(
    site: Site, item: Item, quantity: int, at: datetime | None = None, to: Any = None
) -> None:
    move("receipt", item, quantity, virtual("VENDOR"), to or site.bin, at)


def ship(site: Site, item: Item, quantity: int, at: datetime) -> None:
    """Picked from the bin to the pack station, then shipped to the customer, at `at`."""
    move("pick", item, quantity, site.bin, site.pack, at)
    move("ship", item, quantity, site.pack, virtual("CUSTOMER"), at + timedelta(minutes=30))


def restock_return(site: Site, item: Item, quantity: int, at: datetime) -> None:
    """A customer return received at the desk, then put back in the sellable bin."""
    move("return", item, quantity, virtual("CUSTOMER"), site.returns, at)
    move("return", item, quantity, site.returns, site.bin, at + timedelta(hours=1))


def order(site: Site, item: Item, quantity: int, ordered_at: datetime | None = None) -> list[int]:
    """An order captured and allocated by allocation; its line ids."""
    captured = capture_order(
        OrderInput(
            channel=site.channel,
            external_id=f"O-{next(_n)}",
            lines=[LineInput(quantity=quantity, sku=item.sku)],
            ordered_at=ordered_at,
        )
    )
    return [
        int(i)
        for i in db.session.scalars(
            select(OrderLine.id).where(OrderLine.order_id == captured.order.id)
        )
    ]


def backdate_events(line_ids: list[int], at: datetime) -> None:
    """Test set-up only: the lines' status events happened at `at` (no service backdates);
    their orders' facts are kept again as that commits, as if it had happened then."""
    db.session.execute(
        update(OrderEvent).where(OrderEvent.order_line_id.in_(line_ids)).values(at=at)
    )
    settling.note(db.session.scalars(select(OrderLine.order_id).where(OrderLine.id.in_(line_ids))))
    db.session.commit()


def backdate_po(po_id: int, at: datetime) -> None:
    """Test set-up only: the PO was made and opened at `at` (no service backdates a PO)."""
    from scanfloor.purchasing.models import PurchaseOrder

    db.session.execute(
        update(PurchaseOrder).where(PurchaseOrder.id == po_id).values(created_at=at, opened_at=at)
    )
    db.session.commit()


def supplier(code: str, lead_time_days: int = 10, currency: str = "EUR") -> Any:
    return create_supplier(
        code=code,
        name=f"Supplier {code}",
        over_receipt_tolerance_pct="0",
        lead_time_days=lead_time_days,
        currency=currency,
        email=f"{code.lower()}@example.com",
    )


def sells(sup: Any, item: Item, unit_cost: str, **terms: Any) -> Any:
    terms.setdefault("preferred", True)
    return add_supplier_item(sup.id, item_id=item.id, unit_cost=unit_cost, **terms)


def policy(site: Site, item: Item, kind: str, **values: Any) -> Any:
    return upsert_reorder_policy(
        warehouse=site.warehouse.code, policy=kind, item_id=item.id, **values
    )


def item(sku: str) -> Item:
    return make_item(sku)
