"""Released waves for pick tests: release_wave's (H2a) when it is there, else the rows it
writes (waves, wave_orders, pick_tasks, pick_lines bound to reservations, lines released)
made directly, so the pick services are tested whatever the state of the wave service.

`released_task(floor, [order, ...], picker=user)` answers the task id, claimed by `picker`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text

from scanfloor.allocation.models import Order, OrderLine, Reservation
from scanfloor.catalog.models import Location
from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance
from scanfloor.picking.models import PickLine, PickTask, Wave, WaveOrder
from scanfloor.timeutil import utcnow


@dataclass(frozen=True)
class Released:
    wave_id: int
    task_id: int
    line_ids: list[int]


def _bins_for(item_id: int, lot_id: int | None, wh: int) -> list[tuple[int, int | None, int]]:
    """(bin, lot, quantity) of loose stock in the warehouse's sellable bins, walk order."""
    q = (
        select(Balance.location_id, Balance.lot_id, Balance.quantity)
        .join(Location, Location.id == Balance.location_id)
        .where(
            Balance.item_id == item_id,
            Balance.container_id.is_(None),
            Balance.quantity > 0,
            Location.warehouse_id == wh,
            Location.sellable.is_(True),
        )
        .order_by(Location.walk_sequence, Location.id)
    )
    if lot_id is not None:
        q = q.where(Balance.lot_id == lot_id)
    return [(int(r[0]), r[1], int(r[2])) for r in db.session.execute(q)]


def released_task(floor: Any, orders: Sequence[Any], *, picker: Any | None = None) -> Released:
    """The orders released in one wave, one task (cluster when several orders), claimed by
    `picker` (a user) if given. Stock already planned by other pick lines is not reused."""
    wh = floor.wh.id
    now = utcnow()
    with write_transaction():
        wave = Wave(
            warehouse_id=wh,
            status="released",
            mode="single" if len(orders) == 1 else "cluster",
            rules={},
        )
        db.session.add(wave)
        db.session.flush()
        task = PickTask(
            wave_id=wave.id,
            warehouse_id=wh,
            status="claimed" if picker is not None else "open",
            assigned_to=None if picker is None else picker.id,
            claimed_at=now if picker is not None else None,
        )
        db.session.add(task)
        db.session.flush()
        planned: dict[tuple[int, int | None], int] = {}
        for r in db.session.execute(
            select(
                PickLine.location_id,
                PickLine.lot_id,
                func.sum(PickLine.quantity - PickLine.picked_qty - PickLine.short_qty),
            )
            .where(PickLine.status == "open")
            .group_by(PickLine.location_id, PickLine.lot_id)
        ):
            planned[(int(r[0]), r[1])] = int(r[2])
        seq = 0
        line_ids: list[int] = []
        for slot, order in enumerate(orders, start=1):
            db.session.add(WaveOrder(wave_id=wave.id, order_id=order.id, slot=slot))
            rows = (
                db.session.execute(
                    select(Reservation)
                    .join(OrderLine, OrderLine.id == Reservation.order_line_id)
                    .where(
                        OrderLine.order_id == order.id,
                        Reservation.status == "active",
                        Reservation.warehouse_id == wh,
                    )
                    .order_by(Reservation.id)
                )
                .scalars()
                .all()
            )
            for res in rows:
                left = res.quantity
                for loc, lot, qty in _bins_for(res.item_id, res.lot_id, wh):
                    free = qty - planned.get((loc, lot), 0)
                    take = min(left, free)
                    if take <= 0:
                        continue
                    planned[(loc, lot)] = planned.get((loc, lot), 0) + take
                    seq += 1
                    pl = PickLine(
                        task_id=task.id,
                        wave_id=wave.id,
                        order_id=order.id,
                        order_line_id=res.order_line_id,
                        reservation_id=res.id,
                        item_id=res.item_id,
                        lot_id=lot,
                        location_id=loc,
                        seq=seq,
                        quantity=take,
                        status="open",
                    )
                    db.session.add(pl)
                    db.session.flush()
                    line_ids.append(pl.id)
                    left -= take
                    if left == 0:
                        break
                assert left == 0, "the test stocked less than it reserved"
            db.session.execute(
                text(
                    "UPDATE order_lines SET status = 'released'"
                    " WHERE order_id = :o AND status = 'allocated'"
                ),
                {"o": order.id},
            )
            db.session.execute(
                text("UPDATE orders SET status = 'released' WHERE id = :o"), {"o": order.id}
            )
        wave_id, task_id = wave.id, task.id
    return Released(wave_id, task_id, line_ids)


