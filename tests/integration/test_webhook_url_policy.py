"""Channel webhooks reach public https endpoints only: refused when saved (422 in the error
shape) and again at delivery, after DNS resolution, as a failed attempt that sends nothing.

The app fixture runs in test mode, where loopback webhooks are allowed (the receivers of the
webhook tests listen on 127.0.0.1); `production` turns that allowance off, as a production
deployment has it. Receivers here are real HTTP servers on 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select, update

from scanfloor.allocation import webhook_http
from scanfloor.allocation.models import Channel
from scanfloor.allocation.webhook_url_rules import IPAddress, WebhookUrlRefused
from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.outbox.dispatcher import dispatch_due
from scanfloor.outbox.models import OutboxAttempt
from tests.outbox_helpers import (
    Receiver,
    drain,
    fast_outbox,
    hooked_channel,
    ids_of,
    send,
    states,
)

ALLOW = "SCANFLOOR_WEBHOOK_ALLOW_LOOPBACK"


@pytest.fixture
def fast(app: Any) -> Any:
    return fast_outbox(app)


@pytest.fixture
def production(fast: Any) -> Any:
    fast.config[ALLOW] = False
    return fast


def channel_body(url: str) -> dict[str, Any]:
    return {
        "code": "SHOP",
        "name": "Shop",
        "kind": "web",
        "warehouses": ["WH1"],
        "webhook_url": url,
    }


def assert_refused(resp: Any, rule: str | None = None) -> dict[str, Any]:
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == "validation_failed"
    if rule is not None:
        assert error["details"]["rule"] == rule
        assert error["details"]["field"] == "webhook_url"
    return dict(error["details"])


def attempt_errors() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxAttempt.error).order_by(OutboxAttempt.id)))


# --- when saved ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("https://169.254.169.254/latest/meta-data/", "webhook_address_refused"),
        ("https://10.0.0.5/hook", "webhook_address_refused"),
        ("https://metadata.google.internal/computeMetadata/v1/", "webhook_host_internal"),
        ("https://redis/hook", "webhook_host_internal"),
        ("http://hooks.example.com/hook", "webhook_https_required"),
    ],
)
def test_an_internal_or_plain_http_webhook_url_is_refused_when_created(
    fast, client, auth, url, rule
):
    resp = client.post("/api/v1/channels", json=channel_body(url), headers=auth("manager"))
    assert_refused(resp, rule)
    assert db.session.scalar(select(Channel.id).where(Channel.code == "SHOP")) is None


def test_metadata_over_plain_http_is_refused_whatever_the_parser_says(fast, client, auth):
    resp = client.post(
        "/api/v1/channels",
        json=channel_body("http://169.254.169.254/latest/meta-data/"),
        headers=auth("manager"),
    )
    assert_refused(resp)


def test_loopback_is_refused_in_production_and_allowed_for_development(production, client, auth):
    manager = auth("manager")
    for url in ("http://127.0.0.1:9/hook", "https://localhost/hook", "https://[::1]/hook"):
        resp = client.post("/api/v1/channels", json=channel_body(url), headers=manager)
        assert_refused(resp)
    production.config[ALLOW] = True
    resp = client.post(
        "/api/v1/channels", json=channel_body("http://127.0.0.1:9/hook"), headers=manager
    )
    assert resp.status_code == 201, resp.get_json()


def test_a_patch_to_an_internal_url_is_refused_and_keeps_the_old_one(fast, client, auth):
    manager = auth("manager")
    good = "https://93.184.215.14/hook"
    assert client.post(
        "/api/v1/channels", json=channel_body(good), headers=manager
    ).status_code == (201)
    resp = client.patch(
        "/api/v1/channels/SHOP", json={"webhook_url": "https://192.168.0.10/"}, headers=manager
    )
    assert_refused(resp, "webhook_address_refused")
    assert client.get("/api/v1/channels/SHOP", headers=manager).get_json()["webhook_url"] == good


# --- at delivery ---------------------------------------------------------------------------


def test_a_loopback_url_saved_in_development_is_not_delivered_in_production(fast):
    rx = Receiver().start()
    try:
        _, dest = hooked_channel("SHOP", rx.url)  # saved while loopback was allowed
        fast.config[ALLOW] = False
        send(dest, 1)
        assert dispatch_due().failed == 1
        assert rx.log == []
        (error,) = attempt_errors()
        assert error.startswith("refused: a webhook URL is https")
        # A failed attempt, retried later: the head waits, the rest of the queue behind it.
        assert sorted(states().values()) == [("pending", 0), ("pending", 1)]
        fast.config[ALLOW] = True  # and delivered once it is allowed again
        drain()
        assert rx.ids() == ids_of(dest)
    finally:
        rx.stop()


def test_a_metadata_url_written_before_the_policy_is_refused_at_delivery(fast):
    channel_id, dest = hooked_channel("SHOP", "https://93.184.215.14/hook")
    with write_transaction():  # a row older than the save-time check
        db.session.execute(
            update(Channel)
            .where(Channel.id == channel_id)
            .values(webhook_url="http://169.254.169.254/latest/meta-data/iam/")
        )
    send(dest, 1)
    dispatch_due()
    (error,) = attempt_errors()
    assert "refused" in error and "169.254.169.254" in error


class Answering:
    """A receiver that answers every POST with a fixed status and headers, or trickles."""

    def __init__(self, status: int = 204, headers: dict[str, str] | None = None) -> None:
        self.requests: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append(dict(self.headers))
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def answering() -> Iterator[type[Answering]]:
    made: list[Answering] = []

    def make(*args: Any, **kwargs: Any) -> Answering:
        made.append(Answering(*args, **kwargs))
        return made[-1]

    yield make  # type: ignore[misc]
    for server in made:
        server.close()


def test_a_redirect_is_not_followed(fast, answering):
    inner = answering(204)
    outer = answering(302, {"Location": f"http://127.0.0.1:{inner.port}/hook"})
    _, dest = hooked_channel("SHOP", f"http://127.0.0.1:{outer.port}/hook")
    send(dest, 1)
    dispatch_due()
    assert len(outer.requests) == 1 and inner.requests == []
    (error,) = attempt_errors()
    assert error == "HTTP 302: redirects are not followed"


def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_deadline():
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.is_set():  # a header line every 0.1 s, never the end
                try:
                    conn.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    return
                time.sleep(0.1)

    threading.Thread(target=trickle, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    started = time.monotonic()
    try:
        status, error = webhook_http.post(url, b"{}", {}, 0.6, allow_loopback=True)
    finally:
        stop.set()
        listener.close()
    assert (status, error) == (None, "timed out")
    assert time.monotonic() - started < 3


# --- DNS: the name is resolved once, checked, and the checked address is what is dialled -----


class Dns:
    """The answers an attacker's DNS server gives for one name, one lookup at a time."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        import ipaddress

        self.lookups.append(host)
        return [ipaddress.ip_address(a) for a in self.answers.pop(0)]


