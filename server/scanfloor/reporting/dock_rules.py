"""Pure dock matching for dock-to-stock time: when the last unit of each receipt line left
the dock, first in, first out.

A warehouse's dock (its inbound locations, dock and staging, as putaway reads them) holds
each item's units (per lot) as one queue, the oldest first, as putaway's own task ages
assume:
- units arrive: a receipt line, or anything else moved in from outside the dock;
- units leave: a putaway, or anything else moved out of the dock (a scrap, a count loss
  and a reversed receipt end a unit's wait too: it is no longer waiting to be stocked);
- a move between two inbound locations of the warehouse neither arrives nor leaves.
A receipt line is stocked at the moment its last unit leaves. Flows are taken in time
order (then in the order they were posted). The units on the dock before the first flow
read are older than any of them (`opening`), so they leave first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple


class DockFlow(NamedTuple):
    """Units arriving on the dock (units > 0) or leaving it (units < 0) at a moment; an
    arrival names the receipt line it is (None: any other arrival). A named tuple: a
    report makes one per dock movement of months."""

    at: datetime
    seq: int  # the movement's id: the posting order of flows at one moment
    units: int
    receipt_line: int | None = None


def opening(on_dock_now: int, flows: Iterable[DockFlow]) -> int:
    """Units on the dock before the flows: what is there now, less what the flows brought,
    plus what they took (never below 0: a ledger whose flows do not add up to its balance
    leaves nothing older to wait behind)."""
    return max(0, on_dock_now - sum(f.units for f in flows))


def stocked_at(before: int, flows: Sequence[DockFlow]) -> dict[int, datetime | None]:
    """Receipt line -> the moment its last unit left the dock (None: some of it is still
    there), for every receipt line among the flows' arrivals."""
    queue: deque[list[int | None]] = deque()
    if before > 0:
        queue.append([None, before])
    out: dict[int, datetime | None] = {}
    parts: dict[int, int] = {}  # receipt line -> its arrivals still (partly) on the dock
    for flow in sorted(flows, key=lambda f: (f.at, f.seq)):
        if flow.units > 0:
            queue.append([flow.receipt_line, flow.units])
            if flow.receipt_line is not None:
                out.setdefault(flow.receipt_line, None)
                parts[flow.receipt_line] = parts.get(flow.receipt_line, 0) + 1
            continue
        leaving = -flow.units
        while leaving and queue:
            head = queue[0]
            left = int(head[1] or 0)
            take = min(leaving, left)
            head[1] = left - take
            leaving -= take
            if head[1] == 0:
                queue.popleft()
                line = head[0]
                if line is not None:
                    parts[line] -= 1
                    if parts[line] == 0:
                        out[line] = flow.at
    return out
