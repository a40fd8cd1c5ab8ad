"""Recompute balances from the movements and compare them with the stored projection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text

from ..extensions import db
from .chain import FIELDS, GENESIS, link_hash
from .models import LedgerChain, Movement
from .writer import rebuild_balances

__all__ = ["BrokenLink", "Difference", "VerifyReport", "rebuild_balances", "verify_ledger"]

# Same derivation as the rebuild, kept as a read so verify never writes.
_FROM_MOVEMENTS = text(
    "SELECT item_id, loc, lot, cont, SUM(q) AS qty FROM ("
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
_NEGATIVE = text(
    "SELECT b.item_id, b.location_id, b.quantity FROM balances b "
    "JOIN locations l ON l.id = b.location_id WHERE NOT l.is_virtual AND b.quantity < 0"
)

_CHAIN_ROWS = select(
    *[Movement.__table__.c[name] for name in FIELDS], Movement.__table__.c.chain_hash
).order_by(Movement.__table__.c.id)
_HEAD = select(LedgerChain.last_movement_id, LedgerChain.last_hash).where(LedgerChain.id == 1)

Key = tuple[int, int, int, int]


@dataclass(frozen=True)
class BrokenLink:
    """The first movement whose stored hash is not the one its fields and predecessor give
    (movement_id None: the movements agree but the chain head does not)."""

    movement_id: int | None
    expected: str
    stored: str | None


@dataclass(frozen=True)
class Difference:
    item_id: int
    location_id: int
    lot_id: int | None
    container_id: int | None
    stored: int
    from_movements: int


@dataclass
class VerifyReport:
    differences: list[Difference] = field(default_factory=list)
    unbalanced_items: list[tuple[int, int]] = field(default_factory=list)
    negative_physical: list[tuple[int, int, int]] = field(default_factory=list)
    broken_link: BrokenLink | None = None
    chain_checked: int = 0
    chain_head: str = GENESIS

    @property
    def count(self) -> int:
        broken = 0 if self.broken_link is None else 1
        return (
            len(self.differences) + len(self.unbalanced_items) + len(self.negative_physical)
        ) + broken

    @property
    def clean(self) -> bool:
        return self.count == 0

    def lines(self) -> list[str]:
        out = [
            f"balance item={d.item_id} location={d.location_id} lot={d.lot_id} "
            f"container={d.container_id}: stored {d.stored}, movements say {d.from_movements}"
            for d in self.differences
        ]
        out += [f"item={i} sums to {s} over all locations, not 0" for i, s in self.unbalanced_items]
        out += [f"item={i} location={loc} is negative: {q}" for i, loc, q in self.negative_physical]
        if (b := self.broken_link) is not None:
            where = "chain head" if b.movement_id is None else f"movement={b.movement_id}"
            out.append(f"hash chain broken at {where}: expected {b.expected}, stored {b.stored}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "differences": self.count,
            "balance_mismatches": [d.__dict__ for d in self.differences],
            "unbalanced_items": [{"item_id": i, "sum": s} for i, s in self.unbalanced_items],
            "negative_physical": [
                {"item_id": i, "location_id": loc, "quantity": q}
                for i, loc, q in self.negative_physical
            ],
            "chain": {
                "checked": self.chain_checked,
                "head": self.chain_head,
                "broken_link": None if self.broken_link is None else self.broken_link.__dict__,
            },
        }


def verify_ledger() -> VerifyReport:
    """Check invariants 1-3 of ARCHITECTURE.md against the whole database."""
    session = db.session
    expected: dict[Key, int] = {
        (r[0], r[1], r[2], r[3]): int(r[4]) for r in session.execute(_FROM_MOVEMENTS)
    }
    stored: dict[Key, int] = {(r[0], r[1], r[2], r[3]): int(r[4]) for r in session.execute(_STORED)}
    report = VerifyReport()
    for key in sorted(expected.keys() | stored.keys()):
        want, have = expected.get(key, 0), stored.get(key, 0)
        if want != have:
            item, loc, lot, cont = key
            report.differences.append(Difference(item, loc, lot or None, cont or None, have, want))
    report.unbalanced_items = [(int(r[0]), int(r[1])) for r in session.execute(_ITEM_SUMS)]
    report.negative_physical = [
        (int(r[0]), int(r[1]), int(r[2])) for r in session.execute(_NEGATIVE)
    ]
    _check_chain(report)
    return report


def _check_chain(report: VerifyReport) -> None:
    """Recompute the hash chain in id order; record the first broken link (rule 5)."""
    previous, last_id = GENESIS, 0
    rows = db.session.execute(_CHAIN_ROWS, execution_options={"yield_per": 2000}).mappings()
    for row in rows:
        expected = link_hash(previous, row)
        report.chain_checked += 1
        if row["chain_hash"] != expected:
            report.broken_link = BrokenLink(row["id"], expected, row["chain_hash"])
            rows.close()
            return
        previous, last_id = expected, row["id"]
    report.chain_head = previous
    head = db.session.execute(_HEAD).one_or_none()
    if head is None or (head.last_movement_id, head.last_hash) != (last_id, previous):
        # Movements removed from the tail, or the head rewritten: every link left is intact.
        report.broken_link = BrokenLink(None, previous, None if head is None else head.last_hash)
