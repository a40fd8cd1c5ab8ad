"""Receiving and putaway on the scanner PWA in a real phone-sized Chromium, driven by wedge
scans: online, through a dead spot (the network cut, then back), and with a replay the server
refuses, which must surface in Exceptions rather than vanish."""

from __future__ import annotations

import json

import pytest

from .scanner_support import (
    DOCK,
    SUPERVISOR,
    DemoApi,
    open_po_on_scanner,
    receive_case,
    signed_in,
)

pytestmark = pytest.mark.timeout(150)
TIMES = "\u00d7"  # the app writes "12 <multiplication sign> SKU"


@pytest.fixture(scope="module")
def api(demo_server):
    return DemoApi(demo_server)


@pytest.fixture(scope="module")
def items(api):
    """Untracked items with a case pack, one set per test so their dock tasks do not mix."""
    return api.untracked_items(5)


def po_receipts(api, item_id, po):
    return [
        m
        for m in api.movements(item_id, "receipt")
        if m["source_type"] == "purchase_order" and m["source_id"] == str(po["id"])
    ]


def putaways_from_dock(api, item_id):
    return [m for m in api.movements(item_id, "putaway") if m["from_location_code"] == DOCK]


def test_worker_receives_a_po_line_by_wedge_scans_and_puts_it_away(
    demo_server, browser, api, items
):
    item, stranger = items[0], items[1]
    case_gtin, case_qty = api.gtin(item, "case")
    po = api.open_po([(item["id"], case_qty)])
    context, page, app = signed_in(browser, demo_server)

    page.click("[data-job=receive]")
    app.instruction("Scan or pick the purchase order")
    app.shot("receive-po")
    app.scan(po["number"])  # the PO's number scanned off the delivery note
    app.instruction("Scan an item")
    app.shot("receive-item")

    app.scan(api.gtin(stranger, "each")[0])
    app.wait_message(f"{stranger['sku']}.*is not on {po['number']}")
    assert app.feedback()[-1]["kind"] == "error"
    assert po_receipts(api, item["id"], po) == []

    app.scan(case_gtin)
    app.instruction("Confirm the quantity")
    assert page.input_value("input[name=quantity]") == str(case_qty)
    page.get_by_role("button", name="Quantity plus 1").click()  # one loose unit on top
    assert page.input_value("input[name=quantity]") == str(case_qty + 1)
    app.shot("receive-quantity")
    page.click("#confirm-qty")

    # One over the order: a supervisor approves on the spot with badge and PIN.
    app.instruction("Supervisor: scan your badge")
    app.shot("receive-approval")
    app.scan(SUPERVISOR[0])
    app.instruction("Supervisor: enter your PIN")
    page.fill("input[name=pin]", SUPERVISOR[1])
    page.get_by_role("button", name="Approve").click()
    app.instruction("Scan the dock location")
    app.shot("receive-dock")
    app.scan(DOCK)
    app.wait_message(f"Received {case_qty + 1} {TIMES} {item['sku']}.*approved by super")
    assert app.feedback()[-1]["kind"] == "success"
    moves = po_receipts(api, item["id"], po)
    assert [(m["quantity"], m["from_location_code"], m["to_location_code"]) for m in moves] == [
        (case_qty + 1, "VENDOR", DOCK)
    ]

    page.get_by_role("button", name="Other purchase order").click()
    page.goto(f"{demo_server}/scanner/#/putaway")
    app.instruction("Scan an item or LPN on the dock")
    page.locator("[data-task]").first.wait_for()
    app.shot("putaway-list")
    waiting = api.on_hand(item["id"], DOCK)
    assert waiting >= case_qty + 1
    app.scan(case_gtin)
    app.instruction("Scan the bin label")
    target = page.inner_text("#target-bin").strip()
    app.shot("putaway-bin")

    other = "C-04-01-C" if target != "C-04-01-C" else "C-04-02-C"
    app.scan(other)  # not the suggested bin: allowed, with a reason
    app.instruction("Why this bin?")
    app.shot("putaway-reason")
    page.get_by_role("button", name="Back").click()
    app.instruction("Scan the bin label")
    app.scan(target)
    app.wait_message(f"Put away {waiting} {TIMES} {item['sku']}.*in {target}")
    assert app.feedback()[-1]["kind"] == "success"
    [moved] = putaways_from_dock(api, item["id"])
    assert (moved["quantity"], moved["to_location_code"]) == (waiting, target)
    assert api.on_hand(item["id"], DOCK) == 0
    assert app.badge() == "0 pending · 0 problems"
    assert app.errors == []
    context.close()


