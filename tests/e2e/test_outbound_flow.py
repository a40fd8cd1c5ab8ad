"""The outbound half end to end, in real browsers against the running demo server: a
supervisor releases a wave on the console's waves page; a picker picks it on the scanner by
wedge scans into cluster totes (one line reported short, the rest found in another bin); the
pack station packs one order into two cartons and the other into one; the dock ships the three
cartons on a carrier's shipment. Meanwhile a second browser on the supervisor's live board sees
the queues move without a reload. Afterwards the ledger verifies clean, the orders are
shipped, each order's channel has its "order.shipped" message with the tracking numbers in
the outbox, and the channel's available-to-sell fell by what left the warehouse (shipped, and
what the short pick wrote off).

The warehouse is the demo's (bins, stock, totes, carton types, the OWN carrier, the shipping
lane); the orders come from a channel of this test's own, so the wave holds only them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .console_support import console_sign_in
from .outbound_support import Outbound, Picker, each_barcode, remaining, stocked_items, worker_id
from .scanner_support import SHOTS, WORKER, DemoApi, Scanner, signed_in

pytestmark = pytest.mark.timeout(420)
DOOR = "SHIP-01"
HOOK = "https://shop.example.invalid/scanfloor-hook"  # never answers: the message stays queued
QUEUES = ("to_pick", "to_pack", "to_ship")


class Board:
    """The supervisor's live board in its own browser, never reloaded."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        console_sign_in(self.page, base, "/console/board", "super")
        self.page.locator("#board-warehouse option", has_text="WH1").first.wait_for(
            state="attached", timeout=10_000
        )
        self.page.wait_for_function(
            "() => document.getElementById('count-to_pick').textContent.trim() !== '\u2013'"
        )
        expect(self.page.locator("#live-state")).to_have_attribute(
            "data-state", "live", timeout=15_000
        )
        # Gone if the page reloads: the counts below must move by live updates alone.
        self.page.evaluate("window.__notReloaded = true")

    def counts(self) -> dict[str, str]:
        return {q: self.page.inner_text(f"#count-{q}").strip() for q in QUEUES}

    def wait_changed(self, queue: str, before: str) -> str:
        self.page.wait_for_function(
            "([q, b]) => document.getElementById('count-' + q).textContent.trim() !== b",
            arg=[queue, before],
            timeout=20_000,
        )
        return self.page.inner_text(f"#count-{queue}").strip()

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"console-{name}.png"), full_page=True)

    def still_live(self) -> bool:
        return bool(self.page.evaluate("window.__notReloaded === true"))


