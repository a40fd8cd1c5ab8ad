"""The live board through the real server, real Socket.IO clients and a real browser: only a
signed-in socket in a warehouse's room hears that warehouse's `board.update`; a burst of
postings is a handful of updates, the last of which shows them all; and the console's board
page changes without a reload when stock is posted through the API."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import socketio

from scanfloor import create_app
from scanfloor.config import Settings

from .conftest import BIN, base_env, free_port, serving

pytestmark = pytest.mark.timeout(240)
LIVE = "/live"
WINDOW_MS = 1000


@dataclass
class Board:
    """A python-socketio client on /live that keeps every board.update it hears."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    posted: list[dict[str, Any]] = field(default_factory=list)
    client: socketio.Client = field(default_factory=socketio.Client)

    def __post_init__(self) -> None:
        self.client.on("board.update", self.updates.append, namespace=LIVE)
        self.client.on("ledger.posted", self.posted.append, namespace=LIVE)

    def connect(self, url: str, token: str) -> Board:
        self.client.connect(url, namespaces=[LIVE], auth={"token": token}, wait_timeout=10)
        return self

    def join(self, warehouse: int | str) -> dict[str, Any]:
        return dict(self.client.call("join", {"warehouse": warehouse}, namespace=LIVE, timeout=10))

    def of(self, warehouse_id: int) -> list[dict[str, Any]]:
        return [u for u in self.updates if u["warehouse_id"] == warehouse_id]

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def _wait_for(cond: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


@dataclass
class Site:
    url: str
    tokens: dict[str, str]
    ids: dict[str, int]

    def receive(self, to: str, who: str = "manager") -> int:
        line = {"item_id": self.ids["item"], "quantity": 1, "from_location": "VENDOR",
                "to_location": to}  # fmt: skip
        r = requests.post(
            self.url + "/api/v1/movements",
            json={"type": "receipt", "lines": [line]},
            headers={"Authorization": f"Bearer {self.tokens[who]}"},
            timeout=20,
        )
        assert r.status_code == 201, r.text
        return int(r.json()["posting_id"])


def prepare(db_url: str) -> tuple[dict[str, int], dict[str, str]]:
    """Users, NORTH and SOUTH with a dock each, one item; the supervisor may see NORTH."""
    from scanfloor.access.service import set_user_warehouses
    from scanfloor.auth.service import create_user
    from scanfloor.auth.tokens import issue_token
    from scanfloor.extensions import db
    from tests.factories import make_bin_in, make_item, make_warehouse

    app = create_app(Settings(mode="test", database_url=db_url))
    ids: dict[str, int] = {}
    tokens: dict[str, str] = {}
    with app.app_context():
        for role in ("worker", "supervisor", "manager"):
            ids[role] = create_user(username=role, role=role, password=f"{role}-password").id
        north, south = make_warehouse("NORTH"), make_warehouse("SOUTH")
        make_bin_in(north, "N-DOCK", type="dock", sellable=False)
        make_bin_in(south, "S-DOCK", type="dock", sellable=False)
        ids.update(north=north.id, south=south.id, item=make_item("LIVE-B").id)
        set_user_warehouses(ids["supervisor"], ["NORTH"])
        for role in ("worker", "supervisor", "manager"):
            tokens[role] = issue_token(ids[role]).token
        db.session.commit()
        db.session.remove()
    return ids, tokens


@pytest.fixture
def site(db_url: str) -> Iterator[Site]:
    ids, tokens = prepare(db_url)
    port = free_port()
    env = base_env(
        DATABASE_URL=db_url,
        SCANFLOOR_MODE="test",
        SCANFLOOR_OUTBOX_THREAD="false",
        SCANFLOOR_BOARD_COALESCE_MS=str(WINDOW_MS),
    )
    with serving([str(BIN / "scanfloor"), "serve", "--port", str(port)], env, port) as url:
        yield Site(url, tokens, ids)


def _refused(url: str, auth: dict[str, str] | None) -> bool:
    client = socketio.Client()
    try:
        client.connect(url, namespaces=[LIVE], auth=auth, wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        return True
    client.disconnect()
    return False


def test_only_a_signed_in_socket_in_a_warehouses_room_hears_its_board(site):
    assert _refused(site.url, None)
    assert _refused(site.url, {"token": "sft_not-a-token"})
    sup = Board().connect(site.url, site.tokens["supervisor"])
    worker = Board().connect(site.url, site.tokens["worker"])
    manager = Board().connect(site.url, site.tokens["manager"])
    try:
        assert "joined" in sup.join("NORTH")
        refused = sup.join("SOUTH")
        assert refused["error"]["code"] == "forbidden"
        assert worker.join("NORTH")["error"]["code"] == "forbidden"  # nothing assigned
        assert "joined" in manager.join("SOUTH")

        south = site.receive("S-DOCK")
        north = site.receive("N-DOCK")
        assert _wait_for(lambda: sup.of(site.ids["north"]) and manager.of(site.ids["south"]))
        [update] = sup.updates
        assert update["warehouse"]["code"] == "NORTH"
        assert update["queues"]["to_put_away"]["count"] == 1
        assert update["queues"]["to_receive"]["count"] == 0
        assert update["feed"][0]["posting_id"] == north
        assert set(update["sections"]) == {"to_receive", "to_put_away", "feed"}
        assert manager.of(site.ids["south"])[-1]["feed"][0]["posting_id"] == south
        # The live feed: each posting at once, read as the warehouse's board reads it.
        assert _wait_for(lambda: sup.posted and manager.posted)
        [heard] = sup.posted
        assert heard["posting_id"] == north
        assert heard["entry"]["summary"] == "receipt 1 \u2192 N-DOCK"
        shown = ("at", "who", "sku", "lines", "summary", "from_code")
        assert heard["entry"] == {k: update["feed"][0][k] for k in shown}
        assert [p["entry"]["summary"] for p in manager.posted] == ["receipt 1 \u2192 S-DOCK"]
        time.sleep(WINDOW_MS / 1000 + 0.5)  # nothing else arrives late, nor to the others
        assert sup.of(site.ids["south"]) == [] and len(sup.updates) == 1
        assert worker.updates == [] and manager.of(site.ids["north"]) == []
    finally:
        for board in (sup, worker, manager):
            board.close()


def test_a_burst_of_postings_is_a_handful_of_updates_and_the_last_shows_them_all(site):
    board = Board().connect(site.url, site.tokens["supervisor"])
    try:
        assert "joined" in board.join("NORTH")
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            posted = list(pool.map(lambda _: site.receive("N-DOCK"), range(200)))
        took = time.monotonic() - started
        last = max(posted)
        assert _wait_for(lambda: any(u["feed"][0]["posting_id"] == last for u in board.updates))
        time.sleep(WINDOW_MS / 1000 + 0.5)
        # At most one emit per window while the burst lasts, plus the leading one.
        allowed = math.ceil(took * 1000 / WINDOW_MS) + 2
        assert 1 <= len(board.updates) <= allowed, (len(board.updates), took)
        assert len(board.updates) < 20
        final = board.updates[-1]
        assert final["feed"][0]["posting_id"] == last
        assert final["queues"]["to_put_away"]["units"] == 200
    finally:
        board.close()


def test_the_console_board_changes_without_a_reload_when_stock_is_posted(demo_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(demo_server + "/console/board")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo")
    page.keyboard.press("Enter")
    page.locator("#live-state[data-state=live]").wait_for(timeout=15_000)
    page.wait_for_function("document.querySelector('#count-to_put_away').textContent !== '\u2013'")
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url))

    token = requests.post(
        demo_server + "/api/v1/auth/token",
        json={"username": "manager", "password": "demo"},
        timeout=10,
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    board = requests.get(demo_server + "/api/v1/board?warehouse=WH1", headers=headers, timeout=10)
    units = board.json()["queues"]["to_put_away"]["units"]
    page.wait_for_function(
        "n => document.querySelector('#sub-to_put_away').textContent.replace(/,/g, '')"
        ".startsWith(n + ' units')",
        arg=units,
    )
    items = requests.get(demo_server + "/api/v1/items?limit=200", headers=headers, timeout=10)
    item = next(i for i in items.json()["items"] if i["tracking"] == "none")
    line = {"item_id": item["id"], "quantity": 1,
            "from_location": "VENDOR", "to_location": "DOCK-01"}  # fmt: skip
    posted = requests.post(
        demo_server + "/api/v1/movements",
        headers=headers,
        json={"type": "receipt", "lines": [line]},
        timeout=10,
    )
    assert posted.status_code == 201, posted.text
    page.wait_for_function(
        "n => document.querySelector('#sub-to_put_away').textContent.replace(/,/g, '')"
        ".startsWith(n + ' units')",
        arg=units + 1,
        timeout=15_000,
    )
    feed = page.locator("#feed li").first.inner_text()
    assert "receipt 1 \u2192 DOCK-01" in feed and "from VENDOR" in feed
    assert loads == [] and errors == []
    page.close()
