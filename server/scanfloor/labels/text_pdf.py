"""A small text-PDF writer for documents people read (packing slips, purchase orders).

Labels are bitmaps (pdf.py stores the painted image), but a document's text is real PDF text
in the standard Helvetica fonts (every PDF reader has them; nothing is embedded), written
here directly: a few hundred bytes of structure, no new dependency. Text outside
Windows-1252 prints as "?". Pages are filled top to bottom (`Pages`), then `document` writes
the file.
"""

from __future__ import annotations

import zlib

PAPERS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}  # points
MARGIN = 40.0
ROW = 14.0
DIGIT_EM = 0.556  # every digit is 556/1000 em wide in Helvetica: numbers align right
# Helvetica widths (1/1000 em) of the other characters numbers and money are written with.
_NARROW_EM = {".": 0.278, ",": 0.278, " ": 0.278, "-": 0.333, "+": 0.584}


def pdf_text(value: str) -> bytes:
    """A PDF string literal's body: Windows-1252 bytes, \\ ( ) escaped, controls dropped."""
    clean = "".join(ch if ch.isprintable() else " " for ch in value)
    raw = clean.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def short(text: str, limit: int) -> str:
    """One line of at most `limit` characters: inner whitespace folded, "..." when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def numeric_width(text: str, size: float) -> float:
    """The printed width of a number or amount (digits, separators, sign) in Helvetica."""
    return sum(_NARROW_EM.get(ch, DIGIT_EM) for ch in text) * size


class Pages:
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

    def number(self, right: float, value: int | str, size: float = 10) -> None:
        """A number or an amount ending at `right`."""
        digits = str(value)
        self.text(right - numeric_width(digits, size), digits, size)

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.pages[-1].append(b"%.2f %.2f %.2f %.2f re f" % (x, y, w, h))

    def rule(self) -> None:
        self.rect(MARGIN, self.y + ROW - 10, self.width - 2 * MARGIN, 0.6)


def document(pages: list[list[bytes]], size: tuple[float, float], title: str) -> bytes:
    """The PDF file of these pages' content streams, with Helvetica and Helvetica-Bold."""
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
