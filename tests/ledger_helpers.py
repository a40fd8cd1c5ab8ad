"""Test helpers for the stock ledger: reference data, quick posting, and the invariant check.

`ledger_problems()` recomputes every balance from the movements with one GROUP BY, independently
of scanfloor.ledger.verify, so a bug in verify cannot hide a bug in the writer (and vice versa).
`assert_ledger_clean()` runs both checks.
"""

from __future__ import annotations

import importlib
import itertools
import uuid
from types import ModuleType
from typing import Any

from sqlalchemy import func, select, text

from scanfloor.catalog.codes import sku_key
from scanfloor.catalog.models import Item, Location
from scanfloor.extensions import db
from scanfloor.ledger.models import Balance, Movement, Posting
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import PostingResult, post

_seq = itertools.count(1)
_RUN = uuid.uuid4().hex[:6].upper()

_REBUILT = text(
    "SELECT item_id, loc, lot, cont, SUM(q) FROM ("
    "  SELECT item_id, to_location_id AS loc, COALESCE(lot_id, 0) AS lot,"
    "         COALESCE(to_container_id, 0) AS cont, quantity AS q FROM movements"
    "  UNION ALL"
    "  SELECT item_id, from_location_id, COALESCE(lot_id, 0),"
    "         COALESCE(from_container_id, 0), -quantity FROM movements"
    ") m GROUP BY item_id, loc, lot, cont"
)
_STORED = text(
    "SELECT item_id, location_id, COALESCE(lot_id, 0), COALESCE(container_id, 0), quantity "
    "FROM balances"
)
_ITEM_SUMS = text(
    "SELECT item_id, SUM(quantity) FROM balances GROUP BY item_id HAVING SUM(quantity) <> 0"
)
_NEGATIVE_PHYSICAL = text(
    "SELECT b.item_id, b.location_id, b.quantity FROM balances b "
    "JOIN locations l ON l.id = b.location_id WHERE NOT l.is_virtual AND b.quantity < 0"
)


def unique(prefix: str) -> str:
    return f"{prefix}-{_RUN}-{next(_seq)}"


def make_item(sku: str | None = None) -> int:
    sku = sku or unique("SKU")
    item = Item(sku=sku, sku_key=sku_key(sku), name=f"Item {sku}")
    db.session.add(item)
    db.session.commit()
    return int(item.id)


def make_bin(code: str | None = None) -> int:
    code = code or unique("BIN")
    loc = Location(
        code=code, name=f"Bin {code}", level="bin", type="storage", is_virtual=False, sellable=True
    )
    db.session.add(loc)
    db.session.commit()
    return int(loc.id)


def location_id(code: str) -> int:
    """Id of a location by code (the virtual ones: VENDOR, CUSTOMER, INV-ADJ, SCRAP)."""
    return int(db.session.scalar(select(Location.id).where(Location.code == code)))


def move(
    item_id: int,
    quantity: int,
    src: int,
    dst: int,
    movement_type: str = "transfer",
    key: str | None = None,
) -> PostingResult:
    """Post one line through the writer."""
    line = MovementLine(
        item_id=item_id, quantity=quantity, from_location_id=src, to_location_id=dst
    )
    return post(PostingRequest(movement_type=movement_type, lines=(line,), idempotency_key=key))


def balance(item_id: int, location: int) -> int:
    """Stored on-hand of an item at a location (all lots and containers), fresh from the DB."""
    db.session.commit()  # end any read snapshot so the answer is current
    value = db.session.scalar(
        select(func.coalesce(func.sum(Balance.quantity), 0)).where(
            Balance.item_id == item_id, Balance.location_id == location
        )
    )
    return int(value)


def balances_of(item_ids: list[int]) -> dict[tuple[int, int], int]:
    """Non-zero stored balances of these items, keyed (item_id, location_id)."""
    db.session.commit()
    rows = db.session.execute(
        select(Balance.item_id, Balance.location_id, func.sum(Balance.quantity))
        .where(Balance.item_id.in_(item_ids))
        .group_by(Balance.item_id, Balance.location_id)
    ).all()
    return {(int(i), int(loc)): int(q) for i, loc, q in rows if q}


def counts() -> tuple[int, int]:
    """(postings, movements) row counts: what a refused request must leave unchanged."""
    db.session.commit()
    postings = db.session.scalar(select(func.count()).select_from(Posting))
    movements = db.session.scalar(select(func.count()).select_from(Movement))
    return int(postings or 0), int(movements or 0)


def ledger_problems(item_ids: list[int] | None = None) -> list[str]:
    """Invariants 1-3 as readable lines (empty = clean), over all items or only these."""
    db.session.commit()
    session = db.session
    only = None if item_ids is None else set(item_ids)

    def wanted(item_id: int) -> bool:
        return only is None or item_id in only

    rebuilt = {tuple(r[:4]): int(r[4]) for r in session.execute(_REBUILT) if wanted(r[0])}
    stored = {tuple(r[:4]): int(r[4]) for r in session.execute(_STORED) if wanted(r[0])}
    problems = [
        f"balance item/location/lot/container={key}: stored {stored.get(key, 0)}, "
        f"movements say {rebuilt.get(key, 0)}"
        for key in sorted(rebuilt.keys() | stored.keys())
        if rebuilt.get(key, 0) != stored.get(key, 0)
    ]
    problems += [
        f"item {i} sums to {s} over all locations"
        for i, s in session.execute(_ITEM_SUMS)
        if wanted(i)
    ]
    problems += [
        f"physical location {loc} holds {q} of item {i}"
        for i, loc, q in session.execute(_NEGATIVE_PHYSICAL)
        if wanted(i)
    ]
    session.commit()
    return problems


def verify_ledger_lines() -> list[str] | None:
    """What scanfloor.ledger.verify finds wrong ([] = clean); None until that module exists."""
    verify = verify_module()
    if verify is None:
        return None
    report: Any = verify.verify_ledger()
    db.session.commit()
    lines = [str(line) for line in report.lines()]
    assert report.clean == (report.count == 0) == (lines == []), lines
    return lines


def verify_module() -> ModuleType | None:
    """scanfloor.ledger.verify if it exists yet; a broken import inside it still raises."""
    try:
        return importlib.import_module("scanfloor.ledger.verify")
    except ModuleNotFoundError as exc:
        if exc.name != "scanfloor.ledger.verify":
            raise
        return None


def assert_ledger_clean() -> None:
    """Both checks over the whole database: this file's GROUP BY, and verify_ledger()."""
    problems = ledger_problems()
    assert problems == [], "\n".join(problems)
    found = verify_ledger_lines()
    assert not found, "\n".join(found or [])
