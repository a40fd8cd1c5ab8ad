"""Webhooks from the outbox: written with the change, signed, retried, never blocking.

A small HTTP receiver on 127.0.0.1 checks each request's Scanfloor-Signature the way a
channel would: HMAC-SHA256 of "<t>." + body with the channel's secret, and refuses
timestamps more than 300 s old.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from scanfloor.allocation import channels_service
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.allocation.signing import HEADER, signature, verify, webhook_kind
from scanfloor.extensions import db
from scanfloor.outbox.dispatcher import dispatch_due as deliver_due
from scanfloor.outbox.models import OutboxAttempt as WebhookDelivery
from scanfloor.outbox.models import OutboxMessage as OutboxEvent
from tests.e2e.conftest import free_port
from tests.factories import make_bin_in, make_item, make_warehouse, receive

SECRET = "s3cret-s3cret-s3cret"


class Receiver:
    def __init__(self) -> None:
        self.accepted: list[dict[str, Any]] = []
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ok = verify(SECRET, self.headers.get(HEADER, ""), body, int(time.time()))
                if ok:
                    receiver.accepted.append(json.loads(body))
                else:
                    receiver.refused += 1
                self.send_response(204 if ok else 401)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def shop(app: Any) -> dict[str, Any]:
    app.config["SCANFLOOR_OUTBOX_KICK"] = False  # the tests deliver when they choose
    wh = make_warehouse("WH1")
    bin_ = make_bin_in(wh, "A-01")
    item = make_item("TEE")
    receive(item, bin_, 5)
    return {"bin": bin_, "item": item}


def order(ext: str, qty: int) -> Any:
    return capture_order(OrderInput("WEB", ext, [LineInput(qty, sku="TEE")])).order


def test_order_status_and_ats_changes_reach_the_channel_signed(shop, receiver):
    channels_service.create_channel(
        "WEB",
        kind="web",
        name="Web",
        warehouses=["WH1"],
        webhook_url=receiver.url,
        webhook_secret=SECRET,
    )
    placed = order("w-1", 2)
    topics = db.session.scalars(select(OutboxEvent.topic).order_by(OutboxEvent.id)).all()
    queued = [webhook_kind(t) for t in topics]
    assert set(queued) == {"order_status", "ats_changed"}
    report = deliver_due()
    assert (report.sent, report.failed) == (len(queued), 0)
    by_kind = {doc["kind"]: doc for doc in receiver.accepted}
    assert by_kind["order_status"]["data"]["order_id"] == placed.id
    assert by_kind["order_status"]["data"]["status"] == "allocated"
    ats_items = by_kind["ats_changed"]["data"]["items"]
    assert ats_items == [{"item_id": shop["item"].id, "sku": "TEE", "ats": 3}]
    assert receiver.refused == 0
    assert deliver_due().sent == 0  # delivered once


def test_a_dead_endpoint_never_blocks_an_order_and_is_retried_later(shop):
    port = free_port()  # nothing listens here
    channels_service.create_channel(
        "WEB",
        kind="web",
        name="Web",
        warehouses=["WH1"],
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_secret=SECRET,
    )
    placed = order("w-1", 1)
    assert placed.status == "allocated"
    # The order committed without trying the endpoint: sending is the dispatcher's job.
    pending = db.session.scalars(select(OutboxEvent)).all()
    assert pending and all(e.attempts == 0 and e.delivered_at is None for e in pending)
    report = deliver_due()
    assert report.sent == 0 and report.failed >= 1
    first = select(OutboxEvent).order_by(OutboxEvent.id)
    ev = db.session.scalars(first.execution_options(populate_existing=True)).first()
    assert ev.delivered_at is None and ev.attempts == 1 and ev.last_error
    assert ev.next_attempt_at > ev.created_at
    assert deliver_due().failed == 0  # not due again yet
    log = db.session.scalars(select(WebhookDelivery)).all()
    assert len(log) == report.failed and all(d.status_code is None for d in log)


def test_a_replayed_request_is_refused_by_the_receiver(receiver):
    import urllib.error
    import urllib.request

    body = b'{"kind":"order_status"}'
    old = signature(SECRET, int(time.time()) - 600, body)
    req = urllib.request.Request(receiver.url, data=body, method="POST")
    req.add_header(HEADER, old)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=5)
    assert err.value.code == 401 and receiver.refused == 1
