"""Paint a layout with Pillow: 1-bit, whole-dot bars, tagged with the printer's dpi."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from .geometry import Bars, Box, Layout, Text, font, text_width

BLACK, WHITE = 0, 1


def paint(layout: Layout) -> Image.Image:
    """The label as a 1-bit image, one pixel per printer dot."""
    image = Image.new("1", (layout.width, layout.height), WHITE)
    draw = ImageDraw.Draw(image)
    for el in layout.elements:
        if isinstance(el, Bars):
            _bars(draw, el)
        elif isinstance(el, Box):
            _box(draw, el)
        elif isinstance(el, Text):
            _text(draw, el)
    return image


def _bars(draw: ImageDraw.ImageDraw, bars: Bars) -> None:
    modules = bars.symbol.modules
    start = None
    for i, module in enumerate(modules + "0"):
        if module == "1" and start is None:
            start = i
        elif module != "1" and start is not None:
            # Pillow's rectangle includes its last pixel: the bar ends one dot before the
            # next module starts.
            x0 = bars.x + start * bars.module
            x1 = bars.x + i * bars.module - 1
            draw.rectangle((x0, bars.y, x1, bars.y + bars.height - 1), fill=BLACK)
            start = None


def _box(draw: ImageDraw.ImageDraw, box: Box) -> None:
    corners = (box.x, box.y, box.x + box.width - 1, box.y + box.height - 1)
    if box.filled:
        draw.rectangle(corners, fill=BLACK)
    else:
        draw.rectangle(corners, outline=BLACK, width=box.thickness)


def _text(draw: ImageDraw.ImageDraw, text: Text) -> None:
    if not text.text:
        return
    x = text.x
    if text.align == "center":
        x += max(0, (text.width - text_width(text.text, text.height)) // 2)
    draw.text((x, text.y), text.text, font=font(text.height), fill=BLACK)


def png_bytes(layout: Layout) -> bytes:
    buf = io.BytesIO()
    paint(layout).save(buf, "PNG", dpi=(layout.dpi, layout.dpi), optimize=True)
    return buf.getvalue()
