"""Refilling a pick face on the scanner PWA in a real phone-sized Chromium, driven by wedge
scans, the -/+ buttons and the keypad: a face below its min gets a task; the worker claims
it, is sent to the suggested reserve bin, has the pick face and a bin without the item
refused there (the error sound and colour, and why), takes two cases (a case counts its
pack), has a wrong bin refused at the face, takes the rest from the other reserve bin; the
ledger moves the stock and the task is done. Moves made in a dead spot are saved on the
device and posted exactly once on reconnect; one the server refuses then lands in
Exceptions, and Re-scan there goes back to the task. Every replenish screen passes axe-core
with no control under 48 px.

Each test makes its own item, bins, stock and face through the API (the demo server is
shared with the other browser tests); the helpers are in replenish_support.py."""

from __future__ import annotations

from typing import Any

import pytest

from .axe_support import AxeAudit, small_controls
from .count_support import ledger_is_clean
from .outbound_support import TIMES, each_barcode, pack_barcode
from .replenish_support import CASE, Replenishment
from .scanner_support import DemoApi, Scanner, signed_in

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def api(demo_server):
    return DemoApi(demo_server)


class Audit:
    """axe-core and the 48 px rule on the scanner's current screen; fails once at the end."""

    def __init__(self, app: Scanner) -> None:
        self.app = app
        self.axe = AxeAudit()
        self.small: list[str] = []

    def __call__(self, where: str) -> None:
        page = self.app.page
        page.wait_for_selector("#flash", state="hidden")
        self.axe.check(page, f"scanner replenish: {where}")
        self.small += [f"{where}: {c}" for c in small_controls(page)]

    def assert_clean(self) -> None:
        small = ["controls under 48x48 px:", *self.small] if self.small else []
        assert not (self.axe.problems or small), "\n".join(self.axe.report() + small)


def face_below_min(work: Replenishment) -> dict[str, Any]:
    """A face holding 4 with min 10 and max 22 (a task of 18), two reserve bins of two cases
    each, and a bin without the item; the task is the face's."""
    item = work.item()
    face, first, second, empty = (
        work.bin("pick_face"),
        work.bin(),
        work.bin(),
        work.bin(),
    )
    work.stock(face, item, 4)
    work.stock(first, item, 2 * CASE)
    work.stock(second, item, 2 * CASE)
    task_id = work.face(face, item, 10, 22)
    task = work.task(task_id)
    assert (task["status"], task["quantity"], task["remaining"]) == ("open", 18, 18)
    # Both reserve bins are whole cases of the same size: the rules' order picks one.
    suggested = task["suggested_source"]["location"]["code"]
    if suggested != first["code"]:
        first, second = second, first
    assert suggested == first["code"]
    return {
        "item": item,
        "face": face,
        "first": first,
        "second": second,
        "empty": empty,
        "task_id": task_id,
    }


def open_and_claim(app: Scanner, check: Audit | None = None) -> None:
    page = app.page
    page.click("[data-job=replenish]")
    app.wait_screen("replenish")
    app.instruction("Refill a pick face")
    if check:
        check("get a task")
    page.locator("#get-work").click()
    app.instruction("Scan the bin")


def test_a_face_below_min_is_refilled_from_reserve_by_wedge_scans(demo_server, browser, api):
    work = Replenishment(api)
    w = face_below_min(work)
    item, face, first, second = w["item"], w["face"], w["first"], w["second"]
    sku = item["sku"]
    context, page, app = signed_in(browser, demo_server)
    check = Audit(app)
    with work.others_held(w["task_id"]):
        open_and_claim(app, check)
    assert page.inner_text("#target-bin").strip() == first["code"]
    assert f"pick face {face['code']}" in page.inner_text("main")
    assert "Task" in page.inner_text("#replenish-progress")
    check("go to the reserve bin")
    app.shot("replenish-source")

    # The pick face is no source, nor a bin without the item: the error sound and colour,
    # the reason, and nothing queued or moved.
    app.scan(face["barcode"])
    app.wait_message(f"{face['code']} is the pick face you refill")
    assert app.feedback()[-1]["kind"] == "error"
    app.scan(w["empty"]["code"])
    app.wait_message(f"Wrong bin: {w['empty']['code']} holds no {sku} to take")
    assert app.feedback()[-1]["kind"] == "error"
    assert page.locator("main .message.error").count() == 1  # said in red
    check("wrong source bin")
    assert page.evaluate("window.scanfloor.outbox()") == []

    # Two cases from the suggested bin: the whole move, offered in cases.
    app.scan(first["barcode"])
    app.instruction("Scan the item")
    assert page.inner_text("#target-item").strip() == sku
    check("scan the item")
    app.scan(pack_barcode(item, CASE))
    app.instruction(f"How many cases of {CASE}?")
    assert page.inner_text("#replenish-entry").strip() == "2"
    assert page.inner_text("#replenish-units").strip() == f"= {2 * CASE} units"
    check("how many")
    app.shot("replenish-quantity")
    page.click("#confirm-qty")
    app.instruction("Scan the pick face")
    assert page.inner_text("#target-face").strip() == face["code"]
    check("take it to the pick face")
    app.scan(w["empty"]["barcode"])
    app.wait_message(f"Wrong bin: {w['empty']['code']} is not {face['code']}")
    assert app.feedback()[-1]["kind"] == "error"
    app.scan(face["barcode"])
    app.wait_message(f"Moved 2 cases {TIMES} {sku} \\({2 * CASE} units\\)")
    assert app.feedback()[-1]["kind"] == "success"
    assert work.on_hand(item, face) == 4 + 2 * CASE

    # The rest from the other reserve bin, the only one left: single units, set with -/+
    # and the keypad.
    app.instruction("Scan the bin")
    assert page.inner_text("#target-bin").strip() == second["code"]
    assert "moved 12 of 18" in page.inner_text("#replenish-progress")
    app.scan(second["code"])
    app.instruction("Scan the item")
    app.scan(each_barcode(item))
    app.instruction("How many?")
    assert page.inner_text("#replenish-entry").strip() == "6"
    page.click("#qty-minus")
    assert page.inner_text("#replenish-entry").strip() == "5"
    page.click("#qty-plus")
    page.click("#qty-plus")  # never past what the task still needs
    assert page.inner_text("#replenish-entry").strip() == "6"
    page.click("[data-key=clear]")
    page.click("[data-key='9']")  # more than may move: held at the most
    app.wait_message("Only 6 can move from here")
    assert page.inner_text("#replenish-entry").strip() == "6"
    page.click("#confirm-qty")
    app.instruction("Scan the pick face")
    app.scan(face["code"])
    app.instruction("Pick face refilled")
    app.wait_message(f"Moved 6 {TIMES} {sku}")
    check("task done")
    app.shot("replenish-done")

    # The ledger moved the stock, the task is done, nothing waits on the device.
    assert [work.on_hand(item, b) for b in (face, first, second)] == [22, 0, 6]
    assert work.moves_of(w["task_id"], item) == [
        (first["code"], face["code"], 2 * CASE),
        (second["code"], face["code"], 6),
    ]
    task = work.task(w["task_id"])
    assert (task["status"], task["moved"], task["done_by"]["username"]) == ("done", 18, "worker1")
    assert page.evaluate("window.scanfloor.outbox()") == []
    assert app.badge() == "0 pending · 0 problems"
    ledger_is_clean(api)
    assert app.errors == []
    context.close()
    check.assert_clean()


