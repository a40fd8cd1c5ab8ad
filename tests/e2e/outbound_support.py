"""Outbound work for the browser tests, set up through the REST API as a manager would (a
channel of the test's own, allocated orders, new totes, a released wave, a task handed to a
worker, an order picked whole by another worker), and the picker on the scanner's pick
screen, checked step by step against the server's copy of the task."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Collection
from typing import Any

import requests

from .scanner_support import DemoApi, Scanner

BIN_CODE = re.compile(r"^[A-Z]-\d\d-\d\d-[A-Z]$")  # the demo's racking bins
PACK_STATION = "PACK-01"
PICKER2 = ("BADGE-0005", "5678")  # the demo's second worker: sets up picked orders
TIMES = "\u00d7"  # the app writes "2 <multiplication sign> SKU"


class Outbound:
    """Outbound work for one test, set up through the REST API as a manager would."""

    def __init__(self, api: DemoApi) -> None:
        self.api = api
        self.tag = uuid.uuid4().hex[:6].upper()
        self.n = 0
        self.channel_ids: dict[str, int] = {}

    def _code(self, what: str) -> str:
        self.n += 1
        return f"{what}-{self.tag}-{self.n}"

    def channel(self, webhook: str | None = None) -> str:
        """A web shop selling from WH1 (with a webhook: it is told of shipments)."""
        self.n += 1
        code = f"PK{self.tag}{self.n}"
        body = {"code": code, "kind": "web", "name": f"Pick test {code}", "warehouses": ["WH1"]}
        made = self.api.call(
            "POST", "/channels", {**body, **({"webhook_url": webhook} if webhook else {})}
        )
        self.channel_ids[code] = int(made["id"])
        return code

    def order(self, channel: str, lines: list[tuple[dict[str, Any], int]]) -> dict[str, Any]:
        order = self.api.call(
            "POST",
            "/orders",
            {
                "channel": channel,
                "external_id": self._code("ORD"),
                "lines": [{"sku": item["sku"], "quantity": qty} for item, qty in lines],
            },
        )
        assert order["status"] == "allocated", order
        return dict(order)

    def totes(self, count: int) -> list[str]:
        station = self.api.call("GET", "/locations", q=PACK_STATION)["locations"][0]
        codes = [self._code("TOTE") for _ in range(count)]
        for code in codes:
            self.api.call(
                "POST", "/containers", {"code": code, "kind": "tote", "location_id": station["id"]}
            )
        return codes

    def release(self, channel: str, mode: str = "cluster") -> dict[str, Any]:
        wave = self.api.call(
            "POST", "/waves", {"warehouse": "WH1", "mode": mode, "channels": [channel]}
        )
        assert wave["tasks"], wave
        return dict(wave)

    def task(self, task_id: int) -> dict[str, Any]:
        return dict(self.api.call("GET", f"/pick-tasks/{task_id}"))

    def give_to(self, task_id: int, badge_pin: tuple[str, str]) -> int:
        """Assign the task to the worker with this badge (a supervisor's move); their id."""
        user_id = worker_id(self.api.url, badge_pin)
        self.api.call("POST", f"/pick-tasks/{task_id}/assign", {"user_id": user_id})
        return user_id

    def picked_into_tote(
        self, lines: list[tuple[dict[str, Any], int]], *, picker: tuple[str, str] = PICKER2
    ) -> tuple[dict[str, Any], str]:
        """An order of its own channel, released and picked whole into a new tote through
        the API by another worker (what packing starts from); the order and the tote."""
        channel = self.channel()
        order = self.order(channel, lines)
        [tote] = self.totes(1)
        [summary] = self.release(channel, mode="single")["tasks"]
        self.give_to(summary["id"], picker)
        self.pick_as(summary["id"], {order["id"]: tote}, picker)
        assert self.task(summary["id"])["status"] == "done"
        return order, tote

    def pick_as(self, task_id: int, totes: dict[int, str], picker: tuple[str, str]) -> None:
        """Every open line of the task picked whole through the API by `picker`."""
        headers = {"Authorization": f"Bearer {token_of(self.api.url, picker)}"}
        for line in self.task(task_id)["lines"]:
            if line["status"] != "open":
                continue
            resp = requests.post(
                f"{self.api.url}/pick-tasks/{task_id}/picks",
                json={
                    "line_id": line["id"],
                    "bin": line["bin"]["barcode"] or line["bin"]["code"],
                    "item": each_barcode(line["item"]),
                    "quantity": remaining(line),
                    "tote": totes[line["order"]["id"]],
                },
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                timeout=15,
            )
            assert resp.status_code == 200, resp.text

    def order_status(self, order_id: int) -> str:
        return str(self.api.call("GET", f"/orders/{order_id}")["status"])

    def movements(self, item_id: int, movement_type: str | None = None) -> list[dict[str, Any]]:
        rows = self.api.call("GET", "/movements", item_id=item_id, limit=500)["movements"]
        return [m for m in rows if movement_type in (None, m["movement_type"])]

    def picks_of(self, task: dict[str, Any]) -> list[dict[str, Any]]:
        """The units the task's lines moved into totes (bin -> pack station), per pick line;
        a short's write-off (bin -> INV-ADJ, reason short_pick) is not a pick."""
        line_ids = {str(line["id"]) for line in task["lines"]}
        items = {line["item"]["id"] for line in task["lines"]}
        return [
            m
            for item_id in items
            for m in self.movements(item_id, "pick")
            if m["source_type"] == "pick_line"
            and m["source_id"] in line_ids
            and m["reason_code"] != "short_pick"
        ]

    def written_off(self, item_id: int) -> list[dict[str, Any]]:
        """What short picks wrote off: bin -> INV-ADJ, reason short_pick."""
        return [
            m
            for m in self.movements(item_id)
            if m["reason_code"] == "short_pick" and m["to_location_code"] == "INV-ADJ"
        ]


@functools.cache
def _session(api_url: str, badge_pin: tuple[str, str]) -> dict[str, Any]:
    resp = requests.post(
        api_url + "/auth/token", json={"badge": badge_pin[0], "pin": badge_pin[1]}, timeout=15
    )
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def worker_id(api_url: str, badge_pin: tuple[str, str]) -> int:
    return int(_session(api_url, badge_pin)["user"]["id"])


def token_of(api_url: str, badge_pin: tuple[str, str]) -> str:
    return str(_session(api_url, badge_pin)["token"])


@functools.cache
def _multi_bin_items(api_url: str) -> tuple[dict[str, Any], ...]:
    """Untracked items with sellable stock in two bins or more (a short finds more elsewhere),
    from the middle of the catalog: the receiving tests use its front, the demo orders its
    back."""
    api = DemoApi(api_url.removesuffix("/api/v1"))
    found: list[dict[str, Any]] = []
    cursor = None
    seen = 0
    while len(found) < 40:
        page = api.call("GET", "/items", limit=200, **({"cursor": cursor} if cursor else {}))
        for item in page["items"]:
            seen += 1
            if seen < 60 or seen > 290 or item["tracking"] != "none" or item["expiry_tracked"]:
                continue
            rows = api.call("GET", "/balances", item_id=item["id"])["balances"]
            bins = [r for r in rows if r["sellable"] and BIN_CODE.match(r["location_code"])]
            if len(bins) >= 2 and min(r["quantity"] for r in bins) >= 6:
                found.append(item)
        cursor = page["next_cursor"]
        if not cursor:
            break
    return tuple(found)


def stocked_items(api: DemoApi, count: int, *, skip: int) -> list[dict[str, Any]]:
    """`count` items with stock in several bins; `skip` keeps each test to its own items."""
    items = _multi_bin_items(api.url)
    assert len(items) >= skip + count, f"only {len(items)} multi-bin items"
    return list(items[skip : skip + count])


def case_item(api: DemoApi, *, skip: int) -> tuple[dict[str, Any], int]:
    """A multi-bin item (from the 25th on: the others are the tests' above) with a pack of
    several units that one of its bins holds whole; the item and that pack's quantity."""
    found = []
    for item in _multi_bin_items(api.url)[25:]:
        rows = api.call("GET", "/balances", item_id=item["id"])["balances"]
        most = max(
            r["quantity"] for r in rows if r["sellable"] and BIN_CODE.match(r["location_code"])
        )
        packs = [p["quantity"] for p in item["packs"] if 1 < p["quantity"] <= most]
        if packs:
            found.append((item, min(packs)))
    assert len(found) > skip, "no item with a pack a bin holds whole"
    return found[skip]


@functools.cache
def _lot_items(api_url: str) -> tuple[dict[str, Any], ...]:
    api = DemoApi(api_url.removesuffix("/api/v1"))
    found: list[dict[str, Any]] = []
    cursor = None
    seen = 0
    while len(found) < 6:
        page = api.call("GET", "/items", limit=200, **({"cursor": cursor} if cursor else {}))
        for item in page["items"]:
            seen += 1
            if seen < 60 or seen > 290 or item["tracking"] != "lot":
                continue
            rows = api.call("GET", "/balances", item_id=item["id"])["balances"]
            if any(r["sellable"] and BIN_CODE.match(r["location_code"]) for r in rows):
                found.append(item)
        cursor = page["next_cursor"]
        if not cursor:
            break
    return tuple(found)


def lot_item(api: DemoApi, *, skip: int) -> dict[str, Any]:
    """A lot-tracked item with sellable stock in a racking bin."""
    items = _lot_items(api.url)
    assert len(items) > skip, "no lot-tracked item in stock"
    return items[skip]


def pack_barcode(item: dict[str, Any], quantity: int) -> str:
    """The barcode of the item's pack of `quantity` units."""
    pack = next(p for p in item["packs"] if p["quantity"] == quantity)
    code = pack["barcodes"][0]
    return str(code["code"] if isinstance(code, dict) else code)


def each_barcode(item: dict[str, Any]) -> str:
    """The item's single-unit barcode (from a task line's or the catalog's item)."""
    for pack in item["packs"]:
        if pack["level"] == "each":
            code = pack["barcodes"][0]
            return str(code["code"] if isinstance(code, dict) else code)
    raise AssertionError(f"{item['sku']} has no each barcode")


def open_line_at(task: dict[str, Any], bin_code: str, done: Collection[int] = ()) -> dict[str, Any]:
    """The first open line at this bin on the walk (less the lines `done` on the device)."""
    lines = sorted(task["lines"], key=lambda line: (line["seq"], line["id"]))
    return next(
        line
        for line in lines
        if line["status"] == "open" and line["bin"]["code"] == bin_code and line["id"] not in done
    )


def remaining(line: dict[str, Any]) -> int:
    return int(line["quantity"] - line["picked"] - line["short"])


class Picker:
    """The worker on the pick screen, checked step by step against the server's task."""

    def __init__(self, app: Scanner, outbound: Outbound, task_id: int, totes: dict[int, str]):
        self.app = app
        self.page = app.page
        self.outbound = outbound
        self.task_id = task_id
        self.totes = totes  # order id -> the tote its picks go into
        self.done: set[int] = set()  # lines picked on the device (offline: not on the server)

    def get_work(self) -> None:
        self.page.click("[data-job=pick]")
        self.app.wait_screen("pick")
        self.page.locator("#get-work").click()
        self.app.instruction("Scan the bin")

    def current(self, task: dict[str, Any] | None = None) -> dict[str, Any]:
        """The line the screen asks for now (the server's copy of it, or `task`'s)."""
        self.app.instruction("Scan the bin")
        code = self.page.inner_text("#target-bin").strip()
        return open_line_at(task or self.outbound.task(self.task_id), code, self.done)

    def to_tote_step(self, line: dict[str, Any], *, shots: str = "") -> None:
        """Bin, item, the offered quantity (all that is left): the screen asks for the tote."""
        app = self.app
        app.scan(line["bin"]["code"])
        app.instruction("Scan the item")
        if shots:
            app.shot(f"{shots}-item")
        app.scan(each_barcode(line["item"]))
        app.instruction("Confirm the quantity")
        assert self.page.input_value("input[name=quantity]") == str(remaining(line))
        if shots:
            app.shot(f"{shots}-quantity")
        self.page.click("#confirm-qty")
        self.page.locator("#tote-slot").wait_for()
        assert f"order {line['order']['external_id']}" in self.page.inner_text("#tote-slot")
        if shots:
            app.shot(f"{shots}-tote")

    def into_tote(self, line: dict[str, Any], *, saved: bool = False) -> None:
        self.app.scan(self.totes[line["order"]["id"]])
        self.app.wait_message("Saved on device" if saved else f"Picked {remaining(line)} ")
        self.done.add(line["id"])

    def pick(self, line: dict[str, Any], *, saved: bool = False, shots: str = "") -> None:
        self.to_tote_step(line, shots=shots)
        self.into_tote(line, saved=saved)
