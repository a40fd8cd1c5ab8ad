"""PDF sheets: a page per label at the label's size, or labels in a grid on A4 pages."""

from __future__ import annotations

import re

import pytest

from scanfloor.labels.base import LabelRuleError
from scanfloor.labels.layouts import location_layout
from scanfloor.labels.pdf import pdf_bytes

POINTS_PER_MM = 72 / 25.4


def pages(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf)
    count = len(re.findall(rb"/Type /Page\b(?!s)", pdf))
    assert count == len(boxes)
    return [(float(w) / POINTS_PER_MM, float(h) / POINTS_PER_MM) for w, h in boxes]


def bins(n: int, dpi: int = 203) -> list:
    return [
        location_layout(code=f"A-{i:02d}", barcode=f"A-{i:02d}", name="", dpi=dpi) for i in range(n)
    ]


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_pdf_has_one_page_per_label_the_size_of_the_label(dpi):
    pdf = pdf_bytes(bins(3, dpi))
    assert pdf.startswith(b"%PDF-")
    assert [(round(w, 1), round(h, 1)) for w, h in pages(pdf)] == [(100.0, 40.0)] * 3
    # Bars are stored losslessly (1-bit CCITT), never as JPEG.
    assert b"/CCITTFaxDecode" in pdf
    assert b"/DCTDecode" not in pdf


def test_an_a4_sheet_holds_a_grid_of_labels():
    pdf = pdf_bytes(bins(15), sheet="a4")  # 2 columns x 7 rows of 100 x 40 mm per page
    assert [(round(w), round(h)) for w, h in pages(pdf)] == [(210, 297)] * 2


def test_labels_of_two_resolutions_do_not_share_a_pdf():
    with pytest.raises(LabelRuleError):
        pdf_bytes([*bins(1, 203), *bins(1, 300)])
    with pytest.raises(LabelRuleError):
        pdf_bytes([])
