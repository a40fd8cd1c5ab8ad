"""The `scanfloor` command: serve, db upgrade (Flask-Migrate), seed-demo, ledger, users."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False
)
def main() -> None:
    """Scanfloor warehouse scanning server."""


@main.command("serve")
@click.option(
    "--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="HOST or 127.0.0.1"
)
@click.option(
    "--port",
    default=lambda: int(os.environ.get("PORT", "8000")),
    type=int,
    show_default="PORT or 8000",
)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve HTTP and Socket.IO (threaded; use gunicorn for production, see README)."""
    from flask import current_app

    from .extensions import socketio

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Flask ignores app.run() inside its own CLI unless told this is a deliberate serve.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    from .outbox.worker import start_dispatcher

    start_dispatcher(app)  # retries webhooks and other outbox messages on a timer
    from .devserver import QuietRequestHandler

    socketio.run(
        app,
        host=host,
        port=port,
        allow_unsafe_werkzeug=True,
        use_reloader=False,
        log_output=False,
        request_handler=QuietRequestHandler,  # no Werkzeug/Python versions in `Server`
    )


@main.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Fill an empty database with the demo warehouse (demo mode only)."""
    from flask import current_app

    from .seed.demo import seed_demo as run_seed

    if current_app.config["SCANFLOOR_MODE"] != "demo":
        raise click.ClickException("seed-demo runs only with SCANFLOOR_MODE=demo")
    from .errors import ScanfloorError

    try:
        summary = run_seed()
    except ScanfloorError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(summary)


from .outbox.cli import outbox  # noqa: E402  (its commands live beside the outbox)

main.add_command(outbox)

from .shipping.cli import carriers  # noqa: E402  (carrier set-up beside shipping)

main.add_command(carriers)

from .picking.cli import waves  # noqa: E402  (wave release beside picking)

main.add_command(waves)

from .counting.cli import counts  # noqa: E402  (count plans beside counting)

main.add_command(counts)

from .purchasing.cli import purchasing  # noqa: E402  (suggestion runs beside purchasing)

main.add_command(purchasing)

from .replenishment.cli import replenishment  # noqa: E402  (pick-face replenishment)

main.add_command(replenishment)

from .finance.cli import finance  # noqa: E402  (valuation checks and periods)

main.add_command(finance)

from .reporting.cli import facts, reporting  # noqa: E402  (the reports' daily facts)

main.add_command(reporting)
main.add_command(facts)


@main.group("ledger")
def ledger() -> None:
    """Check and rebuild the stock ledger's balances."""


@ledger.command("verify")
@with_appcontext
def ledger_verify() -> None:
    """Rebuild balances from movements in memory and compare; exit 1 on any difference."""
    from .ledger.verify import verify_ledger

    report = verify_ledger()
    for line in report.lines():
        click.echo(line)
    click.echo(f"{report.count} differences")
    sys.exit(0 if report.clean else 1)


@ledger.command("rebuild")
@with_appcontext
def ledger_rebuild() -> None:
    """Replace the balance table with balances recomputed from the movements."""
    from .ledger.verify import rebuild_balances

    rows = rebuild_balances()
    click.echo(f"rebuilt {rows} balance rows from the movements")


@main.group("commands")
def commands() -> None:
    """The command path's idempotency store."""


@commands.command("purge")
@click.option(
    "--older-than-days",
    "days",
    type=int,
    default=None,
    help="keep answers this many days (default SCANFLOOR_IDEMPOTENCY_DAYS or 30)",
)
@with_appcontext
def commands_purge(days: int | None) -> None:
    """Delete kept idempotency answers older than the retention time (run it daily)."""
    from .commands.rules import RETENTION_DAYS
    from .commands.service import purge_answers
    from .errors import ValidationFailed

    if days is None:
        days = int(os.environ.get("SCANFLOOR_IDEMPOTENCY_DAYS", RETENTION_DAYS))
    try:
        gone = purge_answers(days)
    except ValidationFailed as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"purged {gone} idempotency answers older than {days} days")


@main.group("users")
def users() -> None:
    """Manage users."""


@users.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["worker", "supervisor", "manager", "admin", "finance"]),
    required=True,
    help="finance: books and reads the money, beside the ladder (docs/decisions/0026)",
)
@click.option("--name", "display_name", default=None, help="Display name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--badge", default=None, help="Badge barcode for scanner sign-in")
@click.option("--pin", default=None, help="PIN to go with the badge")
@with_appcontext
def users_create(
    username: str,
    role: str,
    display_name: str | None,
    password: str,
    badge: str | None,
    pin: str | None,
) -> None:
    """Create a user (password and optional badge + PIN are stored hashed)."""
    from .auth.service import create_user
    from .errors import ScanfloorError

    try:
        user = create_user(
            username=username,
            role=role,
            password=password,
            display_name=display_name,
            badge=badge,
            pin=pin,
        )
    except ScanfloorError as exc:
        raise click.ClickException(f"{exc.message} {exc.details or ''}".strip()) from exc
    click.echo(f"created {user.username} ({user.role}) id={user.id}")


@main.command("allocate")
@with_appcontext
def allocate() -> None:
    """Allocate every waiting order line, by channel priority, promised date and age."""
    from .allocation.realloc import run_allocation

    s = run_allocation()
    click.echo(
        f"{s.orders} orders, {s.lines_allocated} of {s.lines_considered} waiting lines "
        f"allocated, {s.units_reserved} units reserved"
    )
