"""Driving the scanner PWA in Chromium like a worker with a wedge scanner, and setting up
its work (suppliers, purchase orders) through the API as a manager would."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import requests

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PHONE = {"viewport": {"width": 412, "height": 915}, "is_mobile": True, "has_touch": True}
# Playwright's typing is a few ms a key, but a busy 2-core machine can stretch a gap past a
# real scanner's 50 ms: the tests give the app a wide threshold (a per-device setting). They
# also let a confirmation wait up to 4 s for the server's own answer (1 s on a real device),
# so a loaded machine does not turn an online answer into "saved on device".
WIDE_GAP_SETTINGS = '{"scanGapMs": 1000, "answerWaitMs": 4000}'
TIMEOUT_MS = 15_000
WORKER = ("BADGE-0004", "4567")
DOCK = "DOCK-01"  # the demo seed's receiving dock
SUPERVISOR = ("BADGE-0003", "3456")


def phone_context(browser: Any, **extra: Any) -> Any:
    context = browser.new_context(**PHONE, **extra)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(
        f"if (!localStorage.getItem('scanfloor.settings'))"
        f" localStorage.setItem('scanfloor.settings', '{WIDE_GAP_SETTINGS}')"
    )
    return context


class Scanner:
    """One scanner PWA page: scan with the wedge, sign in, read the header, take screenshots."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base = base_url
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def open(self, route: str = "") -> Scanner:
        self.page.goto(f"{self.base}/scanner/{'#/' + route if route else ''}")
        self.page.wait_for_selector("body[data-ready=true]")
        return self

    def scan(self, code: str) -> None:
        """A wedge scan: the code typed fast, then Enter; '\\x1d' is sent as Ctrl+]."""
        for i, part in enumerate(code.split("\x1d")):
            if i:
                self.page.keyboard.press("Control+BracketRight")
            if part:
                self.page.keyboard.type(part)
        self.page.keyboard.press("Enter")

    def screen(self) -> str:
        return str(self.page.get_attribute("main#screen", "data-screen"))

    def wait_screen(self, name: str) -> None:
        self.page.wait_for_selector(f"main#screen[data-screen='{name}']")

    def instruction(self, text: str) -> None:
        self.page.locator("h1.instruction", has_text=text).wait_for()

    def sign_in(self, badge: str, pin: str) -> None:
        self.instruction("Scan your badge")
        self.scan(badge)
        self.page.fill("input[name=pin]", pin)
        self.page.keyboard.press("Enter")
        self.wait_screen("home")

    def start_shift(self) -> None:
        start = self.page.get_by_role("button", name="Start shift")
        if start.count():
            start.click()
        self.instruction("Choose a job")

    def badge(self) -> str:
        return str(self.page.inner_text("#outbox-badge")).strip()

    def wait_badge(self, text: str) -> None:
        self.page.wait_for_function(
            "t => document.getElementById('outbox-badge').textContent.trim() === t", arg=text
        )

    def message(self) -> str:
        return str(self.page.locator("main .message").first.inner_text())

    def wait_message(self, pattern: str) -> None:
        self.page.locator("main .message", has_text=re.compile(pattern)).first.wait_for()

    def feedback(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate("window.scanfloor.feedback()"))

    def resend(self, record: dict[str, Any]) -> list[Any]:
        """An outbox record sent again by hand with its client id as the Idempotency-Key:
        [status, Idempotent-Replayed header]."""
        return list(
            self.page.evaluate(
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
                record,
            )
        )

    def shot(self, name: str) -> None:
        """A screenshot of the screen as the worker sees it, once the scan flash has gone."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_selector("#flash", state="hidden")
        self.page.screenshot(path=str(SHOTS / f"scanner-{name}.png"))


class DemoApi:
    """The demo server's REST API as the manager."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url + "/api/v1"
        token = self.call("POST", "/auth/token", {"username": "manager", "password": "demo"})
        self.headers = {"Authorization": f"Bearer {token['token']}"}

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        resp = requests.request(
            method,
            self.url + path,
            json=body,
            params=params or None,
            headers=getattr(self, "headers", {}),
            timeout=15,
        )
        assert resp.status_code < 300, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json() if resp.text else None

    def item(self, item_id: int) -> dict[str, Any]:
        return dict(self.call("GET", f"/items/{item_id}"))

    def gtin(self, item: dict[str, Any], level: str) -> tuple[str, int]:
        """A pack's barcode and how many base units one scan of it counts."""
        pack = next(p for p in item["packs"] if p["level"] == level)
        return pack["barcodes"][0]["code"], int(pack["quantity"])

    def untracked_items(self, count: int, *, skip: int = 0) -> list[dict[str, Any]]:
        """Items with no lot or expiry tracking, and with a case pack: easy to receive."""
        found: list[dict[str, Any]] = []
        page = self.call("GET", "/items", limit=200)
        for item in page["items"]:
            levels = {p["level"] for p in item["packs"]}
            if item["tracking"] == "none" and not item["expiry_tracked"] and "case" in levels:
                found.append(item)
        assert len(found) >= skip + count
        return found[skip : skip + count]

    def lot_tracked_item(self) -> dict[str, Any]:
        """An item that needs a lot and an expiry on receipt."""
        page = self.call("GET", "/items", limit=200)
        return next(i for i in page["items"] if i["tracking"] == "lot" and i["expiry_tracked"])

    def open_po(self, lines: list[tuple[int, int]]) -> dict[str, Any]:
        """A new supplier and an open PO for (item_id, ordered quantity) lines."""
        tag = uuid.uuid4().hex[:6].upper()
        supplier = self.call("POST", "/suppliers", {"code": f"S{tag}", "name": f"Supplier {tag}"})
        po = self.call(
            "POST",
            "/purchase-orders",
            {
                "number": f"PO-{tag}",
                "supplier": supplier["code"],
                "lines": [
                    {"item_id": item_id, "quantity": qty, "unit_cost": "2.50"}
                    for item_id, qty in lines
                ],
            },
        )
        return dict(self.call("POST", f"/purchase-orders/{po['id']}/open"))

    def movements(self, item_id: int, type_: str) -> list[dict[str, Any]]:
        page = self.call("GET", "/movements", item_id=item_id, type=type_, limit=500)
        return list(page["movements"])

    def on_hand(self, item_id: int, location_code: str) -> int:
        rows = self.call("GET", "/balances", item_id=item_id)["balances"]
        return sum(r["quantity"] for r in rows if r["location_code"] == location_code)


def signed_in(browser: Any, demo_server: str) -> tuple[Any, Any, Scanner]:
    """A phone-sized page with the demo worker signed in and the shift started."""
    context = phone_context(browser)
    page = context.new_page()
    app = Scanner(page, demo_server).open()
    app.sign_in(*WORKER)
    app.start_shift()
    return context, page, app


def open_po_on_scanner(app: Scanner, po: dict[str, Any]) -> None:
    app.page.click("[data-job=receive]")
    app.instruction("Scan or pick the purchase order")
    app.page.click(f"[data-po='{po['id']}']")
    app.instruction("Scan an item")


def receive_case(app: Scanner, gtin: str) -> None:
    """One case received by wedge scans onto the dock."""
    app.scan(gtin)
    app.instruction("Confirm the quantity")
    app.page.click("#confirm-qty")
    app.instruction("Scan the dock location")
    app.scan(DOCK)
    app.instruction("Scan an item")
