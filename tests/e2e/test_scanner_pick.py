"""Picking on the scanner PWA in a real phone-sized Chromium, driven by wedge scans: a cluster
task picked bin by bin into totes, with a wrong bin, a wrong item and a wrong tote refused on
the device (nothing queued, nothing posted) and a short pick; the same through a dead spot,
where every pick is saved on the device and posted exactly once on reconnect; and a pick the
server refuses on replay, which lands in Exceptions instead of vanishing.

Each test makes its own channel, orders, totes and wave through the API (the demo server is
shared with other browser tests), and hands its task to the worker as a supervisor would, so
"Get work" is certain to claim it. The helpers are in outbound_support.py."""

from __future__ import annotations

from typing import Any

import pytest

from .outbound_support import (
    PACK_STATION,
    PICKER2,
    TIMES,
    Outbound,
    Picker,
    case_item,
    each_barcode,
    lot_item,
    pack_barcode,
    remaining,
    stocked_items,
)
from .scanner_support import WORKER, DemoApi, Scanner, signed_in

pytestmark = pytest.mark.timeout(240)


def wrong_tote_refused(app: Scanner, picker: Picker, line: dict[str, Any], bound: set[int]) -> bool:
    """Offer the tote of another order already on the cart: refused on the device."""
    order_id = line["order"]["id"]
    others = [t for o, t in picker.totes.items() if o != order_id and o in bound]
    if not others:
        return False
    app.scan(others[0])
    app.wait_message(f"{others[0]} holds order")
    assert app.feedback()[-1]["kind"] == "error"
    return True


@pytest.fixture(scope="module")
def api(demo_server):
    return DemoApi(demo_server)


