"""The back office on the console: a manager authorises a return with the form; the return's
page shows its lines, the inspection with its credit and the photo (fetched with the
console's sign-in); a supervisor approves a count that two workers confirmed beyond
tolerance; and the live board's "Returns to inspect" and "Count approvals" tiles follow
each step without a reload. Work on the floor is done through the API, as the scanner
would."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .axe_support import AxeAudit
from .console_support import console_sign_in
from .scanner_support import DemoApi

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
pytestmark = pytest.mark.timeout(240)
LIVE_MS = 15_000


class As:
    """The demo API as one user (bearer token), failing loudly on anything but success."""

    def __init__(self, base: str, username: str) -> None:
        self.url = base + "/api/v1"
        r = requests.post(
            self.url + "/auth/token", json={"username": username, "password": "demo"}, timeout=10
        )
        assert r.status_code == 200, r.text
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}
        self.id = int(r.json()["user"]["id"])

    def call(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        headers = dict(self.headers)
        if method != "GET":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        r = requests.request(method, self.url + path, json=body, headers=headers, timeout=20, **kw)
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.text else None


def _scan(n: int = 0) -> dict[str, str]:
    return {"client_scan_id": uuid.uuid4().hex, "device_id": f"E2E-{n}"}


def _returnable_order(api: DemoApi) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A web order with a line of an untracked item: (order, line, the item's barcode)."""
    for summary in api.call("GET", "/orders", channel="WEB", limit=50)["orders"]:
        order = api.call("GET", f"/orders/{summary['id']}")
        for line in order["lines"]:
            found = api.call("GET", "/items", q=line["sku"], limit=5)["items"]
            item = next((i for i in found if i["sku"] == line["sku"]), None)
            if item and item["tracking"] == "none" and not item["expiry_tracked"]:
                each = next(p for p in item["packs"] if p["level"] == "each")
                return order, line, each["barcodes"][0]["code"]
    raise AssertionError("no demo web order with an untracked item")


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def _tile(page: Any, queue: str) -> tuple[int, str]:
    count = page.inner_text(f"#count-{queue}").replace(",", "").strip()
    return (int(count) if count.isdigit() else -1), page.inner_text(f"#sub-{queue}")


def _units(page: Any) -> int:
    """Units awaiting inspection, as the "Returns to inspect" tile says."""
    return int(page.inner_text("#sub-to_inspect").split(" ")[0].replace(",", ""))


def _wait_units(page: Any, units: int) -> None:
    page.wait_for_function(
        "n => document.querySelector('#sub-to_inspect').textContent.replace(/,/g, '')"
        ".startsWith(n + (n === 1 ? ' unit ' : ' units ') + 'awaiting')",
        arg=units,
        timeout=LIVE_MS,
    )


def _wait_tile(page: Any, queue: str, count: int) -> None:
    page.wait_for_function(
        "([q, n]) => document.querySelector('#count-' + q).textContent.replace(/,/g, '')"
        " === String(n)",
        arg=[queue, count],
        timeout=LIVE_MS,
    )


def _counted_bin(manager: As, item: dict[str, Any], on_hand: int) -> tuple[str, str]:
    """A new storage bin in a zone of WH1 holding `on_hand` of the item (its own: no other
    test's stock in it), its code and barcode."""
    found = manager.call("GET", "/locations", params={"level": "zone", "q": "WH1-", "limit": 50})
    # Zone C, where the count tests make their bins: the labels test prints every bin of
    # zone A and counts the pages.
    zone = next(z for z in found["locations"] if z["code"] == "WH1-C")
    code = f"CC-{uuid.uuid4().hex[:6].upper()}"
    made = manager.call(
        "POST", "/locations", {"code": code, "type": "storage", "parent_id": zone["id"]}
    )
    line = {"item_id": item["id"], "quantity": on_hand, "from_location": "VENDOR",
            "to_location": code}  # fmt: skip
    manager.call("POST", "/movements", {"type": "receipt", "lines": [line]})
    return code, made.get("barcode") or code