def test_scans_through_a_dead_spot_are_posted_exactly_once_on_reconnect(
    demo_server, browser, api, items
):
    item = items[2]
    case_gtin, case_qty = api.gtin(item, "case")
    po = api.open_po([(item["id"], 3 * case_qty)])
    context, page, app = signed_in(browser, demo_server)
    open_po_on_scanner(app, po)
    receive_case(app, case_gtin)  # online: stock on the dock, so a putaway task
    page.get_by_role("button", name="Other purchase order").click()
    page.goto(f"{demo_server}/scanner/#/putaway")
    # The task list and each task's barcodes are saved for the dead spot.
    page.wait_for_function(
        """id => Object.keys(localStorage).some(k => k.startsWith('scanfloor.cache.putaway.task.')
             && JSON.parse(localStorage.getItem(k)).value.item?.id === id)""",
        arg=item["id"],
    )
    waiting = api.on_hand(item["id"], DOCK)

    context.set_offline(True)
    page.wait_for_function("document.getElementById('net').textContent === 'Offline'")
    app.scan(case_gtin)
    app.instruction("Scan the bin label")
    target = page.inner_text("#target-bin").strip()
    app.scan(target)
    app.wait_message("Saved on device")
    assert app.feedback()[-1]["kind"] == "success"  # passed the local rules
    app.wait_badge("1 pending · 0 problems")

    page.get_by_role("button", name="Home").click()
    open_po_on_scanner(app, po)  # from the device's saved copy
    receive_case(app, case_gtin)
    app.wait_message("Saved on device")
    app.wait_badge("2 pending · 0 problems")
    app.shot("receive-offline")
    queued = page.evaluate("window.scanfloor.outbox()")
    assert [r["kind"] for r in queued] == ["putaway", "receive"]
    assert len(po_receipts(api, item["id"], po)) == 1
    assert putaways_from_dock(api, item["id"]) == []

    context.set_offline(False)  # the `online` event replays the outbox, oldest first
    app.wait_badge("0 pending · 0 problems")
    receipts = po_receipts(api, item["id"], po)
    assert [m["quantity"] for m in receipts] == [case_qty, case_qty]
    [moved] = putaways_from_dock(api, item["id"])
    assert (moved["quantity"], moved["to_location_code"]) == (waiting, target)
    assert api.on_hand(item["id"], DOCK) == case_qty

    # Replaying again (app start, back to the foreground, the same request resent by hand)
    # posts nothing new: the client id is the Idempotency-Key.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.evaluate("window.scanfloor.flush()")
    resent = app.resend(queued[1])
    assert resent == [201, "true"]
    assert len(po_receipts(api, item["id"], po)) == 2
    assert len(putaways_from_dock(api, item["id"])) == 1
    assert app.errors == []
    context.close()


def test_a_replay_the_server_refuses_lands_in_exceptions_and_is_never_dropped_silently(
    demo_server, browser, api, items
):
    item = items[3]
    case_gtin, case_qty = api.gtin(item, "case")
    po = api.open_po([(item["id"], 4 * case_qty)])
    context, page, app = signed_in(browser, demo_server)
    open_po_on_scanner(app, po)

    context.set_offline(True)
    receive_case(app, case_gtin)
    receive_case(app, case_gtin)
    app.wait_badge("2 pending · 0 problems")
    # Meanwhile the office closes the PO: the queued receipts no longer fit.
    api.call("POST", f"/purchase-orders/{po['id']}/close")

    context.set_offline(False)
    app.wait_badge("0 pending · 2 problems")
    assert po_receipts(api, item["id"], po) == []

    page.click("#outbox-badge")
    app.wait_screen("exceptions")
    cards = page.locator("ul[aria-label='Refused scans'] > li")
    cards.nth(1).wait_for()
    first = cards.nth(0).inner_text()
    assert f"{case_qty} {TIMES} {item['sku']}" in first  # what
    assert f"Where: {DOCK} ({po['number']})" in first  # where
    assert "When: " in first  # when
    assert "po_not_receivable" in first  # why
    app.shot("exceptions")

    cards.nth(0).get_by_role("button", name="Call supervisor").click()
    cards.nth(0).get_by_text("Supervisor called").wait_for()
    assert app.badge() == "0 pending · 2 problems"  # called for, still open

    cards.nth(1).get_by_role("button", name="Skip").click()
    cards.nth(1).get_by_role("button", name="Tap again to skip").click()
    app.wait_badge("0 pending · 1 problems")
    kept = page.evaluate("window.scanfloor.outbox()")
    assert sorted(r["status"] for r in kept) == ["problem", "skipped"]  # skipped, not deleted

    cards.nth(0).get_by_role("button", name="Re-scan").click()
    app.wait_screen("receive")
    app.wait_badge("0 pending · 0 problems")
    assert json.loads(page.evaluate("JSON.stringify(location.hash)")) == f"#/receive?po={po['id']}"
    assert po_receipts(api, item["id"], po) == []
    assert app.errors == []
    context.close()


def test_a_gs1_scan_fills_lot_and_expiry_and_a_plain_gtin_asks_for_them(demo_server, browser, api):
    item = api.lot_tracked_item()
    each_gtin, _ = api.gtin(item, "each")
    po = api.open_po([(item["id"], 10)])
    context, page, app = signed_in(browser, demo_server)
    open_po_on_scanner(app, po)

    app.scan(f"]C101{each_gtin}10GS1-LOT\x1d17301231")
    app.instruction("Confirm the quantity")
    facts = page.inner_text("main .facts")
    assert "GS1-LOT" in facts and "2030-12-31" in facts
    page.click("#confirm-qty")
    app.instruction("Scan the dock location")
    app.scan(DOCK)
    app.wait_message(f"Received 1 {TIMES} {item['sku']}")

    app.scan(each_gtin)  # the bare GTIN: no lot, no expiry in it
    app.instruction("Scan or type the lot")
    app.shot("receive-lot")
    app.scan("HAND-LOT")
    app.instruction("Enter the expiry date")
    page.fill("input[name=expiry]", "2031-01-15")
    page.get_by_role("button", name="Next").click()
    app.instruction("Confirm the quantity")
    page.click("#confirm-qty")
    app.scan(DOCK)
    app.wait_message(f"Received 1 {TIMES} {item['sku']}")
    lots = sorted(m["lot_code"] for m in po_receipts(api, item["id"], po))
    assert lots == ["GS1-LOT", "HAND-LOT"]
    assert app.errors == []
    context.close()
