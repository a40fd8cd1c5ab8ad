"""What stock is worth after each kind of movement, through real postings (receiving,
picking, packing and ship confirm, counting, returns, and the ledger writer for transfers
and scrap): the movement's value, the place's stock value and the entry it books.

Accounts of the default chart (migration 0016): 1300 inventory, 1310 in transit, 2100 GRNI,
5000 COGS, 5100 shrinkage, 5200 scrap expense."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from scanfloor.catalog.models import Location
from scanfloor.extensions import db
from scanfloor.finance.verify import verify
from tests import finance_helpers as fh
from tests.counting_helpers import claim, count, count_floor, count_task, finish
from tests.factories import make_bin, make_lot, make_po, make_supplier, virtual
from tests.picking_helpers import stock_item
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


@pytest.mark.parametrize(
    ("method", "delivered", "left"),
    [("moving_average", "120.00", "36.00"), ("fifo", "112.00", "44.00")],
)
def test_the_odoo_example_delivers_and_leaves_what_each_cost_method_says(
    app, method, delivered, left
):
    """Receive 8 @ 10 and 4 @ 16, deliver 10 (pick, pack, ship confirm), receive 2 @ 6."""
    rs = return_site(app)
    it = scanned_item(rs, 0)
    fh.set_method(it.id, method)
    fh.receive(it, rs.site.bin, 8, "10")
    fh.receive(it, rs.site.bin, 4, "16")
    shipped_order(rs, [(it, 10)])
    fh.receive(it, rs.site.bin, 2, "6")

    (ship,) = fh.movements_of(it.id, "ship")
    mv = fh.movement_value(ship)
    assert mv is not None
    assert (mv.quantity, D(mv.value), mv.method) == (10, D(delivered), method)
    assert fh.stock_value(it, rs.warehouse) == (4, D(left))
    assert fh.balance("inventory", rs.warehouse) == D(left)
    assert fh.balance("cogs") == D(delivered)
    entry, lines = fh.entry_of(ship)
    assert entry is not None and entry.kind == "shipment"
    assert fh.codes(lines) == {("5000", delivered, "0.00"), ("1300", "0.00", delivered)}
    assert verify() == []


def test_fifo_keeps_what_is_left_of_each_receipt_as_a_layer(app):
    s = fh.site()
    it = fh.item("fifo")
    fh.receive(it, s.bin, 8, "10")
    fh.receive(it, s.bin, 4, "16")
    fh.ship(it, s.bin, 10)
    fh.receive(it, s.bin2, 2, "6")
    assert fh.layers_left(it, s.wh) == [(2, "16", "32.00"), (2, "6", "12.00")]


def test_a_receipt_through_receiving_books_inventory_against_grni_at_the_po_cost(app, client, auth):
    wh = fh.site().wh
    dock = fh.make_bin_in(wh, type="dock")
    it = fh.item()
    po = make_po(make_supplier(), [(it, 24, "2.35")])
    r = client.post(
        f"/api/v1/purchase-orders/{po.id}/receive",
        headers=auth("worker"),
        json={"line_id": po.lines[0].id, "quantity": 7, "to_location": dock.code},
    )
    assert r.status_code == 201, r.get_json()
    (receipt,) = fh.movements_of(it.id, "receipt")
    mv = fh.movement_value(receipt)
    assert mv is not None
    assert (D(mv.value), D(mv.unit_cost), mv.cost_source) == (D("16.45"), D("2.35"), "receipt")
    entry, lines = fh.entry_of(receipt)
    assert entry is not None and entry.kind == "receipt"
    assert entry.source_type == "purchase_order"
    assert fh.codes(lines) == {("1300", "16.45", "0.00"), ("2100", "0.00", "16.45")}
    assert fh.stock_value(it, wh) == (7, D("16.45"))
    assert verify() == []


def test_a_move_between_bins_of_one_warehouse_books_nothing(app):
    s = fh.site()
    it = fh.item()
    fh.receive(it, s.bin, 10, "3")
    before = fh.table_counts()
    moved = fh.move("transfer", it, s.bin, s.bin2, 4)
    assert fh.movement_value(moved) is None
    assert fh.entry_of(moved) == (None, [])
    after = fh.table_counts()
    assert after["movements"] == before["movements"] + 1
    assert {k: v for k, v in after.items() if k not in ("movements", "balances")} == {
        k: v for k, v in before.items() if k not in ("movements", "balances")
    }
    assert fh.stock_value(it, s.wh) == (10, D("30.00"))


def test_scrap_books_scrap_expense_at_the_average_cost(app):
    s = fh.site()
    it = fh.item()
    fh.receive(it, s.bin, 3, "10")
    fh.receive(it, s.bin, 1, "14")
    scrapped = fh.move("scrap", it, s.bin, virtual("SCRAP"), 2, reason_code="damaged")
    _, lines = fh.entry_of(scrapped)
    assert fh.codes(lines) == {("5200", "22.00", "0.00"), ("1300", "0.00", "22.00")}
    assert fh.stock_value(it, s.wh) == (2, D("22.00"))
    assert verify() == []


def test_a_count_loss_and_a_count_gain_book_shrinkage_at_the_current_rate(app, users, auth, client):
    cf = count_floor(app, users, auth)
    lost, found = stock_item(cf.floor), stock_item(cf.floor)
    fh.receive(lost, cf.bin("A-1"), 10, "2.50")
    fh.receive(found, cf.bin("A-1"), 4, "3")
    task_id = count_task(cf, "A-1")
    claim(cf, client)
    count(cf, client, task_id, "A-1", lost.each_barcode, 9)
    count(cf, client, task_id, "A-1", found.each_barcode, 6)
    assert finish(cf, client, task_id).body["outcome"] == "adjusted"

    (loss,) = fh.movements_of(lost.id, "count")
    (gain,) = fh.movements_of(found.id, "count")
    assert fh.codes(fh.entry_of(loss)[1]) == {("5100", "2.50", "0.00"), ("1300", "0.00", "2.50")}
    assert fh.codes(fh.entry_of(gain)[1]) == {("1300", "6.00", "0.00"), ("5100", "0.00", "6.00")}
    assert fh.entry_of(loss)[0].kind == "shrinkage"  # type: ignore[union-attr]
    assert fh.entry_of(gain)[0].kind == "stock_gain"  # type: ignore[union-attr]
    assert fh.stock_value(lost, cf.wh) == (9, D("22.50"))
    assert fh.stock_value(found, cf.wh) == (6, D("18.00"))
    assert verify() == []


def test_a_transfer_through_in_transit_carries_its_cost_to_the_other_warehouse(app):
    north, south = fh.site(), fh.site()
    transit = virtual("IN-TRANSIT")
    it = fh.item()
    fh.receive(it, north.bin, 6, "5")
    fh.receive(it, north.bin, 4, "7.50")  # average 6.00
    fh.receive(it, south.bin, 1, "20")

    out = fh.move("transfer", it, north.bin, transit, 5)
    assert fh.codes(fh.entry_of(out)[1]) == {("1310", "30.00", "0.00"), ("1300", "0.00", "30.00")}
    assert fh.stock_value(it, transit) == (5, D("30.00"))
    assert fh.balance("in_transit") == D("30.00")
    assert fh.balance("inventory", north.wh) == D("30.00")

    arrived = fh.move("transfer", it, transit, south.bin, 5)
    assert fh.codes(fh.entry_of(arrived)[1]) == {
        ("1300", "30.00", "0.00"),
        ("1310", "0.00", "30.00"),
    }
    mv = fh.movement_value(arrived)
    assert mv is not None and (mv.cost_source, D(mv.value)) == ("transfer", D("30.00"))
    assert fh.balance("in_transit") == D("0.00")
    assert fh.stock_value(it, transit) == (0, D("0.00"))
    assert fh.stock_value(it, south.wh) == (6, D("50.00"))
    assert fh.balance("inventory", south.wh) == D("50.00")
    assert verify() == []


def test_a_direct_transfer_between_warehouses_moves_the_value_between_their_inventory(app):
    north, south = fh.site(), fh.site()
    it = fh.item("fifo")
    fh.receive(it, north.bin, 2, "4")
    fh.receive(it, north.bin, 2, "6")
    moved = fh.move("transfer", it, north.bin, south.bin, 3)
    entry, lines = fh.entry_of(moved)
    assert entry is not None and entry.kind == "transfer"
    assert fh.codes(lines) == {("1300", "14.00", "0.00"), ("1300", "0.00", "14.00")}
    assert fh.balance("inventory", north.wh) == D("6.00")
    assert fh.balance("inventory", south.wh) == D("14.00")
    assert fh.layers_left(it, south.wh) == [(3, "4.666667", "14.00")]
    assert verify() == []


def test_a_restocked_customer_return_comes_back_at_its_original_issue_cost(
    app, client, auth, users
):
    rs = return_site(app)
    grant(users, rs.warehouse)
    it = scanned_item(rs, 0)
    fh.receive(it, rs.site.bin, 10, "4")
    order = shipped_order(rs, [(it, 2)])  # issued at 4.00
    fh.receive(it, rs.site.bin, 8, "10")  # the average is now (32 + 80) / 16 = 7.00
    rma = capture(client, auth("manager"), order, [{"sku": it.sku, "quantity": 1}]).get_json()
    got = receive_scan(client, auth("worker"), rma["id"], it.each, quantity=1).get_json()
    back = fh.movements_of(it.id, "return")[0]
    mv = fh.movement_value(back)
    assert mv is not None
    assert (D(mv.value), mv.cost_source) == (D("4.00"), "original")
    entry, lines = fh.entry_of(back)
    assert entry is not None and entry.kind == "customer_return"
    assert fh.codes(lines) == {("1300", "4.00", "0.00"), ("5000", "0.00", "4.00")}
    # Restocking it (returns area -> a sellable bin) stays in the warehouse: no entry.
    r = inspect(client, auth("worker"), got["rma"]["id"], got["line_id"],
                disposition="sellable", location="R-1")  # fmt: skip
    assert r.status_code == 200, r.get_json()
    restocked = fh.movements_of(it.id, "return")[-1]
    assert restocked != back and fh.movement_value(restocked) is None
    assert fh.stock_value(it, rs.warehouse) == (17, D("116.00"))
    assert verify() == []


def test_an_issue_before_any_cost_is_known_takes_the_last_rate_and_the_receipt_corrects_cogs(
    app,
):
    """Stock that came in before valuation (here: a bin joined to the warehouse after its
    receipt) ships from a place that holds none: the warehouse goes negative at its last
    rate, and the next costed receipt puts the difference to COGS."""
    s = fh.site()
    it = fh.item()
    fh.receive(it, s.bin, 2, "10")
    fh.ship(it, s.bin, 2)  # nothing left; the last rate is 10
    legacy = make_bin()
    fh.receive(it, legacy, 3, "99")  # a bin in no warehouse: outside the books
    db.session.execute(
        update(Location)
        .where(Location.id == legacy.id)
        .values(parent_id=s.wh.id, warehouse_id=s.wh.id)
    )
    db.session.commit()
    early = fh.ship(it, legacy, 3)
    mv = fh.movement_value(early)
    assert mv is not None and (D(mv.value), mv.cost_source) == (D("30.00"), "last_rate")
    assert fh.stock_value(it, s.wh) == (-3, D("-30.00"))

    late = fh.receive(it, s.bin, 5, "12")
    _, lines = fh.entry_of(late)
    assert fh.codes(lines) == {
        ("1300", "60.00", "0.00"),
        ("2100", "0.00", "60.00"),
        ("5000", "6.00", "0.00"),  # the 3 units gone cost 36, not the 30 booked
        ("1300", "0.00", "6.00"),
    }
    assert fh.stock_value(it, s.wh) == (2, D("24.00"))
    assert fh.balance("cogs") == D("56.00")
    assert verify() == []


def test_a_receipt_without_a_cost_takes_the_last_rate_and_never_refuses(app):
    s = fh.site()
    it = fh.item()
    first = fh.receive(it, s.bin, 2, None)
    mv = fh.movement_value(first)
    assert mv is not None and (D(mv.value), mv.cost_source) == (D("0.00"), "none")
    assert fh.entry_of(first) == (None, [])
    fh.receive(it, s.bin, 2, "5")  # 4 units worth 10.00: the rate is 2.50
    second = fh.receive(it, s.bin, 2, None)
    mv = fh.movement_value(second)
    assert mv is not None and (D(mv.value), mv.cost_source) == (D("5.00"), "last_rate")
    assert verify() == []


def test_a_lot_tracked_fifo_item_issues_each_lot_at_its_own_cost(app):
    s = fh.site()
    it = fh.item("fifo", tracking="lot")
    cheap, dear = make_lot(it, "L-CHEAP"), make_lot(it, "L-DEAR")
    vendor, customer = virtual("VENDOR"), virtual("CUSTOMER")
    fh.posting("receipt", fh.line(it, 5, vendor, s.bin, unit_cost=D("10"), lot_id=cheap.id))
    fh.posting("receipt", fh.line(it, 5, vendor, s.bin, unit_cost=D("20"), lot_id=dear.id))
    # Oldest first would take the cheap lot: the dear lot's units leave at the dear cost.
    res = fh.posting("ship", fh.line(it, 3, s.bin, customer, lot_id=dear.id))
    mv = fh.movement_value(res.movement_ids[0])
    assert mv is not None and D(mv.value) == D("60.00")
    assert fh.layers_left(it, s.wh) == [(5, "10", "50.00"), (2, "20", "40.00")]
    # Moved to another warehouse and shipped from there, the lot still carries its cost.
    other = fh.site()
    fh.move("transfer", it, s.bin, other.bin, 2, lot_id=dear.id)
    fh.move("transfer", it, s.bin, other.bin, 1, lot_id=cheap.id)
    res = fh.posting("ship", fh.line(it, 2, other.bin, customer, lot_id=dear.id))
    assert D(fh.movement_value(res.movement_ids[0]).value) == D("40.00")
    assert verify() == []
