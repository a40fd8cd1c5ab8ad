"""The latest postings as a warehouse's board reads them: each posting's lines in one
query, split by what each line did (board/rules.py), with another warehouse's locations
masked. The live delivery (realtime/delivery.py) reads a batch of postings once for every
room it goes to."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..timeutil import as_utc
from . import queries as q
from .rules import FeedLine, FeedPart, parts_of, summary

FEED_SIZE = 20
ELSEWHERE = "(another warehouse)"


@dataclass(frozen=True)
class FeedEntry:
    """One posting as a board reads it. `units` is every line's quantity; `parts` and
    `summary` split them by what each line did (board/rules.py), so a short pick's
    write-off never reads as picked. Codes of another warehouse's locations are masked."""

    posting_id: int
    movement_type: str
    at: datetime
    who: str | None
    lines: int
    units: int
    sku: str
    from_code: str
    to_code: str
    reason_code: str | None
    parts: list[FeedPart]
    summary: str


def _code(code: str, virtual: bool, location_wh: int | None, wh: int) -> str:
    # A room hears its own locations and the virtual ones, never another warehouse's
    # (docs/decisions/0012): a transfer's other end is only "another warehouse".
    return code if virtual or location_wh == wh else ELSEWHERE


def _entry(pid: int, rows: list[Any], wh: int) -> FeedEntry:
    first = rows[0]
    lines = [
        FeedLine(
            int(r.quantity),
            r.reason_code,
            _code(r.from_code, r.from_virtual, r.from_wh, wh),
            _code(r.to_code, r.to_virtual, r.to_wh, wh),
            bool(r.to_virtual),
        )
        for r in rows
    ]
    parts = parts_of(first.movement_type, lines)
    return FeedEntry(
        pid, first.movement_type, as_utc(first.recorded_at), first.username, len(rows),
        sum(x.quantity for x in lines), first.sku, lines[0].from_code, lines[0].to_code,
        first.reason_code, parts, summary(parts),
    )  # fmt: skip


class PostingLines:
    """The lines of some postings, read in one query, to be shown to any warehouse's room
    (the live delivery reads a batch of postings once for every room it goes to)."""

    def __init__(self, conn: Any, posting_ids: Collection[int]) -> None:
        self.grouped: dict[int, list[Any]] = {}
        if posting_ids:
            for r in q.rows(conn, q.POSTING_LINES, ids=sorted(set(posting_ids))):
                self.grouped.setdefault(r.posting_id, []).append(r)

    def warehouse_of(self) -> dict[int, int | None]:
        """Each location these postings touched -> its warehouse (None: a virtual one)."""
        found: dict[int, int | None] = {}
        for rows in self.grouped.values():
            for r in rows:
                found[r.from_location_id] = r.from_wh
                found[r.to_location_id] = r.to_wh
        return found

    def entry(self, posting_id: int, wh: int) -> FeedEntry | None:
        """The posting as warehouse `wh`'s board reads it."""
        rows = self.grouped.get(posting_id)
        return _entry(posting_id, rows, wh) if rows else None


def recent_feed(conn: Any, wh: int) -> list[FeedEntry]:
    ids = q.recent_posting_ids(conn, wh, FEED_SIZE)
    lines = PostingLines(conn, ids)
    return [e for pid in sorted(ids, reverse=True) if (e := lines.entry(pid, wh)) is not None]
