"""Returns for the browser tests: a channel of the test's own, an order with a customer and
its RMA, set up through the REST API as a channel integrates them, and the worker receiving
the return on the scanner's Returns screen."""

from __future__ import annotations

import uuid
from typing import Any

from .scanner_support import DemoApi, Scanner

RETURNS_AREA = "RET-01"  # the demo's returns location in WH1
QUARANTINE = "QUAR-01"


class Returns:
    """A channel of the test's own, an order with a customer, and its RMA, as a channel
    integrates them through the API."""

    def __init__(self, api: DemoApi) -> None:
        self.api = api
        self.tag = uuid.uuid4().hex[:6].upper()
        made = api.call(
            "POST",
            "/channels",
            {"code": f"RT{self.tag}", "kind": "web", "name": f"Returns {self.tag}",
             "warehouses": ["WH1"]},
        )  # fmt: skip
        self.channel = str(made["code"])
        self.customer = f"Ada Lovelace {self.tag}"

    def order(self, lines: list[tuple[dict[str, Any], int, str]]) -> dict[str, Any]:
        return dict(
            self.api.call(
                "POST",
                "/orders",
                {
                    "channel": self.channel,
                    "external_id": f"WEB-{self.tag}-{uuid.uuid4().hex[:4].upper()}",
                    "ship_to": {"name": self.customer, "email": f"ada.{self.tag}@example.com"},
                    "lines": [
                        {"sku": item["sku"], "quantity": qty, "price": price}
                        for item, qty, price in lines
                    ],
                },
            )
        )

    def rma(self, order: dict[str, Any], lines: list[tuple[dict[str, Any], int]]) -> dict[str, Any]:
        return dict(
            self.api.call(
                "POST",
                "/returns",
                {
                    "channel": self.channel,
                    "external_id": f"R-{uuid.uuid4().hex[:8].upper()}",
                    "order_external_id": order["external_id"],
                    "warehouse": "WH1",
                    "reason": "too_small",
                    "lines": [
                        {"sku": item["sku"], "quantity": qty, "reason": "too small"}
                        for item, qty in lines
                    ],
                },
            )
        )

    def get(self, rma_id: int) -> dict[str, Any]:
        return dict(self.api.call("GET", f"/returns/{rma_id}"))

    def movements(self, item_id: int, rma_id: int) -> list[dict[str, Any]]:
        rows = self.api.call("GET", "/movements", item_id=item_id, limit=500)["movements"]
        return [m for m in rows if m["source_type"] == "return" and m["source_id"] == str(rma_id)]


def line_of(rma: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    return next(ln for ln in rma["lines"] if ln["item"]["id"] == item["id"])


def open_return(app: Scanner, number: str) -> None:
    app.page.click("[data-job=returns]")
    app.instruction("Scan the RMA or the order")
    app.scan(number)
    app.instruction("Scan an item")


def receive(app: Scanner, code: str, said: str, count: tuple[int, int] | None = None) -> None:
    """One item scanned; the screen says `said` and (unless the receipt closed) the count."""
    app.scan(code)
    app.wait_message(said)
    if count:
        app.page.wait_for_function(
            "t => document.getElementById('receipt-count')?.textContent === t",
            arg=f"Received {count[0]} of {count[1]}",
        )
