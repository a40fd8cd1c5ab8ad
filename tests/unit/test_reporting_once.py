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


def test_the_descriptor_read_from_the_class_is_the_descriptor():
    assert Line.doubled.__doc__ is None or isinstance(Line.doubled.__doc__, str)
    assert not isinstance(Line.doubled, int)
