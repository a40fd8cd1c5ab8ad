"""Packing and shipping on the scanner PWA in a real phone-sized Chromium, driven by wedge
scans: a picked tote packed into two cartons (a wrong item and more than was picked refused
with the error sound and colour, each carton closed with its type and weight and its SSCC label
shown), then the cartons scanned onto a carrier's shipment at the dock door and the shipment
confirmed; and the honest answer when the pack station has no network."""

from __future__ import annotations

from typing import Any

import pytest

from .outbound_support import Outbound, each_barcode, stocked_items
from .scanner_support import DemoApi, Scanner, signed_in

pytestmark = pytest.mark.timeout(240)
DOOR = "SHIP-01"  # the demo's shipping lane: a shipment leaves from it


@pytest.fixture(scope="module")
def api(demo_server):
    return DemoApi(demo_server)


def pack_view(api: DemoApi, order: dict[str, Any]) -> dict[str, Any]:
    return dict(api.call("GET", "/pack/lookup", code=order["external_id"]))


def close_carton(app: Scanner, *, tap: str | None = None, scan: str | None = None, kg: str) -> None:
    """Close the open carton: its type tapped or scanned, the weight typed on the keypad."""
    page = app.page
    page.locator("#close-carton").click()
    app.instruction("Carton type and weight")
    if tap:
        page.locator(f"[data-type='{tap}']").click()
    if scan:
        app.scan(scan)
        app.page.locator(f"[data-type='{scan}'][aria-pressed=true]").wait_for()
    page.fill("input[name=weight]", kg)
    page.locator("#confirm-close").click()
    app.instruction("Label the carton")
    # The SSCC label, fetched with the worker's token, is on the screen as a picture.
    page.wait_for_function(
        "() => { const i = document.querySelector('img.label-img');"
        " return i && i.complete && i.naturalWidth > 200; }"
    )


