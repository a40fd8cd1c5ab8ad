"""`scanfloor seed-demo`: a realistic warehouse whose stock came through the real ledger."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise
from typing import Any

import pytest
from biip.gtin import Gtin, GtinFormat
from sqlalchemy import func, select, text

from scanfloor.auth.models import User
from scanfloor.auth.passwords import verify_secret
from scanfloor.catalog.models import Barcode, Item, Location, Lot, PackLevel
from scanfloor.extensions import db
from scanfloor.finance.fx_service import functional_currency
from scanfloor.ledger.models import Balance, Movement, Posting
from scanfloor.seed.purchasing_demo import BACKORDER_REF

BIN_CODE = re.compile(r"^([A-Z])-(\d{2})-(\d{2})-([A-Z])$")
# Movement sources of the work the demo's floor did on the shipped month: picks, packs,
# ship confirms, the returned unit and the approved count.
FLOOR_WORK = ("pick_line", "carton", "shipment", "return", "count_task")


@pytest.fixture
def seeded(app: Any) -> str:
    from scanfloor.seed.demo import seed_demo

    # Left in test mode: seed_demo does not check the mode (the CLI does), and test mode keeps
    # password hashing cheap.
    return seed_demo()


def _warehouse_locations() -> list[Location]:
    wh = db.session.scalar(select(Location).where(Location.code == "WH1"))
    assert wh is not None
    assert (wh.level, wh.type, wh.is_virtual) == ("warehouse", "warehouse", False)
    return list(db.session.scalars(select(Location).where(Location.warehouse_id == wh.id)))


def test_demo_warehouse_has_zones_bins_and_work_areas(seeded):
    locs = _warehouse_locations()
    by_type: dict[str, list[Location]] = defaultdict(list)
    for loc in locs:
        by_type[loc.type].append(loc)
    assert len(by_type["zone"]) >= 3 and all(z.level == "zone" for z in by_type["zone"])
    assert len(by_type["storage"]) >= 200
    assert len(by_type["pick_face"]) >= 50
    assert all(b.sellable for b in by_type["storage"] + by_type["pick_face"])
    assert len({BIN_CODE.match(b.code).group(1) for b in by_type["storage"]}) in (3, 4)
    assert len(by_type["dock"]) >= 1 and not any(d.sellable for d in by_type["dock"])
    assert len(by_type["pack_station"]) == 3
    assert len(by_type["shipping"]) >= 1 and len(by_type["returns"]) >= 1
    assert len(by_type["quarantine"]) >= 1 and not any(q.sellable for q in by_type["quarantine"])
    zones = {z.id for z in by_type["zone"]}
    bins = [loc for loc in locs if loc.level == "bin"]
    assert all(b.parent_id in zones for b in bins)
    # The warehouse is its own root, like every warehouse create_location makes: what is
    # later made under it belongs to it.
    (wh,) = by_type["warehouse"]
    assert wh.warehouse_id == wh.id
    assert all(loc.warehouse_id == wh.id for loc in locs)

    labels = dict(
        db.session.execute(
            select(Barcode.location_id, Barcode.code).where(Barcode.target == "location")
        ).all()
    )
    assert all(labels.get(b.id) == b.code.upper() for b in bins)


def test_demo_walk_sequence_snakes_up_one_aisle_and_down_the_next(seeded):
    bins = [loc for loc in _warehouse_locations() if loc.type in ("storage", "pick_face")]

    def path_position(loc: Location) -> tuple[str, int, int, str]:
        zone, aisle, bay, level = BIN_CODE.match(loc.code).groups()
        a, b = int(aisle), int(bay)
        return zone, a, b if a % 2 else -b, level

    walk = [loc.walk_sequence for loc in sorted(bins, key=path_position)]
    assert None not in walk
    assert all(x < y for x, y in pairwise(walk))
    # Aisle 2 of zone A is walked from its far end back to the front.
    aisle2 = sorted(
        (loc for loc in bins if loc.code.startswith("A-02-")), key=lambda loc: loc.walk_sequence
    )
    assert int(aisle2[0].code[5:7]) > int(aisle2[-1].code[5:7])


def test_demo_catalog_has_valid_unique_gtins_per_pack_level(seeded):
    items = db.session.scalars(select(Item)).all()
    assert len(items) >= 500
    rows = db.session.execute(
        select(
            PackLevel.item_id, PackLevel.level, PackLevel.quantity, Barcode.code, Barcode.symbology
        ).join(Barcode, Barcode.pack_id == PackLevel.id)
    ).all()
    codes = [r.code for r in rows]
    assert len(codes) == len(set(codes))
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    for r in rows:
        gtin = Gtin.parse(r.code)  # biip checks the check digit independently of our code
        assert r.symbology == "gtin" and len(r.code) == 14
        if r.level == "each":
            assert r.quantity == 1 and gtin.format is GtinFormat.GTIN_13
        else:
            assert gtin.format is GtinFormat.GTIN_14 and r.code[0] != "0"
        levels[r.item_id][r.level] = r.quantity
    assert all("each" in levels[i.id] for i in items)
    with_case = [lv for lv in levels.values() if "case" in lv]
    assert len(with_case) > len(items) / 2
    assert {lv["case"] for lv in with_case} >= {6, 12, 24}
    assert any("pallet" in lv for lv in levels.values())
    assert any("inner" in lv for lv in levels.values())
    for lv in levels.values():
        if "inner" in lv:
            assert lv["case"] % lv["inner"] == 0


def test_about_one_item_in_seven_is_lot_tracked_with_expiring_lots(seeded):
    items = db.session.scalars(select(Item)).all()
    lots: dict[int, list[Lot]] = defaultdict(list)
    for lot in db.session.scalars(select(Lot)):
        lots[lot.item_id].append(lot)
    tracked = [i for i in items if i.tracking == "lot"]
    assert 0.10 <= len(tracked) / len(items) <= 0.20
    for item in items:
        if item.tracking == "lot":
            assert item.expiry_tracked
            assert 1 <= len(lots[item.id]) <= 3
            assert all(lot.expiry is not None for lot in lots[item.id])
        else:
            assert not item.expiry_tracked and not lots[item.id]


def test_demo_stock_arrives_only_as_receipts_from_the_vendor(seeded):
    vendor = db.session.scalar(select(Location.id).where(Location.code == "VENDOR"))
    # Apart from the purchasing history before today (test_seed_purchasing_demo.py) and the
    # floor's work on the shipped month (test_seed_finance_demo.py).
    history = (
        (Movement.source_type == "purchase_order")
        | (Movement.source_id == "purchasing-history")
        | Movement.source_type.in_(FLOOR_WORK)
    )
    moves = db.session.scalars(select(Movement).where(~history)).all()
    assert len(moves) > 500
    assert {(m.movement_type, m.from_location_id, m.source_type, m.source_id) for m in moves} == {
        ("receipt", vendor, "seed", "demo")
    }
    assert all(m.unit_cost is not None and m.unit_cost > 0 for m in moves)
    lot_items = set(db.session.scalars(select(Item.id).where(Item.tracking == "lot")))
    assert all((m.lot_id is not None) == (m.item_id in lot_items) for m in moves)
    keys = db.session.scalars(
        select(Posting.idempotency_key).where(Posting.id.in_({m.posting_id for m in moves}))
    ).all()
    # Keys are scoped by caller (commands/): the seed posts as the system.
    assert len(keys) >= 2 and all(re.fullmatch(r"system/seed-demo-\d+", k) for k in keys)


def test_demo_ledger_balances_sum_to_zero_and_match_the_movements(seeded):
    unbalanced = db.session.execute(
        text(
            "SELECT item_id, SUM(quantity) FROM balances GROUP BY item_id HAVING SUM(quantity) <> 0"
        )
    ).all()
    assert unbalanced == []
    negative = db.session.execute(
        select(Balance.id)
        .join(Location, Location.id == Balance.location_id)
        .where(Location.is_virtual.is_(False), Balance.quantity < 0)
    ).all()
    assert negative == []
    from_movements = {
        tuple(r[:4]): r[4]
        for r in db.session.execute(
            text(
                "SELECT item_id, loc, lot, cont, SUM(q) FROM ("
                " SELECT item_id, to_location_id AS loc, COALESCE(lot_id, 0) AS lot,"
                "  COALESCE(to_container_id, 0) AS cont, quantity AS q FROM movements"
                " UNION ALL"
                " SELECT item_id, from_location_id, COALESCE(lot_id, 0),"
                "  COALESCE(from_container_id, 0), -quantity FROM movements"
                ") m GROUP BY item_id, loc, lot, cont HAVING SUM(q) <> 0"
            )
        )
    }
    stored = {
        tuple(r[:4]): r[4]
        for r in db.session.execute(
            text(
                "SELECT item_id, location_id, COALESCE(lot_id, 0), COALESCE(container_id, 0),"
                " quantity FROM balances WHERE quantity <> 0"
            )
        )
    }
    assert stored == from_movements
    stocked = db.session.scalar(
        select(func.count(func.distinct(Balance.item_id)))
        .join(Location, Location.id == Balance.location_id)
        .where(Location.is_virtual.is_(False), Balance.quantity > 0)
    )
    assert stocked >= 400


def test_seeded_ledger_passes_verify(seeded):
    verify = pytest.importorskip("scanfloor.ledger.verify")
    assert verify.verify_ledger().clean


def _snapshot() -> dict[str, Any]:
    from scanfloor.access.models import UserWarehouse
    from scanfloor.allocation.models import Channel, Order, OrderLine, Reservation
    from scanfloor.catalog.models import Container
    from scanfloor.counting.models import CountTask, ItemClass
    from scanfloor.packing.models import CartonType
    from scanfloor.purchasing.models import PurchaseOrder, Supplier
    from scanfloor.purchasing.terms_models import ReorderPolicy, SupplierItem
    from scanfloor.receiving.models import Receipt
    from scanfloor.replenishment.models import PickFace, ReplenishmentTask
    from scanfloor.returns.models import ReturnAuthorisation, ReturnLine
    from scanfloor.shipping.models import Carrier

    counts = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (
            *(Location, Item, PackLevel, Barcode, Lot, User, Posting, Movement, Balance),
            *(Channel, Order, OrderLine, Reservation, Container, CartonType, Carrier),
            *(UserWarehouse, ReturnAuthorisation, ReturnLine, CountTask, ItemClass),
            *(Supplier, SupplierItem, ReorderPolicy, PurchaseOrder, Receipt),
            *(PickFace, ReplenishmentTask),
        )
    }
    balances = sorted(
        db.session.execute(
            select(Balance.item_id, Balance.location_id, Balance.lot_id, Balance.quantity)
        )
    )
    return {"counts": counts, "balances": balances}


def test_seeding_twice_changes_nothing(seeded):
    from scanfloor.seed.demo import seed_demo

    before = _snapshot()
    again = seed_demo()
    assert "already present" in again and "nothing changed" in again
    assert _snapshot() == before


def test_demo_users_sign_in_with_password_or_badge_and_pin(seeded):
    expected = {
        "admin": "admin",
        "manager": "manager",
        "super": "supervisor",
        "worker1": "worker",
        "worker2": "worker",
    }
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert {name: users[name].role for name in expected} == expected
    pins = set()
    for name in expected:
        user = users[name]
        assert verify_secret(user.password_hash, "demo")
        pin = re.search(rf"^\s*{name}\s+demo\s+\w+\s+{user.badge}\s+(\d+)", seeded, re.M)
        assert pin, f"the summary lists {name}'s login"
        assert verify_secret(user.pin_hash, pin.group(1))
        pins.add(pin.group(1))
    assert len(pins) == len(expected)


# --- the outbound half: what a wave, the packer and the shipper start from ---------------


def _wh1() -> int:
    return int(db.session.scalar(select(Location.id).where(Location.code == "WH1")))


def test_demo_orders_arrive_allocated_with_their_stock_on_the_shelves(seeded):
    from scanfloor.allocation.models import Channel, Order, OrderLine, Reservation

    wh = _wh1()
    channels = set(db.session.scalars(select(Channel.code)))
    assert {"WEB", "MARKET"} <= channels
    orders = db.session.scalars(
        select(Order).where(Order.external_id != BACKORDER_REF, Order.status != "shipped")
    ).all()
    assert 15 <= len(orders) <= 25
    lines = db.session.scalars(
        select(OrderLine).where(OrderLine.order_id.in_([o.id for o in orders]))
    ).all()
    per_order: dict[int, int] = defaultdict(int)
    for line in lines:
        per_order[line.order_id] += 1
    assert all(1 <= n <= 4 for n in per_order.values()) and len(per_order) == len(orders)
    assert {line.status for line in lines} == {"allocated"}
    assert all(line.reserved_qty == line.quantity for line in lines)
    held = db.session.scalars(select(Reservation).where(Reservation.status == "active")).all()
    assert sum(r.quantity for r in held) == sum(line.quantity for line in lines)
    assert {r.warehouse_id for r in held} == {wh} and all(r.location_id is None for r in held)
    # Each reservation can be picked: a sellable bin of WH1 with a walk sequence holds the
    # item (and the reserved lot) in at least the reserved quantity.
    shelved: dict[tuple[int, int | None], int] = defaultdict(int)
    for item_id, lot_id, qty in db.session.execute(
        select(Balance.item_id, Balance.lot_id, Balance.quantity)
        .join(Location, Location.id == Balance.location_id)
        .where(
            Location.warehouse_id == wh,
            Location.sellable.is_(True),
            Location.walk_sequence.is_not(None),
            Balance.container_id.is_(None),
            Balance.quantity > 0,
        )
    ):
        shelved[(item_id, lot_id)] += qty
    wanted: dict[tuple[int, int | None], int] = defaultdict(int)
    for r in held:
        wanted[(r.item_id, r.lot_id)] += r.quantity
    assert all(shelved[key] >= qty for key, qty in wanted.items()), wanted
    # Some lines are for expiry-tracked items, reserved by lot (first expiry first out).
    lotted = [r for r in held if r.lot_id is not None]
    assert lotted
    for r in lotted:
        expiries = db.session.scalars(
            select(Lot.expiry)
            .join(Balance, Balance.lot_id == Lot.id)
            .join(Location, Location.id == Balance.location_id)
            .where(Lot.item_id == r.item_id, Location.sellable.is_(True), Balance.quantity > 0)
        ).all()
        mine = db.session.scalar(select(Lot.expiry).where(Lot.id == r.lot_id))
        assert mine == min(expiries)


def test_a_wave_can_take_every_demo_order_at_once(seeded):
    from scanfloor.allocation.models import Order
    from scanfloor.picking.wave_rules import WaveRules
    from scanfloor.picking.wave_service import preview_wave

    preview = preview_wave(_wh1(), WaveRules(mode="cluster"))
    # All but the purchasing demo's backorder, which waits for stock, and the month's orders
    # the demo shipped.
    orders = set(
        db.session.scalars(
            select(Order.id).where(Order.external_id != BACKORDER_REF, Order.status != "shipped")
        )
    )
    assert set(preview.order_ids) == orders and preview.orders == len(orders)
    assert preview.skipped == []
    assert preview.tasks == preview.pickers == -(-len(orders) // 8)
    assert preview.path_length > 0


def test_demo_has_totes_with_printable_labels_carton_types_and_a_carrier(seeded):
    from scanfloor.catalog.models import Container
    from scanfloor.labels.service import container_label
    from scanfloor.packing.models import CartonType
    from scanfloor.shipping.models import Carrier

    totes = db.session.scalars(
        select(Container).where(Container.kind == "tote").order_by(Container.code)
    ).all()
    assert len(totes) >= 20 and totes[0].code == "TOTE-001"
    labels = dict(
        db.session.execute(
            select(Barcode.container_id, Barcode.code).where(Barcode.target == "container")
        ).all()
    )
    assert all(labels.get(t.id) == t.code for t in totes)
    label = container_label(totes[0].id, fmt="zpl")
    assert b"TOTE-001" in label.body

    types = {t.code: t for t in db.session.scalars(select(CartonType))}
    assert len(types) == 3
    sizes = sorted(types.values(), key=lambda t: t.length_mm * t.width_mm * t.height_mm)
    assert [t.name.split()[0] for t in sizes] == ["Small", "Medium", "Large"]
    assert all(t.tare_g > 0 and t.max_weight_g and t.active for t in sizes)

    own = db.session.scalar(select(Carrier).where(Carrier.code == "OWN"))
    assert own is not None and own.adapter == "manual" and own.active
    assert own.services == ["standard", "express"]
    assert own.tracking_next is not None and own.tracking_last is not None
    assert own.tracking_next < own.tracking_last and own.tracking_url_template
    # A flat rate per carton for each service, so shipments have a cost margin subtracts.
    assert set(own.settings["rates"]) == set(own.services)
    assert own.settings["currency"] == functional_currency()


def test_the_floor_staff_are_given_the_demo_warehouse(seeded):
    from scanfloor.access.service import user_may_see

    wh = _wh1()
    users = {u.username: u for u in db.session.scalars(select(User))}
    for name in ("super", "worker1", "worker2"):
        assert user_may_see(users[name].id, users[name].role, wh), name
    # Cancelled picks go back through staging: the demo has one.
    staging = db.session.scalars(
        select(Location.code).where(Location.warehouse_id == wh, Location.type == "staging")
    ).all()
    assert staging


# --- returns and counting: what the Returns, Inspect and Count screens start from ---------


def test_the_qa_zone_has_a_refurbishment_and_a_return_to_vendor_location(seeded):
    wh = _wh1()
    qa = db.session.scalar(select(Location).where(Location.code == "WH1-QA"))
    assert qa is not None and qa.warehouse_id == wh
    by_type = {
        loc.type: loc
        for loc in db.session.scalars(
            select(Location).where(Location.parent_id == qa.id, Location.level == "bin")
        )
    }
    assert {"returns", "quarantine", "refurbish", "rtv"} <= set(by_type)
    assert by_type["refurbish"].code == "REFURB-01" and by_type["rtv"].code == "RTV-01"
    for kind in ("refurbish", "rtv"):
        loc = by_type[kind]
        assert loc.active and not loc.sellable and not loc.is_virtual and loc.warehouse_id == wh
    # Inspection sends damaged, refurbish and RTV units there: the QA zone's bins carry a
    # label like every bin.
    labels = set(
        db.session.scalars(
            select(Barcode.code).where(
                Barcode.location_id.in_([loc.id for loc in by_type.values()])
            )
        )
    )
    assert {"REFURB-01", "RTV-01"} <= labels


def test_demo_rmas_are_authorised_and_expect_no_more_than_was_ordered(seeded):
    from scanfloor.allocation.models import Channel, Order, OrderLine
    from scanfloor.returns.models import ReturnAuthorisation, ReturnLine
    from scanfloor.returns.rules import rma_number

    # The ones waiting to be received (the shipped month's return has arrived:
    # test_seed_finance_demo.py).
    rmas = db.session.scalars(
        select(ReturnAuthorisation)
        .where(ReturnAuthorisation.arrived_at.is_(None))
        .order_by(ReturnAuthorisation.id)
    ).all()
    assert len(rmas) == 2
    channels = dict(db.session.execute(select(Channel.id, Channel.code)).all())
    web, other = rmas
    assert (channels[web.channel_id], web.external_id, web.source) == ("WEB", "R-DEMO-1", "channel")
    assert channels[other.channel_id] == "MARKET" and other.source == "back_office"
    for rma in rmas:
        assert rma.status == "authorised" and rma.warehouse_id == _wh1()
        assert rma.arrived_at is None and rma.reason
        order = db.session.get(Order, rma.order_id)
        assert order.channel_id == rma.channel_id and rma.customer_name == order.ship_to["name"]
        # The summary names each RMA and the barcodes to scan for it.
        assert f"Return {rma_number(rma.id)}" in seeded and order.external_id in seeded
        lines = db.session.scalars(select(ReturnLine).where(ReturnLine.rma_id == rma.id)).all()
        assert lines and all(ln.received_qty == ln.inspected_qty == 0 for ln in lines)
        assert all(ln.flag is None for ln in lines)
        for ln in lines:
            ordered = db.session.get(OrderLine, ln.order_line_id)
            assert ordered.order_id == order.id and ordered.item_id == ln.item_id
            # Allocated, not shipped: nothing can come back beyond what was ordered.
            assert 1 <= ln.expected_qty <= ordered.quantity
            assert db.session.get(Item, ln.item_id).tracking == "none"
    web_lines = db.session.scalars(select(ReturnLine).where(ReturnLine.rma_id == web.id)).all()
    assert len(web_lines) == 2
    # Enough units on one line to inspect it into two dispositions.
    assert max(ln.expected_qty for ln in web_lines) >= 2
    # Authorising a return moves nothing: the units are still with the customer.
    moved = select(Movement.id).where(
        Movement.source_type == "return",
        Movement.source_id.in_([str(rma.id) for rma in rmas]),
    )
    assert not db.session.scalars(moved).all()


def test_demo_items_are_classified_and_a_few_bins_wait_to_be_counted(seeded):
    from scanfloor.counting.models import CountTask, ItemClass

    wh = _wh1()
    classes = db.session.scalars(select(ItemClass).where(ItemClass.warehouse_id == wh)).all()
    on_hand = db.session.scalar(
        select(func.count(func.distinct(Balance.item_id)))
        .join(Location, Location.id == Balance.location_id)
        .where(Location.warehouse_id == wh, Balance.quantity > 0)
    )
    assert len(classes) == on_hand > 0
    assert {c.abc_class for c in classes} <= {"A", "B", "C"}
    assert len({c.basis for c in classes}) == 1  # one run, one basis
    # The open ones (the shipped month's approved count: test_seed_finance_demo.py).
    tasks = db.session.scalars(
        select(CountTask).where(CountTask.warehouse_id == wh, CountTask.status == "open")
    ).all()
    assert 1 <= len(tasks) <= 6
    zone_c = db.session.scalar(select(Location.id).where(Location.code == "WH1-C"))
    for task in tasks:
        assert (task.status, task.reason, task.item_id, task.attempt) == ("open", "adhoc", None, 1)
        assert task.assigned_to is None
        where = db.session.get(Location, task.location_id)
        assert where.parent_id == zone_c and where.type == "storage"
        assert where.code in seeded
        held = db.session.execute(
            select(Balance.item_id, Balance.lot_id).where(
                Balance.location_id == where.id, Balance.quantity > 0
            )
        ).all()
        # Something to count, and nothing that would ask for a lot.
        assert held and all(lot is None for _item, lot in held)
    assert len({t.location_id for t in tasks}) == len(tasks)
