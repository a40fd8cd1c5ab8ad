"""`scanfloor outbox run [--once]` (a dispatcher process of its own) and `scanfloor outbox
purge --older-than DAYS`."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("outbox")
def outbox() -> None:
    """Deliver and tidy the outbox."""


@outbox.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--poll", type=float, default=None, help="Seconds between polls when idle.")
@with_appcontext
def run(once: bool, poll: float | None) -> None:
    """Deliver outbox messages: forever (beside the web processes), or once."""
    from .dispatcher import dispatch_until_idle
    from .worker import Dispatcher, poll_seconds

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        r = dispatch_until_idle()
        click.echo(f"{r.sent} delivered, {r.failed} failed ({r.dead} now dead)")
        return
    dispatcher = Dispatcher(app, poll if poll is not None else poll_seconds(app))
    click.echo(f"outbox dispatcher running (poll {dispatcher.poll_s:g} s)")
    dispatcher.run_forever()


@outbox.command("purge")
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True, help="Days")
@with_appcontext
def purge(days: int) -> None:
    """Delete delivered messages (and their attempt log) delivered more than DAYS ago."""
    from .service import purge_delivered

    click.echo(f"purged {purge_delivered(timedelta(days=days))} delivered messages")
