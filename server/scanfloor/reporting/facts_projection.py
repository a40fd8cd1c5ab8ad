"""Keeping the reports' daily facts (facts_models.py says what each figure counts) inside
every posting's own transaction: never behind the ledger, never ahead of it.

At the posting (a ledger subscriber registered after finance's): the values finance just
gave its movements come from finance's note on the posting (ledger/subscribers.VALUES_NOTE;
none without finance: then nothing was valued), and what the facts need of
its locations (physical or virtual, zone) from what this process remembers of locations
seen in committed transactions: a location's virtuality, level and parent never change
(catalog/locations_service.update_location), so only a location not seen before is read,
with its parent. The pure `fact_shares` computes the rows' shares, which wait in the
session until the commit. So keeping the facts costs a posting no read, only its share of
the two upserts at the commit (bench/bench_facts.py measures it).

As the transaction commits (before_commit, on the same connection): one upsert per table
(INSERT ... ON CONFLICT DO UPDATE adds to the row), in key order, so on PostgreSQL two
transactions adding to the same rows lock them in the same order. A rollback drops the
pending shares (after_rollback), as the demand projection does.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Engine

from ..database import after_commit
from ..ledger.commit_buffer import CommitBuffer
from ..ledger.subscribers import VALUES_NOTE, Posted, PostedLine, subscribe
from .facts_models import NOT_IN_HAND

NAME = "reporting.facts"
_PENDING = "scanfloor.facts_pending"
ZERO = Decimal("0")

_PLACES = text(
    "SELECT l.id, l.is_virtual, l.level, l.parent_id, p.level FROM locations l "
    "LEFT JOIN locations p ON p.id = l.parent_id WHERE l.id IN :ids"
).bindparams(bindparam("ids", expanding=True))
# The upserts go to the driver as they are (exec_driver_sql, one executemany each): they run
# at every commit that posted, and SQLAlchemy's own statement handling would cost the writer
# more than the database does (bench/bench_facts.py).
_UPSERT_FACTS = (
    "INSERT INTO movement_day_facts (day, location_id, item_id, movement_type, reason_code, "
    "actor_id, lines, units_in, units_out, value_in, value_out) VALUES ({marks}) "
    "ON CONFLICT (day, location_id, item_id, movement_type, reason_code, actor_id) "
    "DO UPDATE SET lines = movement_day_facts.lines + excluded.lines, "
    "units_in = movement_day_facts.units_in + excluded.units_in, "
    "units_out = movement_day_facts.units_out + excluded.units_out, "
    "value_in = movement_day_facts.value_in + excluded.value_in, "
    "value_out = movement_day_facts.value_out + excluded.value_out"
)
_UPSERT_QUARTERS = (
    "INSERT INTO worker_quarters (day, quarter, actor_id, zone_id, movement_type, postings, "
    "lines, units) VALUES ({marks}) "
    "ON CONFLICT (day, quarter, actor_id, zone_id, movement_type) DO UPDATE SET "
    "postings = worker_quarters.postings + excluded.postings, "
    "lines = worker_quarters.lines + excluded.lines, "
    "units = worker_quarters.units + excluded.units"
)
_DRIVER_SQL: dict[str, tuple[str, str]] = {}


def _driver_sql(dialect: str) -> tuple[str, str]:
    """Both upserts in the driver's placeholders (qmark for sqlite3, format for psycopg)."""
    if dialect not in _DRIVER_SQL:
        mark = "?" if dialect == "sqlite" else "%s"
        _DRIVER_SQL[dialect] = (
            _UPSERT_FACTS.format(marks=", ".join([mark] * 11)),
            _UPSERT_QUARTERS.format(marks=", ".join([mark] * 8)),
        )
    return _DRIVER_SQL[dialect]


@dataclass(frozen=True)
class Place:
    """What a line's facts depend on about one of its locations."""

    physical: bool
    zone_id: int  # 0: in no zone


FactKey = tuple[date, int, int, str, str, int]  # day, location, item, type, reason, actor
QuarterKey = tuple[date, int, int, int, str]  # day, quarter-hour, actor, zone, type


@dataclass
class Shares:
    """Per key, what to add: facts [lines, units_in, units_out, value_in, value_out];
    quarters [postings, lines, units]."""

    facts: dict[FactKey, list[Any]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0, ZERO, ZERO])
    )
    quarters: dict[QuarterKey, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0])
    )


def utc(at: datetime) -> datetime:
    return at.astimezone(UTC) if at.tzinfo else at


def quarter_of(at: datetime) -> int:
    """The quarter-hour of the UTC day, 0 (00:00-00:14) to 95 (23:45-23:59)."""
    at = utc(at)
    return (at.hour * 60 + at.minute) // 15


