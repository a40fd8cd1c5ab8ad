"""A manager prints labels from the console in a real browser: every bin of a zone as one
PDF, and one bin label as a PNG that a real decoder reads back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import zxingcpp
from PIL import Image

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def test_manager_downloads_every_bin_label_of_a_zone_and_one_bin_label(demo_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(demo_server + "/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(timeout=10_000)

    page.goto(demo_server + "/console/labels")
    row = page.locator("#zones-table tbody tr", has_text="WH1-A")
    button = row.get_by_role("button", name="Download PDF of every bin label")
    button.wait_for(timeout=10_000)
    with page.expect_download(timeout=60_000) as caught:
        button.click()
    download = caught.value
    assert download.suggested_filename == "bins-WH1-A.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 4 * 9 * 3  # aisles x bays x levels

    page.select_option("#format", "png")
    page.select_option("#dpi", "300")
    page.fill("#location-code", "A-01-01-A")
    with page.expect_download(timeout=30_000) as caught:
        page.get_by_role("button", name="Location label").click()
    png = Path(caught.value.path()).read_bytes()
    image = Image.open(io.BytesIO(png))
    assert tuple(round(v) for v in image.info["dpi"]) == (300, 300)
    (found,) = zxingcpp.read_barcodes(image.convert("L"), text_mode=zxingcpp.TextMode.Plain)
    assert found.symbology_identifier + found.text == "]C0A-01-01-A"
    assert page.locator("#status").inner_text().startswith("Saved location-A-01-01-A.png")
    page.screenshot(path=str(SHOTS / "console-labels.png"), full_page=True)
    context.close()
