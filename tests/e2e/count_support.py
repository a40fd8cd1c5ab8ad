"""Count work for the browser tests, set up through the REST API as the back office would (a
new bin of the test's own in zone C, stock received into it at a known unit cost, an ad-hoc
count of the bin handed to a worker), the supervisor's side (review, approve), and the
counter on the scanner's count screen.

Each test counts bins it made itself, so what the ledger holds there is only what the test
put in: the demo server is shared with other browser tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from .outbound_support import PICKER2, token_of, worker_id
from .scanner_support import SUPERVISOR, WORKER, DemoApi, Scanner

COUNTER2 = PICKER2  # the demo's second worker (worker2) recounts
ADMIN = ("BADGE-0001", "1234")  # the demo's admin: may verify the ledger
ZONE = "WH1-C"
UNIT_COST = "1.00"  # small: a few units off stays within the C-class value tolerance


class Counts:
    """Bins, stock and count tasks for one test, through the API."""

    def __init__(self, api: DemoApi) -> None:
        self.api = api
        self.tag = uuid.uuid4().hex[:6].upper()
        self.n = 0
        self.super_headers = {"Authorization": f"Bearer {token_of(api.url, SUPERVISOR)}"}

    def as_supervisor(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        resp = self.supervisor(method, path, body, **params)
        assert resp.status_code < 300, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json() if resp.text else None

    def supervisor(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        return requests.request(
            method,
            self.api.url + path,
            json=body,
            params=params or None,
            headers={**self.super_headers, "Idempotency-Key": str(uuid.uuid4())},
            timeout=15,
        )

    def new_bin(self) -> dict[str, Any]:
        """An empty storage bin of this test's own in zone C, its barcode not its code."""
        self.n += 1
        zone = self.api.call("GET", "/locations", q=ZONE, level="zone")["locations"][0]
        code = f"CNT-{self.tag}-{self.n}"
        return dict(
            self.api.call(
                "POST",
                "/locations",
                {
                    "code": code,
                    "type": "storage",
                    "parent_id": zone["id"],
                    "barcode": f"LB{self.tag}{self.n}",
                    "name": f"Count test bin {code}",
                    # Not sellable: its stock is never promised to an order nor picked, so
                    # counting it moves nothing another test relies on.
                    "sellable": False,
                },
            )
        )

    def stock(self, bin_: dict[str, Any], item: dict[str, Any], quantity: int) -> None:
        """Units received straight into the bin at a known unit cost (the count's value)."""
        self.api.call(
            "POST",
            "/movements",
            {
                "type": "receipt",
                "lines": [
                    {
                        "item_id": item["id"],
                        "quantity": quantity,
                        "from_location": "VENDOR",
                        "to_location": bin_["code"],
                        "unit_cost": UNIT_COST,
                    }
                ],
            },
        )

    def count_of(self, bin_: dict[str, Any], to: tuple[str, str] | None = WORKER) -> int:
        """An ad-hoc count of the bin (as the console raises one), handed to a worker."""
        made = self.as_supervisor(
            "POST", "/count-plans/adhoc", {"warehouse": "WH1", "locations": [bin_["code"]]}
        )
        [task_id] = made["task_ids"]
        if to is not None:
            self.give_to(task_id, to)
        return int(task_id)

    def give_to(self, task_id: int, who: tuple[str, str]) -> None:
        user = worker_id(self.api.url, who)
        self.as_supervisor("POST", f"/count-tasks/{task_id}/assign", {"user": user})

    def review(self, task_id: int) -> dict[str, Any]:
        return dict(self.as_supervisor("GET", f"/count-tasks/{task_id}/review"))

    def on_hand(self, item: dict[str, Any], bin_: dict[str, Any]) -> int:
        return self.api.on_hand(item["id"], bin_["code"])

    def count_movements(self, task_id: int, item: dict[str, Any]) -> list[dict[str, Any]]:
        rows = self.api.call("GET", "/movements", item_id=item["id"], type="count", limit=500)
        return [
            m
            for m in rows["movements"]
            if m["source_type"] == "count_task" and m["source_id"] == str(task_id)
        ]

    @contextmanager
    def others_held(self, mine: int) -> Iterator[list[int]]:
        """Every other free count task of WH1 held by the supervisor for a while, so the only
        task a worker can be given is `mine` (or none); given back afterwards."""
        held: list[int] = []
        try:
            for status in ("open", "recount"):
                tasks = self.as_supervisor("GET", "/count-tasks", warehouse="WH1", status=status)
                for t in tasks["tasks"]:
                    if t["id"] != mine and t["assigned_to"] is None:
                        self.as_supervisor(
                            "POST", f"/count-tasks/{t['id']}/assign", {"user": "super"}
                        )
                        held.append(int(t["id"]))
            yield held
        finally:
            for task_id in held:
                self.supervisor("POST", f"/count-tasks/{task_id}/unassign")