def test_a_name_that_resolves_to_an_internal_address_is_refused_at_delivery(answering):
    rx = answering(204)
    url = f"https://hooks.example.com:{rx.port}/hook"
    for answer in (["127.0.0.1"], ["93.184.215.14", "10.0.0.7"], ["::ffff:169.254.169.254"]):
        status, error = webhook_http.post(
            url, b"{}", {}, 2.0, allow_loopback=False, resolve=Dns(answer)
        )
        assert status is None and error is not None and error.startswith("refused:")
    assert rx.requests == []


def test_the_connection_goes_to_the_checked_address_never_to_a_second_lookup(answering):
    rx = answering(204)
    # A rebinding DNS answers loopback first (allowed here), then an internal address; the
    # request must reach the first answer's server with the name in its Host header.
    dns = Dns(["127.0.0.1"], ["10.0.0.7"])
    url = f"http://localhost:{rx.port}/hook"
    status, error = webhook_http.post(url, b"{}", {}, 2.0, allow_loopback=True, resolve=dns)
    assert (status, error) == (204, None)
    assert dns.lookups == ["localhost"]
    assert rx.requests[0]["Host"] == f"localhost:{rx.port}"


def test_a_name_that_resolves_to_an_internal_address_is_refused_when_saved(production):
    with pytest.raises(WebhookUrlRefused) as caught:
        webhook_http.vet_for_saving("https://hooks.example.com/", resolve=Dns(["10.0.0.7"]))
    assert caught.value.details == {"reason": "private", "address": "10.0.0.7"}
    target = webhook_http.vet_for_saving(
        "https://hooks.example.com/", resolve=Dns(["93.184.215.14"])
    )
    assert target.host == "hooks.example.com"


def test_a_name_that_does_not_resolve_yet_is_saved_and_checked_at_delivery(production):
    def unknown(host: str, port: int) -> list[IPAddress]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    assert webhook_http.vet_for_saving("https://hooks.example.com/", resolve=unknown).port == 443
    status, error = webhook_http.post(
        "https://hooks.example.com/", b"{}", {}, 1.0, allow_loopback=False, resolve=unknown
    )
    assert status is None and error is not None and error.startswith("could not resolve")