def test_back_office_returns_and_count_approval_with_the_board_live(demo_server, browser):
    api = DemoApi(demo_server)
    manager, sup = As(demo_server, "manager"), As(demo_server, "super")
    worker1, worker2 = As(demo_server, "worker1"), As(demo_server, "worker2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    axe = AxeAudit()
    errors: list[str] = []

    # The live board, open all along (the manager sees every warehouse).
    board = browser.new_page(viewport={"width": 1280, "height": 900})
    board.on("pageerror", lambda exc: errors.append(str(exc)))
    console_sign_in(board, demo_server, "/console/board", "manager")
    board.locator("#live-state[data-state=live]").wait_for(timeout=LIVE_MS)
    board.wait_for_function("document.querySelector('#count-to_inspect').textContent !== '\u2013'")
    reloads: list[str] = []
    board.on("framenavigated", lambda frame: reloads.append(frame.url))
    inspect_before, _ = _tile(board, "to_inspect")
    units_before = _units(board)

    # 1. A manager authorises a return of 2 units with the console's form.
    order, line, barcode = _returnable_order(api)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    console_sign_in(page, demo_server, "/console/returns", "manager")
    page.locator("#rma-channel option[value=WEB]").wait_for(state="attached")
    page.select_option("#rma-channel", "WEB")
    page.fill("#rma-order", order["external_id"])
    page.fill("#rma-reason", "too small")
    page.get_by_role("button", name="Find the order's lines").click()
    qty = page.locator(f"#rma-lines tr[data-line-no='{line['line_no']}'] input.qty")
    qty.fill("2")
    page.get_by_role("button", name="Authorise return").click()
    expect(page.locator("#rma-result")).to_contain_text("authorised", timeout=LIVE_MS)
    number = page.inner_text("#rma-result a")
    rma = next(r for r in manager.call("GET", "/returns", params={"q": number})["returns"]
               if r["number"] == number)  # fmt: skip
    assert rma["status"] == "authorised" and rma["units_expected"] == 2

    # 2. Worker 1 receives both units (as the scanner does): the board's queue grows live.
    for n in range(2):
        got = worker1.call("POST", f"/returns/{rma['id']}/receive",
                           {"barcode": barcode, "quantity": 1, **_scan(n)})  # fmt: skip
        assert got["flag"] is None
    _wait_tile(board, "to_inspect", inspect_before + 1)
    _wait_units(board, units_before + 2)

    # 3. One unit inspected as damaged, with a photo: one unit still awaits.
    rma_view = worker1.call("GET", f"/returns/{rma['id']}")
    line_id = rma_view["lines"][0]["id"]
    photo = requests.post(
        f"{worker1.url}/returns/{rma['id']}/photos",
        headers=worker1.headers,
        files={"file": ("dent.png", _png(), "image/png")},
        data={"return_line_id": str(line_id)},
        timeout=20,
    )
    assert photo.status_code == 201, photo.text
    worker1.call("POST", f"/returns/{rma['id']}/inspect", {
        "return_line_id": line_id, "quantity": 1, "disposition": "damaged", "credit": "partial",
        "photo_id": photo.json()["id"], "note": "dented box", **_scan(9),
    })  # fmt: skip

    _wait_units(board, units_before + 1)

    page.reload()
    page.fill("#q", number)
    page.get_by_role("button", name="Search").click()
    page.locator(f"#list-table tr[data-rma='{rma['id']}']").wait_for()
    check = page.locator(f"#list-table tr[data-rma='{rma['id']}']")
    expect(check).to_contain_text("arrived")
    page.screenshot(path=str(SHOTS / "console-returns.png"), full_page=True)
    axe.check(page, "console returns")

    page.locator(f"#list-table tr[data-rma='{rma['id']}'] a").click()
    page.locator("#inspections-table tbody tr").first.wait_for()
    lines = page.locator("#lines-table tbody tr").first
    expect(lines).to_contain_text(line["sku"])
    inspection = page.locator("#inspections-table tbody tr").first
    expect(inspection).to_contain_text("Damaged")
    expect(inspection).to_contain_text("return_damaged")
    expect(inspection).to_contain_text("worker1")
    # The photo is served to signed-in users only: the page fetched it with its token.
    page.locator("#photos img.thumb[data-loaded=true]").wait_for(timeout=LIVE_MS)
    assert page.evaluate("document.querySelector('#photos img.thumb').naturalWidth") == 64
    photo_url = f"{demo_server}/api/v1/returns/photos/{photo.json()['id']}"
    assert requests.get(photo_url, timeout=10).status_code == 401
    page.screenshot(path=str(SHOTS / "console-return-detail.png"), full_page=True)
    axe.check(page, "console return detail")

    # 4. A count beyond tolerance by worker 1, confirmed by worker 2's recount.
    item = api.untracked_items(1)[0]
    each = next(p for p in item["packs"] if p["level"] == "each")["barcodes"][0]["code"]
    code, bin_barcode = _counted_bin(manager, item, on_hand=10)
    raised = sup.call("POST", "/count-plans/adhoc", {"warehouse": "WH1", "locations": [code]})
    [task_id] = raised["task_ids"]
    approvals_before, _ = _tile(board, "count_approvals")
    for who, n in ((worker1, 1), (worker2, 2)):
        sup.call("POST", f"/count-tasks/{task_id}/assign", {"user": who.id})
        who.call("POST", f"/count-tasks/{task_id}/lines",
                 {"location": bin_barcode, "barcode": each, "quantity": 4, **_scan(n)})  # fmt: skip
        done = who.call("POST", f"/count-tasks/{task_id}/finish", {"empty": False, **_scan(n)})
        assert done["outcome"] == ("recount" if who is worker1 else "approval"), done
    _wait_tile(board, "count_approvals", approvals_before + 1)

    # 5. The supervisor approves it on the console: a reason is required first.
    page.close()  # the manager's tab; the supervisor signs in on a tab of their own
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    console_sign_in(page, demo_server, "/console/counts", "super")
    card = page.locator(f"article[data-task='{task_id}']")
    card.wait_for(timeout=LIVE_MS)
    expect(card).to_contain_text(code)
    expect(card.locator("table.lines tbody tr").first).to_contain_text("-6")
    page.screenshot(path=str(SHOTS / "console-counts.png"), full_page=True)
    axe.check(page, "console counts")
    card.get_by_role("button", name=f"Approve task {task_id}").click()
    expect(card.locator(".refusal")).to_contain_text("Choose a reason code")
    card.locator("select[name=reason_code]").select_option("shrinkage")
    card.get_by_role("button", name=f"Approve task {task_id}").click()
    expect(page.locator("#decided")).to_contain_text(f"Task {task_id} approved", timeout=LIVE_MS)
    expect(page.locator(f"article[data-task='{task_id}']")).to_have_count(0)

    review = sup.call("GET", f"/count-tasks/{task_id}/review")
    assert review["status"] == "counted" and review["decision_reason"] == "shrinkage"
    assert (review["counted_by"]["username"], review["recounted_by"]["username"],
            review["decided_by"]["username"]) == ("worker1", "worker2", "super")  # fmt: skip
    moves = api.movements(item["id"], "count")
    [loss] = [m for m in moves if m["from_location_code"] == code]
    assert (loss["quantity"], loss["reason_code"]) == (6, "count_loss")
    assert loss["to_location_code"] == "INV-ADJ"
    assert api.on_hand(item["id"], code) == 4

    # 6. The board followed both queues without a reload.
    _wait_tile(board, "count_approvals", approvals_before)
    board.screenshot(path=str(SHOTS / "console-board-returns-counts.png"), full_page=True)
    assert reloads == [] and errors == []
    board.close()
    page.close()
    assert not axe.problems, "\n".join(axe.report())
