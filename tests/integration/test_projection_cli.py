"""`scanfloor facts rebuild` (also named `reporting rebuild-facts`) and `scanfloor purchasing
rebuild-demand`: --check compares a projection with the ledger and changes nothing (exit 1
on a difference); without it the projection is rebuilt and agrees again."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import text

from scanfloor.cli import main
from scanfloor.extensions import db
from tests.factories import virtual
from tests.suggestion_helpers import day_at, item, make_site, move, receive

COMMANDS = [
    (("reporting", "rebuild-facts"), "movement_day_facts", "units_in"),
    (("facts", "rebuild"), "movement_day_facts", "units_in"),
    (("purchasing", "rebuild-demand"), "demand_days", "net"),
]


def _run(app: Any, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def _figures(table: str, column: str) -> list[int]:
    db.session.rollback()
    got = [int(v) for v in db.session.scalars(text(f"SELECT {column} FROM {table}"))]
    db.session.rollback()
    return sorted(got)


@pytest.mark.parametrize(("command", "table", "column"), COMMANDS)
def test_a_tampered_projection_is_found_by_check_and_put_right_by_a_rebuild(
    app, command, table, column
):
    site, tee = make_site(), item("TEE")
    receive(site, tee, 10, day_at(2))
    move("ship", tee, 3, site.bin, virtual("CUSTOMER"), day_at(1))

    ok = _run(app, *command, "--check")
    assert ok.exit_code == 0, ok.output
    assert "rows that differ" in ok.output and " 1" not in ok.output.split("differ:")[1]
    right = _figures(table, column)

    db.session.execute(text(f"UPDATE {table} SET {column} = {column} + 7"))
    db.session.commit()
    tampered = _figures(table, column)

    found = _run(app, *command, "--check")
    assert found.exit_code == 1, found.output
    assert _figures(table, column) == tampered  # --check changed nothing

    fixed = _run(app, *command)
    assert fixed.exit_code == 0, fixed.output
    assert _figures(table, column) == right
    assert _run(app, *command, "--check").exit_code == 0
