"""Where the demo stock starts: receipt lines from the vendor into bins (pure plan)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from .catalog_plan import ItemSpec
from .layout import DOCK, QUARANTINE, LocationSpec

OUT_OF_STOCK_SHARE = 0.05  # some items have none, so a short pick can be shown
RESERVE_SHARE = 0.6
ON_DOCK_SHARE = 0.04  # received, not yet put away: work for the putaway demo
QUARANTINE_SHARE = 0.01


@dataclass(frozen=True)
class ReceiptLine:
    sku: str
    location: str
    quantity: int
    unit_cost: Decimal
    lot: str | None = None
    reason: str | None = None


def plan_stock(
    rng: random.Random, items: list[ItemSpec], layout: list[LocationSpec]
) -> list[ReceiptLine]:
    faces = [loc.code for loc in layout if loc.type == "pick_face"]
    reserve = [loc.code for loc in layout if loc.type == "storage"]
    lines: list[ReceiptLine] = []
    for item in items:
        if rng.random() < OUT_OF_STOCK_SHARE:
            continue
        case = item.pack_quantity("case")
        pallet = item.pack_quantity("pallet")
        lots: list[str | None] = [lot.code for lot in item.lots] or [None]

        def line(
            location: str,
            quantity: int,
            lot: str | None,
            reason: str | None = None,
            item: ItemSpec = item,
        ) -> ReceiptLine:
            return ReceiptLine(item.sku, location, quantity, item.unit_cost, lot, reason)

        # The pick face holds a case or two (or loose eaches) of the lot that expires first.
        face_qty = case * rng.randint(1, 2) if case and case <= 24 else rng.randint(6, 48)
        lines.append(line(rng.choice(faces), face_qty, lots[0]))
        # Later lots, and for many items more of the same, wait in reserve above.
        if len(lots) > 1 or rng.random() < RESERVE_SHARE:
            for lot in lots[1:] or lots:
                qty = pallet if pallet and rng.random() < 0.5 else (case or 12) * rng.randint(2, 10)
                lines.append(line(rng.choice(reserve), qty, lot))
        if rng.random() < ON_DOCK_SHARE:
            lines.append(line(DOCK, (case or 6) * rng.randint(1, 3), lots[-1]))
        if rng.random() < QUARANTINE_SHARE:
            lines.append(line(QUARANTINE, rng.randint(1, 6), lots[-1], "damaged"))
    return lines
