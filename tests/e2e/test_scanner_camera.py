"""Camera scanning on a phone: Chromium's fake camera plays a frame the test draws (a GS1-128
label), and the vendored decoder in a Web Worker reads it with no request off this server."""

from __future__ import annotations

from pathlib import Path

import pytest
from barcode import Gs1_128
from PIL import Image, ImageDraw

from .conftest import CHROMIUM
from .scanner_support import WORKER, DemoApi, Scanner, phone_context

pytestmark = pytest.mark.timeout(120)
WIDTH, HEIGHT = 1280, 720
MODULE_PX = 4  # whole pixels per module: crisp bars at the fake camera's 720p


def gs1_128_frame(data: str) -> Image.Image:
    """A white 1280x720 frame with the GS1-128 symbol for `data` (FNC1 between fields)."""
    modules = Gs1_128(data).build()[0]
    img = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(img)
    left = (WIDTH - len(modules) * MODULE_PX) // 2
    assert left > 10 * MODULE_PX, "the symbol and its quiet zones must fit the frame"
    top, bottom = HEIGHT // 2 - 120, HEIGHT // 2 + 120
    for i, bit in enumerate(modules):
        if bit == "1":
            x = left + i * MODULE_PX
            draw.rectangle([x, top, x + MODULE_PX - 1, bottom], fill=0)
    return img


def write_y4m(img: Image.Image, path: Path) -> None:
    """One 4:2:0 frame (Chromium loops it): full-range luma, neutral chroma for grey."""
    luma = img.convert("L").tobytes()
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode())
        f.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture()
def camera_browser(browser, tmp_path):
    """Launch(frame): a second Chromium, from the session's Playwright, whose fake camera
    plays that frame."""
    launched = []

    def launch(frame: Image.Image):
        video = tmp_path / "frame.y4m"
        write_y4m(frame, video)
        camera = browser.browser_type.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video.resolve()}",
            ],
        )
        launched.append(camera)
        return camera

    yield launch
    for camera in launched:
        camera.close()


def test_camera_reads_a_gs1_label_offline_capable_and_counts_it_once(demo_server, camera_browser):
    api = DemoApi(demo_server)
    item = api.untracked_items(1, skip=4)[0]
    case_gtin, case_qty = api.gtin(item, "case")
    po = api.open_po([(item["id"], 2 * case_qty)])
    browser = camera_browser(gs1_128_frame(f"01{case_gtin}10CAM-LOT{Gs1_128.FNC1_CHAR}17271130"))

    # No service worker here, so every request (the decoder worker's too) meets the route
    # below: anything not on this server is refused and recorded.
    context = phone_context(browser, permissions=["camera"], service_workers="block")
    off_server: list[str] = []
    seen: list[str] = []

    def only_this_server(route):
        seen.append(route.request.url)
        if route.request.url.startswith(demo_server):
            route.continue_()
        else:
            off_server.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    app = Scanner(page, demo_server).open("settings")
    app.instruction("Scan any barcode to test")
    page.get_by_role("button", name="Scan with camera").click()
    sent = page.locator("#last-scan dd").first
    sent.wait_for()
    assert sent.inner_text() == f"01{case_gtin}10CAM-LOT<GS>17271130"  # GS kept
    facts = page.inner_text("#last-scan")
    assert "camera" in facts and "CAM-LOT" in facts and "2027-11-30" in facts
    assert page.evaluate("getComputedStyle(document.getElementById('camera')).display") != "none"
    page.wait_for_selector("#flash", state="hidden")
    app.shot("camera")

    # The same label stays in view: read again and again, but one scan.
    page.wait_for_timeout(2500)
    reads = [f for f in app.feedback() if f["title"] == "Scanned"]
    assert len(reads) == 1
    assert page.evaluate("document.getElementById('camera-status').textContent").startswith("Read")

    # On the receive screen, the camera's read goes through the same checks as a wedge scan.
    page.goto(f"{demo_server}/scanner/#/signin")
    app.sign_in(*WORKER)
    page.click("[data-job=receive]")
    page.click(f"[data-po='{po['id']}']")
    app.instruction("Scan an item")
    page.get_by_role("button", name="Scan with camera").click()
    app.instruction("Confirm the quantity")
    assert page.input_value("input[name=quantity]") == str(case_qty)
    assert off_server == []
    assert f"{demo_server}/scanner/vendor/barcode-detector/zxing_reader.wasm" in seen
    assert app.errors == []
    context.close()