def count_items(api: DemoApi, count: int) -> list[dict[str, Any]]:
    """Untracked items with a case pack, from the back of the catalog (the pick tests use its
    middle, the receiving tests its front), and of class C (a classification run by another
    test may have made some A or B, whose tolerance is tighter)."""
    tight = classed(api, "A") | classed(api, "B")
    found: list[dict[str, Any]] = []
    cursor = None
    items: list[dict[str, Any]] = []
    while True:
        page = api.call("GET", "/items", limit=200, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    for item in reversed(items):
        levels = {p["level"]: p["quantity"] for p in item["packs"]}
        if item["id"] in tight or item["tracking"] != "none" or item["expiry_tracked"]:
            continue
        if levels.get("case", 0) > 1:
            found.append(item)
        if len(found) == count:
            return found
    raise AssertionError(f"only {len(found)} untracked items with a case pack")


def classed(api: DemoApi, abc_class: str) -> set[int]:
    rows = api.call("GET", "/item-classes", warehouse="WH1", **{"class": abc_class})["items"]
    return {int(r["item"]["id"] if isinstance(r["item"], dict) else r["item"]) for r in rows}


class Counter:
    """A worker on the scanner's count screen."""

    def __init__(self, app: Scanner) -> None:
        self.app = app
        self.page = app.page

    def open(self) -> None:
        self.page.click("[data-job=count]")
        self.app.wait_screen("count")
        self.app.instruction("Count a bin")

    def claim(self, bin_code: str) -> None:
        self.page.locator("#get-work").click()
        self.app.instruction("Scan the bin")
        assert self.page.inner_text("#target-bin").strip() == bin_code

    def keypad(self, quantity: int) -> None:
        self.page.locator("[data-key=clear]").click()
        for digit in str(quantity):
            self.page.locator(f"[data-key='{digit}']").click()
        assert self.page.inner_text("#count-entry").strip() == str(quantity)

    def count(self, barcode: str, quantity: int, *, expect: str = "Counted") -> None:
        """Scan an item, key how many, confirm: the screen says `expect`."""
        self.app.scan(barcode)
        self.app.page.locator("h1.instruction", has_text="How many").wait_for()
        self.keypad(quantity)
        self.page.click("#confirm-qty")
        self.app.wait_message(expect)
        self.app.instruction("Scan the next item or Bin done")

    def counted(self) -> list[str]:
        """What the screen lists as counted here, one line of words each."""
        return [" ".join(t.split()) for t in self.page.locator("#counted li").all_inner_texts()]

    def bin_done(self, outcome: str) -> None:
        self.page.click("#bin-done")
        self.app.instruction("Bin done")
        self.page.wait_for_selector(f"#count-result[data-outcome='{outcome}']")


def ledger_is_clean(api: DemoApi) -> None:
    """The whole ledger verifies (its chain and every balance), as the admin sees it."""
    headers = {"Authorization": f"Bearer {token_of(api.url, ADMIN)}"}
    report = requests.get(api.url + "/ledger/verify", headers=headers, timeout=60).json()
    assert report["clean"], report
