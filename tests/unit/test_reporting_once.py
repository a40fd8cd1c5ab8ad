"""A record's derived figure (reporting/once.py) is worked out on first use and then read
back, never worked out again; the record's fields, equality and hash are not touched."""

from __future__ import annotations

from dataclasses import dataclass

from scanfloor.reporting.once import once

calls: list[int] = []


@dataclass(frozen=True)
class Line:
    ordered: int

    @once
    def doubled(self) -> int:
        calls.append(self.ordered)
        return self.ordered * 2


def test_a_derived_figure_is_worked_out_once_per_record():
    calls.clear()
    a, b = Line(3), Line(3)
    assert (a.doubled, a.doubled, b.doubled) == (6, 6, 6)
    assert calls == [3, 3]  # once for a, once for b
    assert a == b and hash(a) == hash(b)


def test_a_figure_read_again_is_the_kept_value_not_worked_out_again():
    calls.clear()
    a = Line(4)
    assert a.doubled == 8
    assert a.__dict__["doubled"] == 8  # kept beside the fields
    assert (a.doubled, calls) == (8, [4])
