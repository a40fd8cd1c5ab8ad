"""Where everything goes on each kind of label, in dots for one printer resolution.

Sizes are label stock in millimetres; bar widths are whole dots: logistic (SSCC) labels use
X = 4 dots at 203 dpi and 6 at 300 (0.5 mm, GS1 minimum 0.495 mm) with 32 mm bars (minimum
31.75 mm); bin, LPN and item labels prefer 3 / 4 dots and go down to 2 / 3 (never below
0.25 mm, never below 2 dots) when a long code would not fit otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .base import LabelRuleError, dots_per_mm
from .geometry import Box, Element, Layout, Text, arrow, centred_bars, fit_module, fit_text
from .gs1 import Element as Gs1Element
from .gs1 import element, yymmdd
from .symbols import Symbol, code128, ean13, gs1_128


@dataclass(frozen=True)
class Stock:
    width_mm: float
    height_mm: float
    module: dict[int, int]  # preferred module (dots) by dpi
    min_module: dict[int, int]


SMALL_X = {203: 3, 300: 4}
SMALLEST_X = {203: 2, 300: 3}
LOGISTIC_X = {203: 4, 300: 6}
LOCATION_STOCK = Stock(100, 40, SMALL_X, SMALLEST_X)
LPN_STOCK = Stock(100, 50, SMALL_X, SMALLEST_X)
ITEM_STOCK = Stock(100, 70, SMALL_X, SMALLEST_X)
SSCC_STOCK = Stock(101.6, 152.4, LOGISTIC_X, LOGISTIC_X)  # 4 x 6 in
LOGISTIC_BAR_MM = 32
MAX_ITEM_SYMBOLS = 2


class _Page:
    """Millimetre helpers for one stock at one resolution."""

    def __init__(self, stock: Stock, dpi: int) -> None:
        self.dpi = dpi
        self.per_mm = dots_per_mm(dpi)
        self.stock = stock
        self.width = int(stock.width_mm * self.per_mm)
        self.height = int(stock.height_mm * self.per_mm)

    def mm(self, value: float) -> int:
        return round(value * self.per_mm)

    def module(self, symbol: Symbol, width: int) -> int:
        return fit_module(
            symbol, width, self.stock.module[self.dpi], self.stock.min_module[self.dpi]
        )

    def text(self, x: int, y: int, height_mm: float, width: int, text: str, **kw: str) -> Text:
        height = self.mm(height_mm)
        return Text(x, y, height, width, fit_text(text, height, width), **kw)


def location_layout(
    *, code: str, barcode: str, name: str, dpi: int, arrow_to: str | None = None
) -> Layout:
    """A bin label: the code in large type, Code 128 of its barcode, an optional arrow."""
    p = _Page(LOCATION_STOCK, dpi)
    margin = p.mm(2)
    elements: list[Element] = []
    left = margin
    if arrow_to is not None:
        elements += arrow(margin, margin, p.mm(16), p.height - 2 * margin, arrow_to)
        left = margin + p.mm(19)
    width = p.width - left - margin
    elements.append(p.text(left, margin, 7, width, code))
    bottom_y = p.height - margin - p.mm(3.75)
    # The barcode's text when it differs from the code, and the name when it says more.
    footer = [barcode] if barcode != code else []
    footer += [name] if name and name != code else []
    if footer:
        elements.append(p.text(left, bottom_y, 3, width, " | ".join(footer)))
    symbol = code128(barcode)
    bars_y = margin + p.mm(8.5)
    module = p.module(symbol, width)
    elements.append(centred_bars(symbol, left, width, bars_y, module, bottom_y - p.mm(1) - bars_y))
    return Layout("location", "location.zpl.j2", dpi, p.width, p.height, tuple(elements), code)


def lpn_layout(*, code: str, kind: str, where: str | None, dpi: int) -> Layout:
    """A tote, carton or pallet label by its LPN: Code 128 of the code."""
    p = _Page(LPN_STOCK, dpi)
    margin = p.mm(2)
    width = p.width - 2 * margin
    elements: list[Element] = [p.text(margin, margin, 8, width, code)]
    bottom_y = p.height - margin - p.mm(4.5)
    caption = kind.upper() + (f" | {where}" if where else "")
    elements.append(p.text(margin, bottom_y, 3.5, width, caption))
    symbol = code128(code)
    bars_y = margin + p.mm(10)
    module = p.module(symbol, width)
    elements.append(
        centred_bars(symbol, margin, width, bars_y, module, bottom_y - p.mm(1.5) - bars_y)
    )
    return Layout("lpn", "lpn.zpl.j2", dpi, p.width, p.height, tuple(elements), code)


def sscc_layout(*, sscc: str, kind: str, where: str | None, dpi: int) -> Layout:
    """A GS1 logistic label: the SSCC as GS1-128 (AI 00), lowest on the label."""
    p = _Page(SSCC_STOCK, dpi)
    margin = p.mm(3)
    width = p.width - 2 * margin
    line = max(2, p.mm(0.5))
    caption = kind.upper() + (f" | {where}" if where else "")
    elements: list[Element] = [
        p.text(margin, margin, 4, width, "SSCC"),
        p.text(margin, margin + p.mm(5.5), 9, width, sscc),
        p.text(margin, margin + p.mm(17), 5, width, caption),
        Box(margin, margin + p.mm(25), width, line, line),
    ]
    symbol = gs1_128([element("00", sscc)])
    module = p.module(symbol, width)
    hri_y = p.height - margin - p.mm(5)
    bars_h = p.mm(LOGISTIC_BAR_MM)
    bars_y = hri_y - p.mm(1.5) - bars_h
    elements += [
        Box(margin, bars_y - p.mm(9), width, line, line),
        p.text(margin, bars_y - p.mm(7), 4, width, "SSCC"),
        centred_bars(symbol, margin, width, bars_y, module, bars_h),
        p.text(margin, hri_y, 4, width, symbol.hri, align="center"),
    ]
    return Layout("sscc", "sscc.zpl.j2", dpi, p.width, p.height, tuple(elements), sscc)


# --- items ----------------------------------------------------------------------------------


def item_elements(
    gtin: str, *, lot: str | None, expiry: date | None, count: int | None
) -> tuple[Gs1Element, list[Gs1Element]]:
    """(key, others): (01) GTIN-14, then (17) expiry, (10) lot and (30) count as given."""
    others = []
    if expiry is not None:
        others.append(element("17", yymmdd(expiry)))
    if lot is not None:
        others.append(element("10", lot))
    if count is not None:
        others.append(element("30", str(count)))
    return element("01", gtin), others


def pack_gs1_symbols(
    key: Gs1Element, others: Sequence[Gs1Element], max_modules: int
) -> list[Symbol]:
    """GS1-128 symbols of at most `max_modules` modules (quiet zones included).

    Each element goes into the first symbol it fits in; a new symbol starts with the key
    again, so that it resolves on its own. Only an element too long to share a symbol with
    the key (a lot of 19-20 letters on a 100 mm label) gets a symbol of its own, without it.
    """

    def fits(group: list[Gs1Element]) -> bool:
        try:
            symbol = gs1_128(group)
        except LabelRuleError:
            return False  # over 48 data characters
        return symbol.width_modules + 2 * symbol.quiet_modules <= max_modules

    groups: list[list[Gs1Element]] = [[key]]
    for extra in others:
        home = next((g for g in groups if fits([*g, extra])), None)
        if home is not None:
            home.append(extra)
        elif fits([key, extra]):
            groups.append([key, extra])
        elif fits([extra]):
            groups.append([extra])
        else:
            raise LabelRuleError(
                "this data is too long for one barcode on this label", {"hri": extra.hri}
            )
    return [gs1_128(group) for group in groups]


def item_layout(
    *,
    sku: str,
    name: str,
    level: str,
    pack_quantity: int,
    gtin: str | None,
    internal_code: str | None,
    lot: str | None,
    expiry: date | None,
    count: int | None,
    dpi: int,
) -> Layout:
    """An item label: EAN-13 for a GTIN-13 alone, else GS1-128 with (01) GTIN-14 and the lot,
    expiry and count; Code 128 for an item known only by an internal code."""
    p = _Page(ITEM_STOCK, dpi)
    margin = p.mm(2)
    width = p.width - 2 * margin
    smallest = p.stock.min_module[dpi]
    if gtin is not None and gtin.startswith("0") and lot is None and expiry is None and not count:
        symbols = [ean13(gtin[1:])]
    elif gtin is not None:
        key, others = item_elements(gtin, lot=lot, expiry=expiry, count=count)
        symbols = pack_gs1_symbols(key, others, width // smallest)
    elif internal_code is not None:
        if lot is not None or expiry is not None or count:
            raise LabelRuleError(
                "lot, expiry and count are printed as GS1 data, which needs a GTIN; "
                "this pack has only an internal barcode",
                {"barcode": internal_code},
            )
        symbols = [code128(internal_code)]
    else:
        raise LabelRuleError("this pack has no barcode to print", {"sku": sku, "level": level})
    if len(symbols) > MAX_ITEM_SYMBOLS:
        raise LabelRuleError(
            f"this data needs more than {MAX_ITEM_SYMBOLS} barcodes on an item label",
            {"symbols": [s.hri for s in symbols]},
        )
    module = min(p.module(s, width) for s in symbols)
    info = [f"{level.upper()} {pack_quantity}" if level != "each" else "EACH"]
    if lot is not None:
        info.append(f"LOT {lot}")
    if expiry is not None:
        info.append(f"EXP {expiry.isoformat()}")
    if count:
        info.append(f"COUNT {count}")
    elements: list[Element] = [
        p.text(margin, margin, 6, width, sku),
        p.text(margin, margin + p.mm(7), 3.5, width, name),
        p.text(margin, margin + p.mm(11.5), 3.5, width, " | ".join(info)),
    ]
    top = margin + p.mm(16.5)
    slot = (p.height - margin - top) // len(symbols)
    bars_h = min(slot - p.mm(5.25), p.mm(25))
    for i, symbol in enumerate(symbols):
        y = top + i * slot
        elements.append(centred_bars(symbol, margin, width, y, module, bars_h))
        hri_y = y + bars_h + p.mm(0.75)
        elements.append(p.text(margin, hri_y, 3, width, symbol.hri, align="center"))
    stem = f"{sku}-{level}" + (f"-{lot}" if lot else "")
    return Layout("item", "item.zpl.j2", dpi, p.width, p.height, tuple(elements), stem)
