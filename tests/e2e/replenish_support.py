"""Replenishment work for the browser tests, set up through the REST API as the back office
would: a new item of the test's own (an each barcode and a case of 6), a pick face bin and
reserve bins of its own in zone C with stock received into them, and a min/max on the face
that puts it below its min (the faces service raises its task at once). Every other open
replenishment task of WH1 is held by a stand-in worker while a test runs, so the scanner's
"Get task" is certain to claim the test's task (the demo seed raises one, other tests may
raise more); they are given back afterwards.

The item is new, so the only stock of it is what the test put there: nothing else (no order,
no other test) moves it."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from .count_support import ADMIN
from .outbound_support import token_of, worker_id
from .scanner_support import SUPERVISOR, WORKER, DemoApi

WAREHOUSE = "WH1"
ZONE = "WH1-C"
CASE = 6
HOLDER_PASSWORD = "stand-in-holder-1"
MAX_HOLDERS = 12


def gtin(body: str) -> str:
    """A GTIN with its check digit (GS1 general specifications 7.9)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


class Replenishment:
    """One test's item, bins, stock and pick face, and its task, through the API."""

    def __init__(self, api: DemoApi) -> None:
        self.api = api
        self.tag = uuid.uuid4().hex[:6].upper()
        self.n = 0
        self.super_headers = {"Authorization": f"Bearer {token_of(api.url, SUPERVISOR)}"}
        self.admin_headers = {"Authorization": f"Bearer {token_of(api.url, ADMIN)}"}
        self.zone = api.call("GET", "/locations", q=ZONE, level="zone")["locations"][0]

    def as_(
        self, headers: dict[str, str], method: str, path: str, body: Any = None, **q: Any
    ) -> Any:
        resp = requests.request(
            method,
            self.api.url + path,
            json=body,
            params=q or None,
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            timeout=15,
        )
        assert resp.status_code < 300, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json() if resp.text else None

    def supervisor(self, method: str, path: str, body: Any = None, **q: Any) -> Any:
        return self.as_(self.super_headers, method, path, body, **q)

    # --- the work ------------------------------------------------------------------------

    def item(self) -> dict[str, Any]:
        """An untracked item of this test's own: an each GTIN-13 and a case (of 6) GTIN-14,
        in the GS1 prefix 2 range (for use inside a company), unique to this run."""
        body = "2" + "".join(random.choice("0123456789") for _ in range(11))
        each, case = gtin(body), gtin("1" + body)
        return dict(
            self.api.call(
                "POST",
                "/items",
                {
                    "sku": f"RPL-{self.tag}",
                    "name": f"Refill test {self.tag}",
                    "packs": [
                        {"level": "each", "quantity": 1, "barcodes": [each]},
                        {"level": "case", "quantity": CASE, "barcodes": [case]},
                    ],
                },
            )
        )

    def bin(self, kind: str = "storage") -> dict[str, Any]:
        """A sellable bin of this test's own in zone C (a reserve bin, or a pick face bin),
        its barcode other than its code."""
        self.n += 1
        code = f"RP{'F' if kind == 'pick_face' else 'R'}-{self.tag}-{self.n}"
        return dict(
            self.api.call(
                "POST",
                "/locations",
                {
                    "code": code,
                    "type": kind,
                    "parent_id": self.zone["id"],
                    "barcode": f"LR{self.tag}{self.n}",
                    "name": f"Refill test bin {code}",
                    "sellable": True,
                },
            )
        )

    def stock(self, bin_: dict[str, Any], item: dict[str, Any], quantity: int) -> None:
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
                        "unit_cost": "1.00",
                    }
                ],
            },
        )

    def move(
        self, item: dict[str, Any], quantity: int, frm: dict[str, Any], to: dict[str, Any]
    ) -> None:
        """Stock moved by someone else (the back office), not through the task."""
        self.api.call(
            "POST",
            "/movements",
            {
                "type": "transfer",
                "lines": [
                    {
                        "item_id": item["id"],
                        "quantity": quantity,
                        "from_location": frm["code"],
                        "to_location": to["code"],
                    }
                ],
            },
        )

    def face(self, bin_: dict[str, Any], item: dict[str, Any], low: int, high: int) -> int:
        """A min/max on the face (below its min: its task is raised at once); the task id."""
        face = self.supervisor(
            "PUT",
            "/pick-faces",
            {"bin": bin_["code"], "sku": item["sku"], "min_qty": low, "max_qty": high},
        )
        assert face["below_min"] and face["live_task_id"], face
        return int(face["live_task_id"])

    def task(self, task_id: int) -> dict[str, Any]:
        return dict(self.supervisor("GET", f"/replenishment-tasks/{task_id}"))

    def on_hand(self, item: dict[str, Any], bin_: dict[str, Any]) -> int:
        return self.api.on_hand(item["id"], bin_["code"])

    def moves_of(self, task_id: int, item: dict[str, Any]) -> list[tuple[str, str, int]]:
        """The task's ledger movements (from, to, units), oldest first."""
        rows = self.api.movements(item["id"], "transfer")
        return [
            (m["from_location_code"], m["to_location_code"], m["quantity"])
            for m in sorted(rows, key=lambda m: m["id"])
            if m["source_type"] == "replenishment" and m["source_id"] == str(task_id)
        ]

    # --- keeping the queue to the test's task ----------------------------------------------

    def _holder(self) -> dict[str, str]:
        """A stand-in worker of WH1 (made for this run) to hold another task."""
        self.n += 1
        name = f"rpl-holder-{self.tag.lower()}-{self.n}"
        user = self.as_(
            self.admin_headers,
            "POST",
            "/users",
            {"username": name, "role": "worker", "password": HOLDER_PASSWORD},
        )
        self.as_(
            self.admin_headers,
            "PUT",
            f"/users/{user['id']}/warehouses",
            {"warehouses": [WAREHOUSE]},
        )
        token = self.api.call(
            "POST", "/auth/token", {"username": name, "password": HOLDER_PASSWORD}
        )["token"]
        return {"Authorization": f"Bearer {token}"}

    def _live(self, status: str) -> list[dict[str, Any]]:
        return list(
            self.supervisor("GET", "/replenishment-tasks", warehouse=WAREHOUSE, status=status)[
                "items"
            ]
        )

    @contextmanager
    def others_held(self, mine: int) -> Iterator[list[int]]:
        """Every other open task of WH1 held by a stand-in worker, and none held by the test's
        worker, so "Get task" claims `mine`; the held ones are given back afterwards."""
        held: list[int] = []
        me = worker_id(self.api.url, WORKER)
        try:
            for t in self._live("claimed"):
                if (t["claimed_by"] or {}).get("id") == me and t["id"] != mine:
                    self.supervisor("POST", f"/replenishment-tasks/{t['id']}/release")
            for _ in range(MAX_HOLDERS):
                if not [t for t in self._live("open") if t["id"] != mine]:
                    break
                got = self.as_(
                    self._holder(),
                    "POST",
                    "/replenishment-tasks/claim",
                    {"warehouse": WAREHOUSE, "client_scan_id": str(uuid.uuid4())},
                )["task"]
                if got is None:
                    break
                held.append(int(got["id"]))
            if mine in held:  # the oldest: a stand-in took it; back in the queue, alone
                self.supervisor("POST", f"/replenishment-tasks/{mine}/release")
                held.remove(mine)
            assert [t["id"] for t in self._live("open")] == [mine]
            yield held
        finally:
            for task_id in held:
                self.supervisor("POST", f"/replenishment-tasks/{task_id}/release")
