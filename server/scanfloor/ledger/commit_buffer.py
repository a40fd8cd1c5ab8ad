"""What a projection kept with every posting (the daily demand, the reports' facts) collects
during a transaction and writes as it commits.

A subscriber adds its shares to the transaction's buffer (`pending()`); as the session
commits (before_commit, on the same connection) the buffer is written once, so its hot rows
are the last locks the transaction takes, held for the shortest time, in the order the
writer sorts them; a rollback drops it (after_rollback). No posting path rolls back to a
savepoint, which would keep it. Buffers write in the order they were made (module import
order), after allocation's and the ATS feed's commit hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..extensions import db

T = TypeVar("T")


class CommitBuffer(Generic[T]):
    def __init__(self, key: str, new: Callable[[], T], write: Callable[[Connection, T], None]):
        self.key, self.new, self.write = key, new, write
        event.listen(db.session, "before_commit", self._flush)
        event.listen(db.session, "after_rollback", self._forget)

    def pending(self) -> T:
        """This transaction's buffer (a new one for a new transaction)."""
        info = db.session.info
        if self.key not in info:
            info[self.key] = self.new()
        return cast(T, info[self.key])

    def _flush(self, session: Session) -> None:
        buffered = session.info.pop(self.key, None)
        if buffered is not None:
            self.write(session.connection(), buffered)

    def _forget(self, session: Session, *_: Any) -> None:
        session.info.pop(self.key, None)
