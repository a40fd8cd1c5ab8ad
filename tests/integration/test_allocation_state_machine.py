"""Random orders, cancels, receipts, picks and counts never break allocation's invariants.

After every step, per item and warehouse: reserved = the sum of active reservation rows and
0 <= reserved <= sellable on hand; every line holds exactly its active rows; no published ATS
is negative; and a reservation, once resolved, never changes again (each resolves once).
Each example makes its own warehouse, bins, items and channels, so examples never meet.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, text

from scanfloor.allocation import channels_service
from scanfloor.allocation.ats import channel_availability
from scanfloor.allocation.changes_service import cancel_order, consume_reservation
from scanfloor.allocation.models import OrderLine, Reservation
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.database import write_transaction
from scanfloor.errors import PickingStarted
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from tests.factories import make_bin_in, make_item, make_warehouse, virtual

_seq = itertools.count(1)
ITEMS = 2
BINS = 2


class AllocationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        n = next(_seq)
        self.wh = make_warehouse(f"SM{n}")
        self.bins = [make_bin_in(self.wh, f"SM{n}-B{b}") for b in range(BINS)]
        self.tote = make_bin_in(self.wh, f"SM{n}-TOTE", type="staging", sellable=False)
        self.items = [make_item(f"SM{n}-I{i}") for i in range(ITEMS)]
        self.channels = [f"SMW{n}", f"SMB{n}"]
        channels_service.create_channel(
            self.channels[0], kind="web", name="web", priority=10, warehouses=[self.wh.code]
        )
        channels_service.create_channel(
            self.channels[1],
            kind="wholesale",
            name="b2b",
            priority=5,
            safety_buffer=2,
            allow_partial_shipment=False,
            warehouses=[self.wh.code],
        )
        self.orders: list[int] = []
        self.resolved: dict[int, tuple[str, Any, int]] = {}
        self.adj = virtual("INV-ADJ").id
        self.vendor = virtual("VENDOR").id

    def _post(self, kind: str, item: int, qty: int, src: int, dst: int) -> None:
        post(
            PostingRequest(
                movement_type=kind,
                lines=(
                    MovementLine(
                        item_id=item, quantity=qty, from_location_id=src, to_location_id=dst
                    ),
                ),
            )
        )

    def _on_hand(self, item_id: int, loc_id: int) -> int:
        return int(
            db.session.execute(
                text(
                    "SELECT COALESCE(SUM(quantity), 0) FROM balances"
                    " WHERE item_id = :i AND location_id = :l"
                ),
                {"i": item_id, "l": loc_id},
            ).scalar()
        )

    @rule(
        channel=st.integers(0, 1),
        lines=st.lists(
            st.tuples(st.integers(0, ITEMS - 1), st.integers(1, 6)), min_size=1, max_size=2
        ),
    )
    def order(self, channel: int, lines: list[tuple[int, int]]) -> None:
        got = capture_order(
            OrderInput(
                self.channels[channel],
                f"o{len(self.orders)}",
                [LineInput(q, sku=self.items[i].sku) for i, q in lines],
            )
        )
        self.orders.append(got.order.id)

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 10**6))
    def cancel(self, pick: int) -> None:
        with contextlib.suppress(PickingStarted):
            cancel_order(self.orders[pick % len(self.orders)])

    @rule(item=st.integers(0, ITEMS - 1), b=st.integers(0, BINS - 1), qty=st.integers(1, 8))
    def receive(self, item: int, b: int, qty: int) -> None:
        self._post("receipt", self.items[item].id, qty, self.vendor, self.bins[b].id)

    @rule(item=st.integers(0, ITEMS - 1), b=st.integers(0, BINS - 1), counted=st.integers(0, 8))
    def count(self, item: int, b: int, counted: int) -> None:
        item_id, loc = self.items[item].id, self.bins[b].id
        diff = counted - self._on_hand(item_id, loc)
        if diff > 0:
            self._post("count", item_id, diff, self.adj, loc)
        elif diff < 0:
            self._post("count", item_id, -diff, loc, self.adj)

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 10**6), qty=st.integers(1, 4))
    def pick(self, pick: int, qty: int) -> None:
        """Move units from a bin to a tote and consume the line's reservation, as one."""
        lines = db.session.execute(
            select(OrderLine.id, OrderLine.item_id, OrderLine.reserved_qty).where(
                OrderLine.order_id.in_(self.orders), OrderLine.reserved_qty > 0
            )
        ).all()
        if not lines:
            return
        line_id, item_id, reserved = lines[pick % len(lines)]
        src = max(self.bins, key=lambda b: self._on_hand(item_id, b.id))
        q = min(qty, reserved, self._on_hand(item_id, src.id))
        if q <= 0:
            return
        with write_transaction():
            self._post("pick", item_id, q, src.id, self.tote.id)
            consume_reservation(line_id, q)

    @invariant()
    def positions_hold_what_their_reservations_say_and_never_more_than_stock(self) -> None:
        rows = db.session.execute(
            text(
                "SELECT p.item_id, p.reserved,"
                " (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r"
                "  WHERE r.item_id = p.item_id AND r.warehouse_id = p.warehouse_id"
                "  AND r.status = 'active'),"
                " (SELECT COALESCE(SUM(b.quantity), 0) FROM balances b JOIN locations l"
                "  ON l.id = b.location_id WHERE b.item_id = p.item_id"
                "  AND l.warehouse_id = p.warehouse_id AND l.sellable = TRUE)"
                " FROM stock_positions p WHERE p.warehouse_id = :w"
            ),
            {"w": self.wh.id},
        ).all()
        for item, reserved, active, sellable in rows:
            assert reserved == active, item
            assert 0 <= reserved <= sellable, (item, reserved, sellable)

    @invariant()
    def lines_hold_exactly_their_active_reservations(self) -> None:
        if not self.orders:
            return
        rows = db.session.execute(
            text(
                "SELECT l.id, l.quantity, l.reserved_qty, l.consumed_qty, l.status,"
                " (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r"
                "  WHERE r.order_line_id = l.id AND r.status = 'active'),"
                " (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r"
                "  WHERE r.order_line_id = l.id AND r.status = 'consumed')"
                " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                " JOIN channels c ON c.id = o.channel_id WHERE c.code IN (:a, :b)"
            ),
            {"a": self.channels[0], "b": self.channels[1]},
        ).all()
        for _id, qty, reserved, consumed, status, active, used in rows:
            assert reserved == active and consumed == used
            assert reserved + consumed <= qty
            if status == "cancelled":
                assert reserved == 0

    @invariant()
    def a_resolved_reservation_never_changes_again(self) -> None:
        rows = db.session.execute(
            select(
                Reservation.id, Reservation.status, Reservation.resolved_at, Reservation.quantity
            )
            .where(Reservation.warehouse_id == self.wh.id)
            .execution_options(populate_existing=True)
        ).all()
        for rid, status, at, qty in rows:
            if rid in self.resolved:
                assert self.resolved[rid] == (status, at, qty), rid
            elif status != "active":
                self.resolved[rid] = (status, at, qty)

    @invariant()
    def published_ats_is_never_negative(self) -> None:
        for code in self.channels:
            snap = channel_availability(code)
            assert all(ats >= 0 for _, _, ats in snap.items)
        db.session.commit()


@pytest.mark.slow
def test_random_orders_cancels_receipts_picks_and_counts_keep_allocation_invariants(app, backend):
    examples = 15 if backend == "sqlite" else 8
    run_state_machine_as_test(
        AllocationMachine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
