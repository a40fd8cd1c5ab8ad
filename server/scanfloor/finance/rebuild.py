"""`scanfloor finance rebuild --check`: recompute every movement's valuation and journal
lines from the movements alone, in id order, in memory (nothing is written), with the same
rules the posting subscriber runs (valuation_rules.value_line), and compare with what is
stored: movement values, each movement's entry lines, the final stock values and the open
FIFO layers. Cost adjustments (an invoice at another price, a landed cost: adjust_rules.py)
are replayed right after the movement that was last when each was applied, and their split
(on hand, gone) compared with the stored one.

Where it starts: valuation began with the first movement after finance was installed
(migration 0016 gives existing stock no value), so the rebuild starts at the first movement
that has a movement value; earlier movements are outside the books. Inputs that are
settings, not results, are taken as recorded: a movement's cost method is the one its
movement value names (the item's current one for a movement with none), and accounts are
resolved through today's account roles (remapping a role shows as a difference). So are
locations: a bin moved to another warehouse reads its past movements as that warehouse's,
which shows as differences.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ..catalog.models import Location
from ..extensions import db
from ..ledger.models import Movement
from ..returns.order_facts import return_ship_movements
from . import book_sql
from .journal_models import JournalEntry, JournalLine
from .method_sql import methods_of
from .money import quantum, rate
from .posting_rules import Side, rule_for, side_of
from .rebuild_replay import Replay
from .subscriber import RETURN_SOURCE
from .valuation_models import CostLayer, MovementValue, StockValue
from .valuation_rules import (
    Book,
    Key,
    LineFacts,
    Original,
    Valued,
    account_resolver,
    value_line_or_skip,
)
from .views import Difference

MAX_REPORTED = 200
CHUNK = 5000
_M, _L = Movement.__table__, Location.__table__
_MV, _SV, _CL = MovementValue.__table__, StockValue.__table__, CostLayer.__table__
_JE, _JL = JournalEntry.__table__, JournalLine.__table__
_dec = book_sql.money_of

LineKey = tuple[int, int | None, Decimal, Decimal]  # account, place, debit, credit


def rebuild_check() -> list[Difference]:
    """Every difference between the stored valuation and one rebuilt from the movements
    (at most MAX_REPORTED); an empty list when they are identical."""
    # Hundreds of thousands of small objects that all live until the end: the cyclic
    # collector would walk them again and again (about a fifth of the run) and find nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(db.session.connection())
    finally:
        if collecting:
            gc.enable()


def _check(conn: Connection) -> list[Difference]:
    stored = _stored_values(conn)
    replay = Replay(conn)
    # Where it starts: the first valued movement, else (only an opening valuation so far)
    # after the last movement, so that the replay alone builds the book.
    start = min(stored) if stored else None
    if start is None:
        if replay.last_after is None:
            return []
        start = replay.last_after + 1
    book, rebuilt = _rebuild(conn, start, stored, replay)
    diffs: list[Difference] = []
    diffs += _compare_values(stored, rebuilt)
    diffs += replay.differences
    diffs += _compare_entries(conn, start, rebuilt)
    diffs += _compare_positions(conn, book)
    diffs += _compare_layers(conn, book)
    return diffs[:MAX_REPORTED]


def _stored_values(conn: Connection) -> dict[int, tuple[Any, ...]]:
    q = select(_MV.c.movement_id, _MV.c.from_place_id, _MV.c.to_place_id, _MV.c.quantity,
               _MV.c.value, _MV.c.unit_cost, _MV.c.method, _MV.c.cost_source)  # fmt: skip
    # Numeric columns come back as Decimal on both databases (SQLite's REAL through the
    # column's scale): equal values compare equal whatever their exponent, so no re-rounding.
    return {
        int(r[0]): (r[1], r[2], int(r[3]), r[4], r[5], str(r[6]), str(r[7]))
        for r in conn.execute(q)
    }


def _movements(conn: Connection, start: int) -> Iterator[Any]:
    """The movements from `start` on, in id order, a chunk at a time."""
    q = select(_M.c.id, _M.c.item_id, _M.c.quantity, _M.c.from_location_id,
               _M.c.to_location_id, _M.c.lot_id, _M.c.unit_cost, _M.c.reverses_movement_id,
               _M.c.source_type, _M.c.source_id)  # fmt: skip
    after = start - 1
    while True:
        rows = conn.execute(q.where(_M.c.id > after).order_by(_M.c.id).limit(CHUNK)).all()
        yield from rows
        if len(rows) < CHUNK:
            return
        after = int(rows[-1].id)


def _rebuild(
    conn: Connection, start: int, stored: dict[int, tuple[Any, ...]], replay: Replay
) -> tuple[Book, dict[int, Valued]]:
    sides: dict[int, Side] = {
        int(i): side_of(bool(v), str(c), None if w is None else int(w), int(i))
        for i, w, v, c in conn.execute(
            select(_L.c.id, _L.c.warehouse_id, _L.c.is_virtual, _L.c.code)
        )
    }
    reversed_ids = set(
        conn.execute(
            select(_M.c.reverses_movement_id).where(
                _M.c.id >= start, _M.c.reverses_movement_id.is_not(None)
            )
        ).scalars()
    )
    q = quantum(str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR"))
    account_of = account_resolver(book_sql.roles(conn))
    current: dict[int, str] = {}
    book = Book()
    rebuilt: dict[int, Valued] = {}
    originals: dict[int, Original] = {}
    return_rates: dict[tuple[str, int], Decimal | None] = {}
    for m in _movements(conn, start):
        replay.until(int(m.id), book, rebuilt, q)
        src, dst = sides[int(m.from_location_id)], sides[int(m.to_location_id)]
        if rule_for(src, dst) is None:
            continue
        mid, item = int(m.id), int(m.item_id)
        method = stored[mid][5] if mid in stored else None
        if method is None:
            if item not in current:
                current.update(methods_of(conn, [item]))
            method = current[item]
        rate = None
        if src.kind == "customer" and m.reverses_movement_id is None:
            rate = _return_rate(conn, m, rebuilt, return_rates)
        facts = LineFacts(
            movement_id=mid,
            item_id=item,
            quantity=int(m.quantity),
            lot_id=m.lot_id,
            unit_cost=None if m.unit_cost is None else Decimal(str(m.unit_cost)),
            src=src,
            dst=dst,
            method=method,
            original=originals.get(int(m.reverses_movement_id or 0)),
            return_rate=rate,
        )
        out, _ = value_line_or_skip(facts, book, q, account_of)
        if out is None:
            continue
        rebuilt[mid] = out
        if mid in reversed_ids:
            layer = out.new_layers[0].temp_id if out.new_layers else None
            kind = out.kind if out.lines else None
            originals[mid] = Original(out.value, kind, None, out.lines, layer)
    replay.until(None, book, rebuilt, q)
    return book, rebuilt


def _return_rate(
    conn: Connection,
    m: Any,
    rebuilt: dict[int, Valued],
    cache: dict[tuple[str, int], Decimal | None],
) -> Decimal | None:
    """A restocked return's original issue cost, from the rebuilt ship movements."""
    source = str(m.source_id or "")
    if m.source_type != RETURN_SOURCE or not (source.isascii() and source.isdigit()):
        return None
    key = (source, int(m.item_id))
    if key not in cache:
        ships = return_ship_movements(conn, int(source), [int(m.item_id)])
        quantity, value = 0, Decimal(0)
        for sid in ships.get(int(m.item_id), []):
            if sid in rebuilt:
                quantity += rebuilt[sid].quantity
                value += rebuilt[sid].value
        cache[key] = rate(value, quantity) if quantity else None
    return cache[key]


