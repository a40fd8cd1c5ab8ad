"""Valuation inside every posting's own transaction (a ledger in-transaction subscriber):
each movement line that changes the value of owned stock gets its movement_values row,
stock values, FIFO layers and one journal entry in the same transaction as the movement,
or the whole posting is refused.

It refuses one thing only: a valued line dated in a closed month (PeriodClosed). Anything
it cannot cost (no unit cost, no stock, no rate known) is valued at the place's last rate,
else at 0, and corrected when the cost arrives (cost_rules): a posting valid without
finance stays valid with it.

Cost per posting: ONE read of its locations decides every line's rule; lines that move no
value (bin to bin in a warehouse, virtual to virtual) cost nothing more, and a posting of
only such lines stops there. Otherwise: the account roles and cost methods (read once per
transaction, never kept across transactions: they can change), the closed check of the
posting's month, the positions (and FIFO layers) of the places it values, locked in key
order, then the writes (book_sql.py). The valuation itself is valuation_rules.value_line,
the same the rebuild runs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from ..extensions import db
from ..ledger.subscribers import VALUES_NOTE, Posted, PostedLine, subscribe
from ..returns.order_facts import return_ship_movements
from . import book_sql
from .errors import PeriodClosed
from .method_sql import methods_of
from .money import quantum
from .period_rules import period_of, utc_date
from .posting_rules import Side, rule_for, side_of
from .valuation_rules import (
    FIFO,
    Key,
    LineFacts,
    Original,
    account_resolver,
    value_line_or_skip,
)

log = logging.getLogger(__name__)
NAME = "finance.valuation"
_CACHE = "scanfloor.finance_cache"
RETURN_SOURCE = "return"  # returns/receive_service.py's source_type

_LOCATIONS = text(
    "SELECT id, warehouse_id, is_virtual, code FROM locations WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))


@dataclass
class _Cache:
    """What one transaction read once: account roles, cost methods, month statuses."""

    txn: Any
    roles: dict[tuple[str, int | None], int] | None = None
    methods: dict[int, str] = field(default_factory=dict)
    closed: dict[str, bool] = field(default_factory=dict)


def register(app: Flask) -> None:
    subscribe(app, NAME, on_posting)


def sides_of(conn: Connection, location_ids: Iterable[int]) -> dict[int, Side]:
    return {
        int(i): side_of(bool(v), str(code), None if w is None else int(w), int(i))
        for i, w, v, code in conn.execute(_LOCATIONS, {"ids": sorted(set(location_ids))})
    }


def on_posting(conn: Connection, posted: Posted) -> None:
    """Value the posting's lines (module docstring); PeriodClosed refuses it."""
    sides = sides_of(conn, posted.location_ids)
    lines = [
        (ln, sides[ln.from_location_id], sides[ln.to_location_id])
        for ln in posted.lines
        if ln.from_location_id in sides and ln.to_location_id in sides
    ]
    valued = [(ln, s, d) for ln, s, d in lines if rule_for(s, d) is not None]
    if not valued:
        posted.notes[VALUES_NOTE] = {}
        return
    cache = _cache(conn)
    day = utc_date(posted.occurred_at)
    period = period_of(day)
    if period not in cache.closed:
        cache.closed[period] = bool(book_sql.closed_periods(conn, [period]))
    if cache.closed[period]:
        raise PeriodClosed(
            f"the period {period} is closed: a posting dated in it is refused",
            {"period": period},
        )
    if cache.roles is None:
        cache.roles = book_sql.roles(conn)
    methods = _methods(conn, cache, {ln.item_id for ln, _, _ in valued})
    reversed_ids = [ln.reverses_movement_id for ln, _, _ in valued if ln.reverses_movement_id]
    originals = book_sql.originals(conn, reversed_ids) if reversed_ids else {}
    rates = _return_rates(conn, posted, valued)
    keys: set[Key] = set()
    for ln, s, d in valued:
        for side in (s, d):
            if side.kind in ("owned", "transit") and side.place_id is not None:
                keys.add((ln.item_id, side.place_id))
    fifo = {k for k in keys if methods.get(k[0]) == FIFO}
    book, read = book_sql.load_book(conn, keys, fifo)
    q = quantum(str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR"))
    account_of = account_resolver(cache.roles)
    results = []
    for ln, s, d in valued:
        facts = _facts(ln, s, d, methods, originals, rates)
        out, skipped = value_line_or_skip(facts, book, q, account_of)
        if skipped is not None:
            log.error("finance: %s (posting %s)", skipped, posted.posting_id)
        if out is not None:
            results.append(out)
    posted.notes[VALUES_NOTE] = {v.movement_id: v.value for v in results}
    book_sql.write(
        conn,
        book,
        read,
        results,
        {
            "posting_id": posted.posting_id,
            "source_type": posted.source_type,
            "source_id": posted.source_id,
            "occurred_at": posted.occurred_at,
            "entry_date": day,
            "period": period,
            "memo": posted.movement_type,
            "created_by": posted.actor_id,
            "now": posted.recorded_at,
        },
    )


def _cache(conn: Connection) -> _Cache:
    """This transaction's cache (a new transaction starts a new one)."""
    txn = conn.get_transaction()
    found: _Cache | None = db.session.info.get(_CACHE)
    if found is None or found.txn is not txn:
        found = _Cache(txn)
        db.session.info[_CACHE] = found
    return found


def _methods(conn: Connection, cache: _Cache, item_ids: set[int]) -> dict[int, str]:
    missing = item_ids - cache.methods.keys()
    if missing:
        cache.methods.update(methods_of(conn, missing))
    return cache.methods


def _return_rates(
    conn: Connection, posted: Posted, valued: list[tuple[PostedLine, Side, Side]]
) -> dict[int, Decimal]:
    """A restocked customer return: item -> the unit cost its order's units shipped at."""
    source = posted.source_id or ""
    if posted.source_type != RETURN_SOURCE or not (source.isascii() and source.isdigit()):
        return {}
    items = [
        ln.item_id
        for ln, s, _ in valued
        if s.kind == "customer" and ln.reverses_movement_id is None
    ]
    if not items or len(source) > 18:
        return {}
    ships = return_ship_movements(conn, int(source), items)
    return book_sql.issue_rates(conn, ships) if ships else {}


def _facts(
    ln: PostedLine,
    src: Side,
    dst: Side,
    methods: dict[int, str],
    originals: dict[int, Original],
    rates: dict[int, Decimal],
) -> LineFacts:
    return LineFacts(
        movement_id=ln.movement_id,
        item_id=ln.item_id,
        quantity=ln.quantity,
        lot_id=ln.lot_id,
        unit_cost=ln.unit_cost,
        src=src,
        dst=dst,
        method=methods.get(ln.item_id, "moving_average"),
        original=originals.get(ln.reverses_movement_id) if ln.reverses_movement_id else None,
        return_rate=rates.get(ln.item_id) if src.kind == "customer" else None,
    )