def test_moves_made_in_a_dead_spot_post_once_and_a_refused_one_lands_in_exceptions(
    demo_server, browser, api
):
    work = Replenishment(api)
    w = face_below_min(work)
    item, face, first, second = w["item"], w["face"], w["first"], w["second"]
    sku = item["sku"]
    context, page, app = signed_in(browser, demo_server)
    with work.others_held(w["task_id"]):
        open_and_claim(app)  # online: the task is saved on the device
    assert page.inner_text("#target-bin").strip() == first["code"]

    context.set_offline(True)
    page.wait_for_function("document.getElementById('net').textContent === 'Offline'")
    app.scan(face["code"])  # checked against the device's copy: still refused
    app.wait_message("is the pick face you refill")
    assert app.feedback()[-1]["kind"] == "error"
    app.scan(first["code"])
    app.instruction("Scan the item")
    app.scan(pack_barcode(item, CASE))
    app.instruction(f"How many cases of {CASE}?")
    page.click("#confirm-qty")
    app.instruction("Scan the pick face")
    app.scan(face["barcode"])
    app.wait_message("Saved on device")
    app.wait_badge("1 pending · 0 problems")
    app.instruction("Scan the bin")
    assert page.inner_text("#target-bin").strip() == second["code"]
    app.scan(second["barcode"])
    app.scan(each_barcode(item))
    app.instruction("How many?")
    page.click("#confirm-qty")  # the 6 still wanted
    app.scan(face["code"])
    app.instruction("Pick face refilled")
    app.wait_message("Saved on device")
    app.wait_badge("2 pending · 0 problems")
    queued = page.evaluate("window.scanfloor.outbox()")
    assert [(r["kind"], r["body"]["quantity"]) for r in queued] == [
        ("replenish", 2),
        ("replenish", 6),
    ]
    assert work.task(w["task_id"])["moved"] == 0  # nothing reached the server

    # Meanwhile the back office takes all but 2 from the second bin: that move cannot post.
    work.move(item, 2 * CASE - 2, second, w["empty"])
    context.set_offline(False)  # the `online` event replays the outbox, oldest first
    app.wait_badge("0 pending · 1 problems")
    task = work.task(w["task_id"])
    assert (task["status"], task["moved"]) == ("claimed", 2 * CASE)
    assert [work.on_hand(item, b) for b in (face, first, second)] == [4 + 2 * CASE, 0, 2]

    # Sent again by hand with the same client id: answered from the first time, nothing new.
    assert app.resend(queued[0]) == [201, "true"]
    assert work.task(w["task_id"])["moved"] == 2 * CASE
    assert work.on_hand(item, face) == 4 + 2 * CASE
    assert len(work.moves_of(w["task_id"], item)) == 1

    # The refused move is in Exceptions, with why; Re-scan goes back to the task.
    page.click("#outbox-badge")
    app.wait_screen("exceptions")
    card = page.locator("ul[aria-label='Refused scans'] > li").first
    card.wait_for()
    assert card.get_attribute("data-code") == "insufficient_stock"
    assert f"6 {TIMES} {sku}" in card.inner_text()
    card.get_by_role("button", name="Re-scan").click()
    app.wait_screen("replenish")
    app.instruction("Scan the bin")
    assert "moved 12 of 18" in page.inner_text("#replenish-progress")
    assert app.errors == []
    context.close()