def _compare_values(
    stored: dict[int, tuple[Any, ...]], rebuilt: dict[int, Valued]
) -> list[Difference]:
    out = []
    for mid in sorted(set(stored) | set(rebuilt)):
        have = stored.get(mid)
        v = rebuilt.get(mid)
        want = None if v is None else (
            v.from_place, v.to_place, v.quantity, v.value, v.unit_cost, v.method, v.cost_source
        )  # fmt: skip
        if have != want:
            out.append(Difference("movement_value", str(mid), _text(have), _text(want)))
    return out


def _text(row: Any) -> str:
    if row is None:
        return "none"
    return "(" + ", ".join(str(x) for x in row) + ")"


def _compare_entries(conn: Connection, start: int, rebuilt: dict[int, Valued]) -> list[Difference]:
    q = (
        select(_JE.c.movement_id, _JE.c.kind, _JL.c.account_id, _JL.c.warehouse_id,
               _JL.c.debit, _JL.c.credit)
        .join(_JL, _JL.c.entry_id == _JE.c.id)
        .where(_JE.c.movement_id >= start)
    )  # fmt: skip
    rows = conn.execute(q).all()
    # The usual case, every line as rebuilt: one multiset comparison of all the lines.
    if Counter((int(m), str(k), int(a), w, d, c) for m, k, a, w, d, c in rows) == Counter(
        (mid, v.kind, b.account_id, b.warehouse_id, b.debit, b.credit)
        for mid, v in rebuilt.items()
        for b in v.lines
    ):
        return []
    stored: dict[int, Counter[LineKey]] = {}
    kinds: dict[int, str] = {}
    for mid, kind, account, wh, debit, credit in rows:
        stored.setdefault(int(mid), Counter())[(int(account), wh, _dec(debit), _dec(credit))] += 1
        kinds[int(mid)] = str(kind)
    out = []
    for mid in sorted(set(stored) | {m for m, v in rebuilt.items() if v.lines}):
        v = rebuilt.get(mid)
        want: Counter[LineKey] = Counter()
        if v is not None:
            for b in v.lines:
                want[(b.account_id, b.warehouse_id, b.debit, b.credit)] += 1
        have = stored.get(mid, Counter())
        want_kind = v.kind if v is not None and v.lines else None
        if have != want or kinds.get(mid) != want_kind:
            out.append(
                Difference("entry", str(mid), _lines(kinds.get(mid), have),
                           _lines(want_kind, want))
            )  # fmt: skip
    return out


