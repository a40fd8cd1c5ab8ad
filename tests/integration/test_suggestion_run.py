"""A suggestion run (purchasing/suggest_service.py) over a seeded history: the expected draft
POs per supplier with the expected quantities, every line explained; a re-run supersedes
the drafts nobody touched and keeps the ones a buyer edited; a schedule slot runs once;
an item nobody sells is `no_supplier`; the API and the CLI. Stock goes through the ledger
writer (past days with occurred_at in the past), orders through allocation, terms and
policies through purchasing's services. Runs on SQLite and PostgreSQL (the `app` fixture).
"""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from scanfloor.cli import main
from scanfloor.extensions import db
from scanfloor.purchasing.amend_service import LineChange, edit_draft_line
from scanfloor.purchasing.models import PurchaseOrder
from scanfloor.purchasing.suggest_service import run_suggestions
from scanfloor.purchasing.suggestion_models import SuggestionLine, SuggestionRun
from tests.factories import make_po
from tests.suggestion_helpers import (
    backdate_po,
    day_at,
    item,
    make_site,
    order,
    policy,
    receive,
    sells,
    ship,
    supplier,
    today,
)

RUNS = "/api/v1/purchasing/suggestion-runs"
HISTORY = 28


def _seed(app: Any) -> dict[str, Any]:
    """TEE min/max below min; MUG reorder point with 28 days of 10 a day shipped; CAP sold by
    nobody; HAT and BAG buy-to-order (BAG with a backorder); PEN min/max well stocked."""
    app.config["SCANFLOOR_DEMAND_HISTORY_DAYS"] = HISTORY
    site = make_site()
    acme, bolt = supplier("ACME", lead_time_days=10), supplier("BOLT", lead_time_days=10)
    tee, mug, cap, hat, bag, pen = (item(s) for s in ("TEE", "MUG", "CAP", "HAT", "BAG", "PEN"))
    receive(site, tee, 10, day_at(40))
    receive(site, mug, 320, day_at(30))
    for days_ago in range(HISTORY, 0, -1):
        ship(site, mug, 10, day_at(days_ago, hour=9))
    receive(site, pen, 50, day_at(40))
    order(site, bag, 7)  # no stock: 7 backordered
    sells(acme, tee, "2.00", moq=50, case_pack=24)
    sells(bolt, mug, "3.50")
    sells(acme, hat, "5.00")
    sells(acme, bag, "1.00")
    sells(acme, pen, "0.50")
    policy(site, tee, "min_max", min_qty=20, max_qty=100)
    policy(site, mug, "reorder_point", service_level="0.95", order_qty=50)
    policy(site, cap, "min_max", min_qty=5, max_qty=10)
    policy(site, hat, "buy_to_order")
    policy(site, bag, "buy_to_order")
    policy(site, pen, "min_max", min_qty=5, max_qty=10)
    return {"site": site, **{i.sku: i for i in (tee, mug, cap, hat, bag, pen)}}


def _small(app: Any) -> dict[str, Any]:
    """One warehouse, one item below its min, one supplier."""
    site = make_site()
    tee = item("TEE")
    receive(site, tee, 3, day_at(5))
    sells(supplier("ACME"), tee, "2.00")
    policy(site, tee, "min_max", min_qty=5, max_qty=20)
    return {"site": site, "TEE": tee}


def _by_sku(run: Any) -> dict[str, Any]:
    return {ln.item.sku: ln for ln in run.lines}


def _steps(line: Any) -> dict[str, str]:
    return {s["label"]: s["value"] for s in line.steps}


def _count(model: Any) -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _po(po_id: int) -> PurchaseOrder:
    db.session.rollback()
    po = db.session.get(PurchaseOrder, po_id)
    assert po is not None
    return po


def test_a_run_drafts_one_po_per_supplier_with_the_quantities_the_policies_ask(app):
    s = _seed(app)

    run = run_suggestions(trigger="cli", warehouse_id=s["site"].warehouse.id)

    lines = _by_sku(run)
    assert {sku: (ln.outcome, ln.quantity) for sku, ln in lines.items()} == {
        "TEE": ("ordered", 96),  # 100 - 10 = 90, MOQ 50, up to cases of 24
        "MUG": ("ordered", 110),  # ROP 100 (+ Q 50) - position 40
        "CAP": ("no_supplier", 10),  # what it would order, on no PO
        "HAT": ("no_demand", 0),  # buy-to-order, nothing confirmed
        "BAG": ("ordered", 7),  # buy-to-order: the 7 backordered
        "PEN": ("no_need", 0),
    }
    acme, bolt = run.purchase_orders
    assert (acme.number, acme.supplier.code, acme.line_count, acme.value) == (
        f"SUG-{run.id}-1",
        "ACME",
        2,
        "199.00",  # 96 x 2.00 + 7 x 1.00
    )
    assert (bolt.number, bolt.supplier.code, bolt.line_count, bolt.value) == (
        f"SUG-{run.id}-2",
        "BOLT",
        1,
        "385.00",
    )
    assert {po.state for po in run.purchase_orders} == {"draft"}
    assert (lines["TEE"].po_number, lines["BAG"].po_number) == (acme.number, acme.number)
    assert lines["MUG"].po_id == bolt.id and lines["CAP"].po_id is None
    po = _po(acme.id)
    assert (po.warehouse_id, po.currency, po.suggestion_run_id, po.revision) == (
        s["site"].warehouse.id,
        "EUR",
        run.id,
        0,
    )
    assert po.expected_date is not None and (po.expected_date - today()).days == 10
    assert (run.items_considered, run.lines_ordered, run.po_count) == (6, 3, 2)


