"""Allocation runs inside each posting's transaction (docs/decisions/0009): when stock leaves
sellable bins, the reservations above it are given up before the posting commits, so no
commit ever shows more reserved than sellable; a subscriber that refuses a posting refuses
all of it; a pick that consumes its own reservation in its transaction releases nothing."""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from scanfloor.allocation import channels_service
from scanfloor.allocation.changes_service import consume_reservation
from scanfloor.allocation.models import AtsChange, OrderLine, Reservation
from scanfloor.allocation.order_views import order_view
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.database import write_transaction
from scanfloor.errors import Conflict, InsufficientStock
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement, Posting
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.subscribers import subscribe
from scanfloor.ledger.writer import post
from scanfloor.timeutil import utcnow
from tests.factories import make_bin_in, make_item, make_lot, make_warehouse, receive, virtual

THREADS = 16
ROUNDS = 5

# One statement, so each run sees one committed state (a statement snapshot on PostgreSQL,
# a WAL read snapshot on SQLite): per position, reserved against its active rows and its
# sellable stock, and per lot, active reservations against the lot's sellable stock.
_BROKEN = text(
    "SELECT 'position', p.item_id, p.warehouse_id, p.reserved,"
    " (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r WHERE r.item_id = p.item_id"
    "  AND r.warehouse_id = p.warehouse_id AND r.status = 'active'),"
    " (SELECT COALESCE(SUM(b.quantity), 0) FROM balances b JOIN locations l"
    "  ON l.id = b.location_id WHERE b.item_id = p.item_id AND l.warehouse_id = p.warehouse_id"
    "  AND l.sellable = TRUE AND l.is_virtual = FALSE)"
    " FROM stock_positions p"
    " UNION ALL"
    " SELECT 'lot', r.item_id, r.lot_id, SUM(r.quantity), SUM(r.quantity),"
    " (SELECT COALESCE(SUM(b.quantity), 0) FROM balances b JOIN locations l"
    "  ON l.id = b.location_id WHERE b.item_id = r.item_id AND b.lot_id = r.lot_id"
    "  AND l.warehouse_id = r.warehouse_id AND l.sellable = TRUE AND l.is_virtual = FALSE)"
    " FROM reservations r WHERE r.status = 'active' AND r.lot_id IS NOT NULL"
    " GROUP BY r.item_id, r.warehouse_id, r.lot_id"
)


def broken(conn: Any) -> list[tuple[Any, ...]]:
    """Keys where reserved differs from its active rows, or exceeds sellable, or is < 0."""
    return [
        tuple(r)
        for r in conn.execute(_BROKEN)
        if r[3] != r[4] or not 0 <= r[3] <= r[5]  # reserved == active <= sellable
    ]


@pytest.fixture
def shop(app: Any) -> dict[str, Any]:
    wh = make_warehouse("WH1")
    shop = {
        "wh": wh,
        "bins": [make_bin_in(wh, "A-01"), make_bin_in(wh, "A-02")],
        "quarantine": make_bin_in(wh, "Q-01", type="staging", sellable=False),
        "tote": make_bin_in(wh, "T-01", type="staging", sellable=False),
        "items": [make_item(f"SKU-{n}") for n in range(4)],
    }
    channels_service.create_channel("WEB", kind="web", name="Web", priority=10, warehouses=["WH1"])
    channels_service.create_channel(
        "B2B",
        kind="wholesale",
        name="Wholesale",
        priority=5,
        allow_partial_shipment=False,
        warehouses=["WH1"],
    )
    return shop


def move(item_id: int, qty: int, src: int, dst: int, kind: str = "adjustment", **kw: Any) -> Any:
    return post(
        PostingRequest(
            movement_type=kind,
            lines=(
                MovementLine(
                    item_id=item_id, quantity=qty, from_location_id=src, to_location_id=dst, **kw
                ),
            ),
        )
    )


def place(channel: str, ext: str, *lines: tuple[str, int]) -> Any:
    return capture_order(OrderInput(channel, ext, [LineInput(q, sku=s) for s, q in lines])).order


def reserved_of(order_id: int) -> tuple[str, list[int]]:
    view = order_view(order_id)
    return view.status, [ln.reserved_qty for ln in view.lines]


