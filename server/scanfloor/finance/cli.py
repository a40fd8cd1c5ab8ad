"""`scanfloor finance verify`: the finance checks (verify.py), exit 1 on any failure (CI
runs it). `scanfloor finance rebuild --check`: every valuation and entry recomputed from the
movements and compared (rebuild.py), exit 1 on any difference; the books are append-only,
so a rebuild only ever checks. `scanfloor finance close-period YYYY-MM` and
`reopen-period YYYY-MM`: a month closed (only while every check holds) or opened again.
`scanfloor finance open-valuation [--costs FILE] [--dry-run]`: stock on hand from before
valuation began valued once (opening_service.py)."""

from __future__ import annotations

import csv
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from flask.cli import with_appcontext


@click.group("finance")
def finance() -> None:
    """Valuation and journal checks, and accounting periods."""


@finance.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check the books against the stock; exit 1 on any failure."""
    from .verify import verify

    failures = verify()
    for failure in failures:
        click.echo(failure.line())
    click.echo(f"{len(failures)} failures")
    sys.exit(1 if failures else 0)


@finance.command("rebuild")
@click.option("--check", is_flag=True, help="Compare only (the books are never rewritten).")
@with_appcontext
def rebuild_command(check: bool) -> None:
    """Recompute every valuation and entry from the movements; exit 1 on a difference."""
    from .rebuild import rebuild_check, valued_count

    differences = rebuild_check()
    for diff in differences:
        click.echo(diff.line())
    click.echo(f"{valued_count()} valued movements, {len(differences)} differences")
    sys.exit(1 if differences else 0)


@finance.command("close-period")
@click.argument("period")
@with_appcontext
def close_period_command(period: str) -> None:
    """Close a month (YYYY-MM) once every finance check holds."""
    from ..errors import ScanfloorError
    from .periods_service import close_period

    try:
        view = close_period(period, actor_id=None)
    except ScanfloorError as exc:
        for failure in exc.details.get("failures", []):
            click.echo(f"{failure['check']}: {failure['message']}", err=True)
        raise click.ClickException(exc.message) from exc
    click.echo(f"period {view.period} is {view.status}")


@finance.command("reopen-period")
@click.argument("period")
@with_appcontext
def reopen_period_command(period: str) -> None:
    """Open a closed month (YYYY-MM) again."""
    from ..errors import ScanfloorError
    from .periods_service import reopen_period

    try:
        view = reopen_period(period, actor_id=None)
    except ScanfloorError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"period {view.period} is {view.status}")


@finance.command("open-valuation")
@click.option(
    "--costs",
    type=click.File("r", encoding="utf-8"),
    help="CSV with the columns sku,unit_cost: the cost to value an item's stock at.",
)
@click.option("--dry-run", is_flag=True, help="Report what would be valued; write nothing.")
@with_appcontext
def open_valuation_command(costs: Any, dry_run: bool) -> None:
    """Value the stock on hand from before valuation began (once; again: what is missing)."""
    from .opening_service import open_valuation

    given: dict[str, Decimal] = {}
    if costs is not None:
        for n, row in enumerate(csv.DictReader(costs), start=2):
            try:
                given[str(row["sku"]).strip()] = Decimal(str(row["unit_cost"]).strip())
            except (KeyError, InvalidOperation) as exc:
                raise click.ClickException(f"{costs.name} line {n}: sku,unit_cost") from exc
    report = open_valuation(given, actor_id=None, dry_run=dry_run)
    for sku, place, units in report.skipped:
        click.echo(f"no cost known: {sku} ({units} units at place {place}) left unvalued")
    verb = "would value" if dry_run else "valued"
    click.echo(
        f"{verb} {sum(o.quantity for o in report.opened)} units in {len(report.opened)} "
        f"parts at {report.value}; {len(report.skipped)} items without a cost"
    )