def test_every_line_explains_its_position_demand_lead_time_and_arithmetic(app):
    s = _seed(app)

    mug = _by_sku(run_suggestions(trigger="cli", warehouse_id=s["site"].warehouse.id))["MUG"]

    assert (mug.position.on_hand, mug.position.total) == (40, 40)
    assert (mug.demand.source, mug.demand.method, mug.demand.per_day, mug.demand.sd) == (
        "shipments",
        "ses",
        "10",
        "0",
    )
    assert (mug.lead_time.days, mug.lead_time.source) == ("10", "promised")
    steps = _steps(mug)
    assert steps["demand per day"] == "10" and steps["lead time (days)"] == "10"
    assert (steps["inventory position"], steps["safety stock"], steps["reorder point"]) == (
        "40",
        "0",
        "100",
    )
    assert steps["order"] == "110"
    working = {st["label"]: st["working"] for st in mug.steps}
    assert "over 28 in-stock days of the last 28" in working["demand per day"]
    assert working["inventory position"].startswith("on hand 40 + open PO 0")


def test_lead_time_is_planned_from_the_receipts_against_their_po_dates(app):
    from scanfloor.receiving.confirmation import Confirmation
    from scanfloor.receiving.receive_service import receive as receive_on_po

    site = make_site()
    tee = item("TEE")
    acme = supplier("ACME", lead_time_days=30)
    sells(acme, tee, "2.00")
    policy(site, tee, "min_max", min_qty=50, max_qty=60)
    for days_ago in (8, 10, 12):  # opened then, all received today: 8, 10 and 12 days
        po = make_po(acme, [(tee, 5)])
        backdate_po(po.id, day_at(days_ago))
        receive_on_po(
            po.id,
            Confirmation(quantity=5, item_id=tee.id, to_location=site.dock.code),
            actor_id=None,
            role="supervisor",
        )

    run = run_suggestions(trigger="cli", warehouse_id=site.warehouse.id)

    [line] = run.lines
    assert (line.lead_time.days, line.lead_time.sd, line.lead_time.source) == (
        "10",
        "2",
        "receipts_item",
    )
    assert (
        "this item's 3 receipts (promised 30)"
        in {st["label"]: st["working"] for st in line.steps}["lead time (days)"]
    )
    assert (line.outcome, line.quantity) == ("ordered", 60 - 15)
    assert (_po(run.purchase_orders[0].id).expected_date - today()).days == 10


def test_a_rerun_supersedes_untouched_drafts_and_keeps_the_ones_a_buyer_edited(app):
    s = _seed(app)
    wh = s["site"].warehouse.id
    first = run_suggestions(trigger="cli", warehouse_id=wh)

    second = run_suggestions(trigger="cli", warehouse_id=wh)
    acme = second.purchase_orders[0]
    edit_draft_line(acme.id, None, LineChange(line_no=1, quantity=48))  # TEE: 96 -> 48
    third = run_suggestions(trigger="cli", warehouse_id=wh)

    for po in first.purchase_orders:
        gone = _po(po.id)
        assert (gone.state, gone.cancel_reason) == (
            "cancelled",
            f"superseded by suggestion run {second.id}",
        )
    # Not doubled: the second run proposes what the first did.
    assert [(ln.item.sku, ln.quantity) for ln in second.lines] == [
        (ln.item.sku, ln.quantity) for ln in first.lines
    ]
    assert _po(acme.id).state == "draft"  # edited: the buyer's now, kept and counted
    assert _po(second.purchase_orders[1].id).state == "cancelled"
    lines = _by_sku(third)
    assert (lines["TEE"].outcome, lines["TEE"].position.open_po) == ("no_need", 48)
    assert (lines["BAG"].outcome, lines["BAG"].position.total) == ("no_need", 0)
    assert [(po.supplier.code, po.value) for po in third.purchase_orders] == [("BOLT", "385.00")]


