"""`scanfloor finance verify`: the finance checks (verify.py), exit 1 on any failure (CI
runs it). `scanfloor finance rebuild --check`: every valuation and entry recomputed from the
movements and compared (rebuild.py), exit 1 on any difference; the books are append-only,
so a rebuild only ever checks. `scanfloor finance close-period YYYY-MM` and
`reopen-period YYYY-MM`: a month closed (only while every check holds) or opened again."""

from __future__ import annotations

import sys

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
