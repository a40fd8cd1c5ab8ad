"""What `finance rebuild --check` replays between the movements: the opening valuation
(opening_service.py) and the cost adjustments (adjust_service.py), each right after the
movement that was last when it was applied (openings before adjustments made after the
same movement: an adjustment can only change a receipt the book already holds), through
the same pure rules that applied it; the split or correction each gives is compared with
the stored one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .adjust_rules import Split, adjust_average, adjust_fifo
from .book_sql import money_of
from .cost_rules import Layer, average_receive, fifo_receive
from .document_models import CostAdjustment, OpeningValue
from .valuation_rules import EMPTY, FIFO, Book, Valued
from .views import Difference

_CA, _OV = CostAdjustment.__table__, OpeningValue.__table__


def _text(row: tuple[Any, ...]) -> str:
    return "(" + ", ".join(str(x) for x in row) + ")"


class Replay:
    """The stored openings and adjustments, in the order they were applied."""

    def __init__(self, conn: Connection) -> None:
        opened = select(_OV.c.id, _OV.c.item_id, _OV.c.place_id, _OV.c.lot_id, _OV.c.quantity,
                        _OV.c.value, _OV.c.method, _OV.c.correction,
                        _OV.c.after_movement_id)  # fmt: skip
        changed = select(_CA.c.id, _CA.c.movement_id, _CA.c.item_id, _CA.c.place_id,
                         _CA.c.amount, _CA.c.quantity, _CA.c.method, _CA.c.on_hand_quantity,
                         _CA.c.on_hand_amount, _CA.c.gone_amount,
                         _CA.c.after_movement_id)  # fmt: skip
        events: list[tuple[int, int, int, Any]] = [
            (int(r.after_movement_id), 0, int(r.id), r) for r in conn.execute(opened)
        ]
        events += [(int(r.after_movement_id), 1, int(r.id), r) for r in conn.execute(changed)]
        self.events = sorted(events, key=lambda e: e[:3])
        self.next = 0
        self.differences: list[Difference] = []

    @property
    def last_after(self) -> int | None:
        return self.events[-1][0] if self.events else None

    def until(self, movement_id: int | None, book: Book, rebuilt: dict[int, Valued],
              q: Decimal) -> None:  # fmt: skip
        """Apply everything applied before `movement_id` (None: all that is left)."""
        while self.next < len(self.events):
            after, kind, _, row = self.events[self.next]
            if movement_id is not None and after >= movement_id:
                return
            self.next += 1
            if kind == 0:
                self._open(row, book, q)
            else:
                self._adjust(row, book, rebuilt, q)

    def _open(self, o: Any, book: Book, q: Decimal) -> None:
        key = (int(o.item_id), int(o.place_id))
        pos, value, units = book.position(key), money_of(o.value), int(o.quantity)
        if str(o.method) == FIFO:
            out = fifo_receive(pos, book.layers.get(key, []), units, value, q, o.lot_id)
            book.layers[key] = [
                Layer(book.new_id(), la.quantity_left, la.unit_cost, la.value_left, la.lot_id)
                if la.id == 0 else la
                for la in out.layers
            ]  # fmt: skip
        else:
            out = average_receive(pos, units, value, q)
        book.positions[key] = out.position
        if out.correction != money_of(o.correction):
            self.differences.append(
                Difference("opening", str(o.id), _text((money_of(o.correction),)),
                           _text((out.correction,)))
            )  # fmt: skip

    def _adjust(self, a: Any, book: Book, rebuilt: dict[int, Valued], q: Decimal) -> None:
        split = self._split(a, book, rebuilt, q)
        have = (int(a.on_hand_quantity), money_of(a.on_hand_amount), money_of(a.gone_amount))
        want = (split.on_hand_quantity, split.on_hand_amount, split.gone_amount)
        if have != want:
            self.differences.append(Difference("adjustment", str(a.id), _text(have), _text(want)))

    @staticmethod
    def _split(a: Any, book: Book, rebuilt: dict[int, Valued], q: Decimal) -> Split:
        amount, received = money_of(a.amount), int(a.quantity)
        if a.place_id is None:
            return Split(0, Decimal(0), amount, EMPTY, ())
        key = (int(a.item_id), int(a.place_id))
        pos = book.position(key)
        if str(a.method) != FIFO:
            split = adjust_average(pos, received, amount, q)
        else:
            origin = rebuilt.get(int(a.movement_id))
            layer = next((n.temp_id for n in origin.new_layers if n.place_id == key[1]),
                         None) if origin else None  # fmt: skip
            split = adjust_fifo(pos, book.layers.get(key, []), layer, received, amount, q)
        if split.on_hand_amount:
            book.positions[key] = split.position
            if str(a.method) == FIFO:
                book.layers[key] = list(split.layers)
        return split
