"""Set-based SQL for allocation's batch on PostgreSQL, the same statements' SQLite form beside.

A 10k-order batch touches tens of thousands of rows. psycopg's executemany sends one
statement per row, and an expanding IN (...) of thousands of ids costs SQLAlchemy and psycopg
more to render and parse than PostgreSQL takes to run it. On PostgreSQL the batch therefore
sends each bulk write as one statement over arrays (`unnest`) and each id list as one array
parameter (`= ANY(...)`); SQLite keeps executemany and IN lists, which are cheap there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import ARRAY, BigInteger, ColumnElement, any_, bindparam
from sqlalchemy.engine import Connection

T = TypeVar("T")


def is_pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def member(col: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """`col IN :name`: an expanding IN list, or on PostgreSQL `col = ANY(:name)` with the
    ids bound as one bigint[] (the statement's text stays the same whatever the count)."""
    if dialect == "postgresql":
        return col == any_(bindparam(name, type_=ARRAY(BigInteger)))
    return col.in_(bindparam(name, expanding=True))


class PerDialect(Generic[T]):
    """A statement built once per dialect (by `build(dialect_name)`), on first use."""

    def __init__(self, build: Callable[[str], T]) -> None:
        self._build = build
        self._built: dict[str, T] = {}

    def __call__(self, conn: Connection) -> T:
        name = conn.dialect.name
        found = self._built.get(name)
        if found is None:
            found = self._built[name] = self._build(name)
        return found


def columns(rows: Sequence[Sequence[Any]], width: int) -> tuple[list[Any], ...]:
    """Rows turned into `width` column lists, the arrays `unnest` takes."""
    cols: tuple[list[Any], ...] = tuple([] for _ in range(width))
    for row in rows:
        for col, value in zip(cols, row, strict=True):
            col.append(value)
    return cols


def run_pg(conn: Connection, sql: str, params: Sequence[Any]) -> int:
    """One statement in psycopg's %s style, straight to the driver; returns the rowcount."""
    return int(conn.exec_driver_sql(sql, tuple(params)).rowcount)
