"""`scanfloor waves release-due [--at ISO-TIME]`: release the scheduled waves that are due
(SCANFLOOR_WAVE_SCHEDULE, picking/wave_schedule.py). Run it from cron every minute or so:
each slot releases once however often it runs."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext


@click.group("waves")
def waves() -> None:
    """Wave release."""


@waves.command("release-due")
@click.option("--at", "at", default=None, help="Act as if it were this time (ISO 8601, UTC).")
@with_appcontext
def release_due(at: str | None) -> None:
    """Release each scheduled channel's due wave (once per slot)."""
    from ..errors import ScanfloorError
    from .wave_service import release_due_waves

    try:
        now = None if at is None else datetime.fromisoformat(at)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 time: {at!r}", param_hint="--at") from exc
    try:
        released = release_due_waves(now)
    except ScanfloorError as exc:
        raise click.ClickException(exc.message) from exc
    for wave in released:
        click.echo(
            f"wave {wave.id} ({wave.released_via}, {wave.warehouse.code}): "
            f"{wave.order_count} orders, {wave.line_count} lines, {len(wave.tasks)} tasks"
        )
    click.echo(f"{len(released)} wave(s) released")
