"""The outbound state machine's reads: the state a refused step must leave as it was, and
the invariants checked after every step (tests/integration/test_outbound_state_machine.py).

Every check reads the database fresh (a rollback first ends any read transaction, so what
another connection committed is seen) and is scoped to one example's channel and warehouse:
examples share one database, each with its own warehouse, items and channel.

What the services record, and so what the invariants are stated in:
- a pick (confirm, or the found units of a short) posts movement_type "pick", source
  ("pick_line", line id), into the order's tote, and consumes that many reserved units of
  the line (a short's unfound units post bin -> INV-ADJ in the same posting, no tote):
  per order line, consumed_qty = sum(pick_lines.picked_qty) = units its pick lines posted
  into the tote. Nothing else consumes a reservation, and a cancel leaves consumed units
  consumed (they are the tote's, returned to stock through staging);
- a pack posts (tote) -> (carton) with source ("carton", carton id); a ship confirm posts
  (carton) -> CUSTOMER with source ("shipment", shipment id).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select, text

from scanfloor.allocation.models import Channel, Order
from scanfloor.extensions import db
from scanfloor.ledger.verify import verify_ledger
from scanfloor.reporting import order_facts_store
from tests.factories import ledger_snapshot

_STATE_QUERIES = {
    "reservations": "SELECT id, order_line_id, status, quantity, warehouse_id FROM reservations",
    "order_lines": "SELECT id, status, reserved_qty, consumed_qty FROM order_lines",
    "orders": "SELECT id, status FROM orders",
    "waves": "SELECT id, status FROM waves",
    "wave_orders": "SELECT wave_id, order_id, tote_container_id, open FROM wave_orders",
    "pick_tasks": "SELECT id, status, assigned_to FROM pick_tasks",
    "pick_lines": "SELECT id, status, quantity, picked_qty, short_qty FROM pick_lines",
    "cartons": "SELECT id, status, weight_g, shipment_id, tracking_number FROM cartons",
    "shipments": "SELECT id, status FROM shipments",
    "count_tasks": "SELECT id, status FROM count_tasks",
    "floor_exceptions": "SELECT id FROM floor_exceptions",
    "containers": "SELECT id, location_id FROM containers",
}


def world() -> dict[str, Any]:
    """Everything an outbound step may change: a refused step leaves all of it as it was."""
    count, balances = ledger_snapshot()
    out: dict[str, Any] = {"movements": count, "balances": balances}
    for name, sql in _STATE_QUERIES.items():
        out[name] = sorted(tuple(r) for r in db.session.execute(text(sql)))
    db.session.rollback()
    return out


def _rows(sql: str, **params: Any) -> list[Any]:
    return list(db.session.execute(text(sql), params).all())


# --- what the machine's steps can act on ------------------------------------------------------

_COUNTS = """
SELECT
 (SELECT COUNT(*) FROM orders o JOIN channels c ON c.id = o.channel_id
   WHERE c.code = :ch AND o.status NOT IN ('shipped', 'cancelled')) AS live_orders,
 (SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
   JOIN channels c ON c.id = o.channel_id WHERE c.code = :ch
   AND l.status IN ('backordered', 'partially_allocated')) AS waiting_lines,
 (SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
   JOIN channels c ON c.id = o.channel_id WHERE c.code = :ch
   AND l.status = 'allocated') AS allocated_lines,
 (SELECT COUNT(*) FROM pick_tasks WHERE warehouse_id = :wh AND status = 'open') AS open_tasks,
 (SELECT COUNT(*) FROM pick_lines p JOIN pick_tasks t ON t.id = p.task_id
   WHERE t.warehouse_id = :wh AND t.status = 'claimed' AND p.status = 'open') AS open_picks,
 (SELECT COUNT(*) FROM cartons WHERE warehouse_id = :wh AND status = 'open') AS open_cartons,
 (SELECT COUNT(*) FROM cartons k WHERE k.warehouse_id = :wh AND k.status = 'open'
   AND EXISTS (SELECT 1 FROM balances b WHERE b.container_id = k.container_id
   AND b.quantity > 0)) AS filled_cartons,
 (SELECT COUNT(*) FROM cartons WHERE warehouse_id = :wh AND status = 'closed'
   AND shipment_id IS NULL) AS to_ship,
 (SELECT COUNT(*) FROM shipments WHERE warehouse_id = :wh AND status = 'open')
   AS open_shipments,
 (SELECT COUNT(*) FROM cartons k JOIN shipments s ON s.id = k.shipment_id
   WHERE s.warehouse_id = :wh AND s.status = 'open') AS on_shipments
