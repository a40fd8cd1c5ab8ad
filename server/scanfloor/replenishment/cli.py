"""`scanfloor replenishment scan [--warehouse WH1]`: a task for every pick face below its min.

Postings raise tasks as stock leaves a face; this catches faces set up (or with limits
raised) after their stock was already low. Without --warehouse every warehouse with an
active face is scanned. Running it twice raises nothing twice (one live task per face)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("replenishment")
def replenishment() -> None:
    """Pick-face replenishment."""


@replenishment.command("scan")
@click.option("--warehouse", "ref", default=None, help="Warehouse code or id (default: all).")
@with_appcontext
def scan(ref: str | None) -> None:
    """Raise a replenishment task for every pick face below its min."""
    from sqlalchemy import select

    from ..errors import ScanfloorError
    from ..extensions import db
    from .models import PickFace
    from .queries import warehouse
    from .trigger import raise_due_tasks

    try:
        if ref is not None:
            targets = [warehouse(ref)]
        else:
            ids = db.session.scalars(
                select(PickFace.warehouse_id).where(PickFace.active.is_(True)).distinct()
            ).all()
            db.session.rollback()
            targets = sorted((warehouse(int(i)) for i in ids), key=lambda w: w.code)
        total = 0
        for wh in targets:
            raised = raise_due_tasks(wh.id)
            total += len(raised)
            click.echo(f"{wh.code}: {len(raised)} replenishment task(s) raised")
    except ScanfloorError as exc:
        raise click.ClickException(exc.message) from exc
    if not targets:
        click.echo("no active pick face")
    click.echo(f"total: {total}")
