"""Rebuilding a projection of the ledger (the daily demand, the reports' facts) from the
movements, or only comparing it with them: one procedure for every projection's CLI
command, so each says the same thing and --check never changes anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.engine import Connection

Snapshot = Callable[[Connection], dict[str, set[tuple[Any, ...]]]]
Rebuild = Callable[[Connection], dict[str, int]]


class _Discard(Exception):
    """Rolls the rebuild back: --check changes nothing."""


def rebuild_or_check(rebuild: Rebuild, snapshot: Snapshot, check: bool) -> None:
    """Rebuild in one transaction (or, with check, compare and roll back); print the row
    counts and how many rows differed; exit 1 when --check finds a difference."""
    from .database import write_transaction
    from .extensions import db

    try:
        with write_transaction():
            conn = db.session.connection()
            kept = snapshot(conn)
            counts = rebuild(conn)
            fresh = snapshot(conn)
            differ = {table: len(rows ^ fresh[table]) for table, rows in kept.items()}
            if check:
                raise _Discard
    except _Discard:
        pass
    rows = ", ".join(f"{t} {n} rows" for t, n in counts.items())
    diff = ", ".join(f"{t} {n}" for t, n in differ.items())
    if check:
        click.echo(f"checked against the ledger: {rows}; rows that differ: {diff}")
        if any(differ.values()):
            raise SystemExit(1)
        return
    click.echo(f"rebuilt from the ledger: {rows}; rows that differed: {diff}")
