"""Consumers: one function per destination kind that delivers one message.

A context that sends messages somewhere registers a consumer for its destination kind when
its module is imported (channel webhooks: `allocation/webhooks.py` registers `channel`). A
consumer gets the message and the seconds it may spend (what is left of the dispatcher's
lease), and answers an Outcome: delivered, or an error that the dispatcher retries. It runs
with no transaction open and must not write to the outbox tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    id: int
    topic: str
    destination: str
    kind: str  # the destination's kind: 'channel' of 'channel:12'
    target: str  # the rest: '12'
    payload: dict[str, Any]
    attempts: int  # failed attempts before this one


@dataclass(frozen=True)
class Outcome:
    error: str | None = None  # None: delivered
    status_code: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


Consumer = Callable[[Message, float], Outcome]
_consumers: dict[str, Consumer] = {}


def register(kind: str, consumer: Consumer) -> None:
    """Deliver messages whose destination is `<kind>:...` with `consumer` (last one wins)."""
    _consumers[kind] = consumer


def consumer_for(kind: str) -> Consumer | None:
    return _consumers.get(kind)
