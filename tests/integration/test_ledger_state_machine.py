"""Random sequences of postings never break the ledger's invariants (Hypothesis state machine).

A Python dict is the model of what every (item, location) should hold. After every step:
stored balances equal the rebuild from the movements, every item sums to zero, no physical
location is negative, and the balances equal the model. The model also predicts each refusal:
the writer must refuse exactly the postings that would take a physical location below zero
(net over the posting's lines), and a refusal changes nothing.

Each example makes its own items and bins (unique codes) in the test's fresh database, so
examples never see each other's stock.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
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

from scanfloor.errors import AlreadyReversed, Conflict, InsufficientStock
from scanfloor.ledger.rules import MovementLine, PostingRequest, reversal_of
from scanfloor.ledger.writer import PostingResult, post
from tests.ledger_helpers import (
    assert_ledger_clean,
    balances_of,
    counts,
    ledger_problems,
    location_id,
    make_bin,
    make_item,
    unique,
    verify_ledger_lines,
)

ITEMS = 2
BINS = 3
item_ix = st.integers(0, ITEMS - 1)
bin_ix = st.integers(0, BINS - 1)
# Stock comes in bigger lots than it goes out, so most outbound steps find stock and some don't.
inbound = st.integers(1, 60)
outbound = st.integers(1, 20)
pick = st.integers(0, 10**6)

Line = tuple[int, int, int, int]  # item, from, to, quantity


@dataclass(frozen=True)
class Posted:
    movement_id: int
    item: int
    src: int
    dst: int
    quantity: int


def _service_reverse() -> Callable[..., PostingResult] | None:
    try:
        from scanfloor.ledger.service import reverse_movement
    except ModuleNotFoundError as exc:
        if exc.name != "scanfloor.ledger.service":
            raise
        return None
    return reverse_movement


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, app: Any) -> None:
        super().__init__()
        self.app = app
        tag = unique("SM")
        self.keys = (f"{tag}-{n}" for n in itertools.count())
        self.items = [make_item(f"{tag}-I{i}") for i in range(ITEMS)]
        self.bins = [make_bin(f"{tag}-B{i}") for i in range(BINS)]
        self.vendor = location_id("VENDOR")
        self.customer = location_id("CUSTOMER")
        self.adjust = location_id("INV-ADJ")
        self.virtual = {self.vendor, self.customer, self.adjust}
        self.model: dict[tuple[int, int], int] = defaultdict(int)
        self.originals: list[Posted] = []  # movements that are not themselves reversals
        self.reversed: set[int] = set()
        self.answers: list[tuple[Callable[[], PostingResult], PostingResult]] = []
        self.service_reverse = _service_reverse()
        self.whole_ledger_clean = not ledger_problems() and not verify_ledger_lines()

    # -- the model ---------------------------------------------------------------------

    def _net(self, lines: list[Line]) -> dict[tuple[int, int], int]:
        net: dict[tuple[int, int], int] = defaultdict(int)
        for item, src, dst, q in lines:
            net[(item, src)] -= q
            net[(item, dst)] += q
        return net

    def _fits(self, lines: list[Line]) -> bool:
        return all(
            self.model[key] + delta >= 0
            for key, delta in self._net(lines).items()
            if key[1] not in self.virtual
        )

    def _apply(self, lines: list[Line]) -> None:
        for key, delta in self._net(lines).items():
            self.model[key] += delta

    # -- posting through the writer -----------------------------------------------------

    def _post(self, movement_type: str, lines: list[Line]) -> None:
        req = PostingRequest(
            movement_type,
            tuple(
                MovementLine(item_id=i, quantity=q, from_location_id=s, to_location_id=d)
                for i, s, d, q in lines
            ),
            idempotency_key=next(self.keys),
        )
        fits = self._fits(lines)
        before = counts()
        try:
            result = post(req)
        except InsufficientStock as exc:
            assert not fits, f"refused although the model has the stock: {exc.details}"
            assert counts() == before
            return
        assert fits, f"posted {lines} although a physical location would go negative"
        assert result.replayed is False
        assert len(result.movement_ids) == len(lines)
        assert counts() == (before[0] + 1, before[1] + len(lines))
        self._apply(lines)
        self.originals += [
            Posted(mid, i, s, d, q)
            for mid, (i, s, d, q) in zip(result.movement_ids, lines, strict=True)
        ]
        self.answers.append((lambda: post(req), result))

    def _bin(self, ix: int) -> int:
        return self.bins[ix]

    @rule(item=item_ix, dst=bin_ix, q=inbound)
    def receive_from_vendor(self, item: int, dst: int, q: int) -> None:
        self._post("receipt", [(self.items[item], self.vendor, self._bin(dst), q)])

    @rule(item=item_ix, src=bin_ix, hop=st.integers(1, BINS - 1), q=outbound)
    def transfer_between_bins(self, item: int, src: int, hop: int, q: int) -> None:
        dst = (src + hop) % BINS
        self._post("transfer", [(self.items[item], self._bin(src), self._bin(dst), q)])

    @rule(item=item_ix, src=bin_ix, q=outbound)
    def adjust_loss(self, item: int, src: int, q: int) -> None:
        self._post("adjustment", [(self.items[item], self._bin(src), self.adjust, q)])

    @rule(item=item_ix, dst=bin_ix, q=outbound)
    def adjust_gain(self, item: int, dst: int, q: int) -> None:
        self._post("adjustment", [(self.items[item], self.adjust, self._bin(dst), q)])

    @rule(item=item_ix, src=bin_ix, q=outbound)
    def ship_to_customer(self, item: int, src: int, q: int) -> None:
        self._post("ship", [(self.items[item], self._bin(src), self.customer, q)])

    @rule(a=item_ix, b=item_ix, src=bin_ix, via=bin_ix, q1=outbound, q2=outbound)
    def pick_two_lines_at_once(self, a: int, b: int, src: int, via: int, q1: int, q2: int) -> None:
        """Two lines that commit together or not at all."""
        lines = [(self.items[a], self._bin(src), self.customer, q1)]
        if via != src:
            lines.append((self.items[b], self._bin(via), self._bin(src), q2))
        else:
            lines.append((self.items[b], self._bin(src), self.customer, q2))
        self._post("pick", lines)

    # -- reversals and replays ----------------------------------------------------------

    def _reverse(self, mv: Posted, key: str) -> PostingResult:
        if self.service_reverse is not None:
            return self.service_reverse(mv.movement_id, idempotency_key=key)
        line = reversal_of(mv.item, mv.quantity, mv.src, mv.dst, None, None, None, mv.movement_id)
        return post(PostingRequest("reversal", (line,), idempotency_key=key))

    @precondition(lambda self: bool(self.originals))
    @rule(n=pick)
    def reverse_an_earlier_movement(self, n: int) -> None:
        mv = self.originals[n % len(self.originals)]
        back = [(mv.item, mv.dst, mv.src, mv.quantity)]
        fits = self._fits(back)
        expected: tuple[type[Conflict], ...] = ()
        if mv.movement_id in self.reversed:
            # The service looks first; the bare writer finds the stock short before the
            # database refuses the second reversal.
            expected = (
                (AlreadyReversed,)
                if fits or self.service_reverse
                else (AlreadyReversed, InsufficientStock)
            )
        elif not fits:
            expected = (InsufficientStock,)
        key = next(self.keys)
        before = counts()
        try:
            result = self._reverse(mv, key)
        except Conflict as exc:
            assert expected, f"reversal of {mv} refused: {exc.code} {exc.details}"
            assert isinstance(exc, expected), f"{exc.code} instead of {expected}"
            assert counts() == before
            return
        assert not expected, f"reversal of {mv} posted; expected {expected}"
        assert result.replayed is False
        assert len(result.movement_ids) == 1
        self._apply(back)
        self.reversed.add(mv.movement_id)
        self.answers.append((lambda: self._reverse(mv, key), result))

    @precondition(lambda self: bool(self.answers))
    @rule(n=pick)
    def replay_an_earlier_key(self, n: int) -> None:
        again, first = self.answers[n % len(self.answers)]
        before = counts()
        result = again()
        assert result.replayed is True
        assert (result.posting_id, result.movement_ids) == (first.posting_id, first.movement_ids)
        assert counts() == before

    # -- invariants after every step ----------------------------------------------------

    @invariant()
    def ledger_is_consistent_and_matches_the_model(self) -> None:
        # Scoped to this example's items, so a failure reproduces however earlier examples
        # left the shared database; verify_ledger() looks at all of it while it is clean.
        problems = ledger_problems(self.items)
        assert problems == [], "\n".join(problems)
        if self.whole_ledger_clean:
            found = verify_ledger_lines()
            assert not found, "\n".join(found or [])
        expected = {key: q for key, q in self.model.items() if q}
        assert balances_of(self.items) == expected
        assert all(q >= 0 for (_, loc), q in expected.items() if loc not in self.virtual)


@pytest.mark.slow
def test_random_postings_reversals_and_replays_keep_the_ledger_invariants(app, backend):
    examples = 25 if backend == "sqlite" else 12
    run_state_machine_as_test(
        lambda: LedgerMachine(app),
        settings=settings(
            max_examples=examples,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
    assert_ledger_clean()
