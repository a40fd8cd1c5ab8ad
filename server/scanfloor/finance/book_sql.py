"""Finance's statements inside a posting: read the positions and layers of the places a
posting values (locked, in key order), what reversed movements were valued at, and write
back what valuation_rules computed (stock values, layers, layer issues, movement values,
journal entries and lines). Statements are built once at import (ledger/writer.py: building
them costs more than running them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from .cost_rules import Layer, Position
from .journal_models import JournalEntry, JournalLine
from .journal_push import enqueue_entries
from .models import AccountRole, FiscalPeriod
from .money import RATE_PLACES, rate
from .valuation_models import CostLayer, LayerIssue, MovementValue, StockValue
from .valuation_rules import Book, BookedLine, Key, Original, Valued

_SV = StockValue.__table__
_CL = CostLayer.__table__
_LI = LayerIssue.__table__
_MV = MovementValue.__table__
_JE = JournalEntry.__table__
_JL = JournalLine.__table__
_AR = AccountRole.__table__
_FP = FiscalPeriod.__table__


def _in(col: Any, name: str) -> Any:
    return col.in_(bindparam(name, expanding=True))


_POSITIONS = (
    select(_SV.c.item_id, _SV.c.place_id, _SV.c.quantity, _SV.c.value, _SV.c.last_rate)
    .where(_in(_SV.c.item_id, "items"), _in(_SV.c.place_id, "places"))
    .order_by(_SV.c.item_id, _SV.c.place_id)
    .with_for_update()
)
_LAYERS = (
    select(_CL.c.id, _CL.c.item_id, _CL.c.place_id, _CL.c.quantity_left, _CL.c.unit_cost,
           _CL.c.value_left, _CL.c.lot_id)
    .where(_in(_CL.c.item_id, "items"), _in(_CL.c.place_id, "places"), _CL.c.quantity_left > 0)
    .order_by(_CL.c.item_id, _CL.c.place_id, _CL.c.id)
    .with_for_update()
)  # fmt: skip
_ROLES = select(_AR.c.role, _AR.c.warehouse_id, _AR.c.account_id)
_CLOSED = select(_FP.c.period).where(_in(_FP.c.period, "periods"), _FP.c.status == "closed")
_ORIG_VALUES = select(_MV.c.movement_id, _MV.c.value).where(_in(_MV.c.movement_id, "ids"))
# One entry per valued movement (the subscriber books no other entry with a movement id).
_ORIG_ENTRIES = select(_JE.c.id, _JE.c.movement_id, _JE.c.kind).where(_in(_JE.c.movement_id, "ids"))
_ENTRY_LINES = (
    select(_JL.c.entry_id, _JL.c.account_id, _JL.c.warehouse_id, _JL.c.debit, _JL.c.credit)
    .where(_in(_JL.c.entry_id, "ids"))
    .order_by(_JL.c.id)
)
_ORIG_LAYERS = select(_CL.c.movement_id, _CL.c.place_id, _CL.c.id).where(
    _in(_CL.c.movement_id, "ids")
)
_RETURN_VALUES = select(_MV.c.item_id, _MV.c.quantity, _MV.c.value).where(
    _in(_MV.c.movement_id, "ids")
)

_INSERT_POSITION = insert(_SV)
_UPDATE_POSITION = (
    update(_SV)
    .where(_SV.c.item_id == bindparam("k_item"), _SV.c.place_id == bindparam("k_place"))
    .values(
        quantity=bindparam("quantity"),
        value=bindparam("value"),
        last_rate=bindparam("last_rate"),
        updated_at=bindparam("updated_at"),
    )
)
_INSERT_LAYERS = insert(_CL).returning(_CL.c.id, sort_by_parameter_order=True)
_UPDATE_LAYER = (
    update(_CL)
    .where(_CL.c.id == bindparam("k_id"))
    .values(quantity_left=bindparam("quantity_left"), value_left=bindparam("value_left"))
)
_INSERT_ISSUES = insert(_LI)
_INSERT_VALUES = insert(_MV)
_INSERT_ENTRIES = insert(_JE).returning(_JE.c.id, sort_by_parameter_order=True)
_INSERT_LINES = insert(_JL)


def roles(conn: Connection) -> dict[tuple[str, int | None], int]:
    """(role, warehouse or None for the default) -> account id."""
    return {(str(r), w): int(a) for r, w, a in conn.execute(_ROLES)}


def closed_periods(conn: Connection, periods: Iterable[str]) -> set[str]:
    return set(conn.execute(_CLOSED, {"periods": sorted(set(periods))}).scalars())


def load_book(conn: Connection, keys: set[Key], fifo: set[Key]) -> tuple[Book, dict[Key, Any]]:
    """The positions of `keys` (and the open layers of the `fifo` ones), locked in key
    order; returns the book and what was read, to write back only what changed."""
    items = sorted({k[0] for k in keys})
    places = sorted({k[1] for k in keys})
    book = Book()
    read: dict[Key, Any] = {}
    for r in conn.execute(_POSITIONS, {"items": items, "places": places}):
        key = (int(r.item_id), int(r.place_id))
        if key in keys:
            pos = Position(int(r.quantity), money_of(r.value), _rate(r.last_rate))
            book.positions[key] = read[key] = pos
    if fifo:
        f_items = sorted({k[0] for k in fifo})
        f_places = sorted({k[1] for k in fifo})
        for la in conn.execute(_LAYERS, {"items": f_items, "places": f_places}):
            key = (int(la.item_id), int(la.place_id))
            if key in fifo:
                layer = Layer(int(la.id), int(la.quantity_left), _rate_of(la.unit_cost),
                              money_of(la.value_left), la.lot_id)  # fmt: skip
                book.layers.setdefault(key, []).append(layer)
    return book, read


def money_of(value: Any) -> Decimal:
    """Money read back from the database as exact cents."""
    # SQLite hands NUMERIC back through float: the cents are exact once re-quantized.
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else Decimal(0)


def _rate_of(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(RATE_PLACES)


def _rate(value: Any) -> Decimal | None:
    return None if value is None else _rate_of(value)


def originals(conn: Connection, movement_ids: Sequence[int]) -> dict[int, Original]:
    """How the movements being reversed were valued (only those that were)."""
    ids = sorted(set(movement_ids))
    values = {int(m): money_of(v) for m, v in conn.execute(_ORIG_VALUES, {"ids": ids})}
    if not values:
        return {}
    entries = {int(m): (int(e), str(k)) for e, m, k in conn.execute(_ORIG_ENTRIES, {"ids": ids})}
    lines: dict[int, list[BookedLine]] = {}
    if entries:
        for e, a, w, d, c in conn.execute(_ENTRY_LINES, {"ids": [e for e, _ in entries.values()]}):
            lines.setdefault(int(e), []).append(BookedLine(int(a), w, money_of(d), money_of(c)))
    layers = {int(m): int(i) for m, _, i in conn.execute(_ORIG_LAYERS, {"ids": ids})}
    out = {}
    for m, value in values.items():
        entry_id, kind = entries.get(m, (None, None))
        out[m] = Original(
            value=value,
            kind=kind,
            entry_id=entry_id,
            lines=tuple(lines.get(entry_id, ())) if entry_id is not None else (),
            layer_id=layers.get(m),
        )
    return out


def issue_rates(conn: Connection, movement_ids: dict[int, list[int]]) -> dict[int, Decimal]:
    """item id -> the unit cost its given movements (a return's ship movements) went out at."""
    ids = sorted({m for ms in movement_ids.values() for m in ms})
    if not ids:
        return {}
    totals: dict[int, list[Any]] = {}
    for item_id, quantity, value in conn.execute(_RETURN_VALUES, {"ids": ids}):
        t = totals.setdefault(int(item_id), [0, Decimal(0)])
        t[0] += int(quantity)
        t[1] += money_of(value)
    return {i: rate(v, q) for i, (q, v) in totals.items() if q > 0}


def write(
    conn: Connection,
    book: Book,
    read: dict[Key, Any],
    valued: Sequence[Valued],
    head: dict[str, Any],
) -> None:
    """Write back one posting's valuation. `head`: posting_id, source_type, source_id,
    occurred_at, entry_date, period, memo, created_by, now."""
    if not valued:  # every line skipped (value_line_or_skip): the book is as it was read
        return
    now: datetime = head["now"]
    write_positions(conn, book, read, now)
    real = _write_layers(conn, book, valued, head["occurred_at"])
    issues = [
        {"layer_id": real.get(c.layer_id, c.layer_id), "movement_id": v.movement_id,
         "quantity": c.quantity, "value": c.value}
        for v in valued for c in v.consumed if c.quantity
    ]  # fmt: skip
    if issues:
        conn.execute(_INSERT_ISSUES, issues)
    conn.execute(
        _INSERT_VALUES,
        [
            {"movement_id": v.movement_id, "item_id": v.item_id, "from_place_id": v.from_place,
             "to_place_id": v.to_place, "quantity": v.quantity, "value": v.value,
             "unit_cost": v.unit_cost, "method": v.method, "cost_source": v.cost_source,
             "created_at": now}
            for v in valued
        ],
    )  # fmt: skip
    _write_entries(conn, [v for v in valued if v.lines], head)


def write_positions(conn: Connection, book: Book, read: dict[Key, Any], now: datetime) -> None:
    changed = [(k, p) for k, p in sorted(book.positions.items()) if read.get(k) != p]
    rows = [
        {"quantity": p.quantity, "value": p.value, "last_rate": p.last_rate, "updated_at": now,
         "k_item": k[0], "k_place": k[1]}
        for k, p in changed if k in read
    ]  # fmt: skip
    if rows:
        conn.execute(_UPDATE_POSITION, rows)
    new = [
        {"item_id": k[0], "place_id": k[1], "quantity": p.quantity, "value": p.value,
         "last_rate": p.last_rate, "updated_at": now}
        for k, p in changed if k not in read
    ]  # fmt: skip
    if new:
        conn.execute(_INSERT_POSITION, new)


def _write_layers(
    conn: Connection, book: Book, valued: Sequence[Valued], received_at: datetime
) -> dict[int, int]:
    """Insert the posting's new layers as they stand now, update the consumed ones; returns
    each new layer's temporary id -> its written id."""
    final = {la.id: la for layers in book.layers.values() for la in layers}
    new = [(v, n) for v in valued for n in v.new_layers]
    real: dict[int, int] = {}
    if new:
        rows = [
            {"item_id": v.item_id, "place_id": n.place_id, "lot_id": v.lot_id,
             "movement_id": v.movement_id, "received_at": received_at,
             "quantity_in": n.layer.quantity_left,
             "quantity_left": final[n.temp_id].quantity_left if n.temp_id in final else 0,
             "unit_cost": n.layer.unit_cost,
             "value_left": final[n.temp_id].value_left if n.temp_id in final else Decimal(0)}
            for v, n in new
        ]  # fmt: skip
        ids = conn.execute(_INSERT_LAYERS, rows).scalars().all()
        real = {n.temp_id: int(i) for (_, n), i in zip(new, ids, strict=True)}
    touched = {c.layer_id for v in valued for c in v.consumed if c.layer_id not in real}
    updates = []
    for layer_id in sorted(touched):
        la = final.get(layer_id)
        left, value = (la.quantity_left, la.value_left) if la else (0, Decimal(0))
        updates.append({"quantity_left": left, "value_left": value, "k_id": layer_id})
    if updates:
        conn.execute(_UPDATE_LAYER, updates)
    return real


def _write_entries(conn: Connection, valued: Sequence[Valued], head: dict[str, Any]) -> None:
    if not valued:
        return
    entry_date: date = head["entry_date"]
    ids = conn.execute(
        _INSERT_ENTRIES,
        [
            {"entry_date": entry_date, "period": head["period"], "kind": v.kind,
             "movement_id": v.movement_id, "posting_id": head["posting_id"],
             "source_type": head["source_type"], "source_id": head["source_id"],
             "memo": head["memo"], "reverses_entry_id": v.reverses_entry_id,
             "created_by": head["created_by"], "created_at": head["now"]}
            for v in valued
        ],
    ).scalars().all()  # fmt: skip
    conn.execute(
        _INSERT_LINES,
        [
            {"entry_id": int(e), "account_id": b.account_id, "debit": b.debit,
             "credit": b.credit, "warehouse_id": b.warehouse_id, "item_id": v.item_id}
            for v, e in zip(valued, ids, strict=True) for b in v.lines
        ],
    )  # fmt: skip
    enqueue_entries(conn, ids)
