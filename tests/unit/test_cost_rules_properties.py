"""Cost rules over any sequence of receipts and issues (issues may exceed the stock), both
methods: the position value is always what went in, less what went out, less corrections
and rounding (so the journal's inventory account equals it); FIFO layers add up to the
position whenever it is not short; every amount is to the quantum; nothing is worth
anything at zero quantity."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.finance.cost_rules import (
    Layer,
    Outcome,
    Position,
    average_issue,
    average_receive,
    fifo_issue,
    fifo_receive,
)
from scanfloor.finance.money import times
from scanfloor.finance.posting_rules import Side, entry_lines, rule_for

ZERO = Decimal(0)
WAREHOUSE = Side("owned", 1)
RECEIPT = rule_for(Side("vendor", None), WAREHOUSE)
SHIPMENT = rule_for(WAREHOUSE, Side("customer", None))

_RECEIVE = st.tuples(
    st.just("in"),
    st.integers(1, 50),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99.99"), places=2),
)
_ISSUE = st.tuples(st.just("out"), st.integers(1, 60), st.just(ZERO))
# A reversal of the n-th receipt so far (mod their count): out at exactly its value.
_REVERSE = st.tuples(st.just("rev"), st.integers(0, 1000), st.just(ZERO))
_QUANTA = st.sampled_from([Decimal("0.01"), Decimal("1"), Decimal("0.001")])


@dataclass
class Book:
    """What the test remembers beside the rules: the sums and the stored layers."""

    fifo: bool
    q: Decimal
    pos: Position = field(default_factory=lambda: Position(0, ZERO, None))
    layers: tuple[Layer, ...] = ()
    next_id: int = 1
    value_in: Decimal = ZERO
    value_out: Decimal = ZERO
    corrections: Decimal = ZERO
    roundings: Decimal = ZERO
    receipts: list[tuple[int, int, Decimal]] = field(default_factory=list)  # (layer, qty, v)

    def on_grid(self, amount: Decimal) -> bool:
        return amount == amount.quantize(self.q)

    def apply(self, out: Outcome, incoming: bool) -> int:
        """Record the outcome as the caller would; the id given to a new layer (0: none)."""
        before = self.pos
        for x in (out.value, out.correction, out.rounding, out.position.value):
            assert self.on_grid(x)
        assert out.value >= 0
        assert out.rounding == 0
        # Posted as the journal would: the inventory line moves exactly as the position.
        rule = RECEIPT if incoming else SHIPMENT
        assert rule is not None
        lines = entry_lines(rule, out.value, out.correction, out.rounding)
        assert sum(x.debit for x in lines) == sum(x.credit for x in lines)
        stock = sum(x.debit - x.credit for x in lines if x.role == "inventory")
        assert stock == out.position.value - before.value
        if incoming:
            self.value_in += out.value
        else:
            self.value_out += out.value
        self.corrections += out.correction
        self.roundings += out.rounding
        self.pos = out.position
        new_id = 0
        if self.fifo:
            stored = []
            for layer in out.layers:
                if layer.id == 0:
                    new_id = self.next_id
                    layer = replace(layer, id=self.next_id)
                    self.next_id += 1
                stored.append(layer)
            self.layers = tuple(stored)
        return new_id

    def check(self) -> None:
        pos = self.pos
        assert pos.value == self.value_in - self.value_out - self.corrections - self.roundings
        assert self.on_grid(pos.value)
        if pos.quantity == 0:
            assert pos.value == 0
        if pos.quantity > 0:
            assert pos.value >= 0
        if not self.fifo:
            return
        assert all(x.quantity_left > 0 and x.value_left >= 0 for x in self.layers)
        assert all(self.on_grid(x.value_left) for x in self.layers)
        if pos.quantity >= 0:
            assert pos.value == sum((x.value_left for x in self.layers), ZERO)
            assert pos.quantity == sum(x.quantity_left for x in self.layers)
        else:
            assert self.layers == ()


def _run(book: Book, ops: list[tuple[str, int, Decimal]]) -> None:
    for kind, n, unit_cost in ops:
        if kind == "in":
            value = times(n, unit_cost, book.q)
            if book.fifo:
                out = fifo_receive(book.pos, book.layers, n, value, book.q)
            else:
                out = average_receive(book.pos, n, value, book.q)
            layer_id = book.apply(out, incoming=True)
            book.receipts.append((layer_id, n, value))
        elif kind == "out":
            if book.fifo:
                out = fifo_issue(book.pos, book.layers, n, book.q)
                taken = sum((c.value for c in out.consumed), ZERO)
                assert out.value - taken >= 0  # the part beyond the layers
                assert out.source != "issue" or out.value == taken
            else:
                out = average_issue(book.pos, n, book.q)
            book.apply(out, incoming=False)
        else:
            if not book.receipts:
                continue
            layer_id, qty, value = book.receipts.pop(n % len(book.receipts))
            if book.fifo:
                out = fifo_issue(book.pos, book.layers, qty, book.q, layer_id or None, value=value)
            else:
                out = average_issue(book.pos, qty, book.q, value=value)
            assert out.value == value
            book.apply(out, incoming=False)
        book.check()


@settings(max_examples=200, deadline=None)
@given(
    fifo=st.booleans(),
    q=_QUANTA,
    ops=st.lists(st.one_of(_RECEIVE, _ISSUE), min_size=1, max_size=30),
)
def test_the_position_value_is_always_in_less_out_less_corrections(
    fifo: bool, q: Decimal, ops: list[tuple[str, int, Decimal]]
) -> None:
    _run(Book(fifo, q), ops)


@settings(max_examples=200, deadline=None)
@given(
    fifo=st.booleans(),
    q=_QUANTA,
    ops=st.lists(st.one_of(_RECEIVE, _ISSUE, _REVERSE), min_size=1, max_size=30),
)
def test_reversals_at_the_value_they_put_in_keep_every_invariant(
    fifo: bool, q: Decimal, ops: list[tuple[str, int, Decimal]]
) -> None:
    _run(Book(fifo, q), ops)
