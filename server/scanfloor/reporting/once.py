"""`once`: a derived figure of a frozen record, worked out on first use and kept in the
instance's __dict__ (where later reads find it before the descriptor).

functools.cached_property does the same but, on Python 3.11, takes a lock on every first
use; over the 100,000s of order lines a year's report reads that lock was most of the
rules' time (bench_dashboards). A record is built and read by one thread, so no lock is
needed: at worst two threads would both work out the same value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

T = TypeVar("T")


class _Once(Generic[T]):
    def __init__(self, fn: Callable[[Any], T]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self.fn(instance)
        instance.__dict__[self.name] = value
        return value


if TYPE_CHECKING:
    from functools import cached_property as once
else:
    once = _Once

__all__ = ["once"]
