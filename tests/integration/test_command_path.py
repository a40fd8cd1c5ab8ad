"""Every command shares one idempotency path: the same cases, run against each of them.

For each command (receiving a scan, confirming a putaway, posting and reversing movements,
capturing an order, catalog and purchasing writes through the generic HTTP adapter, and a
keyed posting straight to the ledger writer):
- the same key and body again replays the first answer and changes nothing;
- the same key with another body is refused (409) and changes nothing;
- the same key from another caller is that caller's own request, never the first answer;
- the same key sent by many devices at once runs once; every other answer is the replay.
Runs on SQLite and PostgreSQL (the `app` fixture).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from scanfloor.allocation import channels_service
from scanfloor.allocation.models import Order
from scanfloor.catalog.models import Container, Item, Location
from scanfloor.commands.models import CommandRecord
from scanfloor.errors import ScanfloorError
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement, Posting
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.purchasing.models import Supplier
from scanfloor.receiving.models import ReceiptLine
from tests import (
    counting_helpers,
    packing_helpers,
    replenishment_helpers,
    returns_helpers,
    shipping_helpers,
)
from tests.factories import (
    make_bin,
    make_bin_in,
    make_item,
    make_po,
    make_supplier,
    make_warehouse,
    receive,
    virtual,
)
from tests.putaway_helpers import build_site, tasks_of
from tests.putaway_helpers import item as putaway_item
from tests.putaway_helpers import receive as putaway_receive

RACERS = 8
_skus = itertools.count(1)


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool

    @property
    def code(self) -> str | None:
        return (self.body.get("error") or {}).get("code")

    def content(self) -> dict[str, Any]:
        """The answer without what says it was a replay."""
        return {k: v for k, v in self.body.items() if k != "replayed"}


Send = Callable[[str, str, str], Answer]  # (key, variant "a"/"b", role) -> answer


def _http(app: Any, auth: Any, method: str, url: Callable[[], str], bodies: dict) -> Send:
    def send(key: str, variant: str, role: str) -> Answer:
        headers = {**auth(role), "Idempotency-Key": key}
        # A client per request, as each scanner is its own (the race runs them in threads).
        r = app.test_client().open(url(), method=method, headers=headers, json=bodies[variant])
        replayed = r.headers.get("Idempotent-Replayed") == "true"
        return Answer(r.status_code, r.get_json() or {}, replayed)

    return send


def _receiving(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    item = make_item()
    make_bin("DOCK-1", type="dock")
    po = make_po(make_supplier(), [(item, 10_000)])
    bodies = {
        v: {"item_id": item.id, "quantity": q, "to_location": "DOCK-1"}
        for v, q in (("a", 2), ("b", 3))
    }
    url = f"/api/v1/purchase-orders/{po.id}/receive"
    return _http(app, auth, "POST", lambda: url, bodies), "worker", "supervisor"


def _putaway(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    site = build_site()
    it = putaway_item()
    putaway_receive(it.id, site.dock.id, 12)
    [task] = tasks_of(client, auth("worker"))
    bodies = {
        v: {"task_id": task["id"], "to_location": "A-1", "quantity": q, "override_reason": "ok"}
        for v, q in (("a", 1), ("b", 2))
    }
    return (
        _http(app, auth, "POST", lambda: "/api/v1/putaway/confirm", bodies),
        "worker",
        ("supervisor"),
    )


def _movements(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    item, src, dst = make_item(), make_bin(), make_bin()
    receive(item, src, 1000)
    bodies = {
        v: {
            "type": "transfer",
            "lines": [
                {"item_id": item.id, "quantity": q, "from_location": src.id, "to_location": dst.id}
            ],
        }
        for v, q in (("a", 2), ("b", 3))
    }
    return _http(app, auth, "POST", lambda: "/api/v1/movements", bodies), "manager", "admin"


def _reversal(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    item, bin_ = make_item(), make_bin()
    received = receive(item, bin_, 5)
    url = f"/api/v1/movements/{received.movement_ids[0]}/reverse"
    bodies = {"a": {"reason": "typo"}, "b": {"reason": "wrong item"}}
    return _http(app, auth, "POST", lambda: url, bodies), "manager", "admin"


def _order_capture(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    wh = make_warehouse("WH1")
    it = make_item("TEE")
    receive(it, make_bin_in(wh, "A-01"), 50)
    channels_service.create_channel("WEB", kind="web", name="Web shop", warehouses=["WH1"])
    bodies = {
        v: {
            "channel": "WEB",
            "external_id": "W-1",
            "lines": [{"sku": "TEE", "quantity": q, "price": "12.50"}],
        }
        for v, q in (("a", 1), ("b", 2))
    }
    return _http(app, auth, "POST", lambda: "/api/v1/orders", bodies), "manager", "admin"


def _catalog_write(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    n = next(_skus)
    bodies = {"a": {"sku": f"CMD-{n}", "name": "One"}, "b": {"sku": f"CMD-{n}-B", "name": "Two"}}
    return _http(app, auth, "POST", lambda: "/api/v1/items", bodies), "manager", "admin"


def _generic(url: str, a: dict[str, Any], b: dict[str, Any]) -> Any:
    """Another POST through the generic HTTP adapter (@idempotent): a catalog or purchasing
    write with no command of its own."""

    def setup(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
        return _http(app, auth, "POST", lambda: url, {"a": a, "b": b}), "manager", "admin"

    return setup


def _ledger_post(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    # Plain ids, not ORM objects: racing threads must not touch this thread's session.
    item_id, bin_id, vendor_id = make_item().id, make_bin().id, virtual("VENDOR").id
    users = {role: u.id for role, u in _users(app).items()}

    def send(key: str, variant: str, role: str) -> Answer:
        line = MovementLine(
            item_id=item_id,
            quantity=4 if variant == "a" else 5,
            from_location_id=vendor_id,
            to_location_id=bin_id,
        )
        req = PostingRequest("receipt", (line,), actor_id=users[role], idempotency_key=key)
        try:
            res = post(req)
        except ScanfloorError as exc:
            db.session.rollback()
            return Answer(exc.status, {"error": {"code": exc.code}}, False)
        body = {"posting_id": res.posting_id, "movement_ids": list(res.movement_ids)}
        return Answer(201, body, res.replayed)

    return send, "worker", "manager"


def _shipping_add_carton(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    url, bodies = shipping_helpers.add_carton_case(app)
    return _http(app, auth, "POST", lambda: url, bodies), "worker", "supervisor"


def _shipping_confirm(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    # Variant "b" confirms another shipment: the same key, another request.
    sends = {v: _http(app, auth, "POST", lambda u=u: u, {v: {}}) for v, u in
             shipping_helpers.confirm_case(app).items()}  # fmt: skip
    return (lambda key, v, role: sends[v](key, v, role)), "worker", "supervisor"


def _packing(case: Callable[[Any], tuple[str, dict[str, Any]]]) -> Any:
    """A pack station command: a scanner's worker, then a supervisor with the same key."""

    def setup(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
        url, bodies = case(app)
        return _http(app, auth, "POST", lambda: url, bodies), "worker", "supervisor"

    return setup


def _picking_floor(app: Any) -> Any:
    from tests.picking_helpers import allocated_order, stock_item, stocked_warehouse

    floor = stocked_warehouse()
    it = stock_item(floor, {"A-1": 100})
    for _ in range(4):
        allocated_order(floor, [(it, 1)])
    return floor


def _release_wave(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    _picking_floor(app)
    bodies = {
        v: {"warehouse": "WH1", "mode": "single", "max_orders": n} for v, n in (("a", 1), ("b", 2))
    }
    return _http(app, auth, "POST", lambda: "/api/v1/waves", bodies), "manager", "admin"


def _claim(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    from scanfloor.access.service import set_user_warehouses
    from scanfloor.picking.wave_service import release_wave, wave_rules
    from tests.picking_helpers import stocked_warehouse

    floor = _picking_floor(app)
    other = stocked_warehouse("X", channel=None)
    users = _users(app)
    release_wave(floor.wh.id, wave_rules(mode="single"), actor_id=users["manager"].id)
    set_user_warehouses(users["worker"].id, [floor.wh.id, other.wh.id])
    bodies = {"a": {"warehouse": "WH1"}, "b": {"warehouse": "XWH1"}}
    return _http(app, auth, "POST", lambda: "/api/v1/pick-tasks/claim", bodies), "worker", "manager"


def _picking_line(stock: dict[str, int], quantity: int) -> tuple[str, int, Any]:
    """A released task the worker holds, one line of `quantity` in bin A-1: (url base, line
    id, the item)."""
    from tests.picking_helpers import allocated_order, stock_item, stocked_warehouse
    from tests.picking_released import released_task

    floor = stocked_warehouse()
    it = stock_item(floor, stock)
    order = allocated_order(floor, [(it, quantity)])
    rel = released_task(floor, [order], picker=_users(None)["worker"])
    return f"/api/v1/pick-tasks/{rel.task_id}", rel.line_ids[0], it


def _picking_confirm(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    base, line_id, it = _picking_line({"A-1": 20}, 10)
    bodies = {
        v: {"line_id": line_id, "bin": "A-1", "item": it.each_barcode, "quantity": q,
            "tote": "TOTE-1"}
        for v, q in (("a", 1), ("b", 2))
    }  # fmt: skip
    return _http(app, auth, "POST", lambda: f"{base}/picks", bodies), "worker", "supervisor"


def _picking_short(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    base, line_id, _it = _picking_line({"A-1": 5, "B-1": 10}, 5)
    bodies = {
        v: {"line_id": line_id, "bin": "A-1", "found_quantity": q, "tote": "TOTE-1"}
        for v, q in (("a", 1), ("b", 2))
    }
    return _http(app, auth, "POST", lambda: f"{base}/shorts", bodies), "worker", "supervisor"


def _picking_batch(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
    base, line_id, it = _picking_line({"A-1": 20}, 10)
    pick = {"line_id": line_id, "bin": "A-1", "item": it.each_barcode, "tote": "TOTE-1"}
    bodies = {
        "a": {"picks": [{**pick, "quantity": 1}, {**pick, "quantity": 2}]},
        "b": {"picks": [{**pick, "quantity": 3}]},
    }
    return _http(app, auth, "POST", lambda: f"{base}/picks/batch", bodies), "worker", "supervisor"


def _counts(case: Callable[[Any], tuple[str, dict[str, Any], str, str]]) -> Any:
    """A count task command (counting_helpers builds the task in the state it needs)."""

    def setup(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
        url, bodies, role, other = case(app)
        return _http(app, auth, "POST", lambda: url, bodies), role, other

    return setup


def _returns(case: Callable[[Any], Any], role: str = "worker", other: str = "supervisor") -> Any:
    """A returns command (returns_helpers builds the return in the state it needs); a case
    giving a URL per variant (close-receipt) is sent to that variant's URL."""

    def setup(app: Any, client: Any, auth: Any) -> tuple[Send, str, str]:
        built = case(app)
        if isinstance(built, dict):
            sends = {v: _http(app, auth, "POST", lambda u=u: u, {v: {}}) for v, u in built.items()}
            return (lambda key, v, r: sends[v](key, v, r)), role, other
        url, bodies = built
        return _http(app, auth, "POST", lambda: url, bodies), role, other

    return setup


def _users(app: Any) -> dict[str, Any]:
    from scanfloor.auth.models import User

    return {u.username: u for u in db.session.scalars(select(User))}


COMMANDS = {
    "receiving.receive": _receiving,
    "putaway.confirm": _putaway,
    "ledger.manual": _movements,
    "ledger.reverse": _reversal,
    "orders.capture": _order_capture,
    "picking.release_wave": _release_wave,
    "picking.claim": _claim,
    "picking.confirm": _picking_confirm,
    "picking.confirm_batch": _picking_batch,
    "picking.short": _picking_short,
    "http:POST /api/v1/items": _catalog_write,
    "http:POST /api/v1/locations": _generic(
        "/api/v1/locations",
        {"code": "WH-CMD", "type": "warehouse"},
        {"code": "WH-CMD-B", "type": "warehouse"},
    ),
    "http:POST /api/v1/containers": _generic(
        "/api/v1/containers",
        {"code": "TOTE-9001", "kind": "tote"},
        {"code": "TOTE-9002", "kind": "tote"},
    ),
    "http:POST /api/v1/suppliers": _generic(
        "/api/v1/suppliers", {"code": "ACME", "name": "Acme"}, {"code": "ACME", "name": "Other"}
    ),
    "ledger.post": _ledger_post,
    "packing.open_carton": _packing(packing_helpers.open_carton_case),
    "packing.pack": _packing(packing_helpers.pack_case),
    "packing.close_carton": _packing(packing_helpers.close_carton_case),
    "shipping.add_carton": _shipping_add_carton,
    "shipping.confirm": _shipping_confirm,
    "returns.capture": _returns(returns_helpers.capture_case, "manager", "admin"),
    "returns.unannounced": _returns(returns_helpers.unannounced_case),
    "returns.receive": _returns(returns_helpers.receive_case),
    "returns.close_receipt": _returns(returns_helpers.close_receipt_case),
    "returns.inspect": _returns(returns_helpers.inspect_case),
    "counts.claim": _counts(counting_helpers.claim_case),
    "counts.record": _counts(counting_helpers.record_case),
    "counts.finish": _counts(counting_helpers.finish_case),
    "counts.decide": _counts(counting_helpers.decide_case),
    "replenishment.claim": _counts(replenishment_helpers.claim_case),
    "replenishment.move": _counts(replenishment_helpers.move_case),
}


@pytest.fixture(params=sorted(COMMANDS))
def command(request: pytest.FixtureRequest, app: Any, client: Any, auth: Any) -> Any:
    for role in ("worker", "supervisor", "manager", "admin"):
        auth(role)  # signed in up front: tokens are issued once, not by racing threads
    return COMMANDS[request.param](app, client, auth)


def snapshot() -> dict[str, int]:
    """Row counts of everything a command may write."""
    db.session.rollback()
    tables = {
        "movements": Movement,
        "postings": Posting,
        "receipt_lines": ReceiptLine,
        "orders": Order,
        "items": Item,
        "locations": Location,
        "containers": Container,
        "suppliers": Supplier,
        "answers": CommandRecord,
    }
    counts = {
        name: int(db.session.scalar(select(func.count()).select_from(model)) or 0)
        for name, model in tables.items()
    }
    db.session.rollback()
    return counts


def test_the_same_key_and_body_again_replays_the_first_answer_and_changes_nothing(command):
    send, role, _other = command
    first = send("k-replay", "a", role)
    assert first.status in (200, 201), first.body
    assert first.replayed is False
    after_first = snapshot()

    again = send("k-replay", "a", role)

    assert again.status == first.status
    assert again.replayed is True
    assert again.content() == first.content()
    assert snapshot() == after_first


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(command):
    send, role, _other = command
    assert send("k-mismatch", "a", role).status in (200, 201)
    after_first = snapshot()

    other = send("k-mismatch", "b", role)

    assert other.status == 409
    assert other.code == "idempotency_key_reused"
    assert snapshot() == after_first


def test_a_key_never_replays_another_callers_answer(command):
    send, role, other_role = command
    first = send("k-scope", "a", role)
    assert first.status in (200, 201)

    theirs = send("k-scope", "a", other_role)

    assert theirs.replayed is False
    assert theirs.code != "idempotency_key_reused"


def test_the_same_key_sent_at_once_by_many_devices_runs_once(app, command):
    send, role, _other = command
    before = snapshot()
    barrier = threading.Barrier(RACERS)
    answers: list[Any] = []
    guard = threading.Lock()

    def racer() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=60)
                got: Any = send("k-race", "a", role)
                db.session.remove()
        except BaseException as exc:  # reported by the assertion below
            got = exc
        with guard:
            answers.append(got)

    threads = [threading.Thread(target=racer, daemon=True) for _ in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    failures = [a for a in answers if not isinstance(a, Answer) or a.status not in (200, 201)]
    assert failures == [], failures
    assert len(answers) == RACERS
    assert sum(not a.replayed for a in answers) == 1
    assert len({repr(sorted(a.content().items())) for a in answers}) == 1
    after = snapshot()
    assert after["answers"] == before["answers"] + 1
    # One run adds at most one posting, receipt line, order or item; a second run would not.
    grew = {name: after[name] - before[name] for name in after if name != "movements"}
    assert all(n <= 1 for n in grew.values()), grew
