"""Tracking numbers under load: 16 cartons scanned onto shipments at the same moment get 16
different numbers, the first 16 of the carrier's range; one carton scanned onto two
shipments at once lands on one. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from scanfloor.errors import ScanfloorError
from scanfloor.extensions import db
from scanfloor.packing.models import Carton
from scanfloor.shipping.models import Carrier
from scanfloor.shipping.service import add_carton, open_shipment
from tests.shipping_helpers import packed_order, shipping_site, stock

THREADS = 16


def _race(app: Any, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at once, each in its own thread and app context; answers or errors."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = []
    guard = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=60)
                try:
                    got: Any = call()
                except ScanfloorError as exc:
                    db.session.rollback()
                    got = exc
                db.session.remove()
        except BaseException as exc:  # reported by the caller's assertions
            got = exc
        with guard:
            answers.append(got)

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(answers) == len(calls)
    return answers


def test_sixteen_cartons_scanned_at_once_never_share_a_tracking_number(app, users):
    site = shipping_site(app, tracking_next=1000, tracking_last=1999)
    item = stock(site, THREADS * 2)
    orders = [packed_order(site, [(item, 1)]) for _ in range(THREADS)]
    uid = users["worker"].id
    shipments = [
        open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=uid).id
        for _ in range(4)
    ]
    calls = [
        (lambda s=shipments[n % 4], code=o.ssccs[0], n=n: add_carton(
            s, code, actor_id=uid, idempotency_key=f"scan-{n}"
        ))
        for n, o in enumerate(orders)
    ]  # fmt: skip

    answers = _race(app, calls)

    assert [a for a in answers if isinstance(a, BaseException)] == []
    db.session.rollback()
    numbers = list(db.session.scalars(select(Carton.tracking_number)))
    assert len(numbers) == THREADS
    assert sorted(numbers) == [f"SF{n:08d}" for n in range(1000, 1000 + THREADS)]
    assert db.session.scalar(select(Carrier.tracking_next)) == 1000 + THREADS


def test_one_carton_scanned_onto_two_shipments_at_once_lands_on_one(app, users):
    site = shipping_site(app)
    order = packed_order(site, [(stock(site, 5), 1)])
    uid = users["worker"].id
    a, b = (
        open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=uid).id
        for _ in range(2)
    )
    code = order.ssccs[0]

    answers = _race(
        app,
        [lambda s=s: add_carton(s, code, actor_id=uid) for s in (a, b) for _ in range(4)],
    )

    codes = sorted(getattr(x, "code", "ok") for x in answers)
    assert codes.count("carton_on_another_shipment") == 4, answers
    assert codes.count("ok") == 4
    db.session.rollback()
    carton = db.session.get(Carton, order.cartons[0].id)
    assert carton.shipment_id in (a, b) and carton.tracking_number == "SF00000001"
    assert db.session.scalar(select(Carrier.tracking_next)) == 2
