"""`scanfloor commands purge`: kept answers older than the retention time go, newer stay."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, update

from scanfloor.cli import main
from scanfloor.commands.models import CommandRecord
from scanfloor.extensions import db
from scanfloor.timeutil import utcnow
from tests.factories import make_bin, make_item, receive


def _run(app, *args):
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def _age(key: str, days: int) -> None:
    db.session.execute(
        update(CommandRecord)
        .where(CommandRecord.key == key)
        .values(created_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def test_purge_drops_answers_past_the_retention_time_and_keeps_the_rest(app):
    item, loc = make_item(), make_bin()
    for key in ("old-1", "old-2", "fresh-1"):
        receive(item, loc, 1, key=key)
    _age("old-1", 31)
    _age("old-2", 45)
    _age("fresh-1", 29)

    result = _run(app, "commands", "purge")

    assert result.exit_code == 0, result.output
    assert "purged 2 idempotency answers older than 30 days" in result.output
    left = set(db.session.scalars(select(CommandRecord.key)))
    assert left == {"fresh-1"}


def test_purge_with_a_shorter_time_and_a_refused_one(app):
    item, loc = make_item(), make_bin()
    receive(item, loc, 1, key="k-1")
    _age("k-1", 3)
    assert _run(app, "commands", "purge", "--older-than-days", "7").exit_code == 0
    assert db.session.scalar(select(CommandRecord.key)) == "k-1"
    refused = _run(app, "commands", "purge", "--older-than-days", "0")
    assert refused.exit_code != 0
    assert "at least one day" in refused.output
    assert _run(app, "commands", "purge", "--older-than-days", "2").exit_code == 0
    assert db.session.scalar(select(CommandRecord.key)) is None
