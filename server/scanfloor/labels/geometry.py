"""A label as positioned elements in printer dots, shared by the PNG and ZPL painters.

Positions are integers in dots, so every bar edge falls on a dot: a bar of n modules is
exactly n * module dots wide, at 203 and at 300 dpi alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageFont

from .base import LabelRuleError
from .symbols import Symbol

ELLIPSIS = "..."  # ASCII: ZPL's built-in font 0 has no U+2026


@dataclass(frozen=True)
class Text:
    """One line of text in a block `width` dots wide, aligned left or centre."""

    x: int
    y: int
    height: int
    width: int
    text: str
    align: str = "left"  # left | center

    kind = "text"


@dataclass(frozen=True)
class Bars:
    """A barcode; x is its first bar (the quiet zones lie outside x .. x + width)."""

    x: int
    y: int
    module: int
    height: int
    symbol: Symbol

    kind = "bars"

    @property
    def width(self) -> int:
        return self.symbol.width_modules * self.module

    @property
    def quiet(self) -> int:
        return self.symbol.quiet_modules * self.module


@dataclass(frozen=True)
class Box:
    """A rectangle: filled when the line is at least half its smaller side."""

    x: int
    y: int
    width: int
    height: int
    thickness: int

    kind = "box"

    @property
    def filled(self) -> bool:
        return 2 * self.thickness >= min(self.width, self.height)


Element = Text | Bars | Box


@dataclass(frozen=True)
class Layout:
    """A whole label at one resolution; `template` names its ZPL template."""

    kind: str
    template: str
    dpi: int
    width: int
    height: int
    elements: tuple[Element, ...]
    name: str  # a file-name stem: location-A-01-01

    @property
    def bars(self) -> tuple[Bars, ...]:
        return tuple(e for e in self.elements if isinstance(e, Bars))


@lru_cache(maxsize=64)
def font(height: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font (no system fonts needed) at `height` pixels."""
    return ImageFont.load_default(size=height)


def text_width(text: str, height: int) -> int:
    return round(font(height).getlength(text))


def fit_text(text: str, height: int, width: int) -> str:
    """The text, shortened with "..." so it fits `width` dots at this height."""
    clean = " ".join(text.split())
    if text_width(clean, height) <= width:
        return clean
    while clean and text_width(clean + ELLIPSIS, height) > width:
        clean = clean[:-1]
    return clean.rstrip() + ELLIPSIS if clean else ""


def fit_module(symbol: Symbol, width: int, preferred: int, minimum: int) -> int:
    """The widest whole-dot module (preferred down to minimum) at which the symbol and its
    quiet zones fit in `width` dots."""
    for module in range(preferred, minimum - 1, -1):
        if (symbol.width_modules + 2 * symbol.quiet_modules) * module <= width:
            return module
    raise LabelRuleError(
        "the barcode is too long for this label at the smallest bar width allowed",
        {
            "data": symbol.hri,
            "modules": symbol.width_modules,
            "label_width_dots": width,
            "min_module_dots": minimum,
        },
    )


def centred_bars(symbol: Symbol, left: int, width: int, y: int, module: int, height: int) -> Bars:
    """The symbol centred in [left, left + width), quiet zones included."""
    room = width - (symbol.width_modules + 2 * symbol.quiet_modules) * module
    x = left + room // 2 + symbol.quiet_modules * module
    return Bars(x=x, y=y, module=module, height=height, symbol=symbol)


def arrow(x: int, y: int, width: int, height: int, direction: str) -> list[Box]:
    """A solid arrow pointing up or down, as filled boxes (a stepped head and a shaft), so the
    ZPL (^GB) and the PNG draw the same shape."""
    if direction not in ("up", "down"):
        raise LabelRuleError("arrow is up or down", {"arrow": direction})
    head = width // 2  # a right-angled head: height half the width
    step = max(2, head // 16)
    boxes: list[Box] = []
    rows = head // step
    for i in range(rows):
        row_w = max(step, width * (i + 1) // rows)
        row_x = x + (width - row_w) // 2
        offset = i * step if direction == "up" else height - (i + 1) * step
        boxes.append(Box(row_x, y + offset, row_w, step, step))
    shaft_w = max(2, width // 3)
    shaft_h = height - rows * step
    shaft_y = y + rows * step if direction == "up" else y
    boxes.append(Box(x + (width - shaft_w) // 2, shaft_y, shaft_w, shaft_h, shaft_w))
    return boxes
