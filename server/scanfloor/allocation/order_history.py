"""Order history: status transitions of orders and lines (order_events) and the bulk
writers allocation uses for them, all inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection

from . import settling
from .bulk_sql import columns, is_pg, run_pg

SYSTEM = "system:allocation"


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    label: str = SYSTEM

    @classmethod
    def user(cls, user_id: int | None) -> Actor:
        return cls(user_id, SYSTEM if user_id is None else f"user:{user_id}")


@dataclass(frozen=True)
class Transition:
    order_id: int
    line_id: int | None  # None: the order's own status
    from_status: str | None
    to_status: str
    note: str | None = None


def many(conn: Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> int:
    """executemany straight on the driver, for the batch's bulk writes (SQLAlchemy's
    per-row parameter handling costs more than SQLite's work there). `sql` uses ?
    placeholders; datetimes must be naive UTC, as UTCDateTime stores them."""
    if not rows:
        return 0
    if conn.dialect.name == "sqlite":
        # A batch's rows share a handful of datetimes: each is formatted once.
        texts: dict[datetime, str] = {}

        def value(v: Any) -> Any:
            if not isinstance(v, datetime):
                return v
            got = texts.get(v)
            if got is None:
                got = texts[v] = _sqlite_value(v)
            return got

        rows = [tuple(map(value, r)) for r in rows]
    else:
        sql = sql.replace("?", "%s")
    return int(conn.exec_driver_sql(sql, rows).rowcount)


def _sqlite_value(v: Any) -> Any:
    # The format SQLAlchemy's SQLite DateTime writes and reads.
    return v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v


def naive(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now


# PostgreSQL: each bulk write is one statement over arrays (bulk_sql.py). Row locks are
# taken in the order the rows are given (sorted where the SQLite form sorts them too).
_PG_SET_LINES = (
    "UPDATE order_lines AS o SET reserved_qty = v.r, consumed_qty = v.c, status = v.s"
    " FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[]) AS v(id, r, c, s)"
    " WHERE o.id = v.id"
)
_PG_SET_QUANTITIES = (
    "UPDATE order_lines AS o SET quantity = v.q, reserved_qty = v.r, consumed_qty = v.c,"
    " status = v.s FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[],"
    " %s::text[]) AS v(id, q, r, c, s) WHERE o.id = v.id"
)
_PG_SET_ORDERS = (
    "UPDATE orders AS o SET status = v.s, updated_at = %s"
    " FROM unnest(%s::bigint[], %s::text[]) AS v(id, s) WHERE o.id = v.id"
)
_PG_RECORD = (
    "INSERT INTO order_events (order_id, order_line_id, at, actor_id, actor, from_status,"
    " to_status, note) SELECT v.o, v.l, %s::timestamp, %s::bigint, %s::text, v.f, v.t, v.n"
    " FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[])"
    " WITH ORDINALITY AS v(o, l, f, t, n, k) ORDER BY v.k"
)


def set_lines(conn: Connection, rows: Sequence[tuple[int, int, int, str]]) -> None:
    """(line_id, reserved_qty, consumed_qty, status) for each changed line."""
    if is_pg(conn):
        if rows:
            run_pg(conn, _PG_SET_LINES, columns(rows, 4))
        return
    many(
        conn,
        "UPDATE order_lines SET reserved_qty = ?, consumed_qty = ?, status = ? WHERE id = ?",
        [(r, c, s, i) for i, r, c, s in rows],
    )


def set_quantities(conn: Connection, rows: Sequence[tuple[int, int, int, int, str]]) -> None:
    """(line_id, quantity, reserved_qty, consumed_qty, status) for each changed line."""
    if is_pg(conn):
        if rows:
            run_pg(conn, _PG_SET_QUANTITIES, columns(sorted(rows), 5))
        return
    many(
        conn,
        "UPDATE order_lines SET quantity = ?, reserved_qty = ?, consumed_qty = ?, status = ?"
        " WHERE id = ?",
        [(q, r, c, s, i) for i, q, r, c, s in sorted(rows)],
    )


def set_orders(conn: Connection, rows: Sequence[tuple[int, str]], now: datetime) -> None:
    at = naive(now)
    if is_pg(conn):
        if rows:
            run_pg(conn, _PG_SET_ORDERS, (at, *columns(sorted(rows), 2)))
        return
    many(
        conn,
        "UPDATE orders SET status = ?, updated_at = ? WHERE id = ?",
        [(s, at, i) for i, s in sorted(rows)],  # sorted: a fixed order for the row locks
    )


def record(
    conn: Connection, transitions: Iterable[Transition], actor: Actor, now: datetime
) -> None:
    transitions = list(transitions)
    at, uid, label = naive(now), actor.user_id, actor.label
    settling.note(
        t.order_id
        for t in transitions
        if t.from_status != t.to_status
        and (t.to_status in settling.SETTLING or t.from_status in settling.SETTLING)
    )
    if is_pg(conn):
        changed = [
            (t.order_id, t.line_id, t.from_status, t.to_status, t.note)
            for t in transitions
            if t.from_status != t.to_status
        ]
        if changed:
            run_pg(conn, _PG_RECORD, (at, uid, label, *columns(changed, 5)))
        return
    many(
        conn,
        "INSERT INTO order_events (order_id, order_line_id, at, actor_id, actor, from_status,"
        " to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (t.order_id, t.line_id, at, uid, label, t.from_status, t.to_status, t.note)
            for t in transitions
            if t.from_status != t.to_status
        ],
    )
