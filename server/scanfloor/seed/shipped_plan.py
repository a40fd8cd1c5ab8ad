"""The demo's shipped month as a pure plan (no database): orders both channels sent over the
last month, which the seed takes through a wave, the picks, the pack bench and a ship
confirm (seed/shipped_history.py), and the box each order goes out in.

Order capture is the one step that takes a date: the wave, the picks, the packing and the
ship confirm stamp the time they run, so the orders are dated over the month and go out
today, and the revenue, COGS and shipping-cost entries are today's. The items are the
runtime's choice (untracked, on no other order, stocked on the shelves); an order takes at
most a quarter of an item's shelf stock, so a wave of them never runs short.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from .outbound_plan import (
    CARTON_TYPES,
    CHANNELS,
    TOWNS,
    CartonTypeSpec,
    OrderLinePlan,
    OrderPlan,
    ship_to,
)

SHIPPED_ORDERS = 12
OLDEST_DAY, NEWEST_DAY = 28, 3  # how many days back the orders were placed
FIRST_NUMBER = 9001  # their numbers run before today's orders' (10001...)
MAX_LINES, MAX_UNITS = 3, 4  # per order, per line
UNIT_GRAMS = 450  # what one packed unit weighs, for the carton's gross weight
# The channel's service with the demo carrier: the marketplace promises faster delivery.
SERVICES = {"WEB": "standard", "MARKET": "express"}


def plan_shipped_orders(
    rng: random.Random, shelf: Sequence[tuple[str, int]], now: datetime
) -> list[OrderPlan]:
    """SHIPPED_ORDERS orders of 1-MAX_LINES lines, placed OLDEST_DAY to NEWEST_DAY days
    before `now`, from the (sku, units on the shelves) given, in that order."""
    budget = {sku: units // 4 for sku, units in shelf}
    skus = [sku for sku, _ in shelf if budget[sku] > 0]
    orders: list[OrderPlan] = []
    for n in range(SHIPPED_ORDERS):
        channel = CHANNELS[n % len(CHANNELS)]
        lines = []
        for sku in rng.sample(skus, min(len(skus), rng.randint(1, MAX_LINES))):
            quantity = min(rng.randint(1, MAX_UNITS), budget[sku])
            if quantity > 0:
                budget[sku] -= quantity
                lines.append(OrderLinePlan(sku, quantity))
        if not lines:
            continue
        placed = now - timedelta(days=rng.randint(NEWEST_DAY, OLDEST_DAY), hours=rng.randint(0, 9))
        orders.append(
            OrderPlan(
                channel=channel.code,
                external_id=f"{channel.order_prefix}{FIRST_NUMBER + n}",
                ordered_at=placed,
                ship_to=ship_to(rng, rng.choice(TOWNS)),
                lines=tuple(lines),
            )
        )
    return orders


def carton_for(units: int) -> tuple[str, int]:
    """The smallest demo box that carries `units` units, and the carton's gross weight in
    grams (its tare plus UNIT_GRAMS a unit)."""
    for box in sorted(CARTON_TYPES, key=_capacity):
        weight = box.tare_g + UNIT_GRAMS * units
        if weight <= box.max_weight_g:
            return box.code, weight
    raise ValueError(f"no demo carton carries {units} units")


def _capacity(box: CartonTypeSpec) -> int:
    return box.max_weight_g