def order_status(order_id: int) -> str:
    db.session.commit()
    return str(db.session.scalar(select(Order.status).where(Order.id == order_id)))


# One statement per check, read after a scenario: the ledger rebuilds to its balances, and
# allocation's books agree with themselves (ARCHITECTURE invariants 2, 4, 7).
_OVER_HELD = text(
    "SELECT id FROM order_lines WHERE reserved_qty + consumed_qty > quantity"
    " OR reserved_qty <> (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r"
    "  WHERE r.order_line_id = order_lines.id AND r.status = 'active')"
    " OR consumed_qty <> (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r"
    "  WHERE r.order_line_id = order_lines.id AND r.status = 'consumed')"
)
_POSITIONS_OFF = text(
    "SELECT p.item_id, p.warehouse_id FROM stock_positions p WHERE p.reserved <>"
    " (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r WHERE r.item_id = p.item_id"
    "  AND r.warehouse_id = p.warehouse_id AND r.status = 'active')"
    " OR p.reserved > (SELECT COALESCE(SUM(b.quantity), 0) FROM balances b JOIN locations l"
    "  ON l.id = b.location_id WHERE b.item_id = p.item_id AND l.warehouse_id = p.warehouse_id"
    "  AND l.sellable = TRUE AND l.is_virtual = FALSE)"
)
_LINE_PLANS = text(
    "SELECT id FROM pick_lines WHERE picked_qty + short_qty > quantity"
    " OR (status = 'open' AND picked_qty + short_qty = quantity)"
)


def assert_books_balance() -> None:
    """`ledger verify` is clean, and no order line holds more than its quantity, reserved and
    consumed agree with the reservation rows, positions with their rows and the stock."""
    from scanfloor.ledger.verify import verify_ledger

    db.session.commit()
    report = verify_ledger()
    assert report.clean, report.lines()
    assert db.session.execute(_OVER_HELD).all() == []
    assert db.session.execute(_POSITIONS_OFF).all() == []
    assert db.session.execute(_LINE_PLANS).all() == []
    db.session.commit()


def reservation_rows() -> list[tuple[Any, ...]]:
    """Every reservation row as it stands (a refusal must leave them all as they were)."""
    db.session.commit()
    rows = db.session.execute(
        select(
            Reservation.id, Reservation.order_line_id, Reservation.status, Reservation.quantity
        ).order_by(Reservation.id)
    ).all()
    return [tuple(r) for r in rows]


def pick_line_rows() -> list[tuple[Any, ...]]:
    db.session.commit()
    rows = db.session.execute(
        select(
            PickLine.id, PickLine.status, PickLine.picked_qty, PickLine.short_qty, PickLine.quantity
        ).order_by(PickLine.id)
    ).all()
    return [tuple(r) for r in rows]


def tote_of(wave_id: int, order_id: int) -> int | None:
    db.session.commit()
    return db.session.scalar(
        select(WaveOrder.tote_container_id).where(
            WaveOrder.wave_id == wave_id, WaveOrder.order_id == order_id
        )
    )