def release_on_console(browser: Any, base: str, channel: str, picker_id: int) -> int:
    """The supervisor previews and releases the channel's orders as one cluster wave, then
    hands its task to the picker; the task's id."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console_sign_in(page, base, "/console/waves", "super")
    page.locator("#channels option", has_text=channel).wait_for(state="attached", timeout=10_000)
    page.select_option("#warehouse", label="WH1 \u2014 Main warehouse")
    page.select_option("#mode", "cluster")
    page.select_option("#channels", channel)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#pv-orders")).to_have_text("2", timeout=10_000)
    page.get_by_role("button", name="Release wave").click()
    expect(page.locator("#release-result")).to_contain_text("released: 2 orders", timeout=15_000)
    tasks = page.locator("#tasks-table tbody tr")
    expect(tasks).to_have_count(1)
    task_id = int(tasks.first.get_attribute("data-task") or 0)
    # The picker is chosen from the warehouse's pickers (GET /pick-tasks/pickers).
    tasks.first.get_by_label(f"Picker for task {task_id}").select_option(str(picker_id))
    tasks.first.get_by_role("button", name=f"Reassign task {task_id}").click()
    expect(page.locator("#task-result")).to_contain_text(f"Task {task_id} is now", timeout=10_000)
    page.screenshot(path=str(SHOTS / "console-flow-wave-released.png"), full_page=True)
    context.close()
    return task_id


def pick_with_one_short(app: Scanner, picker: Picker) -> dict[str, Any]:
    """Every line by wedge scans; the first line reported short with one found. The short
    line as it was before the short."""
    page = app.page
    page.click("[data-job=pick]")
    app.instruction("Get work")
    page.locator("#get-work").click()
    short = picker.current()
    assert remaining(short) >= 2
    app.shot("flow-pick-bin")
    page.locator("#short").click()
    app.scan(short["bin"]["code"])
    app.instruction("How many are really there?")
    page.get_by_role("button", name="Found plus 1").click()
    page.locator("#confirm-short").click()
    app.instruction("Scan the tote for the 1 found")
    app.scan(picker.totes[short["order"]["id"]])
    app.wait_message("reported")
    while page.locator("h1.instruction", has_text="Take the totes").count() == 0:
        picker.pick(picker.current())
    app.shot("flow-pick-done")
    return short


def pack_order(app: Scanner, api: DemoApi, order: dict[str, Any], tote: str, split: bool) -> None:
    """The tote packed by scans: one carton, or (split) the first line in carton 1 and the
    rest in carton 2. Each carton closed with a type and a weight."""
    page = app.page
    page.goto(f"{app.base}/scanner/#/pack")
    app.instruction("Scan a tote or an order")
    app.scan(tote)
    app.instruction("Start a new carton")
    lines = api.call("GET", "/pack/lookup", code=order["external_id"])["lines"]
    groups = [lines[:1], lines[1:]] if split else [lines]
    left = sum(line["to_pack"] for line in lines)
    for n, group in enumerate(groups, start=1):
        if n > 1:
            page.locator("#after-label").click()
            app.instruction("Start a new carton")
        page.locator("#new-carton").click()
        app.instruction(f"Scan each item into carton {n}")
        for line in group:
            item = api.item(line["item"]["id"])
            for _ in range(line["to_pack"]):
                app.scan(each_barcode(item))
                left -= 1
                # This scan's own answer (the one before says "Packed" too): what it left.
                sku = line["item"]["sku"]
                app.wait_message(re.escape(
                    f"Packed {sku}. Everything is in" if left == 0
                    else f"Packed {sku} into carton {n}. {left} still to pack"
                ))  # fmt: skip
        page.locator("#close-carton").click()
        app.instruction("Carton type and weight")
        page.locator("[data-type='BOX-M']").click()
        page.fill("input[name=weight]", f"1.{n}")
        page.locator("#confirm-close").click()
        app.instruction("Label the carton")
        page.locator("img.label-img").wait_for()
        app.shot(f"flow-pack-label-{'split' if split else 'whole'}-{n}")
    page.locator("#after-label").click()
    app.instruction("Nothing left to pack")


def test_a_wave_is_released_picked_packed_and_shipped_while_the_board_follows_live(
    demo_server, browser, api_admin
):
    api = DemoApi(demo_server)
    out = Outbound(api)
    jam, oil, salt = stocked_items(api, 3, skip=20)
    channel = out.channel(webhook=HOOK)
    ats_before = {i["id"]: ats(api, i, channel) for i in (jam, oil, salt)}
    first = out.order(channel, [(jam, 3), (oil, 1)])
    second = out.order(channel, [(salt, 2)])
    tote1, tote2 = out.totes(2)
    board = Board(browser, demo_server)
    before = board.counts()
    board.shot("flow-board-before")

    task_id = release_on_console(browser, demo_server, channel, worker_id(api.url, WORKER))
    released = board.wait_changed("to_pick", before["to_pick"])  # the wave is on the board
    context, page, app = signed_in(browser, demo_server)
    picker = Picker(app, out, task_id, {first["id"]: tote1, second["id"]: tote2})
    short = pick_with_one_short(app, picker)
    board.wait_changed("to_pick", released)
    picked_out = board.wait_changed("to_pack", before["to_pack"])
    board.shot("flow-board-picked")
    task = out.task(task_id)
    assert task["status"] == "done"
    short_line = next(ln for ln in task["lines"] if ln["id"] == short["id"])
    assert (short_line["status"], short_line["picked"]) == ("short", 1)
    picked = {o["id"]: 0 for o in (first, second)}
    for ln in task["lines"]:
        picked[ln["order"]["id"]] += ln["picked"]
    assert picked == {first["id"]: 4, second["id"]: 2}  # the rest found in another bin

    pack_order(app, api, first, tote1, split=True)
    pack_order(app, api, second, tote2, split=False)
    board.wait_changed("to_pack", picked_out)
    to_ship = board.wait_changed("to_ship", before["to_ship"])
    assert {out.order_status(o["id"]) for o in (first, second)} == {"packed"}
    cartons = [
        c
        for o in (first, second)
        for c in api.call("GET", "/pack/lookup", code=o["external_id"])["cartons"]
    ]
    assert len(cartons) == 3 and {c["status"] for c in cartons} == {"closed"}

    page.goto(f"{demo_server}/scanner/#/ship")
    own = page.locator("[data-choice='Own fleet']")
    own.wait_for()
    if own.get_attribute("aria-pressed") != "true":
        own.click()
    page.locator("[data-choice='standard']").click()
    app.scan(DOOR)
    app.instruction("Open the shipment")
    page.locator("#open-shipment").click()
    app.instruction("Scan each carton")
    for carton in cartons:
        app.scan(carton["sscc"])
        app.wait_message(f"Added {carton['sscc']}")
    app.shot("flow-ship-cartons")
    page.locator("#to-confirm").click()
    app.instruction("Ship 3 cartons?")
    page.locator("#confirm-shipment").click()
    app.instruction("shipped")
    app.shot("flow-ship-done")
    shipment_id = int(page.inner_text("h1.instruction").split()[1])
    board.wait_changed("to_ship", to_ship)
    board.shot("flow-board-shipped")
    assert board.still_live() and board.errors == []

    # The books: clean, the orders shipped, the channel told, ATS down by what left.
    verify = api_admin.call("GET", "/ledger/verify")
    assert verify["clean"] is True, verify
    assert {out.order_status(o["id"]) for o in (first, second)} == {"shipped"}
    shipment = api.call("GET", f"/shipments/{shipment_id}")
    tracking = {c["sscc"]: c["tracking_number"] for c in shipment["cartons"]}
    assert len(tracking) == 3 and all(tracking.values())
    told_channel = api.call(
        "GET", "/outbox", destination=f"channel:{out.channel_ids[channel]}", limit=500
    )["messages"]
    messages = [
        m
        for m in told_channel
        if m["topic"] == "order.shipped" and m["payload"].get("shipment_id") == shipment_id
    ]
    assert sorted(m["payload"]["external_id"] for m in messages) == sorted(  # one per order
        [first["external_id"], second["external_id"]]
    )
    told = {c["sscc"]: c["tracking_number"] for m in messages for c in m["payload"]["cartons"]}
    assert told == tracking
    for item, ordered in ((jam, 3), (oil, 1), (salt, 2)):
        written_off = sum(m["quantity"] for m in out.written_off(item["id"]))
        fell = ats_before[item["id"]] - ats(api, item, channel)
        assert fell == ordered + written_off, (item["sku"], fell, ordered, written_off)
    assert app.errors == []
    context.close()
    board.context.close()


def ats(api: DemoApi, item: dict[str, Any], channel: str) -> int:
    """The item's available-to-sell in the channel."""
    return int(api.call("GET", f"/items/{item['id']}/ats")["channels"][channel])


@pytest.fixture(scope="module")
def api_admin(demo_server):
    return AdminApi(demo_server)


class AdminApi(DemoApi):
    """The demo's administrator (the ledger check is theirs)."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url + "/api/v1"
        token = self.call("POST", "/auth/token", {"username": "admin", "password": "demo"})
        self.headers = {"Authorization": f"Bearer {token['token']}"}
