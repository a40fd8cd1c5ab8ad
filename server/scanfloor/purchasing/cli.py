"""`scanfloor purchasing suggest [--warehouse CODE] [--scheduled]`: a suggestion run.
`scanfloor purchasing rebuild-demand [--check]`: the daily demand projection rebuilt from
the ledger (demand_rebuild.py), or with --check only compared with it.

By hand, a run over every warehouse with reorder policies (or one). From cron, with
--scheduled, every few minutes:
    */5 * * * *  scanfloor purchasing suggest --scheduled
runs the slot of SCANFLOOR_PURCHASING_SCHEDULE that is due, once (suggest_schedule.py).
Prints one line per run."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("purchasing")
def purchasing() -> None:
    """Purchase suggestions."""


def _summary(run: object) -> str:
    from .suggest_views import SuggestionRunView

    assert isinstance(run, SuggestionRunView)
    where = run.warehouse.code if run.warehouse else "all warehouses"
    numbers = ", ".join(po.number for po in run.purchase_orders) or "none"
    return (
        f"run {run.id} ({run.trigger}, {where}, as of {run.as_of.isoformat()}): "
        f"{run.items_considered} items, {run.lines_ordered} to order, "
        f"{run.po_count} draft POs: {numbers}"
    )


@purchasing.command("suggest")
@click.option("--warehouse", "ref", default=None, help="Warehouse code or id (default: all).")
@click.option("--scheduled", is_flag=True, help="Run the schedule's due slot, once.")
@click.option("--at", "at", default=None, help="With --scheduled: act as if it were this time.")
@with_appcontext
def suggest(ref: str | None, scheduled: bool, at: str | None) -> None:
    """Suggest what to buy from the reorder policies and draft POs per supplier."""
    from ..errors import ScanfloorError
    from ..picking.queries import warehouse
    from ..timeutil import utcnow
    from .suggest_schedule import (
        SETTING,
        ScheduleError,
        due_slot,
        parse_purchasing_schedule,
        slot_key,
    )
    from .suggest_service import run_suggestions

    try:
        now = utcnow() if at is None else datetime.fromisoformat(at)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 time: {at!r}", param_hint="--at") from exc
    try:
        wh = None if ref is None else warehouse(ref)
        wh_id = None if wh is None else wh.id
        if not scheduled:
            click.echo(_summary(run_suggestions(trigger="cli", warehouse_id=wh_id)))
            return
        try:
            times = parse_purchasing_schedule(str(current_app.config.get(SETTING) or ""))
        except ScheduleError as exc:
            raise click.ClickException(str(exc)) from exc
        slot = due_slot(times, now)
        if slot is None:
            click.echo(f"no purchasing schedule ({SETTING} is blank): nothing to run")
            return
        run = run_suggestions(
            trigger="schedule", warehouse_id=wh_id, as_of=slot.date(), slot=slot_key(slot, wh_id)
        )
    except ScanfloorError as exc:
        raise click.ClickException(exc.message) from exc
    if run.replayed:
        click.echo(f"slot {slot:%Y-%m-%d %H:%M} UTC already ran: run {run.id}")
        return
    click.echo(_summary(run))


@purchasing.command("rebuild-demand")
@click.option("--check", is_flag=True, help="Compare with the ledger only; change nothing.")
@with_appcontext
def rebuild_demand(check: bool) -> None:
    """Rebuild the daily demand projection from the ledger (or, with --check, compare)."""
    from ..projection_check import rebuild_or_check
    from .demand_rebuild import rebuild, snapshot

    rebuild_or_check(rebuild, snapshot, check)
