"""How the board names what a posting did, line by line.

A posting's movement type is not enough to read it: a short pick is one `pick` posting whose
lines are the units found (bin -> tote at the pack station) and the units written off (bin ->
INV-ADJ, reason `short_pick`). Shown as "pick 85" the written-off units would read as picked.
So each line has a kind: a line of a floor movement (pick, putaway, pack, transfer...) that ends
in a virtual location is a write-off named by its reason ("short-pick write-off"); any other
line is its movement type. Movements whose normal end or start is virtual (a receipt
from VENDOR, a ship to CUSTOMER, an adjustment to INV-ADJ, a reversal) keep their type.
A posting reads as the units per (kind, destination), in the order they first appear:
"pick 1 → PACK-01, short-pick write-off 84 → INV-ADJ".

Pure Python: the board's service and the live delivery both use it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Types whose lines normally end at a virtual location: such a line is what they do.
VIRTUAL_ENDS = frozenset({"receipt", "ship", "adjustment", "count", "scrap", "return", "reversal"})
ARROW = "\u2192"
MAX_PARTS = 4


@dataclass(frozen=True)
class FeedLine:
    """One movement line as the feed needs it (codes already masked for the reader)."""

    quantity: int
    reason_code: str | None
    from_code: str
    to_code: str
    to_virtual: bool


@dataclass(frozen=True)
class FeedPart:
    kind: str
    units: int
    lines: int
    to_code: str


def line_kind(movement_type: str, line: FeedLine) -> str:
    """What one line did: its movement type, or a write-off when a floor movement's line
    ends in a virtual location (the stock was not there)."""
    if line.to_virtual and movement_type not in VIRTUAL_ENDS:
        reason = (line.reason_code or "").strip().replace("_", "-")
        return f"{reason} write-off" if reason else "write-off"
    return movement_type


def parts_of(movement_type: str, lines: list[FeedLine]) -> list[FeedPart]:
    """Units and lines per (kind, destination), in the order they first appear."""
    found: dict[tuple[str, str], FeedPart] = {}
    for line in lines:
        key = (line_kind(movement_type, line), line.to_code)
        was = found.get(key)
        units, count = (was.units, was.lines) if was else (0, 0)
        found[key] = FeedPart(key[0], units + line.quantity, count + 1, key[1])
    return list(found.values())


def summary(parts: list[FeedPart]) -> str:
    """ "pick 1 → PACK-01, short-pick write-off 84 → INV-ADJ" (the first few, then "…")."""
    shown = [f"{p.kind} {p.units} {ARROW} {p.to_code}" for p in parts[:MAX_PARTS]]
    more = len(parts) - MAX_PARTS
    return ", ".join(shown) + (f", +{more} more" if more > 0 else "")
