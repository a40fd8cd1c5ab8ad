"""Random sequences of stock and finance steps never break the books (Hypothesis state
machine), on SQLite and PostgreSQL.

Steps: receipts at a random cost (moving average and FIFO items), shipments, moves between
bins, transfers between two warehouses through IN-TRANSIT and directly, scrap, count
losses and gains (INV-ADJ), customer returns and returns to vendor (reversing a shipment or
a receipt), a supplier invoice at another price and a landed cost on a random receipt
(adjust_service.py, as the invoice and landed cost services drive it), and closing a past
month, after which a back-dated posting or document is refused (PeriodClosed) and changes
nothing.

A dict models what every (item, bin / IN-TRANSIT) holds: the writer must refuse exactly the
steps that would take a bin below zero, and a refusal changes nothing. After every step:
`finance verify` (entries and the trial balance balance, the inventory accounts equal the
stock values per place, FIFO layers hold the stock, every valued movement has its entry)
and `finance rebuild --check` find nothing, and this example's own stock values hold the
model's quantities with the layers and accounts to the cent.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from scanfloor.errors import AlreadyReversed, InsufficientStock
from scanfloor.finance.errors import PeriodClosed
from scanfloor.finance.periods_service import close_period
from scanfloor.ledger.service import reverse_movement
from tests import finance_helpers as fh
from tests import finance_machine_helpers as fm
from tests.factories import virtual
from tests.ledger_helpers import balances_of, unique

D = Decimal
ITEMS = 2
item_ix = st.integers(0, ITEMS - 1)
site_ix = st.integers(0, 1)
bin_ix = st.integers(0, 1)
inbound = st.integers(1, 40)
pick = st.integers(0, 10**6)
# Unit costs to 4 places (rates are kept to 6): rounding to the cent happens on every value.
unit_cost = st.decimals(D("0"), D("60"), places=4)
cents = st.integers(1, 20000).map(lambda c: D(c) / 100)
# Past months only: the current month stays open for the machine's own postings.
past_month = st.sampled_from(["2021-03", "2021-07", "2022-02"])


@dataclass
class Receipt:
    movement_id: int
    item: int
    bin: int
    quantity: int
    cost: Decimal  # what the receipt cost in all, after the changes so far (to the cent)


class FinanceMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.sites = [fh.site(unique("FSM")), fh.site(unique("FSM"))]
        self.bins = [[s.bin.id, s.bin2.id] for s in self.sites]
        self.bin_site = {b: i for i, s in enumerate(self.bins) for b in s}
        self.transit = virtual("IN-TRANSIT")
        self.locs = {loc.id: loc for s in self.sites for loc in (s.bin, s.bin2)}
        self.locs[self.transit.id] = self.transit
        self.scrap_loc, self.adjust = virtual("SCRAP"), virtual("INV-ADJ")
        self.items: list[Any] = []
        self.fifo: set[int] = set()
        self.qty: dict[tuple[int, int], int] = {}
        self.receipts: list[Receipt] = []
        self.ships: list[tuple[int, int, int, int]] = []  # movement, item, bin, quantity
        self.reversed: set[int] = set()
        # Every movement posted (not a reversal): movement, item, from, to, quantity.
        self.posted: list[tuple[int, int, int, int, int]] = []
        self.steps = 0
        self.keys = (f"{unique('FSMK')}-{n}" for n in itertools.count())

    # -- the model -----------------------------------------------------------------------

    def _has(self, item: int, loc: int) -> int:
        return self.qty.get((self.items[item].id, loc), 0)

    def _add(self, item: int, loc: int, q: int) -> None:
        key = (self.items[item].id, loc)
        self.qty[key] = self.qty.get(key, 0) + q

    def _out(self, item: int, loc: int, n: int) -> int:
        """A quantity to take out of `loc`: mostly what it can give, now and then more."""
        have = self._has(item, loc)
        return 1 + n % (have + have // 5 + 2)

    def _post(self, kind: str, item: int, src: Any, dst: Any, q: int, **kw: Any) -> int | None:
        """Post one line; the model says whether the writer must refuse it (a bin short)."""
        src_id = src if isinstance(src, int) else src.id
        dst_id = dst if isinstance(dst, int) else dst.id
        it = self.items[item]
        fits = src_id not in self.locs or self._has(item, src_id) >= q
        before = fm.snapshot()
        try:
            mid = fh.posting(kind, fh.line(it, q, src_id, dst_id, **kw),
                             idempotency_key=next(self.keys)).movement_ids[0]  # fmt: skip
        except InsufficientStock:
            assert not fits, f"{kind} of {q} refused although the model has {src_id} stocked"
            assert fm.snapshot() == before
            return None
        assert fits, f"{kind} of {q} posted from a location holding fewer"
        if src_id in self.locs:
            self._add(item, src_id, -q)
        if dst_id in self.locs:
            self._add(item, dst_id, q)
        self.posted.append((mid, item, src_id, dst_id, q))
        return mid

    # -- steps -----------------------------------------------------------------------------

    @initialize(methods=st.lists(st.sampled_from(["fifo", "moving_average"]),
                                 min_size=ITEMS, max_size=ITEMS),
                quantities=st.lists(inbound, min_size=4 * ITEMS, max_size=4 * ITEMS),
                costs=st.lists(unit_cost, min_size=4 * ITEMS, max_size=4 * ITEMS))  # fmt: skip
    def stock_items_of_either_method(
        self, methods: list[str], quantities: list[int], costs: list[Decimal]
    ) -> None:
        for m in methods:
            it = fh.item(m)
            self.items.append(it)
            if m == "fifo":
                self.fifo.add(it.id)
        # Every bin starts stocked: Hypothesis turns random rules off per example (swarm
        # testing), and an example without receipts would only see refusals.
        for item, (site, b) in itertools.product(range(ITEMS), itertools.product((0, 1), (0, 1))):
            self.receive_from_a_vendor(item, site, b, quantities.pop(), costs.pop())

    @rule(item=item_ix, site=site_ix, b=bin_ix, q=inbound,
          cost=st.one_of(unit_cost, unit_cost, st.none()))  # fmt: skip
    def receive_from_a_vendor(
        self, item: int, site: int, b: int, q: int, cost: Decimal | None
    ) -> None:
        """At a unit cost, or none (the place's last rate, else 0)."""
        dst = self.bins[site][b]
        mid = self._post("receipt", item, virtual("VENDOR"), dst, q, unit_cost=cost)
        assert mid is not None
        mv = fh.movement_value(mid)
        assert mv is not None and mv.quantity == q
        self.receipts.append(Receipt(mid, item, dst, q, D(mv.value).quantize(fm.CENT)))

    @rule(item=item_ix, site=site_ix, b=bin_ix, n=pick)
    def ship_to_a_customer(self, item: int, site: int, b: int, n: int) -> None:
        src = self.bins[site][b]
        q = self._out(item, src, n)
        mid = self._post("ship", item, src, virtual("CUSTOMER"), q)
        if mid is not None:
            self.ships.append((mid, item, src, q))

    @rule(item=item_ix, site=site_ix, b=bin_ix, n=pick)
    def move_between_bins_of_a_warehouse(self, item: int, site: int, b: int, n: int) -> None:
        src = self.bins[site][b]
        self._post("transfer", item, src, self.bins[site][1 - b], self._out(item, src, n))

    @rule(item=item_ix, site=site_ix, b=bin_ix, b2=bin_ix, n=pick)
    def transfer_directly_to_the_other_warehouse(
        self, item: int, site: int, b: int, b2: int, n: int
    ) -> None:
        src = self.bins[site][b]
        self._post("transfer", item, src, self.bins[1 - site][b2], self._out(item, src, n))

    @rule(item=item_ix, site=site_ix, b=bin_ix, n=pick)
    def send_into_transit(self, item: int, site: int, b: int, n: int) -> None:
        src = self.bins[site][b]
        self._post("transfer", item, src, self.transit, self._out(item, src, n))

    @precondition(lambda self: any(q > 0 for (_, loc), q in self.qty.items()
                                   if loc == self.transit.id))  # fmt: skip
    @rule(item=item_ix, site=site_ix, b=bin_ix, n=pick)
    def arrive_from_transit(self, item: int, site: int, b: int, n: int) -> None:
        q = min(self._out(item, self.transit.id, n), self._has(item, self.transit.id))
        if q > 0:
            self._post("transfer", item, self.transit, self.bins[site][b], q)

    @rule(item=item_ix, site=site_ix, b=bin_ix, n=pick)
    def scrap(self, item: int, site: int, b: int, n: int) -> None:
        src = self.bins[site][b]
        q = self._out(item, src, n)
        self._post("scrap", item, src, self.scrap_loc, q, reason_code="damaged")

    @rule(item=item_ix, site=site_ix, b=bin_ix, n=pick, gain=st.booleans())
    def count_finds_a_loss_or_a_gain(
        self, item: int, site: int, b: int, n: int, gain: bool
    ) -> None:
        loc = self.bins[site][b]
        q = self._out(item, loc, n)
        src, dst = (self.adjust, loc) if gain else (loc, self.adjust)
        self._post("adjustment", item, src, dst, q)

    def _reverse(self, mid: int, item: int, src: int, dst: int, q: int) -> None:
        """Reverse movement `mid` (it took `q` from src to dst); the model predicts refusals."""
        if dst == self.transit.id and self._has(item, dst) < q and mid not in self.reversed:
            return  # IN-TRANSIT is virtual: the writer would let it go below 0
        fits = dst not in self.locs or self._has(item, dst) >= q
        before = fm.snapshot()
        try:
            reverse_movement(mid, idempotency_key=next(self.keys))
        except AlreadyReversed:
            assert mid in self.reversed
            assert fm.snapshot() == before
            return
        except InsufficientStock:
            assert not fits and mid not in self.reversed
            assert fm.snapshot() == before
            return
        assert fits and mid not in self.reversed, f"reversal of {mid} posted"
        self.reversed.add(mid)
        if dst in self.locs:
            self._add(item, dst, -q)
        if src in self.locs:
            self._add(item, src, q)

    @precondition(lambda self: bool(self.ships))
    @rule(n=pick)
    def customer_returns_a_shipment(self, n: int) -> None:
        mid, item, src, q = self.ships[n % len(self.ships)]
        self._reverse(mid, item, src, virtual("CUSTOMER").id, q)

    @precondition(lambda self: bool(self.receipts))
    @rule(n=pick)
    def return_a_receipt_to_the_vendor(self, n: int) -> None:
        r = self.receipts[n % len(self.receipts)]
        self._reverse(r.movement_id, r.item, virtual("VENDOR").id, r.bin, r.quantity)

    @precondition(lambda self: bool(self.posted))
    @rule(n=pick)
    def undo_any_earlier_movement(self, n: int) -> None:
        """A transfer, scrap, count or move undone: it takes out exactly what it put in."""
        mid, item, src, dst, q = self.posted[n % len(self.posted)]
        self._reverse(mid, item, src, dst, q)

    def _open_receipt(self, n: int) -> Receipt | None:
        live = [r for r in self.receipts if r.movement_id not in self.reversed]
        return live[n % len(live)] if live else None

    @precondition(lambda self: bool(self.receipts))
    @rule(n=pick, cost=unit_cost)
    def invoice_a_receipt_at_another_price(self, n: int, cost: Decimal) -> None:
        r = self._open_receipt(n)
        if r is None:
            return
        amount = (cost * r.quantity).quantize(fm.CENT) - r.cost
        if amount == 0:
            return
        a = fm.change_cost(r.movement_id, amount, "invoice_price")
        assert a.on_hand_amount + a.gone_amount == amount
        r.cost += amount

    @precondition(lambda self: bool(self.receipts))
    @rule(n=pick, amount=cents)
    def add_a_landed_cost_to_a_receipt(self, n: int, amount: Decimal) -> None:
        r = self._open_receipt(n)
        if r is None:
            return
        a = fm.change_cost(r.movement_id, amount, "landed_cost")
        assert a.on_hand_amount + a.gone_amount == amount
        assert a.on_hand_amount >= 0 and a.gone_amount >= 0
        r.cost += amount

    @rule(month=past_month, item=item_ix, site=site_ix, b=bin_ix, q=inbound,
          cost=unit_cost, n=pick)  # fmt: skip
    def close_a_past_month_then_back_date_into_it(
        self, month: str, item: int, site: int, b: int, q: int, cost: Decimal, n: int
    ) -> None:
        close_period(month, None)
        year, mon = (int(x) for x in month.split("-"))
        when = datetime(year, mon, 15, 9, 0, tzinfo=UTC)
        it, loc = self.items[item], self.bins[site][b]
        before = fm.snapshot()
        with pytest.raises(PeriodClosed):
            fh.posting("receipt", fh.line(it, q, virtual("VENDOR"), loc, unit_cost=cost),
                       occurred_at=when)  # fmt: skip
        assert fm.snapshot() == before
        have = self._has(item, loc)
        if have:
            with pytest.raises(PeriodClosed):
                fh.posting("ship", fh.line(it, min(q, have), loc, virtual("CUSTOMER")),
                           occurred_at=when)  # fmt: skip
            assert fm.snapshot() == before
        r = self._open_receipt(n)
        if r is not None:
            with pytest.raises(PeriodClosed):
                fm.change_cost(r.movement_id, D("1.00"), "landed_cost", day=when.date())
            assert fm.snapshot() == before

    # -- after every step ------------------------------------------------------------------

    @invariant()
    def the_books_hold(self) -> None:
        if not self.items:
            return
        places = [s.wh for s in self.sites] + [self.transit]
        wh_qty: dict[tuple[int, int], int] = {}
        for (item_id, loc), q in self.qty.items():
            assert q >= 0, f"the model went negative at {loc}"
            place = (
                self.transit.id if loc == self.transit.id else self.sites[self.bin_site[loc]].wh.id
            )
            wh_qty[(item_id, place)] = wh_qty.get((item_id, place), 0) + q
        ids = [it.id for it in self.items]
        in_bins = {k: q for k, q in balances_of(ids).items() if k[1] in self.locs}
        assert in_bins == {k: q for k, q in self.qty.items() if q}, "ledger balances"
        fm.items_hold(ids, self.fifo, wh_qty, places, self.transit)
        # The whole-database checks every other step (they read every example's rows) and
        # at the end: a failure still shrinks to the step that made it.
        self.steps += 1
        if self.steps % 2 == 0:
            fm.books_hold()

    def teardown(self) -> None:
        if self.items:
            fm.books_hold()


@pytest.mark.slow
def test_random_stock_and_cost_steps_keep_the_books_balanced_and_rebuildable(app, backend):
    run_state_machine_as_test(
        FinanceMachine,
        settings=settings(
            max_examples=12 if backend == "sqlite" else 10,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
