"""The shipping label: a 4 x 6 in carrier label for one carton.

From the top: ship-from (small), ship-to (large), carrier and service, the order, carton n
of m and the weight, then the tracking number as Code 128 with its text, and the carton's
SSCC in text at the foot (its own barcode is on the SSCC label). The tracking barcode is the
one the carrier scans: X = 4 dots at 203 dpi (6 at 300), down to 2 (3) for a long number,
bars 25 mm high. The weight printed is the gross weight as weighed (box included).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .base import LabelRuleError
from .geometry import Box, Element, Layout, centred_bars
from .layouts import LOGISTIC_X, SMALLEST_X, Stock, _Page
from .symbols import code128

SHIPPING_STOCK = Stock(101.6, 152.4, LOGISTIC_X, SMALLEST_X)  # 4 x 6 in
TRACKING_BAR_MM = 25
MAX_FROM_LINES = 4
MAX_TO_LINES = 6
# Ship-to keys in the order an address is written; unknown keys are left off the label.
_ADDRESS_KEYS: tuple[tuple[str, ...], ...] = (
    ("name",),
    ("company",),
    ("address1", "address", "street", "line1"),
    ("address2", "line2"),
    ("address3", "line3"),
)
_CITY_KEYS = ("postcode", "postal_code", "zip")


@dataclass(frozen=True)
class ShippingLabel:
    ship_from: tuple[str, ...]
    ship_to: tuple[str, ...]
    carrier: str
    service: str
    order: str
    carton_seq: int
    carton_of: int
    weight_g: int | None
    tracking_number: str
    sscc: str


def address_lines(ship_to: Mapping[str, Any]) -> tuple[str, ...]:
    """An order's ship-to (free-form keys from the channel) as address lines."""

    def first(keys: Sequence[str]) -> str:
        for key in keys:
            value = ship_to.get(key)
            if value not in (None, ""):
                return " ".join(str(value).split())
        return ""

    found = [first(keys) for keys in _ADDRESS_KEYS]
    city = " ".join(x for x in (first(_CITY_KEYS), first(("city",))) if x)
    found += [city, first(("state", "region")), first(("country", "country_code"))]
    return tuple(line for line in found if line)


def weight_text(weight_g: int | None) -> str:
    """Grams as kilograms with three decimals, without floats: 2150 -> "2.150 KG"."""
    if weight_g is None:
        return "-"
    return f"{weight_g // 1000}.{weight_g % 1000:03d} KG"


def shipping_layout(label: ShippingLabel, dpi: int) -> Layout:
    """The carrier label of one carton (see the module docstring)."""
    if not label.tracking_number:
        raise LabelRuleError("a shipping label needs the carton's tracking number")
    p = _Page(SHIPPING_STOCK, dpi)
    margin = p.mm(3)
    width = p.width - 2 * margin
    line = max(2, p.mm(0.5))
    elements: list[Element] = []
    y = margin

    def write(height_mm: float, text: str, gap_mm: float = 1.0, **kw: str) -> None:
        nonlocal y
        elements.append(p.text(margin, y, height_mm, width, text, **kw))
        y += p.mm(height_mm + gap_mm)

    def rule() -> None:
        nonlocal y
        elements.append(Box(margin, y, width, line, line))
        y += line + p.mm(2)

    write(3, "FROM")
    for text in label.ship_from[:MAX_FROM_LINES]:
        write(3.5, text, 0.5)
    y += p.mm(1)
    rule()
    write(3.5, "SHIP TO")
    for text in label.ship_to[:MAX_TO_LINES] or ("(no address)",):
        write(6, text, 1.0)
    y += p.mm(1)
    rule()
    write(7, f"{label.carrier} {label.service}".strip(), 1.5)
    write(4.5, f"ORDER {label.order}")
    write(4.5, f"CARTON {label.carton_seq} OF {label.carton_of}")
    write(4.5, f"WEIGHT {weight_text(label.weight_g)}")
    rule()
    symbol = code128(label.tracking_number)
    module = p.module(symbol, width)
    foot_y = p.height - margin - p.mm(3.5)
    hri_y = foot_y - p.mm(6)
    bars_h = p.mm(TRACKING_BAR_MM)
    bars_y = hri_y - p.mm(1.5) - bars_h
    if bars_y - p.mm(5.5) < y:
        raise LabelRuleError("the addresses leave no room for the tracking barcode")
    elements += [
        p.text(margin, bars_y - p.mm(5.5), 4, width, "TRACKING"),
        centred_bars(symbol, margin, width, bars_y, module, bars_h),
        p.text(margin, hri_y, 4.5, width, symbol.hri, align="center"),
        p.text(margin, foot_y, 3, width, f"SSCC {label.sscc}"),
    ]
    return Layout(
        "shipping",
        "shipping.zpl.j2",
        dpi,
        p.width,
        p.height,
        tuple(elements),
        f"shipping-{label.tracking_number}",
    )
