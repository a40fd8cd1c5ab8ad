"""Counting on the scanner PWA in a real phone-sized Chromium, driven by wedge scans and the
keypad: a count off by more than the tolerance goes to a second counter (never back to the
first), whose recount waits for a supervisor, who approves it through the API; a matching
count is matched, a case counts its pack, an item the ledger does not have in the bin is
recorded as not expected (not refused), and an empty bin confirms zero; a count made in a
dead spot is saved on the device and posted exactly once on reconnect.

Each test makes its own bins and stock through the API (the demo server is shared with the
other browser tests) and hands each count to the worker, so "Count" is certain to claim it.
The helpers are in count_support.py."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from .count_support import COUNTER2, Counter, Counts, count_items, ledger_is_clean
from .outbound_support import TIMES, each_barcode, pack_barcode, token_of
from .scanner_support import DemoApi, Scanner, phone_context, signed_in

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def api(demo_server):
    return DemoApi(demo_server)


@pytest.fixture(scope="module")
def items(api):
    return count_items(api, 4)


def second_counter(browser: Any, demo_server: str) -> tuple[Any, Scanner]:
    context = phone_context(browser)
    app = Scanner(context.new_page(), demo_server).open()
    app.sign_in(*COUNTER2)
    app.start_shift()
    return context, app


def test_a_count_beyond_tolerance_is_recounted_by_another_worker_then_approved_by_a_supervisor(
    demo_server, browser, api, items
):
    counts = Counts(api)
    tea = items[0]
    bin_ = counts.new_bin()
    counts.stock(bin_, tea, 10)
    task_id = counts.count_of(bin_)
    context, page, app = signed_in(browser, demo_server)
    counter = Counter(app)
    counter.open()
    app.shot("count-start")
    counter.claim(bin_["code"])
    assert "Task" in page.inner_text("#count-progress")
    app.shot("count-bin")

    # What the device is given is blind: no quantity the ledger holds.
    mine = requests.get(
        f"{api.url}/count-tasks/{task_id}",
        headers={"Authorization": f"Bearer {token_of(api.url, ('BADGE-0004', '4567'))}"},
        timeout=15,
    ).json()
    assert not {"system_qty", "variance", "lines"} & set(mine)

    # A wrong bin: the error sound and colour, the reason, nothing queued or counted.
    app.scan("C-04-01-C")
    app.wait_message(f"Wrong bin: C-04-01-C is not {bin_['code']}")
    assert app.feedback()[-1]["kind"] == "error"
    assert page.evaluate("window.scanfloor.outbox()") == []

    app.scan(bin_["barcode"])
    app.instruction("Scan an item")
    assert page.locator("#bin-empty").is_visible()
    app.scan(each_barcode(tea))
    app.instruction("How many?")
    counter.keypad(3)
    page.click("#confirm-qty")
    app.wait_message(f"Counted 3 {TIMES} {tea['sku']}")
    assert counter.counted() == [f"{tea['sku']} 3 units"]
    counter.bin_done("recount")
    assert "A second counter will check this bin" in app.message()
    assert app.feedback()[-1]["kind"] == "warn"
    app.shot("count-result")
    review = counts.review(task_id)
    assert (review["status"], review["attempt"]) == ("recount", 2)
    assert counts.on_hand(tea, bin_) == 10  # nothing posted yet

    context2, app2 = second_counter(browser, demo_server)
    try:
        with counts.others_held(task_id):
            # The first counter is never given the recount, by the queue or by a supervisor.
            page.locator("#get-work").click()
            app.wait_message("Nothing to count in WH1 right now")
            refused = counts.supervisor(
                "POST", f"/count-tasks/{task_id}/assign", {"user": "worker1"}
            )
            assert refused.status_code == 409
            assert refused.json()["error"]["code"] == "counter_cannot_recount"

            recount = Counter(app2)
            recount.open()
            recount.claim(bin_["code"])
        assert app2.page.inner_text("#count-recount-tag") == "Recount"
        told = [
            " ".join(t.split())
            for t in app2.page.locator("ul[aria-label='Items to recount'] li").all_inner_texts()
        ]
        assert told == [f"{tea['sku']} {tea['name']}"]  # the item, never a quantity
        app2.shot("count-recount")
        app2.scan(bin_["code"])
        app2.instruction("Scan an item")
        app2.scan(each_barcode(items[1]))  # not being recounted: refused on the device
        app2.wait_message(f"Recount only {tea['sku']}")
        assert app2.feedback()[-1]["kind"] == "error"
        recount.count(each_barcode(tea), 3)
        recount.bin_done("approval")
        assert "Waiting for a supervisor" in app2.message()
        assert app2.errors == []
    finally:
        context2.close()

    review = counts.review(task_id)
    assert review["status"] == "approval" and not review["needs_manager"]
    assert counts.on_hand(tea, bin_) == 10
    decided = counts.as_supervisor(
        "POST",
        f"/count-tasks/{task_id}/decide",
        {"decision": "approve", "reason_code": "recount_confirmed"},
    )
    assert decided["status"] == "counted"
    assert [decided[k]["username"] for k in ("counted_by", "recounted_by", "decided_by")] == [
        "worker1",
        "worker2",
        "super",
    ]
    assert counts.on_hand(tea, bin_) == 3
    [loss] = counts.count_movements(task_id, tea)
    assert (loss["from_location_code"], loss["to_location_code"]) == (bin_["code"], "INV-ADJ")
    assert (loss["quantity"], loss["reason_code"]) == (7, "count_loss")
    assert loss["actor_id"] is not None
    ledger_is_clean(api)
    assert app.errors == []
    context.close()


def test_a_matching_count_an_unexpected_item_and_an_empty_bin(demo_server, browser, api, items):
    counts = Counts(api)
    boxed, stray = items[2], items[3]
    per_case = next(p["quantity"] for p in boxed["packs"] if p["level"] == "case")
    full, empty = counts.new_bin(), counts.new_bin()
    counts.stock(full, boxed, 2 * per_case)
    counts.stock(empty, stray, 1)
    first = counts.count_of(full)
    context, page, app = signed_in(browser, demo_server)
    counter = Counter(app)
    counter.open()
    counter.claim(full["code"])
    app.scan(full["code"])
    app.instruction("Scan an item")

    # A case: the screen asks for cases and shows the units.
    app.scan(pack_barcode(boxed, per_case))
    app.instruction(f"How many cases of {per_case}?")
    counter.keypad(2)
    assert page.inner_text("#count-units") == f"= {2 * per_case} units"
    app.shot("count-quantity")
    page.click("#confirm-qty")
    app.wait_message(f"Counted {2 * per_case} {TIMES} {boxed['sku']}")

    # An item the ledger does not have here: recorded, said in amber, not refused.
    counter.count(each_barcode(stray), 1, expect="recorded as not expected here")
    assert app.feedback()[-1]["kind"] == "warn"
    assert f"{stray['sku']} 1 unit not expected here" in counter.counted()
    counter.bin_done("adjusted")
    assert "Small difference posted" in app.message()
    assert app.feedback()[-1]["kind"] == "success"
    lines = counts.review(first)["lines"]
    assert sorted((ln["item"]["sku"], ln["outcome"], ln["unexpected"]) for ln in lines) == sorted(
        [(boxed["sku"], "matched", False), (stray["sku"], "adjusted", True)]
    )
    [gain] = counts.count_movements(first, stray)
    assert (gain["to_location_code"], gain["reason_code"]) == (full["code"], "count_gain")

    # Counting the same bin again, everything as the ledger has it: matched.
    counts.count_of(full)
    page.locator("#get-work").click()
    app.instruction("Scan the bin")
    app.scan(full["barcode"])
    counter.count(pack_barcode(boxed, per_case), 2)
    counter.count(each_barcode(stray), 1)
    counter.bin_done("matched")
    assert "Count matched" in app.message()

    # An empty bin: "Bin empty" after scanning it, asked once more, confirms zero.
    third = counts.count_of(empty)
    page.locator("#get-work").click()
    app.instruction("Scan the bin")
    app.scan(empty["code"])
    app.instruction("Scan an item")
    page.click("#bin-empty")
    app.instruction("Is the bin empty?")
    page.click("#confirm-empty")
    app.instruction("Bin done")
    page.wait_for_selector("#count-result[data-outcome='adjusted']")
    assert counts.on_hand(stray, empty) == 0
    [loss] = counts.count_movements(third, stray)
    assert (loss["from_location_code"], loss["quantity"]) == (empty["code"], 1)
    assert loss["reason_code"] == "count_loss"
    ledger_is_clean(api)
    assert app.errors == []
    context.close()


def test_a_count_made_in_a_dead_spot_is_saved_on_the_device_and_posted_exactly_once(
    demo_server, browser, api, items
):
    counts = Counts(api)
    rice = items[1]
    bin_ = counts.new_bin()
    counts.stock(bin_, rice, 4)
    task_id = counts.count_of(bin_)
    context, page, app = signed_in(browser, demo_server)
    counter = Counter(app)
    counter.open()
    counter.claim(bin_["code"])  # online: the task is saved on the device

    context.set_offline(True)
    page.wait_for_function("document.getElementById('net').textContent === 'Offline'")
    app.scan(bin_["barcode"])  # checked against the device's copy of the task
    app.instruction("Scan an item")
    app.scan(each_barcode(rice))  # an item this device never saw: checked when sent
    app.wait_message("is checked when it is sent")
    app.instruction("How many?")
    counter.keypad(4)
    page.click("#confirm-qty")
    app.wait_message("Saved on device")
    app.wait_badge("1 pending · 0 problems")
    page.click("#bin-done")
    page.wait_for_selector("#count-result[data-outcome='saved']")
    app.wait_badge("2 pending · 0 problems")
    queued = page.evaluate("window.scanfloor.outbox()")
    assert [r["kind"] for r in queued] == ["count", "count-finish"]
    assert counts.review(task_id)["lines"] == []

    context.set_offline(False)  # the `online` event replays the outbox, oldest first
    app.wait_badge("0 pending · 0 problems")
    review = counts.review(task_id)
    assert review["status"] == "counted"
    assert [(ln["counted_qty"], ln["outcome"]) for ln in review["lines"]] == [(4, "matched")]

    # Replaying again (the same request resent by hand) records nothing new.
    resent = page.evaluate(
        """rec => fetch('/api/v1' + rec.path, {
              method: 'POST',
              headers: {
                'Content-Type': 'application/json',
                'Idempotency-Key': rec.client_id,
                Authorization:
                  'Bearer ' + JSON.parse(localStorage.getItem('scanfloor.session')).token,
              },
              body: JSON.stringify(rec.body),
            }).then(r => [r.status, r.headers.get('Idempotent-Replayed')])""",
        queued[0],
    )
    assert resent == [200, "true"]
    assert len(counts.review(task_id)["lines"]) == 1
    assert counts.on_hand(rice, bin_) == 4
    assert app.errors == []
    context.close()
