"""Stock on hand from before valuation began (migration 0016 gave it no value) is valued
once by `scanfloor finance open-valuation`: at a given cost, else the latest PO cost, else
the preferred supplier's; FIFO lots get their own layers; units issued before it are
corrected to COGS; the books verify and rebuild clean; running again values nothing more;
an item with no known cost is left out and named. Pre-upgrade stock is made here as the
upgrade leaves it: balances with no valuation."""

from __future__ import annotations

from decimal import Decimal

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from scanfloor.cli import main
from scanfloor.extensions import db
from scanfloor.finance.document_models import OpeningValue
from scanfloor.finance.opening_service import open_valuation
from scanfloor.finance.rebuild import rebuild_check
from scanfloor.finance.verify import verify
from scanfloor.ledger.models import Balance
from scanfloor.timeutil import utcnow
from tests import finance_helpers as fh
from tests.factories import make_lot, make_po, make_supplier

D = Decimal


def _cli(app, *args):
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def _pre_upgrade(it, where, quantity, lot=None):
    """Units on hand as the upgrade found them: a balance, no value."""
    db.session.add(Balance(item_id=it.id, location_id=where.id, lot_id=None if lot is None
                           else lot.id, quantity=quantity, updated_at=utcnow()))  # fmt: skip
    db.session.commit()


def test_stock_from_before_valuation_is_valued_at_its_latest_po_cost(app):
    s = fh.site()
    it = fh.item()
    make_po(make_supplier(), [(it, 24, "4.00")])
    _pre_upgrade(it, s.bin, 10)
    report = open_valuation({}, actor_id=None)
    assert [(o.quantity, o.value, o.cost_source) for o in report.opened] == [(10, D("40.00"), "po")]
    assert fh.stock_value(it, s.wh) == (10, D("40.00"))
    assert fh.balance("inventory", s.wh) == D("40.00")
    assert fh.balance("opening_balance", s.wh) == D("-40.00")
    assert verify() == []
    assert rebuild_check() == []
    # Once: nothing is missing any more.
    assert open_valuation({}, actor_id=None).opened == []


def test_a_fifo_lot_tracked_item_gets_a_layer_per_lot_at_the_given_cost(app):
    s = fh.site()
    it = fh.item("fifo", tracking="lot")
    a, b = make_lot(it, "A1"), make_lot(it, "B2")
    _pre_upgrade(it, s.bin, 4, a)
    _pre_upgrade(it, s.bin2, 6, b)
    open_valuation({it.sku: D("2.50")}, actor_id=None)
    assert fh.layers_left(it, s.wh) == [(4, "2.5", "10.00"), (6, "2.5", "15.00")]
    lots = db.session.scalars(select(OpeningValue.lot_id).order_by(OpeningValue.id)).all()
    assert lots == [a.id, b.id]
    assert verify() == []
    assert rebuild_check() == []


def test_units_issued_before_the_opening_are_corrected_to_cogs(app):
    s = fh.site()
    it = fh.item()
    _pre_upgrade(it, s.bin, 10)
    fh.ship(it, s.bin, 3)  # valued at nothing: no cost known yet
    assert fh.stock_value(it, s.wh) == (-3, D("0.00"))
    (o,) = open_valuation({it.sku: D("5")}, actor_id=None).opened
    assert (o.quantity, o.value, o.correction) == (10, D("50.00"), D("15.00"))
    assert fh.stock_value(it, s.wh) == (7, D("35.00"))
    assert fh.balance("cogs") == D("15.00")
    fh.ship(it, s.bin, 2)
    fh.receive(it, s.bin, 5, "6")
    assert verify() == []
    assert rebuild_check() == []


def test_an_item_with_no_known_cost_is_named_and_nothing_is_written(app):
    s = fh.site()
    it = fh.item()
    _pre_upgrade(it, s.bin, 5)
    report = open_valuation({}, actor_id=None)
    assert report.opened == [] and report.skipped == [(it.sku, s.wh.id, 5)]
    assert fh.stock_value(it, s.wh) == (0, D("0"))
    assert db.session.scalars(select(OpeningValue)).all() == []


def test_the_command_reports_a_dry_run_and_reads_costs_from_a_csv(app, tmp_path):
    s = fh.site()
    it = fh.item()
    _pre_upgrade(it, s.bin, 8)
    costs = tmp_path / "costs.csv"
    costs.write_text(f"sku,unit_cost\n{it.sku},1.25\n", encoding="utf-8")
    out = _cli(app, "finance", "open-valuation", "--costs", str(costs), "--dry-run")
    assert "would value 8 units in 1 parts at 10.00" in out.output, out.output
    assert fh.stock_value(it, s.wh) == (0, D("0"))
    out = _cli(app, "finance", "open-valuation", "--costs", str(costs))
    assert "valued 8 units in 1 parts at 10.00" in out.output, out.output
    assert fh.stock_value(it, s.wh) == (8, D("10.00"))
