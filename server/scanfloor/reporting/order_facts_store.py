"""Keeping, rebuilding and reading the order facts (order_facts_models.py says what they
hold; docs/decisions/0029-order-facts.md why).

Kept: every status transition that reaches or leaves shipped or cancelled notes its order
(allocation/settling.py); as that transaction commits, `refresh` assembles each noted order
as the reports do (service_orders.read_orders and order_facts, on the committing
connection), drops its facts and writes them again when it is settled. On PostgreSQL the
noted orders' rows are locked first, in id order, so two transactions refreshing one order
take turns and the second assembles what the first committed.

Rebuilt: `rebuild` assembles every order, a slice of ids at a time, and writes the settled
ones: what `scanfloor facts rebuild` runs (and `--check` compares with `snapshot`).

Read: `order_records` gives the records of the orders a query selects: settled ones from
their facts (three queries), the rest assembled as they stand. A report therefore reads
the same records with or without facts; facts only make settled orders cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import Flask
from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from ..allocation import settling
from ..allocation.models import Order
from ..extensions import db
from ..timeutil import as_utc
from .fill_rules import Shipped
from .order_facts_models import OrderFact, OrderLineFact, OrderShipFact
from .service_orders import OrderFacts, OrderLineFacts, order_facts, read_orders
from .service_rules import completed_at, open_to_ship

_O = Order.__table__
_F, _LF, _SF = OrderFact.__table__, OrderLineFact.__table__, OrderShipFact.__table__
TABLES = ("order_facts", "order_line_facts", "order_ship_facts")
SLICE = 2000  # orders assembled at a time by the rebuild (and ids per statement)


def register(app: Flask) -> None:
    settling.on_commit(refresh)


def settled(order: OrderFacts) -> bool:
    """Nothing of the order is left to ship (module docstring of order_facts_models)."""
    return not open_to_ship(order)


def fact_rows(
    orders: Iterable[OrderFacts],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of the three tables for these (settled) orders' records."""
    heads: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    ships: list[dict[str, Any]] = []
    for o in orders:
        heads.append({"order_id": o.order_id, "completed_at": completed_at(o)})
        for ln in o.lines:
            assert isinstance(ln, OrderLineFacts)
            first = ln.first_shipment
            lines.append({
                "order_id": o.order_id, "line_no": ln.line_no, "ordered": ln.ordered,
                "promised_on": ln.promised_on, "cancelled_on": ln.cancelled_on, "sku": ln.sku,
                "demand": ln.demand, "shipped": ln.shipped_units,
                "first_shipment_id": None if first is None else first[0],
                "first_units": 0 if first is None else first[1],
                "by_promise": ln.units_by_promise(),
                "last_shipped_at": max((s.confirmed_at for s in ln.shipped), default=None),
            })  # fmt: skip
            ships.extend(
                {"order_id": o.order_id, "line_no": ln.line_no, "shipment_id": s.shipment_id,
                 "confirmed_at": s.confirmed_at, "units": s.units}
                for s in ln.shipped
            )  # fmt: skip
    return heads, lines, ships


def _slices(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), SLICE):
        yield list(ids[i : i + SLICE])


def _write(conn: Connection, ids: Sequence[int], records: Iterable[OrderFacts]) -> None:
    for chunk in _slices(ids):
        for table in (_SF, _LF, _F):
            conn.execute(delete(table).where(table.c.order_id.in_(chunk)))
    _insert(conn, records)


def _insert(conn: Connection, records: Iterable[OrderFacts]) -> None:
    heads, lines, ships = fact_rows(r for r in records if settled(r))
    for table, rows in ((_F, heads), (_LF, lines), (_SF, ships)):
        if rows:
            conn.execute(insert(table), rows)


def refresh(conn: Connection, order_ids: set[int]) -> None:
    """Assemble the noted orders again and keep the facts of those that are settled."""
    ids = sorted(order_ids)
    if not ids:
        return
    for chunk in _slices(ids):
        if conn.dialect.name == "postgresql":
            lock = select(_O.c.id).where(_O.c.id.in_(chunk)).order_by(_O.c.id).with_for_update()
            conn.execute(lock).all()
        found = read_orders(select(_O.c.id).where(_O.c.id.in_(chunk)), conn=conn)
        _write(conn, chunk, order_facts(found))


