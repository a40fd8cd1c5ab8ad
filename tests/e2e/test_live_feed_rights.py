"""The live feed through the real server and a real Socket.IO client, on both databases:
a socket needs a token that signs someone in and an allowed Origin, it hears only the
warehouses its user may see, and it is dropped the moment its token is revoked or expires."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import requests
import socketio

from scanfloor import create_app
from scanfloor.config import Settings

from .conftest import BIN, base_env, free_port, serving

pytestmark = pytest.mark.timeout(180)
LIVE = "/live"
SECRET = "live-feed-test-secret-0123456789-abcdefghijklmnop"


@dataclass
class Site:
    url: str
    tokens: dict[str, str]
    ids: dict[str, int]
    issue: Callable[..., str]

    def headers(self, who: str = "manager") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def receive_into(self, bin_code: str) -> int:
        """A receipt from Vendor into a bin (posted over HTTP, so this server announces it)."""
        line = {"item_id": self.ids["item"], "quantity": 1, "from_location": "VENDOR",
                "to_location": bin_code}  # fmt: skip
        r = requests.post(
            self.url + "/api/v1/movements",
            json={"type": "receipt", "lines": [line]},
            headers=self.headers(),
            timeout=15,
        )
        assert r.status_code == 201, r.text
        return int(r.json()["posting_id"])


@dataclass
class Listener:
    """A python-socketio client on /live that keeps what it hears."""

    heard: list[dict[str, Any]] = field(default_factory=list)
    dropped: threading.Event = field(default_factory=threading.Event)
    client: socketio.Client = field(default_factory=socketio.Client)

    def __post_init__(self) -> None:
        self.client.on("ledger.posted", self.heard.append, namespace=LIVE)
        self.client.on("disconnect", lambda *_: self.dropped.set(), namespace=LIVE)

    def connect(self, url: str, token: str | None, **kw: Any) -> Listener:
        auth = {"token": token} if token is not None else None
        self.client.connect(url, namespaces=[LIVE], auth=auth, wait_timeout=10, **kw)
        return self

    def join(self, warehouse: int | str) -> dict[str, Any]:
        return dict(self.client.call("join", {"warehouse": warehouse}, namespace=LIVE, timeout=10))

    def postings(self) -> list[int]:
        return [e["posting_id"] for e in self.heard]

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def _prepare(db_url: str) -> tuple[dict[str, int], Callable[..., str]]:
    """Users, two warehouses with a bin each, one item; the worker may see North only."""
    from scanfloor.access.service import set_user_warehouses
    from scanfloor.auth.service import create_user
    from scanfloor.auth.tokens import issue_token
    from scanfloor.extensions import db
    from tests.factories import make_bin_in, make_item, make_warehouse

    app = create_app(Settings(mode="test", database_url=db_url))
    ids: dict[str, int] = {}
    with app.app_context():
        for role in ("worker", "manager"):
            ids[role] = create_user(username=role, role=role, password=f"{role}-password").id
        north, south = make_warehouse("NORTH"), make_warehouse("SOUTH")
        make_bin_in(north, "N-01")
        make_bin_in(south, "S-01")
        ids.update(north=north.id, south=south.id, item=make_item("LIVE-1").id)
        set_user_warehouses(ids["worker"], ["NORTH"])
        db.session.remove()

    def issue(who: str, ttl: timedelta = timedelta(hours=1)) -> str:
        with app.app_context():
            token = issue_token(ids[who], ttl=ttl).token
            db.session.commit()
            db.session.remove()
            return token

    return ids, issue


@pytest.fixture
def open_site(db_url: str) -> Iterator[Callable[..., Site]]:
    """open_site(recheck_seconds) -> the real server on a prepared database."""
    ids, issue = _prepare(db_url)
    with ExitStack() as stack:

        def open_(recheck_seconds: str = "600") -> Site:
            port = free_port()
            env = base_env(
                DATABASE_URL=db_url,
                SECRET_KEY=SECRET,
                SCANFLOOR_OUTBOX_THREAD="false",
                SCANFLOOR_SOCKETIO_ORIGINS="https://console.example.com",
                SCANFLOOR_LIVE_RECHECK_SECONDS=recheck_seconds,
            )
            cmd = [str(BIN / "scanfloor"), "serve", "--port", str(port)]
            url = stack.enter_context(serving(cmd, env, port))
            return Site(url, {who: issue(who) for who in ("worker", "manager")}, ids, issue)

        yield open_


def _refused(url: str, token: str | None, **kw: Any) -> bool:
    listener = Listener()
    try:
        listener.connect(url, token, **kw)
    except socketio.exceptions.ConnectionError:
        return True
    listener.close()
    return False


def _wait_for(cond: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def test_a_socket_needs_a_live_token_and_an_allowed_origin(open_site):
    site = open_site(recheck_seconds="0.5")
    assert _refused(site.url, None)
    assert _refused(site.url, "sft_not-a-token")
    assert _refused(site.url, site.issue("worker", ttl=timedelta(seconds=-1)))
    own = {"Origin": site.url}
    assert _refused(site.url, site.tokens["worker"], headers={"Origin": "https://evil.example"})
    assert not _refused(site.url, site.tokens["worker"], headers=own)
    configured = {"Origin": "https://console.example.com"}
    assert not _refused(site.url, site.tokens["worker"], headers=configured)

    # Signed out while listening: the socket is dropped by the sweep, no posting needed.
    listener = Listener().connect(site.url, site.tokens["worker"], headers=own)
    try:
        logout = requests.post(site.url + "/api/v1/auth/logout", headers=site.headers("worker"))
        assert logout.status_code == 204, logout.text
        assert listener.dropped.wait(10), "a revoked token kept its live socket"
    finally:
        listener.close()


def test_each_warehouse_room_hears_its_own_postings_only(open_site):
    # Re-checks are 10 minutes apart: what is seen here is the check before each delivery.
    site = open_site()
    worker = Listener().connect(site.url, site.tokens["worker"])
    manager = Listener().connect(site.url, site.tokens["manager"])
    try:
        north = {"warehouse_id": site.ids["north"], "code": "NORTH"}
        south = {"warehouse_id": site.ids["south"], "code": "SOUTH"}
        assert worker.join("north") == {"joined": north}
        refused = worker.join(site.ids["south"])
        assert refused["error"]["code"] == "forbidden"
        assert refused["error"]["details"] == south
        assert worker.join("NOWHERE")["error"]["code"] == "not_found"
        assert worker.join("N-01")["error"]["code"] == "not_found"  # a bin is not a warehouse
        assert manager.join("SOUTH") == {"joined": south}

        in_south = site.receive_into("S-01")
        in_north = site.receive_into("N-01")
        assert _wait_for(lambda: worker.postings() == [in_north])
        assert _wait_for(lambda: manager.postings() == [in_south])
        assert worker.heard[0]["warehouse_id"] == site.ids["north"]
        time.sleep(0.5)  # nothing else arrives late
        assert worker.postings() == [in_north] and manager.postings() == [in_south]

        # A right taken away takes the room with it, at the next delivery.
        r = requests.put(
            f"{site.url}/api/v1/users/{site.ids['worker']}/warehouses",
            json={"warehouses": []},
            headers=site.headers(),
            timeout=10,
        )
        assert r.status_code == 200, r.text
        assert manager.join("NORTH") == {"joined": north}
        again = site.receive_into("N-01")
        assert _wait_for(lambda: manager.postings() == [in_south, again])
        time.sleep(0.5)
        assert worker.postings() == [in_north]
    finally:
        worker.close()
        manager.close()


def test_a_revoked_or_expired_token_hears_nothing_more(open_site):
    site = open_site()
    revoked = Listener().connect(site.url, site.tokens["worker"])
    expiring = Listener().connect(site.url, site.issue("worker", ttl=timedelta(seconds=3)))
    manager = Listener().connect(site.url, site.tokens["manager"])
    try:
        for listener in (revoked, expiring, manager):
            assert "joined" in listener.join("NORTH")
        first = site.receive_into("N-01")
        for listener in (revoked, expiring, manager):
            assert _wait_for(lambda ls=listener: ls.postings() == [first])

        logout = requests.post(site.url + "/api/v1/auth/logout", headers=site.headers("worker"))
        assert logout.status_code == 204
        assert expiring.client.connected and not expiring.dropped.is_set()
        time.sleep(3.2)  # past the expiring token's lifetime; the sweep is 10 minutes away
        second = site.receive_into("N-01")
        assert _wait_for(lambda: manager.postings() == [first, second])
        assert revoked.dropped.wait(5) and expiring.dropped.wait(5)
        assert revoked.postings() == [first] and expiring.postings() == [first]
    finally:
        for listener in (revoked, expiring, manager):
            listener.close()