def test_a_schedule_slot_runs_once(app):
    _small(app)
    app.config["SCANFLOOR_PURCHASING_SCHEDULE"] = "06:00;18:00"
    day = today().isoformat()

    def run(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))

    first = run("purchasing", "suggest", "--scheduled", "--at", f"{day}T07:00:00")
    again = run("purchasing", "suggest", "--scheduled", "--at", f"{day}T17:59:00")
    evening = run("purchasing", "suggest", "--scheduled", "--at", f"{day}T18:30:00")

    assert first.exit_code == 0, first.output
    assert first.output.startswith("run 1 (schedule, all warehouses, as of")
    assert again.output.strip() == f"slot {day} 06:00 UTC already ran: run 1"
    assert evening.output.startswith("run 2 (schedule")
    db.session.rollback()
    slots = db.session.scalars(select(SuggestionRun.slot).order_by(SuggestionRun.id)).all()
    assert slots == [f"purchasing:{day}T06:00Z", f"purchasing:{day}T18:00Z"]


def test_without_a_schedule_a_scheduled_call_runs_nothing(app):
    _small(app)
    app.config["SCANFLOOR_PURCHASING_SCHEDULE"] = ""

    out = CliRunner().invoke(
        main, ["purchasing", "suggest", "--scheduled"], obj=ScriptInfo(create_app=lambda: app)
    )

    assert out.exit_code == 0 and "nothing to run" in out.output
    assert _count(SuggestionRun) == 0


def test_the_cli_runs_a_warehouse_and_prints_one_line(app):
    s = _small(app)

    out = CliRunner().invoke(
        main,
        ["purchasing", "suggest", "--warehouse", s["site"].warehouse.code],
        obj=ScriptInfo(create_app=lambda: app),
    )

    assert out.exit_code == 0, out.output
    assert out.output == (
        f"run 1 (cli, WH, as of {today().isoformat()}): 1 items, 1 to order, 1 draft POs: SUG-1-1\n"
    )


def _grant(users: dict[str, Any], warehouse: Any) -> None:
    from scanfloor.access.service import set_user_warehouses

    set_user_warehouses(users["supervisor"].id, [warehouse.id])


def test_a_supervisor_runs_suggestions_and_reads_the_run_and_positions(app, client, auth, users):
    s = _small(app)
    _grant(users, s["site"].warehouse)
    boss = auth("supervisor")

    made = client.post(RUNS, json={"warehouse": "WH"}, headers=boss)
    listed = client.get(RUNS, headers=boss)
    run_id = made.get_json()["id"]
    one = client.get(f"{RUNS}/{run_id}?outcome=ordered", headers=boss)
    none = client.get(f"{RUNS}/{run_id}?outcome=no_supplier", headers=boss)
    pos = client.get("/api/v1/purchasing/positions?warehouse=WH&item=TEE", headers=boss)

    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["trigger"], body["warehouse"]["code"], body["po_count"]) == ("console", "WH", 1)
    [po] = body["purchase_orders"]
    assert (po["number"], po["value"], po["state"]) == (f"SUG-{run_id}-1", "34.00", "draft")
    [line] = body["lines"]
    assert (line["item"]["sku"], line["quantity"], line["po_number"]) == ("TEE", 17, po["number"])
    assert line["position"] == {
        "on_hand": 3,
        "open_po": 0,
        "in_transit": 0,
        "reserved": 0,
        "backordered": 0,
        "total": 3,
    }
    assert {st["label"] for st in line["steps"]} >= {"inventory position", "lead time (days)"}
    assert [r["id"] for r in listed.get_json()["suggestion_runs"]] == [run_id]
    assert len(one.get_json()["lines"]) == 1 and none.get_json()["lines"] == []
    assert pos.get_json()["positions"] == [
        {
            "item": {"id": s["TEE"].id, "sku": "TEE", "name": s["TEE"].name},
            "warehouse": {"id": s["site"].warehouse.id, "code": "WH"},
            "on_hand": 3,
            "open_po": 0,  # the run's untouched draft is not stock on the way
            "in_transit": 0,
            "reserved": 0,
            "backordered": 0,
            "position": 3,
        }
    ]


def test_refused_runs_change_nothing(app, client, auth):
    _small(app)

    worker = client.post(RUNS, json={"warehouse": "WH"}, headers=auth("worker"))
    no_rights = client.post(RUNS, json={"warehouse": "WH"}, headers=auth("supervisor"))
    unknown = client.post(RUNS, json={"warehouse": "NOPE"}, headers=auth("supervisor"))
    bad = client.post(RUNS, json={"warehouse": True}, headers=auth("supervisor"))
    everywhere = client.post(RUNS, json={}, headers=auth("supervisor"))

    assert worker.status_code == 403
    assert no_rights.get_json()["error"]["code"] == "warehouse_not_allowed"
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (404, "not_found")
    assert bad.status_code == 422
    # A supervisor may be limited to some warehouses: a run over all of them needs a manager.
    assert everywhere.status_code == 403
    assert everywhere.get_json()["error"]["code"] == "warehouse_not_allowed"
    assert (_count(SuggestionRun), _count(SuggestionLine), _count(PurchaseOrder)) == (0, 0, 0)
