"""ZPL labels from the Jinja templates: sizes in dots, UTF-8, and user text that cannot
break out of its field."""

from __future__ import annotations

import re
from datetime import date

import pytest

from scanfloor.labels.layouts import item_layout, location_layout, lpn_layout, sscc_layout
from scanfloor.labels.zpl import templates_dir, zpl_escape, zpl_label, zpl_labels

HOSTILE = "Aisle ^XZ^XA~JA_ FS^FS\n~DGR:X"


def test_caret_tilde_underscore_and_control_characters_are_escaped_for_fh():
    assert zpl_escape("a_b^c~d\x1de\nf") == "a_5Fb_5Ec_7Ed e f"
    assert zpl_escape("Ærø 5°C") == "Ærø 5°C"  # ^CI28: UTF-8 text passes as it is


@pytest.mark.parametrize("dpi", [203, 300])
def test_user_text_cannot_end_the_label_or_run_a_command(dpi):
    layout = location_layout(code="A-01-02", barcode="A-01-02", name=HOSTILE, dpi=dpi)
    zpl = zpl_label(layout)
    assert zpl.count("^XA") == 1
    assert zpl.count("^XZ") == 1
    assert zpl.rstrip().endswith("^XZ")
    assert "~" not in zpl  # no template uses ~ commands; a name cannot add one
    assert "Aisle _5EXZ_5EXA_7EJA_5F FS_5EFS _7EDGR:X" in zpl
    # Every field data that could hold user text is hex-escapable: ^FH comes before ^FD.
    assert re.findall(r"\^FD", zpl)
    for found in re.finditer(r"\^FD", zpl):
        assert zpl[found.start() - 3 : found.start()] == "^FH"
    # Each ^FD is closed by its own ^FS before anything else starts.
    for field in re.findall(r"\^FD(.*?)\^FS", zpl):
        assert "^" not in field


@pytest.mark.parametrize("dpi", [203, 300])
def test_zpl_label_is_utf8_and_sized_in_dots(dpi):
    layout = sscc_layout(sscc="106141411234567897", kind="pallet", where=None, dpi=dpi)
    zpl = zpl_label(layout)
    assert zpl.startswith("^XA\n^CI28\n")
    assert f"^PW{layout.width}\n" in zpl
    assert f"^LL{layout.height}\n" in zpl
    assert (layout.width, layout.height) == {203: (812, 1219), 300: (1219, 1828)}[dpi]


def test_sscc_is_printed_as_gs1_128_starting_in_set_c_with_fnc1():
    layout = sscc_layout(sscc="106141411234567897", kind="pallet", where=None, dpi=203)
    zpl = zpl_label(layout)
    assert "^BY4^BCN,256,N,N,N,N^FH^FD>;>800106141411234567897^FS" in zpl


def test_gs1_item_fields_are_separated_by_fnc1_after_a_variable_field():
    layout = item_layout(
        sku="W-1",
        name="Widget",
        level="case",
        pack_quantity=12,
        gtin="19501101530000",
        internal_code=None,
        lot="AB1",
        expiry=date(2026, 1, 31),
        count=7,
        dpi=203,
    )
    (data,) = re.findall(r"\^BC[^\^]*\^FH\^FD([^\^]+)\^FS", zpl_label(layout))
    # (01) and (17) fixed, then (10) lot, FNC1, (30) count: the one separator needed.
    assert data.startswith(">;>8011950110153000017260131")
    assert data.count(">8") == 2


def test_ean13_is_sent_as_twelve_digits_to_be_checked_by_the_printer():
    layout = item_layout(
        sku="W-1",
        name="Widget",
        level="each",
        pack_quantity=1,
        gtin="09501101530003",
        internal_code=None,
        lot=None,
        expiry=None,
        count=None,
        dpi=300,
    )
    assert "^BEN," in zpl_label(layout)
    assert "^FH^FD950110153000^FS" in zpl_label(layout)


def test_a_batch_is_one_label_after_another():
    layouts = [lpn_layout(code=f"TOTE-{n}", kind="tote", where=None, dpi=203) for n in range(1, 4)]
    zpl = zpl_labels(layouts)
    assert zpl.count("^XA") == zpl.count("^XZ") == 3
    assert [m for m in re.findall(r">:(TOTE-\d)", zpl)] == ["TOTE-1", "TOTE-2", "TOTE-3"]


def test_every_label_kind_has_its_template_in_label_templates():
    names = {p.name for p in templates_dir().glob("*.zpl.j2")}
    assert {"location.zpl.j2", "item.zpl.j2", "lpn.zpl.j2", "sscc.zpl.j2"} <= names
