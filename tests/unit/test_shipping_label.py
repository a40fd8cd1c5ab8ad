"""The shipping label and the packing slip, laid out without a database: what is printed
scans (the tracking number, decoded by a real decoder) and the slip's text is real text."""

from __future__ import annotations

import pytest
import zxingcpp

from scanfloor.labels.base import LabelRuleError
from scanfloor.labels.packing_slip import (
    PackingSlip,
    SlipCarton,
    SlipLine,
    SlipOrderLine,
    packing_slip_pdf,
    pdf_text,
)
from scanfloor.labels.png import paint
from scanfloor.labels.shipping_layouts import (
    ShippingLabel,
    address_lines,
    shipping_layout,
    weight_text,
)
from scanfloor.labels.zpl import zpl_label
from tests.packing_helpers import pdf_strings


def label(**kw) -> ShippingLabel:
    base = {
        "ship_from": ("Main warehouse", "1 Dock Road", "Leeds LS1 1AA"),
        "ship_to": ("Ada Lovelace", "12 Analytical Row", "N1 7AA London", "GB"),
        "carrier": "Own Fleet",
        "service": "NEXTDAY",
        "order": "W-1001",
        "carton_seq": 2,
        "carton_of": 3,
        "weight_g": 2150,
        "tracking_number": "OF000000123456",
        "sscc": "306141410000000019",
    }
    return ShippingLabel(**{**base, **kw})


@pytest.mark.parametrize("dpi", [203, 300])
def test_the_tracking_number_on_a_shipping_label_scans_as_code_128(dpi):
    image = paint(shipping_layout(label(), dpi)).convert("L")
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    assert [(r.symbology_identifier, r.text) for r in found] == [("]C0", "OF000000123456")]


def test_a_shipping_label_is_4_by_6_inches_at_the_printers_resolution():
    layout = shipping_layout(label(), 203)
    assert (layout.width, layout.height) == (812, 1219)
    assert layout.template == "shipping.zpl.j2"


def test_the_zpl_shipping_label_prints_the_addresses_and_the_tracking_barcode():
    zpl = zpl_label(shipping_layout(label(ship_to=("Jo ^Tilde~ Smith",)), 203))
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert "CARTON 2 OF 3" in zpl and "WEIGHT 2.150 KG" in zpl and "Own Fleet NEXTDAY" in zpl
    assert "^BCN," in zpl
    # User text cannot end a field: ^ and ~ travel as ^FH escapes.
    assert "Jo _5ETilde_7E Smith" in zpl


def test_a_shipping_label_needs_a_tracking_number():
    with pytest.raises(LabelRuleError):
        shipping_layout(label(tracking_number=""), 203)


def test_ship_to_keys_become_address_lines_in_postal_order():
    lines = address_lines(
        {"country": "GB", "city": "London", "name": "Ada", "postcode": "N1", "address1": "12 Row"}
    )
    assert lines == ("Ada", "12 Row", "N1 London", "GB")
    assert address_lines({}) == ()


def test_weights_print_in_kilograms_without_rounding():
    assert weight_text(2150) == "2.150 KG"
    assert weight_text(7) == "0.007 KG"
    assert weight_text(None) == "-"


def slip(lines: int = 2) -> PackingSlip:
    return PackingSlip(
        order_id=42,
        external_id="W-1001",
        channel="WEB",
        printed_on="2025-01-02",
        ship_to=("Ada (Countess) Lovelace", "12 Analytical Row"),
        ship_from=("Main warehouse",),
        lines=tuple(SlipOrderLine(f"SKU-{n}", f"Item {n}", 3, 2) for n in range(lines)),
        cartons=(
            SlipCarton(
                1, 1, "306141410000000019", "1.000 KG", None, (SlipLine("SKU-0", "Item 0", 2),)
            ),
        ),
    )


@pytest.mark.parametrize(
    ("paper", "size"), [("a4", b"595.28 841.89"), ("letter", b"612.00 792.00")]
)
def test_a_packing_slip_is_a_text_pdf_on_the_chosen_paper(paper, size):
    pdf = packing_slip_pdf(slip(), paper)
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/MediaBox [ 0 0 " + size + b" ]" in pdf
    text = pdf_strings(pdf)
    assert "Order W-1001" in text
    assert "Ada (Countess) Lovelace" in text
    assert {"SKU-0", "SKU-1"} <= set(text)
    assert any("SSCC 306141410000000019" in t for t in text)


def test_a_long_packing_slip_runs_onto_more_pages():
    pdf = packing_slip_pdf(slip(lines=120))
    assert pdf.count(b"/Type /Page ") == 3
    assert "SKU-119" in pdf_strings(pdf)


def test_the_pdf_xref_points_at_every_object():
    pdf = packing_slip_pdf(slip())
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    entries = pdf[start:].split(b"\n")[3:]
    for n, entry in enumerate(e for e in entries if e.endswith(b" n ")):
        offset = int(entry[:10])
        assert pdf[offset:].startswith(b"%d 0 obj" % (n + 1))


def test_pdf_text_escapes_what_would_end_a_string():
    assert pdf_text("a(b)c\\") == b"a\\(b\\)c\\\\"
    assert pdf_text("na\u00efve \u4e2d") == b"na\xefve ?"


def test_the_paper_is_a4_or_letter():
    with pytest.raises(LabelRuleError):
        packing_slip_pdf(slip(), "a3")