def test_a_picker_picks_a_cluster_task_by_wedge_scans_refusing_wrong_scans_and_reporting_a_short(
    demo_server, browser, api
):
    out = Outbound(api)
    tea, milk = stocked_items(api, 2, skip=0)
    channel = out.channel()
    first = out.order(channel, [(tea, 3), (milk, 2)])
    second = out.order(channel, [(tea, 2)])
    tote1, tote2 = out.totes(2)
    wave = out.release(channel)
    [summary] = wave["tasks"]
    out.give_to(summary["id"], WORKER)
    context, page, app = signed_in(browser, demo_server)
    picker = Picker(app, out, summary["id"], {first["id"]: tote1, second["id"]: tote2})

    page.click("[data-job=pick]")
    app.instruction("Get work")
    app.shot("pick-start")
    page.locator("#get-work").click()
    line = picker.current()
    assert page.inner_text("#pick-progress").startswith(f"Task {summary['id']}")
    app.shot("pick-bin")

    # A wrong bin: the error sound and colour, the reason, and nothing queued or posted.
    wrong = next(b for b in ("C-04-01-C", "C-04-02-C") if b != line["bin"]["code"])
    app.scan(wrong)
    app.wait_message(f"Wrong bin: {wrong} is not {line['bin']['code']}")
    assert app.feedback()[-1]["kind"] == "error"
    app.shot("pick-wrong-bin")
    assert page.evaluate("window.scanfloor.outbox()") == []
    task = out.task(summary["id"])
    assert out.picks_of(task) == [] and all(ln["picked"] == 0 for ln in task["lines"])
    app.instruction("Scan the bin")

    # A wrong item at the right bin: refused on the device too.
    app.scan(line["bin"]["code"])
    app.instruction("Scan the item")
    other = milk if line["item"]["id"] == tea["id"] else tea
    app.scan(each_barcode(other))
    app.wait_message(f"That is {other['sku']}")
    assert app.feedback()[-1]["kind"] == "error"
    page.get_by_role("button", name="Back to the bin").click()
    picker.pick(line, shots="pick")  # a free tote binds to the first order put into it
    bound = {line["order"]["id"]}
    refused_tote = False

    # The rest, each order into its own tote (another order's tote is refused), but the last
    # line, which is reported short.
    while len([ln for ln in out.task(summary["id"])["lines"] if ln["status"] == "open"]) > 1:
        line = picker.current()
        picker.to_tote_step(line)
        refused_tote |= wrong_tote_refused(app, picker, line, bound)
        picker.into_tote(line)
        bound.add(line["order"]["id"])

    # The last line: Short, the bin again, one found (into the tote), the rest looked for.
    line = picker.current()
    page.locator("#short").click()
    app.instruction("Scan the bin again")
    app.shot("pick-short-bin")
    app.scan(line["bin"]["code"])
    app.instruction("How many are really there?")
    page.get_by_role("button", name="Found plus 1").click()
    assert page.input_value("input[name=quantity]") == "1"
    app.shot("pick-short-found")
    page.locator("#confirm-short").click()
    app.instruction("Scan the tote for the 1 found")
    if not refused_tote:
        refused_tote = wrong_tote_refused(app, picker, line, bound)
    assert refused_tote  # with two orders on the cart, one was offered the other's tote
    app.scan(picker.totes[line["order"]["id"]])
    app.wait_message(f"Short {line['item']['sku']}: found 1 of {remaining(line)} reported")
    assert app.feedback()[-1]["kind"] == "success"

    # Stock elsewhere in WH1: the rest was reserved there and added to this task.
    task = out.task(summary["id"])
    short = next(ln for ln in task["lines"] if ln["id"] == line["id"])
    assert (short["status"], short["picked"], short["short"]) == ("short", 1, remaining(line) - 1)
    added = [ln for ln in task["lines"] if ln["status"] == "open"]
    assert [ln["order_line_id"] for ln in added] == [line["order_line_id"]]
    assert added[0]["bin"]["code"] != line["bin"]["code"]
    picker.pick(picker.current())

    app.instruction("Take the totes to packing")
    app.shot("pick-done")
    listed = page.locator("ul[aria-label='Totes to take'] li").all_inner_texts()
    assert sorted(t.split()[0] for t in listed) == sorted({tote1, tote2})
    task = out.task(summary["id"])
    assert task["status"] == "done"
    picks = out.picks_of(task)
    by_order: dict[int, int] = {}
    for ln in task["lines"]:
        by_order[ln["order"]["id"]] = by_order.get(ln["order"]["id"], 0) + ln["picked"]
    assert by_order == {first["id"]: 5, second["id"]: 2}
    assert sum(m["quantity"] for m in picks) == 7
    assert {m["to_location_code"] for m in picks} == {PACK_STATION}
    # The units the picker did not find left the bin's books for a count to settle.
    [adjusted] = out.written_off(line["item"]["id"])
    assert adjusted["from_location_code"] == line["bin"]["code"] and adjusted["quantity"] > 0
    assert app.badge() == "0 pending · 0 problems"
    assert app.errors == []
    context.close()


def test_a_gs1_scan_of_another_lot_is_refused_and_a_case_scan_counts_its_pack(
    demo_server, browser, api
):
    out = Outbound(api)
    dated = lot_item(api, skip=0)
    boxed, per_case = case_item(api, skip=0)
    channel = out.channel()
    first = out.order(channel, [(dated, 1)])
    second = out.order(channel, [(boxed, per_case)])
    tote1, tote2 = out.totes(2)
    [summary] = out.release(channel)["tasks"]
    out.give_to(summary["id"], WORKER)
    context, page, app = signed_in(browser, demo_server)
    picker = Picker(app, out, summary["id"], {first["id"]: tote1, second["id"]: tote2})
    picker.get_work()

    while page.locator("h1.instruction", has_text="Take the totes").count() == 0:
        line = picker.current()
        app.scan(line["bin"]["code"])
        app.instruction("Scan the item")
        if line["lot"]:
            gtin = each_barcode(line["item"]).zfill(14)
            app.scan(f"]C101{gtin}10NOT-{line['lot']['code']}")  # GS1-128 with another lot
            app.wait_message(f"Wrong lot: take lot {line['lot']['code']}, not NOT-")
            assert app.feedback()[-1]["kind"] == "error"
            app.shot("pick-wrong-lot")
            app.scan(f"]C101{gtin}10{line['lot']['code']}")
        else:
            app.scan(pack_barcode(line["item"], per_case))  # one scan: the whole pack
        app.instruction("Confirm the quantity")
        assert page.inner_text("#pick-count").split() == [
            "Scanned",
            str(remaining(line)),
            "of",
            str(remaining(line)),
        ]
        assert page.input_value("input[name=quantity]") == str(remaining(line))
        page.click("#confirm-qty")
        page.locator("#tote-slot").wait_for()
        picker.into_tote(line)

    task = out.task(summary["id"])
    picks = out.picks_of(task)
    lots = {ln["item"]["id"]: (ln["lot"] or {}).get("code") for ln in task["lines"]}
    assert sorted((m["item_id"], m["quantity"], m["lot_code"]) for m in picks) == sorted(
        [(dated["id"], 1, lots[dated["id"]]), (boxed["id"], per_case, None)]
    )
    assert lots[dated["id"]] is not None
    assert app.errors == []
    context.close()


