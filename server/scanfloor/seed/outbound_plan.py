"""What the demo seeds for the outbound half, as a pure plan (no database): totes, carton
types, a carrier, two sales channels and the orders they send, allocated as they land.

The orders are chosen so that a wave can be released at once and picked from the seeded
bins: only items the stock plan puts on sellable shelves, in quantities well within that
stock (several orders may share an item), some expiry-tracked so first-expiry-first-out
shows on the pick list. They draw from the back of the catalog: the browser tests receive
and put away items from its front, and the demo orders leave those alone.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .catalog_plan import ItemSpec
from .layout import LocationSpec
from .stock_plan import ReceiptLine

TOTE_COUNT = 40
ORDER_COUNT = 20
FIRST_ORDER_ITEM = 300  # catalog index: the browser tests use items before this one
MIN_ITEM_STOCK = 24  # sellable units an item needs before the demo orders it
LOT_ITEM_ORDERS = 5  # orders with an expiry-tracked line, to show FEFO
SHELF_TYPES = frozenset({"pick_face", "storage"})


@dataclass(frozen=True)
class CartonTypeSpec:
    code: str  # also what the packer scans
    name: str
    length_mm: int
    width_mm: int
    height_mm: int
    tare_g: int
    max_weight_g: int


CARTON_TYPES = (
    CartonTypeSpec("BOX-S", "Small box", 250, 200, 100, 150, 5_000),
    CartonTypeSpec("BOX-M", "Medium box", 400, 300, 200, 350, 15_000),
    CartonTypeSpec("BOX-L", "Large box", 600, 400, 400, 700, 25_000),
)


@dataclass(frozen=True)
class CarrierSpec:
    code: str
    name: str
    adapter: str
    services: tuple[str, ...]
    tracking_prefix: str
    tracking_first: int
    tracking_last: int
    tracking_url_template: str
    rates: tuple[tuple[str, str], ...]  # (service, flat price per carton)


# The manual adapter: our own vans, numbers issued from this range, never twice, each carton
# costed at a flat rate per service (in the functional currency: seed/outbound.py), so the
# margin report subtracts what carrying an order cost.
CARRIER = CarrierSpec(
    code="OWN",
    name="Own fleet",
    adapter="manual",
    services=("standard", "express"),
    tracking_prefix="OWN",
    tracking_first=100_000_001,
    tracking_last=199_999_999,
    tracking_url_template="https://track.example.com/own/{tracking_number}",
    rates=(("standard", "4.95"), ("express", "8.95")),
)


@dataclass(frozen=True)
class ChannelSpec:
    code: str
    kind: str
    name: str
    priority: int
    ship_within_hours: int
    order_prefix: str


# The demo sells at its standard cost marked up, plus VAT on the whole line, so shipments
# book revenue and tax (finance/revenue_rules.py) and the margin pages have figures.
MARKUP = Decimal("2.2")
VAT = Decimal("0.20")
CENT = Decimal("0.01")


def list_price(unit_cost: Decimal) -> Decimal:
    """A unit's selling price: the standard cost x MARKUP, to the cent."""
    return (unit_cost * MARKUP).quantize(CENT, rounding=ROUND_HALF_UP)


def line_tax(price: Decimal, quantity: int) -> Decimal:
    """VAT on a whole line, to the cent."""
    return (price * quantity * VAT).quantize(CENT, rounding=ROUND_HALF_UP)


CHANNELS = (
    ChannelSpec("WEB", "web", "Web shop", 10, 24, "WEB-"),
    ChannelSpec("MARKET", "marketplace", "Marketplace", 5, 48, "MKT-"),
)

# Who the demo ships to: made up, in the example domains' spirit.
REGIONS = ("NORTH", "SOUTH", "EAST", "WEST")
STREETS = ("Harbour Road", "Mill Lane", "Station Street", "Orchard Way", "Church Walk")
TOWNS = ("Ashby", "Brookfield", "Carlow", "Dunmore", "Elmstead", "Fairhaven")
PEOPLE = (
    "Ada Brook",
    "Ben Carter",
    "Cleo Dunn",
    "Dev Ellis",
    "Eva Frost",
    "Finn Grant",
    "Gia Hale",
    "Hugo Irwin",
    "Iris Jones",
    "Jon Keane",
    "Kay Lowe",
    "Leo Moss",
)


def tote_codes() -> tuple[str, ...]:
    return tuple(f"TOTE-{n:03d}" for n in range(1, TOTE_COUNT + 1))


@dataclass(frozen=True)
class OrderLinePlan:
    sku: str
    quantity: int


@dataclass(frozen=True)
class OrderPlan:
    channel: str
    external_id: str
    ordered_at: datetime
    ship_to: dict[str, str]
    lines: tuple[OrderLinePlan, ...]


def shelf_stock(stock: list[ReceiptLine], layout: list[LocationSpec]) -> dict[str, int]:
    """Units of each SKU the stock plan puts in sellable bins."""
    shelves = {loc.code for loc in layout if loc.type in SHELF_TYPES}
    units: dict[str, int] = defaultdict(int)
    for line in stock:
        if line.location in shelves:
            units[line.sku] += line.quantity
    return dict(units)


def plan_orders(
    rng: random.Random,
    catalog: list[ItemSpec],
    stock: list[ReceiptLine],
    layout: list[LocationSpec],
    now: datetime,
) -> list[OrderPlan]:
    """ORDER_COUNT orders of 1-4 lines, ordered over the last day and a half, that the
    seeded shelves can fill: no SKU is ordered beyond a quarter of its shelf stock."""
    on_shelf = shelf_stock(stock, layout)
    eligible = [
        spec for spec in catalog[FIRST_ORDER_ITEM:] if on_shelf.get(spec.sku, 0) >= MIN_ITEM_STOCK
    ]
    plain = [spec for spec in eligible if not spec.lot_tracked]
    lotted = [spec for spec in eligible if spec.lot_tracked]
    budget = {spec.sku: on_shelf[spec.sku] // 4 for spec in eligible}
    orders = []
    for n in range(ORDER_COUNT):
        channel = CHANNELS[n % len(CHANNELS)]
        count = rng.randint(1, 4)
        picks = rng.sample(plain, count)
        if n < LOT_ITEM_ORDERS and lotted:
            picks[0] = rng.choice(lotted)
        lines = []
        for spec in dict.fromkeys(picks):  # one line per SKU
            quantity = min(rng.randint(1, 3), budget[spec.sku])
            if quantity <= 0:
                continue
            budget[spec.sku] -= quantity
            lines.append(OrderLinePlan(spec.sku, quantity))
        if not lines:
            continue
        town = rng.choice(TOWNS)
        orders.append(
            OrderPlan(
                channel=channel.code,
                external_id=f"{channel.order_prefix}{10001 + n}",
                ordered_at=now - timedelta(minutes=rng.randint(10, 36 * 60)),
                ship_to=ship_to(rng, town),
                lines=tuple(lines),
            )
        )
    return orders


def ship_to(rng: random.Random, town: str) -> dict[str, str]:
    """A made-up customer address in `town` (the rest drawn from rng)."""
    return {
        "name": rng.choice(PEOPLE),
        "line1": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        "city": town,
        "postcode": f"{town[:2].upper()}{rng.randint(1, 9)} {rng.randint(1, 9)}XY",
        "country": "GB",
        "region": rng.choice(REGIONS),
    }
