"""PNG labels: whole-dot bars, quiet zones, GS1 logistic sizes, dpi tags, and what scans.

Decoding uses a real decoder (zxing-cpp) on the painted image and reads the text back with
the same pure rules the resolver uses (interpret_scan): what is printed is what scans.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from scanfloor.catalog.scan_rules import interpret_scan
from scanfloor.labels.base import DOTS_PER_MM, LabelRuleError
from scanfloor.labels.geometry import Bars, Layout
from scanfloor.labels.layouts import item_layout, location_layout, lpn_layout, sscc_layout
from scanfloor.labels.png import paint, png_bytes

SSCC = "106141411234567897"
EACH_GTIN = "09501101530003"
CASE_GTIN = "19501101530000"
DPIS = (203, 300)


def _item(dpi: int, **kw: object) -> Layout:
    args: dict[str, object] = dict(
        sku="WIDGET-1",
        name="Widget",
        level="case",
        pack_quantity=12,
        gtin=CASE_GTIN,
        internal_code=None,
        lot="B2024-07A",
        expiry=date(2026, 1, 31),
        count=3,
        dpi=dpi,
    )
    args.update(kw)
    return item_layout(**args)  # type: ignore[arg-type]


BUILDERS: dict[str, Callable[[int], Layout]] = {
    "location": lambda dpi: location_layout(
        code="A-01-02", barcode="A-01-02", name="Aisle A", dpi=dpi
    ),
    "location-arrow": lambda dpi: location_layout(
        code="A-01-02", barcode="LOC-A0102", name="Aisle A", dpi=dpi, arrow_to="down"
    ),
    "lpn": lambda dpi: lpn_layout(code="TOTE-0007", kind="tote", where="A-01-02", dpi=dpi),
    "sscc": lambda dpi: sscc_layout(sscc=SSCC, kind="pallet", where="DOCK-1", dpi=dpi),
    "item-each": lambda dpi: _item(
        dpi, level="each", pack_quantity=1, gtin=EACH_GTIN, lot=None, expiry=None, count=None
    ),
    "item-case-lot": _item,
}
CASES = [(kind, dpi) for kind in BUILDERS for dpi in DPIS]


def scans(image: Image.Image) -> list[str]:
    """What a scanner with AIM identifiers on would type for each symbol it reads."""
    found = zxingcpp.read_barcodes(image.convert("L"), text_mode=zxingcpp.TextMode.Plain)
    return [r.symbology_identifier + r.text for r in found]


def _is_black(pixel: int) -> bool:
    return pixel == 0


@pytest.mark.parametrize(("kind", "dpi"), CASES)
def test_every_bar_edge_is_on_a_whole_dot_and_every_bar_is_a_multiple_of_x(kind, dpi):
    layout = BUILDERS[kind](dpi)
    image = paint(layout)
    assert layout.bars
    for bars in layout.bars:
        crop = image.crop((bars.x, bars.y, bars.x + bars.width, bars.y + bars.height))
        rows = {bytes(crop.crop((0, r, crop.width, r + 1)).tobytes()) for r in range(crop.height)}
        assert len(rows) == 1, "every row of a barcode is the same: bars run its full height"
        row = [crop.getpixel((x, 0)) for x in range(crop.width)]
        for i, module in enumerate(bars.symbol.modules):
            dots = row[i * bars.module : (i + 1) * bars.module]
            assert {_is_black(d) for d in dots} == {module == "1"}, f"module {i}"


@pytest.mark.parametrize(("kind", "dpi"), CASES)
def test_quiet_zones_of_ten_x_are_blank_and_inside_the_label(kind, dpi):
    layout = BUILDERS[kind](dpi)
    image = paint(layout)
    for bars in layout.bars:
        assert bars.symbol.quiet_modules >= 10
        left, right = bars.x - bars.quiet, bars.x + bars.width + bars.quiet
        assert left >= 0
        assert right <= layout.width
        for x0, x1 in ((left, bars.x), (bars.x + bars.width, right)):
            zone = image.crop((x0, bars.y, x1, bars.y + bars.height))
            assert zone.convert("L").getextrema() == (255, 255), "nothing in the quiet zone"


@pytest.mark.parametrize(("kind", "dpi"), CASES)
def test_bars_are_never_narrower_than_two_dots_or_a_quarter_millimetre(kind, dpi):
    for bars in BUILDERS[kind](dpi).bars:
        assert bars.module >= 2
        assert bars.module / DOTS_PER_MM[dpi] >= 0.25


@pytest.mark.parametrize("dpi", DPIS)
def test_sscc_label_follows_the_gs1_logistic_label_sizes(dpi):
    layout = BUILDERS["sscc"](dpi)
    (bars,) = layout.bars
    per_mm = DOTS_PER_MM[dpi]
    assert bars.module == {203: 4, 300: 6}[dpi]
    assert bars.module / per_mm >= 0.495
    assert bars.height / per_mm >= 31.75
    assert bars.symbol.hri == f"(00){SSCC}"
    # The SSCC barcode is the lowest thing on the label but its human-readable line.
    lowest = max(e.y for e in layout.elements if isinstance(e, Bars))
    assert all(e.y <= lowest for e in layout.elements if not hasattr(e, "text"))


@pytest.mark.parametrize(("kind", "dpi"), CASES)
def test_png_is_tagged_with_the_printer_resolution(kind, dpi):
    layout = BUILDERS[kind](dpi)
    image = Image.open(io.BytesIO(png_bytes(layout)))
    assert image.format == "PNG"
    assert image.size == (layout.width, layout.height)
    assert tuple(round(v) for v in image.info["dpi"]) == (dpi, dpi)


@pytest.mark.parametrize("dpi", DPIS)
def test_location_label_scans_as_code_128_of_its_barcode(dpi):
    assert scans(paint(BUILDERS["location"](dpi))) == ["]C0A-01-02"]
    read = scans(paint(BUILDERS["location-arrow"](dpi)))
    assert read == ["]C0LOC-A0102"]
    assert interpret_scan(read[0]).code == "LOC-A0102"


@pytest.mark.parametrize("dpi", DPIS)
def test_sscc_label_scans_as_gs1_128_with_ai_00(dpi):
    (read,) = scans(paint(BUILDERS["sscc"](dpi)))
    assert read == f"]C100{SSCC}"
    assert interpret_scan(read).sscc == SSCC


@pytest.mark.parametrize("dpi", DPIS)
def test_each_label_of_a_gtin_13_scans_as_ean_13(dpi):
    (read,) = scans(paint(BUILDERS["item-each"](dpi)))
    assert read == "]E09501101530003"
    assert interpret_scan(read).gtin == EACH_GTIN


@pytest.mark.parametrize("dpi", DPIS)
def test_case_label_with_lot_scans_gtin_lot_expiry_and_count(dpi):
    reads = scans(paint(BUILDERS["item-case-lot"](dpi)))
    assert len(reads) == 1
    scan = interpret_scan(reads[0])
    assert (scan.gtin, scan.lot, scan.expiry, scan.count) == (
        CASE_GTIN,
        "B2024-07A",
        date(2026, 1, 31),
        3,
    )


@pytest.mark.parametrize("dpi", DPIS)
def test_lpn_label_scans_as_code_128_of_the_lpn(dpi):
    assert scans(paint(BUILDERS["lpn"](dpi))) == ["]C0TOTE-0007"]


@pytest.mark.parametrize("dpi", DPIS)
def test_data_too_long_for_one_symbol_is_split_and_every_symbol_carries_the_gtin(dpi):
    layout = _item(dpi, lot="LONGLOTCODE-ABCDEF", count=99_999_999)
    assert len(layout.bars) == 2
    found = [interpret_scan(text) for text in scans(paint(layout))]
    assert len(found) == 2
    assert {s.gtin for s in found} == {CASE_GTIN}
    assert {s.lot for s in found} - {None} == {"LONGLOTCODE-ABCDEF"}
    assert {s.count for s in found} - {None} == {99_999_999}
    assert {s.expiry for s in found} - {None} == {date(2026, 1, 31)}


@pytest.mark.parametrize("dpi", DPIS)
def test_a_twenty_letter_lot_gets_a_symbol_of_its_own_beside_the_gtin(dpi):
    layout = _item(dpi, lot="LONGLOTCODE-ABCDEFGH", count=5)
    found = [interpret_scan(text) for text in scans(paint(layout))]
    by_lot = {s.lot: s for s in found}
    assert set(by_lot) == {None, "LONGLOTCODE-ABCDEFGH"}
    assert (by_lot[None].gtin, by_lot[None].expiry, by_lot[None].count) == (
        CASE_GTIN,
        date(2026, 1, 31),
        5,
    )


def test_a_long_bin_code_gets_narrower_bars_until_it_no_longer_fits():
    roomy = location_layout(code="A-1", barcode="A-1", name="", dpi=203)
    squeezed = location_layout(code="B", barcode="ABCDEFGHIJKLMNOPQRSTUVWX", name="", dpi=203)
    assert (roomy.bars[0].module, squeezed.bars[0].module) == (3, 2)
    assert scans(paint(squeezed)) == ["]C0ABCDEFGHIJKLMNOPQRSTUVWX"]
    with pytest.raises(LabelRuleError):
        location_layout(code="C", barcode="ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ", name="", dpi=203)


def test_lot_or_count_on_an_item_without_a_gtin_is_refused():
    with pytest.raises(LabelRuleError):
        _item(203, gtin=None, internal_code="WID-INNER")
    plain = _item(203, gtin=None, internal_code="WID-INNER", lot=None, expiry=None, count=None)
    assert scans(paint(plain)) == ["]C0WID-INNER"]


def test_a_gtin_14_without_lot_is_printed_as_gs1_128():
    layout = _item(203, lot=None, expiry=None, count=None)
    assert [b.symbol.symbology for b in layout.bars] == ["gs1_128"]
    assert scans(paint(layout)) == [f"]C101{CASE_GTIN}"]
