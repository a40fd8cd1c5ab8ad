"""Returns on the scanner PWA in a real phone-sized Chromium, driven by wedge scans against
the demo server: a return received item by item with an item the order never had flagged
(red, the error sound) and accepted knowingly; the same return inspected into three
dispositions (sellable to the suggested bin, damaged with a photo and a restocking fee, the
stray item scrapped) with the credit due shown; a receipt made in a dead spot, saved on the
device and posted exactly once on reconnect; and an unannounced return found by the
customer's name, which a supervisor can tap in the list of arrived returns (a worker scans).

Each test makes its own channel, order and RMA through the REST API as a channel would (a
manager's key), so the shared demo server's other tests are not disturbed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import requests
from PIL import Image

from .outbound_support import TIMES, each_barcode, stocked_items
from .returns_support import QUARANTINE, RETURNS_AREA, Returns, line_of, open_return, receive
from .scanner_support import SUPERVISOR, DemoApi, Scanner, phone_context, signed_in

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def api(demo_server):
    return DemoApi(demo_server)


def phone_photo(path: Path) -> Path:
    """A 'phone camera' JPEG bigger than the app sends (it is scaled down first)."""
    img = Image.new("RGB", (2400, 1800), (180, 40, 40))
    for x in range(0, 2400, 60):
        for y in range(0, 1800, 60):
            img.putpixel((x, y), (255, 255, 255))
    img.save(path, "JPEG", quality=92)
    return path


def test_a_return_is_received_with_a_stray_item_flagged_then_inspected_into_three_dispositions(
    demo_server, browser, api, tmp_path
):
    shoe, sock, stray = stocked_items(api, 3, skip=8)
    ret = Returns(api)
    order = ret.order([(shoe, 2, "20.00"), (sock, 1, "9.50")])
    rma = ret.rma(order, [(shoe, 2)])
    assert rma["number"] == f"RMA{rma['id']:07d}" and rma["status"] == "authorised"
    context, page, app = signed_in(browser, demo_server)

    # Receipt: the RMA label, then the items; the expected line fills up.
    open_return(app, rma["number"])
    assert page.inner_text("#receipt-count").split() == ["Received", "0", "of", "2"]
    app.shot("returns-scan-item")
    receive(app, each_barcode(shoe), f"Received 1 {TIMES} {shoe['sku']}", (1, 2))
    assert app.feedback()[-1]["kind"] == "success"

    # An item the order never had: refused by the server (409 return_flagged), said in red
    # with the error sound, nothing posted; then accepted knowingly.
    app.scan(each_barcode(stray))
    app.instruction("Flagged: not taken yet")
    app.wait_message(f"Not on the order: {stray['sku']}")
    assert app.feedback()[-1]["kind"] == "error"
    assert page.locator("main .message.error").count() == 1
    app.shot("returns-flagged")
    assert ret.movements(stray["id"], rma["id"]) == []
    page.click("#accept-flagged")
    app.wait_message(f"Received 1 {TIMES} {stray['sku']} \\(flagged: not on order\\)")
    assert app.feedback()[-1]["kind"] == "success"
    stray_line = page.locator(f"#return-lines li[data-sku='{stray['sku']}']")
    assert "not on order" in stray_line.inner_text() and "1 / 0" in stray_line.inner_text()
    # The second shoe: all expected is in, but a flagged line keeps the receipt open.
    receive(app, each_barcode(shoe), f"Received 1 {TIMES} {shoe['sku']}", (3, 2))
    app.shot("returns-receive")

    page.click("#done-receiving")
    app.instruction("Receipt closed")
    server = ret.get(rma["id"])
    assert server["status"] == "arrived" and server["receipt_closed_at"]
    assert (line_of(server, shoe)["received_qty"], line_of(server, stray)["flag"]) == (
        2,
        "not_on_order",
    )
    received = ret.movements(shoe["id"], rma["id"]) + ret.movements(stray["id"], rma["id"])
    assert {
        (m["reason_code"], m["from_location_code"], m["to_location_code"]) for m in received
    } == {("customer_return", "CUSTOMER", RETURNS_AREA)}
    assert sum(m["quantity"] for m in received) == 3

    # Inspection, straight from the receipt: the worker scans (the list is a supervisor's).
    page.click("#inspect-now")
    app.wait_screen("inspect")
    app.instruction("Tap the line or scan the item")
    app.scan(each_barcode(shoe))  # the line by its item
    app.instruction("How many are alike?")
    page.get_by_role("button", name="Quantity minus 1").click()
    assert page.input_value("input[name=quantity]") == "1"
    page.click("#qty-next")
    app.instruction("What is it now?")
    assert page.locator("[data-choice]").all_inner_texts()[0].startswith("Sellable")
    assert page.locator("[data-choice]").count() == 5
    app.shot("inspect-disposition")
    page.click("[data-choice=sellable]")
    app.instruction("Credit for the customer")
    assert page.inner_text("#full-credit") == "Full credit: 20.00"
    page.click("[data-choice=full]")
    app.instruction("Photo of its condition?")
    page.click("#skip-photo")
    app.instruction("Scan the bin")
    shoe_line = line_of(server, shoe)
    suggested = api.call("GET", f"/returns/{rma['id']}/lines/{shoe_line['id']}/restock")
    bin_code = page.inner_text("#target-bin").strip()
    assert suggested["suggestion"]["location"]["code"] == bin_code
    app.shot("inspect-bin")
    before = api.on_hand(shoe["id"], bin_code)
    app.scan(bin_code)
    app.instruction("Next line")
    assert page.inner_text("#credit-due").strip() == "20.00"
    app.shot("inspect-credit")
    assert api.on_hand(shoe["id"], bin_code) == before + 1

    # The other shoe is damaged: partial credit less a 2.50 fee, with a photo.
    page.click("#next-line")
    page.click(f"[data-sku='{shoe['sku']}']")
    app.instruction("What is it now?")  # one unit: no quantity to set
    page.click("[data-choice=damaged]")
    page.click("[data-choice=partial]")
    app.instruction("Restocking fee")
    page.fill("input[name=fee]", "2,5")
    page.click("#fee-next")
    app.instruction("Photo of its condition?")
    page.set_input_files("#photo-input", str(phone_photo(tmp_path / "shoe.jpg")))
    app.instruction("Photo saved")
    page.locator("#photo-preview").wait_for()
    app.shot("inspect-photo")
    page.click("#photo-next")
    app.instruction("Confirm: Damaged")
    page.click("#confirm-inspection")
    app.instruction("Next line")
    assert page.inner_text("#credit-due").strip() == "17.50"

    # The stray item has no price: scrapped, no credit; the return is then complete.
    page.click("#next-line")
    page.click(f"[data-sku='{stray['sku']}']")
    page.click("[data-choice=scrap]")
    page.click("[data-choice=none]")
    page.click("#skip-photo")
    page.click("#confirm-inspection")
    app.instruction("Return inspected")
    assert page.inner_text("#credit-due").strip() == "0.00"

    done = ret.get(rma["id"])
    assert done["status"] == "completed" and done["credit_due"] == "37.50"
    by = {(i["disposition"], i["credit"], i["credit_amount"]) for i in done["inspections"]}
    assert by == {("sellable", "full", "20.00"), ("damaged", "partial", "17.50"),
                  ("scrap", "none", "0.00")}  # fmt: skip
    damaged = next(i for i in done["inspections"] if i["disposition"] == "damaged")
    assert damaged["restocking_fee"] == "2.50" and damaged["photo_id"]
    [photo] = done["photos"]
    assert photo["id"] == damaged["photo_id"] and photo["content_type"] == "image/jpeg"
    assert photo["byte_size"] < 1_000_000  # scaled down on the phone before sending
    shown = requests.get(demo_server + photo["url"], headers=api.headers, timeout=15)
    assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(shown.content)) as img:
        assert max(img.size) == 1600
    moves = {
        (m["reason_code"], m["from_location_code"], m["to_location_code"], m["quantity"])
        for m in ret.movements(shoe["id"], rma["id"]) + ret.movements(stray["id"], rma["id"])
    }
    assert moves == {
        ("customer_return", "CUSTOMER", RETURNS_AREA, 1),  # three receipts, one unit each
        ("return_restock", RETURNS_AREA, bin_code, 1),
        ("return_damaged", RETURNS_AREA, QUARANTINE, 1),
        ("return_scrap", RETURNS_AREA, "SCRAP", 1),
    }
    assert app.badge() == "0 pending · 0 problems"
    assert app.errors == []
    context.close()


def test_a_receipt_in_a_dead_spot_is_saved_on_the_device_and_posted_exactly_once(
    demo_server, browser, api
):
    [kettle] = stocked_items(api, 1, skip=11)
    ret = Returns(api)
    order = ret.order([(kettle, 3, "35.00")])
    rma = ret.rma(order, [(kettle, 2)])
    context, page, app = signed_in(browser, demo_server)
    open_return(app, rma["number"])  # online: the return is saved on the device

    context.set_offline(True)
    page.wait_for_function("document.getElementById('net').textContent === 'Offline'")
    each = each_barcode(kettle)
    receive(app, each, f"Saved on device: 1 {TIMES} {kettle['sku']}", (1, 2))
    app.wait_badge("1 pending · 0 problems")
    app.shot("returns-offline")
    # A GS1 scan of 3 is more than the return still expects: flagged here on the device
    # (red, the error sound), nothing queued; the worker does not accept it.
    app.scan(f"]C101{each.zfill(14)}303")
    app.instruction("Flagged: not taken yet")
    app.wait_message(f"Over-return: {kettle['sku']}.*2 expected, 1 already in")
    assert app.feedback()[-1]["kind"] == "error"
    page.click("#decline-flagged")
    app.wait_message("Not accepted")
    app.wait_badge("1 pending · 0 problems")
    # The second: everything expected is in, so the receipt closes (as the server will).
    app.scan(each)
    app.instruction("Receipt closed")
    app.wait_badge("2 pending · 0 problems")
    queued = page.evaluate("window.scanfloor.outbox()")
    assert [r["kind"] for r in queued] == ["return-receive", "return-receive"]
    assert ret.movements(kettle["id"], rma["id"]) == []

    context.set_offline(False)  # the `online` event replays the outbox, oldest first
    app.wait_badge("0 pending · 0 problems")
    server = ret.get(rma["id"])
    assert line_of(server, kettle)["received_qty"] == 2
    # Every expected unit in and nothing flagged: the receipt closed by itself.
    assert server["status"] == "arrived" and server["receipt_closed_at"]
    assert sum(m["quantity"] for m in ret.movements(kettle["id"], rma["id"])) == 2

    # Replaying again (app start, the same request resent by hand) posts nothing new.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("window.scanfloor.flush()")
    resent = app.resend(queued[0])
    assert resent == [200, "true"]
    assert len(ret.movements(kettle["id"], rma["id"])) == 2
    assert app.errors == []
    context.close()


def test_an_unannounced_return_is_found_by_customer_name_and_only_a_supervisor_lists_returns(
    demo_server, browser, api
):
    [lamp] = stocked_items(api, 1, skip=12)
    ret = Returns(api)
    order = ret.order([(lamp, 1, "12.00")])
    context, page, app = signed_in(browser, demo_server)
    page.click("[data-job=returns]")
    app.instruction("Scan the RMA or the order")
    page.fill("input[name=q]", ret.customer)
    page.keyboard.press("Enter")
    app.instruction("Tap the customer's order")
    page.click(f"[data-order='{order['id']}']")
    app.instruction("No return announced")
    app.shot("returns-unannounced")
    page.click("#unannounced")
    app.instruction("Scan an item")
    receive(app, each_barcode(lamp), f"Received 1 {TIMES} {lamp['sku']}")
    app.instruction("Receipt closed")  # the one unit the order sent: closed by itself
    [made] = api.call("GET", "/returns", warehouse="WH1", q=order["external_id"])["returns"]
    assert (made["source"], made["status"]) == ("unannounced", "arrived")
    assert made["order"]["external_id"] == order["external_id"]

    # Inspection: the list of arrived returns needs a supervisor; a worker is told to scan.
    app.open("inspect")
    app.instruction("Scan the RMA label")
    assert "for supervisors" in page.inner_text("#scan-only")
    assert page.locator("[data-rma]").count() == 0
    boss_context = phone_context(browser)
    boss = Scanner(boss_context.new_page(), demo_server).open()
    boss.sign_in(*SUPERVISOR)
    boss.start_shift()
    boss.page.click("[data-job=inspect]")
    boss.instruction("Scan the RMA label")
    boss.page.click(f"[data-rma='{made['id']}']")
    boss.instruction("Tap the line or scan the item")
    assert boss.page.locator(f"[data-sku='{lamp['sku']}']").inner_text().startswith("1 ")
    assert app.errors == [] and boss.errors == []
    boss_context.close()
    context.close()