def bulk_task(
    floor: Any, lines: int, *, picker: Any, per_order: int = 500
) -> tuple[int, list[Any]]:
    """A task of `lines` pick lines, each its own item in its own bin (Core inserts for the
    catalog, one receipt posting, orders captured through allocation, `per_order` lines
    each), claimed by `picker`; returns the task id and one PickScan per line, each picking
    the line in full into its order's tote."""
    from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
    from scanfloor.catalog.models import Barcode, Item, PackLevel
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post
    from scanfloor.picking.pick_service import PickScan
    from tests.factories import virtual
    from tests.picking_helpers import add_tote

    p = floor.prefix
    zone = floor.zones["A"].id
    with write_transaction():
        conn = db.session.connection()
        first_item = int(conn.scalar(select(func.coalesce(func.max(Item.id), 0)))) + 1
        conn.execute(
            Item.__table__.insert(),
            [
                {
                    "id": first_item + i,
                    "sku": f"{p}BULK-{i:05d}",
                    "sku_key": f"{p}bulk-{i:05d}".casefold(),
                    "name": f"Bulk {i}",
                    "base_unit": "each",
                    "tracking": "none",
                    "expiry_tracked": False,
                    "attributes": {},
                    "active": True,
                    "created_at": utcnow(),
                }
                for i in range(lines)
            ],
        )
        first_pack = int(conn.scalar(select(func.coalesce(func.max(PackLevel.id), 0)))) + 1
        conn.execute(
            PackLevel.__table__.insert(),
            [
                {"id": first_pack + i, "item_id": first_item + i, "level": "each", "quantity": 1}
                for i in range(lines)
            ],
        )
        conn.execute(
            Barcode.__table__.insert(),
            [
                {
                    "code": f"{p}BK{i:06d}",
                    "symbology": "internal",
                    "target": "pack",
                    "pack_id": first_pack + i,
                }
                for i in range(lines)
            ],
        )
        first_bin = int(conn.scalar(select(func.coalesce(func.max(Location.id), 0)))) + 1
        conn.execute(
            Location.__table__.insert(),
            [
                {
                    "id": first_bin + i,
                    "code": f"{p}K-{i:05d}",
                    "name": f"K-{i:05d}",
                    "level": "bin",
                    "type": "storage",
                    "parent_id": zone,
                    "warehouse_id": floor.wh.id,
                    "is_virtual": False,
                    "sellable": True,
                    "walk_sequence": 1000 + i,
                    "active": True,
                }
                for i in range(lines)
            ],
        )
    if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        with write_transaction():
            for table in ("items", "pack_levels", "locations"):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT MAX(id) FROM {table}))"
                    )
                )
    vendor = virtual("VENDOR").id
    post(
        PostingRequest(
            movement_type="receipt",
            lines=tuple(
                MovementLine(
                    item_id=first_item + i,
                    quantity=2,
                    from_location_id=vendor,
                    to_location_id=first_bin + i,
                )
                for i in range(lines)
            ),
        )
    )
    orders = []
    for start in range(0, lines, per_order):
        n = min(per_order, lines - start)
        orders.append(
            capture_order(
                OrderInput(
                    floor.channel,
                    f"{p}BULK-SO-{start}",
                    [LineInput(quantity=1, sku=f"{p}BULK-{start + i:05d}") for i in range(n)],
                )
            ).order
        )
    totes = [add_tote(floor) for _ in orders]
    rel = released_task(floor, orders, picker=picker)
    rows = db.session.execute(
        select(PickLine.id, PickLine.order_id, PickLine.item_id, PickLine.location_id)
        .where(PickLine.task_id == rel.task_id)
        .order_by(PickLine.seq)
    ).all()
    tote_of_order = {o.id: t.code for o, t in zip(orders, totes, strict=True)}
    scans = [
        PickScan(
            rel.task_id,
            int(r.id),
            f"{p}K-{int(r.location_id) - first_bin:05d}",
            f"{p}BK{int(r.item_id) - first_item:06d}",
            1,
            tote_of_order[int(r.order_id)],
        )
        for r in rows
    ]
    db.session.commit()
    return rel.task_id, scans
