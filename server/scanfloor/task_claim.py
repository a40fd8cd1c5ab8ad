"""Claiming the first free task of a queue so that two workers never get the same one
(docs/decisions/0013). Shared by pick tasks and count tasks: each declares its queue once
(which tasks are free, in which order, and what claiming writes), this runs it.

- PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` takes the first free task no other
  transaction holds; a task claimed and committed meanwhile is re-checked against the
  "still free" condition under its lock (READ COMMITTED re-evaluates a locked row) and left
  out. Claims never queue behind each other.
- SQLite: one conditional `UPDATE ... WHERE id = (first free) AND <still free>` inside the
  write transaction; SQLite write transactions are serialised (BEGIN IMMEDIATE,
  docs/decisions/0002), so the sub-select and the update see the same state.

Bind parameter names must not be column names of the table: an UPDATE would take a
parameter named like a column as a value to SET.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, Table, bindparam, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from .database import is_sqlite

_ID = "b_claim_id"


class ClaimQueue:
    """A queue of tasks to claim, its statements built once (at import, by its workflow).

    next_free: selects the id of the first free task (ordered, LIMIT 1), with the caller's
    bind parameters; still_free: the condition a task must still meet when it is taken;
    values: what taking it writes (bind parameters allowed)."""

    def __init__(
        self,
        table: Table,
        next_free: Select[Any],
        still_free: ColumnElement[bool],
        values: Mapping[str, Any],
    ) -> None:
        self._locked = next_free.with_for_update(skip_locked=True)
        self._take_one = (
            update(table).where(table.c.id == bindparam(_ID), still_free).values(**values)
        )
        self._take_next = (
            update(table)
            .where(table.c.id == next_free.scalar_subquery(), still_free)
            .values(**values)
            .returning(table.c.id)
        )

    def claim(self, conn: Connection, params: Mapping[str, Any]) -> int | None:
        """The id of the task now ours, or None when none is free. Runs inside the caller's
        write transaction (the caller's refusal after this rolls the claim back too)."""
        if is_sqlite(conn.engine):
            found = conn.execute(self._take_next, dict(params)).scalar()
            return None if found is None else int(found)
        found = conn.execute(self._locked, dict(params)).scalar()
        if found is None:
            return None
        # Ours under the row lock: the conditional update cannot miss.
        conn.execute(self._take_one, {**params, _ID: found})
        return int(found)