def _lines(kind: str | None, lines: Counter[LineKey]) -> str:
    if not lines:
        return "no entry"
    parts = sorted(f"{a}@{w}:{d}/{c}" for (a, w, d, c), n in lines.items() for _ in range(n))
    return f"{kind} [" + "; ".join(parts) + "]"


def _compare_positions(conn: Connection, book: Book) -> list[Difference]:
    stored = {
        (int(i), int(p)): (int(q), _dec(v))
        for i, p, q, v in conn.execute(select(_SV.c.item_id, _SV.c.place_id, _SV.c.quantity,
                                              _SV.c.value))
    }  # fmt: skip
    rebuilt = {k: (p.quantity, p.value) for k, p in book.positions.items()}
    out = []
    for key in sorted(set(stored) | set(rebuilt)):
        have, want = stored.get(key, (0, Decimal(0))), rebuilt.get(key, (0, Decimal(0)))
        if have != want:
            out.append(Difference("position", f"{key[0]}/{key[1]}", _text(have), _text(want)))
    return out


def _compare_layers(conn: Connection, book: Book) -> list[Difference]:
    stored: dict[Key, list[tuple[int, Decimal]]] = {}
    q = (
        select(_CL.c.item_id, _CL.c.place_id, _CL.c.quantity_left, _CL.c.value_left)
        .where(_CL.c.quantity_left > 0)
        .order_by(_CL.c.item_id, _CL.c.place_id, _CL.c.id)
    )
    for i, p, left, value in conn.execute(q):
        stored.setdefault((int(i), int(p)), []).append((int(left), _dec(value)))
    rebuilt = {
        k: [(la.quantity_left, la.value_left) for la in sorted(layers, key=lambda la: la.id)]
        for k, layers in book.layers.items()
        if layers
    }
    out = []
    for key in sorted(set(stored) | set(rebuilt)):
        if stored.get(key, []) != rebuilt.get(key, []):
            out.append(
                Difference("layers", f"{key[0]}/{key[1]}", str(stored.get(key, [])),
                           str(rebuilt.get(key, [])))
            )  # fmt: skip
    return out


def valued_count() -> int:
    """How many movements carry a value (the CLI's summary)."""
    return int(db.session.scalar(select(func.count()).select_from(_MV)) or 0)
