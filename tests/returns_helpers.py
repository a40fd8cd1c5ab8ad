"""A warehouse that has shipped orders, for returns tests.

`return_site(app)` builds on shipping_helpers.shipping_site (a warehouse WH, sellable bin
A-1, a pack station, a dock door, channel WEB with a webhook, carrier OWN) and adds a
returns area RET-1, QUAR-1 (quarantine), REFURB-1 (refurbish), RTV-1 (rtv), and, through the
catalog service (so it has a barcode, its code), a sellable storage bin R-1 to restock into.
`scanned_item()` makes an item with an each and a case barcode stocked in A-1;
`shipped_order()` takes an order through capture, pick, pack and ship confirm (each step
through the context that owns it); `allocated_order()` only captures it (nothing shipped).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from scanfloor.allocation.models import Order
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.catalog.items_service import PackSpec, create_item
from scanfloor.catalog.locations_service import create_location
from scanfloor.catalog.lots_service import create_lot
from scanfloor.catalog.results import LocationView
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement
from scanfloor.ledger.verify import verify_ledger
from scanfloor.outbox.models import OutboxMessage
from scanfloor.shipping.service import add_carton, confirm_shipment, open_shipment
from tests.factories import make_bin_in, receive
from tests.shipping_helpers import Site, packed_order, shipping_site

_n = itertools.count(1)
CUSTOMER = {"name": "Ada Lovelace", "email": "ada@example.com", "region": "UK"}


@dataclass
class ReturnSite:
    site: Site
    returns: Any  # catalog Location rows (None: the warehouse has no returns area)
    quarantine: Any
    refurbish: Any
    rtv: Any
    restock: LocationView  # a sellable storage bin with a barcode (its code)

    @property
    def warehouse(self) -> Any:
        return self.site.warehouse

    @property
    def channel(self) -> str:
        return self.site.channel


@dataclass(frozen=True)
class ScannedItem:
    id: int
    sku: str
    each: str
    case: str
    case_quantity: int


@dataclass(frozen=True)
class ShippedOrder:
    id: int
    external_id: str


def return_site(app: Any, prefix: str = "", *, returns_area: bool = True) -> ReturnSite:
    """A shipping warehouse with the locations returns need (module docstring); a second
    one (a prefix) has no carrier of its own."""
    site = shipping_site(app, prefix, carrier="OWN" if not prefix else None)
    p = prefix.upper()
    wh = site.warehouse.id

    def area(code: str, type_: str) -> Any:
        # Straight into the table: the catalog service does not create refurbish and rtv
        # locations yet (catalog/rules.py FUNCTIONAL_TYPES), and these are never scanned.
        return make_bin_in(site.warehouse, f"{p}{code}", type=type_, sellable=False)

    return ReturnSite(
        site,
        area("RET-1", "returns") if returns_area else None,
        area("QUAR-1", "quarantine"),
        area("REFURB-1", "refurbish"),
        area("RTV-1", "rtv"),
        create_location(code=f"{p}R-1", type="storage", parent_id=wh, walk_sequence=5),
    )


def scanned_item(
    rs: ReturnSite, stock: int = 20, *, case_quantity: int = 6, lots: Sequence[str] = ()
) -> ScannedItem:
    """An item with an each and a case barcode; `stock` units in bin A-1 (lot-tracked
    items get their lots made and no stock)."""
    n = next(_n)
    sku, each, case = f"RT-{n:04d}", f"RE-{n:05d}", f"RC-{n:05d}"
    made = create_item(
        sku=sku,
        name=f"Returned item {n}",
        tracking="lot" if lots else "none",
        packs=[PackSpec("each", 1, (each,)), PackSpec("case", case_quantity, (case,))],
    )
    for code in lots:
        create_lot(made.id, code=code)
    if stock and not lots:
        receive(_orm_item(made.id), rs.site.bin, stock)
    return ScannedItem(made.id, sku, each, case, case_quantity)


def _orm_item(item_id: int) -> Any:
    from scanfloor.catalog.models import Item

    return db.session.get(Item, item_id)


def _with_customer(order_id: int) -> None:
    db.session.execute(update(Order).where(Order.id == order_id).values(ship_to=CUSTOMER))
    db.session.commit()


def shipped_order(rs: ReturnSite, lines: Sequence[tuple[ScannedItem, int]]) -> ShippedOrder:
    """An order captured, picked, packed into one carton and shipped to the customer."""
    packed = packed_order(rs.site, [(_orm_item(it.id), q) for it, q in lines])
    _with_customer(packed.order_id)
    shipment = open_shipment(rs.warehouse.id, rs.site.carrier, "standard", actor_id=None)
    add_carton(shipment.id, packed.ssccs[0], actor_id=None)
    confirm_shipment(shipment.id, actor_id=None)
    return ShippedOrder(packed.order_id, packed.external_id)


def allocated_order(
    rs: ReturnSite, lines: Sequence[tuple[ScannedItem, int]], price: str = "20.00"
) -> ShippedOrder:
    """An order captured (and reserved where stock allows), nothing shipped."""
    from decimal import Decimal

    external_id = f"A-{next(_n)}"
    got = capture_order(
        OrderInput(
            channel=rs.channel,
            external_id=external_id,
            lines=[LineInput(quantity=q, sku=it.sku, price=Decimal(price)) for it, q in lines],
            ship_to=CUSTOMER,
        )
    )
    return ShippedOrder(got.order.id, external_id)


def set_prices(order_id: int, price: str) -> None:
    """Give every line of the order a unit price (packed_order captures without one)."""
    from decimal import Decimal

    from scanfloor.allocation.models import OrderLine

    db.session.execute(
        update(OrderLine).where(OrderLine.order_id == order_id).values(price=Decimal(price))
    )
    db.session.commit()


def ledger_state() -> tuple[int, list[tuple[Any, ...]]]:
    """Movement count and every balance: a refusal leaves both as they were."""
    db.session.rollback()
    count = int(db.session.scalar(select(func.count()).select_from(Movement)) or 0)
    rows = db.session.execute(
        select(Balance.item_id, Balance.location_id, Balance.lot_id, Balance.container_id,
               Balance.quantity).order_by(Balance.id)
    ).all()  # fmt: skip
    db.session.rollback()
    return count, [tuple(r) for r in rows]


def balance(item_id: int, location_id: int) -> int:
    db.session.rollback()
    found = db.session.scalar(
        select(func.coalesce(func.sum(Balance.quantity), 0)).where(
            Balance.item_id == item_id, Balance.location_id == location_id
        )
    )
    return int(found or 0)


def assert_ledger_clean() -> None:
    db.session.rollback()
    report = verify_ledger()
    assert report.clean, report.lines()


def messages(topic: str) -> list[dict[str, Any]]:
    """Outbox payloads of a topic, oldest first."""
    db.session.rollback()
    rows = db.session.execute(
        select(OutboxMessage.payload).where(OutboxMessage.topic == topic).order_by(OutboxMessage.id)
    ).scalars()
    return [dict(p) for p in rows]


# --- HTTP -----------------------------------------------------------------------------------


def capture(client: Any, headers: dict[str, str], order: ShippedOrder, lines: list[dict[str, Any]],
            **extra: Any) -> Any:  # fmt: skip
    body = {"channel": "WEB", "order_external_id": order.external_id, "lines": lines, **extra}
    return client.post("/api/v1/returns", json=body, headers=headers)


def receive_scan(
    client: Any, headers: dict[str, str], rma_id: int, barcode: str, **extra: Any
) -> Any:
    body = {"barcode": barcode, "client_scan_id": f"rcv-{next(_n)}", **extra}
    return client.post(f"/api/v1/returns/{rma_id}/receive", json=body, headers=headers)


def inspect(client: Any, headers: dict[str, str], rma_id: int, line_id: int, **extra: Any) -> Any:
    body = {
        "return_line_id": line_id,
        "quantity": 1,
        "disposition": "damaged",
        "credit": "full",
        "client_scan_id": f"insp-{next(_n)}",
        **extra,
    }
    return client.post(f"/api/v1/returns/{rma_id}/inspect", json=body, headers=headers)


def grant(users: dict[str, Any], *warehouses: Any) -> None:
    """Workers and supervisors see only the warehouses they are given."""
    from scanfloor.access.service import set_user_warehouses

    for role in ("worker", "supervisor"):
        set_user_warehouses(users[role].id, [wh.id for wh in warehouses])


def rma_count() -> int:
    from scanfloor.returns.models import ReturnAuthorisation

    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(ReturnAuthorisation)) or 0)


def png_bytes(size: tuple[int, int] = (8, 8), noise: bool = False) -> bytes:
    """A real PNG image (noise: random pixels, which do not compress)."""
    import io
    import os

    from PIL import Image

    if noise:
        img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        img = Image.new("RGB", size, (200, 40, 40))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


# --- the command-path table (tests/integration/test_command_path.py) -----------------------


def _command_site(app: Any) -> tuple[ReturnSite, ScannedItem, dict[str, Any]]:
    from scanfloor.auth.models import User

    rs = return_site(app, "")
    users = {u.username: u for u in db.session.scalars(select(User))}
    grant(users, rs.warehouse)
    return rs, scanned_item(rs, 100), users


def _rma(rs: ReturnSite, it: ScannedItem, quantity: int, received: int = 0) -> int:
    from scanfloor.returns.capture_service import RmaInput, RmaLineInput, capture_return
    from scanfloor.returns.receive_service import ReturnScan, receive_return

    order = shipped_order(rs, [(it, quantity)])
    got = capture_return(
        RmaInput(channel=rs.channel, order_id=order.id, lines=[RmaLineInput(quantity, sku=it.sku)])
    )
    if received:
        receive_return(ReturnScan(got.rma.id, it.each, received), actor_id=None)
    return got.rma.id


def capture_case(app: Any) -> tuple[str, dict[str, dict[str, Any]]]:
    """Capture URL and two bodies (variants "a", "b") for the same order."""
    rs, it, _users = _command_site(app)
    order = shipped_order(rs, [(it, 10)])
    bodies = {
        v: {"channel": rs.channel, "external_id": "R-1", "order_id": order.id,
            "lines": [{"sku": it.sku, "quantity": q}]}
        for v, q in (("a", 1), ("b", 2))
    }  # fmt: skip
    return "/api/v1/returns", bodies


def unannounced_case(app: Any) -> tuple[str, dict[str, dict[str, Any]]]:
    rs, it, _users = _command_site(app)
    orders = [shipped_order(rs, [(it, 1)]) for _ in range(2)]
    bodies = {
        v: {"order_id": o.id, "warehouse": rs.warehouse.code}
        for v, o in zip("ab", orders, strict=True)
    }
    return "/api/v1/returns/unannounced", bodies


def receive_case(app: Any) -> tuple[str, dict[str, dict[str, Any]]]:
    rs, it, _users = _command_site(app)
    rma_id = _rma(rs, it, 40)
    bodies = {v: {"barcode": it.each, "quantity": q} for v, q in (("a", 1), ("b", 2))}
    return f"/api/v1/returns/{rma_id}/receive", bodies


def close_receipt_case(app: Any) -> dict[str, str]:
    """The close-receipt URLs of two part-received returns ("a", "b")."""
    rs, it, _users = _command_site(app)
    return {v: f"/api/v1/returns/{_rma(rs, it, 5, received=1)}/close-receipt" for v in "ab"}


def inspect_case(app: Any) -> tuple[str, dict[str, dict[str, Any]]]:
    from scanfloor.returns.queries import rma_view

    rs, it, _users = _command_site(app)
    rma_id = _rma(rs, it, 40, received=40)
    line_id = rma_view(rma_id).lines[0].id
    db.session.rollback()
    bodies = {
        v: {"return_line_id": line_id, "quantity": q, "disposition": "damaged", "credit": "full"}
        for v, q in (("a", 1), ("b", 2))
    }
    return f"/api/v1/returns/{rma_id}/inspect", bodies