def race(app: Any, work: Callable[[int], None], meanwhile: Callable[[], None]) -> list[Any]:
    """work(i) in THREADS threads, each with its own app context (own session and
    connection, as separate requests get), released together; `meanwhile` runs in this
    thread until they finish. Returns what the threads raised."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    guard = threading.Lock()

    def run(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                work(i)
            except BaseException as exc:
                with guard:
                    errors.append(exc)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(THREADS)]
    for w in workers:
        w.start()
    while any(w.is_alive() for w in workers):
        meanwhile()
    for w in workers:
        w.join(timeout=240)
    assert not any(w.is_alive() for w in workers), "a thread never finished"
    return errors


def test_stock_leaving_sellable_bins_never_leaves_more_reserved_than_sellable_at_any_commit(
    app, shop
):
    bins, items = shop["bins"], shop["items"]
    for item in items:
        receive(item, bins[0], 30)
        receive(item, bins[1], 10)
    # Every unit is reserved: each item is in 20 two-line orders of 2 units per line.
    for n in range(40):
        a, b = items[n % 4], items[(n + 1) % 4]
        place("WEB" if n % 3 else "B2B", f"seed-{n}", (a.sku, 2), (b.sku, 2))
    assert broken(db.session.connection()) == []
    assert db.session.scalar(select(func.sum(Reservation.quantity))) == 160
    db.session.commit()
    out = [virtual("SCRAP").id, virtual("INV-ADJ").id, shop["quarantine"].id]

    def work(i: int) -> None:
        rnd = random.Random(i)
        for r in range(ROUNDS):
            item = rnd.choice(items)
            if i < 10:  # a scrap, a count loss or a move to quarantine: stock leaves
                src = rnd.choice(bins).id
                with contextlib.suppress(InsufficientStock):  # the bin ran out: fine
                    move(item.id, rnd.randint(1, 3), src, out[(i + r) % 3])
            elif i < 13:  # new orders race the releases for the same positions
                other = items[(items.index(item) + 1) % 4]
                place("WEB", f"t{i}-{r}", (item.sku, 1), (other.sku, 1))
            else:  # stock arrives: lines that wait are served in the same transaction
                receive(item, rnd.choice(bins), rnd.randint(1, 3))

    seen: list[tuple[Any, ...]] = []
    checks = 0

    def check_committed_state() -> None:
        nonlocal checks
        with db.engine.connect() as conn:
            seen.extend(broken(conn))
        checks += 1

    errors = race(app, work, check_committed_state)
    assert errors == []
    assert checks > 0
    assert seen == [], "a commit showed more reserved than sellable"
    db.session.rollback()
    assert broken(db.session.connection()) == []
    # stock did leave while reserved, so reservations were given up, and lines wait again
    released = db.session.scalar(
        select(func.count()).select_from(Reservation).where(Reservation.status == "released")
    )
    assert released > 0
    lines = db.session.execute(
        select(OrderLine.reserved_qty, func.coalesce(func.sum(Reservation.quantity), 0))
        .outerjoin(
            Reservation,
            (Reservation.order_line_id == OrderLine.id) & (Reservation.status == "active"),
        )
        .group_by(OrderLine.id, OrderLine.reserved_qty)
    ).all()
    assert all(reserved == active for reserved, active in lines)


def test_a_subscriber_that_refuses_refuses_the_whole_posting(app, shop):
    item, bin_ = shop["items"][0], shop["bins"][0]
    waiting = place("WEB", "w-1", (item.sku, 2))
    before = {
        m: db.session.scalar(select(func.count()).select_from(m))
        for m in (Posting, Movement, Balance, Reservation, AtsChange)
    }

    def refuse(_conn: Any, posted: Any) -> None:
        raise Conflict("refused by a subscriber", {"posting_id": posted.posting_id})

    subscribe(app, "refuse-everything", refuse)
    with pytest.raises(Conflict):
        receive(item, bin_, 5)
    after = {
        m: db.session.scalar(select(func.count()).select_from(m))
        for m in (Posting, Movement, Balance, Reservation, AtsChange)
    }
    assert after == before
    # allocation's own work in that transaction went with it, and nothing of it is left
    # behind for the next transaction to commit
    with write_transaction():
        pass
    assert reserved_of(waiting.id) == ("backordered", [0])


def test_a_pick_that_consumes_its_reservation_in_its_transaction_releases_nothing(app, shop):
    item, bin_ = shop["items"][0], shop["bins"][0]
    receive(item, bin_, 4)
    first = place("WEB", "w-1", (item.sku, 2))
    second = place("WEB", "w-2", (item.sku, 2))
    line = order_view(first.id).lines[0]
    with write_transaction():
        # between these two statements the bin holds 2 for 4 reserved; only the commit counts
        move(item.id, 2, bin_.id, shop["tote"].id, kind="pick")
        consume_reservation(line.id, 2)
    assert order_view(first.id).lines[0].status == "picked"
    assert reserved_of(second.id) == ("allocated", [2])
    assert broken(db.session.connection()) == []


def test_when_a_lot_falls_below_its_reservations_they_move_to_a_lot_that_has_stock(app, shop):
    milk = make_item("MILK", tracking="lot", expiry_tracked=True)
    today = utcnow().date()
    soon, later = make_lot(milk, "L-SOON"), make_lot(milk, "L-LATER")
    soon.expiry, later.expiry = today + timedelta(days=20), today + timedelta(days=60)
    db.session.commit()
    bin_ = shop["bins"][0]
    move(milk.id, 3, virtual("VENDOR").id, bin_.id, kind="receipt", lot_id=soon.id)
    move(milk.id, 5, virtual("VENDOR").id, bin_.id, kind="receipt", lot_id=later.id)
    order = place("WEB", "w-1", ("MILK", 3))
    assert [(r.lot_id, r.quantity) for r in order.reservations] == [(soon.id, 3)]
    # the item still has 6 sellable for 3 reserved, but its reserved lot lost 2 units
    move(milk.id, 2, bin_.id, virtual("SCRAP").id, kind="scrap", lot_id=soon.id)
    rows = db.session.execute(
        select(Reservation.lot_id, Reservation.quantity).where(
            Reservation.order_line_id == order.lines[0].id, Reservation.status == "active"
        )
    ).all()
    assert sum(q for _, q in rows) == 3
    assert {lot for lot, _ in rows} <= {soon.id, later.id}
    assert sum(q for lot, q in rows if lot == soon.id) <= 1
    assert broken(db.session.connection()) == []


def test_a_posting_that_moves_no_sellable_stock_does_no_allocation_work(app, shop):
    item = shop["items"][0]
    place("WEB", "w-1", (item.sku, 2))  # the item has a line waiting
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        move(item.id, 5, virtual("VENDOR").id, shop["quarantine"].id, kind="receipt")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    touched = [
        s
        for s in statements
        if any(t in s for t in ("stock_positions", "order_lines", "reservations", "ats_changes"))
    ]
    assert touched == []
    assert any("sellable" in s for s in statements)  # the one read that decided