def fact_shares(
    kind: str,
    at: datetime,
    actor_id: int | None,
    lines: Iterable[PostedLine],
    places: Mapping[int, Place],
    values: Mapping[int, Decimal],
    into: Shares,
) -> None:
    """Add one posting's shares to `into` (facts_models.py defines every figure)."""
    day, actor, quarter = utc(at).date(), actor_id or 0, quarter_of(at)
    zones: set[int] = set()  # only a posting with an actor is labour
    for ln in lines:
        src, dst = places[ln.from_location_id], places[ln.to_location_id]
        if not (src.physical or dst.physical):
            continue
        value, reason = values.get(ln.movement_id, ZERO), ln.reason_code or ""
        if src.physical:
            row = into.facts[(day, ln.from_location_id, ln.item_id, kind, reason, actor)]
            row[0] += 1
            row[2] += ln.quantity
            row[4] += value
        if dst.physical:
            row = into.facts[(day, ln.to_location_id, ln.item_id, kind, reason, actor)]
            row[0] += 1
            row[1] += ln.quantity
            row[3] += value
        if actor_id is not None:
            zone = src.zone_id or dst.zone_id
            q = into.quarters[(day, quarter, actor, zone, kind)]
            if reason not in NOT_IN_HAND:
                q[1] += 1
                q[2] += ln.quantity
            zones.add(zone)
    for zone in zones:
        into.quarters[(day, quarter, actor, zone, kind)][0] += 1


def register(app: Flask) -> None:
    subscribe(app, NAME, on_posting)


def on_posting(conn: Connection, posted: Posted) -> None:
    """Note the posting's shares; they are written as the transaction commits."""
    places = _places(conn, posted.location_ids)
    if not any(p.physical for p in places.values()):
        return  # virtual to virtual: no location of ours saw it
    # Without finance's note (an app without finance's subscriber) nothing was valued: 0.
    values: Mapping[int, Decimal] = posted.notes.get(VALUES_NOTE, {})
    pending = _BUFFER.pending()
    fact_shares(
        posted.movement_type,
        posted.occurred_at,
        posted.actor_id,
        posted.lines,
        places,
        values,
        pending,
    )


_KNOWN: weakref.WeakKeyDictionary[Engine, dict[int, Place]] = weakref.WeakKeyDictionary()


def _places(conn: Connection, location_ids: Iterable[int]) -> dict[int, Place]:
    """The posting's places: remembered ones, and the rest read (and remembered once this
    transaction commits: a location created in one that rolls back may see its id reused)."""
    known = _KNOWN.setdefault(conn.engine, {})
    wanted = list(location_ids)
    unknown = [i for i in wanted if i not in known]
    if not unknown:
        return {i: known[i] for i in wanted}
    read = _read_places(conn, unknown)
    after_commit(lambda: known.update(read))
    return {i: known.get(i) or read[i] for i in wanted}


def _read_places(conn: Connection, location_ids: list[int]) -> dict[int, Place]:
    out: dict[int, Place] = {}
    for loc_id, virtual, level, parent_id, parent_level in conn.execute(
        _PLACES, {"ids": location_ids}
    ):
        zone = (
            int(loc_id)
            if level == "zone"
            else int(parent_id)
            if parent_id is not None and parent_level == "zone"
            else 0
        )
        out[int(loc_id)] = Place(physical=not virtual, zone_id=zone)
    return out


def write_shares(conn: Connection, shares: Shares) -> None:
    """Add the shares to their rows, in key order (module docstring)."""
    sqlite = conn.dialect.name == "sqlite"
    facts_sql, quarters_sql = _driver_sql(conn.dialect.name)

    def day(d: date) -> date | str:
        return d.isoformat() if sqlite else d  # sqlite3 stores a date as its ISO text

    def money(v: Decimal) -> Decimal | str:
        return str(v) if sqlite else v  # sqlite3 binds no Decimal; NUMERIC takes the text

    facts = [
        (day(k[0]), k[1], k[2], k[3], k[4], k[5], v[0], v[1], v[2], money(v[3]), money(v[4]))
        for k, v in sorted(shares.facts.items())
    ]
    quarters = [
        (day(k[0]), k[1], k[2], k[3], k[4], v[0], v[1], v[2])
        for k, v in sorted(shares.quarters.items())
    ]
    if facts:
        conn.exec_driver_sql(facts_sql, facts)
    if quarters:
        conn.exec_driver_sql(quarters_sql, quarters)


# Made after allocation's and the ATS feed's hooks: these rows are the last locks a
# transaction takes (ledger/commit_buffer.py).
_BUFFER = CommitBuffer(_PENDING, Shares, write_shares)
