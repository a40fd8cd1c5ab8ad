"""`scanfloor carriers add CODE --name ... --service ...` and `scanfloor carriers list`:
setting up carriers from a terminal (the same service as POST /api/v1/carriers)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from ..errors import ScanfloorError


@click.group("carriers")
def carriers() -> None:
    """Carriers and their tracking-number ranges."""


@carriers.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--service", "services", multiple=True, required=True, help="Repeat per service")
@click.option("--adapter", default="manual", show_default=True)
@click.option("--prefix", "tracking_prefix", default="", help="Tracking number prefix")
@click.option("--first", "tracking_next", type=click.IntRange(min=0), default=None)
@click.option("--last", "tracking_last", type=click.IntRange(min=0), default=None)
@click.option(
    "--tracking-url", "tracking_url_template", default=None, help="With {tracking_number}"
)
@click.option("--settings", "settings_json", default="{}", help='JSON, e.g. {"digits": 8}')
@with_appcontext
def add(settings_json: str, **fields: object) -> None:
    """Add a carrier (a manual one issues tracking numbers from --first to --last)."""
    from .carriers_service import create_carrier

    try:
        settings = json.loads(settings_json)
        made = create_carrier(settings=settings, **fields)  # type: ignore[arg-type]
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"--settings is not JSON: {exc}") from exc
    except ScanfloorError as exc:
        raise click.ClickException(f"{exc.code}: {exc}") from exc
    left = "no limit" if made.numbers_left is None else f"{made.numbers_left} numbers"
    click.echo(f"carrier {made.code} added ({', '.join(made.services)}; {left})")


@carriers.command("list")
@with_appcontext
def list_() -> None:
    """Every carrier, its services and what is left of its range."""
    from .carriers_service import list_carriers

    for c in list_carriers():
        left = "-" if c.numbers_left is None else str(c.numbers_left)
        click.echo(f"{c.code}\t{c.adapter}\t{','.join(c.services)}\t{left}")
