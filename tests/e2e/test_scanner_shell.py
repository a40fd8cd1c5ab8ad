"""The scanner PWA in a real phone-sized Chromium: installable, opens with no network, signs in
by badge and PIN, tells wedge scans from typing, and answers every scan with sound, vibration,
colour and words."""

from __future__ import annotations

import pytest

from .scanner_support import SUPERVISOR, WORKER, DemoApi, Scanner, phone_context

pytestmark = pytest.mark.timeout(120)


def test_scanner_installs_and_opens_with_no_network(demo_server, browser):
    context = phone_context(browser)
    page = context.new_page()
    app = Scanner(page, demo_server).open()
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["start_url"] == "/scanner/" and manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == demo_server + "/scanner/"
    # The worker claims the page once its versioned shell is cached. Waited for with a
    # promise, not wait_for_function: its polling evaluates a string in the page, which the
    # scanner's CSP (no 'unsafe-eval') refuses whenever the first check finds no controller.
    assert page.evaluate(
        """() => navigator.serviceWorker.controller ? true : new Promise(resolve =>
             navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true)))"""
    )

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    app.instruction("Scan your badge")
    assert page.inner_text("#net") == "Offline"
    # The decoder's wasm is in the shell too: camera scanning works in a dead spot.
    wasm = "/scanner/vendor/barcode-detector/zxing_reader.wasm"
    content_type = "u => fetch(u).then(r => r.headers.get('content-type'))"
    assert page.evaluate(content_type, wasm) == "application/wasm"
    # The API is never answered from a cache.
    assert page.evaluate(
        "fetch('/api/v1/items').then(() => 'answered', () => 'network error')"
    ) == ("network error")
    context.set_offline(False)
    assert app.errors == []
    context.close()


def test_worker_signs_in_with_badge_and_pin_and_sees_the_jobs_of_the_role(demo_server, browser):
    context = phone_context(browser)
    page = context.new_page()
    app = Scanner(page, demo_server).open()
    app.instruction("Scan your badge")
    app.shot("signin")
    app.scan(WORKER[0])
    app.instruction("Enter your PIN")
    assert "BADGE-0004" in page.inner_text("main")
    page.fill("input[name=pin]", "0000")
    page.keyboard.press("Enter")
    app.wait_message("not recognised")
    assert app.feedback()[-1]["kind"] == "error"
    app.shot("signin-pin")

    page.fill("input[name=pin]", WORKER[1])
    page.keyboard.press("Enter")
    app.wait_screen("home")
    assert "Wren Walker" in page.inner_text("main")
    device = page.evaluate("localStorage.getItem('scanfloor.device_id')")
    assert device and device.startswith("scanner-")
    me = page.evaluate(
        "fetch('/api/v1/auth/me', {headers: {Authorization: 'Bearer ' +"
        " JSON.parse(localStorage.getItem('scanfloor.session')).token}}).then(r => r.json())"
    )
    assert me["device_id"] == device and me["username"] == "worker1"
    jobs = page.locator("[data-job]").evaluate_all("els => els.map(e => e.dataset.job)")
    assert jobs == [
        "receive",
        "putaway",
        "replenish",
        "pick",
        "pack",
        "ship",
        "returns",
        "inspect",
        "count",
        "exceptions",
    ]
    app.start_shift()
    app.shot("home")

    page.get_by_role("button", name="Sign out").click()
    app.wait_screen("signin")
    app.sign_in(*SUPERVISOR)
    jobs = page.locator("[data-job]").evaluate_all("els => els.map(e => e.dataset.job)")
    assert "dock-queue" in jobs
    page.click("[data-job=dock-queue]")
    app.instruction("waiting on the dock")
    app.shot("dock-queue")
    assert app.errors == []
    context.close()


def test_a_wedge_burst_is_a_scan_that_keeps_gs_and_aim_but_slow_typing_is_not(demo_server, browser):
    context = phone_context(browser)
    page = context.new_page()
    app = Scanner(page, demo_server).open("settings")
    app.instruction("Scan any barcode to test")

    app.scan("]C10109501101530003\x1d10LOT-7\x1d17261231")
    page.locator("#last-scan").get_by_text("]C10109501101530003<GS>10LOT-7<GS>17261231").wait_for()
    facts = page.inner_text("#last-scan")
    assert "]C1" in facts and "09501101530003" in facts and "LOT-7" in facts
    assert "2026-12-31" in facts

    # A scanner set to send "|" for GS: kept as sent (the server reads it as a separator).
    app.scan("]C10109501101530003|10LOT-8")
    page.locator("#last-scan").get_by_text("]C10109501101530003|10LOT-8").wait_for()
    assert "LOT-8" in page.inner_text("#last-scan")

    # Tighten the threshold in the settings form, as a site would for its scanners.
    page.fill("input[name=scanGapMs]", "250")
    page.get_by_role("button", name="Save settings").click()
    app.wait_message("Settings saved")
    assert page.evaluate("window.scanfloor.settings().scanGapMs") == 250
    app.shot("settings")

    scans_before = len([f for f in app.feedback() if f["title"] == "Scanned"])
    page.locator("h1").click()  # focus back on the page, away from the form
    page.keyboard.type("SLOW", delay=600)  # a person, not a scanner
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert len([f for f in app.feedback() if f["title"] == "Scanned"]) == scans_before
    assert "SLOW" not in page.inner_text("main")

    app.scan("DOCK-01")
    page.locator("#last-scan").get_by_text("DOCK-01", exact=True).wait_for()
    assert app.errors == []
    context.close()


