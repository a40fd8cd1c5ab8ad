"""Inventory position (purchasing/position_sql.py): on hand + open PO + in transit - reserved
- backordered, each term from the table that owns it and counted once, for every item in one
statement. Stock goes through the ledger writer and receiving, orders through allocation,
POs through purchasing's services. Runs on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

from typing import Any

from scanfloor.extensions import db
from scanfloor.purchasing.amend_service import LineChange, edit_draft_line
from scanfloor.purchasing.lifecycle_service import approve_purchase_order, cancel_purchase_order
from scanfloor.purchasing.orders_service import LineSpec, create_purchase_order
from scanfloor.purchasing.position_sql import PositionRow, inventory_positions
from scanfloor.purchasing.suggest_service import run_suggestions
from scanfloor.receiving.confirmation import Confirmation
from scanfloor.receiving.receive_service import receive as receive_on_po
from tests.factories import make_bin_in, make_po, make_warehouse, virtual
from tests.suggestion_helpers import (
    item,
    make_site,
    move,
    order,
    policy,
    receive,
    sells,
    supplier,
)


def _positions(**kw: Any) -> dict[tuple[int, int], PositionRow]:
    db.session.rollback()
    return inventory_positions(db.session.connection(), **kw)


def _draft(sup: Any, it: Any, quantity: int, warehouse: str | None) -> Any:
    return create_purchase_order(
        number=f"HAND-{quantity}",
        supplier=sup.code,
        warehouse=warehouse,
        lines=[LineSpec(quantity=quantity, unit_cost="2.00", item_id=it.id)],
    )


def _seed(app: Any) -> dict[str, Any]:
    site = make_site()  # the first warehouse: the lowest id
    other = make_warehouse("WH2")
    other_bin = make_bin_in(other, "B-1")
    tee, cap = item("TEE"), item("CAP")
    receive(site, tee, 50)  # sellable bin: on hand
    receive(site, tee, 7, to=site.dock)  # dock, awaiting putaway: on hand
    receive(site, tee, 5, to=site.pack)  # picked stock: not on hand
    receive(site, tee, 4, to=site.quarantine)  # held: not on hand
    receive(site, tee, 9, to=other_bin)  # the other warehouse's
    move("transfer", tee, 3, site.bin, virtual("IN-TRANSIT"))  # on its way: in transit
    acme = supplier("ACME")
    legacy = make_po(acme, [(tee, 30)])  # open, no warehouse: counts for the lowest-id one
    receive_on_po(
        legacy.id,
        Confirmation(quantity=12, item_id=tee.id, to_location=site.dock.code),
        actor_id=None,
        role="supervisor",
    )  # 12 of 30 arrive at the dock: on hand now, 18 still open
    _draft(acme, tee, 10, site.warehouse.code)  # a buyer's own draft: counts
    approved = _draft(acme, tee, 5, site.warehouse.code)
    approve_purchase_order(approved.id, None, "manager")  # approved: counts
    dropped = _draft(acme, tee, 8, site.warehouse.code)
    cancel_purchase_order(dropped.id, None, "not needed")  # cancelled: does not
    order(site, tee, 6)  # allocated: 6 reserved
    order(site, cap, 4)  # no stock: 4 backordered
    return {"site": site, "other": other, "tee": tee, "cap": cap, "acme": acme}


def test_each_term_of_the_position_is_counted_once_from_where_it_lives(app):
    s = _seed(app)
    wh, tee, cap = s["site"].warehouse.id, s["tee"].id, s["cap"].id

    got = _positions()

    assert got[(tee, wh)] == PositionRow(
        tee, wh, on_hand=47 + 7 + 12, open_po=18 + 10 + 5, in_transit=3, reserved=6
    )
    assert got[(tee, wh)].total == 66 + 33 + 3 - 6
    assert got[(cap, wh)] == PositionRow(cap, wh, backordered=4)
    assert got[(cap, wh)].total == -4
    # The other warehouse holds its own stock only: no legacy PO, no in transit, no orders.
    assert got[(tee, s["other"].id)] == PositionRow(tee, s["other"].id, on_hand=9)
    assert (cap, s["other"].id) not in got


def test_positions_are_read_for_one_warehouse_or_some_items(app):
    s = _seed(app)
    wh, tee, cap = s["site"].warehouse.id, s["tee"].id, s["cap"].id

    one_warehouse = _positions(warehouse_id=wh)
    one_item = _positions(item_ids=[cap])

    assert set(one_warehouse) == {(tee, wh), (cap, wh)}
    assert set(one_item) == {(cap, wh)}
    assert _positions(item_ids=[]) == {}


def test_a_draft_a_run_made_does_not_count_until_a_person_edits_it(app):
    s = _seed(app)
    site, tee = s["site"], s["tee"]
    sells(s["acme"], tee, "2.00")
    policy(site, tee, "min_max", min_qty=200, max_qty=300)
    before = _positions(warehouse_id=site.warehouse.id)[(tee.id, site.warehouse.id)]

    run = run_suggestions(trigger="cli", warehouse_id=site.warehouse.id)
    [po] = run.purchase_orders
    after_run = _positions(warehouse_id=site.warehouse.id)[(tee.id, site.warehouse.id)]
    edit_draft_line(po.id, None, LineChange(line_no=1, quantity=100))
    after_edit = _positions(warehouse_id=site.warehouse.id)[(tee.id, site.warehouse.id)]

    assert [ln.quantity for ln in run.lines] == [300 - before.total]
    assert after_run == before  # the run's own proposal is not stock on the way
    assert after_edit.open_po == before.open_po + 100  # a buyer's edit makes it theirs