def test_picks_made_in_a_dead_spot_are_saved_on_the_device_and_posted_exactly_once(
    demo_server, browser, api
):
    out = Outbound(api)
    soap, rice = stocked_items(api, 2, skip=2)
    channel = out.channel()
    first = out.order(channel, [(soap, 2)])
    second = out.order(channel, [(rice, 3)])
    tote1, tote2 = out.totes(2)
    [summary] = out.release(channel)["tasks"]
    out.give_to(summary["id"], WORKER)
    context, page, app = signed_in(browser, demo_server)
    picker = Picker(app, out, summary["id"], {first["id"]: tote1, second["id"]: tote2})
    picker.get_work()  # online: the whole task is saved on the device
    task = out.task(summary["id"])

    context.set_offline(True)
    page.wait_for_function("document.getElementById('net').textContent === 'Offline'")
    for n in (1, 2):
        picker.pick(picker.current(task), saved=True)
        app.wait_badge(f"{n} pending · 0 problems")
        if n == 1:
            app.shot("pick-offline")
    app.instruction("Take the totes to packing")
    queued = page.evaluate("window.scanfloor.outbox()")
    assert [r["kind"] for r in queued] == ["pick", "pick"]
    assert out.picks_of(out.task(summary["id"])) == []

    context.set_offline(False)  # the `online` event replays the outbox, oldest first
    app.wait_badge("0 pending · 0 problems")
    task = out.task(summary["id"])
    assert task["status"] == "done"
    picks = out.picks_of(task)
    assert sorted(m["quantity"] for m in picks) == [2, 3]

    # Replaying again (app start, back to the foreground, the same request resent by hand)
    # posts nothing new: the client id is the Idempotency-Key.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.evaluate("window.scanfloor.flush()")
    resent = app.resend(queued[0])
    assert resent == [200, "true"]
    assert len(out.picks_of(out.task(summary["id"]))) == 2
    assert app.errors == []
    context.close()


def test_a_pick_the_server_refuses_on_replay_lands_in_exceptions(demo_server, browser, api):
    out = Outbound(api)
    [flour] = stocked_items(api, 1, skip=4)
    channel = out.channel()
    order = out.order(channel, [(flour, 2)])
    [tote] = out.totes(1)
    [summary] = out.release(channel)["tasks"]
    out.give_to(summary["id"], WORKER)
    context, page, app = signed_in(browser, demo_server)
    picker = Picker(app, out, summary["id"], {order["id"]: tote})
    picker.get_work()
    task = out.task(summary["id"])

    context.set_offline(True)
    picker.pick(picker.current(task), saved=True)
    app.wait_badge("1 pending · 0 problems")
    # Meanwhile a supervisor hands the task to someone else: the replay is not this worker's.
    out.give_to(summary["id"], PICKER2)
    context.set_offline(False)
    app.wait_badge("0 pending · 1 problems")
    page.click("#outbox-badge")
    app.wait_screen("exceptions")
    card = page.locator("ul[aria-label='Refused scans'] > li").first
    card.wait_for()
    assert card.get_attribute("data-code") == "task_not_yours"
    assert f"2 {TIMES} {flour['sku']}" in card.inner_text()
    app.shot("pick-exception")
    assert out.picks_of(out.task(summary["id"])) == []
    assert app.errors == []
    context.close()
    # The worker it was handed to picks it, so no half-done task is left for other tests.
    out.pick_as(summary["id"], {order["id"]: tote}, PICKER2)
    assert out.task(summary["id"])["status"] == "done"