def test_every_scan_is_answered_with_sound_vibration_colour_and_words(demo_server, browser):
    context = phone_context(browser)
    page = context.new_page()
    page.add_init_script(
        "navigator.vibrate = (p) => { (window.__vibrations ||= []).push(p); return true; }"
    )
    app = Scanner(page, demo_server).open()
    app.sign_in(*WORKER)
    app.start_shift()
    assert page.evaluate("window.scanfloor.feedback().at(-1).sounded") is True

    app.scan("ANYTHING-1")  # home has no job chosen: a warning, not a silent ignore
    flash = page.locator("#flash")
    flash.wait_for(state="visible")
    assert flash.get_attribute("data-kind") == "warn"
    assert page.inner_text("#flash-title") == "Choose a job first"
    assert page.inner_text("#flash-symbol") == "!"
    last = app.feedback()[-1]
    assert last["kind"] == "warn" and last["sounded"] is True and last["vibrated"] is True
    assert page.evaluate("window.__vibrations.length") >= 2
    assert app.errors == []
    context.close()


@pytest.mark.parametrize("size", [(412, 915), (480, 800)], ids=["phone", "handheld"])
def test_actions_are_big_full_width_and_within_thumb_reach(demo_server, browser, size):
    width, height = size
    context = phone_context(browser)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    app = Scanner(page, demo_server).open()
    app.sign_in(*WORKER)
    app.instruction("Choose a job")
    page.click("[data-job=putaway]")
    app.instruction("Scan an item or LPN on the dock")
    for screen in ("home", "putaway"):
        if screen == "home":
            page.get_by_role("button", name="Home").click()
            app.instruction("Choose a job")
        boxes = page.locator(".actions .btn").evaluate_all(
            "els => els.map(e => ({...e.getBoundingClientRect().toJSON(),"
            " tile: !!e.closest('.jobs')}))"
        )
        assert boxes, screen
        for box in boxes:
            assert box["height"] >= 56, (screen, box)
            # Full width, bar the margins; the home screen's job tiles go two to a row.
            assert box["width"] >= ((width - 40) / 2 - 8 if box["tile"] else width - 40), (
                screen,
                box,
            )
            assert box["bottom"] <= height, (screen, box)  # on screen without scrolling
        # The first action sits in the lower part of the screen, where a thumb rests.
        assert boxes[0]["top"] >= height * 0.4, (screen, boxes[0])
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    if size == (480, 800):
        app.shot("home-480x800")
    assert app.errors == []
    context.close()


def test_the_local_reading_of_a_scan_agrees_with_the_server(demo_server, browser):
    """What the device checks offline (GTIN, lot, expiry) is what the server reads on replay."""
    api = DemoApi(demo_server)
    item = api.untracked_items(1)[0]
    gtin, _ = api.gtin(item, "each")
    ean13 = gtin[1:]
    raws = [
        f"]C101{gtin}10ABC\x1d17261231",
        f"01{gtin}1727011510XYZ",
        f"]C101{gtin}10ABC|17261200",  # stand-in separator; day 00 = end of month
        f"(01){gtin}(10)L1",
        f"\x1d01{gtin}10FNC",  # FNC1 sent as a leading GS
        ean13,
        f"]E0{ean13}",
    ]
    context = phone_context(browser)
    page = context.new_page()
    Scanner(page, demo_server).open("settings")
    local = page.evaluate(
        """raws => import('/scanner/js/gs1.js').then(m => raws.map(r => m.parseScan(r)))""", raws
    )
    for raw, mine in zip(raws, local, strict=True):
        server = api.call("POST", "/barcodes/resolve", {"code": raw})
        assert server["kind"] == "item" and server["item"]["id"] == item["id"], raw
        assert mine["gtin"] == gtin, raw
        assert mine["lot"] == (server["lot"] or {}).get("code"), raw
        assert mine["expiry"] == server["expiry"], raw
    context.close()
