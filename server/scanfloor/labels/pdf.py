"""PDF sheets of labels: one page per label (label printers) or an A4 grid (office printers).

Pages are the 1-bit images png.py paints, stored losslessly (CCITT G4), at the printer's
dots per millimetre, so a page measures exactly the label stock.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

from .base import LabelRuleError, dots_per_mm
from .geometry import Layout
from .png import WHITE, paint

SHEETS = ("label", "a4")
A4_MM = (210, 297)
A4_MARGIN_MM = 5


def pdf_bytes(layouts: Sequence[Layout], sheet: str = "label") -> bytes:
    """All labels in one PDF. Every label must be at the same resolution."""
    if not layouts:
        raise LabelRuleError("there are no labels to put in a PDF")
    dpis = {layout.dpi for layout in layouts}
    if len(dpis) != 1:
        raise LabelRuleError("one PDF holds labels of one resolution", {"dpi": sorted(dpis)})
    if sheet not in SHEETS:
        raise LabelRuleError("sheet is label or a4", {"sheet": sheet})
    per_mm = dots_per_mm(layouts[0].dpi)
    images = [paint(layout) for layout in layouts]
    pages = images if sheet == "label" else _a4_pages(images, per_mm)
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=per_mm * 25.4)
    return buf.getvalue()


def _a4_pages(images: Sequence[Image.Image], per_mm: int) -> list[Image.Image]:
    page_w, page_h = A4_MM[0] * per_mm, A4_MM[1] * per_mm
    margin = A4_MARGIN_MM * per_mm
    cell_w = max(im.width for im in images)
    cell_h = max(im.height for im in images)
    cols = (page_w - 2 * margin) // cell_w
    rows = (page_h - 2 * margin) // cell_h
    if cols < 1 or rows < 1:
        raise LabelRuleError("these labels are larger than an A4 page")
    # Centre the grid so a sheet of labels lines up with the page's middle.
    left = (page_w - cols * cell_w) // 2
    top = (page_h - rows * cell_h) // 2
    pages: list[Image.Image] = []
    for n, image in enumerate(images):
        slot = n % (cols * rows)
        if slot == 0:
            pages.append(Image.new("1", (page_w, page_h), WHITE))
        row, col = divmod(slot, cols)
        pages[-1].paste(image, (left + col * cell_w, top + row * cell_h))
    return pages
