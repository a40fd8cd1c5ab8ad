"""`scanfloor ledger verify` and `ledger rebuild`, as an operator runs them."""

from __future__ import annotations

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import text

from scanfloor.cli import main
from scanfloor.extensions import db
from tests.factories import make_bin, make_item, receive


def _run(app, *args):
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_verify_reports_zero_differences_on_a_clean_ledger(app):
    item, loc = make_item(), make_bin()
    receive(item, loc, 9)
    result = _run(app, "ledger", "verify")
    assert result.exit_code == 0, result.output
    assert "0 differences" in result.output


def test_verify_lists_a_tampered_balance_and_rebuild_repairs_it(app):
    item, loc = make_item(), make_bin()
    receive(item, loc, 9)
    db.session.execute(
        text("UPDATE balances SET quantity = 5 WHERE location_id = :l"), {"l": loc.id}
    )
    db.session.commit()
    result = _run(app, "ledger", "verify")
    assert result.exit_code == 1
    assert "stored 5, movements say 9" in result.output
    assert "sums to -4" in result.output
    rebuilt = _run(app, "ledger", "rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    again = _run(app, "ledger", "verify")
    assert again.exit_code == 0 and "0 differences" in again.output


def test_users_create_makes_a_user_who_can_sign_in(app, client):
    result = _run(
        app,
        "users",
        "create",
        "Dana",
        "--role",
        "supervisor",
        "--password",
        "s3cret-pass",
        "--badge",
        "B-77",
        "--pin",
        "4321",
    )
    assert result.exit_code == 0, result.output
    r = client.post("/api/v1/auth/token", json={"badge": "B-77", "pin": "4321"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["user"]["role"] == "supervisor"
