"""Pure valuation of one movement line: the cost rules applied to the places it leaves and
enters, the value that moved, and its journal lines with accounts resolved. The posting
subscriber (subscriber.py) and the rebuild (rebuild.py) both run this, on positions read
from the database or kept in memory, so a rebuild recomputes exactly what was booked.

Per line (sides from posting_rules.side_of; no rule: nothing to value):
- the issuing place (owned or in transit) gives up units by its cost method: the average
  or the oldest FIFO layers; a reversal takes out exactly what the reversed movement put
  in (`value=`, FIFO: that movement's layer first), any difference to COGS;
- the receiving place takes them in: at the value just issued when both ends are valued (a
  transfer carries its cost); from a vendor at quantity x the line's unit cost (none given:
  the place's last rate, else 0); from a customer at the original issue cost when known;
  a reversal at exactly the reversed value; otherwise at the place's current rate (V/Q
  when Q > 0, else its last rate, else 0);
- the entry: the rule's lines for the value that moved, plus the negative-stock
  corrections of either end; a reversal's entry is the reversed entry's lines swapped
  (same accounts), plus the corrections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .cost_rules import (
    Consumed,
    Layer,
    Outcome,
    Position,
    average_issue,
    average_receive,
    fifo_issue,
    fifo_receive,
)
from .money import rate, times
from .posting_rules import IN_TRANSIT, EntryLine, Rule, Side, entry_lines, rule_for

FIFO = "fifo"
ZERO = Decimal(0)
EMPTY = Position(0, ZERO, None)
# Layers a posting adds get ids above any written one until they are written (the rules
# consume by id: these are the newest), so each part consumed names its layer.
TEMP_ID_BASE = 1 << 60

Key = tuple[int, int]  # (item, place)


@dataclass(frozen=True)
class BookedLine:
    """A journal line with its account resolved."""

    account_id: int
    warehouse_id: int | None
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class Original:
    """How a movement being reversed was valued."""

    value: Decimal
    kind: str | None  # its entry's kind (None: it booked no entry)
    entry_id: int | None
    lines: tuple[BookedLine, ...]
    layer_id: int | None  # the FIFO layer it created at the place it entered


@dataclass(frozen=True)
class LineFacts:
    movement_id: int
    item_id: int
    quantity: int
    lot_id: int | None
    unit_cost: Decimal | None
    src: Side
    dst: Side
    method: str
    original: Original | None = None  # set for a reversal of a valued movement
    return_rate: Decimal | None = None  # a customer return: the original issue unit cost


@dataclass(frozen=True)
class NewLayer:
    temp_id: int
    place_id: int
    layer: Layer


@dataclass(frozen=True)
class Valued:
    """One valued movement line: its movement_values row, layer changes and entry."""

    movement_id: int
    item_id: int
    lot_id: int | None
    from_place: int | None
    to_place: int | None
    quantity: int
    value: Decimal
    unit_cost: Decimal
    method: str
    cost_source: str
    kind: str
    lines: tuple[BookedLine, ...]
    reverses_entry_id: int | None
    consumed: tuple[Consumed, ...] = ()
    new_layers: tuple[NewLayer, ...] = ()


AccountOf = Callable[[str, int | None], int | None]


def account_resolver(roles: dict[tuple[str, int | None], int]) -> AccountOf:
    """(role, place) -> the account of the role at that warehouse, else its default."""

    def account_of(role: str, place: int | None) -> int | None:
        found = roles.get((role, place)) if place is not None else None
        return found if found is not None else roles.get((role, None))

    return account_of


@dataclass
class Book:
    """The positions (and FIFO layers) of the places being valued, changed in place."""

    positions: dict[Key, Position] = field(default_factory=dict)
    layers: dict[Key, list[Layer]] = field(default_factory=dict)
    next_id: int = TEMP_ID_BASE

    def position(self, key: Key) -> Position:
        return self.positions.get(key, EMPTY)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


def current_rate(pos: Position) -> tuple[Decimal | None, str]:
    """The rate units entering from a counterparty take: V/Q, else the last rate, else 0."""
    if pos.quantity > 0:
        return rate(pos.value, pos.quantity), "issue"
    if pos.last_rate is not None:
        return pos.last_rate, "last_rate"
    return None, "none"


def value_line(ln: LineFacts, book: Book, q: Decimal, account_of: AccountOf) -> Valued | None:
    """Value one line against `book` (updated); None when the line changes no value."""
    rule = rule_for(ln.src, ln.dst)
    if rule is None:
        return None
    issue_place = ln.src.place_id if ln.src.kind in ("owned", "transit") else None
    receive_place = ln.dst.place_id if ln.dst.kind in ("owned", "transit") else None
    orig = ln.original
    new_layers: list[NewLayer] = []
    issued: Outcome | None = None
    source = ""
    if issue_place is not None:
        issued = _issue(ln, book, (ln.item_id, issue_place), q)
        source = "reversal" if orig else issued.source
    received: Outcome | None = None
    if receive_place is not None:
        if issued is not None:  # a transfer: what left one place enters the other
            incoming = issued.value
            source = "transfer" if source == "issue" else source
        else:
            incoming, source = _incoming(ln, book.position((ln.item_id, receive_place)), q)
        received = _receive(ln, book, (ln.item_id, receive_place), incoming, q, new_layers)
    moved = issued if issued is not None else received
    assert moved is not None
    lines = _entry(ln, rule, moved.value, issued, received)
    booked = _book(lines, ln, issue_place, receive_place, account_of)
    if orig is not None and orig.kind is not None:
        swapped = tuple(BookedLine(b.account_id, b.warehouse_id, b.credit, b.debit)
                        for b in orig.lines)  # fmt: skip
        booked = swapped + booked
    return Valued(
        movement_id=ln.movement_id,
        item_id=ln.item_id,
        lot_id=ln.lot_id,
        from_place=issue_place,
        to_place=receive_place,
        quantity=ln.quantity,
        value=moved.value,
        unit_cost=moved.unit_cost,
        method=ln.method,
        cost_source=source,
        kind=(orig.kind if orig and orig.kind else rule.name),
        lines=booked,
        reverses_entry_id=orig.entry_id if orig else None,
        consumed=issued.consumed if issued else (),
        new_layers=tuple(new_layers),
    )


def value_line_or_skip(
    ln: LineFacts, book: Book, q: Decimal, account_of: AccountOf
) -> tuple[Valued | None, str | None]:
    """value_line, but a line the cost rules refuse (a value below zero read from a
    damaged position, say) is skipped with its reason and leaves `book` as it was: a
    posting is never refused for what finance cannot value (verify then reports it)."""
    keys = [(ln.item_id, s.place_id) for s in (ln.src, ln.dst) if s.place_id is not None]
    saved = {k: (book.positions.get(k), list(book.layers.get(k, []))) for k in keys}
    next_id = book.next_id
    try:
        return value_line(ln, book, q, account_of), None
    except (ValueError, ArithmeticError) as exc:
        for k, (pos, layers) in saved.items():
            if pos is None:
                book.positions.pop(k, None)
            else:
                book.positions[k] = pos
            book.layers[k] = layers
        book.next_id = next_id
        return None, f"movement {ln.movement_id} not valued: {exc}"


def _issue(ln: LineFacts, book: Book, key: Key, q: Decimal) -> Outcome:
    pos = book.position(key)
    given = ln.original.value if ln.original else None
    if ln.method != FIFO:
        out = average_issue(pos, ln.quantity, q, value=given)
    else:
        prefer = ln.original.layer_id if ln.original else None
        out = fifo_issue(pos, book.layers.get(key, []), ln.quantity, q, prefer, value=given,
                         lot=ln.lot_id)  # fmt: skip
        book.layers[key] = list(out.layers)
    book.positions[key] = out.position
    return out


def _incoming(ln: LineFacts, pos: Position, q: Decimal) -> tuple[Decimal, str]:
    """The value of units entering from a counterparty, and where that cost came from."""
    if ln.original is not None:
        return ln.original.value, "reversal"
    if ln.src.kind == "vendor":
        if ln.unit_cost is not None:
            return times(ln.quantity, ln.unit_cost, q), "receipt"
        if pos.last_rate is not None:  # no cost on the receipt: the last one known
            return times(ln.quantity, pos.last_rate, q), "last_rate"
        return ZERO, "none"
    if ln.src.kind == "customer" and ln.return_rate is not None:
        return times(ln.quantity, ln.return_rate, q), "original"
    known, source = current_rate(pos)
    return (ZERO if known is None else times(ln.quantity, known, q)), source


def _receive(
    ln: LineFacts, book: Book, key: Key, value: Decimal, q: Decimal, new: list[NewLayer]
) -> Outcome:
    pos = book.position(key)
    if ln.method != FIFO:
        out = average_receive(pos, ln.quantity, value, q)
    else:
        out = fifo_receive(pos, book.layers.get(key, []), ln.quantity, value, q, ln.lot_id)
        kept = []
        for layer in out.layers:
            if layer.id == 0:
                layer = Layer(book.new_id(), layer.quantity_left, layer.unit_cost,
                              layer.value_left, layer.lot_id)  # fmt: skip
                new.append(NewLayer(layer.id, key[1], layer))
            kept.append(layer)
        book.layers[key] = kept
    book.positions[key] = out.position
    return out


def _entry(
    ln: LineFacts, rule: Rule, amount: Decimal, issued: Outcome | None, received: Outcome | None
) -> list[EntryLine]:
    """The rule's lines for the value that moved (none for a reversal of a booked entry,
    whose swapped lines stand for it), plus both ends' corrections and rounding."""
    reversing = ln.original is not None and ln.original.kind is not None
    return entry_lines(
        rule,
        ZERO if reversing else amount,
        received.correction if received else ZERO,
        received.rounding if received else ZERO,
        issue_correction=issued.correction if issued else ZERO,
        issue_rounding=issued.rounding if issued else ZERO,
    )


def _book(
    lines: list[EntryLine],
    ln: LineFacts,
    issue_place: int | None,
    receive_place: int | None,
    account_of: AccountOf,
) -> tuple[BookedLine, ...]:
    """Resolve each line's account (role at its place, else the default) and the place it
    is recorded against: its own, the in-transit location for in_transit, else the
    movement's valued place (so COGS and expenses read per warehouse)."""
    transit = next((s.place_id for s in (ln.src, ln.dst) if s.kind == "transit"), None)
    home = issue_place if issue_place is not None else receive_place
    out = []
    for x in lines:
        account = account_of(x.role, x.place)
        if account is None:
            return ()  # an unmapped role: verify reports the movement without its entry
        where = x.place if x.place is not None else transit if x.role == IN_TRANSIT else home
        out.append(BookedLine(account, where, x.debit, x.credit))
    return tuple(out)