def rebuild(conn: Connection) -> dict[str, int]:
    """Every order assembled again, a slice at a time; the settled ones' facts written in
    place of what was kept. Returns the row counts."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"LOCK TABLE {', '.join(TABLES)} IN EXCLUSIVE MODE")
    for table in (_SF, _LF, _F):
        conn.execute(delete(table))
    ids = [int(i) for i in conn.execute(select(_O.c.id).order_by(_O.c.id)).scalars()]
    for chunk in _slices(ids):
        lo, hi = chunk[0], chunk[-1]
        found = read_orders(select(_O.c.id).where(_O.c.id.between(lo, hi)), conn=conn)
        _insert(conn, order_facts(found))
    return counts(conn)


def counts(conn: Connection) -> dict[str, int]:
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
        for t in (_F, _LF, _SF)
    }


def _day(v: Any) -> str | None:
    return None if v is None else str(v)[:10]


def _moment(v: Any) -> str | None:
    return None if v is None else as_utc(v).isoformat()


def _line_key(r: Any) -> tuple[Any, ...]:
    return (
        int(r.order_id), int(r.line_no), int(r.ordered), _day(r.promised_on),
        _day(r.cancelled_on), str(r.sku), int(r.demand), int(r.shipped), r.first_shipment_id,
        int(r.first_units), int(r.by_promise), _moment(r.last_shipped_at),
    )  # fmt: skip


def _ship_key(r: Any) -> tuple[Any, ...]:
    return (int(r.order_id), int(r.line_no), int(r.shipment_id), _moment(r.confirmed_at),
            int(r.units))  # fmt: skip


def snapshot(conn: Connection, ids: Select[Any] | None = None) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of the three tables (of the orders `ids` selects, when given), days and
    moments as text: for comparing the kept facts with a rebuild."""

    def rows(table: Any) -> Any:
        q = select(table)
        return conn.execute(q if ids is None else q.where(table.c.order_id.in_(ids)))

    return {
        "order_facts": {(int(r[0]), _moment(r[1])) for r in rows(_F)},
        "order_line_facts": {_line_key(r) for r in rows(_LF)},
        "order_ship_facts": {_ship_key(r) for r in rows(_SF)},
    }


def assembled(conn: Connection, ids: Select[Any]) -> dict[str, set[tuple[Any, ...]]]:
    """What the facts of the orders `ids` selects would be if they were assembled now, in
    snapshot's shape: the check that the kept facts are the recomputation."""
    heads, lines, ships = fact_rows(
        r for r in order_facts(read_orders(ids, conn=conn)) if settled(r)
    )
    return {
        "order_facts": {(h["order_id"], _moment(h["completed_at"])) for h in heads},
        "order_line_facts": {_line_key(SimpleNamespace(**d)) for d in lines},
        "order_ship_facts": {_ship_key(SimpleNamespace(**d)) for d in ships},
    }


def order_records(ids: Select[Any]) -> list[OrderFacts]:
    """The records of the orders `ids` selects: settled ones from their facts, the rest
    assembled as they stand (module docstring). In no particular order."""
    conn = db.session.connection()
    live = live_records(ids)
    kept_ids = select(_F.c.order_id).where(_F.c.order_id.in_(ids))
    heads = read_orders(kept_ids, shipments=False, conn=conn, lines=False)
    return live + _from_facts(conn, kept_ids, heads.heads, heads.warehouses)


def live_records(ids: Select[Any]) -> list[OrderFacts]:
    """The records of the orders `ids` selects that have no facts (not settled, or settled
    before the facts were built), assembled from their rows."""
    conn = db.session.connection()
    unsettled = select(_O.c.id).where(_O.c.id.in_(ids), ~exists().where(_F.c.order_id == _O.c.id))
    # The ids once, then read a slice at a time: each of read_orders' four reads would
    # otherwise select them again (the filters' scan of orders), and before a rebuild they
    # can be every order.
    found = sorted(int(i) for i in conn.execute(unsettled).scalars())
    out: list[OrderFacts] = []
    for chunk in _slices(found):
        out += order_facts(read_orders(select(_O.c.id).where(_O.c.id.in_(chunk)), conn=conn))
    return out


def _from_facts(
    conn: Connection, kept_ids: Select[Any], heads: dict[int, Any], warehouses: dict[int, str]
) -> list[OrderFacts]:
    ships: dict[tuple[int, int], list[Shipped]] = defaultdict(list)
    ship_q = (
        select(_SF.c.order_id, _SF.c.line_no, _SF.c.shipment_id, _SF.c.confirmed_at,
               _SF.c.units)
        .where(_SF.c.order_id.in_(kept_ids))
        .order_by(_SF.c.order_id, _SF.c.line_no, _SF.c.confirmed_at, _SF.c.shipment_id)
    )  # fmt: skip
    for order_id, line_no, shipment_id, at, units in conn.execute(ship_q):
        ships[(order_id, line_no)].append(Shipped(int(shipment_id), as_utc(at), int(units)))
    lines: dict[int, list[OrderLineFacts]] = defaultdict(list)
    line_q = (
        select(_LF.c.order_id, _LF.c.line_no, _LF.c.ordered, _LF.c.promised_on,
               _LF.c.cancelled_on, _LF.c.sku)
        .where(_LF.c.order_id.in_(kept_ids))
        .order_by(_LF.c.order_id, _LF.c.line_no)
    )  # fmt: skip
    for order_id, line_no, ordered, promised_on, cancelled_on, sku in conn.execute(line_q):
        lines[int(order_id)].append(
            OrderLineFacts(
                line_no=int(line_no),
                ordered=int(ordered),
                promised_on=_as_date(promised_on),
                shipped=tuple(ships.get((order_id, line_no), ())),
                cancelled_on=_as_date(cancelled_on),
                sku=str(sku),
            )
        )
    return [
        OrderFacts(
            order_id=order_id,
            channel=str(head.channel),
            warehouse=warehouses.get(head.warehouse_id),
            ordered_at=as_utc(head.ordered_at),
            lines=tuple(lines.get(order_id, ())),
            external_id=str(head.external_id),
        )
        for order_id, head in heads.items()
    ]


def _as_date(v: Any) -> date | None:
    # SQLAlchemy's Date gives dates on both databases; a datetime is never stored here.
    return v if v is None or isinstance(v, date) else date.fromisoformat(str(v)[:10])
