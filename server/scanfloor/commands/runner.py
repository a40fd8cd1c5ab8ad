"""Running a command: one write transaction, the idempotency store, replay and race retry.

A command is declared once (`Command(name, execute, present, fingerprint)`) and run with a
caller and an optional key:
1. without a key, `execute` runs in one write transaction and `present` builds the result;
2. with a key, the (caller, key) is held (PostgreSQL advisory lock; SQLite has one writer),
   then looked up: a stored answer for the same command and fingerprint is presented again
   with replayed=True and nothing runs; another command or fingerprint is refused (409);
   otherwise `execute` runs and its answer is stored in the same transaction, so a crash can
   never keep the change without its answer or the answer without the change;
3. a unique-constraint race lost to a concurrent transaction (PostgreSQL) is retried once:
   a stored answer for the key is replayed, else the command runs again against what the
   other committed, so the loser gets a named error, never a 500.
`execute` returns the JSON-able answer to keep (None keeps nothing: an HTTP 4xx). `present`
turns an answer into the caller's result after commit (it may read, e.g. today's remaining
quantity), the same way for the first answer and for a replay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import IntegrityError

from ..database import in_write_transaction, write_transaction
from ..errors import IdempotencyMismatch, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from . import store
from .rules import BadKey, caller_of, check_key, lock_id, stored_posting_key

In = TypeVar("In")
Out = TypeVar("Out")
Answer = dict[str, Any]

__all__ = ["Command", "caller_of", "current_command", "posting_key", "track_replay"]


@dataclass
class _Running:
    name: str
    caller: str
    key: str
    postings: int = 0


_current: ContextVar[_Running | None] = ContextVar("scanfloor_command", default=None)
_replays: ContextVar[list[bool] | None] = ContextVar("scanfloor_replays", default=None)


def current_command() -> str | None:
    running = _current.get()
    return None if running is None else running.name


def posting_key() -> str | None:
    """The ledger key for the next posting of the running keyed command (None outside one)."""
    running = _current.get()
    if running is None:
        return None
    running.postings += 1
    return stored_posting_key(running.caller, running.key, running.postings)


@contextmanager
def track_replay() -> Iterator[list[bool]]:
    """Collects whether commands run inside the block were replays (an HTTP layer sets the
    Idempotent-Replayed header from it)."""
    seen: list[bool] = []
    token = _replays.set(seen)
    try:
        yield seen
    finally:
        _replays.reset(token)


def was_replayed(seen: list[bool]) -> bool:
    return bool(seen) and all(seen)


def _note(replayed: bool) -> None:
    seen = _replays.get()
    if seen is not None:
        seen.append(replayed)


def _no_fingerprint(_payload: Any) -> str:
    raise NotImplementedError("a command declares how its request is fingerprinted")


@dataclass(frozen=True)
class Command(Generic[In, Out]):
    name: str
    execute: Callable[[In], Answer | None]
    present: Callable[[In, Answer, bool], Out]
    fingerprint: Callable[[In], str] = field(default=_no_fingerprint)

    def run(self, payload: In, *, caller: str, key: str | None = None) -> Out:
        """Run once per (caller, key); see the module docstring."""
        fp = None
        if key is not None:
            try:
                check_key(key)
            except BadKey as exc:
                raise ValidationFailed(str(exc), {"idempotency_key": key[:MAX_SHOWN]}) from exc
            fp = self.fingerprint(payload)
        nested = in_write_transaction()
        for attempt in (1, 2):
            try:
                return self._run_once(payload, caller, key, fp)
            except IntegrityError:
                # A unique-constraint race lost to a concurrent transaction (PostgreSQL).
                if nested or attempt == 2:
                    raise  # nested: the outer transaction is aborted; its owner retries
                db.session.rollback()
                if key is not None and fp is not None:
                    found = store.find(db.session.connection(), caller, key)
                    db.session.commit()
                    if found is not None:
                        return self._replay(payload, found, key, fp)
        raise AssertionError("unreachable")

    def _run_once(self, payload: In, caller: str, key: str | None, fp: str | None) -> Out:
        found = None
        with write_transaction():
            conn = db.session.connection()
            if key is not None:
                store.hold(conn, lock_id(caller, key))
                found = store.find(conn, caller, key)
            if found is None:
                answer = self._execute(payload, caller, key)
                if answer is not None and key is not None and fp is not None:
                    store.add(conn, caller, key, self.name, fp, answer, utcnow())
        if found is not None and key is not None and fp is not None:
            return self._replay(payload, found, key, fp)
        _note(False)
        return self.present(payload, answer or {}, False)

    def _execute(self, payload: In, caller: str, key: str | None) -> Answer | None:
        if key is None:
            return self.execute(payload)
        token = _current.set(_Running(self.name, caller, key))
        try:
            return self.execute(payload)
        finally:
            _current.reset(token)

    def _replay(self, payload: In, found: store.Stored, key: str, fp: str) -> Out:
        if found.command != self.name or found.fingerprint not in (None, fp):
            raise IdempotencyMismatch(
                "this idempotency key was already used for a different request",
                {
                    "idempotency_key": key,
                    "first_used_for": found.command,
                    "first_used_at": found.created_at.isoformat(),
                },
            )
        _note(True)
        return self.present(payload, found.answer, True)


MAX_SHOWN = 40
