"""The demo catalog as a pure, deterministic plan: items, packs, GTINs, lots, costs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from biip.checksums import gs1_standard_check_digit

from .names import CATEGORIES, Category

ITEM_COUNT = 500
LOT_TRACKED_SHARE = 0.15
# 950 is GS1 Global Office's prefix for examples and special uses: no real product carries
# a GTIN from this company prefix, so demo codes never clash with goods on a real shelf.
COMPANY_PREFIX = "9501101"
# GTIN-14 indicator digit per pack level (0 would be the each's own GTIN-13).
INDICATORS = {"inner": 1, "case": 2, "pallet": 3}
PALLET_SHARE = 0.2
CASE_SHARE = 0.85
LOT_LETTERS = "ABCDEFGHJKLMNP"


@dataclass(frozen=True)
class PackSpec:
    level: str
    quantity: int
    gtin: str  # GTIN-13 for the each, GTIN-14 for the others; stored as 14 digits


@dataclass(frozen=True)
class LotSpec:
    code: str
    expiry: date


@dataclass(frozen=True)
class ItemSpec:
    sku: str
    name: str
    category: str
    brand: str
    unit_cost: Decimal
    packs: tuple[PackSpec, ...]
    lots: tuple[LotSpec, ...] = ()

    @property
    def lot_tracked(self) -> bool:
        return bool(self.lots)

    def pack_quantity(self, level: str) -> int | None:
        return next((p.quantity for p in self.packs if p.level == level), None)


def gtin13(item_reference: int) -> str:
    body = f"{COMPANY_PREFIX}{item_reference:05d}"
    return body + str(gs1_standard_check_digit(body))


def gtin14(indicator: int, each_gtin13: str) -> str:
    """The GTIN-14 of a grouping of the each: indicator digit, the each's digits, new check."""
    body = f"{indicator}{each_gtin13[:12]}"
    return body + str(gs1_standard_check_digit(body))


def _packs(rng: random.Random, cat: Category, each_gtin: str) -> tuple[PackSpec, ...]:
    packs = [PackSpec("each", 1, each_gtin)]
    inner = None
    if rng.random() < cat.inner_share:
        inner = rng.choice((4, 6, 12))
        packs.append(PackSpec("inner", inner, gtin14(INDICATORS["inner"], each_gtin)))
    if inner is not None or rng.random() < CASE_SHARE:
        case = inner * rng.choice((2, 4)) if inner else rng.choice(cat.case_sizes)
        packs.append(PackSpec("case", case, gtin14(INDICATORS["case"], each_gtin)))
        if rng.random() < PALLET_SHARE:
            pallet = case * rng.choice((40, 60, 80))
            packs.append(PackSpec("pallet", pallet, gtin14(INDICATORS["pallet"], each_gtin)))
    return tuple(packs)


def _lots(rng: random.Random, today: date) -> tuple[LotSpec, ...]:
    count = rng.randint(1, 3)
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(f"{rng.randint(23, 25)}{rng.choice(LOT_LETTERS)}{rng.randint(100, 999)}")
    # Oldest lot expires first; a few expire within weeks, to show first-expiry-first-out.
    offsets = sorted(rng.randint(21, 720) for _ in range(count))
    return tuple(
        LotSpec(code, today + timedelta(days=days))
        for code, days in zip(sorted(codes), offsets, strict=True)
    )


def plan_catalog(rng: random.Random, today: date) -> list[ItemSpec]:
    """ITEM_COUNT items; everything but the expiry dates (relative to today) is fixed by rng."""
    candidates = [
        (cat, brand, f"{brand} {product} {variant}")
        for cat in CATEGORIES
        for brand in cat.brands
        for product, variants in cat.products
        for variant in variants
    ]
    chosen = rng.sample(candidates, ITEM_COUNT)
    order = {cat.code: i for i, cat in enumerate(CATEGORIES)}
    chosen.sort(key=lambda c: (order[c[0].code], c[2]))
    references = rng.sample(range(10000, 100000), ITEM_COUNT)
    perishable = [i for i, (cat, _, _) in enumerate(chosen) if cat.perishable]
    lot_tracked = set(rng.sample(perishable, round(ITEM_COUNT * LOT_TRACKED_SHARE)))

    per_category: dict[str, int] = {}
    items = []
    for i, (cat, brand, name) in enumerate(chosen):
        n = per_category[cat.code] = per_category.get(cat.code, 1000) + 1
        lo, hi = cat.cost_cents
        items.append(
            ItemSpec(
                sku=f"{cat.code}-{n}",
                name=name,
                category=cat.label,
                brand=brand,
                unit_cost=Decimal(rng.randint(lo, hi)).scaleb(-2),
                packs=_packs(rng, cat, gtin13(references[i])),
                lots=_lots(rng, today) if i in lot_tracked else (),
            )
        )
    return items