"""
# Orders with picked units in their totes and no open carton: the pack station's queue.
TO_OPEN = """
SELECT DISTINCT w.order_id FROM wave_orders w JOIN waves v ON v.id = w.wave_id
JOIN balances b ON b.container_id = w.tote_container_id
WHERE v.warehouse_id = :wh AND w.open = TRUE AND b.quantity > 0
AND NOT EXISTS (SELECT 1 FROM cartons k WHERE k.order_id = w.order_id AND k.status = 'open')
ORDER BY w.order_id
"""
# Open lines of claimed tasks, with their holder and the order's tote (if bound yet).
OPEN_LINES = """
SELECT p.id, p.task_id, t.assigned_to, p.wave_id, p.order_id, p.item_id, p.lot_id,
  p.location_id, p.quantity - p.picked_qty - p.short_qty AS left, w.tote_container_id
FROM pick_lines p JOIN pick_tasks t ON t.id = p.task_id
JOIN wave_orders w ON w.wave_id = p.wave_id AND w.order_id = p.order_id
WHERE t.warehouse_id = :wh AND t.status = 'claimed' AND p.status = 'open'
ORDER BY p.id
"""
LIVE_ORDERS = """
SELECT o.id FROM orders o JOIN channels c ON c.id = o.channel_id WHERE c.code = :ch
AND o.status NOT IN ('shipped', 'cancelled') ORDER BY o.id
"""
BUSY_TOTES = """
SELECT tote_container_id FROM wave_orders WHERE open = TRUE AND tote_container_id IS NOT NULL
UNION SELECT container_id FROM balances WHERE quantity > 0 AND container_id IS NOT NULL
"""
LOOSE = """
SELECT COALESCE(SUM(quantity), 0) FROM balances WHERE location_id = :l AND item_id = :i
AND container_id IS NULL AND COALESCE(lot_id, 0) = :lot
"""


def counts(warehouse_id: int, channel: str) -> dict[str, int]:
    """How many things each step can act on now (the steps' preconditions)."""
    db.session.rollback()
    row = db.session.execute(text(_COUNTS), {"wh": warehouse_id, "ch": channel}).one()
    got = {k: int(v) for k, v in row._mapping.items()}
    got["to_open"] = len(_rows(TO_OPEN, wh=warehouse_id))
    db.session.rollback()
    return got


def rows(sql: str, **params: Any) -> list[Any]:
    """Rows read fresh, the read transaction ended after."""
    db.session.rollback()
    try:
        return _rows(sql, **params)
    finally:
        db.session.rollback()


# --- order lines, reservations and picks ------------------------------------------------------

_LINES = """
SELECT l.id, l.item_id, l.quantity, l.reserved_qty, l.consumed_qty, l.status, l.order_id,
  (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r
    WHERE r.order_line_id = l.id AND r.status = 'active'),
  (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r
    WHERE r.order_line_id = l.id AND r.status = 'consumed'),
  (SELECT COALESCE(SUM(p.picked_qty), 0) FROM pick_lines p WHERE p.order_line_id = l.id),
  (SELECT COALESCE(SUM(p.quantity - p.picked_qty - p.short_qty), 0) FROM pick_lines p
    WHERE p.order_line_id = l.id AND p.status = 'open')
FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN channels c ON c.id = o.channel_id
WHERE c.code = :channel
"""
# Units each order line's pick lines posted bin -> tote. A short's posting (also "pick")
# carries the unfound units bin -> INV-ADJ beside them, with no container: not picked.
_PICK_POSTED = """
SELECT p.order_line_id, COALESCE(SUM(m.quantity), 0)
FROM movements m JOIN pick_lines p ON m.source_id = CAST(p.id AS VARCHAR(64))
WHERE m.source_type = 'pick_line' AND m.movement_type = 'pick'
  AND m.to_container_id IS NOT NULL
GROUP BY p.order_line_id
"""


def check_order_lines(channel: str) -> None:
    """Per order line: reserved = its active rows, consumed = its consumed rows = units its
    pick lines picked = units those lines posted; reserved + picked <= the line's quantity;
    every unit an open pick line still plans is reserved; a cancelled line holds nothing."""
    posted = dict(_rows(_PICK_POSTED))
    for lid, _item, qty, reserved, consumed, status, _o, active, used, picked, planned in _rows(
        _LINES, channel=channel
    ):
        where = {"line": lid, "status": status, "qty": qty, "reserved": reserved}
        assert reserved == active, ("reserved_qty is not its active reservations", where, active)
        assert consumed == used, ("consumed_qty is not its consumed reservations", where, used)
        assert consumed == picked, ("consumed units are not the units picked", where, picked)
        got = posted.get(lid, 0)
        assert got == picked, ("picked units are not the units posted", where, picked, got)
        assert reserved >= 0 and reserved + picked <= qty, ("holds more than ordered", where)
        assert planned <= reserved, ("an open pick line plans unreserved units", where, planned)
        if status == "cancelled":
            assert reserved == 0, ("a cancelled line still holds stock", where)
        if status in ("picked", "packed", "shipped"):
            assert consumed == qty, ("a line past picking is not picked in full", where)


# Units reserved for a line a release would take (allocated, released, picking) in a
# warehouse where its order is in an open wave, against what its open pick lines there plan,
# and whether a "pick_plan_unplanned" exception names the line.
_IN_WAVE_UNPLANNED = """
SELECT l.id, r.warehouse_id, SUM(r.quantity),
  (SELECT COALESCE(SUM(p.quantity - p.picked_qty - p.short_qty), 0) FROM pick_lines p
    JOIN pick_tasks t ON t.id = p.task_id WHERE p.order_line_id = l.id
    AND p.status = 'open' AND t.warehouse_id = r.warehouse_id),
  (SELECT COUNT(*) FROM floor_exceptions e WHERE e.kind = 'pick_plan_unplanned'
    AND e.source_type = 'order_line' AND e.source_id = CAST(l.id AS VARCHAR(64)))
FROM reservations r JOIN order_lines l ON l.id = r.order_line_id
JOIN orders o ON o.id = l.order_id JOIN channels c ON c.id = o.channel_id
WHERE c.code = :channel AND r.status = 'active'
  AND l.status IN ('allocated', 'released', 'picking')
  AND EXISTS (SELECT 1 FROM wave_orders w JOIN waves v ON v.id = w.wave_id
    WHERE w.order_id = l.order_id AND w.open = TRUE AND v.warehouse_id = r.warehouse_id
    AND v.status IN ('released', 'picking'))
GROUP BY l.id, r.warehouse_id
"""


def check_in_wave_units_are_planned(channel: str) -> None:
    """A line in an open wave never waits for ever: every unit reserved for it in that
    wave's warehouse is planned by an open pick line there, or an exception says why not."""
    for lid, wh, reserved, planned, told in _rows(_IN_WAVE_UNPLANNED, channel=channel):
        where = {"line": lid, "warehouse": wh, "reserved": reserved, "planned": planned}
        assert planned >= reserved or told, ("reserved units in a wave nobody will pick", where)


_PICK_LINES = """
SELECT p.id, p.status, p.quantity, p.picked_qty, p.short_qty, t.status
FROM pick_lines p JOIN pick_tasks t ON t.id = p.task_id WHERE t.warehouse_id = :wh
"""
_TASKS = """
SELECT t.id, t.status,
  (SELECT COUNT(*) FROM pick_lines p WHERE p.task_id = t.id AND p.status = 'open')
FROM pick_tasks t WHERE t.warehouse_id = :wh
"""


def check_pick_lines(warehouse_id: int) -> None:
    """A pick line never picks and shorts more than it asked; it is open exactly while
    units are left (or cancelled); a task is open or claimed exactly while a line is open."""
    for lid, status, qty, picked, short, _task in _rows(_PICK_LINES, wh=warehouse_id):
        where = (lid, status, qty, picked, short)
        assert picked >= 0 and short >= 0 and picked + short <= qty, where
        if status == "open":
            assert picked + short < qty, ("an open line with nothing left", where)
        elif status == "picked":
            assert picked == qty and short == 0, where
        elif status == "short":
            assert short > 0 and picked + short == qty, where
        else:
            assert status == "cancelled", where
    for tid, status, open_lines in _rows(_TASKS, wh=warehouse_id):
        assert (status in ("open", "claimed")) == (open_lines > 0), (tid, status, open_lines)


# --- stock -------------------------------------------------------------------------------------

_POSITIONS = """
SELECT p.item_id, p.reserved,
  (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r WHERE r.item_id = p.item_id
    AND r.warehouse_id = p.warehouse_id AND r.status = 'active'),
  (SELECT COALESCE(SUM(b.quantity), 0) FROM balances b JOIN locations l ON l.id = b.location_id
    WHERE b.item_id = p.item_id AND l.warehouse_id = p.warehouse_id AND l.sellable = TRUE
    AND l.is_virtual = FALSE)
FROM stock_positions p WHERE p.warehouse_id = :wh
"""
_NEGATIVE = """
SELECT b.item_id, b.location_id, b.container_id, b.quantity FROM balances b
JOIN locations l ON l.id = b.location_id WHERE l.is_virtual = FALSE AND b.quantity < 0
"""


def check_stock(warehouse_id: int) -> None:
    """Every physical balance >= 0, `ledger verify` finds no difference, and per item and
    warehouse 0 <= reserved (= its active rows) <= sellable on hand (invariant 4)."""
    assert _rows(_NEGATIVE) == []
    report = verify_ledger()
    assert report.clean, report.lines()
    for item, reserved, active, sellable in _rows(_POSITIONS, wh=warehouse_id):
        assert reserved == active, ("position is not its active rows", item, reserved, active)
        assert 0 <= reserved <= sellable, ("reserved beyond sellable", item, reserved, sellable)


# --- packing and shipping ----------------------------------------------------------------------

_CONSUMED_BY_ITEM = """
SELECT l.order_id, l.item_id, SUM(l.consumed_qty), SUM(l.quantity)
FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN channels c ON c.id = o.channel_id
WHERE c.code = :channel GROUP BY l.order_id, l.item_id
"""
# Net units moved into each order's cartons by packing, per item.
_PACKED = """
SELECT k.order_id, m.item_id, COALESCE(SUM(m.quantity), 0)
FROM movements m JOIN cartons k ON m.to_container_id = k.container_id
WHERE m.movement_type = 'pack' AND k.warehouse_id = :wh GROUP BY k.order_id, m.item_id
"""
_SHIPPED = """
SELECT k.order_id, m.item_id, COALESCE(SUM(m.quantity), 0)
FROM movements m JOIN cartons k ON m.from_container_id = k.container_id
JOIN locations c ON c.id = m.to_location_id
WHERE c.code = 'CUSTOMER' AND k.warehouse_id = :wh GROUP BY k.order_id, m.item_id
"""
_CARTONS = """
SELECT k.id, k.status, k.shipment_id, s.status,
  (SELECT COUNT(DISTINCT m.posting_id) FROM movements m JOIN locations c
     ON c.id = m.to_location_id WHERE m.from_container_id = k.container_id
     AND c.code = 'CUSTOMER'),
  (SELECT COALESCE(SUM(b.quantity), 0) FROM balances b WHERE b.container_id = k.container_id)
FROM cartons k LEFT JOIN shipments s ON s.id = k.shipment_id WHERE k.warehouse_id = :wh
"""
# A cancelled order's cartons: what they still hold, and whether they shipped.
_CANCELLED_CARTONS = """
SELECT k.order_id, k.id, k.status,
  (SELECT COALESCE(SUM(b.quantity), 0) FROM balances b WHERE b.container_id = k.container_id)
FROM cartons k JOIN orders o ON o.id = k.order_id
WHERE k.warehouse_id = :wh AND o.status = 'cancelled' AND (k.status = 'shipped'
  OR EXISTS (SELECT 1 FROM balances b WHERE b.container_id = k.container_id
  AND b.quantity > 0))
"""
_TOTES = """
SELECT w.tote_container_id, COUNT(*) FROM wave_orders w JOIN waves v ON v.id = w.wave_id
WHERE w.open = TRUE AND w.tote_container_id IS NOT NULL AND v.warehouse_id = :wh
GROUP BY w.tote_container_id HAVING COUNT(*) > 1
"""


def check_packing_and_shipping(channel: str, warehouse_id: int) -> None:
    """Per order and item: shipped <= packed <= picked (consumed) <= ordered; each carton
    ships once, and only a closed carton on a confirmed shipment has shipped (and then it is
    empty); a tote is bound to at most one open order; a cancelled order ships nothing and
    leaves nothing in its cartons (its picked units go back to stock)."""
    consumed: dict[tuple[int, int], tuple[int, int]] = {
        (o, i): (int(c), int(q)) for o, i, c, q in _rows(_CONSUMED_BY_ITEM, channel=channel)
    }
    packed: dict[tuple[int, int], int] = defaultdict(int)
    for o, i, q in _rows(_PACKED, wh=warehouse_id):
        packed[(o, i)] += int(q)
    shipped: dict[tuple[int, int], int] = defaultdict(int)
    for o, i, q in _rows(_SHIPPED, wh=warehouse_id):
        shipped[(o, i)] += int(q)
    for key in set(packed) | set(shipped):
        picked, ordered = consumed.get(key, (0, 0))
        where = {"order_item": key, "ordered": ordered, "picked": picked}
        assert shipped[key] <= packed[key], ("shipped more than packed", where, shipped[key])
        assert packed[key] <= picked <= ordered, ("packed more than picked", where, packed[key])
    for cid, status, shipment, s_status, ship_postings, held in _rows(_CARTONS, wh=warehouse_id):
        where = (cid, status, shipment, s_status, ship_postings, held)
        assert ship_postings <= 1, ("a carton shipped twice", where)
        if status == "shipped":
            assert s_status == "confirmed" and ship_postings == 1 and held == 0, where
        else:
            assert ship_postings == 0, ("a carton left without being shipped", where)
            assert status in ("open", "closed"), where
            if status == "open":
                assert shipment is None, ("an open carton is on a shipment", where)
    assert _rows(_TOTES, wh=warehouse_id) == [], "a tote is bound to two open orders"
    stranded = [tuple(map(str, r)) for r in _rows(_CANCELLED_CARTONS, wh=warehouse_id)]
    assert stranded == [], ("a cancelled order's carton holds or shipped stock", stranded)


def check_order_facts(channel: str) -> None:
    """The facts kept of every settled order (written as the step that settled it committed)
    are what assembling the order now gives, and an order that is not settled has none."""
    conn = db.session.connection()
    ids = (
        select(Order.id)
        .join(Channel, Channel.id == Order.channel_id)
        .where(Channel.code == channel)
    )
    kept, fresh = order_facts_store.snapshot(conn, ids), order_facts_store.assembled(conn, ids)
    for table, rows in fresh.items():
        assert kept[table] == rows, (f"{table} kept differs from the orders", kept[table], rows)


def check_all(channel: str, warehouse_id: int) -> None:
    db.session.rollback()
    try:
        check_order_lines(channel)
        check_in_wave_units_are_planned(channel)
        check_pick_lines(warehouse_id)
        check_stock(warehouse_id)
        check_packing_and_shipping(channel, warehouse_id)
        check_order_facts(channel)
    finally:
        db.session.rollback()