def test_a_packer_packs_a_tote_into_two_cartons_and_ships_them_on_a_confirmed_shipment(
    demo_server, browser, api
):
    out = Outbound(api)
    soap, tea, stranger = stocked_items(api, 3, skip=5)
    order, tote = out.picked_into_tote([(soap, 3), (tea, 1)])
    context, page, app = signed_in(browser, demo_server)

    page.click("[data-job=pack]")
    app.instruction("Scan a tote or an order")
    app.shot("pack-lookup")
    app.scan(tote)
    app.instruction("Start a new carton")
    lines = page.locator("ul[aria-label='To pack'] li")
    assert lines.count() == 2
    assert sorted(lines.evaluate_all("els => els.map(e => e.dataset.toPack)")) == ["1", "3"]
    app.shot("pack-order")

    app.scan(each_barcode(soap))  # no carton open yet: said, nothing packed
    app.wait_message("Tap New carton")
    assert app.feedback()[-1]["kind"] == "warn"
    page.locator("#new-carton").click()
    app.instruction("Scan each item into carton 1")
    first_sscc = pack_view(api, order)["cartons"][0]["sscc"]
    app.wait_message(f"SSCC {first_sscc}")

    app.scan(each_barcode(stranger))  # not on the order: the server says so
    app.wait_message("not")
    assert app.feedback()[-1]["kind"] == "error"
    assert pack_view(api, order)["cartons"][0]["lines"] == []
    app.scan(each_barcode(soap))
    app.wait_message("3 still to pack")
    app.scan(each_barcode(soap))
    app.wait_message("2 still to pack")
    app.shot("pack-carton")
    close_carton(app, tap="BOX-S", kg="1.25")
    assert page.inner_text("#closed-sscc").strip() == first_sscc
    app.shot("pack-label")

    page.locator("#after-label").click()  # "Next carton"
    app.instruction("Start a new carton")
    page.locator("#new-carton").click()
    app.instruction("Scan each item into carton 2")
    app.scan(each_barcode(soap))
    app.wait_message("1 still to pack")
    app.scan(each_barcode(soap))  # all three are in: one more is refused on the device
    app.wait_message(f"Nothing of {soap['sku']} is left to pack")
    assert app.feedback()[-1]["kind"] == "error"
    app.scan(each_barcode(tea))
    app.wait_message("Everything is in")
    close_carton(app, scan="BOX-M", kg="0,8")
    page.locator("#after-label").click()  # "Back to the order"
    app.instruction("Nothing left to pack")
    app.shot("pack-packed")

    view = pack_view(api, order)
    cartons = sorted(view["cartons"], key=lambda c: c["seq"])
    assert [(c["status"], c["carton_type"]["code"], c["weight_g"]) for c in cartons] == [
        ("closed", "BOX-S", 1250),
        ("closed", "BOX-M", 800),
    ]
    contents = [sorted((x["item"]["sku"], x["quantity"]) for x in c["lines"]) for c in cartons]
    assert contents == [[(soap["sku"], 2)], sorted([(soap["sku"], 1), (tea["sku"], 1)])]
    assert all(line["to_pack"] == 0 for line in view["lines"])
    assert out.order_status(order["id"]) == "packed"

    # Shipping: carrier, service, the dock door, then each carton's SSCC label.
    page.goto(f"{demo_server}/scanner/#/ship")
    app.wait_screen("ship")
    own = page.locator("[data-choice='Own fleet']")
    own.wait_for()
    if own.get_attribute("aria-pressed") != "true":
        own.click()
    page.locator("[data-choice='standard']").click()
    app.instruction("Scan the dock door")
    app.scan(DOOR)
    page.locator("dd", has_text=DOOR).wait_for()
    app.shot("ship-setup")
    page.locator("#open-shipment").click()
    app.instruction("Scan each carton")

    app.scan(tote)  # a tote is no carton label
    app.wait_message("is not an SSCC")
    assert app.feedback()[-1]["kind"] == "error"
    app.scan(cartons[0]["sscc"])
    app.wait_message(f"Added {cartons[0]['sscc']}")
    app.scan(cartons[0]["sscc"])
    app.wait_message("already on this shipment")
    app.scan(f"]C100{cartons[1]['sscc']}")  # the GS1-128 form a label scanner sends
    app.wait_message(f"Added {cartons[1]['sscc']}")
    listed = page.locator("ul[aria-label='Cartons on the shipment'] > li")
    assert listed.count() == 2
    tracking = page.locator(".tracking").all_inner_texts()
    assert len(set(tracking)) == 2 and all(t.startswith("OWN") for t in tracking)
    app.shot("ship-cartons")

    page.locator("#to-confirm").click()
    app.instruction("Ship 2 cartons?")
    app.shot("ship-confirm")
    page.locator("#confirm-shipment").click()
    app.instruction("shipped")
    app.shot("ship-done")
    shipment_id = int(page.inner_text("h1.instruction").split()[1])
    shipment = api.call("GET", f"/shipments/{shipment_id}")
    assert shipment["confirmed_at"] is not None
    assert sorted(c["tracking_number"] for c in shipment["cartons"]) == sorted(tracking)
    assert shipment["dock_door"]["code"] == DOOR
    assert out.order_status(order["id"]) == "shipped"
    assert app.errors == []
    context.close()


def test_the_pack_station_says_it_needs_the_network_and_packs_nothing_offline(
    demo_server, browser, api
):
    out = Outbound(api)
    [rice] = stocked_items(api, 1, skip=8)
    order, tote = out.picked_into_tote([(rice, 2)])
    context, page, app = signed_in(browser, demo_server)
    page.click("[data-job=pack]")
    app.scan(tote)
    app.instruction("Start a new carton")

    context.set_offline(True)
    page.locator("#pack-offline").wait_for()
    page.locator("#new-carton").click()
    app.wait_message("Packing needs the network")
    assert app.feedback()[-1]["kind"] == "error"
    app.shot("pack-offline")
    assert page.evaluate("window.scanfloor.outbox()") == []  # nothing pretended, nothing queued
    context.set_offline(False)
    page.wait_for_selector("#pack-offline", state="detached")
    page.locator("#new-carton").click()
    app.instruction("Scan each item into carton 1")
    assert [c["status"] for c in pack_view(api, order)["cartons"]] == ["open"]
    assert app.errors == []
    context.close()
