"""The packing slip: one order's ship-to, its lines (ordered, packed, missing) and what each
carton holds, as a text PDF on A4 or Letter paper.

A slip is a document people read, search and copy from, so its text is real PDF text
(text_pdf.py, shared with the purchase order document). The order's id is also drawn as
Code 128 bars (vector rectangles), from the same symbol values the labels use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .base import LabelRuleError
from .symbols import code128
from .text_pdf import MARGIN, PAPERS, ROW, Pages, document, short
from .text_pdf import pdf_text as pdf_text  # re-exported: callers import it from here

NAME_CHARS = 48


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class SlipOrderLine:
    sku: str
    name: str
    ordered: int
    packed: int


@dataclass(frozen=True)
class SlipCarton:
    seq: int
    of: int
    sscc: str
    weight: str
    tracking_number: str | None
    lines: tuple[SlipLine, ...]


@dataclass(frozen=True)
class PackingSlip:
    order_id: int
    external_id: str
    channel: str
    printed_on: str
    ship_to: tuple[str, ...]
    ship_from: tuple[str, ...]
    lines: tuple[SlipOrderLine, ...]
    cartons: tuple[SlipCarton, ...] = field(default_factory=tuple)


def _short(text: str, limit: int = NAME_CHARS) -> str:
    return short(text, limit)


def _barcode(pages: Pages, data: str) -> None:
    """Code 128 of the order id, top right; left off when the id cannot be Code 128."""
    try:
        symbol = code128(data)
    except LabelRuleError:
        return
    module = min(1.0, 200.0 / symbol.width_modules)
    x0 = pages.width - MARGIN - symbol.width_modules * module
    for i, bar in enumerate(symbol.modules):
        if bar == "1":
            pages.rect(x0 + i * module, pages.height - MARGIN - 30, module, 34)


def _header(pages: Pages, slip: PackingSlip) -> None:
    pages.text(MARGIN, "PACKING SLIP", 18, bold=True)
    _barcode(pages, slip.external_id)
    pages.y -= 24
    pages.text(MARGIN, f"Order {slip.external_id}", 12, bold=True)
    pages.y -= ROW + 2
    pages.text(MARGIN, f"Order id {slip.order_id}   Channel {slip.channel}   {slip.printed_on}")
    pages.y -= ROW * 2
    top = pages.y
    pages.text(MARGIN, "Ship to", bold=True)
    for line in slip.ship_to or ("-",):
        pages.y -= ROW
        pages.text(MARGIN, _short(line, 40))
    bottom = pages.y
    pages.y = top
    middle = pages.width / 2
    pages.text(middle, "Ship from", bold=True)
    for line in slip.ship_from or ("-",):
        pages.y -= ROW
        pages.text(middle, _short(line, 40))
    pages.y = min(bottom, pages.y) - ROW * 2


def _lines(pages: Pages, slip: PackingSlip) -> None:
    right = pages.width - MARGIN
    cols = (right - 130, right - 65, right)
    pages.text(MARGIN, "SKU", bold=True)
    pages.text(MARGIN + 110, "Item", bold=True)
    for x, title in zip(cols, ("Ordered", "Packed", "Missing"), strict=True):
        pages.text(x - len(title) * 5.2, title, bold=True)
    pages.y -= ROW
    pages.rule()
    for ln in slip.lines:
        pages.need(ROW)
        pages.text(MARGIN, _short(ln.sku, 18))
        pages.text(MARGIN + 110, _short(ln.name, 40))
        for x, n in zip(cols, (ln.ordered, ln.packed, max(0, ln.ordered - ln.packed)), strict=True):
            pages.number(x, n)
        pages.y -= ROW


def _cartons(pages: Pages, slip: PackingSlip) -> None:
    right = pages.width - MARGIN
    for c in slip.cartons:
        pages.y -= ROW
        pages.need(ROW * 3)
        head = f"Carton {c.seq} of {c.of}   SSCC {c.sscc}   {c.weight}"
        if c.tracking_number:
            head += f"   Tracking {c.tracking_number}"
        pages.text(MARGIN, head, 11, bold=True)
        pages.y -= ROW
        pages.rule()
        for ln in c.lines:
            pages.need(ROW)
            pages.text(MARGIN, _short(ln.sku, 18))
            pages.text(MARGIN + 110, _short(ln.name))
            pages.number(right, ln.quantity)
            pages.y -= ROW


def packing_slip_pdf(slip: PackingSlip, paper: str = "a4") -> bytes:
    """The slip as a PDF on A4 or Letter; long orders run onto more pages."""
    if paper not in PAPERS:
        raise LabelRuleError("paper is a4 or letter", {"paper": paper})
    pages = Pages(PAPERS[paper])
    _header(pages, slip)
    _lines(pages, slip)
    _cartons(pages, slip)
    return document(pages.pages, PAPERS[paper], f"Packing slip {slip.external_id}")
