"""`scanfloor facts rebuild [--check]` (also `scanfloor reporting rebuild-facts`): the
reports' daily facts rebuilt from the ledger (facts_rebuild.py) and the settled orders'
facts assembled again (order_facts_store.py), or with --check only
compared with it (exit 1 on a difference). Both names run the same function: the issue and
the runbook call it `facts rebuild`, earlier notes `reporting rebuild-facts`."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import Connection


@click.group("reporting")
def reporting() -> None:
    """The reports' daily facts."""


@reporting.command("rebuild-facts")
@click.option("--check", is_flag=True, help="Compare with the ledger only; change nothing.")
@with_appcontext
def rebuild_facts(check: bool) -> None:
    """Rebuild the daily facts from the ledger (or, with --check, compare)."""
    _rebuild_or_check(check)


@click.group("facts")
def facts() -> None:
    """The reports' daily facts."""


@facts.command("rebuild")
@click.option("--check", is_flag=True, help="Compare with the ledger only; change nothing.")
@with_appcontext
def facts_rebuild(check: bool) -> None:
    """Rebuild the daily facts from the ledger (or, with --check, compare)."""
    _rebuild_or_check(check)


def _rebuild_or_check(check: bool) -> None:
    from ..projection_check import rebuild_or_check
    from . import facts_rebuild, order_facts_store

    def rebuild(conn: Connection) -> dict[str, int]:
        return {**facts_rebuild.rebuild(conn), **order_facts_store.rebuild(conn)}

    def snapshot(conn: Connection) -> dict[str, set[tuple[Any, ...]]]:
        return {**facts_rebuild.snapshot(conn), **order_facts_store.snapshot(conn)}

    rebuild_or_check(rebuild, snapshot, check)
