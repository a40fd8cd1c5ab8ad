"""The packing slip: one order's ship-to, its lines (ordered, packed, missing) and what each
carton holds, as a text PDF on A4 or Letter paper.

Labels are bitmaps (pdf.py stores the painted image), but a slip is a document people read,
search and copy from, so its text is real PDF text in the standard Helvetica fonts (every
PDF reader has them; nothing is embedded), written here directly: a few hundred bytes of
structure, no new dependency. Text outside Windows-1252 prints as "?". The order's id is
also drawn as Code 128 bars (vector rectangles), from the same symbol values the labels use.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from .base import LabelRuleError
from .symbols import code128

PAPERS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}  # points
MARGIN = 40.0
ROW = 14.0
NAME_CHARS = 48
_DIGIT_EM = 0.556  # every digit is 556/1000 em wide in Helvetica: numbers align right


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


def pdf_text(value: str) -> bytes:
    """A PDF string literal's body: Windows-1252 bytes, \\ ( ) escaped, controls dropped."""
    clean = "".join(ch if ch.isprintable() else " " for ch in value)
    raw = clean.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


class _Pages:
    """Content streams, one per page, written top to bottom."""

    def __init__(self, size: tuple[float, float]) -> None:
        self.width, self.height = size
        self.pages: list[list[bytes]] = []
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.height - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.new_page()

    def text(self, x: float, text: str, size: float = 10, bold: bool = False) -> None:
        font = b"/F2" if bold else b"/F1"
        self.pages[-1].append(
            b"BT %s %.1f Tf %.2f %.2f Td (%s) Tj ET" % (font, size, x, self.y, pdf_text(text))
        )

    def number(self, right: float, value: int, size: float = 10) -> None:
        digits = str(value)
        self.text(right - len(digits) * _DIGIT_EM * size, digits, size)

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.pages[-1].append(b"%.2f %.2f %.2f %.2f re f" % (x, y, w, h))

    def rule(self) -> None:
        self.rect(MARGIN, self.y + ROW - 10, self.width - 2 * MARGIN, 0.6)


def _short(text: str, limit: int = NAME_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _barcode(pages: _Pages, data: str) -> None:
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


def _header(pages: _Pages, slip: PackingSlip) -> None:
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


def _lines(pages: _Pages, slip: PackingSlip) -> None:
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


def _cartons(pages: _Pages, slip: PackingSlip) -> None:
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


def _document(pages: list[list[bytes]], size: tuple[float, float], title: str) -> bytes:
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages' numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title (%s) /Producer (Scanfloor) >>" % pdf_text(title),
    ]
    kids = []
    for content in pages:
        stream = zlib.compress(b"\n".join(content))
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 %.2f %.2f ] "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
            % (size[0], size[1], len(objects))
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [ %s ] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def packing_slip_pdf(slip: PackingSlip, paper: str = "a4") -> bytes:
    """The slip as a PDF on A4 or Letter; long orders run onto more pages."""
    if paper not in PAPERS:
        raise LabelRuleError("paper is a4 or letter", {"paper": paper})
    pages = _Pages(PAPERS[paper])
    _header(pages, slip)
    _lines(pages, slip)
    _cartons(pages, slip)
    return _document(pages.pages, PAPERS[paper], f"Packing slip {slip.external_id}")
