"""The finance checks: after a mixed history (both cost methods, two warehouses, transfers
through In Transit and direct, scrap, count losses and gains, shipments, a restocked
return, reversals, negative stock) `verify()` finds nothing, the rebuild from the movements
finds every value and entry identical, and the CLI exits 0; a corrupted stock value is a
failure (exit 1), and a month cannot close while one stands."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import update

from scanfloor.cli import main
from scanfloor.extensions import db
from scanfloor.finance.errors import PeriodNotReady
from scanfloor.finance.periods_service import close_period
from scanfloor.finance.rebuild import rebuild_check
from scanfloor.finance.valuation_models import StockValue
from scanfloor.finance.verify import verify
from scanfloor.ledger.service import reverse_movement
from tests import finance_helpers as fh
from tests.factories import virtual
from tests.returns_helpers import (
    capture,
    grant,
    inspect,
    receive_scan,
    return_site,
    scanned_item,
    shipped_order,
)

D = Decimal


def _cli(app: Any, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def _mixed_history(app: Any, client: Any, auth: Any, users: Any) -> dict[str, Any]:
    rs = return_site(app)
    grant(users, rs.warehouse)
    other = fh.site()
    transit = virtual("IN-TRANSIT")
    made: dict[str, Any] = {"rs": rs, "other": other}
    for method in ("moving_average", "fifo"):
        it = scanned_item(rs, 0)
        fh.set_method(it.id, method)
        fh.receive(it, rs.site.bin, 7, "3.17")
        wrong = fh.receive(it, rs.site.bin, 5, "4.01")
        fh.receive(it, rs.site.bin, 3, "2.99")
        reverse_movement(wrong, actor_id=users["manager"].id)
        order = shipped_order(rs, [(it, 4)])
        rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 2}])
        got = receive_scan(client, auth("worker"), rma.get_json()["id"], it.each, quantity=2)
        body = got.get_json()
        inspect(client, auth("worker"), body["rma"]["id"], body["line_id"],
                disposition="sellable", location="R-1")  # fmt: skip
        inspect(client, auth("worker"), body["rma"]["id"], body["line_id"], disposition="scrap")
        fh.move("transfer", it, rs.site.bin, transit, 3)
        fh.move("transfer", it, transit, other.bin, 2)
        direct = fh.move("transfer", it, rs.site.bin, other.bin2, 1)
        reverse_movement(direct, actor_id=users["manager"].id)
        fh.move("scrap", it, other.bin, virtual("SCRAP"), 1, reason_code="damaged")
        fh.move("count", it, virtual("INV-ADJ"), other.bin, 2, reason_code="count_gain")
        fh.move("count", it, rs.site.bin, virtual("INV-ADJ"), 1, reason_code="count_loss")
        shipped = fh.ship(it, rs.site.bin, 1)
        reverse_movement(shipped, actor_id=users["manager"].id)
        # Negative stock: an arrival scanned before its dispatch is posted takes In
        # Transit below zero at the last rate; the dispatch corrects it.
        fh.move("transfer", it, transit, other.bin, 3)
        fh.move("transfer", it, rs.site.bin, transit, 2)
        fh.receive(it, other.bin, 9, "5.55")
        fh.ship(it, other.bin, 6)
        made[method] = it
    return made


@pytest.fixture
def history(app: Any, client: Any, auth: Any, users: Any) -> dict[str, Any]:
    return _mixed_history(app, client, auth, users)


def test_after_a_mixed_history_every_check_holds_and_the_rebuild_finds_it_identical(app, history):
    assert verify() == []
    assert rebuild_check() == []
    rs, other, transit = history["rs"], history["other"], virtual("IN-TRANSIT")
    average, fifo = history["moving_average"], history["fifo"]
    assert fh.stock_value(average, rs.warehouse) == (1, D("3.11"))
    assert fh.stock_value(average, other.wh) == (9, D("41.18"))
    assert fh.stock_value(fifo, rs.warehouse) == (1, D("3.17"))
    assert fh.stock_value(fifo, other.wh) == (9, D("49.95"))  # the last receipt's layer
    assert fh.layers_left(fifo, other.wh) == [(9, "5.55", "49.95")]
    for it in (average, fifo):
        assert fh.stock_value(it, transit) == (0, D("0.00"))
    assert fh.balance("in_transit") == D("0.00")
    assert fh.balance("inventory", rs.warehouse) == D("6.28")
    assert fh.balance("inventory", other.wh) == D("91.13")


def test_the_cli_verify_and_rebuild_exit_0_on_clean_books(app, history):
    result = _cli(app, "finance", "verify")
    assert result.exit_code == 0, result.output
    assert "0 failures" in result.output
    result = _cli(app, "finance", "rebuild", "--check")
    assert result.exit_code == 0, result.output
    assert "0 differences" in result.output


def test_a_corrupted_stock_value_fails_verify_and_the_rebuild_and_no_month_closes(
    app, users, history
):
    it, wh = history["fifo"], history["other"].wh
    db.session.execute(
        update(StockValue)
        .where(StockValue.item_id == it.id, StockValue.place_id == wh.id)
        .values(value=StockValue.value + D("0.01"))
    )
    db.session.commit()

    failures = verify()
    assert {f.check for f in failures} == {"inventory_matches_stock", "layers_match_value"}
    assert any(f.details.get("place_id") == wh.id for f in failures)
    assert [d.kind for d in rebuild_check()] == ["position"]

    result = _cli(app, "finance", "verify")
    assert result.exit_code == 1, result.output
    assert "inventory_matches_stock" in result.output
    assert _cli(app, "finance", "rebuild", "--check").exit_code == 1

    with pytest.raises(PeriodNotReady) as refused:
        close_period("2020-01", users["manager"].id)
    checks = {f["check"] for f in refused.value.details["failures"]}
    assert "inventory_matches_stock" in checks
    result = _cli(app, "finance", "close-period", "2020-01")
    assert result.exit_code != 0 and "cannot close" in result.output


def test_an_unbalanced_entry_is_a_failure(app, history):
    from sqlalchemy import insert, select

    from scanfloor.finance.journal_models import JournalEntry, JournalLine

    entry_id = db.session.scalar(select(JournalEntry.id).order_by(JournalEntry.id))
    db.session.execute(
        insert(JournalLine).values(
            entry_id=entry_id, account_id=fh.account_id("rounding"), debit=D("0.01"),
            credit=D("0"),
        )
    )  # fmt: skip
    db.session.commit()
    checks = {f.check for f in verify()}
    assert checks == {"entry_balanced", "trial_balance"}


def test_the_cli_closes_and_reopens_a_month(app, history):
    result = _cli(app, "finance", "close-period", "2020-01")
    assert result.exit_code == 0, result.output
    assert "2020-01 is closed" in result.output
    result = _cli(app, "finance", "reopen-period", "2020-01")
    assert result.exit_code == 0 and "2020-01 is open" in result.output


def test_a_damaged_stock_value_never_refuses_a_posting(app):
    """A position finance cannot value from (a value below zero on stock on hand) leaves
    the movement unvalued, and verify says so; the posting itself goes through."""
    north, south = fh.site(), fh.site()
    it = fh.item()
    fh.receive(it, north.bin, 2, "5")
    db.session.execute(
        update(StockValue)
        .where(StockValue.item_id == it.id, StockValue.place_id == north.wh.id)
        .values(value=D("-5.00"))
    )
    db.session.commit()
    moved = fh.move("transfer", it, north.bin, south.bin, 1)
    assert fh.movement_value(moved) is None
    assert fh.stock_value(it, north.wh) == (2, D("-5.00"))
    assert {f.check for f in verify()} == {"inventory_matches_stock"}
