"""`scanfloor counts classify|plan|accuracy --warehouse WH1`: the count plan from cron.

Nightly, for example:
    15 2 * * *  scanfloor counts classify --warehouse WH1 && scanfloor counts plan --warehouse WH1
Classifying ranks the items by SCANFLOOR_ABC_BASIS over SCANFLOOR_ABC_WINDOW_DAYS of the
ledger; planning raises the day's scheduled counts (running it twice a day raises nothing
twice: a bin's open task is not doubled)."""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask.cli import with_appcontext


@click.group("counts")
def counts() -> None:
    """Cycle-count plans."""


def _day(raw: str | None, param: str) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {raw!r}", param_hint=param) from exc


@counts.command("classify")
@click.option("--warehouse", "ref", required=True, help="Warehouse code or id.")
@click.option("--basis", type=click.Choice(["value", "velocity"]), default=None)
@click.option("--window-days", type=click.IntRange(1, 3660), default=None)
@with_appcontext
def classify(ref: str, basis: str | None, window_days: int | None) -> None:
    """Rank the warehouse's items into ABC classes from the ledger."""
    from ..errors import ScanfloorError
    from ..picking.queries import warehouse
    from .plans_service import classify_warehouse

    try:
        wh = warehouse(ref)
        r = classify_warehouse(wh.id, basis, window_days)
    except ScanfloorError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        f"{wh.code}: by {r.basis} ({r.measure}) over {r.window_days} days: "
        f"A {r.counts['A']}, B {r.counts['B']}, C {r.counts['C']}"
    )


@counts.command("plan")
@click.option("--warehouse", "ref", required=True, help="Warehouse code or id.")
@click.option("--on", "on", default=None, help="The plan's day, YYYY-MM-DD (default today).")
@with_appcontext
def plan(ref: str, on: str | None) -> None:
    """Raise the day's scheduled counts (one task per bin holding a due item)."""
    from ..errors import ScanfloorError
    from ..picking.queries import warehouse
    from .plans_service import generate_counts

    day = _day(on, "--on")
    try:
        wh = warehouse(ref)
        r = generate_counts(wh.id, day)
    except ScanfloorError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        f"{wh.code}: due A {r.due['A']}, B {r.due['B']}, C {r.due['C']}; "
        f"{r.created} task(s) raised, {len(r.task_ids)} covering the plan"
    )


@counts.command("accuracy")
@click.option("--warehouse", "ref", required=True, help="Warehouse code or id.")
@click.option("--from", "date_from", default=None, help="First day (default 30 days ago).")
@click.option("--to", "date_to", default=None, help="Last day (default today).")
@click.option("--by", type=click.Choice(["location", "zone", "class"]), default="class")
@with_appcontext
def accuracy_report(ref: str, date_from: str | None, date_to: str | None, by: str) -> None:
    """First-count accuracy per bin, zone or class."""
    from ..errors import ScanfloorError
    from ..picking.queries import warehouse
    from ..timeutil import utcnow
    from .accuracy import accuracy

    to = _day(date_to, "--to") or utcnow().date()
    start = _day(date_from, "--from") or to - timedelta(days=30)
    try:
        wh = warehouse(ref)
        report = accuracy(wh.id, start, to, by)
    except ScanfloorError as exc:
        raise click.ClickException(exc.message) from exc
    for r in [*report.rows, report.total]:
        pct = "-" if r.accuracy is None else f"{r.accuracy * 100:.1f}%"
        vpct = "-" if r.value_accuracy is None else f"{r.value_accuracy * 100:.1f}%"
        click.echo(f"{r.label}: {r.matched}/{r.counted} {pct}, by value {vpct}")
